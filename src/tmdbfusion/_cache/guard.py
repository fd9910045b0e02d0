"""Put a store behind a guard: a failing store is a miss, with one warning per outage.

After a failure the store is left alone for a cool-down, so a Redis that went away does not
cost every call a connection attempt; then it is tried again, and used again once it answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from tmdbfusion._actions import CacheRead, CacheWrite, Reply
from tmdbfusion._cache.backend import AsyncCacheBackend, CacheBackend, CacheUsage
from tmdbfusion._cache.context import CacheCounters
from tmdbfusion._warn import warn_at_callers_line

__all__ = ["CacheGuard", "CacheWarning", "aperform", "perform"]

logger = logging.getLogger("tmdbfusion")


class CacheWarning(UserWarning):
    """The cache store failed; calls go on without the cache until it answers again."""


class CacheGuard:
    """Calls a store, turning its failures into misses.

    Parameters
    ----------
    backend : CacheBackend
        The store.
    counters : CacheCounters
        Where failures are counted.
    owns_backend : bool
        Whether closing the client closes the store.
    cooldown : float
        Seconds to leave a failed store alone before trying it again.
    clock : Callable[[], float]
        Monotonic time, replaceable in tests.
    """

    def __init__(
        self,
        backend: CacheBackend,
        counters: CacheCounters,
        *,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        owns_backend: bool = True,
    ) -> None:
        self.backend = backend
        #: Whether the client made the store (and so closes it), or was given it.
        self.owns_backend = owns_backend
        self.counters = counters
        self.cooldown = cooldown
        self._clock = clock
        self._healthy = True
        self._failed_at = 0.0
        self._async = isinstance(backend, AsyncCacheBackend)

    @property
    def healthy(self) -> bool:
        """False from a failure until the store answers again."""
        return self._healthy

    def _available(self) -> bool:
        return self._healthy or self._clock() - self._failed_at >= self.cooldown

    def _failed(self, exc: Exception) -> None:
        self.counters.add("errors")
        self._failed_at = self._clock()
        if not self._healthy:
            return
        self._healthy = False
        message = (
            f"The tmdbfusion cache ({self.backend!r}) failed with {type(exc).__name__}: {exc}. "
            f"Calls go on without the cache; it is tried again every {self.cooldown:g} s."
        )
        logger.warning("%s", message)
        warn_at_callers_line(message, CacheWarning)

    def _answered(self) -> None:
        if not self._healthy:
            self._healthy = True
            logger.warning("The tmdbfusion cache (%r) answers again; using it.", self.backend)

    def get_many(self, keys: Sequence[str]) -> list[bytes | None] | None:
        """The stored values, or None when the store is unavailable or failed."""
        if not self._available():
            return None
        try:
            values = self.backend.get_many(keys)
        except Exception as exc:
            self._failed(exc)
            return None
        self._answered()
        return values

    def set_many(self, items: Sequence[tuple[str, bytes, float]]) -> bool:
        """Store the items; False when the store is unavailable or failed."""
        if not self._available():
            return False
        try:
            self.backend.set_many(items)
        except Exception as exc:
            self._failed(exc)
            return False
        self._answered()
        return True

    async def aget_many(self, keys: Sequence[str]) -> list[bytes | None] | None:
        """Awaitable :meth:`get_many`, through the store's async methods when it has them."""
        if not self._available():
            return None
        try:
            if self._async:
                values: list[bytes | None] = await self.backend.aget_many(keys)  # type: ignore[attr-defined]
            else:
                values = self.backend.get_many(keys)
        except Exception as exc:
            self._failed(exc)
            return None
        self._answered()
        return values

    async def aset_many(self, items: Sequence[tuple[str, bytes, float]]) -> bool:
        """Awaitable :meth:`set_many`."""
        if not self._available():
            return False
        try:
            if self._async:
                await self.backend.aset_many(items)  # type: ignore[attr-defined]
            else:
                self.backend.set_many(items)
        except Exception as exc:
            self._failed(exc)
            return False
        self._answered()
        return True

    def usage(self) -> CacheUsage | None:
        """The store's usage, or None when it failed."""
        try:
            return self.backend.usage()
        except Exception as exc:
            self._failed(exc)
            return None

    async def ausage(self) -> CacheUsage | None:
        """Awaitable :meth:`usage`."""
        try:
            if self._async:
                return await self.backend.ausage()  # type: ignore[attr-defined, no-any-return]
            return self.backend.usage()
        except Exception as exc:
            self._failed(exc)
            return None


def perform(guard: CacheGuard | None, action: CacheRead | CacheWrite) -> Reply:
    """Do a cache action for the blocking shell."""
    if guard is None:
        return None if isinstance(action, CacheRead) else False
    if isinstance(action, CacheRead):
        return guard.get_many(action.keys)
    return guard.set_many(action.items)


async def aperform(guard: CacheGuard | None, action: CacheRead | CacheWrite) -> Reply:
    """Do a cache action for the asyncio shell."""
    if guard is None:
        return None if isinstance(action, CacheRead) else False
    if isinstance(action, CacheRead):
        return await guard.aget_many(action.keys)
    return await guard.aset_many(action.items)
