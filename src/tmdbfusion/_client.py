"""The sync and async clients: thin shells that perform the pipeline's I/O.

Every decision is made in the sans-IO core (``_flow.py`` and the modules it uses).  Each
client drives :func:`~tmdbfusion._flow.request_flow` by sending requests with its httpx
client and sleeping when told to: blocking in :class:`TMDBClient`, awaiting
in :class:`AsyncTMDBClient`.  The sleep function is the ``_sleep`` attribute
so tests can replace it and check the exact waits without waiting.
"""

from __future__ import annotations

import functools
import os
import ssl
import time
from collections.abc import Awaitable, Callable, Collection, Generator, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

from tmdbfusion._actions import Action, CacheRead, CacheWrite, Reply, Sleep
from tmdbfusion._cache.control import AsyncCacheControl, CacheControl
from tmdbfusion._cache.guard import aperform, perform
from tmdbfusion._cache.policy import TTLSetting
from tmdbfusion._cache.setup import build_cache
from tmdbfusion._config import make_config
from tmdbfusion._constants import DEFAULT_BASE_URL
from tmdbfusion._flow import request_flow
from tmdbfusion._namespaces import AsyncNamespaces, SyncNamespaces
from tmdbfusion._redact import install_httpx_log_redaction
from tmdbfusion._request import PreparedRequest, prepare_request
from tmdbfusion._user import AsyncUserAccess, SyncUserAccess, act_as_user
from tmdbfusion.exceptions import ClientClosedError
from tmdbfusion.images import AsyncImageURLs, ImageURLs
from tmdbfusion.pagination import AsyncPager, PageT, SyncPage, query_for_page

__all__ = ["AsyncTMDBClient", "TMDBClient"]

T = TypeVar("T")
_SyncClientT = TypeVar("_SyncClientT", bound="TMDBClient")
_AsyncClientT = TypeVar("_AsyncClientT", bound="AsyncTMDBClient")
_CoreT = TypeVar("_CoreT", bound="_ClientCore")


class _ClientCore:
    """Configuration, state and request preparation shared by both clients."""

    def __init__(
        self,
        credential: str | None,
        *,
        api_key: str | None,
        access_token: str | None,
        base_url: str,
        language: str | None,
        region: str | None,
        timeout: float,
        max_retries: int,
        cache: object,
        cache_ttl: TTLSetting,
    ) -> None:
        self._config = make_config(
            credential,
            api_key=api_key,
            access_token=access_token,
            base_url=base_url,
            language=language,
            region=region,
            timeout=timeout,
            max_retries=max_retries,
            environ=os.environ,
        )
        self._cache_settings, self._cache_guard, self._cache_counters = build_cache(
            cache, cache_ttl
        )
        # Copies made by with_access_token() share the cache; only this client closes it.
        self._cache_owner = id(self)
        self._closed = False
        self._owns_http = False
        install_httpx_log_redaction()

    def _ensure_open(self) -> None:
        if self._closed:
            raise ClientClosedError(
                f"This {type(self).__name__} has been closed; create a new client to make "
                "more requests (or keep all the requests inside its `with` block)."
            )

    def _ensure_sendable(self, http_closed: bool) -> None:
        # Checked before every attempt, not only when a call starts: the client may
        # be closed (by another thread or task) while a call waits to retry.
        self._ensure_open()
        if http_closed:
            raise ClientClosedError(
                "The httpx client given as http_client= has been closed; keep it open while "
                f"this {type(self).__name__} is in use."
            )

    def _prepare(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        choices: Mapping[str, Collection[str]] | None,
    ) -> PreparedRequest:
        self._ensure_open()
        return prepare_request(
            self._config,
            method,
            path,
            path_params=path_params,
            query=query,
            body=body,
            choices=choices,
        )

    def _flow(
        self,
        method: str,
        path: str,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        cast_to: type[T],
        choices: Mapping[str, Collection[str]] | None,
    ) -> Generator[Action, Reply, T]:
        prepared = self._prepare(
            method, path, path_params=path_params, query=query, body=body, choices=choices
        )
        return request_flow(self._config, prepared, cast_to, self._cache_settings)

    def with_access_token(self: _CoreT, access_token: str) -> _CoreT:
        """Return a client acting as the user whose access token this is.

        It has this client's settings and shares its connection pool; it sends only the
        user's token. Close this client (not the returned one) to release the pool.
        """
        self._ensure_open()
        return act_as_user(self, access_token)

    def _mark_closed(self) -> bool:
        """Mark the client closed; tell whether its own httpx client must be closed now."""
        if self._closed:
            return False
        self._closed = True
        return self._owns_http

    def __repr__(self) -> str:
        closed = ", closed" if self._closed else ""
        return (
            f"{type(self).__name__}(base_url={self._config.base_url!r}, "
            f"auth={self._config.auth.kind!r}{closed})"
        )


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """The verifying TLS context of every httpx client the SDK creates itself.

    Loading the CA bundle takes about 25 ms, which httpx would pay again for every client; an
    ``SSLContext`` is safe to share between clients and threads. Like httpx's default, it honours
    ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` as set when the first client is created.
    """
    return httpx.create_ssl_context()


def _http_options(
    timeout: float,
    max_connections: int | None,
    max_keepalive_connections: int | None,
) -> dict[str, Any]:
    """Keyword arguments for the httpx client a TMDB client creates (sync and async alike)."""
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_keepalive_connections
    )
    return {"timeout": timeout, "limits": limits, "verify": shared_ssl_context()}


class TMDBClient(SyncNamespaces, SyncUserAccess, _ClientCore):
    """Blocking client for The Movie Database (TMDB) API v3.

    Parameters
    ----------
    credential : str or None
        A v4 API Read Access Token (sent as ``Authorization: Bearer``) or a v3
        API key (sent as the ``api_key`` query parameter); which one is told
        from its shape.  When no credential is given at all, the
        ``TMDB_ACCESS_TOKEN`` and then the ``TMDB_API_KEY`` environment
        variables are used.
    api_key : str or None
        A v3 API key, given explicitly.
    access_token : str or None
        A v4 API Read Access Token, given explicitly.
    base_url : str
        Scheme and host of the API.
    language : str or None
        Default for every ``language`` parameter left as None, e.g. ``"en-US"``.
    region : str or None
        Default for every ``region`` parameter left as None, e.g. ``"US"``.
    timeout : float
        Seconds allowed for connecting and for each read or write.
    max_retries : int
        Extra attempts on rate limiting, 5xx errors, timeouts and broken
        connections; 0 disables retrying.
    max_connections, max_keepalive_connections : int or None
        Connection pool limits of the httpx client created here.
    http_client : httpx.Client or None
        An httpx client to send requests with instead of creating one; it is
        not closed by :meth:`close`.
    cache : None, "memory", str, os.PathLike, True or CacheBackend
        Where to cache successful GET responses: None for nowhere; ``"memory"``;
        an SQLite file path; True for SQLite in the user cache directory; a
        ``"redis://host:port/db"`` URL; or a :class:`tmdbfusion.cache.CacheBackend`.
    cache_ttl : float, Mapping[str, float] or None
        Seconds entries stay fresh: one number, or a mapping by namespace
        (``"movies"``) or operation (``"movies.details"``); None for the defaults.

    Raises
    ------
    MissingCredentialsError
        When no credential was given or found in the environment.
    """

    def __init__(
        self,
        credential: str | None = None,
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        language: str | None = None,
        region: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        max_connections: int | None = 100,
        max_keepalive_connections: int | None = 20,
        http_client: httpx.Client | None = None,
        cache: object = None,
        cache_ttl: TTLSetting = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(
                "http_client must be an httpx.Client; use AsyncTMDBClient with an httpx.AsyncClient"
            )
        super().__init__(
            credential,
            api_key=api_key,
            access_token=access_token,
            base_url=base_url,
            language=language,
            region=region,
            timeout=timeout,
            max_retries=max_retries,
            cache=cache,
            cache_ttl=cache_ttl,
        )
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.Client(
                **_http_options(timeout, max_connections, max_keepalive_connections)
            )
        self._http = http_client
        self._sleep: Callable[[float], None] = time.sleep
        #: Statistics, clearing and skipping of the response cache.
        self.cache = CacheControl(self._cache_guard, self._cache_counters)

    @functools.cached_property
    def images(self) -> ImageURLs:
        """Build image URLs from the file paths in responses."""
        return ImageURLs(self)

    def close(self) -> None:
        """Close the connections this client opened; it cannot be used afterwards."""
        if self._mark_closed():
            self._http.close()
        if self._cache_owner == id(self):
            self.cache.close()

    def __enter__(self: _SyncClientT) -> _SyncClientT:
        self._ensure_open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        body: Mapping[str, object] | None = None,
        cast_to: type[T],
        choices: Mapping[str, Collection[str]] | None = None,
    ) -> T:
        # Called by the generated resources. path is a template such as
        # "/3/movie/{movie_id}"; cast_to is any msgspec-decodable type; choices
        # lists the allowed values of enum-like query parameters.
        return self._run(self._flow(method, path, path_params, query, body, cast_to, choices))

    def _request_page(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        cast_to: type[PageT],
        choices: Mapping[str, Collection[str]] | None = None,
    ) -> SyncPage[PageT, Any]:
        # Fetches the first page now; later pages repeat the request with only
        # "page" changed.
        first_query = dict(query or {})

        def fetch(page: int) -> PageT:
            return self._request(
                method,
                path,
                path_params=path_params,
                query=query_for_page(first_query, page),
                cast_to=cast_to,
                choices=choices,
            )

        first = self._request(
            method,
            path,
            path_params=path_params,
            query=first_query,
            cast_to=cast_to,
            choices=choices,
        )
        return SyncPage(first, fetch)

    def _run(self, flow: Generator[Action, Reply, T]) -> T:
        try:
            reply: Reply = None
            while True:
                try:
                    action = flow.send(reply)
                except StopIteration as finished:
                    result: T = finished.value
                    return result
                reply = self._perform(action)
        finally:
            flow.close()

    def _perform(self, action: Action) -> Reply:
        if isinstance(action, Sleep):
            self._sleep(action.seconds)
            return None
        if isinstance(action, (CacheRead, CacheWrite)):
            return perform(self._cache_guard, action)
        self._ensure_sendable(self._http.is_closed)
        try:
            return self._http.send(action.request)
        except httpx.RequestError as exc:
            # Handed to the flow, which decides between retrying and raising.
            return exc


class AsyncTMDBClient(AsyncNamespaces, AsyncUserAccess, _ClientCore):
    """Asyncio client for The Movie Database (TMDB) API v3.

    Parameters
    ----------
    credential : str or None
        A v4 API Read Access Token (sent as ``Authorization: Bearer``) or a v3
        API key (sent as the ``api_key`` query parameter); which one is told
        from its shape.  When no credential is given at all, the
        ``TMDB_ACCESS_TOKEN`` and then the ``TMDB_API_KEY`` environment
        variables are used.
    api_key : str or None
        A v3 API key, given explicitly.
    access_token : str or None
        A v4 API Read Access Token, given explicitly.
    base_url : str
        Scheme and host of the API.
    language : str or None
        Default for every ``language`` parameter left as None, e.g. ``"en-US"``.
    region : str or None
        Default for every ``region`` parameter left as None, e.g. ``"US"``.
    timeout : float
        Seconds allowed for connecting and for each read or write.
    max_retries : int
        Extra attempts on rate limiting, 5xx errors, timeouts and broken
        connections; 0 disables retrying.
    max_connections, max_keepalive_connections : int or None
        Connection pool limits of the httpx client created here.
    http_client : httpx.AsyncClient or None
        An httpx client to send requests with instead of creating one; it is
        not closed by :meth:`aclose`.
    cache, cache_ttl
        The response cache; see :class:`TMDBClient`.

    Raises
    ------
    MissingCredentialsError
        When no credential was given or found in the environment.
    """

    def __init__(
        self,
        credential: str | None = None,
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        language: str | None = None,
        region: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        max_connections: int | None = 100,
        max_keepalive_connections: int | None = 20,
        http_client: httpx.AsyncClient | None = None,
        cache: object = None,
        cache_ttl: TTLSetting = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(
                "http_client must be an httpx.AsyncClient; use TMDBClient with an httpx.Client"
            )
        super().__init__(
            credential,
            api_key=api_key,
            access_token=access_token,
            base_url=base_url,
            language=language,
            region=region,
            timeout=timeout,
            max_retries=max_retries,
            cache=cache,
            cache_ttl=cache_ttl,
        )
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.AsyncClient(
                **_http_options(timeout, max_connections, max_keepalive_connections)
            )
        self._http = http_client
        # Imported here, not at the top: asyncio takes longer to import than httpx
        # itself, and code that only uses TMDBClient never needs it.
        import asyncio

        self._sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        #: Statistics, clearing and skipping of the response cache.
        self.cache = AsyncCacheControl(self._cache_guard, self._cache_counters)

    @functools.cached_property
    def images(self) -> AsyncImageURLs:
        """Build image URLs from the file paths in responses."""
        return AsyncImageURLs(self)

    async def aclose(self) -> None:
        """Close the connections this client opened; it cannot be used afterwards."""
        if self._mark_closed():
            await self._http.aclose()
        if self._cache_owner == id(self):
            await self.cache.close()

    async def close(self) -> None:
        """Close the client; the same as :meth:`aclose`."""
        await self.aclose()

    async def __aenter__(self: _AsyncClientT) -> _AsyncClientT:
        self._ensure_open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        body: Mapping[str, object] | None = None,
        cast_to: type[T],
        choices: Mapping[str, Collection[str]] | None = None,
    ) -> T:
        return await self._run(self._flow(method, path, path_params, query, body, cast_to, choices))

    def _request_page(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        cast_to: type[PageT],
        choices: Mapping[str, Collection[str]] | None = None,
    ) -> AsyncPager[PageT, Any]:
        first_query = dict(query or {})
        # Prepared now, so a bad argument raises where the method was called
        # rather than wherever the pager is first awaited.
        first = self._prepare(
            method, path, path_params=path_params, query=first_query, body=None, choices=choices
        )

        async def fetch_first() -> PageT:
            return await self._run(request_flow(self._config, first, cast_to, self._cache_settings))

        async def fetch(page: int) -> PageT:
            return await self._request(
                method,
                path,
                path_params=path_params,
                query=query_for_page(first_query, page),
                cast_to=cast_to,
                choices=choices,
            )

        return AsyncPager(fetch_first, fetch)

    async def _run(self, flow: Generator[Action, Reply, T]) -> T:
        try:
            reply: Reply = None
            while True:
                try:
                    action = flow.send(reply)
                except StopIteration as finished:
                    result: T = finished.value
                    return result
                reply = await self._perform(action)
        finally:
            flow.close()

    async def _perform(self, action: Action) -> Reply:
        if isinstance(action, Sleep):
            await self._sleep(action.seconds)
            return None
        if isinstance(action, (CacheRead, CacheWrite)):
            return await aperform(self._cache_guard, action)
        self._ensure_sendable(self._http.is_closed)
        try:
            return await self._http.send(action.request)
        except httpx.RequestError as exc:
            # Handed to the flow, which decides between retrying and raising.
            return exc
