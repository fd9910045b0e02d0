"""Revalidation: the ETag a 304 keeps, no-store on a 304, a changed entry is served new."""

from __future__ import annotations

import httpx

from tmdbfusion._actions import CacheWrite, Send
from tmdbfusion._cache.entry import CachedEntry, decode_entry, encode_entry

from .test_steps import BODY, NOW, Movie, finish, ok, start

STALE = encode_entry(CachedEntry(BODY, NOW - 100, NOW - 1, etag='W/"abc"'))


def revalidate(headers: dict[str, str] | None = None) -> tuple[object, object]:
    flow, _settings = start()
    next(flow)
    send = flow.send([STALE])
    assert isinstance(send, Send)
    after = flow.send(httpx.Response(304, headers=headers, request=send.request))
    return flow, after


def test_a_304_without_an_etag_keeps_the_stored_one() -> None:
    flow, write = revalidate()
    assert isinstance(write, CacheWrite)
    refreshed = decode_entry(write.items[0][1])
    assert refreshed is not None and refreshed.etag == 'W/"abc"' and refreshed.body == BODY
    assert finish(flow, True) == Movie(550, "Fight Club")  # type: ignore[arg-type]


def test_a_304_with_a_new_etag_stores_it() -> None:
    _flow, write = revalidate({"ETag": '"v2"'})
    assert isinstance(write, CacheWrite)
    refreshed = decode_entry(write.items[0][1])
    assert refreshed is not None and refreshed.etag == '"v2"'


def test_a_304_saying_no_store_serves_the_entry_without_storing_it() -> None:
    flow, _settings = start()
    next(flow)
    send = flow.send([STALE])
    assert isinstance(send, Send)
    response = httpx.Response(304, headers={"Cache-Control": "no-store"}, request=send.request)
    assert finish(flow, response) == Movie(550, "Fight Club")


def test_a_changed_entry_is_served_and_stored_new() -> None:
    flow, settings = start()
    next(flow)
    send = flow.send([STALE])
    assert isinstance(send, Send)
    changed = b'{"id": 550, "title": "Fight Club (1999)"}'
    write = flow.send(
        httpx.Response(200, content=changed, headers={"ETag": '"v3"'}, request=send.request)
    )
    assert isinstance(write, CacheWrite)
    entry = decode_entry(write.items[0][1])
    assert entry is not None and entry.body == changed and entry.etag == '"v3"'
    assert finish(flow, True) == Movie(550, "Fight Club (1999)")
    assert settings.counters.revalidations == 0


def test_a_plain_miss_is_not_counted_as_a_revalidation() -> None:
    flow, settings = start()
    next(flow)
    send = flow.send([None])
    assert isinstance(send, Send)
    flow.send(ok(send.request))
    assert settings.counters.revalidations == 0
