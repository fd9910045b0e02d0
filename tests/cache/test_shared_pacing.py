"""One pacing budget kept in a real Redis, shared by several processes calling a fake TMDB."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
import redis

from tmdbfusion import PacingBudget, PacingWarning, RedisPacingBudget, TMDBClient
from tmdbfusion.testing import FakeTMDB, Fault, RecordedRequest

from .redis_server import RedisServer

API_KEY = "9ace9ace9ace9ace9ace9ace9ace9ace"
PATH = "/3/configuration/primary_translations"

# One worker process: `calls` requests from `threads` threads (sync) or tasks (async), paced by
# the budget shared through Redis ("shared") or by its own in-process budget ("local").
_WORKER = textwrap.dedent(
    """
    import asyncio, sys, threading
    from tmdbfusion import AsyncTMDBClient, RedisPacingBudget, TMDBClient

    base_url, api_key, mode, redis_url, key, rate, calls, kind, parallel = sys.argv[1:]
    rate, calls, parallel = float(rate), int(calls), int(parallel)

    def options():
        if mode == "shared":
            return {"pacing": RedisPacingBudget(redis_url, rate=rate, key=key)}
        return {"rate_limit": rate}

    shares = [calls // parallel + (i < calls % parallel) for i in range(parallel)]

    def ready():
        # Every worker starts sending at once, when the test says so.
        print("ready", flush=True)
        sys.stdin.readline()

    if kind == "sync":
        with TMDBClient(base_url=base_url, api_key=api_key, **options()) as client:
            ready()
            def work(count):
                for _ in range(count):
                    client.configuration.primary_translations()
            threads = [threading.Thread(target=work, args=(n,)) for n in shares]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    else:
        async def main():
            async with AsyncTMDBClient(base_url=base_url, api_key=api_key, **options()) as client:
                ready()
                async def work(count):
                    for _ in range(count):
                        await client.configuration.primary_translations()
                await asyncio.gather(*(work(n) for n in shares))
        asyncio.run(main())
    print("done")
    """
)


class ArrivalLog:
    """Answers the route and notes when each request arrived (the server's monotonic clock)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> list[str]:
        with self._lock:
            self.times.append(time.monotonic())
        return ["en-US", "de-DE"]


@pytest.fixture
def arrivals() -> ArrivalLog:
    return ArrivalLog()


@pytest.fixture
def tmdb(arrivals: ArrivalLog) -> Iterator[FakeTMDB]:
    with FakeTMDB(api_key=API_KEY) as server:
        server.add_route("GET", PATH, arrivals)
        yield server


def most_in_any_window(times: Sequence[float], window: float) -> int:
    ordered = sorted(times)
    most = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


def run_workers(
    tmdb: FakeTMDB,
    redis_url: str,
    *,
    mode: str,
    rate: float,
    kinds: Sequence[str],
    calls: int,
    parallel: int = 3,
    key: str = "tmdbfusion:pacing",
) -> None:
    def command(kind: str) -> list[str]:
        options = [mode, redis_url, key, str(rate), str(calls), kind, str(parallel)]
        return [sys.executable, "-c", _WORKER, tmdb.url, API_KEY, *options]

    workers = [
        subprocess.Popen(
            command(kind),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for kind in kinds
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready", worker.communicate()[1]
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    for worker in workers:
        out, err = worker.communicate(timeout=50)
        assert worker.returncode == 0, err
        assert out.strip() == "done"
        assert API_KEY not in out + err


RATE, CALLS = 10.0, 10
KINDS = ["sync", "sync", "async", "async"]  # four processes of three threads or tasks each
# At the rate, a window holds RATE requests a second (one more at its edge).  A request sent on
# time but delivered late, when the loaded machine starved its thread, bunches up with the ones
# after it: the slack allows for deliveries up to half a second late.
MOST_IN_ONE_SECOND = 1.5 * RATE
MOST_IN_TWO_SECONDS = 2.5 * RATE


# Starting Python processes on a loaded machine takes a while.
@pytest.mark.slow
@pytest.mark.timeout(180)
def test_processes_sharing_one_budget_stay_within_its_rate_together(
    tmdb: FakeTMDB, redis_url: str, arrivals: ArrivalLog
) -> None:
    run_workers(tmdb, redis_url, mode="shared", rate=RATE, kinds=KINDS, calls=CALLS)
    total = CALLS * len(KINDS)
    assert len(arrivals.times) == total == len(tmdb.requests)
    start = min(arrivals.times)
    seen = [round(moment - start, 3) for moment in sorted(arrivals.times)]
    assert most_in_any_window(arrivals.times, 1.0) <= MOST_IN_ONE_SECOND, seen
    assert most_in_any_window(arrivals.times, 2.0) <= MOST_IN_TWO_SECONDS, seen
    # Together they cannot have been much faster than the budget allows.
    assert seen[-1] >= (total - 1) / RATE * 0.85, seen


# Starting Python processes on a loaded machine takes a while.
@pytest.mark.slow
@pytest.mark.timeout(180)
def test_without_the_shared_budget_the_same_processes_exceed_the_rate(
    tmdb: FakeTMDB, redis_url: str, arrivals: ArrivalLog
) -> None:
    # The measurement above can fail: pacing alone, each process sends at the rate, four together.
    run_workers(tmdb, redis_url, mode="local", rate=RATE, kinds=KINDS, calls=CALLS)
    assert len(arrivals.times) == CALLS * len(KINDS)
    assert most_in_any_window(arrivals.times, 2.0) > MOST_IN_TWO_SECONDS


_PAUSED_WORKER = textwrap.dedent(
    """
    import sys, time
    from tmdbfusion import RedisPacingBudget, TMDBClient

    base_url, api_key, redis_url, key = sys.argv[1:]
    budget = RedisPacingBudget(redis_url, rate=50, key=key)
    with TMDBClient(base_url=base_url, api_key=api_key, pacing=budget) as client:
        print("ready", flush=True)
        sys.stdin.readline()
        started = time.monotonic()
        client.configuration.primary_translations()
    print(started, flush=True)
    """
)


# Starting Python processes on a loaded machine takes a while.
@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_429_seen_by_one_process_pauses_another(
    tmdb: FakeTMDB, redis_url: str, arrivals: ArrivalLog
) -> None:
    pause = 3.0
    tmdb.inject(Fault.rate_limit(pause), path=PATH)
    budget = RedisPacingBudget(redis_url, rate=50, key="tmdbfusion:pacing:paused")
    child = subprocess.Popen(
        [sys.executable, "-c", _PAUSED_WORKER, tmdb.url, API_KEY, redis_url, budget.key],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "ready"
    outcome: list[Any] = []

    def told_to_wait() -> None:
        with TMDBClient(base_url=tmdb.url, api_key=API_KEY, pacing=budget) as client:
            outcome.append(client.configuration.primary_translations())

    thread = threading.Thread(target=told_to_wait)
    thread.start()
    deadline = time.monotonic() + 10
    while not tmdb.requests and time.monotonic() < deadline:
        time.sleep(0.005)
    told_at = time.monotonic()
    child.stdin.write("go\n")
    child.stdin.flush()
    out, err = child.communicate(timeout=50)
    thread.join(timeout=50)
    assert child.returncode == 0, err
    child_started = float(out)
    assert outcome == [["en-US", "de-DE"]]
    # The other process asked within the pause (CLOCK_MONOTONIC is one clock for all processes)
    # and was held until its end, though its own client never saw a 429.
    assert child_started < told_at + pause - 1.0, "the child asked too late to test the pause"
    assert [request.fault is not None for request in tmdb.requests] == [True, False, False]
    assert min(arrivals.times) >= told_at + pause - 0.3
    budget.close()


def test_budgets_with_one_key_book_one_schedule(redis_url: str) -> None:
    first = RedisPacingBudget(redis_url, rate=10, key="tmdbfusion:pacing:schedule")
    second = RedisPacingBudget(redis_url, rate=10, key="tmdbfusion:pacing:schedule")
    other = RedisPacingBudget(redis_url, rate=10, key="tmdbfusion:pacing:elsewhere")
    assert isinstance(first, PacingBudget)
    waits = [budget.reserve() for budget in (first, second, first, second)]
    # Each slot is booked a tenth of a second after the one before, whoever booked it.
    for number, wait in enumerate(waits):
        assert number * 0.1 - 0.05 <= wait <= number * 0.1 + 0.001
    assert other.reserve() == 0.0  # another key is another budget
    for budget in (first, second, other):
        budget.close()


def test_a_burst_is_shared_too(redis_url: str) -> None:
    budgets = [RedisPacingBudget(redis_url, rate=5, burst=3, key="tmdbfusion:b") for _ in range(3)]
    waits = [budget.reserve() for budget in budgets] + [budgets[0].reserve()]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0.1 <= waits[3] <= 0.2 + 0.001
    for budget in budgets:
        budget.close()


def test_a_pause_holds_every_sharer_and_only_extends(redis_url: str) -> None:
    first = RedisPacingBudget(redis_url, rate=100, key="tmdbfusion:p", random=lambda: 0.0)
    second = RedisPacingBudget(redis_url, rate=100, key="tmdbfusion:p", random=lambda: 0.0)
    first.pause(3.0)
    second.pause(1.0)  # a shorter pause does not shorten the longer one
    assert 2.8 <= second.reserve() <= 3.0
    # The state expires once it no longer matters, so an idle budget leaves nothing behind.
    ttl = redis.Redis.from_url(redis_url).pttl("tmdbfusion:p")
    assert 3000 <= ttl <= 4100
    first.close()
    second.close()


@pytest.mark.slow
def test_redis_stopped_mid_run_degrades_to_local_pacing_with_one_warning(
    tmdb: FakeTMDB, own_redis: RedisServer, arrivals: ArrivalLog
) -> None:
    budget = RedisPacingBudget(own_redis.url, rate=20, key="tmdbfusion:pacing")
    with TMDBClient(base_url=tmdb.url, api_key=API_KEY, pacing=budget) as client:
        client.configuration.primary_translations()
        own_redis.stop()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(20):
                assert client.configuration.primary_translations() == ["en-US", "de-DE"]
        pacing_warnings = [w for w in caught if issubclass(w.category, PacingWarning)]
        assert len(pacing_warnings) == 1, [str(w.message) for w in caught]
        assert "paces alone at 20/s" in str(pacing_warnings[0].message)
        assert not budget.healthy
        # Paced locally at the same rate: 20 requests take at least 19 intervals.
        assert max(arrivals.times) - arrivals.times[1] >= 19 / 20 * 0.9
        # Redis comes back: after the cool-down the shared budget is used again.
        own_redis.start()
        budget.cooldown = 0.001
        time.sleep(0.01)
        client.configuration.primary_translations()
        assert budget.healthy
        assert redis.Redis.from_url(own_redis.url).exists("tmdbfusion:pacing")
    budget.close()


@pytest.mark.slow
def test_redis_stopped_under_the_async_client_too(tmdb: FakeTMDB, own_redis: RedisServer) -> None:
    budget = RedisPacingBudget(own_redis.url, rate=50)

    async def scenario() -> list[warnings.WarningMessage]:
        async with tmdb.async_client(pacing=budget) as client:
            await client.configuration.primary_translations()
            own_redis.stop()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                answers = await asyncio.gather(
                    *(client.configuration.primary_translations() for _ in range(10))
                )
            assert answers == [["en-US", "de-DE"]] * 10
            return [w for w in caught if issubclass(w.category, PacingWarning)]

    assert len(asyncio.run(scenario())) == 1
    assert len(tmdb.requests) == 11
    budget.close()


def test_a_redis_that_was_never_there_never_fails_a_call_nor_shows_its_password(
    tmdb: FakeTMDB,
) -> None:
    budget = RedisPacingBudget("redis://:pacing-s3cret@127.0.0.1:1/0", rate=50)
    assert "pacing-s3cret" not in repr(budget)
    with (
        tmdb.client(pacing=budget) as client,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        assert client.configuration.primary_translations() == ["en-US", "de-DE"]
        assert client.configuration.primary_translations() == ["en-US", "de-DE"]
    assert len(caught) == 1 and issubclass(caught[0].category, PacingWarning)
    assert "pacing-s3cret" not in str(caught[0].message)
    assert "***" in str(caught[0].message)


def test_the_budget_and_the_cache_share_one_redis(tmdb: FakeTMDB, redis_url: str) -> None:
    budget = RedisPacingBudget(redis_url, rate=50)
    with tmdb.client(pacing=budget, cache=redis_url) as client:
        client.configuration.primary_translations()
        client.configuration.primary_translations()
        stats = client.cache.stats()
        # The budget's key is neither counted as an entry nor cleared with the cache.
        assert (stats.hits, stats.misses, stats.entries) == (1, 1, 1)
        client.cache.clear()
        assert client.cache.stats().entries == 0
        store = redis.Redis.from_url(redis_url)
        assert store.exists(budget.key)
        # It holds times only: no credential in any key or value.
        for key in store.scan_iter():
            assert API_KEY.encode() not in key
            if store.type(key) == b"hash":
                values = store.hgetall(key)
                assert all(value.isdigit() for value in values.values())
    assert len(tmdb.requests) == 1
    budget.close()


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((None, 40), TypeError, "url must be a Redis URL string"),
        (("http://127.0.0.1:6379", 40), ValueError, "beginning redis://"),
        (("redis://127.0.0.1:port/0", 40), ValueError, "is not a usable Redis URL"),
        (("redis://127.0.0.1:6379/0", None), TypeError, "rate must be a number"),
        (("redis://127.0.0.1:6379/0", "40"), TypeError, "rate must be a number"),
        (("redis://127.0.0.1:6379/0", True), TypeError, "rate must be a number"),
        (("redis://127.0.0.1:6379/0", 0), ValueError, "above 0"),
        (("redis://127.0.0.1:6379/0", float("inf")), ValueError, "above 0"),
    ],
)
def test_bad_arguments_get_a_clear_typed_error(
    arguments: tuple[Any, ...], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        RedisPacingBudget(*arguments)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"burst": 0}, ValueError, "burst must be an int of 1 or more"),
        ({"burst": 2.5}, TypeError, "burst must be an int of 1 or more"),
        ({"key": ""}, ValueError, "key must be a non-empty string"),
        ({"key": 7}, TypeError, "key must be a string"),
        ({"timeout": 0}, ValueError, "timeout must be a number of seconds above 0"),
        ({"timeout": "1"}, TypeError, "timeout must be a number of seconds"),
        ({"cooldown": -1}, ValueError, "cooldown must be a number of seconds above 0"),
    ],
)
def test_bad_options_get_a_clear_typed_error(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        RedisPacingBudget("redis://127.0.0.1:6379/0", 40, **options)


@pytest.mark.parametrize(
    "url", ["http://:hunter2-pw@127.0.0.1:6379", "redis://:hunter2-pw@127.0.0.1:port/0"]
)
def test_a_password_in_a_bad_url_is_not_repeated(url: str) -> None:
    with pytest.raises(ValueError) as raised:
        RedisPacingBudget(url, 40)
    assert "hunter2-pw" not in str(raised.value) and "***" in str(raised.value)


def test_rate_limit_and_a_shared_budget_are_one_or_the_other(redis_url: str) -> None:
    budget = RedisPacingBudget(redis_url, rate=40)
    with pytest.raises(ValueError, match="not both"):
        TMDBClient(api_key=API_KEY, rate_limit=40, pacing=budget)
