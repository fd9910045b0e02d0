"""Async throughput: many ``await client.movies.details(i)`` at once, against raw httpx.AsyncClient.

Both sides run the same batch (by default 2,000 requests for distinct ids, at most 50 in flight
through an ``asyncio.Semaphore``) against the local server in its own process, and decode into the
same generated type.  Both use the same connection limits, with room to keep all 50 connections
alive, so neither pays for reconnecting and the figure is the client's own cost.  Batches of the
two alternate; the figure is the median over rounds of the ratio of their requests per second.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import msgspec

from benchmarks.payloads import load_payload
from benchmarks.per_request import FAKE_API_KEY, benchmark_routes
from benchmarks.report import Figure, at_least
from benchmarks.server import ServerStats, running_server
from benchmarks.timing import Samples, rotated
from tmdbfusion import AsyncTMDBClient

SECTION = "Async throughput"
CONCURRENCY = 50
LIMITS = {"max_connections": 100, "max_keepalive_connections": CONCURRENCY}

SDK = "tmdbfusion"
RAW = "raw httpx.AsyncClient + msgspec"


async def run_batch(
    fetch: Callable[[int], Awaitable[Any]], requests: int, concurrency: int
) -> float:
    """Fetch ids 1..``requests`` with at most ``concurrency`` in flight; return seconds taken."""
    gate = asyncio.Semaphore(concurrency)

    async def one(movie_id: int) -> Any:
        async with gate:
            return await fetch(movie_id)

    start = time.perf_counter()
    results = await asyncio.gather(*(one(movie_id) for movie_id in range(1, requests + 1)))
    elapsed = time.perf_counter() - start
    if len(results) != requests or any(result.id is None for result in results):
        raise AssertionError("a batch returned fewer or emptier results than requested")
    return elapsed


async def _measure(base_url: str, requests: int, rounds: int, concurrency: int) -> Samples:
    model = load_payload("movie_details").model
    decoder = msgspec.json.Decoder(model)
    async with (
        AsyncTMDBClient(
            api_key=FAKE_API_KEY,
            base_url=base_url,
            max_connections=LIMITS["max_connections"],
            max_keepalive_connections=LIMITS["max_keepalive_connections"],
        ) as sdk,
        httpx.AsyncClient(
            base_url=base_url,
            headers={"Accept": "application/json"},
            limits=httpx.Limits(**LIMITS),
        ) as raw,
    ):

        async def sdk_fetch(movie_id: int) -> Any:
            return await sdk.movies.details(movie_id)

        async def raw_fetch(movie_id: int) -> Any:
            response = await raw.get(f"/3/movie/{movie_id}", params={"api_key": FAKE_API_KEY})
            response.raise_for_status()
            return decoder.decode(response.content)

        fetchers = {SDK: sdk_fetch, RAW: raw_fetch}
        # Opens the connections and warms both sides before anything is timed.
        for fetch in fetchers.values():
            await run_batch(fetch, min(requests, 4 * concurrency), concurrency)
        seconds: dict[str, list[float]] = {name: [] for name in fetchers}
        for round_index in range(rounds):
            for name in rotated(list(fetchers), round_index):
                seconds[name].append(await run_batch(fetchers[name], requests, concurrency))
        return Samples(seconds)


def run(requests: int, rounds: int) -> tuple[list[Figure], ServerStats]:
    """Time ``rounds`` batches of ``requests`` on each side."""
    with running_server(benchmark_routes()) as (base_url, stats):
        samples = asyncio.run(_measure(base_url, requests, rounds, CONCURRENCY))
    # Same requests per batch on both sides: the ratio of rates is the inverse ratio of times.
    figure = Figure(
        SECTION,
        f"{requests:,} × movies.details(i), {CONCURRENCY} in flight: tmdbfusion / raw httpx "
        "(requests per second)",
        samples.ratio(RAW, SDK),
        at_least(0.90),
        f"{requests / samples.median(SDK):,.0f} vs {requests / samples.median(RAW):,.0f} "
        "requests/s",
    )
    return [figure], stats
