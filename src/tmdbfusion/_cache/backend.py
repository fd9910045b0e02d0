"""The protocol every cache store implements, and what ``cache=`` accepts.

A store is a plain mapping from str keys to bytes with a lifetime per value, and knows nothing
of HTTP (as in requests-cache): the rules live in :mod:`tmdbfusion._cache.policy`.  Stores raise
whatever their storage raises; the guard turns any failure into a miss.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, Protocol, runtime_checkable

__all__ = [
    "AsyncCacheBackend",
    "CacheBackend",
    "CacheUsage",
    "default_cache_path",
    "open_backend",
]


class CacheUsage(NamedTuple):
    """What a store holds: live entries and the bytes of their values."""

    entries: int
    bytes: int


@runtime_checkable
class CacheBackend(Protocol):
    """A cache store the clients can use: pass an instance as ``cache=``.

    Keys are short printable strs, values are bytes.  Every method may raise: the client treats a
    failure as a miss, warns once, and tries the store again later.  Methods must be safe to call
    from several threads.
    """

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """Return the value stored under each key, None where absent or expired."""
        ...

    def set_many(self, items: Sequence[tuple[str, bytes, float]]) -> None:
        """Store each ``(key, value, ttl)``; the value may be dropped after ``ttl`` seconds."""
        ...

    def clear(self) -> None:
        """Drop every entry this SDK stored."""
        ...

    def usage(self) -> CacheUsage:
        """Count the live entries and the bytes of their values."""
        ...

    def close(self) -> None:
        """Release connections and files; called by the client's ``close()``."""
        ...


@runtime_checkable
class AsyncCacheBackend(Protocol):
    """The awaitable methods :class:`~tmdbfusion.AsyncTMDBClient` prefers, when a store has them.

    A store without them is called directly from the event loop, which is right for one that never
    blocks (as the memory store); a store doing I/O should offer these.
    """

    async def aget_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """Awaitable :meth:`CacheBackend.get_many`."""
        ...

    async def aset_many(self, items: Sequence[tuple[str, bytes, float]]) -> None:
        """Awaitable :meth:`CacheBackend.set_many`."""
        ...

    async def aclear(self) -> None:
        """Awaitable :meth:`CacheBackend.clear`."""
        ...

    async def ausage(self) -> CacheUsage:
        """Awaitable :meth:`CacheBackend.usage`."""
        ...

    async def aclose(self) -> None:
        """Awaitable :meth:`CacheBackend.close`."""
        ...


def default_cache_path() -> Path:
    """Where ``cache=True`` keeps its SQLite file: the platform's user cache directory."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "tmdbfusion" / "Cache" / "responses.sqlite"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "tmdbfusion" / "responses.sqlite"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "tmdbfusion" / "responses.sqlite"


_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
_WHAT_CACHE_TAKES = (
    'cache= takes None, "memory", True (SQLite in the user cache directory), a file path '
    '(SQLite), a "redis://host:port/db" URL, or an object implementing '
    "tmdbfusion.cache.CacheBackend"
)


def open_backend(spec: object) -> CacheBackend | None:
    """Turn the client's ``cache=`` argument into a store.

    Parameters
    ----------
    spec : object
        See :data:`_WHAT_CACHE_TAKES`.

    Returns
    -------
    CacheBackend or None
        The store, or None for no cache.  Nothing is opened yet: files and connections are opened
        on first use, so a broken store degrades instead of failing the constructor.

    Raises
    ------
    TypeError, ValueError
        For something that is none of the accepted values.
    ImportError
        For a Redis URL when the ``redis`` package is missing.
    """
    if spec is None or spec is False:
        return None
    if spec is True:
        from tmdbfusion._cache.sqlite import SQLiteCache

        return SQLiteCache(default_cache_path())
    if isinstance(spec, str):
        if spec == "memory":
            from tmdbfusion._cache.memory import MemoryCache

            return MemoryCache()
        if spec.lower().startswith(_REDIS_SCHEMES):
            from tmdbfusion._cache.redis import RedisCache

            return RedisCache(spec)
        if not spec.strip():
            raise ValueError(f"cache= got an empty string. {_WHAT_CACHE_TAKES}")
        if "://" in spec:
            raise ValueError(f"cache= got {spec!r}, a URL of an unknown kind. {_WHAT_CACHE_TAKES}")
    if isinstance(spec, (str, os.PathLike)):
        from tmdbfusion._cache.sqlite import SQLiteCache

        return SQLiteCache(Path(os.fspath(spec)))
    if isinstance(spec, CacheBackend):
        return spec
    raise TypeError(f"cache= got {type(spec).__name__}. {_WHAT_CACHE_TAKES}")
