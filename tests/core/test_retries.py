"""Retry counts and exact waits; clients record waits instead of sleeping."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

import httpx
import pytest
import respx

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion._retry import RetryPolicy, backoff_wait, server_requested_wait
from tmdbfusion.exceptions import NotFoundError, RateLimitError, ServerError

from .fakes import FIGHT_CLUB, MovieDetails, tune_retries

# Wed, 21 Oct 2015 07:28:00 GMT, as a Unix timestamp.
SERVER_NOW = 1445412480.0
SERVER_DATE = "Wed, 21 Oct 2015 07:28:00 GMT"


def get_movie(client: TMDBClient) -> MovieDetails:
    return client._request(
        "GET", "/3/movie/{movie_id}", path_params={"movie_id": 550}, cast_to=MovieDetails
    )


def rate_limited(**headers: str) -> httpx.Response:
    return httpx.Response(
        429,
        headers=headers,
        json={"success": False, "status_code": 25, "status_message": "Too many requests."},
    )


def test_a_transient_failure_is_retried_after_a_backoff(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float]
) -> None:
    tune_retries(client, random=lambda: 0.5)
    route = api.get("/3/movie/550").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=FIGHT_CLUB)]
    )
    assert get_movie(client).id == 550
    assert route.call_count == 2
    assert sleeps == [0.25]


def test_backoff_doubles_up_to_its_cap(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient], sleeps: list[float]
) -> None:
    client = make_client(max_retries=6)
    tune_retries(client, random=lambda: 1.0)
    route = api.get("/3/movie/550").respond(status_code=500)
    with pytest.raises(ServerError) as caught:
        get_movie(client)
    assert route.call_count == 7
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert "after 7 attempts" in str(caught.value)


def test_backoff_waits_stay_within_their_bounds() -> None:
    policy = RetryPolicy(random=random.Random(550).random)
    for attempt in range(1, 200):
        ceiling = min(8.0, 0.5 * 2 ** (attempt - 1))
        waits = [backoff_wait(policy, attempt) for _ in range(50)]
        assert all(0.0 <= wait <= ceiling for wait in waits)
    assert backoff_wait(RetryPolicy(random=lambda: 0.0), 3) == 0.0


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_every_retryable_status_is_retried(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float], status: int
) -> None:
    route = api.get("/3/movie/550").mock(
        side_effect=[httpx.Response(status), httpx.Response(200, json=FIGHT_CLUB)]
    )
    get_movie(client)
    assert route.call_count == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 501])
def test_other_statuses_are_not_retried(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float], status: int
) -> None:
    route = api.get("/3/movie/550").respond(status_code=status)
    with pytest.raises(Exception, match=f"HTTP {status}"):
        get_movie(client)
    assert route.call_count == 1
    assert sleeps == []


def test_retry_after_in_seconds_is_honoured(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float]
) -> None:
    api.get("/3/movie/550").mock(
        side_effect=[rate_limited(**{"Retry-After": "7"}), httpx.Response(200, json=FIGHT_CLUB)]
    )
    get_movie(client)
    assert sleeps == [7.0]


def test_retry_after_as_an_http_date_is_measured_from_the_servers_date(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float]
) -> None:
    api.get("/3/movie/550").mock(
        side_effect=[
            rate_limited(**{"Date": SERVER_DATE, "Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"}),
            httpx.Response(200, json=FIGHT_CLUB),
        ]
    )
    get_movie(client)
    assert sleeps == [30.0]


def test_retry_after_as_an_http_date_without_a_date_header_uses_the_clock(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float]
) -> None:
    tune_retries(client, clock=lambda: SERVER_NOW + 0.5)
    api.get("/3/movie/550").mock(
        side_effect=[
            rate_limited(**{"Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT"}),
            httpx.Response(200, json=FIGHT_CLUB),
        ]
    )
    get_movie(client)
    assert sleeps == [9.5]


def test_x_ratelimit_reset_is_honoured(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float]
) -> None:
    api.get("/3/movie/550").mock(
        side_effect=[
            rate_limited(**{"Date": SERVER_DATE, "X-RateLimit-Reset": str(int(SERVER_NOW) + 4)}),
            httpx.Response(200, json=FIGHT_CLUB),
        ]
    )
    get_movie(client)
    assert sleeps == [4.0]


def test_server_waits_are_capped_at_a_minute(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float]
) -> None:
    api.get("/3/movie/550").mock(
        side_effect=[
            rate_limited(**{"Retry-After": "3600"}),
            rate_limited(**{"Date": SERVER_DATE, "X-RateLimit-Reset": str(int(SERVER_NOW) + 900)}),
            httpx.Response(200, json=FIGHT_CLUB),
        ]
    )
    get_movie(client)
    assert sleeps == [60.0, 60.0]


def test_retries_run_out_and_the_last_failure_is_raised(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float]
) -> None:
    route = api.get("/3/movie/550").mock(return_value=rate_limited(**{"Retry-After": "2"}))
    with pytest.raises(RateLimitError) as caught:
        get_movie(client)
    assert route.call_count == 4
    assert sleeps == [2.0, 2.0, 2.0]
    assert caught.value.retry_after == 2.0
    assert caught.value.status_message == "Too many requests."
    assert "after 4 attempts" in str(caught.value)


def test_max_retries_zero_sends_once(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient], sleeps: list[float]
) -> None:
    route = api.get("/3/movie/550").respond(status_code=503)
    with pytest.raises(ServerError) as caught:
        get_movie(make_client(max_retries=0))
    assert route.call_count == 1
    assert sleeps == []
    assert "attempts" not in str(caught.value)


def test_mixed_failures_then_success(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float]
) -> None:
    tune_retries(client, random=lambda: 0.5)
    route = api.get("/3/movie/550").mock(
        side_effect=[
            httpx.ConnectError("connection refused"),
            httpx.ReadTimeout("timed out"),
            rate_limited(**{"Retry-After": "1.5"}),
            httpx.Response(200, json=FIGHT_CLUB),
        ]
    )
    assert get_movie(client).title == "Fight Club"
    assert route.call_count == 4
    assert sleeps == [0.25, 0.5, 1.5]


def test_async_retries_wait_through_the_async_sleep(
    api: respx.MockRouter, make_async_client: Callable[..., AsyncTMDBClient], sleeps: list[float]
) -> None:
    route = api.get("/3/movie/550").mock(
        side_effect=[
            rate_limited(**{"Retry-After": "3"}),
            httpx.Response(502),
            httpx.Response(200, json=FIGHT_CLUB),
        ]
    )

    async def main() -> MovieDetails:
        async with make_async_client() as client:
            tune_retries(client, random=lambda: 0.5)
            return await client._request(
                "GET", "/3/movie/{id}", path_params={"id": 550}, cast_to=MovieDetails
            )

    assert asyncio.run(main()).id == 550
    assert route.call_count == 3
    assert sleeps == [3.0, 0.5]


def test_the_async_client_really_sleeps_by_default() -> None:
    client = AsyncTMDBClient("3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b")
    assert client._sleep is asyncio.sleep
    asyncio.run(client.aclose())


def test_a_non_retryable_error_after_a_retry_stops_at_once(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float]
) -> None:
    route = api.get("/3/movie/550").mock(
        side_effect=[httpx.Response(503), httpx.Response(404, json={"status_code": 34})]
    )
    with pytest.raises(NotFoundError) as caught:
        get_movie(client)
    assert route.call_count == 2
    assert len(sleeps) == 1
    assert "after 2 attempts" in str(caught.value)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "-5"}, 0.0),
        ({"Retry-After": " 2.5 "}, 2.5),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Date": SERVER_DATE, "Retry-After": "Wed, 21 Oct 2015 07:27:00 GMT"}, 0.0),
        ({"Date": SERVER_DATE, "X-RateLimit-Reset": str(int(SERVER_NOW) - 10)}, 0.0),
        ({"Retry-After": "5", "X-RateLimit-Reset": str(int(SERVER_NOW) + 30)}, 5.0),
        ({"X-RateLimit-Reset": "not-a-time"}, None),
        ({"Date": "garbage", "X-RateLimit-Reset": str(int(SERVER_NOW) + 30)}, 20.0),
        ({}, None),
    ],
)
def test_reading_server_requested_waits(headers: dict[str, str], expected: float | None) -> None:
    def clock() -> float:
        return SERVER_NOW + 10

    assert server_requested_wait(httpx.Headers(headers), clock) == expected


def test_the_sync_client_really_sleeps_by_default() -> None:
    with TMDBClient("3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b") as client:
        assert client._sleep is time.sleep
