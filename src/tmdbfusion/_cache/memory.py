"""The in-process store: a bounded LRU mapping, for one process and one machine."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from tmdbfusion._cache.backend import CacheUsage

__all__ = ["MemoryCache"]


class MemoryCache:
    """Keep responses in this process, least recently used out first.

    Parameters
    ----------
    max_entries : int
        Most entries kept.
    max_bytes : int
        Most bytes of values kept.
    clock : Callable[[], float]
        Current Unix time; replaceable in tests.
    """

    def __init__(
        self,
        max_entries: int = 10_000,
        max_bytes: int = 64 * 1024 * 1024,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        for name, value in (("max_entries", max_entries), ("max_bytes", max_bytes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an int of 1 or more; got {value!r}")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._clock = clock
        self._entries: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryCache(max_entries={self.max_entries}, max_bytes={self.max_bytes})"

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """Return each key's value, None where absent or expired."""
        now = self._clock()
        found: list[bytes | None] = []
        with self._lock:
            for key in keys:
                stored = self._entries.get(key)
                if stored is None:
                    found.append(None)
                elif stored[1] <= now:
                    self._drop(key)
                    found.append(None)
                else:
                    self._entries.move_to_end(key)
                    found.append(stored[0])
        return found

    def set_many(self, items: Sequence[tuple[str, bytes, float]]) -> None:
        """Store each ``(key, value, ttl)``, evicting the least recently used beyond the bounds."""
        now = self._clock()
        with self._lock:
            for key, value, ttl in items:
                if key in self._entries:
                    self._drop(key)
                if ttl <= 0 or len(value) > self.max_bytes:
                    continue
                self._entries[key] = (value, now + ttl)
                self._bytes += len(value)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                oldest = next(iter(self._entries))
                self._drop(oldest)

    def _drop(self, key: str) -> None:
        value, _ = self._entries.pop(key)
        self._bytes -= len(value)

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def usage(self) -> CacheUsage:
        """Count live entries and their bytes."""
        now = self._clock()
        with self._lock:
            live = [value for value, expires in self._entries.values() if expires > now]
        return CacheUsage(len(live), sum(len(value) for value in live))

    def close(self) -> None:
        """Nothing to release; entries stay until the object is dropped."""
