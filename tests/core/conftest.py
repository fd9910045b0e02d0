"""Fixtures and TMDB-shaped types for the hand-written core's tests."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import msgspec
import pytest
import respx

from tmdbfusion import AsyncTMDBClient, TMDBClient

API = "https://api.themoviedb.org"
# Shaped like real credentials, but not real ones.
API_KEY = "3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b"
ACCESS_TOKEN = (
    "eyJhbGciOiJIUzI1NiJ9."
    "eyJhdWQiOiIzZmExYzBkZTliOGU0ZDJmIiwic2NvcGVzIjpbImFwaV9yZWFkIl19."
    "q8Xz4kP2mN7vB1cR5tY9wE3uI6oA0sD"
)

T = TypeVar("T")


class Genre(msgspec.Struct):
    id: int
    name: str


class MovieSummary(msgspec.Struct):
    id: int
    title: str
    poster_path: str | None = None


class MovieDetails(msgspec.Struct):
    id: int
    title: str
    runtime: int | None
    genres: list[Genre]
    poster_path: str | None = None


class MoviePage(msgspec.Struct):
    page: int
    results: list[MovieSummary]
    total_pages: int
    total_results: int


class DateRange(msgspec.Struct):
    maximum: str
    minimum: str


class NowPlayingPage(msgspec.Struct):
    page: int
    results: list[MovieSummary]
    total_pages: int
    total_results: int
    dates: DateRange


class StatusResponse(msgspec.Struct):
    success: bool
    status_code: int
    status_message: str


FIGHT_CLUB = {
    "id": 550,
    "title": "Fight Club",
    "runtime": 139,
    "genres": [{"id": 18, "name": "Drama"}],
    "poster_path": "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg",
}


def movie(movie_id: int) -> dict[str, Any]:
    """A TMDB movie list item."""
    return {"id": movie_id, "title": f"Movie {movie_id}", "poster_path": f"/{movie_id}.jpg"}


def page_json(
    page: int, *, per_page: int = 2, total_pages: int = 3, first_id: int | None = None
) -> dict[str, Any]:
    """A TMDB page: ``per_page`` movies with ids following on from earlier pages."""
    start = first_id if first_id is not None else (page - 1) * per_page + 1
    return {
        "page": page,
        "results": [movie(start + offset) for offset in range(per_page)],
        "total_pages": total_pages,
        "total_results": total_pages * per_page,
    }


def tune_retries(client: TMDBClient | AsyncTMDBClient, **changes: Any) -> None:
    """Replace fields of a client's retry policy (clock, random, ...)."""
    retry = dataclasses.replace(client._config.retry, **changes)
    client._config = dataclasses.replace(client._config, retry=retry)


def run(awaitable_factory: Callable[[], Awaitable[T]]) -> T:
    """Run an async test body to completion on a fresh event loop."""

    async def main() -> T:
        return await awaitable_factory()

    return asyncio.run(main())


@pytest.fixture(autouse=True)
def _no_tmdb_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's real credentials must never leak into (or change) a test.
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    monkeypatch.delenv("TMDB_ACCESS_TOKEN", raising=False)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """Mocked TMDB: every route must be called, and nothing unmocked may be."""
    with respx.mock(base_url=API, assert_all_called=True, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def sleeps() -> list[float]:
    """Waits requested by clients made with the ``make_client`` fixtures."""
    return []


@pytest.fixture
def make_client(sleeps: list[float]) -> Iterator[Callable[..., TMDBClient]]:
    """Build sync clients that record their waits instead of sleeping."""
    made: list[TMDBClient] = []

    def factory(*args: Any, **kwargs: Any) -> TMDBClient:
        if not args and "access_token" not in kwargs:
            kwargs.setdefault("api_key", API_KEY)
        client = TMDBClient(*args, **kwargs)
        client._sleep = sleeps.append
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., TMDBClient]) -> TMDBClient:
    """A sync client with an API key and recorded waits."""
    return make_client()


@pytest.fixture
def make_async_client(sleeps: list[float]) -> Callable[..., AsyncTMDBClient]:
    """Build async clients that record their waits instead of sleeping.

    Close them inside the test's event loop (``async with``).
    """

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    def factory(*args: Any, **kwargs: Any) -> AsyncTMDBClient:
        if not args and "access_token" not in kwargs:
            kwargs.setdefault("api_key", API_KEY)
        client = AsyncTMDBClient(*args, **kwargs)
        client._sleep = record
        return client

    return factory
