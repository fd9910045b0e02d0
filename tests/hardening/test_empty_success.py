"""Item 9: a 204 or an empty 2xx answer to a write is a success value."""

from __future__ import annotations

import pytest

from tmdbfusion.exceptions import ResponseValidationError
from tmdbfusion.testing import FakeResponse, FakeTMDB

from .conftest import run_async

SESSION = "c2d7f0e1a9b84c3d5e6f7a8b9c0d1e2f3a4b5c6d"
RATING = "/3/movie/{movie_id}/rating"


@pytest.mark.parametrize("status", [200, 201, 204])
def test_an_empty_answer_to_a_write_is_a_success(tmdb: FakeTMDB, status: int) -> None:
    tmdb.add_route("POST", RATING, FakeResponse(status=status, content=b""))
    tmdb.add_route("DELETE", RATING, FakeResponse(status=status, content=b""))
    with tmdb.client() as client:
        assert client.movies.add_rating(550, value=8.0, session_id=SESSION).success is True
        assert client.movies.delete_rating(550, session_id=SESSION).success is True

    async def main() -> None:
        async with tmdb.async_client() as client:
            result = await client.movies.add_rating(550, value=8.0, session_id=SESSION)
            assert result.success is True

    run_async(main())


def test_an_empty_answer_to_a_read_is_still_an_error(tmdb: FakeTMDB) -> None:
    tmdb.add_route("GET", "/3/movie/{movie_id}", FakeResponse(status=200, content=b""))
    with tmdb.client() as client, pytest.raises(ResponseValidationError, match="empty body"):
        client.movies.details(550)

    async def main() -> None:
        async with tmdb.async_client() as client:
            with pytest.raises(ResponseValidationError, match="empty body"):
                await client.movies.details(550)

    run_async(main())
