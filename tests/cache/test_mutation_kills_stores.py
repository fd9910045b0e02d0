"""The SQLite and Redis stores at their edges: lifetimes, purges, rollbacks, batches, other keys.

Against a real SQLite file and a real redis-server.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
import redis

from tmdbfusion._cache.backend import CacheUsage
from tmdbfusion._cache.redis import RedisCache
from tmdbfusion._cache.sqlite import SQLiteCache


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def raw_rows(store: SQLiteCache) -> int:
    count: int = store._connect().execute("SELECT COUNT(*) FROM tmdbfusion_cache").fetchone()[0]
    return count


# --- SQLite ----------------------------------------------------------------------------------


def test_sqlite_stores_nothing_for_a_lifetime_of_zero_and_keeps_short_ones(tmp_path: Path) -> None:
    store = SQLiteCache(tmp_path / "cache.sqlite", clock=Clock())
    store.set_many([("zero", b"x", 0), ("negative", b"y", -5)])
    store.set_many([("half", b"z", 0.5)])
    assert raw_rows(store) == 1
    assert store.get_many(["zero", "negative", "half"]) == [None, None, b"z"]
    store.close()


def test_sqlite_purges_expired_rows_on_exactly_every_256th_write(tmp_path: Path) -> None:
    clock = Clock()
    store = SQLiteCache(tmp_path / "cache.sqlite", clock=clock)
    store.set_many([(f"old{n}", b"x", 1) for n in range(10)])  # write 1
    clock.now += 5
    for n in range(254):  # writes 2 to 255
        store.set_many([(f"new{n}", b"y", 60)])
    assert raw_rows(store) == 10 + 254  # the expired rows are still there
    store.set_many([("last", b"y", 60)])  # write 256
    assert raw_rows(store) == 255
    assert store.usage() == CacheUsage(255, 255)
    store.close()


def test_a_failed_sqlite_write_is_rolled_back_and_the_next_one_works(tmp_path: Path) -> None:
    store = SQLiteCache(tmp_path / "cache.sqlite", clock=Clock())
    store.set_many([("kept", b"1", 60)])
    with pytest.raises(sqlite3.Error):
        store.set_many([("fine", b"2", 60), ("broken", object(), 60)])  # type: ignore[list-item]
    assert store.get_many(["fine", "kept"]) == [None, b"1"]
    store.set_many([("after", b"3", 60)])
    assert store.get_many(["after"]) == [b"3"]
    store.close()


def test_sqlite_clear_and_the_repr(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    store = SQLiteCache(path, clock=Clock())
    assert repr(store) == f"SQLiteCache({str(path)!r})"
    store.set_many([("a", b"1", 60), ("b", b"22", 60)])
    store.clear()
    assert raw_rows(store) == 0
    store.close()


# --- Redis -----------------------------------------------------------------------------------


def test_redis_lifetimes_become_millisecond_expiries(redis_url: str) -> None:
    store = RedisCache(redis_url)
    raw = redis.Redis.from_url(redis_url)
    store.set_many([("tmdbfusion:1|long", b"x", 100), ("tmdbfusion:1|tiny", b"y", 0.0001)])
    assert 99_000 < raw.pttl("tmdbfusion:1|long") <= 100_000
    assert raw.pttl("tmdbfusion:1|tiny") in (-2, 0, 1)  # at least 1 ms, gone right after
    store.set_many([("tmdbfusion:1|half", b"z", 0.5)])
    assert 0 < raw.pttl("tmdbfusion:1|half") <= 500
    raw.close()
    store.close()


def test_redis_writes_nothing_for_a_lifetime_of_zero(redis_url: str) -> None:
    store = RedisCache(redis_url)
    store.set_many([("tmdbfusion:1|k", b"old", 60)])
    store.set_many([("tmdbfusion:1|k", b"new", 0)])
    assert store.get_many(["tmdbfusion:1|k"]) == [b"old"]

    async def scenario() -> None:
        await store.aset_many([("tmdbfusion:1|k", b"newer", 0), ("tmdbfusion:1|h", b"h", 0.5)])
        assert await store.aget_many(["tmdbfusion:1|k", "tmdbfusion:1|h"]) == [b"old", b"h"]
        await store.aclose()

    asyncio.run(scenario())
    store.close()


def test_redis_async_writes_expire_like_the_blocking_ones(redis_url: str) -> None:
    store = RedisCache(redis_url)
    raw = redis.Redis.from_url(redis_url)

    async def scenario() -> None:
        await store.aset_many([("tmdbfusion:1|long", b"x", 100)])
        await store.aclose()

    asyncio.run(scenario())
    assert 99_000 < raw.pttl("tmdbfusion:1|long") <= 100_000
    raw.close()


def test_redis_usage_and_clear_over_many_batches_leave_other_keys_alone(redis_url: str) -> None:
    raw = redis.Redis.from_url(redis_url)
    raw.set("someone-else", b"keep me")
    store = RedisCache(redis_url)
    store.set_many([(f"tmdbfusion:1|{n}", b"abc", 60) for n in range(1201)])
    assert store.usage() == CacheUsage(1201, 3603)

    async def scenario() -> None:
        assert await store.ausage() == CacheUsage(1201, 3603)
        await store.aclear()
        assert await store.ausage() == CacheUsage(0, 0)
        await store.aclose()

    asyncio.run(scenario())
    assert raw.get("someone-else") == b"keep me"
    store.set_many([(f"tmdbfusion:1|{n}", b"abc", 60) for n in range(1001)])
    store.clear()
    assert store.usage() == CacheUsage(0, 0)
    assert raw.get("someone-else") == b"keep me"
    raw.close()
    store.close()


def test_redis_clients_carry_the_timeouts_unless_the_url_sets_them(redis_url: str) -> None:
    store = RedisCache(redis_url, timeout=0.75)

    async def scenario() -> dict[str, object]:
        client = store._async_client()
        kwargs = dict(client.connection_pool.connection_kwargs)
        await store.aclose()
        return kwargs

    kwargs = asyncio.run(scenario())
    assert kwargs["socket_timeout"] == 0.75 and kwargs["socket_connect_timeout"] == 0.75
    sync_kwargs = store._client().connection_pool.connection_kwargs
    assert sync_kwargs["socket_timeout"] == 0.75 and sync_kwargs["socket_connect_timeout"] == 0.75
    store.close()
    given = RedisCache(f"{redis_url}?socket_timeout=3&socket_connect_timeout=4")
    given_kwargs = given._client().connection_pool.connection_kwargs
    assert (given_kwargs["socket_timeout"], given_kwargs["socket_connect_timeout"]) == (3.0, 4.0)
    given.close()


def test_a_redis_store_works_again_after_aclose(redis_url: str) -> None:
    store = RedisCache(redis_url)

    async def scenario() -> list[bytes | None]:
        await store.aset_many([("tmdbfusion:1|a", b"1", 60)])
        await store.aclose()
        assert store._async is None
        found = await store.aget_many(["tmdbfusion:1|a"])
        await store.aclose()
        return found

    assert asyncio.run(scenario()) == [b"1"]
    store.close()
    assert store._sync is None


def test_sqlite_finds_keys_beyond_one_query(tmp_path: Path) -> None:
    store = SQLiteCache(tmp_path / "cache.sqlite", clock=Clock())
    keys = [f"k{n}" for n in range(1203)]
    store.set_many([(key, key.encode(), 60) for key in keys])
    assert store.get_many(keys) == [key.encode() for key in keys]
    store.close()


def test_the_redis_repr_masks_only_the_password() -> None:
    store = RedisCache("redis://user:s3cret@127.0.0.1:6379/2")
    assert repr(store) == "RedisCache('redis://user:***@127.0.0.1:6379/2')"
    assert repr(RedisCache("redis://127.0.0.1:6379/0")) == "RedisCache('redis://127.0.0.1:6379/0')"
