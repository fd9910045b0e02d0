"""The cache's remaining edges: cache_ttl= messages, namespaces of dotted names, list invalidation,
key digests of unusual text, the guard's defaults, damaged generations, and the stores' settings.

Against real SQLite files, a real redis-server and the flow driven by hand.
"""

from __future__ import annotations

import hashlib
import sqlite3
import warnings
from collections.abc import Generator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tmdbfusion._actions import Action, CacheRead, CacheWrite, Reply, Send
from tmdbfusion._cache.context import CacheCounters, CacheSettings
from tmdbfusion._cache.control import CacheControl
from tmdbfusion._cache.entry import CachedEntry, decode_entry, encode_entry, generation_key
from tmdbfusion._cache.guard import CacheGuard, CacheWarning
from tmdbfusion._cache.keys import KEY_VERSION, RequestParts, identify, scope_digest
from tmdbfusion._cache.policy import TTLPolicy, dependencies
from tmdbfusion._cache.redis import RedisCache, _milliseconds
from tmdbfusion._cache.setup import build_cache
from tmdbfusion._cache.sqlite import SQLiteCache
from tmdbfusion._config import make_config
from tmdbfusion._flow import request_flow
from tmdbfusion._request import prepare_request
from tmdbfusion.exceptions import TMDBError

from .test_steps import API_KEY, BODY, NOW, Movie, finish, ok, without_pacing

ORIGIN = "https://api.themoviedb.org"

# --- cache_ttl= messages -----------------------------------------------------------------------


def test_a_cache_ttl_key_that_is_not_a_string_names_its_type() -> None:
    with pytest.raises(TypeError) as caught:
        build_cache("memory", {1: 60})  # type: ignore[dict-item]
    assert str(caught.value) == "cache_ttl keys must be str; got int"


@pytest.mark.parametrize(
    ("name", "suggestion"), [("moviez", "; did you mean 'movies'?"), ("xyzzy", "")]
)
def test_an_unknown_cache_ttl_name_lists_four_namespaces_and_suggests_the_closest(
    name: str, suggestion: str
) -> None:
    with pytest.raises(ValueError) as caught:
        build_cache("memory", {name: 60})
    # The examples are the namespaces with the most cacheable operations; a name like
    # none of them gets no suggestion.
    assert str(caught.value) == (
        f"cache_ttl has {name!r}, which is neither a namespace (such as tv, movies, people, "
        f"tv_seasons) nor a GET operation such as 'movies.details'{suggestion}"
    )


def test_an_unknown_cache_ttl_name_close_to_an_operation_suggests_the_operation() -> None:
    with pytest.raises(ValueError) as caught:
        build_cache("memory", {"movies.detials": 60})
    assert str(caught.value).endswith("; did you mean 'movies.details'?")


def test_a_namespace_that_is_never_cached_is_no_example() -> None:
    operations = [
        ("GET", "/3/authentication/token/new", "authentication.create_request_token"),
        ("GET", "/3/authentication/guest_session/new", "authentication.create_guest_session"),
        ("GET", "/3/movie/{movie_id}", "movies.details"),
    ]
    with pytest.raises(ValueError) as caught:
        TTLPolicy.build({"zzz": 60}, operations)
    assert str(caught.value) == (
        "cache_ttl has 'zzz', which is neither a namespace (such as movies) "
        "nor a GET operation such as 'movies.details'"
    )


@pytest.mark.parametrize("seconds", [1, 0.5])
def test_caching_authentication_for_any_time_says_it_is_never_cached(seconds: float) -> None:
    with pytest.raises(ValueError) as caught:
        build_cache("memory", {"authentication": seconds})
    assert str(caught.value) == (
        "cache_ttl names 'authentication', whose answers hold request tokens or session ids; "
        "they are never cached"
    )


def test_a_lifetime_of_zero_for_authentication_is_allowed_and_caches_nothing() -> None:
    settings, _, _ = build_cache("memory", {"authentication": 0})
    assert settings is not None
    assert settings.policy.ttl_for("GET", "/3/authentication/token/new") == 0.0


# Operations of a resource nested one level deeper than today's SDK ("tv.seasons.details"): the
# namespace is what comes before the first dot.
NESTED = [
    ("GET", "/3/tv/{series_id}/season/{season_number}", "tv.seasons.details"),
    ("GET", "/3/tv/{series_id}", "tv.details"),
    ("GET", "/3/movie/{movie_id}", "movies.details"),
]


def test_a_namespace_covers_the_operations_of_its_nested_resources() -> None:
    policy = TTLPolicy.build({"tv": 120}, NESTED)
    assert policy.ttl_for("GET", "/3/tv/{series_id}/season/{season_number}") == 120.0
    assert policy.ttl_for("GET", "/3/tv/{series_id}") == 120.0
    assert policy.ttl_for("GET", "/3/movie/{movie_id}") == 4 * 3600.0


def test_a_nested_operation_can_be_named_alone() -> None:
    policy = TTLPolicy.build({"tv.seasons.details": 30, "tv": 90}, NESTED)
    assert policy.ttl_for("GET", "/3/tv/{series_id}/season/{season_number}") == 30.0
    assert policy.ttl_for("GET", "/3/tv/{series_id}") == 90.0


def test_a_namespace_with_only_nested_resources_is_still_a_namespace() -> None:
    only_nested = [NESTED[0], NESTED[2]]
    policy = TTLPolicy.build({"tv": 45}, only_nested)
    assert policy.ttl_for("GET", "/3/tv/{series_id}/season/{season_number}") == 45.0
    with pytest.raises(ValueError) as caught:
        TTLPolicy.build({"tv.seasons": 45}, only_nested)
    assert str(caught.value) == (
        "cache_ttl has 'tv.seasons', which is neither a namespace (such as movies, tv) "
        "nor a GET operation such as 'movies.details'; did you mean 'tv.seasons.details'?"
    )


# --- list dependencies -------------------------------------------------------------------------


def test_a_cached_v4_list_depends_on_its_list_as_a_v3_one_does() -> None:
    scope = "0123456789abcdef0123456789abcdef"
    assert dependencies("/4/list/{list_id}", "/4/list/8224", scope) == (
        f"scope:{scope}",
        "list:8224",
    )
    assert dependencies("/3/list/{list_id}", "/3/list/8224", None) == ("list:8224",)
    assert dependencies("/3/movie/{movie_id}", "/3/movie/550", None) == ()


# --- keys --------------------------------------------------------------------------------------


def search(text: str) -> RequestParts:
    return RequestParts("GET", ORIGIN, "/3/search/movie", [("query", text)], None)


def test_search_texts_with_lone_surrogates_get_their_own_keys() -> None:
    # A str from a surrogateescape-decoded file name or argv can hold lone surrogates.
    keys = {
        identify(search(text), "/3/search/movie", scoped=False).key
        for text in ("\udcff", "\udcfe", "\ud800x", "Amélie", "Amelie")
    }
    assert len(keys) == 5


def test_a_session_id_with_a_lone_surrogate_gets_a_scope_of_its_own() -> None:
    def scope(session: str) -> str | None:
        parts = RequestParts("GET", ORIGIN, "/3/account", [("session_id", session)], None)
        return scope_digest(parts)

    assert scope("\udcff") is not None and scope("\udcff") != scope("\udcfe")


def test_a_scoped_call_without_credentials_ends_in_the_digest_of_a_dash() -> None:
    # The key format is stable across releases of one KEY_VERSION: files and Redis keep entries.
    parts = RequestParts("GET", ORIGIN, "/3/movie/550/account_states", [("page", "1")], None)
    identity = identify(parts, "/3/movie/550/account_states", scoped=True)
    hasher = hashlib.sha256()
    for part in (ORIGIN, "GET", "/3/movie/550/account_states", "page=1", "-"):
        hasher.update(part.encode() + b"\x00")
    assert identity.scope is None
    assert identity.key == (
        f"{KEY_VERSION}|GET /3/movie/550/account_states|{hasher.hexdigest()[:32]}"
    )


# --- the flow: keys of prepared requests, damaged generations, lifetimes ------------------------


def config() -> Any:
    return make_config(
        None,
        api_key=API_KEY,
        access_token=None,
        base_url=ORIGIN,
        language=None,
        region=None,
        timeout=10.0,
        max_retries=0,
        environ={},
    )


def flow_for(
    path: str,
    path_params: dict[str, object],
    query: dict[str, object] | None = None,
    policy: TTLPolicy | None = None,
) -> Generator[Action, Reply, Any]:
    settings = CacheSettings(policy=policy or TTLPolicy.build(None), clock=lambda: NOW)
    prepared = prepare_request(config(), "GET", path, path_params=path_params, query=query)
    return without_pacing(request_flow(config(), prepared, Movie, settings))


def first_key(query: dict[str, object]) -> str:
    read = next(flow_for("/3/discover/movie", {}, query))
    assert isinstance(read, CacheRead)
    return read.keys[0]


def test_a_blank_query_parameter_is_part_of_the_key_as_httpx_reads_it() -> None:
    blank = first_key({"with_keywords": "", "page": 1})
    assert blank != first_key({"page": 1})
    query = {"with_keywords": "", "page": 1}
    prepared = prepare_request(config(), "GET", "/3/discover/movie", query=query)
    assert blank == identify(prepared.request, prepared.display_path, scoped=False).key


def list_flow() -> Generator[Action, Reply, Any]:
    return flow_for("/3/list/{list_id}", {"list_id": 8224})


def test_a_damaged_generation_in_the_store_is_read_as_replacement_characters() -> None:
    # Another writer (or a damaged value) left non-ASCII bytes as the list's generation.
    entry = CachedEntry(BODY, NOW - 10, NOW + 60, None, ("\ufffd\ufffd",))
    flow = list_flow()
    read = next(flow)
    assert isinstance(read, CacheRead)
    assert read.keys[1] == generation_key("list:8224")
    assert finish(flow, [encode_entry(entry), b"\xff\xfe"]) == Movie(550, "Fight Club")


def test_a_response_stored_under_a_damaged_generation_records_it_replaced() -> None:
    flow = list_flow()
    next(flow)
    send = flow.send([None, b"\xff"])
    assert isinstance(send, Send)
    write = flow.send(ok(send.request))
    assert isinstance(write, CacheWrite)
    [(_key, value, _ttl)] = write.items
    entry = decode_entry(value)
    assert entry is not None and entry.generations == ("\ufffd",)


def test_an_entry_is_stale_at_the_very_second_it_stops_being_fresh() -> None:
    flow = flow_for("/3/movie/{movie_id}", {"movie_id": 550})
    next(flow)
    send = flow.send([encode_entry(CachedEntry(BODY, NOW - 60, NOW))])
    assert isinstance(send, Send)


def test_a_stale_entry_is_revalidated_with_a_lower_case_if_none_match() -> None:
    # The SDK's own headers go out lower case, as HTTP/2 requires; this one too.
    flow = flow_for("/3/movie/{movie_id}", {"movie_id": 550})
    next(flow)
    send = flow.send([encode_entry(CachedEntry(BODY, NOW - 60, NOW - 1, 'W/"v1"'))])
    assert isinstance(send, Send)
    assert (b"if-none-match", b'W/"v1"') in send.request.headers.raw
    assert (b"accept", b"application/json") in send.request.headers.raw


def test_no_cache_without_an_etag_is_not_stored() -> None:
    flow = flow_for("/3/movie/{movie_id}", {"movie_id": 550})
    next(flow)
    send = flow.send([None])
    assert isinstance(send, Send)
    response = ok(send.request, {"Cache-Control": "no-cache"})
    with pytest.raises(StopIteration) as finished:
        flow.send(response)
    assert finished.value.value == Movie(550, "Fight Club")


def test_a_lifetime_of_one_second_is_stored() -> None:
    policy = TTLPolicy.build(1)
    flow = flow_for("/3/movie/{movie_id}", {"movie_id": 550}, policy=policy)
    next(flow)
    send = flow.send([None])
    assert isinstance(send, Send)
    write = flow.send(ok(send.request))
    assert isinstance(write, CacheWrite)
    [(_key, _value, ttl)] = write.items
    assert ttl == 1.0


def test_a_304_to_a_request_that_revalidated_nothing_is_an_error() -> None:
    # No stale entry was offered, so TMDB's 304 has nothing to confirm.
    flow = flow_for("/3/movie/{movie_id}", {"movie_id": 550})
    next(flow)
    send = flow.send([None])
    assert isinstance(send, Send)
    with pytest.raises(TMDBError):
        flow.send(httpx.Response(304, request=send.request))


# --- the guard ---------------------------------------------------------------------------------


def test_a_guard_owns_its_store_by_default_so_closing_closes_it(tmp_path: Path) -> None:
    store = SQLiteCache(tmp_path / "cache.sqlite")
    store.set_many([("k", b"v", 60)])
    counters = CacheCounters()
    guard = CacheGuard(store, counters)
    assert guard.owns_backend is True
    CacheControl(guard, counters).close()
    assert store._connection is None


def test_a_failing_usage_warns_naming_the_exception(tmp_path: Path) -> None:
    folder = tmp_path / "a folder"
    folder.mkdir()
    store = SQLiteCache(folder)
    guard = CacheGuard(store, CacheCounters())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert guard.usage() is None
    [warning] = caught
    assert warning.category is CacheWarning
    assert str(warning.message) == (
        f"The tmdbfusion cache ({store!r}) failed with OperationalError: unable to open "
        "database file. Calls go on without the cache; it is tried again every 30 s."
    )


# --- SQLite ------------------------------------------------------------------------------------


def test_sqlite_waits_five_seconds_for_a_writer_by_default(tmp_path: Path) -> None:
    store = SQLiteCache(tmp_path / "cache.sqlite")
    assert store.busy_timeout == 5.0
    assert store._connect().execute("PRAGMA busy_timeout").fetchone() == (5000,)
    store.close()
    quick = SQLiteCache(tmp_path / "quick.sqlite", busy_timeout=0.25)
    assert quick._connect().execute("PRAGMA busy_timeout").fetchone() == (250,)
    quick.close()


def test_sqlite_reuses_one_connection_and_reopens_after_close(tmp_path: Path) -> None:
    store = SQLiteCache(tmp_path / "cache.sqlite")
    first = store._connect()
    assert store._connect() is first
    store.set_many([("k", b"v", 60)])
    store.close()
    assert store.get_many(["k"]) == [b"v"]
    assert store._connect() is store._connect()
    store.close()


def test_a_sqlite_clear_is_seen_at_once_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    store = SQLiteCache(path)
    store.set_many([("k", b"v", 60)])
    store.clear()
    other = sqlite3.connect(path)
    try:
        assert other.execute("SELECT COUNT(*) FROM tmdbfusion_cache").fetchone() == (0,)
    finally:
        other.close()
    store.close()


# --- Redis -------------------------------------------------------------------------------------


def test_redis_keeps_a_sub_millisecond_lifetime_for_one_millisecond() -> None:
    # Redis refuses PX 0; the shortest lifetime it keeps is 1 ms.
    assert _milliseconds(0.0001) == 1
    assert _milliseconds(0.0016) == 2
    assert _milliseconds(60) == 60_000


def test_redis_allows_one_second_per_command_by_default(redis_url: str) -> None:
    store = RedisCache(redis_url)
    try:
        options = store._client().connection_pool.connection_kwargs
        assert options["socket_timeout"] == 1.0
        assert options["socket_connect_timeout"] == 1.0
    finally:
        store.close()
