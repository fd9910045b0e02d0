"""Load: many calls through one shared client, faults mixed in, every answer matched to its call.

The fake server echoes what was asked (the id in the path, the search text) into its answers,
so a response delivered to the wrong caller, or decoded from another call's body, shows up as
a mismatch.  Some calls hit a 429 or a 5xx or a reset first; retries must absorb all of them.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.testing import FakeTMDB, Fault, FaultRule

from .conftest import run_async

CALLS = 1_000
CONCURRENCY = 10
THREADS = 8


def inject_mixed_faults(tmdb: FakeTMDB) -> list[FaultRule]:
    """Fail about one call in five, once or twice, each with a retryable fault."""
    rules = []
    statuses = [500, 502, 503, 504]
    for number in range(1, CALLS + 1):
        path = f"/3/movie/{number}"
        if number % 10 == 0:
            rules.append(tmdb.inject(Fault.rate_limit(1), path=path))
        elif number % 15 == 0:
            status = statuses[number % len(statuses)]
            rules.append(tmdb.inject(Fault.status(status), path=path, times=2))
        elif number % 25 == 0:
            rules.append(tmdb.inject(Fault.reset(), path=path))
    return rules


def check_faults_absorbed(tmdb: FakeTMDB, rules: list[FaultRule], sleeps: list[float]) -> None:
    fired = sum(rule.fired for rule in rules)
    assert all(rule.fired == (rule.times or 0) for rule in rules)
    assert len(tmdb.requests) == CALLS + fired
    rate_limits = sum(1 for rule in rules if rule.fault.kind == "rate_limit")
    # Every other retry sleeps on its own; a 429 pauses the whole client, so calls that meet
    # a pause already set by another wait out only what is left of it, never more.
    assert len(sleeps) >= fired - rate_limits
    assert all(0 < wait <= 1.0 + 0.05 for wait in sleeps if wait >= 0.9)
    assert Counter(sleeps)[1.0] >= 1


@pytest.mark.slow
def test_1000_async_calls_through_one_client_with_bounded_concurrency(
    tmdb: FakeTMDB, make_async_client: Callable[..., AsyncTMDBClient], sleeps: list[float]
) -> None:
    rules = inject_mixed_faults(tmdb)

    async def main() -> list[tuple[int, Any]]:
        gate = asyncio.Semaphore(CONCURRENCY)
        in_flight = peak = 0

        async with make_async_client(max_retries=3) as client:

            async def one(number: int) -> tuple[int, Any]:
                nonlocal in_flight, peak
                async with gate:
                    in_flight += 1
                    peak = max(peak, in_flight)
                    try:
                        return number, await client.movies.details(number)
                    finally:
                        in_flight -= 1

            results = await asyncio.gather(*(one(n) for n in range(1, CALLS + 1)))
        assert peak == CONCURRENCY
        return results

    results = run_async(main(), timeout=60)
    assert len(results) == CALLS
    for number, movie in results:
        assert (movie.id, movie.title) == (number, f"Movie {number}")
    check_faults_absorbed(tmdb, rules, sleeps)


@pytest.mark.slow
def test_8_threads_share_one_client_for_1000_calls(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient], sleeps: list[float]
) -> None:
    rules = inject_mixed_faults(tmdb)
    client = make_client(max_retries=3)
    threads_used: set[int] = set()
    lock = threading.Lock()

    def one(number: int) -> tuple[int, Any, Any]:
        with lock:
            threads_used.add(threading.get_ident())
        movie = client.movies.details(number)
        # Every tenth call also searches, so two kinds of answer are in flight at once.
        found = client.search.movie(query=f"title {number}") if number % 10 == 1 else None
        return number, movie, found

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(one, range(1, CALLS + 1)))

    assert len(threads_used) == THREADS
    for number, movie, found in results:
        assert (movie.id, movie.title) == (number, f"Movie {number}")
        if found is not None:
            assert found.results[0].title == f"title {number} 1"
    searches = sum(1 for request in tmdb.requests if request.path == "/3/search/movie")
    assert searches == CALLS // 10
    movie_requests = [request for request in tmdb.requests if request.path != "/3/search/movie"]
    fired = sum(rule.fired for rule in rules)
    assert len(movie_requests) == CALLS + fired
    assert all(rule.fired == (rule.times or 0) for rule in rules)
    assert len(sleeps) == fired
