"""The embedded store: one SQLite file, shared safely by the processes of one machine.

The file runs in WAL mode, so readers never wait for a writer, and writers wait for one another
up to a busy timeout instead of failing.  Values are response bodies and timestamps, never a
credential; the file is still created readable by its owner only.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tmdbfusion._cache.backend import CacheUsage

__all__ = ["SQLiteCache"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS tmdbfusion_cache ("
    " key TEXT PRIMARY KEY, value BLOB NOT NULL, expires_at REAL NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS tmdbfusion_cache_expiry ON tmdbfusion_cache (expires_at)",
)
#: Expired rows are purged after this many writes, so the file does not grow without bound.
_PURGE_EVERY = 256
#: SQLite allows at most 999 parameters per statement in old builds.
_MAX_KEYS_PER_QUERY = 500


class SQLiteCache:
    """Keep responses in an SQLite file.

    Parameters
    ----------
    path : str or os.PathLike
        The file; it and its folder are created when missing.
    busy_timeout : float
        Seconds to wait for another process's write to finish.
    clock : Callable[[], float]
        Current Unix time; replaceable in tests.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._clock = clock
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._writes = 0
        self._pid = os.getpid()

    def __repr__(self) -> str:
        return f"SQLiteCache({str(self.path)!r})"

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        # A connection must not cross a fork: the child opens its own.
        self._connection = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # Create the file owner-only before SQLite opens it with the default mode.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        connection = sqlite3.connect(
            self.path,
            timeout=self.busy_timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            for statement in _SCHEMA:
                connection.execute(statement)
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        self._pid = os.getpid()
        return connection

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """Return each key's value, None where absent or expired."""
        now = self._clock()
        found: dict[str, bytes] = {}
        with self._lock:
            connection = self._connect()
            for start in range(0, len(keys), _MAX_KEYS_PER_QUERY):
                chunk = list(keys[start : start + _MAX_KEYS_PER_QUERY])
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(
                    "SELECT key, value FROM tmdbfusion_cache "
                    f"WHERE key IN ({marks}) AND expires_at > ?",
                    (*chunk, now),
                )
                found.update((key, bytes(value)) for key, value in rows)
        return [found.get(key) for key in keys]

    def set_many(self, items: Sequence[tuple[str, bytes, float]]) -> None:
        """Store each ``(key, value, ttl)`` in one transaction."""
        now = self._clock()
        rows = [(key, value, now + ttl) for key, value, ttl in items if ttl > 0]
        if not rows:
            return
        with self._lock:
            connection = self._connect()
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.executemany(
                    "INSERT OR REPLACE INTO tmdbfusion_cache (key, value, expires_at) "
                    "VALUES (?, ?, ?)",
                    rows,
                )
                self._writes += 1
                if self._writes % _PURGE_EVERY == 0:
                    connection.execute("DELETE FROM tmdbfusion_cache WHERE expires_at <= ?", (now,))
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    def clear(self) -> None:
        """Drop every entry, for every process using the file."""
        with self._lock:
            self._connect().execute("DELETE FROM tmdbfusion_cache")

    def usage(self) -> CacheUsage:
        """Count live entries and their bytes."""
        with self._lock:
            entries, size = (
                self._connect()
                .execute(
                    "SELECT COUNT(*), COALESCE(SUM(LENGTH(value)), 0) FROM tmdbfusion_cache "
                    "WHERE expires_at > ?",
                    (self._clock(),),
                )
                .fetchone()
            )
        return CacheUsage(int(entries), int(size))

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # The file may be on a slow disk or locked by another process's write: the async client
    # runs these in a worker thread rather than stalling its event loop.

    async def aget_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """Awaitable :meth:`get_many`, run in a worker thread."""
        import asyncio

        return await asyncio.to_thread(self.get_many, keys)

    async def aset_many(self, items: Sequence[tuple[str, bytes, float]]) -> None:
        """Awaitable :meth:`set_many`, run in a worker thread."""
        import asyncio

        await asyncio.to_thread(self.set_many, items)

    async def aclear(self) -> None:
        """Awaitable :meth:`clear`, run in a worker thread."""
        import asyncio

        await asyncio.to_thread(self.clear)

    async def ausage(self) -> CacheUsage:
        """Awaitable :meth:`usage`, run in a worker thread."""
        import asyncio

        return await asyncio.to_thread(self.usage)

    async def aclose(self) -> None:
        """Awaitable :meth:`close`."""
        self.close()
