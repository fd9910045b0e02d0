"""What the flow needs to use the cache, and the counters behind ``client.cache.stats()``.

Pure: no I/O.  The mode (normal, skip, refresh) is a context variable, so ``with
client.cache.skip():`` affects only the thread or asyncio task that entered it.
"""

from __future__ import annotations

import contextvars
import enum
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tmdbfusion._cache.policy import TTLPolicy

__all__ = ["CacheCounters", "CacheMode", "CacheSettings", "CacheStats", "cache_mode"]


class CacheMode(enum.Enum):
    """How the calls made inside a ``client.cache`` context use the cache."""

    #: Serve fresh entries, store new responses.
    NORMAL = "normal"
    #: Neither read nor store: the call goes to TMDB as if there were no cache.
    SKIP = "skip"
    #: Do not read, but store the new response, replacing what was there.
    REFRESH = "refresh"


#: The mode of the calls made in the current thread or task.
cache_mode: contextvars.ContextVar[CacheMode] = contextvars.ContextVar(
    "tmdbfusion_cache_mode", default=CacheMode.NORMAL
)


@dataclass
class CacheCounters:
    """Running counts of one client's cache use (mutable; updated by the flow)."""

    hits: int = 0
    misses: int = 0
    stores: int = 0
    revalidations: int = 0
    errors: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, name: str) -> None:
        """Count one more of ``name`` (``"hits"``...), safely from any thread."""
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)


@dataclass(frozen=True)
class CacheStats:
    """A snapshot of a client's cache use, from ``client.cache.stats()``.

    Attributes
    ----------
    backend : str
        Which store, e.g. ``"SQLiteCache('/home/me/.cache/tmdbfusion/responses.sqlite')"``,
        or ``"none"``.
    hits : int
        Calls answered from the cache, without a request.
    misses : int
        Cacheable calls that had to ask TMDB.
    entries : int
        Live entries in the store (all processes sharing it); -1 when the store did not answer.
    bytes : int
        Bytes of their values; -1 when the store did not answer.
    stores : int
        Responses this client stored.
    revalidations : int
        Stale entries TMDB confirmed unchanged (``304 Not Modified``).
    errors : int
        Store operations that failed and were treated as misses.
    """

    backend: str
    hits: int
    misses: int
    entries: int
    bytes: int
    stores: int
    revalidations: int
    errors: int

    @property
    def hit_ratio(self) -> float:
        """Hits over cacheable calls, 0.0 before the first."""
        calls = self.hits + self.misses
        return self.hits / calls if calls else 0.0


@dataclass(frozen=True)
class CacheSettings:
    """A client's cache configuration, handed to the flow with every call.

    Attributes
    ----------
    policy : TTLPolicy
        Lifetimes by operation.
    counters : CacheCounters
        Where the flow counts hits and misses.
    clock : Callable[[], float]
        Current Unix time, for freshness.
    """

    policy: TTLPolicy
    counters: CacheCounters = field(default_factory=CacheCounters)
    clock: Callable[[], float] = field(default=time.time, compare=False)
