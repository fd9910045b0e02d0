"""The token bucket's exact waits on a fake clock, and its exact messages."""

from __future__ import annotations

import pytest

from tmdbfusion._pacing import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def bucket(
    rate: float | None = None, *, burst: int = 1, jitter: float = 0.5
) -> tuple[TokenBucket, Clock]:
    clock = Clock()
    return TokenBucket(rate, burst=burst, clock=clock, random=lambda: jitter), clock


def test_the_repr_names_the_rate_and_the_burst() -> None:
    assert repr(TokenBucket()) == "TokenBucket(unpaced, burst=1)"
    assert repr(TokenBucket(2.5, burst=3)) == "TokenBucket(2.5/s, burst=3)"
    assert repr(TokenBucket(40)) == "TokenBucket(40/s, burst=1)"


def test_an_int_rate_is_kept_as_a_float_and_the_smallest_burst_is_one() -> None:
    paced = TokenBucket(4, burst=1)
    assert paced.rate == 4.0 and isinstance(paced.rate, float)
    assert paced.burst == 1
    assert TokenBucket().rate is None


@pytest.mark.parametrize("rate", [0, -2, float("nan"), float("inf"), "5", True])
def test_a_bad_rate_is_refused_with_what_was_given(rate: object) -> None:
    with pytest.raises(ValueError) as caught:
        TokenBucket(rate)  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"rate_limit must be a number of requests per second above 0, or None; got {rate!r}"
    )


@pytest.mark.parametrize("burst", [0, -1, 1.5, "2", True, None])
def test_a_bad_burst_is_refused_with_what_was_given(burst: object) -> None:
    with pytest.raises(ValueError) as caught:
        TokenBucket(5, burst=burst)  # type: ignore[arg-type]
    assert str(caught.value) == f"burst must be an int of 1 or more; got {burst!r}"


def test_an_unpaced_bucket_never_waits_until_paused() -> None:
    unpaced, clock = bucket()
    assert [unpaced.reserve() for _ in range(5)] == [0.0] * 5
    clock.now = 3.0
    unpaced.pause(1.0)
    # 1 s, then half of the 0.1 s spread (10 % of the pause).
    assert unpaced.reserve() == pytest.approx(1.05)


def test_a_burst_of_three_sends_three_at_once_then_one_per_interval() -> None:
    paced, clock = bucket(10, burst=3)
    assert [paced.reserve() for _ in range(5)] == pytest.approx([0.0, 0.0, 0.0, 0.1, 0.2])
    clock.now = 100.0  # idle long enough: the whole burst is back
    assert [paced.reserve() for _ in range(4)] == pytest.approx([0.0, 0.0, 0.0, 0.1])


def test_a_short_pause_still_spreads_callers_over_fifty_milliseconds() -> None:
    paused, _ = bucket(jitter=0.5)
    paused.pause(0.1)  # 10 % would be 0.01 s; the spread is at least 0.05 s
    assert paused.reserve() == pytest.approx(0.1 + 0.025)


def test_a_long_pause_spreads_callers_over_one_second_at_most() -> None:
    paused, _ = bucket(jitter=0.5)
    paused.pause(100.0)  # 10 % would be 10 s
    assert paused.reserve() == pytest.approx(100.5)


def test_a_negative_pause_does_not_pause() -> None:
    paused, clock = bucket()
    clock.now = 5.0
    paused.pause(-3.0)
    assert paused.reserve() == 0.0


def test_a_pause_that_has_just_ended_adds_no_jitter() -> None:
    paused, clock = bucket()
    paused.pause(1.0)
    clock.now = 1.0
    assert paused.reserve() == 0.0


def test_a_later_pause_extends_and_one_ending_at_the_same_time_changes_nothing() -> None:
    paused, clock = bucket()
    paused.pause(2.0)  # until 2.0, spread 0.2 s
    clock.now = 1.0
    paused.pause(1.0)  # also until 2.0: the first pause and its spread stand
    assert paused.reserve() == pytest.approx(1.0 + 0.1)
    paused.pause(5.0)  # until 6.0, spread 0.5 s
    assert paused.reserve() == pytest.approx(5.0 + 0.25)


def test_pacing_resumes_after_a_pause_one_interval_apart() -> None:
    paced, _ = bucket(4, jitter=0.0)
    assert paced.reserve() == 0.0
    paced.pause(1.0)
    assert paced.reserve() == pytest.approx(1.0)
    assert paced.reserve() == pytest.approx(1.25)
