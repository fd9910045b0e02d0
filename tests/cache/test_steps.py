"""The cache's part of the flow, driven by hand with ``send()``: no store, no network, no clock."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import httpx
import msgspec
import pytest

from tmdbfusion._actions import Action, CacheRead, CacheWrite, Reply, Send
from tmdbfusion._cache.context import CacheMode, CacheSettings, cache_mode
from tmdbfusion._cache.entry import CachedEntry, decode_entry, encode_entry
from tmdbfusion._cache.policy import TTLPolicy
from tmdbfusion._config import make_config
from tmdbfusion._flow import request_flow
from tmdbfusion._request import prepare_request

API_KEY = "3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b"
NOW = 1_700_000_000.0


class Movie(msgspec.Struct):
    id: int
    title: str


BODY = b'{"id": 550, "title": "Fight Club"}'


def start(
    method: str = "GET",
    path: str = "/3/movie/{movie_id}",
    query: dict[str, Any] | None = None,
    settings: CacheSettings | None = None,
) -> tuple[Generator[Action, Reply, Any], CacheSettings]:
    config = make_config(
        None,
        api_key=API_KEY,
        access_token=None,
        base_url="https://api.themoviedb.org",
        language=None,
        region=None,
        timeout=10.0,
        max_retries=0,
        environ={},
    )
    settings = settings or CacheSettings(policy=TTLPolicy.build(None), clock=lambda: NOW)
    prepared = prepare_request(config, method, path, path_params={"movie_id": 550}, query=query)
    return request_flow(config, prepared, Movie, settings), settings


def finish(flow: Generator[Action, Reply, Any], reply: Reply) -> Any:
    with pytest.raises(StopIteration) as finished:
        flow.send(reply)
    return finished.value.value


def ok(request: httpx.Request, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(200, content=BODY, headers=headers, request=request)


def test_a_fresh_entry_answers_without_any_send() -> None:
    flow, settings = start()
    read = next(flow)
    assert isinstance(read, CacheRead) and len(read.keys) == 1
    entry = encode_entry(CachedEntry(BODY, NOW - 10, NOW + 10))
    assert finish(flow, [entry]) == Movie(550, "Fight Club")
    assert (settings.counters.hits, settings.counters.misses) == (1, 0)


def test_a_miss_sends_then_stores_what_decoded() -> None:
    flow, settings = start()
    read = next(flow)
    send = flow.send([None])
    assert isinstance(send, Send)
    write = flow.send(ok(send.request, {"ETag": '"v1"', "Cache-Control": "public, max-age=6991"}))
    assert isinstance(write, CacheWrite)
    ((key, value, keep_for),) = write.items
    assert key == read.keys[0]
    entry = decode_entry(value)
    assert entry is not None and entry.body == BODY and entry.etag == '"v1"'
    assert entry.fresh_until == NOW + 4 * 3600
    assert keep_for > 4 * 3600  # kept past freshness to be revalidated
    assert finish(flow, True) == Movie(550, "Fight Club")
    assert settings.counters.stores == 1


def test_a_failed_cache_read_means_no_store_either() -> None:
    flow, _ = start()
    next(flow)
    send = flow.send(None)
    assert isinstance(send, Send)
    assert finish(flow, ok(send.request)) == Movie(550, "Fight Club")


def test_no_store_is_obeyed() -> None:
    flow, _ = start()
    next(flow)
    send = flow.send([None])
    assert isinstance(send, Send)
    assert finish(flow, ok(send.request, {"Cache-Control": "no-store"})) == Movie(550, "Fight Club")


def test_a_stale_entry_is_revalidated_and_a_304_serves_it() -> None:
    flow, settings = start()
    next(flow)
    stale = encode_entry(CachedEntry(BODY, NOW - 100, NOW - 1, etag='W/"abc"'))
    send = flow.send([stale])
    assert isinstance(send, Send)
    assert send.request.headers["if-none-match"] == 'W/"abc"'
    write = flow.send(httpx.Response(304, request=send.request))
    assert isinstance(write, CacheWrite)
    refreshed = decode_entry(write.items[0][1])
    assert refreshed is not None and refreshed.fresh_until > NOW
    assert finish(flow, True) == Movie(550, "Fight Club")
    assert settings.counters.revalidations == 1


def test_an_entry_of_an_older_generation_is_a_miss() -> None:
    ttl = TTLPolicy.build(
        {"movies.account_states": 60},
        [("GET", "/3/movie/{movie_id}/account_states", "movies.account_states")],
    )
    settings = CacheSettings(policy=ttl, clock=lambda: NOW)
    flow, _ = start(
        path="/3/movie/{movie_id}/account_states", query={"session_id": "s" * 40}, settings=settings
    )
    read = next(flow)
    assert len(read.keys) == 2  # the entry and its scope's generation
    entry = encode_entry(CachedEntry(BODY, NOW, NOW + 60, generations=("old",)))
    assert isinstance(flow.send([entry, b"new"]), Send)


def test_a_write_bumps_its_scope_after_it_succeeded() -> None:
    flow, _ = start(
        method="POST", path="/3/movie/{movie_id}/rating", query={"session_id": "s" * 40}
    )
    send = next(flow)
    assert isinstance(send, Send)
    write = flow.send(httpx.Response(201, content=b'{"id": 1, "title": "x"}', request=send.request))
    assert isinstance(write, CacheWrite)
    ((key, token, ttl),) = write.items
    assert "|gen|scope:" in key and "s" * 40 not in key
    assert len(token) == 16 and ttl > 0
    assert finish(flow, True) == Movie(1, "x")


def test_skip_goes_straight_to_tmdb() -> None:
    token = cache_mode.set(CacheMode.SKIP)
    try:
        flow, _ = start()
        assert isinstance(next(flow), Send)
    finally:
        cache_mode.reset(token)


def test_an_entry_that_no_longer_fits_the_model_is_fetched_again() -> None:
    flow, settings = start()
    next(flow)
    old_shape = encode_entry(CachedEntry(b'{"id": "550"}', NOW, NOW + 60))
    assert isinstance(flow.send([old_shape]), Send)
    assert (settings.counters.hits, settings.counters.misses) == (0, 1)


def test_a_damaged_entry_is_a_miss() -> None:
    flow, _ = start()
    next(flow)
    assert isinstance(flow.send([b"\x00 not msgpack"]), Send)
