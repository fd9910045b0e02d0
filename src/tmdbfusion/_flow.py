"""The sans-IO request flow: one API call, with retries, as a generator of I/O actions.

This is the only place where decisions about a call are made: whether an outcome
is a success, whether to retry and after how long, and which exception to raise.
:func:`request_flow` yields :class:`~tmdbfusion._actions.Acquire` (a pacing slot)
before every :class:`~tmdbfusion._actions.Send`, :class:`~tmdbfusion._actions.Sleep`
between retries and :class:`~tmdbfusion._actions.PauseAll` after a 429; it is answered
with the response (an :class:`~tmdbfusion._reply.HTTPReply`, which every backend builds
from its own response; an ``httpx.Response`` is wrapped in one) or the transport exception for a
``Send``, and None otherwise.  The sync and the
async clients, and any other I/O backend, drive it the same way; the tests drive
it with ``send()`` alone, without a network or a real clock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator
from typing import TypeVar

import httpx

from tmdbfusion._actions import Acquire, Action, PauseAll, Reply, Send, Sleep
from tmdbfusion._cache.context import CacheSettings
from tmdbfusion._cache.steps import Miss, plan_cache
from tmdbfusion._config import ClientConfig
from tmdbfusion._decode import decode_success
from tmdbfusion._errors import error_from_response, error_from_transport
from tmdbfusion._reply import HTTPReply
from tmdbfusion._request import PreparedRequest
from tmdbfusion._retry import capped_server_wait, is_retryable, retry_wait

T = TypeVar("T")

logger = logging.getLogger("tmdbfusion")


def _send(
    prepared: PreparedRequest,
) -> Generator[Action, Reply, HTTPReply | httpx.RequestError]:
    # Every send, retries too, takes a slot: the pacing budget and a 429 pause apply to all.
    yield Acquire()
    reply = yield Send(prepared)
    if isinstance(reply, (HTTPReply, httpx.RequestError)):
        return reply
    if isinstance(reply, httpx.Response):
        return HTTPReply.from_httpx(reply)
    raise RuntimeError("the I/O shell must answer Send with a response or an httpx error")


def _log_attempt(
    prepared: PreparedRequest,
    outcome: HTTPReply | httpx.RequestError,
    elapsed_ms: float,
    attempt: int,
    attempts: int,
    wait: float | None,
) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return
    result = str(outcome.status_code) if isinstance(outcome, HTTPReply) else type(outcome).__name__
    retrying = "" if wait is None else f"; retrying in {wait:.2f} s"
    logger.debug(
        "%s %s -> %s in %.0f ms (attempt %d/%d)%s",
        prepared.method,
        prepared.display_path,
        result,
        elapsed_ms,
        attempt,
        attempts,
        retrying,
    )


def request_flow(
    config: ClientConfig,
    prepared: PreparedRequest,
    cast_to: type[T],
    cache: CacheSettings | None = None,
) -> Generator[Action, Reply, T]:
    """Perform one API call with retries, as a sequence of I/O actions.

    Parameters
    ----------
    config : ClientConfig
        Supplies the retry policy.
    prepared : PreparedRequest
        The request to send.
    cast_to : type
        What to decode a successful body into.
    cache : CacheSettings or None
        The client's cache: a fresh entry answers without any request (no pacing, no
        retry); a new response is stored once it has decoded; a write bumps what it changes.

    Yields
    ------
    Acquire, Send, Sleep, PauseAll, CacheRead or CacheWrite
        The I/O to perform next.

    Returns
    -------
    T
        The decoded body of the successful response.

    Raises
    ------
    APIError
        The mapped failure, once retrying is over.
    ResponseValidationError
        When a successful body cannot be decoded.
    """
    plan = plan_cache(cache, prepared, cast_to)
    if plan is not None:
        cached = yield from plan.look_up()
        if not isinstance(cached, Miss):
            return cached
        prepared = plan.prepared
    policy = config.retry
    attempts = policy.max_retries + 1
    attempt = 1
    while True:
        started = time.perf_counter()
        outcome = yield from _send(prepared)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if isinstance(outcome, HTTPReply) and (
            outcome.is_success or (plan is not None and plan.is_revalidated(outcome))
        ):
            _log_attempt(prepared, outcome, elapsed_ms, attempt, attempts, None)
            if config.unknown_fields is not None:  # "ignore" (the default) pays only this test
                config.unknown_fields.check(outcome.content, cast_to)
            if plan is None:
                return decode_success(outcome, cast_to, prepared.method)
            return (yield from plan.complete(outcome))
        may_retry = attempt < attempts and is_retryable(outcome, idempotent=prepared.idempotent)
        wait = retry_wait(policy, attempt, outcome) if may_retry else None
        _log_attempt(prepared, outcome, elapsed_ms, attempt, attempts, wait)
        if wait is None:
            if isinstance(outcome, HTTPReply):
                requested = capped_server_wait(policy, outcome.headers)
                raise error_from_response(
                    outcome, prepared, attempts=attempt, retry_after=requested
                )
            raise error_from_transport(outcome, prepared, attempts=attempt) from outcome
        if isinstance(outcome, HTTPReply) and outcome.status_code == 429:
            # The limit is the client's (TMDB counts per IP), so every call waits it out.
            yield PauseAll(wait)
        else:
            yield Sleep(wait)
        attempt += 1
