"""Limits on what one attempt may take: body size (after decompression) and total time.

The shells stream every response through :func:`read_limited` / :func:`aread_limited`,
which stop reading at ``max_response_bytes`` (checked against ``Content-Length`` first,
then chunk by chunk on the decompressed bytes, so a gzip bomb stops early too) and at
the attempt's deadline.  The body is handed to the flow as an
:class:`~tmdbfusion._reply.HTTPReply` (no second ``httpx.Response`` is built).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import httpx

from tmdbfusion._reply import HTTPReply
from tmdbfusion.exceptions import ResponseTooLargeError

#: Generous for TMDB (its largest answers, full changes lists, are a few MB).
DEFAULT_MAX_RESPONSE_BYTES = 50 * 1024 * 1024


def check_max_response_bytes(value: object) -> int:
    """Check the constructor's ``max_response_bytes``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_response_bytes must be an int of 1 or more; got {value!r}")
    return value


def _too_large(response: httpx.Response, limit: int) -> ResponseTooLargeError:
    request = response.request
    return ResponseTooLargeError(
        f"TMDB's response to {request.method} {request.url.path} is larger than "
        f"max_response_bytes={limit:,}; raise the limit on the client if this is expected.",
        type_name="",
        json_path=None,
        body=b"",
    )


def _check_declared(response: httpx.Response, limit: int) -> None:
    declared = response.headers.get("content-length", "")
    # Only meaningful for a body sent as is; a compressed one is checked as it inflates.
    if declared.isdigit() and "content-encoding" not in response.headers and int(declared) > limit:
        raise _too_large(response, limit)


def _rebuilt(response: httpx.Response, chunks: list[bytes]) -> HTTPReply:
    # The headers as received (Content-Encoding too); the body decoded.
    return HTTPReply(response.status_code, response.headers, b"".join(chunks))


def _timed_out(response: httpx.Response, timeout: float) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(
        f"the whole attempt took longer than timeout={timeout} s", request=response.request
    )


def _take(
    response: httpx.Response, chunks: Iterator[bytes], limit: int, deadline: float, timeout: float
) -> list[bytes]:
    taken: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise _too_large(response, limit)
        if time.monotonic() > deadline:
            raise _timed_out(response, timeout)
        taken.append(chunk)
    return taken


def read_limited(response: httpx.Response, limit: int, started: float, timeout: float) -> HTTPReply:
    """Read a streamed response within the size limit and the attempt's deadline; close it."""
    try:
        _check_declared(response, limit)
        chunks = _take(response, response.iter_bytes(), limit, started + timeout, timeout)
    finally:
        response.close()
    return _rebuilt(response, chunks)


async def aread_limited(response: httpx.Response, limit: int) -> HTTPReply:
    """The async twin of :func:`read_limited`; the deadline is enforced around the attempt."""
    try:
        _check_declared(response, limit)
        taken: list[bytes] = []
        size = 0
        stream: AsyncIterator[bytes] = response.aiter_bytes()
        async for chunk in stream:
            size += len(chunk)
            if size > limit:
                raise _too_large(response, limit)
            taken.append(chunk)
    finally:
        await response.aclose()
    return _rebuilt(response, taken)
