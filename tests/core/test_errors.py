"""Mapping failed responses and transport failures onto the exception tree."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
import respx

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TMDBError,
)

from .fakes import MovieDetails


def get_movie(client: TMDBClient, movie_id: int = 550) -> MovieDetails:
    return client._request(
        "GET", "/3/movie/{movie_id}", path_params={"movie_id": movie_id}, cast_to=MovieDetails
    )


STATUS_CASES = [
    (400, BadRequestError, 5, "Invalid parameters: Your request parameters are incorrect."),
    (401, AuthenticationError, 7, "Invalid API key: You must be granted a valid key."),
    (403, PermissionDeniedError, 3, "Authentication failed: You do not have permissions."),
    (404, NotFoundError, 34, "The resource you requested could not be found."),
    (405, APIError, 13, "This method is not supported."),
    (422, BadRequestError, 22, "Invalid page: Pages start at 1 and max at 500."),
    (429, RateLimitError, 25, "Your request count (41) is over the allowed limit of 40."),
    (500, ServerError, 11, "Internal error: Something went wrong, contact TMDB."),
    (501, ServerError, 24, "This request is not implemented."),
    (502, ServerError, 43, "Couldn't connect to the backend server."),
    (503, ServerError, 9, "Service offline: This service is temporarily offline, try again later."),
    (504, ServerError, 24, "Your request to the backend server timed out. Try again."),
]


@pytest.mark.parametrize(("status", "error_class", "code", "tmdb_message"), STATUS_CASES)
def test_each_status_raises_its_exception_with_tmdbs_message(
    api: respx.MockRouter,
    make_client: Callable[..., TMDBClient],
    status: int,
    error_class: type[APIError],
    code: int,
    tmdb_message: str,
) -> None:
    api.get("/3/movie/550").respond(
        status_code=status,
        json={"success": False, "status_code": code, "status_message": tmdb_message},
    )
    with pytest.raises(error_class) as caught:
        get_movie(make_client(max_retries=0))
    error = caught.value
    assert type(error) is error_class
    assert isinstance(error, TMDBError)
    assert error.http_status == status
    assert error.tmdb_status_code == code
    assert error.status_message == tmdb_message
    assert error.method == "GET"
    assert error.path == "/3/movie/550"
    assert f"GET /3/movie/550 returned HTTP {status} (TMDB code {code}: {tmdb_message})" in str(
        error
    )


@pytest.mark.parametrize(
    ("status", "advice"),
    [
        (401, "Check your API key or read access token"),
        (404, "Check that the id or path exists on TMDB"),
        (429, "Send fewer requests per second, or raise max_retries"),
        (503, "try again later"),
    ],
)
def test_messages_say_what_to_do(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient], status: int, advice: str
) -> None:
    api.get("/3/movie/550").respond(status_code=status, json={"status_code": 1})
    with pytest.raises(APIError, match=advice):
        get_movie(make_client(max_retries=0))


def test_rate_limit_error_carries_the_requested_wait(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    api.get("/3/movie/550").respond(
        status_code=429, headers={"Retry-After": "12"}, json={"status_code": 25}
    )
    with pytest.raises(RateLimitError) as caught:
        get_movie(make_client(max_retries=0))
    assert caught.value.retry_after == 12.0
    assert caught.value.status_message is None


def test_rate_limit_error_without_a_hint(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    api.get("/3/movie/550").respond(status_code=429, text="slow down")
    with pytest.raises(RateLimitError) as caught:
        get_movie(make_client(max_retries=0))
    assert caught.value.retry_after is None
    assert caught.value.tmdb_status_code is None


def test_validation_errors_list_is_used_when_there_is_no_status_message(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    api.get("/3/movie/550").respond(
        status_code=422,
        json={"success": False, "errors": ["page must be less than or equal to 500"]},
    )
    with pytest.raises(BadRequestError) as caught:
        get_movie(make_client(max_retries=0))
    assert caught.value.status_message == "page must be less than or equal to 500"
    assert caught.value.tmdb_status_code is None
    assert "(TMDB: page must be less than or equal to 500)" in str(caught.value)


def test_an_html_error_page_still_maps_by_status(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    api.get("/3/movie/550").respond(
        status_code=502,
        headers={"content-type": "text/html"},
        text="<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
    with pytest.raises(ServerError) as caught:
        get_movie(make_client(max_retries=0))
    assert caught.value.http_status == 502
    assert caught.value.status_message is None
    assert str(caught.value).startswith(
        "TMDB server error: GET /3/movie/550 returned HTTP 502. This is on TMDB's side"
    )


@pytest.mark.parametrize(
    ("failure", "error_class"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), APIConnectionError),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            APIConnectionError,
        ),
        (httpx.ReadError("[Errno 104] Connection reset by peer"), APIConnectionError),
        (httpx.ConnectTimeout("timed out"), APITimeoutError),
        (httpx.ReadTimeout("The read operation timed out"), APITimeoutError),
        (httpx.PoolTimeout("no connection available"), APITimeoutError),
    ],
)
def test_transport_failures_are_retried_then_raised(
    api: respx.MockRouter,
    client: TMDBClient,
    sleeps: list[float],
    failure: httpx.TransportError,
    error_class: type[APIError],
) -> None:
    route = api.get("/3/movie/550").mock(side_effect=failure)
    with pytest.raises(error_class) as caught:
        get_movie(client)
    assert route.call_count == 4
    assert len(sleeps) == 3
    error = caught.value
    assert isinstance(error, ServerError)
    assert error.__cause__ is failure
    assert error.http_status is None
    assert error.tmdb_status_code is None
    assert error.path == "/3/movie/550"
    assert f"({type(failure).__name__}: {failure})" in str(error)
    assert "after 4 attempts" in str(error)


def test_a_failure_that_would_repeat_is_not_retried(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float]
) -> None:
    failure = httpx.DecodingError("Error -3 while decompressing data")
    route = api.get("/3/movie/550").mock(side_effect=failure)
    with pytest.raises(APIConnectionError) as caught:
        get_movie(client)
    assert route.call_count == 1
    assert sleeps == []
    assert caught.value.__cause__ is failure
    assert "attempts" not in str(caught.value)


def test_async_failures_map_the_same_way(
    api: respx.MockRouter, make_async_client: Callable[..., AsyncTMDBClient], sleeps: list[float]
) -> None:
    api.get("/3/movie/550").respond(status_code=404, json={"status_code": 34})
    route = api.get("/3/movie/551").mock(side_effect=httpx.ConnectTimeout("timed out"))

    async def main() -> None:
        async with make_async_client(max_retries=1) as client:
            with pytest.raises(NotFoundError):
                await client._request(
                    "GET", "/3/movie/{id}", path_params={"id": 550}, cast_to=MovieDetails
                )
            with pytest.raises(APITimeoutError):
                await client._request(
                    "GET", "/3/movie/{id}", path_params={"id": 551}, cast_to=MovieDetails
                )

    asyncio.run(main())
    assert route.call_count == 2
    assert len(sleeps) == 1
