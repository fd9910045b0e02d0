"""Items 2 and 3: one 429 pauses the whole client; rate_limit= paces all calls together."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tmdbfusion import AsyncTMDBClient, PacingBudget, TMDBClient
from tmdbfusion._pacing import TokenBucket
from tmdbfusion.exceptions import RateLimitError
from tmdbfusion.models import MovieDetails
from tmdbfusion.testing import FakeResponse, FakeTMDB, Fault, sample_json

from .conftest import run_async

CALLS = 200
WINDOW = 1.0


def limited_window(tmdb: FakeTMDB, window: float = WINDOW) -> None:
    """Answer 429 (Retry-After: 1) to everything during the first ``window`` seconds."""
    opened: list[float] = []
    lock = threading.Lock()

    def answer(request: Any) -> Any:
        with lock:
            if not opened:
                opened.append(time.monotonic())
        if time.monotonic() - opened[0] < window:
            return FakeResponse(status=429, json={"status_code": 25}, headers={"Retry-After": "1"})
        movie_id = int(request.path_params["movie_id"])
        return sample_json(MovieDetails, seed=movie_id)

    tmdb.add_route("GET", "/3/movie/{movie_id}", answer)


@pytest.mark.slow
def test_200_async_calls_in_a_429_window_send_each_request_at_most_twice(tmdb: FakeTMDB) -> None:
    limited_window(tmdb)

    async def main() -> None:
        async with tmdb.async_client(max_retries=3) as client:
            movies = await asyncio.gather(*(client.movies.details(n) for n in range(1, CALLS + 1)))
        assert [movie.id for movie in movies] == list(range(1, CALLS + 1))

    run_async(main(), timeout=30)
    # Before the shared pause: 639 requests in waves a second apart.
    assert len(tmdb.requests) <= 2 * CALLS


@pytest.mark.slow
def test_200_threaded_calls_in_a_429_window_share_the_pause(tmdb: FakeTMDB) -> None:
    limited_window(tmdb)
    with tmdb.client(max_retries=3, max_connections=50) as client, ThreadPoolExecutor(50) as pool:
        movies = list(pool.map(client.movies.details, range(1, CALLS + 1)))
    assert len(movies) == CALLS
    assert len(tmdb.requests) <= 2 * CALLS


@pytest.mark.slow
def test_a_429_pauses_calls_that_start_during_the_pause(tmdb: FakeTMDB) -> None:
    tmdb.inject(Fault.rate_limit(0.6), path="/3/movie/1")
    with tmdb.client(max_retries=1) as client:
        client.movies.details(1)
        started = time.monotonic()
        client._pacing.pause(0.6)  # what the 429 did, again: a later call must wait too
        client.movies.details(2)
        assert time.monotonic() - started >= 0.55


class AfterA429:
    """Answers movie 1 once with 429 (``Retry-After: wait``) and notes when requests came."""

    def __init__(self, tmdb: FakeTMDB, wait: int) -> None:
        self.wait = wait
        self.answered_429: float | None = None
        self.arrived: dict[int, float] = {}
        tmdb.add_route("GET", "/3/movie/{movie_id}", self.answer)

    def answer(self, request: Any) -> Any:
        movie_id = int(request.path_params["movie_id"])
        self.arrived.setdefault(movie_id, time.monotonic())
        if movie_id == 1 and self.answered_429 is None:
            self.answered_429 = time.monotonic()
            return FakeResponse(status=429, headers={"Retry-After": str(self.wait)})
        return sample_json(MovieDetails, seed=movie_id)

    def second_came_after_the_429(self) -> float:
        assert self.answered_429 is not None
        return self.arrived[2] - self.answered_429


@pytest.mark.slow
def test_a_429_pauses_threads_that_start_calls_during_the_pause(tmdb: FakeTMDB) -> None:
    server = AfterA429(tmdb, 1)
    with tmdb.client(max_retries=1) as client, ThreadPoolExecutor(2) as pool:
        first = pool.submit(client.movies.details, 1)
        time.sleep(0.3)  # the 429 has been answered: the client is paused
        client.movies.details(2)
        first.result()
    # Movie 2 was asked for 0.3 s into a 1 s pause, and waited for its end.
    assert server.second_came_after_the_429() >= 0.95


@pytest.mark.slow
def test_a_429_pauses_tasks_that_start_calls_during_the_pause(tmdb: FakeTMDB) -> None:
    server = AfterA429(tmdb, 1)

    async def main() -> None:
        async with tmdb.async_client(max_retries=1) as client:
            first = asyncio.create_task(client.movies.details(1))
            await asyncio.sleep(0.3)
            await client.movies.details(2)
            await first

    run_async(main())
    assert server.second_came_after_the_429() >= 0.95


@pytest.mark.slow
@pytest.mark.parametrize("header", ["0", "-5", "Thu, 01 Jan 1970 00:00:00 GMT"])
def test_a_zero_negative_or_past_wait_counts_as_the_minimum_backoff(
    tmdb: FakeTMDB, header: str
) -> None:
    tmdb.add_route(
        "GET", "/3/movie/{movie_id}", FakeResponse(status=429, headers={"Retry-After": header})
    )
    with tmdb.client(max_retries=1) as client:
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            client.movies.details(1)
        assert time.monotonic() - started >= 0.45
    assert caught.value.retry_after == 0.5


@pytest.mark.parametrize("header", ["100000", "1e308"])
def test_retry_after_on_the_error_is_capped(tmdb: FakeTMDB, header: str) -> None:
    tmdb.add_route(
        "GET", "/3/movie/{movie_id}", FakeResponse(status=429, headers={"Retry-After": header})
    )
    with tmdb.client(max_retries=0) as client, pytest.raises(RateLimitError) as caught:
        client.movies.details(1)
    assert caught.value.retry_after == 60.0


@pytest.mark.slow
@pytest.mark.parametrize("header", ["0", "-5", "Thu, 01 Jan 1970 00:00:00 GMT"])
def test_async_a_zero_negative_or_past_wait_counts_as_the_minimum_backoff(
    tmdb: FakeTMDB, header: str
) -> None:
    tmdb.add_route(
        "GET", "/3/movie/{movie_id}", FakeResponse(status=429, headers={"Retry-After": header})
    )

    async def main() -> tuple[float, float | None]:
        async with tmdb.async_client(max_retries=1) as client:
            started = time.monotonic()
            with pytest.raises(RateLimitError) as caught:
                await client.movies.details(1)
            return time.monotonic() - started, caught.value.retry_after

    took, retry_after = run_async(main())
    assert took >= 0.45
    assert retry_after == 0.5


@pytest.mark.parametrize("header", ["100000", "1e308"])
def test_async_retry_after_on_the_error_is_capped(tmdb: FakeTMDB, header: str) -> None:
    tmdb.add_route(
        "GET", "/3/movie/{movie_id}", FakeResponse(status=429, headers={"Retry-After": header})
    )

    async def main() -> float | None:
        async with tmdb.async_client(max_retries=0) as client:
            with pytest.raises(RateLimitError) as caught:
                await client.movies.details(1)
            return caught.value.retry_after

    retry_after = run_async(main())
    assert retry_after == 60.0


@pytest.mark.slow
def test_rate_limit_paces_threads_together(tmdb: FakeTMDB) -> None:
    with tmdb.client(rate_limit=20) as client, ThreadPoolExecutor(8) as pool:
        started = time.monotonic()
        list(pool.map(client.movies.details, range(1, 41)))
        elapsed = time.monotonic() - started
    # 40 sends at 20/s: the first goes at once, the last about 1.95 s later.
    assert elapsed >= 1.8


@pytest.mark.slow
def test_rate_limit_paces_async_tasks_together(tmdb: FakeTMDB) -> None:
    async def main() -> float:
        async with tmdb.async_client(rate_limit=20) as client:
            started = time.monotonic()
            await asyncio.gather(*(client.movies.details(n) for n in range(1, 41)))
            return time.monotonic() - started

    assert run_async(main()) >= 1.8


def test_the_token_bucket_on_a_fake_clock() -> None:
    now = [0.0]
    bucket = TokenBucket(10, burst=2, clock=lambda: now[0], random=lambda: 0.5)
    assert [bucket.reserve() for _ in range(4)] == pytest.approx([0.0, 0.0, 0.1, 0.2])
    now[0] = 10.0
    bucket.pause(2.0)
    # Spread over 10 % of the pause: 0.5 * 0.2 s of jitter.
    assert bucket.reserve() == pytest.approx(2.1)
    bucket.pause(0.5)  # a shorter pause never shortens a longer one
    assert bucket.reserve() >= 2.0


def test_a_custom_budget_plugs_in_behind_the_protocol(tmdb: FakeTMDB) -> None:
    class Counting:
        def __init__(self) -> None:
            self.reserved = 0
            self.paused: list[float] = []

        def reserve(self) -> float:
            self.reserved += 1
            return 0.0

        def pause(self, seconds: float) -> None:
            self.paused.append(seconds)

    budget = Counting()
    assert isinstance(budget, PacingBudget)
    tmdb.inject(Fault.rate_limit(0.1), path="/3/movie/1")
    with tmdb.client(pacing=budget) as client:
        client._sleep = lambda seconds: None
        client.movies.details(1)
    assert budget.reserved == 2 and budget.paused == [0.1]


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "5", True])
def test_rate_limit_must_be_a_positive_number(bad: object) -> None:
    with pytest.raises(ValueError, match="requests per second"):
        TMDBClient(api_key="k" * 32, rate_limit=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="requests per second"):
        AsyncTMDBClient(api_key="k" * 32, rate_limit=bad)  # type: ignore[arg-type]


def test_rate_limit_and_pacing_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        TMDBClient(api_key="k" * 32, rate_limit=5, pacing=TokenBucket(5))
