"""The sync and async clients: thin shells that perform the pipeline's I/O.

Every decision is made in the sans-IO core (``_flow.py`` and the modules it uses).  Each
client drives :func:`~tmdbfusion._flow.request_flow` by sending requests with its httpx
client and sleeping when told to: blocking in :class:`TMDBClient`, awaiting
in :class:`AsyncTMDBClient`.  The sleep function is the ``_sleep`` attribute
so tests can replace it and check the exact waits without waiting.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable, Collection, Generator, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

from tmdbfusion._actions import Action, CacheRead, CacheWrite, Reply, Send, Sleep
from tmdbfusion._backends import (
    AsyncSender,
    HttpBackend,
    async_sender,
    http_options,
    shared_ssl_context,
    with_client_headers,
)
from tmdbfusion._cache.control import AsyncCacheControl, CacheControl
from tmdbfusion._cache.guard import aperform, perform
from tmdbfusion._cache.policy import TTLSetting
from tmdbfusion._client_core import ClientCore
from tmdbfusion._constants import DEFAULT_BASE_URL
from tmdbfusion._deadline import attempt_deadline, bound_attempts
from tmdbfusion._flow import request_flow
from tmdbfusion._limits import DEFAULT_MAX_RESPONSE_BYTES, aread_limited, read_limited
from tmdbfusion._namespaces import AsyncNamespaces, SyncNamespaces
from tmdbfusion._pacing import PacingBudget
from tmdbfusion._reply import HTTPReply
from tmdbfusion._unknown import UnknownFields
from tmdbfusion._user import AsyncUserAccess, SyncUserAccess
from tmdbfusion.images import AsyncImageURLs, ImageURLs
from tmdbfusion.pagination import AsyncPager, PageT, SyncPage, query_for_page, requested_page

__all__ = ["AsyncTMDBClient", "TMDBClient", "shared_ssl_context"]

T = TypeVar("T")
_SyncClientT = TypeVar("_SyncClientT", bound="TMDBClient")
_AsyncClientT = TypeVar("_AsyncClientT", bound="AsyncTMDBClient")


class TMDBClient(SyncNamespaces, SyncUserAccess, ClientCore):
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
        Seconds allowed for each attempt as a whole: connecting, sending and
        every read (each retry gets its own).
    max_retries : int
        Extra attempts on rate limiting, 5xx errors, timeouts and broken
        connections (for writes that are not idempotent, only on 429 and when the
        request cannot have been sent); 0 disables retrying.
    rate_limit : float or None
        Requests per second for all calls of this client together, threads and
        tasks alike (TMDB allows about 50 per IP); None does not pace.
    pacing : PacingBudget or None
        A budget of request slots to share instead, e.g. between processes; see
        :class:`tmdbfusion.PacingBudget`.  Not together with ``rate_limit``.
    max_response_bytes : int
        Largest response body accepted, after decompression (50 MB by default);
        a larger one raises ``ResponseTooLargeError`` without being held in memory.
    max_connections, max_keepalive_connections : int or None
        Connection pool limits of the httpx client created here.
    http_client : httpx.Client or None
        An httpx client to send requests with instead of creating one; it is
        not closed by :meth:`close`.  Its headers are sent with every
        request; the SDK sets only ``Authorization`` and ``User-Agent`` over them.
    cache : None, "memory", str, os.PathLike, True or CacheBackend
        Where to cache successful GET responses: None for nowhere; ``"memory"``;
        an SQLite file path; True for SQLite in the user cache directory; a
        ``"redis://host:port/db"`` URL; or a :class:`tmdbfusion.cache.CacheBackend`.
    cache_ttl : float, Mapping[str, float] or None
        Seconds entries stay fresh: one number, or a mapping by namespace
        (``"movies"``) or operation (``"movies.details"``); None for the defaults.
    unknown_fields : {"ignore", "warn", "error"}
        What to do about a key TMDB sends that the model at its place does not declare:
        ``"ignore"`` drops it (the default, at no cost); ``"warn"`` emits one
        :class:`~tmdbfusion.exceptions.UnknownFieldWarning` per model and key for this client;
        ``"error"`` raises :class:`~tmdbfusion.exceptions.UnknownFieldError` (a
        ``ResponseValidationError``).  Both name the model, the JSON path and the key.

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
        rate_limit: float | None = None,
        pacing: PacingBudget | None = None,
        cache: object = None,
        cache_ttl: TTLSetting = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        unknown_fields: UnknownFields = "ignore",
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
            rate_limit=rate_limit,
            pacing=pacing,
            cache=cache,
            cache_ttl=cache_ttl,
            max_response_bytes=max_response_bytes,
            unknown_fields=unknown_fields,
        )
        self._config = with_client_headers(self._config, http_client)
        self._owns_http = http_client is None
        if http_client is None:
            options = http_options(timeout, max_connections, max_keepalive_connections)
            http_client = httpx.Client(**options)
            bound_attempts(http_client)
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
        idempotent: bool = False,
    ) -> T:
        # Called by the generated resources. path is a template such as
        # "/3/movie/{movie_id}"; cast_to is any msgspec-decodable type; choices
        # lists the allowed values of enum-like query parameters.
        return self._run(
            self._flow(method, path, path_params, query, body, cast_to, choices, idempotent)
        )

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
        return SyncPage(first, fetch, requested_page(first_query))

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
        if isinstance(action, (CacheRead, CacheWrite)):
            return perform(self._cache_guard, action)
        if not isinstance(action, Send):
            wait = action.seconds if isinstance(action, Sleep) else self._pace(action)
            if wait > 0:
                self._sleep(wait)
            return None
        self._ensure_sendable(self._http.is_closed)
        started, timeout = time.monotonic(), self._config.timeout
        try:
            with attempt_deadline(timeout):
                response = self._http.send(action.request, stream=True)
                return read_limited(response, self._max_response_bytes, started, timeout)
        except httpx.RequestError as exc:
            # Handed to the flow, which decides between retrying and raising.
            return exc


class AsyncTMDBClient(AsyncNamespaces, AsyncUserAccess, ClientCore):
    """Asyncio client for The Movie Database (TMDB) API v3.

    Parameters
    ----------
    credential, api_key, access_token, base_url, language, region, timeout, max_retries
        As for :class:`TMDBClient`.
    rate_limit, pacing, max_response_bytes
        As for :class:`TMDBClient`: pacing is shared by every task of the client.
    max_connections, max_keepalive_connections : int or None
        Connection pool limits of the HTTP client created here (aiohttp keeps
        idle connections up to ``max_connections`` for 15 s, so it does not
        use ``max_keepalive_connections``).
    http_client : httpx.AsyncClient or None
        An httpx client to send requests with instead of creating one; it is
        not closed by :meth:`aclose`.  Its headers are sent with every
        request; the SDK sets only ``Authorization`` and ``User-Agent`` over them.
    http_backend : {"auto", "httpx", "aiohttp"}
        What sends the requests when no ``http_client`` is given: aiohttp
        (``pip install 'tmdbfusion-sdk[aiohttp]'``), several times faster under
        concurrency, or httpx's own transport.  ``"auto"`` uses aiohttp when it
        is installed.
    cache, cache_ttl
        The response cache; see :class:`TMDBClient`.
    unknown_fields : {"ignore", "warn", "error"}
        What to do about keys no model declares; see :class:`TMDBClient`.

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
        rate_limit: float | None = None,
        pacing: PacingBudget | None = None,
        cache: object = None,
        cache_ttl: TTLSetting = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        unknown_fields: UnknownFields = "ignore",
        http_backend: HttpBackend = "auto",
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
            rate_limit=rate_limit,
            pacing=pacing,
            cache=cache,
            cache_ttl=cache_ttl,
            max_response_bytes=max_response_bytes,
            unknown_fields=unknown_fields,
        )
        self._config = with_client_headers(self._config, http_client)
        self._owns_http = http_client is None
        self._http: AsyncSender = async_sender(
            http_backend,
            http_client,
            timeout=timeout,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
        )
        # Imported here, not at the top: asyncio takes longer to import than httpx
        # itself, and code that only uses TMDBClient never needs it.
        import asyncio

        self._sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self._wait_for = asyncio.wait_for
        self._timeout_error = asyncio.TimeoutError

        #: Statistics, clearing and skipping of the response cache.
        self.cache = AsyncCacheControl(self._cache_guard, self._cache_counters)

    async def _send(self, action: Send) -> HTTPReply:
        if isinstance(self._http, httpx.AsyncClient):
            response = await self._http.send(action.request, stream=True)
            return await aread_limited(response, self._max_response_bytes)
        # The aiohttp sender reads the prepared request directly, with the same size limit.
        return await self._http.send_prepared(action.prepared, max_bytes=self._max_response_bytes)

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
        idempotent: bool = False,
    ) -> T:
        return await self._run(
            self._flow(method, path, path_params, query, body, cast_to, choices, idempotent)
        )

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

        return AsyncPager(fetch_first, fetch, requested_page(first_query))

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
        if isinstance(action, (CacheRead, CacheWrite)):
            return await aperform(self._cache_guard, action)
        if not isinstance(action, Send):
            wait = action.seconds if isinstance(action, Sleep) else self._pace(action)
            if wait > 0:
                await self._sleep(wait)
            return None
        self._ensure_sendable(self._http.is_closed)
        try:
            if isinstance(self._http, httpx.AsyncClient):
                # The whole attempt (connect, send, every read) within one timeout.
                return await self._wait_for(self._send(action), self._config.timeout)
            return await self._send(action)  # aiohttp bounds the whole attempt itself
        except self._timeout_error:
            return httpx.ReadTimeout(
                f"the whole attempt took longer than timeout={self._config.timeout} s",
                request=action.request,
            )
        except httpx.RequestError as exc:
            # Handed to the flow, which decides between retrying and raising.
            return exc
