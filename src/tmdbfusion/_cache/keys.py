"""Cache keys: what identifies a cached response, with every credential left out.

A key names the method and the redacted path in clear (so a store can be inspected) and ends in a
digest of everything else that selects the response: the API host, the real path and the query
parameters in sorted order.  The ``api_key`` parameter and the ``Authorization`` header never take
part.  Session ids, guest session ids and tokens do not either; they make up the request's *scope*,
a separate digest that only calls scoped to a user fold into their key, so two sessions never share
an entry and the same public call made with two API keys shares one.
"""

from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

import httpx

__all__ = ["KEY_VERSION", "RequestIdentity", "RequestParts", "identify", "scope_digest"]

#: Bumped whenever the key or the stored entry format changes, so old entries are never misread.
KEY_VERSION = "tmdbfusion:1"

# The same names the redaction treats as secrets: api_key, *session*, *token*, password.
_SECRET_PARAM = re.compile(r"(?i)^(?:api_key|.*session.*|.*token.*|password)$")
_GUEST_SESSION_SEGMENT = re.compile(r"/guest_session/([^/?#]+)")


def _digest(*parts: str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\x00")
    # 128 bits: collisions are out of reach, and keys stay short.
    return hasher.hexdigest()[:32]


class RequestParts(NamedTuple):
    """What a key is made of, read from an ``httpx.Request`` or straight from a prepared one.

    Attributes
    ----------
    method : str
        Upper-case HTTP method.
    origin : str
        ``scheme://host[:port]`` as httpx normalizes it.
    path : str
        The path, percent-decoded.
    params : list[tuple[str, str]]
        The query parameters, decoded, in order.
    authorization : str or None
        The ``Authorization`` header.
    """

    method: str
    origin: str
    path: str
    params: list[tuple[str, str]]
    authorization: str | None


def request_parts(request: httpx.Request | RequestParts) -> RequestParts:
    """The parts of an ``httpx.Request`` (given parts are returned as they are)."""
    if isinstance(request, RequestParts):
        return request
    url = request.url
    return RequestParts(
        request.method,
        f"{url.scheme}://{url.netloc.decode('ascii')}",
        url.path,
        url.params.multi_items(),
        request.headers.get("authorization"),
    )


def scope_digest(request: httpx.Request | RequestParts) -> str | None:
    """Digest of the credentials and session ids a request carries, or None when it has none.

    Parameters
    ----------
    request : httpx.Request or RequestParts
        The request as it will be sent.

    Returns
    -------
    str or None
        A hex digest that differs for every session, guest session, token and API key.
    """
    sent = request_parts(request)
    secrets = sorted((name, value) for name, value in sent.params if _SECRET_PARAM.match(name))
    parts = [f"{name}={value}" for name, value in secrets]
    guest = _GUEST_SESSION_SEGMENT.search(sent.path)
    if guest is not None:
        parts.append(f"guest_session={guest.group(1)}")
    authorization = sent.authorization
    if authorization:
        parts.append(f"authorization={authorization}")
    if not parts:
        return None
    return _digest("scope", *parts)


class RequestIdentity:
    """The cache key of one request, and the digest of its scope.

    Attributes
    ----------
    key : str
        Store key, e.g. ``tmdbfusion:1|GET /3/movie/550|<digest>``.
    scope : str or None
        See :func:`scope_digest`; None too for calls that are not scoped (it is not needed).
    """

    __slots__ = ("key", "scope")

    def __init__(self, key: str, scope: str | None) -> None:
        self.key = key
        self.scope = scope

    def __repr__(self) -> str:
        return f"RequestIdentity({self.key!r})"


def identify(
    request: httpx.Request | RequestParts, display_path: str, *, scoped: bool
) -> RequestIdentity:
    """Build the cache key of a request.

    Parameters
    ----------
    request : httpx.Request or RequestParts
        The request as it will be sent, credentials included (they are left out of the key).
    display_path : str
        The path with secret segments shown as ``***``; the readable part of the key.
    scoped : bool
        Whether the response depends on who asks (account states, rated lists); the scope
        digest is then part of the key.

    Returns
    -------
    RequestIdentity
        The key and the scope digest.
    """
    sent = request_parts(request)
    public = sorted((name, value) for name, value in sent.params if not _SECRET_PARAM.match(name))
    # Only scoped calls need the scope; public hits skip hashing the credentials.
    scope = scope_digest(sent) if scoped else None
    query = "&".join(f"{name}={value}" for name, value in public)
    selected_by = [sent.origin, sent.method, sent.path, query]
    if scoped:
        selected_by.append(scope or "-")
    key = f"{KEY_VERSION}|{sent.method} {display_path}|{_digest(*selected_by)}"
    return RequestIdentity(key, scope)
