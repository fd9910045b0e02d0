"""Caching TMDB responses: the stores, the protocol of your own, and the statistics.

Pass ``cache=`` to :class:`~tmdbfusion.TMDBClient` or :class:`~tmdbfusion.AsyncTMDBClient`:

- ``"memory"``: :class:`MemoryCache`, a bounded LRU in this process;
- a file path: :class:`SQLiteCache`, shared by the processes of one machine;
- ``True``: :class:`SQLiteCache` in the platform's user cache directory;
- ``"redis://host:port/db"``: :class:`RedisCache`, shared by many machines
  (``pip install 'tmdbfusion[redis]'``);
- any object implementing :class:`CacheBackend` (and, for the async client, optionally
  :class:`AsyncCacheBackend`).

See the caching guide for what is cached and for how long.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tmdbfusion._cache.backend import (
    AsyncCacheBackend,
    CacheBackend,
    CacheUsage,
    default_cache_path,
)
from tmdbfusion._cache.context import CacheStats
from tmdbfusion._cache.guard import CacheWarning
from tmdbfusion._cache.memory import MemoryCache
from tmdbfusion._cache.policy import DEFAULT_TTLS, Kind, classify

if TYPE_CHECKING:
    from tmdbfusion._cache.redis import RedisCache
    from tmdbfusion._cache.sqlite import SQLiteCache

__all__ = [
    "DEFAULT_TTLS",
    "AsyncCacheBackend",
    "CacheBackend",
    "CacheStats",
    "CacheUsage",
    "CacheWarning",
    "Kind",
    "MemoryCache",
    "RedisCache",
    "SQLiteCache",
    "classify",
    "default_cache_path",
]


def __getattr__(name: str) -> Any:
    # sqlite3 and redis are imported only by code that asks for their store.
    if name == "SQLiteCache":
        from tmdbfusion._cache.sqlite import SQLiteCache

        return SQLiteCache
    if name == "RedisCache":
        from tmdbfusion._cache.redis import RedisCache

        return RedisCache
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
