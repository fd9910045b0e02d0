"""Retry policy: which outcomes are worth another attempt, and how long to wait before it.

Waits asked for by the server (``Retry-After``, ``X-RateLimit-Reset``) are measured
against the response's own ``Date`` and capped; otherwise exponential backoff with
full jitter.  Pure functions of the outcome, the policy and its injected clock and
random source; nothing here sleeps.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timezone
from email.utils import parsedate_to_datetime

import httpx

from tmdbfusion._constants import RETRYABLE_STATUSES
from tmdbfusion._reply import HTTPReply


@dataclass(frozen=True)
class RetryPolicy:
    """When to retry and how long to wait in between.

    Attributes
    ----------
    max_retries : int
        Extra attempts after the first; 0 disables retrying.
    backoff_base : float
        Upper bound, in seconds, of the first backoff wait; it doubles per attempt.
    backoff_cap : float
        Largest upper bound of a backoff wait, in seconds.
    max_server_wait : float
        Largest wait taken from ``Retry-After`` / ``X-RateLimit-Reset``, in seconds.
    clock : Callable[[], float]
        Current Unix time, used when a response carries no ``Date`` header.
    random : Callable[[], float]
        Source of jitter in ``[0, 1)``.
    """

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_server_wait: float = 60.0
    clock: Callable[[], float] = field(default=time.time, compare=False)
    random: Callable[[], float] = field(default=random.random, compare=False)


def is_retryable(outcome: HTTPReply | httpx.RequestError, *, idempotent: bool = True) -> bool:
    """Tell whether another attempt could succeed where this one failed, and do no harm.

    A request that is not idempotent (creating a list, adding an item) is retried only
    when it cannot have reached TMDB (the connection was never made, or no pooled
    connection became free) or when TMDB refused it with 429 before acting on it.
    """
    if not idempotent:
        if isinstance(outcome, HTTPReply):
            return outcome.status_code == 429
        return isinstance(outcome, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    if isinstance(outcome, HTTPReply):
        return outcome.status_code in RETRYABLE_STATUSES
    # TransportError covers connect/read/write failures, timeouts and broken
    # protocols; other RequestErrors (bad redirects, undecodable content) would
    # fail the same way again.
    return isinstance(outcome, httpx.TransportError)


def _unix_time(http_date: str) -> float | None:
    try:
        moment = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _finite_float(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def server_requested_wait(headers: Mapping[str, str], clock: Callable[[], float]) -> float | None:
    """Read how long the server asked us to wait, in seconds, if it said.

    Parameters
    ----------
    headers : Mapping[str, str]
        Response headers (case-insensitive lookups); ``Retry-After`` (seconds or
        HTTP-date) wins over ``X-RateLimit-Reset`` (Unix time).
    clock : Callable[[], float]
        Current Unix time, used only when the response has no ``Date``.

    Returns
    -------
    float or None
        Seconds to wait (0 or more), or None when no usable hint was sent.
    """
    # Dates in these headers are the server's clock; measuring them against the
    # response's own Date header makes the wait immune to local clock skew.
    server_now = _unix_time(headers.get("date", ""))
    now = clock() if server_now is None else server_now
    retry_after = headers.get("retry-after", "").strip()
    if retry_after:
        seconds = _finite_float(retry_after)
        if seconds is None:
            when = _unix_time(retry_after)
            seconds = None if when is None else when - now
        if seconds is not None:
            return max(0.0, seconds)
    reset_at = _finite_float(headers.get("x-ratelimit-reset", "").strip())
    if reset_at is not None:
        return max(0.0, reset_at - now)
    return None


def backoff_wait(policy: RetryPolicy, attempt: int) -> float:
    """Exponential backoff with full jitter after failed attempt number ``attempt``.

    Waits are drawn uniformly from ``[0, min(cap, base * 2 ** (attempt - 1)))``,
    so many clients failing together do not retry in lockstep.
    """
    ceiling = min(policy.backoff_cap, policy.backoff_base * 2.0 ** min(attempt - 1, 64))
    return policy.random() * ceiling


def capped_server_wait(policy: RetryPolicy, headers: Mapping[str, str]) -> float | None:
    """The server's requested wait as the client takes it: capped, and never less than a backoff.

    A wait of 0, a negative one or a date in the past counts as ``policy.backoff_base``
    (retrying at once would only meet the same limit); a huge one (``1e308``) is cut to
    ``policy.max_server_wait``.  This is also what ``RateLimitError.retry_after`` says.
    """
    requested = server_requested_wait(headers, policy.clock)
    if requested is None:
        return None
    if requested <= 0:
        return min(policy.backoff_base, policy.max_server_wait)
    return min(requested, policy.max_server_wait)


def retry_wait(policy: RetryPolicy, attempt: int, outcome: HTTPReply | httpx.RequestError) -> float:
    """Seconds to wait before the attempt after ``attempt``.

    Parameters
    ----------
    policy : RetryPolicy
        The retry rules.
    attempt : int
        Number of the attempt that just failed, from 1.
    outcome : HTTPReply or httpx.RequestError
        How it failed.

    Returns
    -------
    float
        The server's requested wait (see :func:`capped_server_wait`), else a backoff
        wait; a 429 without a hint waits at least ``policy.backoff_base``.
    """
    if isinstance(outcome, HTTPReply):
        requested = capped_server_wait(policy, outcome.headers)
        if requested is not None:
            return requested
        if outcome.status_code == 429:
            return max(policy.backoff_base, backoff_wait(policy, attempt))
    return backoff_wait(policy, attempt)
