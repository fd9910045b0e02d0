"""The reply every backend hands the flow: status, headers and the whole (decoded) body.

The flow, the decoding, the error mapping, the retry policy and the cache read only these three
things, so a backend that is not httpx (aiohttp) need build no httpx object at all: it wraps its
own response's header mapping as it is.  ``headers`` is looked up by lower-case name and must be
case-insensitive, as ``httpx.Headers`` and aiohttp's ``CIMultiDictProxy`` both are; ``content``
is the body after any ``Content-Encoding`` was undone, while the headers stay as received.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

__all__ = ["HTTPReply"]


class HTTPReply(msgspec.Struct):
    """A response as the flow sees it.

    Attributes
    ----------
    status_code : int
        The HTTP status.
    headers : Mapping[str, str]
        The response headers, with case-insensitive lookups.
    content : bytes
        The whole body, decompressed.
    """

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def is_success(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status_code < 300

    @classmethod
    def from_httpx(cls, response: Any) -> HTTPReply:
        """Wrap an ``httpx.Response`` whose body has been read."""
        return cls(response.status_code, response.headers, response.content)

    def __repr__(self) -> str:
        return f"HTTPReply({self.status_code}, {len(self.content):,} bytes)"
