"""Quick checks of the aiohttp backend: what goes on the wire, how big bodies stop, what errors say.

The behaviour the aiohttp sender shares with httpx is also tested under load and with large
bodies (tests marked ``slow``); these tests check the same promises with small bodies, short
timeouts and local servers, so they run in the default suite and in the mutation run.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import time
from typing import Any

import httpx
import pytest

from tests.reliability.conftest import run_async
from tests.reliability.scripted_server import ScriptedServer, response_head
from tmdbfusion import AsyncTMDBClient
from tmdbfusion._aiohttp import AiohttpSender, _as_httpx_error
from tmdbfusion._backends import shared_ssl_context
from tmdbfusion._request import ACCEPT_ENCODING, PreparedRequest, user_agent
from tmdbfusion.exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ResponseTooLargeError,
)
from tmdbfusion.testing import FakeResponse, FakeTMDB, Fault

aiohttp = pytest.importorskip("aiohttp")

import yarl  # noqa: E402  (installed with aiohttp)
from multidict import CIMultiDict, CIMultiDictProxy  # noqa: E402

LIMIT = 1_000
TOO_LARGE = (
    "TMDB's response to GET /3/movie/550 is larger than max_response_bytes=1,000; "
    "raise the limit on the client if this is expected."
)
ACCESS_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ0ZXN0In0.c2lnbmF0dXJl"


def aiohttp_client(base_url: str, **options: Any) -> AsyncTMDBClient:
    """An async client of a local server sending with aiohttp, failing on the first error."""
    options.setdefault("max_retries", 0)
    options.setdefault("timeout", 2.0)
    return AsyncTMDBClient(base_url=base_url, http_backend="aiohttp", **options)


def sender_of(client: AsyncTMDBClient) -> AiohttpSender:
    sender = client._http
    assert isinstance(sender, AiohttpSender)
    return sender


def movie_request(base_url: str) -> PreparedRequest:
    return PreparedRequest(
        method="GET",
        display_path="/3/movie/550",
        url=f"{base_url}/3/movie/550",
        headers={"accept": "application/json"},
        content=None,
        timeout={},
    )


def new_sender(**options: Any) -> AiohttpSender:
    options.setdefault("timeout", 2.0)
    options.setdefault("max_connections", 10)
    options.setdefault("ssl_context", shared_ssl_context())
    return AiohttpSender(**options)


def body_of(size: int) -> bytes:
    """A JSON document of exactly ``size`` bytes."""
    return b'{"id": 550, "title": "' + b"x" * (size - 24) + b'"}'


async def read_through_sender(pieces: list[bytes], max_bytes: int | None = LIMIT) -> bytes:
    async with ScriptedServer(pieces) as server:
        sender = new_sender()
        try:
            reply = await sender.send_prepared(movie_request(server.url), max_bytes=max_bytes)
        finally:
            await sender.aclose()
    assert reply.status_code == 200
    content: bytes = reply.content
    return content


# --- the body and max_response_bytes ------------------------------------------------------


def test_body_exactly_at_the_limit_is_read_whole() -> None:
    body = body_of(LIMIT)
    head = response_head(headers={"Content-Length": str(LIMIT)})
    assert run_async(read_through_sender([head + body])) == body


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "until-close"])
def test_body_one_byte_past_the_limit_raises_naming_the_limit(declared: bool) -> None:
    body = body_of(LIMIT + 1)
    head = response_head(headers={"Content-Length": str(len(body))} if declared else {})
    with pytest.raises(ResponseTooLargeError) as caught:
        run_async(read_through_sender([head + body]))
    assert str(caught.value) == TOO_LARGE
    assert (caught.value.type_name, caught.value.json_path, caught.value.body) == ("", None, b"")


def test_body_arriving_in_pieces_is_joined_in_order() -> None:
    body = body_of(LIMIT)
    pieces = [response_head(), body[:400], body[400:700], body[700:]]
    assert run_async(read_through_sender(pieces)) == body


def test_two_pieces_of_a_body_are_both_kept() -> None:
    body = body_of(LIMIT)
    assert run_async(read_through_sender([response_head(), body[:500], body[500:]])) == body


def test_pieces_each_under_the_limit_count_together() -> None:
    body = body_of(2 * LIMIT)
    pieces = [response_head()] + [body[start : start + 500] for start in range(0, 2000, 500)]
    with pytest.raises(ResponseTooLargeError, match="max_response_bytes=1,000;"):
        run_async(read_through_sender(pieces))


def test_the_limit_applies_to_the_decompressed_body() -> None:
    fits, too_big = body_of(LIMIT), body_of(2 * LIMIT)
    for body, fails in ((fits, False), (too_big, True)):
        packed = gzip.compress(body)
        assert len(packed) < LIMIT
        head = response_head(
            headers={"Content-Encoding": "gzip", "Content-Length": str(len(packed))}
        )
        if fails:
            with pytest.raises(ResponseTooLargeError) as caught:
                run_async(read_through_sender([head + packed]))
            assert str(caught.value) == TOO_LARGE
        else:
            assert run_async(read_through_sender([head + packed])) == body


def test_without_a_limit_the_whole_body_is_returned() -> None:
    body = body_of(3 * LIMIT)
    pieces = [response_head(headers={"Content-Length": str(len(body))}), body[:100], body[100:]]
    assert run_async(read_through_sender(pieces, max_bytes=None)) == body


def test_a_client_with_a_small_limit_raises_for_a_larger_movie(tmdb: FakeTMDB) -> None:
    tmdb.inject(Fault.body(body_of(2 * LIMIT)), path="/3/movie/550")

    async def main() -> None:
        async with aiohttp_client(tmdb.url, api_key="k", max_response_bytes=LIMIT) as client:
            with pytest.raises(ResponseTooLargeError) as caught:
                await client.movies.details(550)
            assert str(caught.value) == TOO_LARGE

    run_async(main())


# --- what goes on the wire ----------------------------------------------------------------


def test_the_server_receives_the_sdks_headers_and_none_of_aiohttps(tmdb: FakeTMDB) -> None:
    async def main() -> None:
        async with aiohttp_client(tmdb.url, access_token=ACCESS_TOKEN) as client:
            await client.movies.details(550)

    run_async(main())
    (request,) = tmdb.requests
    assert dict(request.headers) == {
        "host": tmdb.url.removeprefix("http://"),
        "accept": "application/json",
        "accept-encoding": ACCEPT_ENCODING,
        "user-agent": user_agent(),
        "authorization": "Bearer ***",
    }


def test_the_session_sends_the_common_headers_and_requests_only_their_own(
    tmdb: FakeTMDB,
) -> None:
    common = {
        "accept": "application/json",
        "accept-encoding": ACCEPT_ENCODING,
        "user-agent": user_agent(),
    }

    async def main() -> None:
        async with aiohttp_client(tmdb.url, api_key="k") as client:
            await client.movies.details(550)
            sender = sender_of(client)
            assert sender._session is not None
            # Exact names: the session's own headers, which each request then need not repeat.
            assert list(sender._session.headers.items()) == list(common.items())
            auth = {"authorization": "Bearer abc"}
            assert sender._own_headers({**common, **auth}) == auth
            assert sender._own_headers(common) is None
            assert sender._own_headers({"accept": "text/plain"}) == {"accept": "text/plain"}

    run_async(main())


def test_percent_encoded_path_segments_are_sent_as_prepared(tmdb: FakeTMDB) -> None:
    async def main() -> None:
        async with aiohttp_client(tmdb.url, api_key="k") as client:
            await client.find.by_id("tt0137523'~", external_source="imdb_id")

    run_async(main())
    assert tmdb.requests[-1].path == "/3/find/tt0137523%27~"


def test_a_redirect_is_not_followed(tmdb: FakeTMDB) -> None:
    moved = FakeResponse(status=302, content=b"", headers={"Location": "/3/movie/550"})
    tmdb.add_route("GET", "/3/movie/777", moved)

    async def main() -> None:
        async with aiohttp_client(tmdb.url, api_key="k") as client:
            with pytest.raises(APIError) as caught:
                await client.movies.details(777)
            assert caught.value.http_status == 302

    run_async(main())
    assert [request.path for request in tmdb.requests] == ["/3/movie/777"]


def test_cookies_a_server_sets_are_not_sent_back(tmdb: FakeTMDB) -> None:
    tmdb.add_route(
        "GET",
        "/3/movie/551",
        FakeResponse(json={"id": 551}, headers={"Set-Cookie": "visit=1; Path=/"}),
    )
    # A host name, not an IP address: aiohttp's default cookie jar ignores cookies from IPs.
    base_url = tmdb.url.replace("127.0.0.1", "localhost")
    request = PreparedRequest(
        method="GET",
        display_path="/3/movie/551",
        url=f"{base_url}/3/movie/551?api_key=k",
        headers={},
        content=None,
        timeout={},
    )

    async def main() -> None:
        sender = new_sender()
        try:
            for _ in range(2):
                reply = await sender.send_prepared(request, max_bytes=LIMIT)
                assert reply.status_code == 200
                assert reply.headers["set-cookie"] == "visit=1; Path=/"
        finally:
            await sender.aclose()

    run_async(main())
    assert [request.headers.get("cookie") for request in tmdb.requests] == [None, None]


# --- connections --------------------------------------------------------------------------


@pytest.mark.parametrize(("max_connections", "limit"), [(3, 3), (None, 0)])
def test_the_connector_has_the_clients_connection_limit(
    tmdb: FakeTMDB, max_connections: int | None, limit: int
) -> None:
    async def main() -> None:
        options = {"api_key": "k", "max_connections": max_connections}
        async with aiohttp_client(tmdb.url, **options) as client:
            await client.movies.details(550)
            session = sender_of(client)._session
            assert session is not None
            connector = session.connector
            assert isinstance(connector, aiohttp.TCPConnector)
            assert (connector.limit, connector.limit_per_host) == (limit, 0)

    run_async(main())


def test_https_is_verified_with_the_clients_ssl_context() -> None:
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    # Bare contexts: loading the system's CA store would add nothing and take most of the time.
    serving = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(serving)
    trusting = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies the certificate and host
    authority.configure_trust(trusting)
    body = body_of(100)
    pieces = [response_head(headers={"Content-Length": str(len(body))}) + body]

    async def main() -> None:
        async with ScriptedServer(pieces, tls=serving) as server:
            trusts, does_not = new_sender(ssl_context=trusting), new_sender()
            try:
                reply = await trusts.send_prepared(movie_request(server.url), max_bytes=LIMIT)
                # The default context does not know this authority: the certificate is checked.
                with pytest.raises(httpx.ConnectError, match="certificate verify failed"):
                    await does_not.send_prepared(movie_request(server.url), max_bytes=LIMIT)
            finally:
                await trusts.aclose()
                await does_not.aclose()
        assert reply.content == body

    run_async(main())


def test_a_dropped_connection_is_not_resent_by_aiohttp(tmdb: FakeTMDB) -> None:
    tmdb.inject(Fault.reset(), path="/3/movie/550")

    async def main() -> None:
        async with aiohttp_client(tmdb.url, api_key="k") as client:
            with pytest.raises(APIConnectionError) as caught:
                await client.movies.details(550)
            message = str(caught.value)
            assert message.startswith(
                "Could not talk to TMDB: GET /3/movie/550 failed (ReadError: "
            )
            assert "Connection reset by peer" in message

    run_async(main())
    assert len(tmdb.requests) == 1  # max_retries=0: the flow decides, and it does not resend


def test_a_refused_connection_says_where_it_tried() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there

    async def main() -> None:
        async with aiohttp_client(f"http://127.0.0.1:{port}", api_key="k") as client:
            with pytest.raises(APIConnectionError) as caught:
                await client.movies.details(550)
        assert str(caught.value) == (
            "Could not talk to TMDB: GET /3/movie/550 failed (ConnectError: Cannot connect to "
            f"host 127.0.0.1:{port} ssl:default [Connect call failed ('127.0.0.1', {port})]). "
            "Check your network connection and the client's base_url."
        )

    run_async(main())


def test_a_silent_server_times_out_after_the_clients_timeout(tmdb: FakeTMDB) -> None:
    tmdb.inject(Fault.stall(1.5), path="/3/movie/550")

    async def main() -> float:
        async with aiohttp_client(tmdb.url, api_key="k", timeout=0.1) as client:
            started = time.monotonic()
            with pytest.raises(APITimeoutError) as caught:
                await client.movies.details(550)
            waited = time.monotonic() - started
        assert str(caught.value) == (
            "Timed out waiting for TMDB: GET /3/movie/550 failed (ReadTimeout: timed out waiting "
            "for the response). Check your network, or give the client a larger timeout= (seconds)."
        )
        return waited

    assert run_async(main()) < 1.0


# --- closing ------------------------------------------------------------------------------


def test_aclose_closes_the_session_and_its_connector_once(tmdb: FakeTMDB) -> None:
    async def main() -> None:
        sender = new_sender()
        assert sender.is_closed is False
        await sender.send_prepared(movie_request(tmdb.url), max_bytes=LIMIT)
        session = sender._session
        assert session is not None and session.connector is not None
        connector = session.connector
        await sender.aclose()
        assert sender.is_closed is True
        assert session.closed and connector.closed and sender._session is None
        await sender.aclose()  # a second close does nothing
        assert sender.is_closed is True

    run_async(main())


# --- aiohttp's errors as httpx's ----------------------------------------------------------


def _request_info() -> Any:
    url = yarl.URL("http://127.0.0.1/3/movie/550")
    return aiohttp.RequestInfo(url, "GET", CIMultiDictProxy(CIMultiDict()), url)


@pytest.mark.parametrize(
    ("make_error", "expected"),
    [
        (
            lambda: aiohttp.ConnectionTimeoutError("Connection timeout to host"),
            httpx.ConnectTimeout,
        ),
        (lambda: aiohttp.ServerTimeoutError("Timeout on reading data"), httpx.ReadTimeout),
        (lambda: aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (lambda: aiohttp.ClientPayloadError("payload not completed"), httpx.RemoteProtocolError),
        (
            lambda: aiohttp.ClientResponseError(
                _request_info(), (), status=400, message="Invalid header"
            ),
            httpx.RemoteProtocolError,
        ),
        (lambda: aiohttp.InvalidURL("ftp//nowhere"), httpx.UnsupportedProtocol),
        (lambda: aiohttp.ClientOSError(104, "Connection reset by peer"), httpx.ReadError),
    ],
)
def test_each_aiohttp_error_keeps_its_message(make_error: Any, expected: type) -> None:
    error = make_error()
    assert str(error)
    converted = _as_httpx_error(aiohttp, error)
    assert type(converted) is expected
    assert str(converted) == str(error)


def test_an_aiohttp_error_without_a_message_is_named_by_its_type() -> None:
    converted = _as_httpx_error(aiohttp, aiohttp.ConnectionTimeoutError())
    assert type(converted) is httpx.ConnectTimeout
    assert str(converted) == "ConnectionTimeoutError"
