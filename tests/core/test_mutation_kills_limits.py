"""Reading within max_response_bytes and the attempt's deadline: exact edges and exact messages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tmdbfusion._limits import (
    DEFAULT_MAX_RESPONSE_BYTES,
    aread_limited,
    check_max_response_bytes,
    read_limited,
)
from tmdbfusion.exceptions import ResponseTooLargeError

REQUEST = httpx.Request("GET", "https://api.themoviedb.org/3/movie/550?api_key=secret")


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def streamed(*chunks: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        200,
        headers=headers or {},
        stream=Chunks(*chunks),
        request=REQUEST,
        extensions={"http_version": b"HTTP/1.1"},
    )


def too_large_message(limit: str) -> str:
    return (
        f"TMDB's response to GET /3/movie/550 is larger than max_response_bytes={limit}; "
        "raise the limit on the client if this is expected."
    )


def test_the_default_limit_is_fifty_megabytes() -> None:
    assert DEFAULT_MAX_RESPONSE_BYTES == 52_428_800
    assert check_max_response_bytes(1) == 1
    assert check_max_response_bytes(DEFAULT_MAX_RESPONSE_BYTES) == DEFAULT_MAX_RESPONSE_BYTES


@pytest.mark.parametrize("value", [0, -5, True, 1.0, "100", None])
def test_a_bad_limit_is_refused_with_what_was_given(value: object) -> None:
    with pytest.raises(ValueError) as caught:
        check_max_response_bytes(value)
    assert str(caught.value) == f"max_response_bytes must be an int of 1 or more; got {value!r}"


def test_a_body_of_exactly_the_limit_is_read_with_the_headers_as_received() -> None:
    response = streamed(
        b'{"id":',
        b"550}",
        headers={
            "content-length": "10",
            "transfer-encoding": "chunked",
            "x-kept": "yes",
            "ETag": '"abc"',
        },
    )
    rebuilt = read_limited(response, 10, time.monotonic(), 30.0)
    assert rebuilt.status_code == 200
    assert rebuilt.content == b'{"id":550}'
    assert rebuilt.headers["x-kept"] == "yes" and rebuilt.headers["etag"] == '"abc"'
    # HTTPReply keeps the headers as received (the flow reads only status, headers and body).
    assert rebuilt.headers["transfer-encoding"] == "chunked"
    assert rebuilt.headers.get("content-length") == "10"
    assert response.is_closed


def test_one_byte_over_the_limit_fails_while_streaming_with_the_exact_message() -> None:
    response = streamed(b"12345", b"678901")
    with pytest.raises(ResponseTooLargeError) as caught:
        read_limited(response, 10, time.monotonic(), 30.0)
    assert str(caught.value) == too_large_message("10")
    assert "secret" not in str(caught.value)
    assert (caught.value.type_name, caught.value.json_path, caught.value.body) == ("", None, b"")
    assert response.is_closed


def test_a_declared_length_over_the_limit_fails_before_reading() -> None:
    stream = Chunks(b"x" * 5)
    response = httpx.Response(
        200, headers={"content-length": "2001"}, stream=stream, request=REQUEST
    )
    with pytest.raises(ResponseTooLargeError) as caught:
        read_limited(response, 2000, time.monotonic(), 30.0)
    assert str(caught.value) == too_large_message("2,000")
    assert stream.closed


def test_a_declared_length_of_exactly_the_limit_is_read() -> None:
    response = httpx.Response(
        200, headers={"content-length": "5"}, stream=Chunks(b"12345"), request=REQUEST
    )
    assert read_limited(response, 5, time.monotonic(), 30.0).content == b"12345"


def test_a_compressed_body_is_judged_by_its_inflated_size_not_its_declared_one() -> None:
    import gzip

    body = gzip.compress(b"a" * 100)
    headers = {"content-encoding": "gzip", "content-length": "999999"}
    fits = httpx.Response(200, headers=headers, stream=Chunks(body), request=REQUEST)
    assert read_limited(fits, 100, time.monotonic(), 30.0).content == b"a" * 100
    too_big = httpx.Response(200, headers=headers, stream=Chunks(body), request=REQUEST)
    with pytest.raises(ResponseTooLargeError):
        read_limited(too_big, 99, time.monotonic(), 30.0)


def test_a_declared_length_that_is_not_a_number_is_ignored() -> None:
    response = httpx.Response(
        200, headers={"content-length": "lots"}, stream=Chunks(b"123"), request=REQUEST
    )
    assert read_limited(response, 3, time.monotonic(), 30.0).content == b"123"


def test_an_attempt_past_its_deadline_times_out_with_the_exact_message() -> None:
    response = streamed(b"1", b"2")
    with pytest.raises(httpx.ReadTimeout) as caught:
        read_limited(response, 100, time.monotonic() - 6.0, 5.0)
    assert str(caught.value) == "the whole attempt took longer than timeout=5.0 s"
    assert caught.value.request is REQUEST
    assert response.is_closed


def test_an_attempt_within_its_deadline_reads_every_chunk() -> None:
    response = streamed(b"1", b"2", b"3")
    assert read_limited(response, 100, time.monotonic() - 4.0, 5.0).content == b"123"


def test_the_async_twin_keeps_the_same_limits() -> None:
    async def scenario() -> None:
        exact = streamed(
            b"12345", b"67890", headers={"x-kept": "1", "content-encoding": "identity"}
        )
        rebuilt = await aread_limited(exact, 10)
        assert rebuilt.content == b"1234567890"
        assert rebuilt.headers["x-kept"] == "1"
        assert rebuilt.headers["content-encoding"] == "identity"  # as received
        assert exact.is_closed
        over = streamed(b"12345", b"678901")
        with pytest.raises(ResponseTooLargeError) as caught:
            await aread_limited(over, 10)
        assert str(caught.value) == too_large_message("10")
        assert over.is_closed
        declared = httpx.Response(
            200, headers={"content-length": "11"}, stream=Chunks(b"1"), request=REQUEST
        )
        with pytest.raises(ResponseTooLargeError):
            await aread_limited(declared, 10)

    asyncio.run(scenario())
