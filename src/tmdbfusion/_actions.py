"""The actions the flow asks its I/O shell to perform, and the replies it takes back.

A shell answers :class:`Send` with the response (an :class:`~tmdbfusion._reply.HTTPReply`;
an ``httpx.Response`` is taken too), or with the ``httpx.RequestError``
it caught (transport failures are values, so the flow decides what they mean),
:class:`Sleep`, :class:`Acquire` and :class:`PauseAll` with None, :class:`CacheRead`
with the values found (None when the cache failed) and :class:`CacheWrite` with
whether the store took them.
"""

from __future__ import annotations

from typing import TypeAlias

import httpx
import msgspec

from tmdbfusion._reply import HTTPReply
from tmdbfusion._request import PreparedRequest


class Send(msgspec.Struct, frozen=True):
    """Action: send this request and reply with the response or the httpx error."""

    prepared: PreparedRequest

    @property
    def request(self) -> httpx.Request:
        """The request to send."""
        return self.prepared.request

    def __repr__(self) -> str:
        return f"Send({self.prepared.method} {self.prepared.display_path})"


class Sleep(msgspec.Struct, frozen=True):
    """Action: wait this many seconds, then reply with None."""

    seconds: float


class Acquire(msgspec.Struct, frozen=True):
    """Action: take a slot from the client's pacing budget, waiting as long as it says."""


class PauseAll(msgspec.Struct, frozen=True):
    """Action: pause the client's whole pacing budget (every thread and task) for ``seconds``."""

    seconds: float


class CacheRead(msgspec.Struct, frozen=True):
    """Action: read these keys; reply with their values (None where absent), None on failure."""

    keys: tuple[str, ...]


class CacheWrite(msgspec.Struct, frozen=True):
    """Action: store each ``(key, value, ttl)``; reply with True, or False when the cache failed."""

    items: tuple[tuple[str, bytes, float], ...]

    def __repr__(self) -> str:
        return f"CacheWrite({[key for key, _, _ in self.items]!r})"


Action: TypeAlias = Send | Sleep | Acquire | PauseAll | CacheRead | CacheWrite
#: What the I/O shell sends back into the flow after performing an action.
Reply: TypeAlias = (
    HTTPReply | httpx.Response | httpx.RequestError | list[bytes | None] | bool | None
)
