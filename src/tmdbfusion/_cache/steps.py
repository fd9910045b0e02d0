"""The cache's part of the flow: look up before sending, store after decoding, bump after writes.

Pure, like the flow that uses it: these generators yield :class:`~tmdbfusion._actions.CacheRead`
and :class:`~tmdbfusion._actions.CacheWrite` and take the shell's replies.  The flow asks
:func:`plan_cache` once per call; a call the cache has nothing to do with gets None and runs as
if there were no cache.
"""

from __future__ import annotations

import functools
from collections.abc import Generator
from typing import Any, Final, Generic, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import msgspec

from tmdbfusion._actions import Action, CacheRead, CacheWrite, Reply
from tmdbfusion._cache.context import CacheMode, CacheSettings, cache_mode
from tmdbfusion._cache.entry import (
    CachedEntry,
    decode_entry,
    encode_entry,
    generation_key,
    new_generation,
)
from tmdbfusion._cache.keys import RequestParts, identify, scope_digest
from tmdbfusion._cache.policy import (
    DAY,
    Kind,
    classify,
    dependencies,
    freshness_from_headers,
    invalidated_by,
    retention,
)
from tmdbfusion._decode import decode_success, decoder_for
from tmdbfusion._reply import HTTPReply
from tmdbfusion._request import PreparedRequest

__all__ = ["MISS", "CachePlan", "Miss", "plan_cache"]

T = TypeVar("T")

#: Generations outlive the entries that depend on them.
_GENERATION_TTL = 30 * DAY


class Miss:
    """The type of :data:`MISS`."""

    def __repr__(self) -> str:
        return "MISS"


#: What :meth:`CachePlan.look_up` returns when the call must go to TMDB.
MISS: Final = Miss()


def _decode_body(body: bytes, cast_to: type[T]) -> T | Miss:
    try:
        value: T = decoder_for(cast_to).decode(body)
        return value
    except (msgspec.DecodeError, msgspec.ValidationError):
        # Stored by another version of the SDK, or damaged: fetch it again.
        return MISS


class CachePlan(Generic[T]):
    """What the cache does for one call.

    Attributes
    ----------
    prepared : PreparedRequest
        The request to send: the original, or one carrying ``If-None-Match`` to revalidate a stale
        entry.
    """

    __slots__ = (
        "_bumps",
        "_cast_to",
        "_dependencies",
        "_generations",
        "_key",
        "_mode",
        "_settings",
        "_stale",
        "_stale_value",
        "_ttl",
        "prepared",
    )

    def __init__(
        self,
        settings: CacheSettings,
        prepared: PreparedRequest,
        cast_to: type[T],
        *,
        mode: CacheMode,
        ttl: float = 0.0,
        key: str | None = None,
        dependencies: tuple[str, ...] = (),
        bumps: tuple[str, ...] = (),
    ) -> None:
        self._settings = settings
        self.prepared = prepared
        self._cast_to = cast_to
        self._mode = mode
        self._ttl = ttl
        self._key = key
        self._dependencies = dependencies
        self._bumps = bumps
        self._generations: list[bytes | None] = []
        self._stale: CachedEntry | None = None
        self._stale_value: Any = MISS

    def look_up(self) -> Generator[Action, Reply, T | Miss]:
        """Yield the cache read; return the decoded fresh value, or :data:`MISS`."""
        if self._key is None:
            return MISS
        counters = self._settings.counters
        keys = (self._key, *(generation_key(name) for name in self._dependencies))
        values = yield CacheRead(keys)
        if not isinstance(values, list) or len(values) != len(keys):
            # The cache failed: go without it for this call, storing included.
            counters.add("misses")
            self._key = None
            return MISS
        stored, self._generations = values[0], values[1:]
        entry = decode_entry(stored) if stored is not None else None
        current = tuple(token.decode("ascii", "replace") for token in self._generations if token)
        if (
            entry is None
            or self._mode is CacheMode.REFRESH
            or len(current) != len(self._dependencies)
            or entry.generations != current
        ):
            counters.add("misses")
            return MISS
        value = _decode_body(entry.body, self._cast_to)
        if isinstance(value, Miss):
            counters.add("misses")
            return MISS
        if entry.fresh_until > self._settings.clock():
            counters.add("hits")
            return value
        counters.add("misses")
        if entry.etag:
            self._stale, self._stale_value = entry, value
            self.prepared = msgspec.structs.replace(
                self.prepared,
                headers={**self.prepared.headers, "if-none-match": entry.etag},
            )
        return MISS

    def is_revalidated(self, response: HTTPReply) -> bool:
        """Tell whether TMDB answered the conditional request with ``304 Not Modified``."""
        return response.status_code == 304 and self._stale is not None

    def complete(self, response: HTTPReply) -> Generator[Action, Reply, T]:
        """Decode a successful response, store it when it may be, bump what a write changed."""
        if self._bumps:
            tokens = tuple(
                (generation_key(name), new_generation(), _GENERATION_TTL) for name in self._bumps
            )
            yield CacheWrite(tokens)
        if self.is_revalidated(response) and self._stale is not None:
            self._settings.counters.add("revalidations")
            value: T = self._stale_value
            etag = response.headers.get("etag") or self._stale.etag
            yield from self._store(self._stale.body, etag, response.headers.get("cache-control"))
            return value
        value = decode_success(response, self._cast_to)
        # Decoded first: a body that does not fit the model is never cached.
        if self._key is not None and response.status_code == 200:
            yield from self._store(
                response.content,
                response.headers.get("etag"),
                response.headers.get("cache-control"),
            )
        return value

    def _store(
        self, body: bytes, etag: str | None, cache_control: str | None
    ) -> Generator[Action, Reply, None]:
        if self._key is None:
            return
        fresh_for = freshness_from_headers(self._ttl, cache_control)
        if fresh_for is None:
            return
        items: list[tuple[str, bytes, float]] = []
        tokens: list[str] = []
        for name, token in zip(self._dependencies, self._generations, strict=True):
            if token is None:
                # Never record "no generation yet": a later bump could be evicted and leave
                # this entry looking current.
                token = new_generation()
                items.append((generation_key(name), token, _GENERATION_TTL))
            tokens.append(token.decode("ascii", "replace"))
        now = self._settings.clock()
        entry = CachedEntry(body, now, now + fresh_for, etag, tuple(tokens))
        keep_for = retention(fresh_for, etag is not None)
        if keep_for <= 0:
            return
        items.append((self._key, encode_entry(entry), keep_for))
        stored = yield CacheWrite(tuple(items))
        if stored is True:
            self._settings.counters.add("stores")


@functools.lru_cache(maxsize=64)
def _origin(scheme_and_netloc: str) -> str:
    # httpx's normalized origin (lower-case host, default port dropped), as the keys were
    # always made from an httpx.Request; one per base URL.
    url = httpx.URL(scheme_and_netloc)
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


def _sent_parts(prepared: PreparedRequest) -> RequestParts:
    """The key's parts of a prepared request, read as httpx would, without an httpx.Request."""
    address, _, query = prepared.url.partition("?")
    split = urlsplit(address)
    return RequestParts(
        prepared.method,
        _origin(f"{split.scheme}://{split.netloc}"),
        unquote(split.path) or "/",
        parse_qsl(query, keep_blank_values=True),
        prepared.headers.get("authorization"),
    )


def plan_cache(
    settings: CacheSettings | None, prepared: PreparedRequest, cast_to: type[T]
) -> CachePlan[T] | None:
    """Decide what the cache does for a call; None when nothing.

    Parameters
    ----------
    settings : CacheSettings or None
        The client's cache, or None when it has none.
    prepared : PreparedRequest
        The call.
    cast_to : type
        What its body decodes into.

    Returns
    -------
    CachePlan or None
        A plan for a cacheable GET (unless the cache is skipped), or for a write that
        invalidates something.
    """
    if settings is None or not prepared.template:
        # A request built without its template cannot be classified: leave it alone.
        return None
    mode = cache_mode.get()
    request = _sent_parts(prepared)
    template = prepared.template
    if prepared.method != "GET" or classify(template) is Kind.NEVER:
        # Writes invalidate even inside client.cache.skip(): what they change is stale anyway.
        bumps = invalidated_by(prepared.method, template, request.path, scope_digest(request))
        if not bumps:
            return None
        return CachePlan(settings, prepared, cast_to, mode=mode, bumps=bumps)
    if mode is CacheMode.SKIP:
        return None
    ttl = settings.policy.ttl_for("GET", template)
    if ttl <= 0:
        return None
    identity = identify(request, prepared.display_path, scoped=classify(template) is Kind.SCOPED)
    return CachePlan(
        settings,
        prepared,
        cast_to,
        mode=mode,
        ttl=ttl,
        key=identity.key,
        dependencies=dependencies(template, request.path, identity.scope),
    )
