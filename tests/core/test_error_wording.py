"""Exact messages users read when TMDB fails or cannot be reached: the message is the product."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import respx

from tmdbfusion import TMDBClient
from tmdbfusion.exceptions import APIConnectionError, APIError, APITimeoutError, NotFoundError

from .fakes import MovieDetails


def raising(failure: Exception) -> Callable[[httpx.Request], httpx.Response]:
    """A side effect raising ``failure`` as it is (respx fills in empty messages otherwise)."""

    def fail(request: httpx.Request) -> httpx.Response:
        raise failure

    return fail


def get_movie(client: TMDBClient) -> MovieDetails:
    return client._request(
        "GET", "/3/movie/{movie_id}", path_params={"movie_id": 550}, cast_to=MovieDetails
    )


@pytest.mark.parametrize(
    ("body", "tmdb_part", "code", "status_message"),
    [
        ({"success": False, "status_code": 34}, " (TMDB code 34)", 34, None),
        ({"status_message": "Gone fishing."}, " (TMDB: Gone fishing.)", None, "Gone fishing."),
        (
            {"errors": ["page must be less than or equal to 500"]},
            " (TMDB: page must be less than or equal to 500)",
            None,
            "page must be less than or equal to 500",
        ),
        ({"status_code": 34, "status_message": ""}, " (TMDB code 34)", 34, ""),
        ({}, "", None, None),
    ],
    ids=["code only", "message only", "errors list", "empty message", "empty body"],
)
def test_a_404_says_what_tmdb_said_and_nothing_it_did_not(
    api: respx.MockRouter,
    make_client: Callable[..., TMDBClient],
    body: dict[str, object],
    tmdb_part: str,
    code: int | None,
    status_message: str | None,
) -> None:
    api.get("/3/movie/550").respond(status_code=404, json=body)
    with pytest.raises(NotFoundError) as caught:
        get_movie(make_client(max_retries=0))
    assert str(caught.value) == (
        f"Not found: GET /3/movie/550 returned HTTP 404{tmdb_part}. "
        "Check that the id or path exists on TMDB."
    )
    assert caught.value.tmdb_status_code == code
    assert caught.value.status_message == status_message


def test_an_unexpected_status_after_retries(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    api.post("/3/movie/550/rating").respond(status_code=409, json={"status_code": 8})
    with pytest.raises(APIError) as caught:
        make_client(max_retries=0)._request(
            "POST", "/3/movie/550/rating", body={"value": 8.5}, cast_to=MovieDetails
        )
    assert type(caught.value) is APIError
    assert str(caught.value) == (
        "Unexpected response: POST /3/movie/550/rating returned HTTP 409 (TMDB code 8). "
        "See TMDB's status message for details."
    )
    assert (caught.value.method, caught.value.path) == ("POST", "/3/movie/550/rating")


@pytest.mark.parametrize(
    ("failure", "error_class", "message"),
    [
        (
            httpx.ConnectError("[Errno 111] Connection refused"),
            APIConnectionError,
            "Could not talk to TMDB: GET /3/movie/550 failed (ConnectError: [Errno 111] "
            "Connection refused) after 3 attempts. Check your network connection and the "
            "client's base_url.",
        ),
        (
            httpx.ReadTimeout("The read operation timed out"),
            APITimeoutError,
            "Timed out waiting for TMDB: GET /3/movie/550 failed (ReadTimeout: The read "
            "operation timed out) after 3 attempts. "
            "Check your network, or give the client a larger timeout= (seconds).",
        ),
    ],
    ids=["connect", "timeout"],
)
def test_transport_errors_name_the_request_and_what_to_do(
    api: respx.MockRouter,
    make_client: Callable[..., TMDBClient],
    failure: httpx.TransportError,
    error_class: type[APIError],
    message: str,
) -> None:
    api.get("/3/movie/550").mock(side_effect=raising(failure))
    with pytest.raises(error_class) as caught:
        get_movie(make_client(max_retries=2))
    error = caught.value
    assert str(error) == message
    assert (error.method, error.path) == ("GET", "/3/movie/550")
    assert (error.http_status, error.tmdb_status_code, error.status_message) == (None, None, None)


def test_one_attempt_says_no_attempt_count(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    api.get("/3/movie/550").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as caught:
        get_movie(make_client(max_retries=0))
    assert str(caught.value) == (
        "Could not talk to TMDB: GET /3/movie/550 failed (ConnectError: refused). "
        "Check your network connection and the client's base_url."
    )
