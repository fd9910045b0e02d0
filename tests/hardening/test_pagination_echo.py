"""Item 7: the next page number counts from the page asked for, not the server's echo."""

from __future__ import annotations

from typing import Any

from tmdbfusion.models import MovieSummary
from tmdbfusion.testing import FakeTMDB, sample_json

from .conftest import run_async


def always_page_one(tmdb: FakeTMDB) -> None:
    def answer(request: Any) -> Any:
        # A whole movie (its id, title and votes are always sent), numbered by the page asked for.
        item = sample_json(MovieSummary, seed=int(request.query.get("page", "1")))
        return {"page": 1, "results": [item], "total_pages": 5, "total_results": 5}

    tmdb.add_route("GET", "/3/movie/popular", answer)


def test_a_server_echoing_page_1_cannot_make_the_walk_endless(tmdb: FakeTMDB) -> None:
    always_page_one(tmdb)
    with tmdb.client() as client:
        ids = [movie.id for movie in client.movies.popular()]
        assert ids == [1, 2, 3, 4, 5]
        assert [m.id for m in client.movies.popular(page=4)] == [4, 5]
    assert [r.query.get("page", "1") for r in tmdb.requests][:5] == ["1", "2", "3", "4", "5"]


def test_async_a_server_echoing_page_1_cannot_make_the_walk_endless(tmdb: FakeTMDB) -> None:
    always_page_one(tmdb)

    async def main() -> list[int]:
        async with tmdb.async_client() as client:
            return [movie.id async for movie in client.movies.popular(page=2)]

    assert run_async(main()) == [2, 3, 4, 5]
