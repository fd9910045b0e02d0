"""Building requests: paths, query serialization, argument checks, body and headers."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

import tmdbfusion
from tmdbfusion import TMDBClient
from tmdbfusion._config import ClientConfig, make_config
from tmdbfusion._params import render_path, serialize_query

from .fakes import API_KEY, FIGHT_CLUB, MovieDetails, MoviePage, StatusResponse, page_json

SORT_CHOICES = {"sort_by": ("popularity.asc", "popularity.desc", "vote_average.desc")}


class Kind(enum.Enum):
    MOVIE = "movie"


def config(**overrides: Any) -> ClientConfig:
    options: dict[str, Any] = {
        "api_key": API_KEY,
        "access_token": None,
        "base_url": "https://api.themoviedb.org",
        "language": None,
        "region": None,
        "timeout": 30.0,
        "max_retries": 3,
        "environ": {},
        **overrides,
    }
    return make_config(None, **options)


def test_query_values_are_serialized_the_way_tmdb_reads_them() -> None:
    params = serialize_query(
        {
            "include_adult": False,
            "include_video": True,
            "page": 2,
            "vote_average.gte": 7.5,
            "vote_average.lte": 1e-05,
            "with_runtime.gte": 9.0e16,
            "primary_release_date.gte": date(1999, 10, 15),
            "with_genres": [18, 53],
            "with_keywords": ("825", "9826"),
            "with_cast": [],
            "media": Kind.MOVIE,
            "year": None,
            "certification_country": "US",
        },
        config=config(),
        choices=None,
    )
    assert params == [
        ("include_adult", "false"),
        ("include_video", "true"),
        ("page", "2"),
        ("vote_average.gte", "7.5"),
        ("vote_average.lte", "0.00001"),
        ("with_runtime.gte", "90000000000000000"),
        ("primary_release_date.gte", "1999-10-15"),
        ("with_genres", "18,53"),
        ("with_keywords", "825,9826"),
        ("media", "movie"),
        ("certification_country", "US"),
    ]


def test_language_and_region_defaults_fill_only_parameters_left_as_none() -> None:
    defaults = config(language="de-DE", region="DE")
    assert serialize_query({"language": None, "region": None}, config=defaults, choices=None) == [
        ("language", "de-DE"),
        ("region", "DE"),
    ]
    assert serialize_query(
        {"language": "fr-FR", "region": "FR"}, config=defaults, choices=None
    ) == [("language", "fr-FR"), ("region", "FR")]
    # An endpoint without the parameter must not get one.
    assert serialize_query({"page": 1}, config=defaults, choices=None) == [("page", "1")]
    # Without client defaults, None stays out: TMDB's own defaults apply.
    assert serialize_query({"language": None}, config=config(), choices=None) == []


def test_a_discover_request_on_the_wire(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    route = api.get("/3/discover/movie").respond(json=page_json(1))
    client = make_client(language="en-US")
    client._request(
        "get",
        "/3/discover/movie",
        query={
            "language": None,
            "sort_by": "popularity.desc",
            "with_genres": [18, 53],
            "include_adult": False,
            "region": None,
            "year": None,
        },
        cast_to=MoviePage,
        choices=SORT_CHOICES,
    )
    request = route.calls.last.request
    assert request.method == "GET"
    assert list(request.url.params.multi_items()) == [
        ("language", "en-US"),
        ("sort_by", "popularity.desc"),
        ("with_genres", "18,53"),
        ("include_adult", "false"),
        ("api_key", API_KEY),
    ]


def test_standard_headers(api: respx.MockRouter, client: TMDBClient) -> None:
    route = api.get("/3/movie/550").respond(json=FIGHT_CLUB)
    client._request(
        "GET", "/3/movie/{movie_id}", path_params={"movie_id": 550}, cast_to=MovieDetails
    )
    request = route.calls.last.request
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"] == f"tmdbfusion/{tmdbfusion.__version__}"
    assert request.headers["user-agent"] == "tmdbfusion/0.2.0"
    assert "content-type" not in request.headers
    assert request.content == b""
    assert request.extensions["timeout"] == httpx.Timeout(30.0).as_dict()


def test_a_body_is_sent_as_json_without_none_fields(
    api: respx.MockRouter, client: TMDBClient
) -> None:
    route = api.post("/3/movie/550/rating").respond(
        status_code=201,
        json={"success": True, "status_code": 1, "status_message": "Success."},
    )
    result = client._request(
        "POST",
        "/3/movie/{movie_id}/rating",
        path_params={"movie_id": 550},
        query={"session_id": None},
        body={"value": 8.5, "note": None},
        cast_to=StatusResponse,
    )
    assert result.status_code == 1
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"value": 8.5}


def test_an_empty_body_mapping_still_sends_an_object(
    api: respx.MockRouter, client: TMDBClient
) -> None:
    route = api.post("/3/list/8291/clear").respond(
        json={"success": True, "status_code": 12, "status_message": "The item was updated."}
    )
    client._request(
        "POST",
        "/3/list/{list_id}/clear",
        path_params={"list_id": 8291},
        body={"confirm": None},
        cast_to=StatusResponse,
    )
    assert route.calls.last.request.content == b"{}"


def test_a_body_field_that_cannot_be_json_is_named(
    api: respx.MockRouter, client: TMDBClient
) -> None:
    with pytest.raises(TypeError, match="body field value cannot be sent as JSON: object"):
        client._request(
            "POST",
            "/3/movie/{movie_id}/rating",
            path_params={"movie_id": 550},
            body={"value": object()},
            cast_to=StatusResponse,
        )
    assert not api.calls


def test_string_path_parameters_are_percent_encoded(
    api: respx.MockRouter, client: TMDBClient
) -> None:
    route = api.get(url__regex=r"/3/find/").respond(json={"movie_results": []})
    client._request(
        "GET",
        "/3/find/{external_id}",
        path_params={"external_id": "tt 0137/523"},
        query={"external_source": "imdb_id"},
        cast_to=dict[str, list[MovieDetails]],
    )
    assert route.calls.last.request.url.raw_path.startswith(b"/3/find/tt%200137%2F523?")


@pytest.mark.slow
@given(st.text(min_size=1).filter(str.strip))
def test_any_non_blank_text_survives_a_path_round_trip(value: str) -> None:
    path, _ = render_path("/3/keyword/{keyword_id}", {"keyword_id": value})
    segment = path.removeprefix("/3/keyword/")
    assert "/" not in segment
    assert unquote(segment) == value


@given(st.integers(min_value=0))
def test_any_non_negative_int_is_a_path_parameter(value: int) -> None:
    assert render_path("/3/movie/{movie_id}", {"movie_id": value})[0] == f"/3/movie/{value}"


BAD_ARGUMENTS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"path_params": {"movie_id": -1}}, ValueError, "movie_id must be 0 or more; got -1"),
    ({"path_params": {"movie_id": True}}, TypeError, "movie_id must be an int or a str; got bool"),
    ({"path_params": {"movie_id": 5.5}}, TypeError, "movie_id must be an int or a str; got float"),
    ({"path_params": {"movie_id": " "}}, ValueError, "movie_id must be a non-empty str"),
    ({"path_params": {"movie_id": None}}, TypeError, "path parameter movie_id is required"),
    ({"path_params": {}}, TypeError, "path parameter movie_id is required"),
    (
        {"path_params": {"movie_id": 550, "tv_id": 1399}},
        TypeError,
        r"/3/movie/\{movie_id\} has no path parameter\(s\) tv_id",
    ),
    ({"query": {"page": 0}}, ValueError, "page must be from 1 to 500 .TMDB's limit.; got 0"),
    ({"query": {"page": 501}}, ValueError, "page must be from 1 to 500"),
    ({"query": {"page": "2"}}, TypeError, "page must be an int from 1 to 500; got str"),
    ({"query": {"page": True}}, TypeError, "page must be an int from 1 to 500; got bool"),
    (
        {"query": {"append_to_response": [f"extra_{n}" for n in range(21)]}},
        ValueError,
        "append_to_response takes at most 20 items; got 21",
    ),
    (
        {"query": {"append_to_response": ",".join(["credits"] * 21)}},
        ValueError,
        "append_to_response takes at most 20 items; got 21",
    ),
    (
        {"query": {"sort_by": "rating.desc"}},
        ValueError,
        "sort_by must be one of: popularity.asc, popularity.desc, vote_average.desc; "
        "got 'rating.desc'",
    ),
    (
        {"query": {"sort_by": ["popularity.desc", "title.asc"]}},
        ValueError,
        "sort_by must be one of: .*; got 'title.asc'",
    ),
    ({"query": {"query": "   "}}, ValueError, "query .the text to search for. must contain"),
    ({"query": {"query": None}}, ValueError, "query .the text to search for. is required"),
    ({"query": {"query": 42}}, TypeError, "query .the text to search for. must be a str; got int"),
    (
        {"query": {"with_genres": {"id": 18}}},
        TypeError,
        "query parameter with_genres must be a str, int, float, bool or datetime.date, "
        "or a list or tuple of those; got dict",
    ),
    ({"query": {"with_genres": {18, 53}}}, TypeError, "got set"),
    ({"query": {"with_genres": [18, None]}}, TypeError, "got NoneType"),
    (
        {"query": {"primary_release_date.gte": datetime(1999, 10, 15, 12)}},
        TypeError,
        r"takes a datetime.date, not a datetime; pass value.date\(\)",
    ),
    ({"query": {"vote_average.gte": float("nan")}}, ValueError, "must be a finite number"),
    ({"query": {1: "x"}}, TypeError, "query parameter names must be str; got int"),
]


@pytest.mark.parametrize(("arguments", "error", "message"), BAD_ARGUMENTS)
def test_bad_arguments_are_refused_before_anything_is_sent(
    api: respx.MockRouter,
    client: TMDBClient,
    arguments: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    arguments = {"path_params": {"movie_id": 550}, **arguments}
    with pytest.raises(error, match=message):
        client._request(
            "GET", "/3/movie/{movie_id}", cast_to=MovieDetails, choices=SORT_CHOICES, **arguments
        )
    with pytest.raises(error, match=message):
        client._request_page(
            "GET", "/3/movie/{movie_id}", cast_to=MoviePage, choices=SORT_CHOICES, **arguments
        )
    assert not api.calls


def test_valid_edge_values_pass(api: respx.MockRouter, client: TMDBClient) -> None:
    route = api.get("/3/movie/0").respond(json=FIGHT_CLUB | {"id": 0})
    client._request(
        "GET",
        "/3/movie/{movie_id}",
        path_params={"movie_id": 0},
        query={
            "page": 500,
            "append_to_response": [f"extra_{n}" for n in range(20)],
            "sort_by": ["popularity.asc", "vote_average.desc"],
            "query": " Fight Club ",
        },
        cast_to=MovieDetails,
        choices=SORT_CHOICES,
    )
    params = route.calls.last.request.url.params
    assert params["page"] == "500"
    assert params["sort_by"] == "popularity.asc,vote_average.desc"
    assert params["query"] == " Fight Club "
