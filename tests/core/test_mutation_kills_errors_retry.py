"""Transport error messages and server-requested waits, exactly as a user reads them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate

import httpx
import pytest

from tmdbfusion._config import make_config
from tmdbfusion._errors import _first_message, error_from_transport
from tmdbfusion._request import prepare_request
from tmdbfusion._retry import RetryPolicy, capped_server_wait, is_retryable, server_requested_wait
from tmdbfusion.exceptions import APIConnectionError

NOW = 1_780_000_000.0  # a fixed Unix time, so waits come out exact


def chained(*messages: str) -> httpx.ReadError:
    """A ReadError whose causes carry ``messages``, outermost first ('' for none)."""
    errors: list[BaseException] = [OSError(text) if text else OSError() for text in messages[1:]]
    outer = httpx.ReadError(messages[0])
    current: BaseException = outer
    for inner in errors:
        current.__cause__ = inner  # set by hand: no __context__, as after `raise ... from`
        current = inner
    return outer


def test_the_message_is_found_down_the_cause_chain() -> None:
    assert _first_message(chained("", "", "Connection reset by peer")) == (
        "Connection reset by peer"
    )
    assert _first_message(chained("outer says it", "inner")) == "outer says it"


def test_a_context_without_a_cause_is_followed_too() -> None:
    outer = httpx.ReadError("")
    outer.__context__ = OSError("Broken pipe")
    assert _first_message(outer) == "Broken pipe"


def test_a_chain_without_any_message_gives_an_empty_one() -> None:
    assert _first_message(chained("", "", "")) == ""


def test_the_walk_stops_at_a_cancellation_even_with_a_message_behind_it() -> None:
    outer = httpx.ReadTimeout("")
    cancelled = asyncio.CancelledError()
    outer.__cause__ = cancelled
    cancelled.__cause__ = OSError("what the cancellation interrupted")
    assert _first_message(outer) == ""


def test_the_walk_gives_up_after_eight_links() -> None:
    # A cause chain can be cyclic; eight links are more than any transport nests.
    assert _first_message(chained(*[""] * 8, "too deep")) == ""
    assert _first_message(chained(*[""] * 7, "deep enough")) == "deep enough"


@pytest.fixture
def prepared() -> Iterator[object]:
    config = make_config(
        None,
        api_key="k",
        access_token=None,
        base_url="https://api.themoviedb.org",
        language=None,
        region=None,
        timeout=10.0,
        max_retries=0,
        environ={},
    )
    yield prepare_request(config, "GET", "/3/movie/{movie_id}", path_params={"movie_id": 550})


def test_a_transport_error_without_a_message_is_named_by_its_type_alone(prepared: object) -> None:
    error = error_from_transport(chained("", ""), prepared, attempts=1)  # type: ignore[arg-type]
    assert isinstance(error, APIConnectionError)
    assert str(error) == (
        "Could not talk to TMDB: GET /3/movie/550 failed (ReadError). "
        "Check your network connection and the client's base_url."
    )


def test_a_transport_error_with_a_message_shows_type_and_message(prepared: object) -> None:
    error = error_from_transport(chained("", "reset"), prepared, attempts=3)  # type: ignore[arg-type]
    assert str(error) == (
        "Could not talk to TMDB: GET /3/movie/550 failed (ReadError: reset) after 3 attempts. "
        "Check your network connection and the client's base_url."
    )


def test_a_retry_after_of_zero_waits_one_backoff_base() -> None:
    policy = RetryPolicy(clock=lambda: NOW)
    assert capped_server_wait(policy, {"retry-after": "0"}) == policy.backoff_base == 0.5
    assert capped_server_wait(policy, {"retry-after": "0.25"}) == 0.25


def test_the_default_treats_the_request_as_idempotent() -> None:
    # Without idempotent=, a connection dropped mid-request may be retried (a GET).
    dropped = httpx.ReadError("")
    assert is_retryable(dropped) is True
    assert is_retryable(dropped, idempotent=False) is False


def test_an_http_date_without_a_zone_is_utc_not_local_time(
    set_local_zone: Callable[[str], None],
) -> None:
    set_local_zone("JST-9")  # far from UTC: a date read as local time would be 9 hours off
    # "-0000" is RFC 5322's "UTC, zone unknown": parsed without tzinfo.
    in_90_seconds = formatdate(NOW + 90)
    assert in_90_seconds.endswith("-0000")
    assert server_requested_wait({"retry-after": in_90_seconds}, lambda: NOW) == 90.0


def test_an_http_date_with_an_offset_keeps_its_offset() -> None:
    # The response's Date in +01:00 and Retry-After in GMT describe the same instant + 30 s.
    date = formatdate(NOW + 3600, localtime=False).replace("-0000", "+0100")
    retry_after = formatdate(NOW + 30, usegmt=True)
    assert server_requested_wait({"date": date, "retry-after": retry_after}, time.time) == 30.0
