"""Pacing: one budget of request slots shared by every call of a client, and the pause after a 429.

The flow asks for a slot (:class:`~tmdbfusion._actions.Acquire`) before every send,
retries included, and after a 429 pauses the whole budget
(:class:`~tmdbfusion._actions.PauseAll`), so every thread and task of the client waits
out the server's window instead of each call hammering on alone.

The budget is a small protocol, :class:`PacingBudget`, so a budget shared by many
processes (for example one kept in Redis) can stand in for :class:`TokenBucket`::

    class PacingBudget(Protocol):
        def reserve(self) -> float: ...          # take a slot; seconds to wait before sending
        def pause(self, seconds: float) -> None: ...  # no slot before `seconds` from now

Only relative durations cross the protocol, so each implementation keeps its own
clock (a Redis budget would use the server's ``TIME``).  ``reserve`` must not block:
it books the slot and says how long to wait; the sync shell then sleeps and the
async shell awaits, which is why one implementation serves both.  ``reserve`` and
``pause`` are called from many threads at once and must be safe for that.

:class:`TokenBucket` is the in-process budget: the generic cell rate algorithm (a
token bucket kept as one "theoretical arrival time") on an injected clock, under a
``threading.Lock`` held only for the arithmetic.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

__all__ = ["PacingBudget", "TokenBucket"]

#: Callers arriving during a pause start spread over this share of the pause (at most
#: ``_MAX_SPREAD`` seconds), so they do not all fire at the same instant when it ends.
_SPREAD_SHARE = 0.1
_MIN_SPREAD = 0.05
_MAX_SPREAD = 1.0


@runtime_checkable
class PacingBudget(Protocol):
    """Where request slots come from; shared by every call of one client (or of many)."""

    def reserve(self) -> float:
        """Book the next request slot; return the seconds to wait before sending (0 or more)."""
        ...

    def pause(self, seconds: float) -> None:
        """Grant no slot until ``seconds`` from now (a later pause extends, never shortens)."""
        ...


class TokenBucket:
    """An in-process :class:`PacingBudget`: at most ``rate`` sends per second, ``burst`` at once.

    Parameters
    ----------
    rate : float or None
        Requests per second; None paces nothing and only honours pauses.
    burst : int
        Sends allowed back to back after an idle spell.
    clock : Callable[[], float]
        Monotonic seconds.
    random : Callable[[], float]
        Jitter source in ``[0, 1)``.
    """

    def __init__(
        self,
        rate: float | None = None,
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = random.random,
    ) -> None:
        if rate is not None and (
            isinstance(rate, bool)
            or not isinstance(rate, (int, float))
            or not math.isfinite(rate)
            or rate <= 0
        ):
            raise ValueError(
                f"rate_limit must be a number of requests per second above 0, or None; got {rate!r}"
            )
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ValueError(f"burst must be an int of 1 or more; got {burst!r}")
        self.rate = None if rate is None else float(rate)
        self.burst = burst
        self._interval = 0.0 if rate is None else 1.0 / float(rate)
        self._clock = clock
        self._random = random
        self._lock = threading.Lock()
        self._next_free = -math.inf  # the theoretical arrival time of the next slot
        self._paused_until = -math.inf
        self._spread = 0.0

    def reserve(self) -> float:
        """Book the next slot; return the seconds until it (see :class:`PacingBudget`)."""
        with self._lock:
            now = self._clock()
            tolerance = self._interval * (self.burst - 1)
            send_at = max(now, self._next_free - tolerance)
            if self._paused_until > now:
                send_at = max(send_at, self._paused_until + self._random() * self._spread)
            if self._interval:
                self._next_free = max(self._next_free, send_at) + self._interval
            return send_at - now

    def pause(self, seconds: float) -> None:
        """Grant no slot for ``seconds`` from now (see :class:`PacingBudget`)."""
        with self._lock:
            until = self._clock() + max(0.0, seconds)
            if until > self._paused_until:
                self._paused_until = until
                self._spread = min(_MAX_SPREAD, max(_MIN_SPREAD, seconds * _SPREAD_SHARE))

    def __repr__(self) -> str:
        rate = "unpaced" if self.rate is None else f"{self.rate:g}/s"
        return f"TokenBucket({rate}, burst={self.burst})"
