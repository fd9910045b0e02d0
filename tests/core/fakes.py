"""TMDB-shaped response types, payloads and helpers shared by the core tests."""

from __future__ import annotations

import dataclasses
from typing import Any

import msgspec

from tmdbfusion import AsyncTMDBClient, TMDBClient

API = "https://api.themoviedb.org"
# Shaped like real credentials, but not real ones.
API_KEY = "3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b"
ACCESS_TOKEN = (
    "eyJhbGciOiJIUzI1NiJ9."
    "eyJhdWQiOiIzZmExYzBkZTliOGU0ZDJmIiwic2NvcGVzIjpbImFwaV9yZWFkIl19."
    "q8Xz4kP2mN7vB1cR5tY9wE3uI6oA0sD"
)


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


class VirtualTime:
    """A clock that moves only when a client "sleeps": waits are recorded, never taken.

    The client's pacing budget is rebuilt on this clock (with no jitter), so the waits a
    429 pause imposes show up exactly in ``sleeps``.
    """

    def __init__(self, sleeps: list[float]) -> None:
        self.now = 1_000.0
        self.sleeps = sleeps

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def install(self, client: TMDBClient | AsyncTMDBClient) -> None:
        from tmdbfusion._pacing import TokenBucket

        rate = getattr(client._pacing, "rate", None)
        client._pacing = TokenBucket(rate, clock=self.clock, random=lambda: 0.0)
        if isinstance(client, AsyncTMDBClient):
            client._sleep = self.async_sleep
        else:
            client._sleep = self.sleep


class CountingBudget:
    """A pacing budget of the caller's own that grants every slot at once and counts them."""

    def __init__(self) -> None:
        self.reserved = 0

    def reserve(self) -> float:
        self.reserved += 1
        return 0.0

    def pause(self, seconds: float) -> None:
        del seconds
