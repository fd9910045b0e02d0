"""The aiohttp backend: sends the flow's prepared requests on an ``aiohttp.ClientSession``.

:class:`AiohttpSender` stands where an ``httpx.AsyncClient`` would in
:class:`~tmdbfusion.AsyncTMDBClient`: ``send_prepared`` takes the flow's
:class:`~tmdbfusion._request.PreparedRequest` and returns an
:class:`~tmdbfusion._reply.HTTPReply` holding aiohttp's own header mapping, so a successful
call builds no httpx object at all.  A failure raises the ``httpx.RequestError`` subclass that
httpx itself would raise for it, so the flow's retry and error mapping decide exactly as on
the httpx backend (a refused connection is ``httpx.ConnectError``, hence
``APIConnectionError``; a silent server is ``httpx.ReadTimeout``).  aiohttp does the network
I/O and decompression; no httpx transport or connection pool is involved, which is where the
httpx backend spends most of its time under concurrency.

Installed with ``pip install tmdbfusion-sdk[aiohttp]``; this module imports aiohttp only when an
``AiohttpSender`` is created.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

import httpx

from tmdbfusion._reply import HTTPReply
from tmdbfusion._request import ACCEPT_ENCODING, PreparedRequest, user_agent
from tmdbfusion.exceptions import ResponseTooLargeError

if TYPE_CHECKING:
    import aiohttp


def aiohttp_installed() -> bool:
    """Tell whether aiohttp can be imported (without importing it)."""
    import importlib.util

    return importlib.util.find_spec("aiohttp") is not None


class AiohttpSender:
    """Send prepared requests with aiohttp, with httpx's timeouts, pool limit and errors.

    Parameters
    ----------
    timeout : float
        Seconds allowed for a whole attempt: waiting for a connection, connecting, sending and
        reading the whole body.
    max_connections : int or None
        Most connections open at once (None: no limit); more requests wait for one.
    ssl_context : ssl.SSLContext
        The verifying TLS context.
    """

    def __init__(
        self, *, timeout: float, max_connections: int | None, ssl_context: ssl.SSLContext
    ) -> None:
        import asyncio

        import aiohttp
        import yarl

        self._aiohttp = aiohttp
        # asyncio.TimeoutError is TimeoutError from Python 3.11 on, not before.
        self._timeout_errors = (TimeoutError, asyncio.TimeoutError)
        self._url = yarl.URL
        # One timer for the whole attempt (pool wait, connect, send, every read), the deadline
        # the client puts around an httpx attempt; per-read timers would add nothing, since
        # no read can outlast the attempt.  A deadline passed while waiting for a connection
        # is aiohttp's ConnectionTimeoutError, hence httpx.ConnectTimeout (nothing was sent).
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._max_connections = max_connections or 0  # aiohttp: 0 is no limit
        self._ssl_context = ssl_context
        self._session: aiohttp.ClientSession | None = None
        # What every prepared request carries (an aiohttp client has no user http_client
        # headers); merging them into each request is much of aiohttp's per-request cost.
        self._common_headers = {
            "accept": "application/json",
            "accept-encoding": ACCEPT_ENCODING,
            "user-agent": user_agent(),
        }
        self._closed = False

    @property
    def is_closed(self) -> bool:
        """True once :meth:`aclose` was called."""
        return self._closed

    def _open_session(self) -> aiohttp.ClientSession:
        # Made on first use, inside the running event loop, as aiohttp requires.
        aiohttp = self._aiohttp
        connector = aiohttp.TCPConnector(
            limit=self._max_connections, limit_per_host=0, ssl=self._ssl_context
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            auto_decompress=True,
            # Sent with every request as the session's own (aiohttp then adds none of its
            # defaults); each request passes only its other headers (see _own_headers).
            headers=self._common_headers,
            raise_for_status=False,
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        # aiohttp silently resends a request once when a kept-alive connection drops; the
        # flow's retry policy (counted, logged, backed off, max_retries=0 honoured) decides
        # instead, as on httpx.  aiohttp's own test client switches it off the same way.
        self._session._retry_connection = False
        return self._session

    async def send_prepared(
        self, prepared: PreparedRequest, max_bytes: int | None = None
    ) -> HTTPReply:
        """Send one prepared request and read its whole body; no httpx object is built.

        A body larger than ``max_bytes`` (after decompression) raises ``ResponseTooLargeError``
        as soon as the limit is passed, without holding more of it.

        Raises
        ------
        httpx.RequestError
            The httpx error for the failure: ``ConnectError``, ``ConnectTimeout``,
            ``ReadTimeout``, ``RemoteProtocolError`` or ``ReadError``.
        """
        session = self._session or self._open_session()
        aiohttp = self._aiohttp
        try:
            async with session.request(
                prepared.method,
                self._url(prepared.url, encoded=True),
                headers=self._own_headers(prepared.headers),
                data=prepared.content,
                allow_redirects=False,
            ) as response:
                if max_bytes is None:
                    content = await response.read()
                else:
                    content = await _read_at_most(response, max_bytes, prepared)
                # aiohttp's CIMultiDictProxy: case-insensitive, and not copied.
                reply = HTTPReply(response.status, response.headers, content)
        except aiohttp.ClientError as exc:
            raise _as_httpx_error(aiohttp, exc) from exc
        except self._timeout_errors as exc:
            raise httpx.ReadTimeout("timed out waiting for the response") from exc
        return reply

    def _own_headers(self, headers: dict[str, str]) -> dict[str, str] | None:
        """The request's headers that the session does not already send (they win over it)."""
        common = self._common_headers
        own = {name: value for name, value in headers.items() if common.get(name) != value}
        return own or None

    async def aclose(self) -> None:
        """Close every connection; the sender cannot be used afterwards."""
        self._closed = True
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


async def _read_at_most(response: Any, limit: int, prepared: PreparedRequest) -> bytes:
    """Read an aiohttp response's (decompressed) body, failing once it passes ``limit``."""
    stream = response.content
    taken: list[bytes] = []
    size = 0
    while chunk := await stream.readany():  # what has arrived, decompressed; b"" at the end
        size += len(chunk)
        if size > limit:
            raise ResponseTooLargeError(
                f"TMDB's response to {prepared.method} {prepared.display_path} is larger than "
                f"max_response_bytes={limit:,}; raise the limit on the client if this is expected.",
                type_name="",
                json_path=None,
                body=b"",
            )
        taken.append(chunk)
    return taken[0] if len(taken) == 1 else b"".join(taken)


def _as_httpx_error(aiohttp: Any, exc: Exception) -> httpx.RequestError:
    """The httpx error httpx's own transport raises for the same failure."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message)
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return httpx.ReadTimeout(message)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message)
    if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)):
        return httpx.RemoteProtocolError(message)
    if isinstance(exc, aiohttp.ClientResponseError):  # a malformed status line or header
        return httpx.RemoteProtocolError(message)
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(message)
    return httpx.ReadError(message)
