"""HTTPReply, the reply every backend hands the flow: its success edges, its wrapping, its repr."""

from __future__ import annotations

import httpx
import pytest

from tmdbfusion._reply import HTTPReply


@pytest.mark.parametrize(
    ("status", "success"),
    [(199, False), (200, True), (204, True), (299, True), (300, False), (404, False)],
)
def test_only_a_2xx_status_is_a_success(status: int, success: bool) -> None:
    assert HTTPReply(status, {}, b"").is_success is success


def test_from_httpx_keeps_status_headers_and_body() -> None:
    response = httpx.Response(201, headers={"ETag": '"v1"'}, content=b'{"id":550}')
    reply = HTTPReply.from_httpx(response)
    assert reply.status_code == 201
    assert reply.headers["etag"] == '"v1"'  # looked up case-insensitively, as received
    assert reply.content == b'{"id":550}'


def test_the_repr_shows_status_and_body_size_but_never_the_body() -> None:
    reply = HTTPReply(200, {"x-secret": "s3cr3t"}, b"x" * 12_345)
    assert repr(reply) == "HTTPReply(200, 12,345 bytes)"
    assert repr(HTTPReply(204, {}, b"")) == "HTTPReply(204, 0 bytes)"
