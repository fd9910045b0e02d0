"""Async throughput: the SDK on each backend against raw aiohttp and raw httpx, c=1 to 200.

Every variant fetches ``/3/movie/<id>`` from nginx (:mod:`benchmarks.nginx`) and decodes the
body into the SDK's own generated type, so each ratio is what the SDK adds over a user's own
code on the same library.  A sample runs ``concurrency`` workers, each awaiting one request
after another, for a fixed time; the rate is the requests completed divided by the time, and
the CPU per request is the process's CPU time over the requests.  The variants of one
concurrency take turns in a rotating order within every round, so a burst of load from other
work on the machine slows all of them; each ratio is the median over rounds of the ratio within
the round.  Every client gets room for as many connections as there are workers.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec

from benchmarks.nginx import ServerStats
from benchmarks.payloads import load_payload
from benchmarks.per_request import FAKE_API_KEY, bench_server
from benchmarks.report import Figure, at_least
from benchmarks.timing import rotated
from tmdbfusion import AsyncTMDBClient

SECTION = "Async throughput"
CONCURRENCIES = (1, 10, 50, 200)

SDK_AIOHTTP = "tmdbfusion (aiohttp backend)"
SDK_HTTPX = "tmdbfusion (httpx backend)"
SDK_HTTPX_AIOHTTP = "tmdbfusion over httpx-aiohttp's transport"
RAW_AIOHTTP = "raw aiohttp + msgspec"
RAW_HTTPX = "raw httpx.AsyncClient + msgspec"

Fetch = Callable[[int], Awaitable[Any]]


@dataclass(frozen=True)
class Rates:
    """Requests per second and CPU seconds per request of each variant, one per round."""

    rates: dict[str, list[float]]
    cpu: dict[str, list[float]]

    def ratio(self, name: str, other: str) -> float:
        """Median over rounds of ``name``'s rate divided by ``other``'s."""
        pairs = zip(self.rates[name], self.rates[other], strict=True)
        return statistics.median(mine / theirs for mine, theirs in pairs)

    def rate(self, name: str) -> float:
        """Median requests per second."""
        return statistics.median(self.rates[name])

    def cpu_per_request(self, name: str) -> float:
        """Median CPU seconds per request."""
        return statistics.median(self.cpu[name])


async def sample(fetch: Fetch, concurrency: int, seconds: float) -> tuple[float, float]:
    """Run ``concurrency`` workers for ``seconds``; return requests/s and CPU s per request."""
    deadline = time.perf_counter() + seconds
    done = 0

    async def worker(first_id: int) -> None:
        nonlocal done
        movie_id = first_id
        while time.perf_counter() < deadline:
            movie = await fetch(movie_id)
            if movie.id is None:
                raise AssertionError("a request returned an empty movie")
            done += 1
            movie_id += concurrency

    cpu_start, start = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(index + 1) for index in range(concurrency)))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return done / elapsed, cpu / max(done, 1)


async def _fetchers(
    stack: AsyncExitStack, base_url: str, concurrency: int, *, with_transport: bool
) -> dict[str, Fetch]:
    import aiohttp

    decoder = msgspec.json.Decoder(load_payload("movie_details").model)
    limits = {"max_connections": concurrency, "max_keepalive_connections": concurrency}
    sdk_aiohttp = await stack.enter_async_context(
        AsyncTMDBClient(api_key=FAKE_API_KEY, base_url=base_url, http_backend="aiohttp", **limits)
    )
    sdk_httpx = await stack.enter_async_context(
        AsyncTMDBClient(api_key=FAKE_API_KEY, base_url=base_url, http_backend="httpx", **limits)
    )
    raw_httpx = await stack.enter_async_context(
        httpx.AsyncClient(
            base_url=base_url,
            headers={"Accept": "application/json"},
            limits=httpx.Limits(**limits),
            # The SDK's timeout: httpx's 5 s default fails connects on a busy machine.
            timeout=30.0,
        )
    )
    session = await stack.enter_async_context(
        aiohttp.ClientSession(
            base_url,
            headers={"Accept": "application/json"},
            connector=aiohttp.TCPConnector(limit=concurrency),
        )
    )
    params = {"api_key": FAKE_API_KEY}

    async def raw_aiohttp_fetch(movie_id: int) -> Any:
        async with session.get(f"/3/movie/{movie_id}", params=params) as response:
            response.raise_for_status()
            return decoder.decode(await response.read())

    async def raw_httpx_fetch(movie_id: int) -> Any:
        response = await raw_httpx.get(f"/3/movie/{movie_id}", params=params)
        response.raise_for_status()
        return decoder.decode(response.content)

    fetchers: dict[str, Fetch] = {
        SDK_AIOHTTP: sdk_aiohttp.movies.details,
        RAW_AIOHTTP: raw_aiohttp_fetch,
        SDK_HTTPX: sdk_httpx.movies.details,
        RAW_HTTPX: raw_httpx_fetch,
    }
    if with_transport:
        from httpx_aiohttp import AiohttpTransport

        transport_client = await stack.enter_async_context(
            httpx.AsyncClient(
                transport=AiohttpTransport(
                    client=lambda: aiohttp.ClientSession(
                        connector=aiohttp.TCPConnector(limit=concurrency)
                    )
                )
            )
        )
        over_transport = await stack.enter_async_context(
            AsyncTMDBClient(api_key=FAKE_API_KEY, base_url=base_url, http_client=transport_client)
        )
        fetchers[SDK_HTTPX_AIOHTTP] = over_transport.movies.details
    return fetchers


async def measure(
    base_url: str, concurrency: int, rounds: int, seconds: float, *, with_transport: bool
) -> Rates:
    """Interleaved samples of every variant at one concurrency."""
    async with AsyncExitStack() as stack:
        fetchers = await _fetchers(stack, base_url, concurrency, with_transport=with_transport)
        for fetch in fetchers.values():  # open the connections, warm every path
            await sample(fetch, concurrency, min(seconds, 0.1))
        rates: dict[str, list[float]] = {name: [] for name in fetchers}
        cpu: dict[str, list[float]] = {name: [] for name in fetchers}
        for round_index in range(rounds):
            for name in rotated(list(fetchers), round_index):
                rate, cpu_each = await sample(fetchers[name], concurrency, seconds)
                rates[name].append(rate)
                cpu[name].append(cpu_each)
        return Rates(rates, cpu)


def _figures(concurrency: int, rates: Rates) -> list[Figure]:
    def row(name: str, other: str, target: float | None, limit: str | None = None) -> Figure:
        return Figure(
            SECTION,
            f"c={concurrency}: {name} / {other} (requests per second)",
            rates.ratio(name, other),
            at_least(target) if target is not None else None,
            f"{rates.rate(name):,.0f} vs {rates.rate(other):,.0f} requests/s; CPU "
            f"{rates.cpu_per_request(name) * 1e6:.0f} vs "
            f"{rates.cpu_per_request(other) * 1e6:.0f} µs per request",
            limit=limit,
        )

    aiohttp_target = 0.80 if concurrency >= 50 else None
    sdk, raw = rates.cpu_per_request(SDK_AIOHTTP), rates.cpu_per_request(RAW_AIOHTTP)
    cpu_bound = (
        f"the SDK spends {(sdk - raw) * 1e6:.0f} µs of CPU per request beyond the raw code's "
        f"{raw * 1e6:.0f} µs (checking arguments, building the URL, the retry-aware flow and "
        "its pacing slot), so with the client CPU-bound the ratio cannot pass about "
        f"{raw / sdk:.2f}x."
    )
    rows = [
        row(SDK_AIOHTTP, RAW_AIOHTTP, aiohttp_target, cpu_bound),
        row(SDK_HTTPX, RAW_HTTPX, 0.95),
        row(SDK_AIOHTTP, SDK_HTTPX, None),
    ]
    if SDK_HTTPX_AIOHTTP in rates.rates:
        rows.append(row(SDK_AIOHTTP, SDK_HTTPX_AIOHTTP, None))
    rows.append(
        Figure(
            SECTION,
            f"c={concurrency}: CPU per request, tmdbfusion (aiohttp backend) / raw aiohttp "
            "+ msgspec",
            sdk / raw,
            None,
            f"{sdk * 1e6:.0f} vs {raw * 1e6:.0f} µs; the SDK's share of its CPU: "
            f"{max(sdk - raw, 0.0) / sdk:.0%}",
        )
    )
    return rows


def run(rounds: int, seconds: float) -> tuple[list[Figure], ServerStats]:
    """Every concurrency in :data:`CONCURRENCIES`, ``rounds`` interleaved samples each."""
    import importlib.util

    with_transport = importlib.util.find_spec("httpx_aiohttp") is not None
    figures: list[Figure] = []
    with bench_server() as (base_url, stats):
        for concurrency in CONCURRENCIES:
            rates = asyncio.run(
                measure(base_url, concurrency, rounds, seconds, with_transport=with_transport)
            )
            figures += _figures(concurrency, rates)
    return figures, stats
