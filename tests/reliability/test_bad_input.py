"""Mistakes in the arguments are refused with a clear error before anything is sent.

Each case calls a generated method, sync and async, against the fake server and checks the
exception, its message, and that the server received no request at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.testing import FakeTMDB

from .conftest import run_async

# (namespace, method, positional arguments, keyword arguments, error, message pattern)
Case = tuple[str, str, tuple[Any, ...], dict[str, Any], type[Exception], str]

CASES: dict[str, Case] = {
    "id as float": (
        "movies",
        "details",
        (550.0,),
        {},
        TypeError,
        r"movies\.details\(\) takes an int for movie_id; got the float 550\.0; pass 550",
    ),
    "id as None": ("movies", "details", (None,), {}, TypeError, "movie_id is required"),
    "id as bool": (
        "tv",
        "details",
        (True,),
        {},
        TypeError,
        "takes an int for series_id; got the bool True",
    ),
    "id as list": ("people", "details", ([287],), {}, TypeError, r"got the list \[287\]"),
    "negative id": ("movies", "details", (-550,), {}, ValueError, "must be 0 or more; got -550"),
    "blank id": (
        "find",
        "by_id",
        ("  ",),
        {"external_source": "imdb_id"},
        ValueError,
        "non-empty str",
    ),
    "page 0": ("movies", "popular", (), {"page": 0}, ValueError, "page must be from 1 to 500"),
    "negative page": ("search", "movie", (), {"query": "Alien", "page": -3}, ValueError, "-3"),
    "page 501": ("tv", "top_rated", (), {"page": 501}, ValueError, "TMDB's limit.; got 501"),
    "page as str": ("movies", "popular", (), {"page": "2"}, TypeError, "takes an int for page"),
    "page of changes": ("movies", "changes", (550,), {"page": 0}, ValueError, "page must be"),
    "unknown append": (
        "movies",
        "details",
        (550,),
        {"append_to_response": ["credits", "trailers"]},
        ValueError,
        "append_to_response must be one of: account_states, alternative_titles, changes, "
        "credits, .*; got 'trailers'",
    ),
    "append as one string": (
        "movies",
        "details",
        (550,),
        {"append_to_response": "credits,videos"},
        ValueError,
        r"got 'credits,videos'; pass several as a list: \['credits', 'videos'\]",
    ),
    "empty search": ("search", "movie", (), {"query": ""}, ValueError, "must contain something"),
    "blank search": ("search", "multi", (), {"query": " \t"}, ValueError, "must contain"),
    "search as None": ("search", "tv", (), {"query": None}, ValueError, "query .* is required"),
    "unknown sort": (
        "discover",
        "movie",
        (),
        {"sort_by": "rating.desc"},
        ValueError,
        "sort_by must be one of: .*popularity.desc.*; got 'rating.desc'",
    ),
    "unknown source": (
        "find",
        "by_id",
        ("tt0137523",),
        {"external_source": "imdb"},
        ValueError,
        "external_source must be one of: facebook_id, imdb_id, .*; got 'imdb'",
    ),
    "unknown time window": (
        "trending",
        "movies",
        ("month",),
        {},
        ValueError,
        "time_window must be one of: day, week; got 'month'",
    ),
    "datetime for a date": (
        "movies",
        "changes",
        (550,),
        {"start_date": datetime.datetime(2024, 5, 17, 12, 0)},
        TypeError,
        r"takes a datetime.date, not a datetime; pass value.date\(\)",
    ),
    "dict for a number": (
        "discover",
        "movie",
        (),
        {"vote_average_gte": {"min": 7}},
        TypeError,
        "takes a number for vote_average_gte; got the dict",
    ),
    "not a number": (
        "discover",
        "tv",
        (),
        {"vote_average_gte": float("nan")},
        ValueError,
        "must be a finite number",
    ),
    "lone surrogate": (
        "search",
        "movie",
        (),
        {"query": "Am\udce9lie"},
        ValueError,
        "query parameter query contains '.udce9', a lone surrogate",
    ),
}


@pytest.fixture(params=list(CASES), ids=list(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]


# One server and one client of each kind for the whole module: no case may send anything, so
# nothing carries over from one test to the next but the (checked) empty request log.
@pytest.fixture(scope="module")
def server() -> Iterator[FakeTMDB]:
    with FakeTMDB() as tmdb:
        yield tmdb


@pytest.fixture(scope="module")
def client(server: FakeTMDB) -> Iterator[TMDBClient]:
    with server.client() as sync_client:
        yield sync_client


@pytest.fixture(scope="module")
def async_client(server: FakeTMDB) -> Iterator[AsyncTMDBClient]:
    # It never sends, so no connection ties it to one test's event loop.
    unused = server.async_client()
    yield unused
    run_async(unused.aclose())


@pytest.fixture
def tmdb(server: FakeTMDB) -> FakeTMDB:
    server.reset()
    return server


def test_bad_arguments_are_refused_before_sending(
    case: Case, tmdb: FakeTMDB, client: TMDBClient
) -> None:
    namespace, method, args, kwargs, error, message = case
    function = getattr(getattr(client, namespace), method)
    with pytest.raises(error, match=message):
        function(*args, **kwargs)
    assert tmdb.requests == []


def test_bad_arguments_are_refused_before_sending_async(
    case: Case, tmdb: FakeTMDB, async_client: AsyncTMDBClient
) -> None:
    namespace, method, args, kwargs, error, message = case
    function = getattr(getattr(async_client, namespace), method)

    async def main() -> None:
        with pytest.raises(error, match=message):
            # List methods refuse when called, the others when awaited.
            await function(*args, **kwargs)

    run_async(main())
    assert tmdb.requests == []


def test_valid_edge_values_are_sent(tmdb: FakeTMDB, client: TMDBClient) -> None:
    client.movies.popular(page=500)
    client.movies.details(0, append_to_response=["credits", "watch/providers"])
    client.trending.movies("week")
    client.find.by_id("tt0137523", external_source="imdb_id")
    client.search.movie(query=" Amélie ")
    sent = [(request.path, dict(request.query)) for request in tmdb.requests]
    assert sent == [
        ("/3/movie/popular", {"page": "500", "api_key": "***"}),
        (
            "/3/movie/0",
            {"append_to_response": "credits,watch/providers", "api_key": "***"},
        ),
        ("/3/trending/movie/week", {"api_key": "***"}),
        ("/3/find/tt0137523", {"external_source": "imdb_id", "api_key": "***"}),
        ("/3/search/movie", {"query": " Amélie ", "api_key": "***"}),
    ]
