"""Retries over real sockets: exact counts, the server's waits honoured, the right error at the end.

Clients record the waits they are told to take instead of sleeping (the pipeline decides the
wait; the clients only sleep), except in the tests that check real sleeping, which use waits of
a fraction of a second.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.exceptions import (
    APIConnectionError,
    APITimeoutError,
    NotFoundError,
    RateLimitError,
    ServerError,
)
from tmdbfusion.testing import FakeTMDB, Fault

from .conftest import run_async

MOVIE = "/3/movie/{movie_id}"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_exactly_max_retries_times(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient], sleeps: list[float], status: int
) -> None:
    tmdb.inject(Fault.status(status), path=MOVIE, times=None)
    client = make_client(max_retries=3)
    with pytest.raises(ServerError) as caught:
        client.movies.details(550)
    assert len(tmdb.requests) == 4
    assert caught.value.http_status == status
    assert "after 4 attempts" in str(caught.value)
    # Backoff with full jitter: the n-th wait is below 0.5 * 2 ** (n - 1) seconds.
    assert len(sleeps) == 3
    assert all(0 <= wait < 0.5 * 2**n for n, wait in enumerate(sleeps))


@pytest.mark.parametrize(
    ("fault", "wait"),
    [
        (Fault.rate_limit(2), 2.0),
        (Fault.rate_limit(0.25), 0.25),
        (Fault.rate_limit(3, form="http-date"), 3.0),
        (Fault.rate_limit(3, form="reset"), 3.0),
        (Fault.status(503, retry_after=1), 1.0),
    ],
    ids=["retry-after seconds", "fractional", "retry-after date", "x-ratelimit-reset", "503"],
)
def test_the_servers_wait_is_honoured(
    tmdb: FakeTMDB,
    make_client: Callable[..., TMDBClient],
    sleeps: list[float],
    fault: Fault,
    wait: float,
) -> None:
    tmdb.inject(fault, path=MOVIE, times=2)
    assert make_client(max_retries=2).movies.details(550).id == 550
    assert sleeps == [wait, wait]
    assert [request.fault for request in tmdb.requests] == [fault, fault, None]


def test_a_rate_limit_without_a_hint_backs_off(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient], sleeps: list[float]
) -> None:
    tmdb.inject(Fault.rate_limit(form="none"), path=MOVIE)
    make_client().movies.details(550)
    # The whole client pauses, so a near-zero jittered wait would be pointless: at least
    # the base backoff.
    assert sleeps == [0.5]


def test_rate_limiting_that_outlasts_the_retries_raises_with_the_wait(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient], sleeps: list[float]
) -> None:
    tmdb.inject(Fault.rate_limit(7, form="reset"), path=MOVIE, times=None)
    with pytest.raises(RateLimitError) as caught:
        make_client(max_retries=2).movies.details(550)
    assert caught.value.retry_after == 7.0
    assert caught.value.tmdb_status_code == 25
    assert "after 3 attempts" in str(caught.value)
    assert sleeps == [7.0, 7.0]
    assert len(tmdb.requests) == 3


@pytest.mark.parametrize("fault", [Fault.reset(), Fault.reset_mid_body()], ids=repr)
def test_broken_connections_are_retried_then_raised(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient], sleeps: list[float], fault: Fault
) -> None:
    tmdb.inject(fault, path=MOVIE, times=2)
    client = make_client(max_retries=2)
    assert client.movies.details(550).id == 550
    assert len(tmdb.requests) == 3
    tmdb.inject(fault, path=MOVIE, times=None)
    with pytest.raises(APIConnectionError) as caught:
        client.movies.details(551)
    assert "after 3 attempts" in str(caught.value)
    assert caught.value.http_status is None
    assert len(tmdb.requests) == 6
    assert len(sleeps) == 4


@pytest.mark.slow
def test_a_stalled_server_times_out_on_every_attempt_within_the_timeout(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient], sleeps: list[float]
) -> None:
    tmdb.inject(Fault.stall(30), path=MOVIE, times=None)
    # 0.5 s per attempt, connect included: enough for a connect on a loaded machine.
    client = make_client(max_retries=2, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        client.movies.details(550)
    elapsed = time.monotonic() - started
    assert "after 3 attempts" in str(caught.value)
    assert len(tmdb.requests) == 3
    assert 1.5 <= elapsed < 1.5 + 2.0
    assert len(sleeps) == 2


def test_mixed_failures_are_absorbed_in_order(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient], sleeps: list[float]
) -> None:
    faults = [Fault.status(503), Fault.rate_limit(1), Fault.reset(), Fault.reset_mid_body()]
    for call, fault in enumerate(faults, start=1):
        tmdb.inject(fault, path=MOVIE, calls=[call])
    movie = make_client(max_retries=4).movies.details(550)
    assert movie.id == 550
    assert [request.fault for request in tmdb.requests] == [*faults, None]
    assert len(sleeps) == 4 and sleeps[1] == 1.0


def test_a_client_error_after_a_retry_stops_at_once(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient], sleeps: list[float]
) -> None:
    tmdb.inject(Fault.status(502), path=MOVIE, calls=[1])
    tmdb.inject(Fault.status(404), path=MOVIE, calls=[2])
    with pytest.raises(NotFoundError) as caught:
        make_client(max_retries=5).movies.details(550)
    assert "after 2 attempts" in str(caught.value)
    assert len(tmdb.requests) == 2
    assert len(sleeps) == 1


@pytest.mark.slow
def test_async_retries_match_the_sync_ones(
    tmdb: FakeTMDB, make_async_client: Callable[..., AsyncTMDBClient], sleeps: list[float]
) -> None:
    tmdb.inject(Fault.rate_limit(2, form="http-date"), path=MOVIE, calls=[1])
    tmdb.inject(Fault.reset_mid_body(), path=MOVIE, calls=[2])
    tmdb.inject(Fault.status(500), path="/3/tv/{series_id}", times=None)
    tmdb.inject(Fault.stall(30), path="/3/person/{person_id}", times=None)

    async def main() -> None:
        async with make_async_client(max_retries=2) as client:
            assert (await client.movies.details(550)).id == 550
            with pytest.raises(ServerError, match="after 3 attempts"):
                await client.tv.details(1399)
        async with make_async_client(max_retries=2, timeout=0.2) as impatient:
            started = time.monotonic()
            with pytest.raises(APITimeoutError, match="after 3 attempts"):
                await impatient.people.details(287)
            assert time.monotonic() - started < 0.6 + 2.0

    run_async(main())
    assert len(tmdb.requests) == 3 + 3 + 3
    assert sleeps[0] == 2.0
    assert len(sleeps) == 2 + 2 + 2


@pytest.mark.slow
def test_sync_clients_really_sleep_for_the_servers_wait(tmdb: FakeTMDB) -> None:
    tmdb.inject(Fault.rate_limit(0.15), path=MOVIE, times=2)
    with tmdb.client(max_retries=2) as client:
        started = time.monotonic()
        client.movies.details(550)
        elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 0.3 + 2.0


@pytest.mark.slow
def test_async_clients_really_sleep_for_the_servers_wait(tmdb: FakeTMDB) -> None:
    tmdb.inject(Fault.status(503, retry_after=0.15), path=MOVIE, times=2)

    async def main() -> float:
        async with tmdb.async_client(max_retries=2) as client:
            started = time.monotonic()
            # Another task keeps running while the request waits: the sleep does not block.
            ticks = 0

            async def tick() -> None:
                nonlocal ticks
                while True:
                    await asyncio.sleep(0.05)
                    ticks += 1

            ticker = asyncio.create_task(tick())
            await client.movies.details(550)
            ticker.cancel()
            assert ticks >= 4
            return time.monotonic() - started

    elapsed = run_async(main())
    assert 0.3 <= elapsed < 0.3 + 2.0


@pytest.mark.slow
def test_cancelling_an_async_call_leaves_the_client_usable(
    tmdb: FakeTMDB, make_async_client: Callable[..., AsyncTMDBClient]
) -> None:
    tmdb.inject(Fault.stall(30), path=MOVIE, calls=[1])

    async def main() -> None:
        async with make_async_client(timeout=10) as client:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.movies.details(550), 0.2)
            assert (await client.movies.details(551)).id == 551

    run_async(main())
    assert len(tmdb.requests) == 2
