"""Every store keeps the same promises, against real SQLite files and a real redis-server."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tmdbfusion._cache.backend import (
    AsyncCacheBackend,
    CacheBackend,
    CacheUsage,
    default_cache_path,
    open_backend,
)
from tmdbfusion._cache.memory import MemoryCache
from tmdbfusion._cache.redis import RedisCache
from tmdbfusion._cache.sqlite import SQLiteCache

from .conftest import real_body


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CacheBackend]:
    made: CacheBackend
    if request.param == "memory":
        made = MemoryCache()
    elif request.param == "sqlite":
        made = SQLiteCache(tmp_path / "cache.sqlite")
    else:
        made = RedisCache(request.getfixturevalue("redis_url"))
    yield made
    made.close()


def test_values_round_trip_and_missing_keys_are_none(store: CacheBackend) -> None:
    body = real_body("movie_movie_id__4.json")
    store.set_many([("tmdbfusion:1|a", body, 60), ("tmdbfusion:1|b", b"{}", 60)])
    assert store.get_many(["tmdbfusion:1|a", "tmdbfusion:1|missing", "tmdbfusion:1|b"]) == [
        body,
        None,
        b"{}",
    ]
    assert store.usage() == CacheUsage(2, len(body) + 2)


def test_a_new_value_replaces_the_old_one(store: CacheBackend) -> None:
    store.set_many([("tmdbfusion:1|a", b"old", 60)])
    store.set_many([("tmdbfusion:1|a", b"new", 60)])
    assert store.get_many(["tmdbfusion:1|a"]) == [b"new"]
    assert store.usage().entries == 1


@pytest.mark.slow
def test_expired_values_are_gone(store: CacheBackend) -> None:
    store.set_many([("tmdbfusion:1|short", b"x", 0.3), ("tmdbfusion:1|long", b"y", 60)])
    time.sleep(0.6)
    assert store.get_many(["tmdbfusion:1|short", "tmdbfusion:1|long"]) == [None, b"y"]
    assert store.usage() == CacheUsage(1, 1)


def test_clear_drops_everything(store: CacheBackend) -> None:
    store.set_many([(f"tmdbfusion:1|{n}", b"x", 60) for n in range(1200)])
    assert store.usage().entries == 1200
    store.clear()
    assert store.usage() == CacheUsage(0, 0)
    assert store.get_many(["tmdbfusion:1|7"]) == [None]


def test_every_store_implements_the_protocol(store: CacheBackend) -> None:
    assert isinstance(store, CacheBackend)


def test_memory_evicts_the_least_recently_used() -> None:
    clock = Clock()
    store = MemoryCache(max_entries=2, clock=clock)
    store.set_many([("a", b"1", 60), ("b", b"2", 60)])
    store.get_many(["a"])
    store.set_many([("c", b"3", 60)])
    assert store.get_many(["a", "b", "c"]) == [b"1", None, b"3"]
    small = MemoryCache(max_bytes=10, clock=clock)
    small.set_many([("a", b"12345", 60), ("b", b"123456", 60)])
    assert small.get_many(["a", "b"]) == [None, b"123456"]
    small.set_many([("huge", b"x" * 11, 60)])
    assert small.get_many(["huge", "b"]) == [None, b"123456"]
    clock.now += 61
    assert small.usage() == CacheUsage(0, 0)


@pytest.mark.parametrize("value", [0, -1, True, 1.5])
def test_memory_bounds_must_be_positive_ints(value: object) -> None:
    with pytest.raises(ValueError, match="max_entries must be an int of 1 or more"):
        MemoryCache(max_entries=value)  # type: ignore[arg-type]


def test_sqlite_creates_its_folder_and_an_owner_only_file(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "cache.sqlite"
    store = SQLiteCache(path)
    store.set_many([("k", b"v", 60)])
    store.close()
    assert path.stat().st_mode & 0o777 == 0o600
    reopened = SQLiteCache(path)
    assert reopened.get_many(["k"]) == [b"v"]
    reopened.close()


def test_sqlite_purges_expired_rows_as_it_writes(tmp_path: Path) -> None:
    clock = Clock()
    store = SQLiteCache(tmp_path / "cache.sqlite", clock=clock)
    store.set_many([(f"old{n}", b"x", 1) for n in range(10)])
    clock.now += 5
    for n in range(300):
        store.set_many([(f"new{n}", b"y", 60)])
    connection = store._connect()
    rows = connection.execute("SELECT COUNT(*) FROM tmdbfusion_cache").fetchone()[0]
    assert rows == 300
    store.close()


def test_a_file_that_is_not_a_database_raises_so_the_guard_can_degrade(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not an SQLite database, it is a text file" * 100)
    store = SQLiteCache(path)
    with pytest.raises(Exception, match="not a database"):
        store.get_many(["k"])


def test_redis_clear_and_usage_leave_other_keys_alone(redis_url: str) -> None:
    import redis

    other = redis.Redis.from_url(redis_url)
    other.set("someone-else", b"keep me")
    store = RedisCache(redis_url)
    store.set_many([("tmdbfusion:1|a", b"x", 60)])
    assert store.usage() == CacheUsage(1, 1)
    store.clear()
    assert other.get("someone-else") == b"keep me"
    other.close()
    store.close()


def test_redis_repr_hides_the_password() -> None:
    store = RedisCache("redis://:s3cret-pass@127.0.0.1:6379/2")
    assert "s3cret-pass" not in repr(store)
    assert "127.0.0.1:6379/2" in repr(store)


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_async_methods_match_the_blocking_ones(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store: SQLiteCache | RedisCache
    if kind == "sqlite":
        store = SQLiteCache(tmp_path / "cache.sqlite")
    else:
        store = RedisCache(request.getfixturevalue("redis_url"))
    assert isinstance(store, AsyncCacheBackend)

    async def scenario() -> None:
        await store.aset_many([("tmdbfusion:1|a", b"async", 60)])
        assert await store.aget_many(["tmdbfusion:1|a", "tmdbfusion:1|b"]) == [b"async", None]
        assert await store.ausage() == CacheUsage(1, 5)
        await store.aclear()
        assert await store.ausage() == CacheUsage(0, 0)
        await store.aclose()

    asyncio.run(scenario())


_WRITER = textwrap.dedent(
    """
    import sys
    from tmdbfusion._cache.backend import open_backend
    store = open_backend(sys.argv[1])
    worker = sys.argv[2]
    for n in range(50):
        store.set_many([(f"tmdbfusion:1|{worker}-{n}", f"{worker}:{n}".encode(), 60)])
    # Read what the other workers wrote, until all of it is there.
    import time
    deadline = time.monotonic() + 20
    wanted = [f"tmdbfusion:1|{w}-{n}" for w in sys.argv[3:] for n in range(50)]
    while time.monotonic() < deadline:
        values = store.get_many(wanted)
        if all(value is not None for value in values):
            break
        time.sleep(0.05)
    else:
        sys.exit("missing entries of other processes")
    assert values == [f"{k.split('|')[1].split('-')[0]}:{k.split('-')[1]}".encode() for k in wanted]
    store.close()
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_several_processes_share_one_store(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    spec = (
        str(tmp_path / "shared.sqlite")
        if kind == "sqlite"
        else request.getfixturevalue("redis_url")
    )
    workers = ["w1", "w2", "w3"]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, spec, worker, *[w for w in workers if w != worker]],
            stderr=subprocess.PIPE,
        )
        for worker in workers
    ]
    for process in processes:
        _, errors = process.communicate(timeout=60)
        assert process.returncode == 0, errors.decode()
    store = open_backend(spec)
    assert store is not None
    assert store.usage().entries == 150
    store.close()


def test_open_backend_understands_every_documented_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert open_backend(None) is None
    assert isinstance(open_backend("memory"), MemoryCache)
    default = open_backend(True)
    assert isinstance(default, SQLiteCache)
    assert (
        default.path == tmp_path / "xdg" / "tmdbfusion" / "responses.sqlite" == default_cache_path()
    )
    assert isinstance(open_backend(tmp_path / "c.sqlite"), SQLiteCache)
    assert isinstance(open_backend(str(tmp_path / "c.sqlite")), SQLiteCache)
    assert isinstance(open_backend("redis://127.0.0.1:1/0"), RedisCache)
    mine = MemoryCache()
    assert open_backend(mine) is mine


@pytest.mark.parametrize(
    ("spec", "error", "message"),
    [
        ("", ValueError, "empty string"),
        ("memcached://127.0.0.1", ValueError, "unknown kind"),
        (42, TypeError, "got int"),
        (object(), TypeError, "got object"),
    ],
)
def test_open_backend_refuses_anything_else(
    spec: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        open_backend(spec)


def test_a_missing_redis_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ImportError, match=r"tmdbfusion-sdk\[redis\]"):
        open_backend("redis://127.0.0.1:6379/0")
