"""What the two clients do with their arguments, seen from outside: defaults, backends, paging.

Against :class:`~tmdbfusion.testing.FakeTMDB` on 127.0.0.1 wherever a server is needed; an
``httpx.MockTransport`` where an answer must stall or trickle in a way no socket reproduces
exactly.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp  # noqa: F401  (imported here so its import time is no test's)
import httpx
import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion._backends import shared_ssl_context
from tmdbfusion.exceptions import APITimeoutError, ResponseTooLargeError
from tmdbfusion.testing import FakeTMDB, Fault

from .fakes import CountingBudget

API_KEY = "0123456789abcdef0123456789abcdef"


def pool_of(http: httpx.Client | httpx.AsyncClient) -> tuple[int, int]:
    transport: Any = http._transport  # httpx's own, holding httpcore's pool
    return transport._pool._max_connections, transport._pool._max_keepalive_connections


# --- defaults and what reaches the HTTP machinery ------------------------------------------


def test_the_sync_client_has_the_documented_defaults() -> None:
    with TMDBClient(api_key=API_KEY) as client:
        assert client._config.timeout == 30.0
        assert client._config.retry.max_retries == 3
        assert pool_of(client._http) == (100, 20)
        assert client._http.timeout == httpx.Timeout(30.0)


def test_the_async_client_has_the_documented_defaults_on_httpx() -> None:
    async def main() -> None:
        async with AsyncTMDBClient(api_key=API_KEY, http_backend="httpx") as client:
            assert isinstance(client._http, httpx.AsyncClient)
            assert client._config.timeout == 30.0
            assert client._config.retry.max_retries == 3
            assert pool_of(client._http) == (100, 20)
            assert client._http.timeout == httpx.Timeout(30.0)

    asyncio.run(main())


def test_the_async_client_has_the_documented_defaults_on_aiohttp() -> None:
    async def main() -> None:
        async with AsyncTMDBClient(api_key=API_KEY, http_backend="aiohttp") as client:
            sender = client._http
            assert not isinstance(sender, httpx.AsyncClient)
            assert sender._timeout.total == 30.0
            assert sender._max_connections == 100
            assert sender._ssl_context is shared_ssl_context()

    asyncio.run(main())


def test_the_given_timeout_and_pool_limits_reach_httpx() -> None:
    async def main() -> None:
        async with AsyncTMDBClient(
            api_key=API_KEY,
            http_backend="httpx",
            timeout=4.5,
            max_connections=7,
            max_keepalive_connections=3,
        ) as client:
            assert isinstance(client._http, httpx.AsyncClient)
            assert client._config.timeout == 4.5
            assert pool_of(client._http) == (7, 3)
            assert client._http.timeout == httpx.Timeout(4.5)

    asyncio.run(main())


def test_the_given_timeout_and_pool_limit_reach_aiohttp() -> None:
    async def main() -> None:
        async with FakeTMDB() as tmdb:
            client = tmdb.async_client(http_backend="aiohttp", timeout=4.5, max_connections=7)
            async with client:
                await client.movies.details(550)
                session = client._http._session  # type: ignore[union-attr]
                assert session is not None
                assert session.timeout.total == 4.5
                assert session.connector is not None and session.connector.limit == 7

    asyncio.run(main())


def test_an_async_client_refuses_a_sync_http_client_saying_what_to_use() -> None:
    with httpx.Client() as sync_http, pytest.raises(TypeError) as caught:
        AsyncTMDBClient(api_key=API_KEY, http_client=sync_http)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "http_client must be an httpx.AsyncClient; use TMDBClient with an httpx.Client"
    )


def test_aiohttp_together_with_an_http_client_is_refused_saying_to_drop_one() -> None:
    async def main() -> None:
        async with httpx.AsyncClient() as http:
            with pytest.raises(ValueError) as caught:
                AsyncTMDBClient(api_key=API_KEY, http_client=http, http_backend="aiohttp")
        assert str(caught.value) == (
            "http_backend='aiohttp' sends with aiohttp, not with the given http_client; "
            "drop one of them"
        )

    asyncio.run(main())


def test_asking_for_aiohttp_without_it_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("tmdbfusion._backends.aiohttp_installed", lambda: False)
    with pytest.raises(ImportError) as caught:
        AsyncTMDBClient(api_key=API_KEY, http_backend="aiohttp")
    assert str(caught.value) == (
        "http_backend='aiohttp' needs aiohttp: pip install 'tmdbfusion-sdk[aiohttp]'"
    )


# --- pacing and caching given to the async client ------------------------------------------


def test_a_pacing_budget_given_to_the_async_client_books_every_request() -> None:
    budget = CountingBudget()

    async def main() -> None:
        async with FakeTMDB() as tmdb, tmdb.async_client(pacing=budget) as client:
            await client.movies.details(550)
            await client.movies.details(551)

    asyncio.run(main())
    assert budget.reserved == 2


def test_a_cache_ttl_given_to_the_async_client_is_applied() -> None:
    async def main() -> int:
        async with FakeTMDB() as tmdb:
            # 0 s: nothing stays fresh, so the second call is sent again.
            async with tmdb.async_client(cache="memory", cache_ttl=0) as client:
                await client.movies.details(550)
                await client.movies.details(550)
            return len(tmdb.requests)

    assert asyncio.run(main()) == 2


# --- async paging -------------------------------------------------------------------------


def test_later_async_pages_repeat_the_path_and_the_query_with_only_the_page_changed() -> None:
    async def main() -> list[tuple[str, dict[str, str]]]:
        async with FakeTMDB(total_pages=2) as tmdb:
            async with tmdb.async_client() as client:
                pager = client.movies.similar(550, language="fr-FR")
                pages = [page async for page in pager.iter_pages()]
            assert [page.page for page in pages] == [1, 2]
            return [(r.path, dict(r.query)) for r in tmdb.requests]

    sent = asyncio.run(main())
    assert sent == [
        ("/3/movie/550/similar", {"language": "fr-FR", "api_key": "***"}),
        ("/3/movie/550/similar", {"language": "fr-FR", "page": "2", "api_key": "***"}),
    ]


def test_the_first_async_page_is_served_from_the_cache() -> None:
    async def main() -> int:
        async with FakeTMDB() as tmdb:
            async with tmdb.async_client(cache="memory") as client:
                first = await client.movies.similar(550)
                again = await client.movies.similar(550)
                assert again.results == first.results
            return len(tmdb.requests)

    assert asyncio.run(main()) == 1


# --- the async attempt: one deadline, streamed reads, the size limit -----------------------


def slow_answer(seconds: float) -> httpx.AsyncClient:
    async def answer(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(seconds)
        return httpx.Response(200, json={"id": 550}, request=request)

    # A mock transport has no per-read timeouts: only the whole-attempt deadline can stop it.
    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


def test_the_whole_async_attempt_is_bounded_by_the_timeout_with_the_exact_message() -> None:
    async def main() -> None:
        async with slow_answer(5.0) as http:
            client = AsyncTMDBClient(api_key=API_KEY, http_client=http, timeout=0.1, max_retries=0)
            async with client:
                started = time.monotonic()
                with pytest.raises(APITimeoutError) as caught:
                    await client.movies.details(550)
                assert time.monotonic() - started < 1.0
        assert str(caught.value) == (
            "Timed out waiting for TMDB: GET /3/movie/550 failed (ReadTimeout: the whole "
            "attempt took longer than timeout=0.1 s). Check your network, or give the client "
            "a larger timeout= (seconds)."
        )

    asyncio.run(main())


@pytest.mark.parametrize("backend", ["httpx", "aiohttp"])
def test_a_stalled_answer_times_out_on_either_backend(backend: str) -> None:
    async def main() -> None:
        async with FakeTMDB() as tmdb:
            tmdb.inject(Fault.stall(5.0))
            client = tmdb.async_client(http_backend=backend, timeout=0.1, max_retries=0)
            async with client:
                started = time.monotonic()
                with pytest.raises(APITimeoutError):
                    await client.movies.details(550)
                assert time.monotonic() - started < 1.0

    asyncio.run(main())


def test_an_async_httpx_answer_over_the_limit_fails_without_waiting_for_the_rest() -> None:
    async def trickle() -> AsyncIterator[bytes]:
        yield b"x" * 200
        await asyncio.sleep(5.0)  # the rest never comes in time
        yield b"x"

    async def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=trickle(), request=request)

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
            client = AsyncTMDBClient(
                api_key=API_KEY,
                http_client=http,
                timeout=1.0,
                max_retries=0,
                max_response_bytes=100,
            )
            async with client:
                started = time.monotonic()
                with pytest.raises(ResponseTooLargeError):
                    await client.movies.details(550)
                assert time.monotonic() - started < 0.5

    asyncio.run(main())


def test_the_aiohttp_backend_keeps_the_response_size_limit() -> None:
    async def main() -> None:
        async with FakeTMDB() as tmdb:
            client = tmdb.async_client(http_backend="aiohttp", max_response_bytes=50)
            async with client:
                with pytest.raises(ResponseTooLargeError):
                    await client.movies.details(550)

    asyncio.run(main())


# --- argument types: a bool is not a number, and the article follows the type's name -------


class MovieId(enum.IntEnum):
    FIGHT_CLUB = 550


class XLabel:
    def __repr__(self) -> str:
        return "x" * 50


def test_true_is_refused_where_an_int_is_wanted() -> None:
    with TMDBClient(api_key=API_KEY) as client, pytest.raises(TypeError) as caught:
        client.movies.details(True)
    assert str(caught.value) == (
        "movies.details() takes an int for movie_id; got the bool True; pass an int, e.g. 550"
    )


def test_true_is_refused_where_a_number_is_wanted() -> None:
    with TMDBClient(api_key=API_KEY) as client, pytest.raises(TypeError) as caught:
        client.discover.movie(vote_average_gte=True)
    assert str(caught.value) == (
        "discover.movie() takes a number for vote_average_gte; got the bool True; "
        "pass a number, e.g. 7.5"
    )


def test_an_int_subclass_is_accepted_where_an_int_or_a_number_is_wanted() -> None:
    with FakeTMDB() as tmdb, tmdb.client() as client:
        assert client.movies.details(MovieId.FIGHT_CLUB).id == 550
        client.discover.movie(vote_average_gte=MovieId.FIGHT_CLUB)
        assert [r.path for r in tmdb.requests] == ["/3/movie/550", "/3/discover/movie"]
        assert tmdb.requests[1].query["vote_average.gte"] == "550"


def test_the_article_is_an_before_a_lower_case_vowel_only() -> None:
    with TMDBClient(api_key=API_KEY) as client:
        with pytest.raises(TypeError) as secret:
            client.account.details(5, session_id=5)  # type: ignore[arg-type]
        with pytest.raises(TypeError) as long:
            client.movies.details(XLabel())  # type: ignore[arg-type]
    assert str(secret.value) == (
        "account.details() takes a str for session_id; got an int; pass a str"
    )
    assert str(long.value) == (
        "movies.details() takes an int for movie_id; got a XLabel of 50 characters; "
        "pass an int, e.g. 550"
    )


def test_the_shared_request_parts_never_show_the_credential_in_their_repr() -> None:
    with FakeTMDB() as tmdb, tmdb.client(api_key=API_KEY) as client:
        client.movies.details(550)
        defaults = client._request_defaults
        assert defaults is not None and API_KEY in defaults.auth_query
        assert repr(defaults) == "RequestDefaults(...)"
