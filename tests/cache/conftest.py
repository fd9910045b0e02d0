"""Fixtures for the cache tests: a real redis-server, real SQLite files, real TMDB bodies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.shared_data import REAL_RESPONSES

from .redis_server import RedisServer


def real_body(file_name: str) -> bytes:
    """A response TMDB really sent, read from ../shared (never copied into the repository)."""
    path = REAL_RESPONSES / file_name
    if not path.exists():
        pytest.fail(f"real response {file_name} not found in {REAL_RESPONSES}")
    # Re-encoded compactly, as TMDB sends it.
    return json.dumps(json.loads(path.read_bytes()), separators=(",", ":")).encode()


@pytest.fixture(autouse=True)
def _no_tmdb_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    monkeypatch.delenv("TMDB_ACCESS_TOKEN", raising=False)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for the session; each test gets it empty (see ``redis_url``)."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test alone, which the test may stop."""
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()
