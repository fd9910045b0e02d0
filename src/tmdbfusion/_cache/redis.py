"""The shared store: Redis, through the ``redis`` package, for several processes and machines.

Each value is one Redis string with its own expiry, so Redis drops stale entries itself.  Keys
all begin with ``tmdbfusion:`` and the key format's version number, which lets
:meth:`RedisCache.clear` and :meth:`RedisCache.usage` leave other data in the same database
alone, the shared pacing budget (``tmdbfusion:pacing``) included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs, urlsplit

from tmdbfusion._cache.backend import CacheUsage
from tmdbfusion._redact import redacted_url

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = ["RedisCache"]

# Cache keys of any format version (``tmdbfusion:1|...``), not other tmdbfusion keys.
_MATCH = "tmdbfusion:[0-9]*"
_BATCH = 500
_INSTALL_HINT = (
    "cache= got a Redis URL, but the redis package is not installed; "
    "install it with: pip install 'tmdbfusion-sdk[redis]'"
)


def require_redis(install_hint: str = _INSTALL_HINT) -> None:
    """Fail with ``install_hint`` when the redis package is missing (cache and pacing)."""
    try:
        import redis  # noqa: F401
    except ImportError as exc:
        raise ImportError(install_hint) from exc


def _milliseconds(ttl: float) -> int:
    return max(1, round(ttl * 1000))


class RedisCache:
    """Keep responses in Redis.

    Parameters
    ----------
    url : str
        ``redis://[:password@]host:port/db``, ``rediss://`` for TLS, or ``unix:///path``.
        Query parameters such as ``socket_timeout`` are passed on to redis-py.
    timeout : float
        Seconds allowed for connecting and for each command, unless the URL says otherwise: kept
        short, because a slow Redis should cost a miss, not stall the call.
    """

    def __init__(self, url: str, *, timeout: float = 1.0) -> None:
        require_redis()
        self.url = url
        given = parse_qs(urlsplit(url).query)
        self._options: dict[str, Any] = {}
        if "socket_timeout" not in given:
            self._options["socket_timeout"] = timeout
        if "socket_connect_timeout" not in given:
            self._options["socket_connect_timeout"] = timeout
        self._sync: redis.Redis | None = None
        self._async: redis.asyncio.Redis | None = None

    def __repr__(self) -> str:
        # The URL may carry a password.
        return f"RedisCache({redacted_url(self.url)!r})"

    def _client(self) -> redis.Redis:
        if self._sync is None:
            import redis

            self._sync = redis.Redis.from_url(self.url, **self._options)
        return self._sync

    def _async_client(self) -> redis.asyncio.Redis:
        if self._async is None:
            import redis.asyncio

            self._async = redis.asyncio.Redis.from_url(self.url, **self._options)
        return self._async

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """Return each key's value (``MGET``), None where absent or expired."""
        # Values come back as bytes: the client is built without decode_responses.
        return cast("list[bytes | None]", self._client().mget(list(keys)))

    def set_many(self, items: Sequence[tuple[str, bytes, float]]) -> None:
        """Store each ``(key, value, ttl)`` with ``SET ... PX`` in one round trip."""
        pipe = self._client().pipeline(transaction=False)
        for key, value, ttl in items:
            if ttl > 0:
                pipe.set(key, value, px=_milliseconds(ttl))
        pipe.execute()

    def clear(self) -> None:
        """Delete every cache key (``tmdbfusion:<version>...``) of the database."""
        client = self._client()
        batch: list[Any] = []
        for key in client.scan_iter(match=_MATCH, count=_BATCH):
            batch.append(key)
            if len(batch) >= _BATCH:
                client.unlink(*batch)
                batch.clear()
        if batch:
            client.unlink(*batch)

    def usage(self) -> CacheUsage:
        """Count the cache keys and the bytes of their values."""
        client = self._client()
        keys = list(client.scan_iter(match=_MATCH, count=_BATCH))
        size = 0
        for start in range(0, len(keys), _BATCH):
            pipe = client.pipeline(transaction=False)
            for key in keys[start : start + _BATCH]:
                pipe.strlen(key)
            size += sum(int(length) for length in pipe.execute())
        return CacheUsage(len(keys), size)

    def close(self) -> None:
        """Close the blocking client's connections."""
        if self._sync is not None:
            self._sync.close()
            self._sync = None

    async def aget_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """Awaitable :meth:`get_many`, on redis-py's asyncio client."""
        return cast("list[bytes | None]", await self._async_client().mget(list(keys)))

    async def aset_many(self, items: Sequence[tuple[str, bytes, float]]) -> None:
        """Awaitable :meth:`set_many`."""
        pipe = self._async_client().pipeline(transaction=False)
        for key, value, ttl in items:
            if ttl > 0:
                pipe.set(key, value, px=_milliseconds(ttl))
        await pipe.execute()

    async def aclear(self) -> None:
        """Awaitable :meth:`clear`."""
        client = self._async_client()
        batch: list[Any] = []
        async for key in client.scan_iter(match=_MATCH, count=_BATCH):
            batch.append(key)
            if len(batch) >= _BATCH:
                await client.unlink(*batch)
                batch.clear()
        if batch:
            await client.unlink(*batch)

    async def ausage(self) -> CacheUsage:
        """Awaitable :meth:`usage`."""
        client = self._async_client()
        keys = [key async for key in client.scan_iter(match=_MATCH, count=_BATCH)]
        size = 0
        for start in range(0, len(keys), _BATCH):
            pipe = client.pipeline(transaction=False)
            for key in keys[start : start + _BATCH]:
                pipe.strlen(key)
            size += sum(int(length) for length in await pipe.execute())
        return CacheUsage(len(keys), size)

    async def aclose(self) -> None:
        """Close both clients' connections."""
        self.close()
        if self._async is not None:
            await self._async.aclose()
            self._async = None
