"""The clients with a cache, against a fake TMDB on 127.0.0.1 that serves real TMDB bodies."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tmdbfusion import TMDBClient
from tmdbfusion.cache import CacheWarning, MemoryCache
from tmdbfusion.exceptions import NotFoundError, ResponseValidationError
from tmdbfusion.testing import FakeResponse, FakeTMDB, Fault, RecordedRequest, tmdb_error

from .conftest import real_body
from .redis_server import RedisServer

API_KEY = "c4ched0c4ched0c4ched0c4ched0c4c"
SESSION = "5e55101d5e55101d5e55101d5e55101d5e55101d"
OTHER_SESSION = "0the55e550the55e550the55e550the55e550the"
# Recorded on a GET of /3/movie/27205 in 2025.
TMDB_HEADERS = {
    "Cache-Control": "public, max-age=6991",
    "ETag": 'W/"5d0b668cbd65633dab0f600de60311c1"',
}
MOVIE_ID = 47964  # the movie of movie_movie_id__4.json


def movie_route(request: RecordedRequest) -> FakeResponse:
    if request.headers.get("if-none-match") == TMDB_HEADERS["ETag"]:
        return FakeResponse(status=304, content=b"", headers=TMDB_HEADERS)
    return FakeResponse(content=real_body("movie_movie_id__4.json"), headers=TMDB_HEADERS)


@pytest.fixture
def tmdb() -> Iterator[FakeTMDB]:
    with FakeTMDB(api_key=API_KEY) as server:
        server.add_route("GET", f"/3/movie/{MOVIE_ID}", movie_route)
        server.add_route("GET", "/3/movie/0", FakeResponse(status=404, json=tmdb_error(404)))
        yield server


@pytest.fixture(params=["memory", "sqlite", "redis"])
def cache_spec(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory"
    if request.param == "sqlite":
        return str(tmp_path / "cache.sqlite")
    url: str = request.getfixturevalue("redis_url")
    return url


def sent(tmdb: FakeTMDB, path: str) -> int:
    return sum(1 for request in tmdb.requests if request.path == path)


def test_two_identical_calls_make_one_request(tmdb: FakeTMDB, cache_spec: str) -> None:
    with tmdb.client(cache=cache_spec) as client:
        first = client.movies.details(MOVIE_ID)
        second = client.movies.details(MOVIE_ID)
        stats = client.cache.stats()
    assert first == second and first.id == MOVIE_ID
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 1
    assert (stats.hits, stats.misses, stats.stores, stats.entries) == (1, 1, 1, 1)
    assert stats.bytes > len(real_body("movie_movie_id__4.json"))


def test_two_identical_async_calls_make_one_request(tmdb: FakeTMDB, cache_spec: str) -> None:
    async def scenario() -> tuple[Any, Any, Any]:
        async with tmdb.async_client(cache=cache_spec) as client:
            first = await client.movies.details(MOVIE_ID)
            second = await client.movies.details(MOVIE_ID)
            return first, second, await client.cache.stats()

    first, second, stats = asyncio.run(scenario())
    assert first == second
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 1
    assert (stats.hits, stats.misses, stats.entries) == (1, 1, 1)


def test_different_arguments_are_different_entries(tmdb: FakeTMDB) -> None:
    with tmdb.client(cache="memory") as client:
        client.movies.details(MOVIE_ID, language="de")
        client.movies.details(MOVIE_ID, language="fr")
        client.movies.details(MOVIE_ID, language="de")
        client.search.movie(query="alien", page=1)
        client.search.movie(query="alien", page=2)
        client.search.movie(query="alien", page=1)
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 2
    assert sent(tmdb, "/3/search/movie") == 2


def test_a_hit_costs_no_request_no_retry_no_wait(tmdb: FakeTMDB) -> None:
    with tmdb.client(cache="memory", max_retries=3) as client:
        waits: list[float] = []
        client._sleep = waits.append
        client.movies.details(MOVIE_ID)
        tmdb.inject(Fault.status(503, retry_after=5), times=None)
        assert client.movies.details(MOVIE_ID).id == MOVIE_ID
    assert waits == []
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 1


_CHILD = textwrap.dedent(
    """
    import sys
    from tmdbfusion import TMDBClient
    base_url, cache, key = sys.argv[1:4]
    with TMDBClient(api_key=key, base_url=base_url, cache=cache) as client:
        movie = client.movies.details(47964)
        stats = client.cache.stats()
    print(movie.id, stats.hits, stats.misses)
    """
)


def run_child(tmdb: FakeTMDB, cache: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, tmdb.url, cache, API_KEY],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().strip()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_two_processes_share_entries(
    kind: str, tmdb: FakeTMDB, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    cache = (
        str(tmp_path / "shared.sqlite")
        if kind == "sqlite"
        else request.getfixturevalue("redis_url")
    )
    assert run_child(tmdb, cache) == f"{MOVIE_ID} 0 1"
    assert run_child(tmdb, cache) == f"{MOVIE_ID} 1 0"
    with tmdb.client(cache=cache) as client:
        client.movies.details(MOVIE_ID)
        assert client.cache.stats().hits == 1
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 1


def test_errors_are_never_cached(tmdb: FakeTMDB, cache_spec: str) -> None:
    with tmdb.client(cache=cache_spec, max_retries=0) as client:
        for _ in range(2):
            with pytest.raises(NotFoundError):
                client.movies.details(0)  # unknown to the fake TMDB
        tmdb.inject(Fault.status(500), path=f"/3/movie/{MOVIE_ID}")
        with pytest.raises(Exception, match="HTTP 500"):
            client.movies.details(MOVIE_ID)
        assert client.movies.details(MOVIE_ID).id == MOVIE_ID
        assert client.movies.details(MOVIE_ID).id == MOVIE_ID
    assert sent(tmdb, "/3/movie/0") == 2
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 2


def test_a_body_that_does_not_decode_is_never_cached(tmdb: FakeTMDB, cache_spec: str) -> None:
    tmdb.inject(Fault.wrong_shape("id", "not a number"), path=f"/3/movie/{MOVIE_ID}")
    with tmdb.client(cache=cache_spec, max_retries=0) as client:
        with pytest.raises(ResponseValidationError):
            client.movies.details(MOVIE_ID)
        assert client.movies.details(MOVIE_ID).id == MOVIE_ID
        assert client.cache.stats().stores == 1
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 2


@pytest.mark.slow
def test_an_expired_entry_is_fetched_again_and_revalidated_with_its_etag(
    tmdb: FakeTMDB, cache_spec: str
) -> None:
    with tmdb.client(cache=cache_spec, cache_ttl=0.4) as client:
        first = client.movies.details(MOVIE_ID)
        time.sleep(0.6)
        again = client.movies.details(MOVIE_ID)
        stats = client.cache.stats()
    assert again == first
    movie_requests = [r for r in tmdb.requests if r.path == f"/3/movie/{MOVIE_ID}"]
    assert len(movie_requests) == 2
    assert movie_requests[1].headers.get("if-none-match") == TMDB_HEADERS["ETag"]
    assert (stats.revalidations, stats.misses) == (1, 2)


@pytest.mark.slow
def test_an_expired_entry_without_etag_is_fetched_whole(tmdb: FakeTMDB) -> None:
    with tmdb.client(cache="memory", cache_ttl=0.3) as client:
        client.genres.movie()
        time.sleep(0.5)
        client.genres.movie()
    genre_requests = [r for r in tmdb.requests if r.path == "/3/genre/movie/list"]
    assert len(genre_requests) == 2
    assert "if-none-match" not in genre_requests[1].headers


def test_account_data_is_not_cached_unless_asked(tmdb: FakeTMDB) -> None:
    with tmdb.client(cache="memory") as client:
        client.movies.account_states(MOVIE_ID, session_id=SESSION)
        client.movies.account_states(MOVIE_ID, session_id=SESSION)
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}/account_states") == 2


def test_other_sessions_never_see_an_entry(tmdb: FakeTMDB, cache_spec: str) -> None:
    with tmdb.client(cache=cache_spec, cache_ttl={"movies.account_states": 600}) as client:
        client.movies.account_states(MOVIE_ID, session_id=SESSION)
        client.movies.account_states(MOVIE_ID, session_id=SESSION)
        client.movies.account_states(MOVIE_ID, session_id=OTHER_SESSION)
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}/account_states") == 2


def test_rating_a_movie_drops_its_account_states(tmdb: FakeTMDB, cache_spec: str) -> None:
    ttl = {"movies.account_states": 600, "account": 600}
    with tmdb.client(cache=cache_spec, cache_ttl=ttl) as client:
        client.movies.account_states(MOVIE_ID, session_id=SESSION)
        client.movies.account_states(MOVIE_ID, session_id=OTHER_SESSION)
        client.movies.add_rating(MOVIE_ID, value=8.5, session_id=SESSION)
        client.movies.account_states(MOVIE_ID, session_id=SESSION)
        client.movies.account_states(MOVIE_ID, session_id=OTHER_SESSION)
    # Fetched again for the session that rated; still cached for the other.
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}/account_states") == 3


def test_editing_a_list_drops_the_cached_list_in_every_process(
    tmdb: FakeTMDB, tmp_path: Path
) -> None:
    path = str(tmp_path / "shared.sqlite")
    with tmdb.client(cache=path) as reader, tmdb.client(cache=path) as writer:
        reader.lists.details(8224)
        reader.lists.details(8224)
        writer.lists.add_item(8224, media_id=550, session_id=SESSION)
        reader.lists.details(8224)
    assert sent(tmdb, "/3/list/8224") == 2


def test_skip_and_refresh_apply_to_the_calls_inside(tmdb: FakeTMDB) -> None:
    with tmdb.client(cache="memory") as client:
        client.movies.details(MOVIE_ID)
        with client.cache.skip():
            client.movies.details(MOVIE_ID)
        with client.cache.refresh():
            client.movies.details(MOVIE_ID)
        client.movies.details(MOVIE_ID)
        stats = client.cache.stats()
        client.cache.clear()
        assert client.cache.stats().entries == 0
        client.movies.details(MOVIE_ID)
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 4
    assert (stats.hits, stats.stores) == (1, 2)


def test_a_client_without_cache_says_so(tmdb: FakeTMDB) -> None:
    with tmdb.client() as client:
        client.movies.details(MOVIE_ID)
        client.movies.details(MOVIE_ID)
        stats = client.cache.stats()
        assert not client.cache.enabled and client.cache.backend is None
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 2
    assert (stats.backend, stats.hits, stats.misses) == ("none", 0, 0)


def test_cache_ttl_without_a_cache_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="cache_ttl= has no effect without cache="):
        TMDBClient(api_key=API_KEY, cache_ttl=60)
    with pytest.raises(ValueError, match="neither a namespace"):
        TMDBClient(api_key=API_KEY, cache="memory", cache_ttl={"movie.details": 60})


def test_an_object_of_your_own_serves_as_the_store(tmdb: FakeTMDB) -> None:
    class Recording(MemoryCache):
        def __init__(self) -> None:
            super().__init__()
            self.reads: list[tuple[str, ...]] = []

        def get_many(self, keys: Any) -> list[bytes | None]:
            self.reads.append(tuple(keys))
            return super().get_many(keys)

    store = Recording()
    with tmdb.client(cache=store) as client:
        client.movies.details(MOVIE_ID)
        client.movies.details(MOVIE_ID)
    assert len(store.reads) == 2
    assert store.usage().entries == 1  # a store passed in is not closed or emptied by close()


def _all_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in folder.iterdir() if path.is_file())


def test_no_credential_reaches_the_sqlite_file(tmdb: FakeTMDB, tmp_path: Path) -> None:
    folder = tmp_path / "cachedir"
    ttl = {"movies.account_states": 600}
    with tmdb.client(cache=str(folder / "cache.sqlite"), cache_ttl=ttl) as client:
        client.movies.details(MOVIE_ID)
        client.movies.account_states(MOVIE_ID, session_id=SESSION)
        client.movies.add_rating(MOVIE_ID, value=7.0, session_id=SESSION)
        client.guest_sessions.rated_movies(OTHER_SESSION)
    content = _all_bytes(folder)
    assert b"47964" in content  # the body is there...
    for secret in (API_KEY, SESSION, OTHER_SESSION):
        assert secret.encode() not in content  # ...and no secret


def test_no_credential_reaches_redis(
    tmdb: FakeTMDB, redis_url: str, redis_server: RedisServer
) -> None:
    import redis

    ttl = {"movies.account_states": 600, "guest_sessions": 600}
    with tmdb.client(cache=redis_url, cache_ttl=ttl) as client:
        client.movies.details(MOVIE_ID)
        client.movies.account_states(MOVIE_ID, session_id=SESSION)
        client.movies.add_rating(MOVIE_ID, value=7.0, session_id=SESSION)
        client.guest_sessions.rated_movies(OTHER_SESSION)
    raw = redis.Redis.from_url(redis_url)
    keys = raw.keys("*")
    assert len(keys) >= 4
    everything = b"\n".join([*keys, *(raw.get(key) or b"" for key in keys)])
    raw.close()
    assert b"47964" in everything
    for secret in (API_KEY, SESSION, OTHER_SESSION):
        assert secret.encode() not in everything


def test_redis_stopped_mid_run_costs_one_warning_and_no_failure(
    tmdb: FakeTMDB, own_redis: RedisServer
) -> None:
    with tmdb.client(cache=own_redis.url) as client:
        client.movies.details(MOVIE_ID)
        client.movies.details(MOVIE_ID)
        own_redis.stop()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for language in (None, None, "de", "fr", None):
                assert client.movies.details(MOVIE_ID, language=language).id == MOVIE_ID
        cache_warnings = [w for w in caught if issubclass(w.category, CacheWarning)]
        assert len(cache_warnings) == 1, [str(w.message) for w in caught]
        assert "calls go on without the cache" in str(cache_warnings[0].message).lower()
        assert API_KEY not in str(cache_warnings[0].message)
        stats = client.cache.stats()
        assert stats.entries == -1 and stats.errors >= 1
        # Redis comes back: after the cool-down the cache is used again.
        own_redis.start()
        client._cache_guard.cooldown = 0.0  # type: ignore[union-attr]
        client.movies.details(MOVIE_ID)
        client.movies.details(MOVIE_ID)
        assert client.cache.stats().entries >= 1
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 7


def test_redis_stopped_under_the_async_client_too(tmdb: FakeTMDB, own_redis: RedisServer) -> None:
    async def scenario() -> list[Any]:
        async with tmdb.async_client(cache=own_redis.url) as client:
            await client.movies.details(MOVIE_ID)
            own_redis.stop()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                movies = [await client.movies.details(MOVIE_ID) for _ in range(3)]
            assert [m.id for m in movies] == [MOVIE_ID] * 3
            return [w for w in caught if issubclass(w.category, CacheWarning)]

    assert len(asyncio.run(scenario())) == 1


def test_an_unusable_sqlite_file_degrades_to_no_cache(tmdb: FakeTMDB, tmp_path: Path) -> None:
    not_a_file = tmp_path / "a-directory"
    not_a_file.mkdir()
    with tmdb.client(cache=not_a_file) as client, pytest.warns(CacheWarning) as caught:
        for _ in range(3):
            assert client.movies.details(MOVIE_ID).id == MOVIE_ID
    assert len([w for w in caught if issubclass(w.category, CacheWarning)]) == 1
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 3


def test_pages_are_cached_one_by_one(tmdb: FakeTMDB) -> None:
    with tmdb.client(cache="memory") as client:
        first = [movie.id for movie in client.movies.popular()]
        again = [movie.id for movie in client.movies.popular()]
    assert first == again
    assert sent(tmdb, "/3/movie/popular") == tmdb.total_pages


def test_cache_true_keeps_an_sqlite_file_in_the_user_cache_directory(
    tmdb: FakeTMDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for _ in range(2):
        with tmdb.client(cache=True) as client:
            client.movies.details(MOVIE_ID)
    assert (tmp_path / "xdg" / "tmdbfusion" / "responses.sqlite").is_file()
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 1


def test_threads_sharing_one_client_and_file_get_the_same_answers(
    tmdb: FakeTMDB, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with tmdb.client(cache=tmp_path / "cache.sqlite") as client:
        client.movies.details(MOVIE_ID)
        with ThreadPoolExecutor(8) as pool:
            movies = list(pool.map(lambda _: client.movies.details(MOVIE_ID), range(64)))
        assert client.cache.stats().hits == 64
    assert {movie.id for movie in movies} == {MOVIE_ID}
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 1


def test_a_client_acting_as_a_user_shares_the_cache_and_leaves_it_open(
    tmdb: FakeTMDB, tmp_path: Path
) -> None:
    user_token = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ1c2VyIn0.c2lnbmF0dXJlLW9mLXRoZS11c2Vy"
    with tmdb.client(cache=tmp_path / "cache.sqlite") as client:
        client.movies.details(MOVIE_ID)
        user = client.with_access_token(user_token)
        assert user.movies.details(MOVIE_ID).id == MOVIE_ID  # a public entry, shared
        user.close()
        client.movies.details(MOVIE_ID)  # the store is still open
        assert client.cache.stats().hits == 2
    assert sent(tmdb, f"/3/movie/{MOVIE_ID}") == 1
