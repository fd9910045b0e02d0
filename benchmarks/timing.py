"""Timing that holds up on a small, shared machine: interleaved variants, medians of rounds.

The compared variants run in turn within every round, in a rotating order, so that a burst of
load from elsewhere slows all of them rather than one.  Ratios are medians over rounds of the
ratio within each round; absolute times are medians over rounds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import repeat


@dataclass(frozen=True)
class Effort:
    """How long to measure: rounds of samples, and seconds per sample.

    Attributes
    ----------
    rounds : int
        Samples taken of each variant; the figure is their median.
    sample_seconds : float
        Roughly how long one sample of one variant runs (its call count is calibrated to it).
    """

    rounds: int
    sample_seconds: float


FULL = Effort(rounds=31, sample_seconds=0.01)
QUICK = Effort(rounds=2, sample_seconds=0.001)


def _time_calls(function: Callable[[], object], number: int) -> float:
    """Seconds per call of ``function``, over ``number`` calls."""
    start = time.perf_counter()
    for _ in repeat(None, number):
        function()
    return (time.perf_counter() - start) / number


def calls_per_sample(function: Callable[[], object], sample_seconds: float) -> int:
    """How many calls of ``function`` take about ``sample_seconds`` (at least one)."""
    function()  # warm caches and lazily built state before judging the speed
    number = 1
    while True:
        elapsed = _time_calls(function, number) * number
        if elapsed >= sample_seconds / 10 or number >= 1 << 20:
            break
        number *= 4
    per_call = elapsed / number
    return max(1, round(sample_seconds / per_call))


def rotated(names: list[str], round_index: int) -> list[str]:
    """``names`` starting at position ``round_index`` (modulo its length)."""
    shift = round_index % len(names)
    return names[shift:] + names[:shift]


@dataclass(frozen=True)
class Samples:
    """Seconds per call of each variant, one sample per round, rounds in step.

    Attributes
    ----------
    seconds : dict[str, list[float]]
        By variant name, the seconds per call measured in each round.
    cpu : dict[str, list[float]]
        By variant name, this process's CPU seconds per call in each round (the time spent
        waiting for a server left out).
    """

    seconds: dict[str, list[float]]
    cpu: dict[str, list[float]] = field(default_factory=dict)

    def cpu_median(self, name: str) -> float:
        """Median CPU seconds per call of one variant."""
        return statistics.median(self.cpu[name])

    def median(self, name: str) -> float:
        """Median seconds per call of one variant."""
        return statistics.median(self.seconds[name])

    def ratio(self, name: str, other: str) -> float:
        """Median over rounds of ``name``'s time divided by ``other``'s in the same round.

        Samples of one round are taken back to back, so they share whatever else the machine
        was doing; their ratio cancels most of it, and the median drops rounds a burst split.
        """
        pairs = zip(self.seconds[name], self.seconds[other], strict=True)
        return statistics.median(mine / theirs for mine, theirs in pairs)


def interleaved(variants: Mapping[str, Callable[[], object]], effort: Effort) -> Samples:
    """Time the variants in turn, in a rotating order, for ``effort.rounds`` rounds.

    Parameters
    ----------
    variants : Mapping[str, Callable[[], object]]
        The functions to compare, by name; each is called with no arguments.
    effort : Effort
        Rounds, and the length of one sample.

    Returns
    -------
    Samples
        Seconds per call of every variant in every round.
    """
    numbers = {
        name: calls_per_sample(function, effort.sample_seconds)
        for name, function in variants.items()
    }
    seconds: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for round_index in range(effort.rounds):
        for name in rotated(names, round_index):
            cpu_start = time.process_time()
            seconds[name].append(_time_calls(variants[name], numbers[name]))
            cpu[name].append((time.process_time() - cpu_start) / numbers[name])
    return Samples(seconds, cpu)
