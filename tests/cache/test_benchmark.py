"""The cache benchmark runs end to end in quick mode (its numbers mean nothing here)."""

from __future__ import annotations

import math

from benchmarks import cache
from benchmarks.timing import QUICK

from .redis_server import require_redis_server


def test_the_cache_benchmark_times_a_hit_of_every_store_against_a_request() -> None:
    require_redis_server()
    figures = cache.run(QUICK)
    assert [figure.name.split(": ")[1].split(" hit")[0] for figure in figures] == [
        "memory",
        "SQLite",
        "Redis",
    ]
    for figure in figures:
        assert figure.target is not None and figure.unit == "x"
        assert math.isfinite(figure.value) and figure.value > 0
        assert "per call" in figure.measured
    assert "Cache" in cache.method_note(QUICK)
