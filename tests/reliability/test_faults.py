"""Every fault the fake server can inject surfaces as the right TMDBError, sync and async alike.

Retrying is switched off here (``max_retries=0``) so each test sees exactly one fault; the retry
behaviour has its own tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.exceptions import (
    APIConnectionError,
    APITimeoutError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    TMDBError,
)
from tmdbfusion.testing import FakeTMDB, Fault

from .conftest import run_async


@dataclass(frozen=True)
class Expected:
    fault: Fault
    error: type[TMDBError]
    says: tuple[str, ...]
    http_status: int | None = None
    json_path: str | None = None


NOT_JSON = "try again later, and check the client's base_url if it keeps happening"
CASES = {
    "500": Expected(
        Fault.status(500),
        ServerError,
        ("HTTP 500", "TMDB code 11: Internal error", "try again later"),
        500,
    ),
    "502": Expected(Fault.status(502), ServerError, ("HTTP 502", "TMDB code 43"), 502),
    "503": Expected(Fault.status(503), ServerError, ("HTTP 503", "Service offline"), 503),
    "504": Expected(Fault.status(504), ServerError, ("HTTP 504", "TMDB code 24"), 504),
    "429": Expected(
        Fault.rate_limit(3),
        RateLimitError,
        ("Rate limited", "HTTP 429", "TMDB code 25", "raise max_retries"),
        429,
    ),
    "reset before the answer": Expected(
        Fault.reset(),
        APIConnectionError,
        ("Could not talk to TMDB", "Connection reset by peer", "check your network"),
    ),
    "reset in the middle of the body": Expected(
        Fault.reset_mid_body(), APIConnectionError, ("Could not talk to TMDB",)
    ),
    "stall past the timeout": Expected(
        Fault.stall(30),
        APITimeoutError,
        ("Timed out waiting for TMDB", "ReadTimeout", "larger timeout="),
    ),
    "invalid JSON": Expected(
        Fault.invalid_json(),
        ResponseValidationError,
        ("not valid JSON", "where MovieDetails was expected", NOT_JSON),
    ),
    "truncated JSON": Expected(
        Fault.truncated_json(),
        ResponseValidationError,
        ("not valid JSON (Input data was truncated)", NOT_JSON),
    ),
    "HTML page with status 200": Expected(
        Fault.html_page(),
        ResponseValidationError,
        ("HTTP 200, content-type 'text/html; charset=utf-8'", "<!DOCTYPE html>", NOT_JSON),
    ),
    "empty body": Expected(
        Fault.empty_body(),
        ResponseValidationError,
        ("TMDB sent an empty body", "JSON for MovieDetails was expected", NOT_JSON),
    ),
    "a string where a list is expected": Expected(
        Fault.wrong_shape(),
        ResponseValidationError,
        ("does not fit MovieDetails at $.genres", "Expected `array`, got `str`", "report it"),
        json_path="$.genres",
    ),
    "a nested mismatch": Expected(
        Fault.wrong_shape("production_companies.0.id", "one"),
        ResponseValidationError,
        ("does not fit MovieDetails at $.production_companies[0].id",),
        json_path="$.production_companies[0].id",
    ),
}
# Short enough to keep the stall cases quick, long enough that an answered request on a busy
# machine is never mistaken for a stalled one.
STALL_TIMEOUT = 0.5
TIMEOUT = 10.0


def timeout_for(expected: Expected) -> float:
    return STALL_TIMEOUT if expected.fault.kind == "stall" else TIMEOUT


def check(expected: Expected, error: TMDBError, elapsed: float) -> None:
    assert type(error) is expected.error
    message = str(error)
    for part in expected.says:
        assert part.lower() in message.lower(), message
    # Whatever went wrong, the call came back within the timeout, plus time to notice.
    assert elapsed < STALL_TIMEOUT + 2.0
    if isinstance(error, ResponseValidationError):
        assert error.type_name == "MovieDetails"
        assert error.json_path == expected.json_path
        # The raw body is kept for debugging: exactly what was sent.
        sent = expected.fault.content
        assert error.body == sent if sent is not None else error.body.startswith(b"{")
    elif expected.http_status is not None:
        assert getattr(error, "http_status", None) == expected.http_status
    assert error.__cause__ is None or not isinstance(error.__cause__, TMDBError)


@pytest.fixture(params=list(CASES), ids=list(CASES))
def case(request: pytest.FixtureRequest, tmdb: FakeTMDB) -> Expected:
    expected = CASES[request.param]
    tmdb.inject(expected.fault, path="/3/movie/{movie_id}")
    return expected


@pytest.mark.slow
def test_each_fault_raises_its_error(
    case: Expected, make_client: Callable[..., TMDBClient], tmdb: FakeTMDB
) -> None:
    client = make_client(max_retries=0, timeout=timeout_for(case))
    started = time.monotonic()
    with pytest.raises(TMDBError) as caught:
        client.movies.details(550)
    check(case, caught.value, time.monotonic() - started)
    assert len(tmdb.requests) == 1
    # The connection the fault spoiled is not reused: the next call simply works.
    assert client.movies.details(551).id == 551


@pytest.mark.slow
def test_each_fault_raises_its_error_async(
    case: Expected, make_async_client: Callable[..., AsyncTMDBClient], tmdb: FakeTMDB
) -> None:
    async def main() -> None:
        async with make_async_client(max_retries=0, timeout=timeout_for(case)) as client:
            started = time.monotonic()
            with pytest.raises(TMDBError) as caught:
                await client.movies.details(550)
            check(case, caught.value, time.monotonic() - started)
            movie = await client.movies.details(551)
            assert movie.id == 551

    run_async(main())
    assert len(tmdb.requests) == 2


def test_a_wrong_content_type_on_a_json_body_is_accepted(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient]
) -> None:
    # TMDB's JSON is JSON whatever its label says; refusing it would only add failures.
    tmdb.inject(Fault.wrong_content_type("text/plain"))
    assert make_client().movies.details(550).id == 550


def test_a_very_large_page_decodes(tmdb: FakeTMDB, make_client: Callable[..., TMDBClient]) -> None:
    tmdb.inject(Fault.large_page(20_000), path="/3/movie/popular")
    page = make_client().movies.popular()
    assert len(page.results) == 20_000
    assert [movie.id for movie in page.results[-2:]] == [19_999, 20_000]


def test_an_error_status_with_an_html_body_still_maps_by_status(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient]
) -> None:
    tmdb.inject(Fault.html_page(status=502))
    with pytest.raises(ServerError) as caught:
        make_client(max_retries=0).movies.details(550)
    assert caught.value.http_status == 502
    assert caught.value.tmdb_status_code is None
    assert "returned HTTP 502. This is on TMDB's side" in str(caught.value)
