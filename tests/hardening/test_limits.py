"""Item 4: bounded body size (also after decompression), bounded nesting, bounded attempts."""

from __future__ import annotations

import json
import ssl
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator

import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient, _backends
from tmdbfusion._deadline import bound_attempts
from tmdbfusion.exceptions import APITimeoutError, ResponseTooLargeError, ResponseValidationError
from tmdbfusion.models import MovieDetails
from tmdbfusion.testing import FakeTMDB, Fault, sample_json

from .conftest import run_async
from .rawserver import RawServer, headers

KEY = "3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b"
MB = 1024 * 1024


def endless_json(total: int) -> Iterator[bytes]:
    yield headers()
    yield b'{"id": 1, "title": "'
    chunk = b"x" * 65536
    for _ in range(total // len(chunk)):
        yield chunk
    yield b'"}'


def gzip_bomb() -> Iterator[bytes]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = compressor.compress(b'{"id": 1, "title": "') + compressor.compress(b"0" * (256 * MB))
    body += compressor.compress(b'"}') + compressor.flush()
    yield headers(f"Content-Encoding: gzip\r\nContent-Length: {len(body)}\r\n")
    yield body


def test_a_body_larger_than_the_limit_fails_fast_with_bounded_memory() -> None:
    with RawServer(lambda: endless_json(200 * MB)) as server:
        client = TMDBClient(api_key=KEY, base_url=server.url, max_response_bytes=5 * MB)
        tracemalloc.start()
        with client, pytest.raises(ResponseTooLargeError, match="max_response_bytes"):
            client.movies.details(1)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 20 * MB
    assert server.requests == 1  # not retried: it would be as large again


@pytest.mark.slow
def test_a_gzip_bomb_stops_at_the_limit_after_decompression() -> None:
    with RawServer(gzip_bomb) as server:
        client = TMDBClient(api_key=KEY, base_url=server.url, max_response_bytes=5 * MB)
        with client, pytest.raises(ResponseTooLargeError):
            client.movies.details(1)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["httpx", "aiohttp"])
def test_async_a_body_larger_than_the_limit_fails_fast_with_bounded_memory(backend: str) -> None:
    async def main() -> int:
        with RawServer(lambda: endless_json(200 * MB)) as server:
            client = AsyncTMDBClient(
                api_key=KEY,
                base_url=server.url,
                max_response_bytes=5 * MB,
                http_backend=backend,  # type: ignore[arg-type]
            )
            async with client:
                tracemalloc.start()
                with pytest.raises(ResponseTooLargeError, match="max_response_bytes"):
                    await client.movies.details(1)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            assert server.requests == 1
        with RawServer(gzip_bomb) as server:
            client = AsyncTMDBClient(
                api_key=KEY,
                base_url=server.url,
                max_response_bytes=5 * MB,
                http_backend=backend,  # type: ignore[arg-type]
            )
            async with client:
                with pytest.raises(ResponseTooLargeError):
                    await client.movies.details(1)
        return peak

    assert run_async(main(), timeout=30) < 20 * MB


BODY = b'{"id": 1, "title": "slow and steady wins nothing at all"}'
TIMEOUT = 1.0
# Scheduling on a loaded 2-core machine; far below one more read timeout (1 s).
SLACK = 0.5


def trickled_body() -> Iterator[bytes]:
    yield headers()
    for byte in BODY:
        time.sleep(0.3)
        yield bytes([byte])


def trickled_headers() -> Iterator[bytes]:
    # Each byte arrives well inside the read timeout; the status line never ends.
    yield b"HTTP/1.1 200 OK\r\nX-Slow: "
    for _ in range(30):
        time.sleep(0.3)
        yield b"z"


TRICKLES = [trickled_headers, trickled_body]


@pytest.mark.slow
@pytest.mark.parametrize("trickle", TRICKLES)
def test_a_trickling_server_cannot_hold_a_sync_call_past_the_timeout(
    trickle: Callable[[], Iterator[bytes]],
) -> None:
    with RawServer(trickle) as server:
        client = TMDBClient(api_key=KEY, base_url=server.url, timeout=TIMEOUT, max_retries=0)
        with client:
            movies = client.movies  # imported before the clock starts
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                movies.details(1)
            took = time.monotonic() - started
            # The broken connection was closed, not kept in the pool.
            assert client._http._transport._pool.connections == []  # type: ignore[attr-defined]
    print(f"sync {trickle.__name__}: {took:.2f} s with timeout={TIMEOUT}")
    assert TIMEOUT - 0.05 < took < TIMEOUT + SLACK


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["httpx", "aiohttp"])
@pytest.mark.parametrize("trickle", TRICKLES)
def test_a_trickling_server_cannot_hold_an_async_call_past_the_timeout(
    trickle: Callable[[], Iterator[bytes]], backend: str
) -> None:
    async def main() -> float:
        with RawServer(trickle) as server:
            client = AsyncTMDBClient(
                api_key=KEY,
                base_url=server.url,
                timeout=TIMEOUT,
                max_retries=0,
                http_backend=backend,  # type: ignore[arg-type]
            )
            async with client:
                movies = client.movies  # imported before the clock starts
                started = time.monotonic()
                with pytest.raises(APITimeoutError):
                    await movies.details(1)
                return time.monotonic() - started

    took = run_async(main())
    print(f"async ({backend}) {trickle.__name__}: {took:.2f} s with timeout={TIMEOUT}")
    assert TIMEOUT - 0.05 < took < TIMEOUT + SLACK


@pytest.mark.slow
def test_every_attempt_has_its_own_deadline() -> None:
    with RawServer(trickled_body) as server:
        client = TMDBClient(api_key=KEY, base_url=server.url, timeout=TIMEOUT, max_retries=1)
        client._sleep = lambda seconds: None  # the backoff between attempts is not the point
        with client:
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                client.movies.details(1)
            took = time.monotonic() - started
    assert server.requests == 2
    assert 2 * TIMEOUT - 0.1 < took < 2 * TIMEOUT + 2 * SLACK


def test_sync_clients_bound_every_transport_httpx_made(monkeypatch: pytest.MonkeyPatch) -> None:
    # Proxies from the environment get transports of their own; those are bounded too.
    for name in ("ALL_PROXY", "NO_PROXY", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    with TMDBClient(api_key=KEY) as client:
        transports = [client._http._transport, *client._http._mounts.values()]
        assert len(transports) == 3
        for transport in transports:
            backend = transport._pool._network_backend  # type: ignore[union-attr]
            assert type(backend).__name__ == "_DeadlineBackend"
        assert bound_attempts(client._http)  # idempotent: nothing is wrapped twice
        assert type(transports[0]._pool._network_backend._backend).__name__ == "SyncBackend"  # type: ignore[union-attr]


def test_json_nested_too_deep_is_a_validation_error(tmdb: FakeTMDB) -> None:
    deep = b'{"id": 1, "extra": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    tmdb.inject(Fault.body(deep), path="/3/movie/{movie_id}", times=None)
    with tmdb.client() as client, pytest.raises(ResponseValidationError, match="nested too deeply"):
        client.movies.details(1)

    async def main() -> None:
        async with tmdb.async_client() as client:
            with pytest.raises(ResponseValidationError, match="nested too deeply"):
                await client.movies.details(1)

    run_async(main())


def test_a_failed_decode_keeps_only_a_preview(tmdb: FakeTMDB) -> None:
    junk = b"<html>" + b"x" * 1_000_000
    tmdb.inject(Fault.body(junk), path="/3/movie/{movie_id}", times=None)
    with tmdb.client() as client, pytest.raises(ResponseValidationError) as caught:
        client.movies.details(1)
    assert 0 < len(caught.value.body) <= 4096

    async def main() -> bytes:
        async with tmdb.async_client() as client:
            with pytest.raises(ResponseValidationError) as caught:
                await client.movies.details(1)
            return caught.value.body

    assert 0 < len(run_async(main())) <= 4096


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_max_response_bytes_must_be_a_positive_int(bad: object) -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        TMDBClient(api_key=KEY, max_response_bytes=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_response_bytes"):
        AsyncTMDBClient(api_key=KEY, max_response_bytes=bad)  # type: ignore[arg-type]


@pytest.mark.slow
def test_the_sync_deadline_holds_over_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every real call is https: the deadline's sockets must do the TLS handshake and reuse too.
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    monkeypatch.setattr(_backends, "shared_ssl_context", lambda: client_context)
    answer = json.dumps(sample_json(MovieDetails, seed=550)).encode()

    def quick() -> Iterator[bytes]:
        yield headers(f"Content-Length: {len(answer)}\r\n")
        yield answer

    with RawServer(quick, tls=server_context) as server:
        client = TMDBClient(api_key=KEY, base_url=server.url, timeout=TIMEOUT)
        with client:
            assert client.movies.details(550).id == 550
            assert client.movies.details(550).id == 550  # a second connection and handshake
    with RawServer(trickled_headers, tls=server_context) as server:
        client = TMDBClient(api_key=KEY, base_url=server.url, timeout=TIMEOUT, max_retries=0)
        with client:
            movies = client.movies
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                movies.details(1)
            took = time.monotonic() - started
    print(f"sync over TLS, trickled headers: {took:.2f} s with timeout={TIMEOUT}")
    assert TIMEOUT - 0.05 < took < TIMEOUT + SLACK
