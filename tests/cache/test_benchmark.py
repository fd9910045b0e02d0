"""The cache benchmark runs end to end in quick mode (its numbers mean nothing here)."""

from __future__ import annotations

import math

from benchmarks import cache
from benchmarks.timing import QUICK

from .redis_server import require_redis_server


def test_the_cache_benchmark_times_a_hit_of_every_store_against_a_request() -> None:
    require_redis_server()
    figures = cache.run(QUICK)
    hits, paced = figures[:3], figures[3:]
    assert [figure.name.split(": ")[1].split(" hit")[0] for figure in hits] == [
        "memory",
        "SQLite",
        "Redis",
    ]
    for figure in hits:
        assert figure.target is not None and figure.unit == "x"
        assert math.isfinite(figure.value) and figure.value > 0
        assert "per call" in figure.measured
    # For context: what a budget shared through Redis adds to a request.
    assert [figure.name.split(": ")[1] for figure in paced] == [
        "loopback request paced through Redis / loopback request"
    ]
    assert paced[0].target is None and paced[0].value > 0
    assert "Cache" in cache.method_note(QUICK)
