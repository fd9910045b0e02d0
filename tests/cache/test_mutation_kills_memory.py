"""The in-process store on a fake clock: bounds, expiry edges, byte counts and its messages."""

from __future__ import annotations

import pytest

from tmdbfusion._cache.backend import CacheUsage
from tmdbfusion._cache.memory import MemoryCache


class Clock:
    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        return self.now


def test_the_default_bounds_and_the_repr() -> None:
    store = MemoryCache()
    assert (store.max_entries, store.max_bytes) == (10_000, 64 * 1024 * 1024)
    assert repr(store) == "MemoryCache(max_entries=10000, max_bytes=67108864)"
    assert repr(MemoryCache(3, 40)) == "MemoryCache(max_entries=3, max_bytes=40)"


@pytest.mark.parametrize("name", ["max_entries", "max_bytes"])
@pytest.mark.parametrize("value", [0, -1, True, 1.5, "8"])
def test_each_bound_is_checked_by_name(name: str, value: object) -> None:
    with pytest.raises(ValueError) as caught:
        MemoryCache(**{name: value})  # type: ignore[arg-type]
    assert str(caught.value) == f"{name} must be an int of 1 or more; got {value!r}"


def test_bounds_of_one_are_allowed() -> None:
    store = MemoryCache(max_entries=1, max_bytes=1, clock=Clock())
    store.set_many([("a", b"x", 10)])
    assert store.get_many(["a"]) == [b"x"]


def test_an_entry_expires_exactly_at_its_lifetime() -> None:
    clock = Clock()
    store = MemoryCache(clock=clock)
    store.set_many([("a", b"abc", 10), ("b", b"de", 20)])
    clock.now += 9.999
    assert store.get_many(["a"]) == [b"abc"]
    assert store.usage() == CacheUsage(2, 5)
    clock.now = 5_010.0
    assert store.usage() == CacheUsage(1, 2)  # "a" is no longer live
    assert store.get_many(["a", "b"]) == [None, b"de"]
    # The expired entry was dropped with its bytes: "c" fits beside "b" in 5 bytes.
    small = MemoryCache(max_bytes=5, clock=clock)
    small.set_many([("a", b"abc", 1), ("b", b"de", 60)])
    clock.now += 1
    assert small.get_many(["a"]) == [None]
    small.set_many([("c", b"fgh", 60)])
    assert small.get_many(["b", "c"]) == [b"de", b"fgh"]


def test_a_zero_or_negative_lifetime_stores_nothing_and_drops_the_old_value() -> None:
    store = MemoryCache(clock=Clock())
    store.set_many([("a", b"old", 60)])
    store.set_many([("a", b"new", 0), ("b", b"x", -1)])
    assert store.get_many(["a", "b"]) == [None, None]
    assert store.usage() == CacheUsage(0, 0)
    store.set_many([("c", b"y", 0.5)])
    assert store.get_many(["c"]) == [b"y"]


def test_replacing_a_value_counts_only_the_new_bytes() -> None:
    store = MemoryCache(max_bytes=6, clock=Clock())
    store.set_many([("a", b"1234", 60)])
    store.set_many([("a", b"12345", 60)])
    store.set_many([("b", b"6", 60)])
    assert store.get_many(["a", "b"]) == [b"12345", b"6"]
    assert store.usage() == CacheUsage(2, 6)


def test_a_value_of_exactly_the_byte_bound_is_kept() -> None:
    store = MemoryCache(max_bytes=4, clock=Clock())
    store.set_many([("a", b"1234", 60)])
    assert store.get_many(["a"]) == [b"1234"]
    store.set_many([("b", b"12345", 60)])  # larger than the bound: not stored, nothing evicted
    assert store.get_many(["a", "b"]) == [b"1234", None]


def test_eviction_keeps_exactly_max_entries_most_recently_used() -> None:
    store = MemoryCache(max_entries=3, clock=Clock())
    store.set_many([(key, key.encode(), 60) for key in "abcd"])
    assert store.get_many(list("abcd")) == [None, b"b", b"c", b"d"]
    assert store.usage().entries == 3
    store.get_many(["b"])
    store.set_many([("e", b"e", 60)])
    assert store.get_many(list("bcde")) == [b"b", None, b"d", b"e"]


def test_clear_resets_the_byte_count() -> None:
    store = MemoryCache(max_bytes=4, clock=Clock())
    store.set_many([("a", b"1234", 60)])
    store.clear()
    assert store.usage() == CacheUsage(0, 0)
    store.set_many([("b", b"1234", 60)])
    assert store.get_many(["b"]) == [b"1234"]
    store.close()
    assert store.get_many(["b"]) == [b"1234"]


def test_a_zero_lifetime_takes_no_room_and_does_not_stop_the_rest() -> None:
    store = MemoryCache(max_entries=1, clock=Clock())
    store.set_many([("kept", b"1", 60)])
    store.set_many([("zero", b"2", 0)])
    assert store.get_many(["kept"]) == [b"1"]  # nothing was evicted for it
    store.set_many([("skipped", b"3", 0), ("next", b"4", 60)])
    assert store.get_many(["next"]) == [b"4"]
