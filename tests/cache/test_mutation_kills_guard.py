"""The guard in front of a store, on a fake clock: misses, the exact warning, the cool-down.

Also ``client.cache``'s control object: what stats, clear and close do with and without a store.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Sequence

import pytest

from tmdbfusion._actions import CacheRead, CacheWrite
from tmdbfusion._cache.backend import CacheUsage
from tmdbfusion._cache.context import CacheCounters, CacheMode, cache_mode
from tmdbfusion._cache.control import AsyncCacheControl, CacheControl
from tmdbfusion._cache.guard import CacheGuard, CacheWarning, aperform, perform
from tmdbfusion._cache.memory import MemoryCache


class Flaky:
    """A blocking store that fails while ``down`` is set, and records what it was asked."""

    def __init__(self) -> None:
        self.down = False
        self.values: dict[str, bytes] = {}
        self.calls: list[str] = []
        self.closed = 0
        self.cleared = 0

    def __repr__(self) -> str:
        return "Flaky()"

    def _check(self, name: str) -> None:
        self.calls.append(name)
        if self.down:
            raise ConnectionError("store is down")

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        self._check("get_many")
        return [self.values.get(key) for key in keys]

    def set_many(self, items: Sequence[tuple[str, bytes, float]]) -> None:
        self._check("set_many")
        self.values.update((key, value) for key, value, _ in items)

    def clear(self) -> None:
        self.cleared += 1
        self.values.clear()

    def usage(self) -> CacheUsage:
        self._check("usage")
        return CacheUsage(len(self.values), sum(map(len, self.values.values())))

    def close(self) -> None:
        self.closed += 1


class AsyncFlaky(Flaky):
    """The same store with the awaitable methods, which record themselves separately."""

    async def aget_many(self, keys: Sequence[str]) -> list[bytes | None]:
        self._check("aget_many")
        return [self.values.get(key) for key in keys]

    async def aset_many(self, items: Sequence[tuple[str, bytes, float]]) -> None:
        self._check("aset_many")
        self.values.update((key, value) for key, value, _ in items)

    async def aclear(self) -> None:
        self.calls.append("aclear")
        self.values.clear()

    async def ausage(self) -> CacheUsage:
        self._check("ausage")
        return CacheUsage(len(self.values), 7)

    async def aclose(self) -> None:
        self.calls.append("aclose")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guarded(store: Flaky, **options: object) -> tuple[CacheGuard, CacheCounters, Clock]:
    counters = CacheCounters()
    clock = Clock()
    return CacheGuard(store, counters, clock=clock, **options), counters, clock  # type: ignore[arg-type]


WARNING = (
    "The tmdbfusion cache (Flaky()) failed with ConnectionError: store is down. "
    "Calls go on without the cache; it is tried again every 30 s."
)


def test_a_failure_is_a_miss_with_one_exact_warning_and_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = Flaky()
    guard, counters, _ = guarded(store)
    store.down = True
    with (
        caplog.at_level(logging.WARNING, logger="tmdbfusion"),
        pytest.warns(CacheWarning) as caught,
    ):
        assert guard.get_many(["a"]) is None
    assert [str(w.message) for w in caught] == [WARNING]
    assert [record.getMessage() for record in caplog.records] == [WARNING]
    assert counters.errors == 1
    assert guard.healthy is False


def test_the_cooldown_is_named_in_the_warning() -> None:
    store = Flaky()
    guard, _, _ = guarded(store, cooldown=2.5)
    store.down = True
    with pytest.warns(CacheWarning) as caught:
        guard.set_many([("a", b"1", 10.0)])
    assert str(caught[0].message) == WARNING.replace("every 30 s", "every 2.5 s")
    assert guard.cooldown == 2.5


def test_a_failed_store_is_left_alone_for_the_cooldown_then_used_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = Flaky()
    guard, counters, clock = guarded(store, cooldown=30.0)
    assert guard.healthy is True
    assert guard.set_many([("a", b"1", 10.0)]) is True
    store.down = True
    with pytest.warns(CacheWarning):
        assert guard.get_many(["a"]) is None
    store.calls.clear()
    clock.now += 29.9
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert guard.get_many(["a"]) is None
        assert guard.set_many([("b", b"2", 10.0)]) is False
    assert store.calls == []  # not even tried during the cool-down
    assert counters.errors == 1
    clock.now += 0.1  # exactly the cool-down since the failure: tried again
    store.down = False
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="tmdbfusion"):
        assert guard.get_many(["a"]) == [b"1"]
    assert store.calls == ["get_many"]
    assert guard.healthy is True
    assert [record.getMessage() for record in caplog.records] == [
        "The tmdbfusion cache (Flaky()) answers again; using it."
    ]


def test_a_second_failure_while_unhealthy_counts_but_does_not_warn_again() -> None:
    store = Flaky()
    guard, counters, clock = guarded(store, cooldown=5.0)
    store.down = True
    with pytest.warns(CacheWarning):
        guard.get_many(["a"])
    clock.now += 5.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert guard.set_many([("a", b"1", 1.0)]) is False
    assert counters.errors == 2
    # The cool-down restarts from the second failure.
    clock.now += 4.0
    store.calls.clear()
    assert guard.get_many(["a"]) is None
    assert store.calls == []


def test_a_healthy_store_answering_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    guard, counters, _ = guarded(Flaky())
    with caplog.at_level(logging.DEBUG, logger="tmdbfusion"):
        assert guard.set_many([("a", b"1", 1.0)]) is True
        assert guard.get_many(["a", "b"]) == [b"1", None]
    assert caplog.records == []
    assert counters.errors == 0


def test_usage_failures_are_none_and_counted() -> None:
    store = Flaky()
    guard, counters, _ = guarded(store)
    store.values["k"] = b"abc"
    assert guard.usage() == CacheUsage(1, 3)
    store.down = True
    with pytest.warns(CacheWarning):
        assert guard.usage() is None
    assert counters.errors == 1


def test_the_awaitable_methods_use_the_stores_own_when_it_has_them() -> None:
    store = AsyncFlaky()
    guard, counters, clock = guarded(store)

    async def scenario() -> None:
        assert await guard.aset_many([("a", b"1", 1.0)]) is True
        assert await guard.aget_many(["a", "z"]) == [b"1", None]
        assert await guard.ausage() == CacheUsage(1, 7)
        store.down = True
        with pytest.warns(CacheWarning) as caught:
            assert await guard.aget_many(["a"]) is None
        assert [str(w.message) for w in caught] == [WARNING]
        assert await guard.aset_many([("a", b"1", 1.0)]) is False  # cooling down
        assert await guard.ausage() is None
        clock.now += 30.0
        store.down = False
        assert await guard.aset_many([("b", b"2", 1.0)]) is True

    asyncio.run(scenario())
    assert store.calls == ["aset_many", "aget_many", "ausage", "aget_many", "ausage", "aset_many"]
    assert counters.errors == 2


def test_the_awaitable_methods_call_a_blocking_store_directly() -> None:
    store = Flaky()
    guard, counters, clock = guarded(store)

    async def scenario() -> None:
        assert await guard.aset_many([("a", b"1", 1.0)]) is True
        assert await guard.aget_many(["a"]) == [b"1"]
        assert await guard.ausage() == CacheUsage(1, 1)
        store.down = True
        with pytest.warns(CacheWarning) as caught:
            assert await guard.aset_many([("a", b"1", 1.0)]) is False
        assert [str(w.message) for w in caught] == [WARNING]
        clock.now += 30.0
        assert await guard.aget_many(["a"]) is None
        assert await guard.ausage() is None

    asyncio.run(scenario())
    assert store.calls == ["set_many", "get_many", "usage", "set_many", "get_many", "usage"]
    assert counters.errors == 3


def test_actions_without_a_guard_read_nothing_and_store_nothing() -> None:
    read, write = CacheRead(("a",)), CacheWrite((("a", b"1", 1.0),))
    assert perform(None, read) is None
    assert perform(None, write) is False
    assert asyncio.run(aperform(None, read)) is None
    assert asyncio.run(aperform(None, write)) is False


def test_actions_go_to_the_guard() -> None:
    guard, _, _ = guarded(Flaky())
    read, write = CacheRead(("a",)), CacheWrite((("a", b"1", 1.0),))
    assert perform(guard, read) == [None]
    assert perform(guard, write) is True
    assert perform(guard, read) == [b"1"]
    assert asyncio.run(aperform(guard, read)) == [b"1"]
    assert asyncio.run(aperform(guard, CacheWrite((("a", b"2", 1.0),)))) is True
    assert asyncio.run(aperform(guard, read)) == [b"2"]


# --- client.cache ----------------------------------------------------------------------------


def test_control_without_a_cache() -> None:
    counters = CacheCounters(hits=2, misses=3)
    control = CacheControl(None, counters)
    assert control.enabled is False
    assert control.backend is None
    assert repr(control) == "<CacheControl none>"
    stats = control.stats()
    assert (stats.backend, stats.hits, stats.misses, stats.entries, stats.bytes) == (
        "none",
        2,
        3,
        0,
        0,
    )
    control.clear()
    control.close()
    async_control = AsyncCacheControl(None, counters)
    assert repr(async_control) == "<AsyncCacheControl none>"
    async_stats = asyncio.run(async_control.stats())
    assert (async_stats.backend, async_stats.entries, async_stats.bytes) == ("none", 0, 0)
    asyncio.run(async_control.clear())
    asyncio.run(async_control.close())


def test_control_stats_count_every_counter_and_the_store() -> None:
    store = Flaky()
    store.values.update(a=b"12", b=b"345")
    counters = CacheCounters(hits=1, misses=2, stores=3, revalidations=4, errors=5)
    guard = CacheGuard(store, counters)
    control = CacheControl(guard, counters)
    assert control.enabled is True
    assert control.backend is store
    assert repr(control) == "<CacheControl Flaky()>"
    stats = control.stats()
    assert stats == type(stats)(
        backend="Flaky()",
        hits=1,
        misses=2,
        entries=2,
        bytes=5,
        stores=3,
        revalidations=4,
        errors=5,
    )
    store.down = True
    with pytest.warns(CacheWarning):
        failed = control.stats()
    assert (failed.entries, failed.bytes, failed.errors) == (-1, -1, 6)


def test_async_control_stats_and_a_failed_store() -> None:
    store = AsyncFlaky()
    counters = CacheCounters()
    control = AsyncCacheControl(CacheGuard(store, counters), counters)
    assert repr(control) == "<AsyncCacheControl Flaky()>"
    assert asyncio.run(control.stats()).bytes == 7
    store.down = True
    with pytest.warns(CacheWarning):
        failed = asyncio.run(control.stats())
    assert (failed.entries, failed.bytes) == (-1, -1)


def test_clear_and_close_reach_the_store_only_when_the_client_owns_it() -> None:
    owned, given = Flaky(), Flaky()
    for store, owns in ((owned, True), (given, False)):
        control = CacheControl(
            CacheGuard(store, CacheCounters(), owns_backend=owns), CacheCounters()
        )
        store.values["a"] = b"1"
        control.clear()
        control.close()
        assert store.values == {} and store.cleared == 1
    assert (owned.closed, given.closed) == (1, 0)


def test_async_clear_and_close_prefer_the_awaitable_methods() -> None:
    awaitable, blocking, given = AsyncFlaky(), Flaky(), AsyncFlaky()
    for store, owns in ((awaitable, True), (blocking, True), (given, False)):
        control = AsyncCacheControl(
            CacheGuard(store, CacheCounters(), owns_backend=owns), CacheCounters()
        )
        asyncio.run(control.clear())
        asyncio.run(control.close())
    assert awaitable.calls == ["aclear", "aclose"]
    assert (awaitable.cleared, awaitable.closed) == (0, 0)
    assert (blocking.cleared, blocking.closed) == (1, 1)
    assert given.calls == ["aclear"] and given.closed == 0


@pytest.mark.parametrize(
    ("enter", "mode"), [("skip", CacheMode.SKIP), ("refresh", CacheMode.REFRESH)]
)
def test_skip_and_refresh_set_the_mode_only_inside_the_block(enter: str, mode: CacheMode) -> None:
    control = CacheControl(None, CacheCounters())
    assert cache_mode.get() is CacheMode.NORMAL
    with getattr(control, enter)():
        assert cache_mode.get() is mode
    assert cache_mode.get() is CacheMode.NORMAL
    with pytest.raises(KeyError), getattr(control, enter)():
        raise KeyError("inside")
    assert cache_mode.get() is CacheMode.NORMAL


def test_memory_store_behind_the_guard_is_not_async() -> None:
    guard = CacheGuard(MemoryCache(), CacheCounters())
    assert asyncio.run(guard.aset_many([("a", b"1", 5.0)])) is True
    assert asyncio.run(guard.aget_many(["a"])) == [b"1"]


def test_an_async_usage_failure_names_the_error() -> None:
    store = AsyncFlaky()
    guard, _, _ = guarded(store)
    store.down = True
    with pytest.warns(CacheWarning) as caught:
        assert asyncio.run(guard.ausage()) is None
    assert [str(w.message) for w in caught] == [WARNING]
