"""A cache hit against a request: memory, SQLite and Redis hits over a loopback request.

Every variant is the SDK's own ``movies.details(550)``, ending with the decoded model: without a
cache it is a request to the local server (nginx, :mod:`benchmarks.nginx`) over a kept-alive
connection; with a cache, warmed by one call, it is a lookup (key, read, entry and model decode)
and no request.  Redis is a real ``redis-server`` on 127.0.0.1, started here when installed.
For context, the same request paced by a :class:`~tmdbfusion.RedisPacingBudget` in that Redis
(at a rate that never waits) shows what sharing a budget adds to each request.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from benchmarks.per_request import FAKE_API_KEY, MOVIE_ID, bench_server
from benchmarks.report import Figure, at_most, compare
from benchmarks.timing import Effort, interleaved
from tmdbfusion import RedisPacingBudget, TMDBClient

SECTION = "Cache"
REQUEST = "loopback request"
PACED = "loopback request paced through Redis"
#: A hit must cost at most this share of a request on the same machine.  Preparing the request
#: (argument checks, the finished URL) comes before the lookup and is paid by a hit too; the key
#: is read from the prepared request, without building an httpx request.
TARGETS = {"memory": 0.25, "SQLite": 0.35, "Redis": 0.60}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_redis(folder: Path) -> Iterator[str | None]:
    """A throwaway redis-server on a free port of 127.0.0.1; None when it is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def run(effort: Effort) -> list[Figure]:
    """Time hits from each store against the request they save."""
    with ExitStack() as cleanup:
        folder = Path(cleanup.enter_context(tempfile.TemporaryDirectory()))
        base_url, _stats = cleanup.enter_context(bench_server())
        redis_url = cleanup.enter_context(running_redis(folder))
        caches: dict[str, object] = {"memory": "memory", "SQLite": folder / "cache.sqlite"}
        if redis_url is None:
            print("redis-server missing: the Redis figure is skipped")
        else:
            caches["Redis"] = redis_url

        def client(cache: object = None) -> TMDBClient:
            made = TMDBClient(api_key=FAKE_API_KEY, base_url=base_url, cache=cache)
            return cleanup.enter_context(made)

        plain = client()
        variants: dict[str, Callable[[], object]] = {
            REQUEST: lambda: plain.movies.details(MOVIE_ID)
        }
        cached_clients: dict[str, TMDBClient] = {}
        for name, spec in caches.items():
            cached = cached_clients[name] = client(spec)
            cached.movies.details(MOVIE_ID)  # warm: the timed calls are all hits
            variants[f"{name} hit"] = lambda cached=cached: cached.movies.details(MOVIE_ID)
        budget: RedisPacingBudget | None = None
        if redis_url is not None:
            # A rate no run reaches: the figure is the budget's round trip, not any waiting.
            budget = RedisPacingBudget(redis_url, rate=1e6, key="tmdbfusion:pacing:bench")
            cleanup.callback(budget.close)
            paced = cleanup.enter_context(
                TMDBClient(api_key=FAKE_API_KEY, base_url=base_url, pacing=budget)
            )
            variants[PACED] = lambda: paced.movies.details(MOVIE_ID)
        expected = plain.movies.details(MOVIE_ID)
        for name, cached in cached_clients.items():
            if cached.movies.details(MOVIE_ID) != expected:
                raise AssertionError(f"the {name} hit differs from the response")
        samples = interleaved(variants, effort)
        for name, cached in cached_clients.items():
            stats = cached.cache.stats()
            if stats.misses != 1 or stats.errors:
                raise AssertionError(f"the {name} cache missed during the benchmark: {stats}")
        if budget is not None and not budget.healthy:
            raise AssertionError("the shared pacing budget lost its Redis during the benchmark")
    figures = [
        compare(
            SECTION,
            f"movies.details({MOVIE_ID}): {name} hit / {REQUEST}",
            samples,
            f"{name} hit",
            REQUEST,
            at_most(TARGETS[name]),
            " per call",
        )
        for name in caches
    ]
    if budget is not None:
        figures.append(
            compare(
                SECTION,
                f"movies.details({MOVIE_ID}): {PACED} / {REQUEST}",
                samples,
                PACED,
                REQUEST,
                None,
                " per call",
            )
        )
    return figures


def method_note(effort: Effort) -> str:
    """How the cache figures were measured."""
    return (
        f"**Cache**: `movies.details({MOVIE_ID})` through the SDK, decoded model in hand, "
        "without a cache (a request to the local server over a kept-alive connection) and "
        "as a hit from each store, warmed by one call; every client is checked to have had "
        "exactly one miss. SQLite is a file in a temporary folder (WAL mode); Redis is a "
        "redis-server started on 127.0.0.1 for the run; the paced request takes its slot from "
        "a RedisPacingBudget there, at a rate it never reaches. Variants run in turn, "
        f"{effort.rounds} rounds; a ratio is the median of the ratios within each round."
    )
