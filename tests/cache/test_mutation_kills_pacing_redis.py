"""Fast checks of what a user of RedisPacingBudget sees: errors, repr, stored state, waits, outages.

Every test here runs in well under 0.2 s against a real redis-server on 127.0.0.1, with an
injected clock and jitter wherever the budget takes them, so the mutation run (which leaves
out the slow multi-process tests) sees the same behaviour the slow tests check.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from tmdbfusion import PacingWarning, RedisPacingBudget

from .redis_server import RedisServer

UNREACHABLE = "redis://127.0.0.1:1/0"


class FakeClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def stored(url: str, key: str) -> dict[str, int]:
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        fields = client.hgetall(key)
    finally:
        client.close()
    return {str(name): int(value) for name, value in fields.items()}


def server_micros(url: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        seconds, micros = client.time()
    finally:
        client.close()
    return seconds * 1_000_000 + micros


def pttl(url: str, key: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        return int(client.pttl(key))
    finally:
        client.close()


@pytest.fixture
def budget_factory() -> Iterator[Any]:
    made: list[RedisPacingBudget] = []

    def make(*args: Any, **kwargs: Any) -> RedisPacingBudget:
        budget = RedisPacingBudget(*args, **kwargs)
        made.append(budget)
        return budget

    yield make
    for budget in made:
        budget.close()


# --- bad arguments: exact type and message --------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "options", "error", "message"),
    [
        (
            (7, 40),
            {},
            TypeError,
            "url must be a Redis URL string such as 'redis://127.0.0.1:6379/0'; got int",
        ),
        (
            ("redis://127.0.0.1:6379/0", "40"),
            {},
            TypeError,
            "rate must be a number of requests per second (e.g. rate=40); got str",
        ),
        (
            ("redis://127.0.0.1:6379/0", 0),
            {},
            ValueError,
            "rate must be a number of requests per second above 0; got 0",
        ),
        (
            ("redis://127.0.0.1:6379/0", 40),
            {"burst": 2.5},
            TypeError,
            "burst must be an int of 1 or more; got float",
        ),
        (
            ("redis://127.0.0.1:6379/0", 40),
            {"burst": 0},
            ValueError,
            "burst must be an int of 1 or more; got 0",
        ),
        (
            ("redis://127.0.0.1:6379/0", 40),
            {"key": b"pacing"},
            TypeError,
            "key must be a string naming the shared budget; got bytes",
        ),
        (
            ("redis://127.0.0.1:6379/0", 40),
            {"key": " pacing"},
            ValueError,
            "key must be a non-empty string without surrounding spaces, such as "
            "'tmdbfusion:pacing'; got ' pacing'",
        ),
        (
            ("redis://127.0.0.1:6379/0", 40),
            {"timeout": "1"},
            TypeError,
            "timeout must be a number of seconds; got str",
        ),
        (
            ("redis://127.0.0.1:6379/0", 40),
            {"cooldown": [1]},
            TypeError,
            "cooldown must be a number of seconds; got list",
        ),
        (
            ("redis://127.0.0.1:6379/0", 40),
            {"cooldown": -1},
            ValueError,
            "cooldown must be a number of seconds above 0; got -1",
        ),
    ],
)
def test_a_bad_argument_gets_its_exact_typed_message(
    arguments: tuple[Any, ...], options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        RedisPacingBudget(*arguments, **options)
    assert type(raised.value) is error
    assert str(raised.value) == message


def test_a_rate_below_one_per_second_is_accepted(redis_url: str, budget_factory: Any) -> None:
    budget = budget_factory(redis_url, rate=0.5)
    assert budget.rate == 0.5
    assert budget.reserve() == 0
    # The next slot is two seconds later.
    assert 1.5 < budget.reserve() <= 2.0


def test_an_unusable_url_says_why_without_its_password() -> None:
    with pytest.raises(ValueError) as raised:
        RedisPacingBudget("redis://:hunter2-pw@127.0.0.1:port/0", 40)
    assert str(raised.value) == (
        "url 'redis://:***@127.0.0.1:port/0' is not a usable Redis URL: "
        "Port could not be cast to integer value as 'port'"
    )


def test_an_unusable_url_without_password_says_why() -> None:
    with pytest.raises(ValueError) as raised:
        RedisPacingBudget("redis://127.0.0.1:port/0", 40)
    assert str(raised.value) == (
        "url 'redis://127.0.0.1:port/0' is not a usable Redis URL: "
        "Port could not be cast to integer value as 'port'"
    )


def test_a_password_that_redis_py_repeats_in_its_reason_is_hidden_there_too() -> None:
    # redis-py's reason quotes the bad port; here the password is that same text.
    with pytest.raises(ValueError) as raised:
        RedisPacingBudget("redis://:8o8x@127.0.0.1:8o8x/0", 40)
    assert str(raised.value) == (
        "url 'redis://:***@127.0.0.1:8o8x/0' is not a usable Redis URL: "
        "Port could not be cast to integer value as '***'"
    )


def test_without_the_redis_package_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ImportError) as raised:
        RedisPacingBudget("redis://127.0.0.1:6379/0", 40)
    assert str(raised.value) == (
        "RedisPacingBudget needs the redis package, which is not installed; "
        "install it with: pip install 'tmdbfusion-sdk[redis]'"
    )


# --- attributes, repr, defaults ----------------------------------------------------------


def test_attributes_and_repr(budget_factory: Any) -> None:
    budget = budget_factory("redis://:s3cret-pw@127.0.0.1:6379/2", 40, burst=3, key="app:pace")
    assert (budget.url, budget.rate, budget.burst, budget.key, budget.cooldown) == (
        "redis://:s3cret-pw@127.0.0.1:6379/2",
        40.0,
        3,
        "app:pace",
        30.0,
    )
    assert repr(budget) == (
        "RedisPacingBudget('redis://:***@127.0.0.1:6379/2', rate=40, burst=3, key='app:pace')"
    )
    assert budget.healthy is True


def test_the_default_key_is_tmdbfusion_pacing(redis_url: str, budget_factory: Any) -> None:
    budget = budget_factory(redis_url, rate=1000)
    assert budget.key == "tmdbfusion:pacing"
    budget.reserve()
    assert set(stored(redis_url, "tmdbfusion:pacing")) == {"next_free", "paused_until", "spread"}


class FromUrlSpy:
    """Records the clients the budget makes through redis-py's own ``Redis.from_url``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.clients: list[redis.Redis] = []
        real = redis.Redis.from_url

        def from_url(url: str, **kwargs: Any) -> redis.Redis:
            client = real(url, **kwargs)
            self.clients.append(client)
            return client

        monkeypatch.setattr(redis.Redis, "from_url", from_url)

    def timeouts(self) -> tuple[Any, Any]:
        options = self.clients[-1].connection_pool.connection_kwargs
        return options.get("socket_timeout"), options.get("socket_connect_timeout")


def test_the_connection_uses_the_default_timeout(
    monkeypatch: pytest.MonkeyPatch, budget_factory: Any
) -> None:
    spy = FromUrlSpy(monkeypatch)
    budget_factory("redis://127.0.0.1:6379/0", 40)
    assert spy.timeouts() == (0.5, 0.5)


def test_the_connection_uses_the_given_timeout(
    monkeypatch: pytest.MonkeyPatch, budget_factory: Any
) -> None:
    spy = FromUrlSpy(monkeypatch)
    budget_factory("redis://127.0.0.1:6379/0", 40, timeout=0.25)
    assert spy.timeouts() == (0.25, 0.25)


def test_timeouts_in_the_url_win_one_by_one(
    monkeypatch: pytest.MonkeyPatch, budget_factory: Any
) -> None:
    spy = FromUrlSpy(monkeypatch)
    budget_factory("redis://127.0.0.1:6379/0?socket_timeout=5", 40, timeout=0.25)
    assert spy.timeouts() == (5.0, 0.25)
    budget_factory("redis://127.0.0.1:6379/0?socket_connect_timeout=4", 40, timeout=0.25)
    assert spy.timeouts() == (0.25, 4.0)


def test_a_redis_that_never_answers_times_out_quickly(budget_factory: Any) -> None:
    # A listener that never accepts: the connection opens, the command is never answered.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    budget = budget_factory(f"redis://127.0.0.1:{port}/0", rate=1000, timeout=0.03)
    caught: list[warnings.WarningMessage] = []

    def run() -> None:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            budget.reserve()
        caught.extend(record)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(1.0)
    finished = not thread.is_alive()
    listener.close()  # releases a hung reserve too
    thread.join(2)
    assert finished
    assert [type(w.message) for w in caught] == [PacingWarning]
    assert "(TimeoutError: " in str(caught[0].message)


# --- what the scripts store and answer ----------------------------------------------------


def test_a_burst_is_free_and_then_paced(redis_url: str, budget_factory: Any) -> None:
    # 10/s: the waits are answered, not slept, and leave room for a slow machine.
    budget = budget_factory(redis_url, rate=10, burst=3, key="burst", random=lambda: 0.0)
    before = server_micros(redis_url)
    waits = [budget.reserve() for _ in range(5)]
    after = server_micros(redis_url)
    assert waits[:3] == [0, 0, 0]
    # Later slots follow one per 0.1 s (less the time the calls took).
    assert 0.05 < waits[3] <= 0.1
    assert 0.15 < waits[4] <= 0.2
    state = stored(redis_url, "burst")
    assert state["paused_until"] == 0 and state["spread"] == 0
    assert before + 500_000 <= state["next_free"] <= after + 500_000
    # Kept until the last booked slot, plus a second.
    assert 1_400 < pttl(redis_url, "burst") <= 1_500


def test_a_pause_is_stored_with_its_spread_and_holds_every_sharer(
    redis_url: str, budget_factory: Any
) -> None:
    clock = FakeClock()
    pauser = budget_factory(redis_url, rate=1000, key="p", clock=clock, random=lambda: 0.0)
    sharer = budget_factory(redis_url, rate=1000, key="p", random=lambda: 0.0)
    before = server_micros(redis_url)
    pauser.pause(0.1)
    state = stored(redis_url, "p")
    assert before + 100_000 <= state["paused_until"] <= server_micros(redis_url) + 100_000
    assert state["spread"] == 50_000  # the smallest spread
    assert 0.02 < sharer.reserve() <= 0.1
    assert 0.05 < pauser.reserve() <= 0.1001  # also the local copy: 0.1 s, not more


def test_the_spread_grows_with_the_pause_up_to_a_second(
    redis_url: str, budget_factory: Any
) -> None:
    budget = budget_factory(redis_url, rate=1000, key="s", clock=FakeClock())
    budget.pause(2)
    assert stored(redis_url, "s")["spread"] == 200_000
    budget.pause(30)
    assert stored(redis_url, "s")["spread"] == 1_000_000
    assert 30_000 < pttl(redis_url, "s") <= 31_000


def test_callers_after_a_pause_are_spread_by_the_jitter(
    redis_url: str, budget_factory: Any
) -> None:
    budget = budget_factory(redis_url, rate=1000, key="j", clock=FakeClock(), random=lambda: 0.5)
    budget.pause(1)
    # 1 s, plus half the 0.1 s spread.
    assert 1.0 < budget.reserve() <= 1.05


def test_a_pause_only_extends(redis_url: str, budget_factory: Any) -> None:
    budget = budget_factory(redis_url, rate=1000, key="x", clock=FakeClock(), random=lambda: 0.0)
    budget.pause(5)
    first = stored(redis_url, "x")
    budget.pause(0.01)
    budget.pause(-3)
    assert stored(redis_url, "x")["paused_until"] == first["paused_until"]
    assert 4.5 < budget.reserve() <= 5.0001


# --- outages: one warning, local pacing, cool-down, recovery ------------------------------


def budget_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, PacingWarning)]


def expected_failure(budget: RedisPacingBudget, cooldown: str) -> tuple[str, str]:
    return (
        f"The shared pacing budget ({budget!r}) failed (ConnectionError: ",
        f"); this process paces alone at 1000/s and tries Redis again every {cooldown} s.",
    )


def test_an_unreachable_redis_warns_once_and_paces_locally_at_the_rate(
    budget_factory: Any, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    budget = budget_factory(UNREACHABLE, rate=1000, burst=2, clock=clock, cooldown=0.05)
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        waits = [budget.reserve() for _ in range(4)]
    assert waits == pytest.approx([0, 0, 0.001, 0.002])
    messages = budget_warnings(caught)
    assert len(messages) == 1
    start, end = expected_failure(budget, "0.05")
    assert messages[0].startswith(start) and messages[0].endswith(end)
    assert "127.0.0.1:1" in messages[0]
    assert [r.getMessage() for r in caplog.records if r.name == "tmdbfusion"] == messages
    assert budget.healthy is False
    # The local bucket runs on the injected clock: later, the burst is free again.
    clock.now += 10
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert budget.reserve() == 0
    assert budget_warnings(caught) == []  # one outage, one warning


def test_a_pause_to_an_unreachable_redis_warns_with_the_cause_and_holds_locally(
    budget_factory: Any,
) -> None:
    budget = budget_factory(UNREACHABLE, rate=1000, clock=FakeClock(), random=lambda: 0.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        budget.pause(1)
        wait = budget.reserve()
    messages = budget_warnings(caught)
    assert len(messages) == 1
    start, end = expected_failure(budget, "30")
    assert messages[0].startswith(start) and messages[0].endswith(end)
    assert "connecting to 127.0.0.1:1" in messages[0]
    # 1 s, plus half of the local 0.1 s spread.
    assert wait == pytest.approx(1.05)


def outage(server: RedisServer, budget: RedisPacingBudget, call: Any) -> None:
    server.stop()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    assert len(budget_warnings(caught)) == 1
    assert budget.healthy is False
    server.start()


def test_redis_is_tried_again_exactly_after_the_cooldown_and_recovery_is_logged(
    own_redis: RedisServer, budget_factory: Any, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(100.0)
    budget = budget_factory(own_redis.url, rate=1000, key="r", clock=clock, cooldown=5.0)
    outage(own_redis, budget, budget.reserve)
    caplog.clear()
    clock.now = 104.5
    budget.reserve()
    assert budget.healthy is False and stored(own_redis.url, "r") == {}
    with caplog.at_level(logging.WARNING, logger="tmdbfusion"):
        clock.now = 105.0
        assert budget.reserve() == 0
    assert budget.healthy is True
    assert set(stored(own_redis.url, "r")) == {"next_free", "paused_until", "spread"}
    records = [r for r in caplog.records if r.name == "tmdbfusion"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", f"The shared pacing budget ({budget!r}) answers again; using it.")
    ]
    # Healthy again: no further announcement.
    caplog.clear()
    budget.reserve()
    assert [r for r in caplog.records if r.name == "tmdbfusion"] == []


def test_a_pause_after_the_cooldown_recovers_too(
    own_redis: RedisServer, budget_factory: Any, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(100.0)
    budget = budget_factory(own_redis.url, rate=1000, key="q", clock=clock, cooldown=1.0)
    outage(own_redis, budget, budget.reserve)
    caplog.clear()
    clock.now = 100.5
    budget.pause(0.01)  # within the cool-down: kept locally only
    assert stored(own_redis.url, "q") == {}
    with caplog.at_level(logging.WARNING, logger="tmdbfusion"):
        clock.now = 101.0
        budget.pause(0.01)
    assert budget.healthy is True
    assert stored(own_redis.url, "q")["spread"] == 50_000
    assert [r.getMessage() for r in caplog.records if r.name == "tmdbfusion"] == [
        f"The shared pacing budget ({budget!r}) answers again; using it."
    ]


def test_a_pause_announced_during_an_outage_still_counts_after_recovery(
    own_redis: RedisServer, budget_factory: Any
) -> None:
    clock = FakeClock(100.0)
    budget = budget_factory(own_redis.url, rate=1000, key="o", clock=clock, cooldown=1.0)
    outage(own_redis, budget, lambda: budget.pause(5))
    clock.now = 101.0
    # Redis knows no pause, the budget does: 4 s of it are left.
    assert budget.reserve() == pytest.approx(4.0)
    assert budget.healthy is True
    assert stored(own_redis.url, "o")["paused_until"] == 0


def test_a_healthy_budget_uses_redis_whatever_the_clock_says(
    redis_url: str, budget_factory: Any
) -> None:
    budget = budget_factory(redis_url, rate=1000, key="h", clock=FakeClock(0.0))
    budget.reserve()
    assert set(stored(redis_url, "h")) == {"next_free", "paused_until", "spread"}


# --- close ---------------------------------------------------------------------------------


def connected_clients(url: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        return len(client.client_list()) - 1  # less this one
    finally:
        client.close()


def test_close_closes_the_connection_is_idempotent_and_a_later_call_reconnects(
    redis_url: str,
) -> None:
    budget = RedisPacingBudget(redis_url, rate=1000, key="c")
    budget.reserve()
    assert connected_clients(redis_url) == 1
    budget.close()
    for _ in range(50):
        if connected_clients(redis_url) == 0:
            break
        threading.Event().wait(0.002)
    assert connected_clients(redis_url) == 0
    budget.close()  # a second close does nothing
    budget.close()
    budget.reserve()  # connects again
    assert budget.healthy is True
    assert connected_clients(redis_url) == 1
    budget.close()
