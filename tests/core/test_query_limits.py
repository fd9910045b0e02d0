"""TMDB's 20-item cap belongs to append_to_response alone; long lists elsewhere go out whole."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import respx

from tmdbfusion import TMDBClient
from tmdbfusion._config import make_config
from tmdbfusion._params import serialize_query

from .fakes import API_KEY, MoviePage, page_json

CONFIG = make_config(
    None,
    api_key=API_KEY,
    access_token=None,
    base_url="https://api.themoviedb.org",
    language=None,
    region=None,
    timeout=30.0,
    max_retries=0,
    environ={},
)

GENRES = list(range(1, 22))  # 21 genre ids


def test_21_genres_are_sent_whole() -> None:
    params = serialize_query({"with_genres": GENRES}, config=CONFIG, choices=None)
    assert params == [("with_genres", ",".join(map(str, GENRES)))]


def test_a_search_text_with_many_commas_is_sent_as_is() -> None:
    text = ",".join(["a"] * 30)
    assert serialize_query({"query": text}, config=CONFIG, choices=None) == [("query", text)]


def test_20_appended_responses_pass_and_21_are_refused_with_the_count() -> None:
    twenty = [f"extra_{n}" for n in range(20)]
    params = serialize_query({"append_to_response": twenty}, config=CONFIG, choices=None)
    assert params == [("append_to_response", ",".join(twenty))]
    with pytest.raises(ValueError) as refused:
        serialize_query({"append_to_response": [*twenty, "extra_20"]}, config=CONFIG, choices=None)
    assert str(refused.value) == "append_to_response takes at most 20 items; got 21"


def test_a_discover_call_with_21_genres_reaches_tmdb(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    route = api.get("/3/discover/movie").respond(json=page_json(1))
    make_client(max_retries=0)._request_page(
        "GET", "/3/discover/movie", query={"with_genres": GENRES}, cast_to=MoviePage
    )
    assert route.calls.last.request.url.params["with_genres"] == ",".join(map(str, GENRES))
