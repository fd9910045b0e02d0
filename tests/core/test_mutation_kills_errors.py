"""Error wording users read: several TMDB error texts are joined with semicolons."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import respx

from tmdbfusion import TMDBClient
from tmdbfusion.exceptions import BadRequestError

from .fakes import MovieDetails


def test_every_error_tmdb_lists_is_shown_in_order(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    api.get("/3/movie/550").respond(
        status_code=422,
        json={"errors": ["page must be less than or equal to 500", "language is invalid"]},
    )
    with pytest.raises(BadRequestError) as caught:
        make_client(max_retries=0)._request(
            "GET", "/3/movie/{movie_id}", path_params={"movie_id": 550}, cast_to=MovieDetails
        )
    assert str(caught.value) == (
        "Invalid request: GET /3/movie/550 returned HTTP 422 (TMDB: page must be less than or "
        "equal to 500; language is invalid). Check the arguments you passed."
    )
    assert caught.value.status_message == (
        "page must be less than or equal to 500; language is invalid"
    )
