"""``--shared-rate``: the command line paces through a rate budget kept in a real redis-server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tmdbfusion import RedisPacingBudget
from tmdbfusion.testing import FakeTMDB

from ..cache.redis_server import RedisServer


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.mark.slow
def test_a_pause_booked_by_another_process_holds_the_command(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, redis_server: RedisServer
) -> None:
    # Another process (here: another budget on the same key) saw a 429 and paused everyone.
    RedisPacingBudget(redis_server.url, rate=50).pause(1.0)
    started = time.monotonic()
    code, out, err = main(
        "--rate-limit", "50", "--shared-rate", redis_server.url, "movie", "550", "--json"
    )
    waited = time.monotonic() - started
    assert code == 0, err
    assert json.loads(out)["id"] == 550
    assert waited >= 0.9  # the request waited out the shared pause
    assert len(fake.requests) == 1


def test_shared_rate_needs_a_rate(main, redis_server: RedisServer) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main("--shared-rate", redis_server.url, "movie", "550")
    assert code == 2
    assert "--shared-rate needs --rate-limit: the rate all processes share" in err
    assert "Traceback" not in err


def test_a_malformed_redis_url_is_bad_input(main) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main("--rate-limit", "5", "--shared-rate", "http://nowhere", "movie", "550")
    assert code == 2
    message = " ".join(err.split())  # rich wraps long lines
    assert message.startswith("error: --shared-rate: url must be a Redis URL beginning redis://")
    assert "got 'http://nowhere'" in message
    assert "Traceback" not in err
