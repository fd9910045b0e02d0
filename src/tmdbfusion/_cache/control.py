"""``client.cache``: statistics, clearing, and skipping the cache for some calls."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from tmdbfusion._cache.backend import AsyncCacheBackend, CacheBackend
from tmdbfusion._cache.context import CacheCounters, CacheMode, CacheStats, cache_mode
from tmdbfusion._cache.guard import CacheGuard

__all__ = ["AsyncCacheControl", "CacheControl"]


class _ControlBase:
    def __init__(self, guard: CacheGuard | None, counters: CacheCounters) -> None:
        self._guard = guard
        self._counters = counters

    @property
    def enabled(self) -> bool:
        """Whether the client was given a cache."""
        return self._guard is not None

    @property
    def backend(self) -> CacheBackend | None:
        """The store in use, or None."""
        return None if self._guard is None else self._guard.backend

    def _stats(self, entries: int, size: int) -> CacheStats:
        counters = self._counters
        return CacheStats(
            backend="none" if self._guard is None else repr(self._guard.backend),
            hits=counters.hits,
            misses=counters.misses,
            entries=entries,
            bytes=size,
            stores=counters.stores,
            revalidations=counters.revalidations,
            errors=counters.errors,
        )

    @contextlib.contextmanager
    def skip(self) -> Iterator[None]:
        """Make the calls inside the ``with`` block neither read nor store cached responses.

        Only the current thread or asyncio task is affected.
        """
        token = cache_mode.set(CacheMode.SKIP)
        try:
            yield
        finally:
            cache_mode.reset(token)

    @contextlib.contextmanager
    def refresh(self) -> Iterator[None]:
        """Make the calls inside the ``with`` block fetch from TMDB and store what they get."""
        token = cache_mode.set(CacheMode.REFRESH)
        try:
            yield
        finally:
            cache_mode.reset(token)

    def __repr__(self) -> str:
        backend = "none" if self._guard is None else repr(self._guard.backend)
        return f"<{type(self).__name__} {backend}>"


class CacheControl(_ControlBase):
    """The cache of a :class:`~tmdbfusion.TMDBClient`, as ``client.cache``."""

    def stats(self) -> CacheStats:
        """Count hits and misses of this client, and the entries and bytes in the store."""
        if self._guard is None:
            return self._stats(0, 0)
        usage = self._guard.usage()
        return self._stats(*(usage if usage is not None else (-1, -1)))

    def clear(self) -> None:
        """Drop every cached response from the store (for every process sharing it).

        Raises whatever the store raises: clearing is asked for, so a failure is reported.
        """
        if self._guard is not None:
            self._guard.backend.clear()

    def close(self) -> None:
        """Close the store if the client made it; called by the client's ``close()``."""
        if self._guard is not None and self._guard.owns_backend:
            self._guard.backend.close()


class AsyncCacheControl(_ControlBase):
    """The cache of an :class:`~tmdbfusion.AsyncTMDBClient`, as ``client.cache``."""

    async def stats(self) -> CacheStats:
        """Count hits and misses of this client, and the entries and bytes in the store."""
        if self._guard is None:
            return self._stats(0, 0)
        usage = await self._guard.ausage()
        return self._stats(*(usage if usage is not None else (-1, -1)))

    async def clear(self) -> None:
        """Drop every cached response from the store (for every process sharing it)."""
        if self._guard is None:
            return
        backend = self._guard.backend
        if isinstance(backend, AsyncCacheBackend):
            await backend.aclear()
        else:
            backend.clear()

    async def close(self) -> None:
        """Close the store if the client made it; called by the client's ``aclose()``."""
        if self._guard is None or not self._guard.owns_backend:
            return
        backend = self._guard.backend
        if isinstance(backend, AsyncCacheBackend):
            await backend.aclose()
        else:
            backend.close()
