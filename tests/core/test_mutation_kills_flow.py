"""The request flow's DEBUG log lines and attempt counts, exactly as a user reads them."""

from __future__ import annotations

import logging
import re

import httpx
import pytest

from tmdbfusion._actions import Sleep
from tmdbfusion._reply import HTTPReply
from tmdbfusion.exceptions import APIConnectionError, ServerError

from .fakes import FIGHT_CLUB
from .test_flow import flow_for_fight_club, step

LINE = re.compile(r"^GET /3/movie/550 -> (\S+) in \d+ ms \(attempt (\d)/(\d)\)(.*)$")


def test_each_attempt_is_logged_with_its_outcome_attempt_and_wait(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="tmdbfusion")
    prepared, flow = flow_for_fight_club(max_retries=2)
    step(flow)
    first = flow.send(HTTPReply(503, {}, b""))
    step(flow)
    second = flow.send(httpx.ConnectError("refused"))
    assert isinstance(first, Sleep) and isinstance(second, Sleep)
    step(flow)
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(200, json=FIGHT_CLUB, request=prepared.request))
    lines = [r.getMessage() for r in caplog.records if r.name == "tmdbfusion"]
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [m.groups() for m in parsed if m] == [
        ("503", "1", "3", f"; retrying in {first.seconds:.2f} s"),
        ("ConnectError", "2", "3", f"; retrying in {second.seconds:.2f} s"),
        ("200", "3", "3", ""),
    ]
    assert all(r.levelno == logging.DEBUG for r in caplog.records)


def test_the_last_attempt_is_logged_without_a_wait_and_counts_attempts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="tmdbfusion")
    _, flow = flow_for_fight_club(max_retries=1)
    step(flow)
    flow.send(HTTPReply(500, {}, b""))
    step(flow)
    with pytest.raises(ServerError) as caught:
        flow.send(HTTPReply(502, {}, b""))
    assert caught.value.http_status == 502
    assert " after 2 attempts. " in str(caught.value)
    lines = [r.getMessage() for r in caplog.records if r.name == "tmdbfusion"]
    assert lines[-1].endswith("(attempt 2/2)")
    assert lines[-1].startswith("GET /3/movie/550 -> 502 in ")


def test_no_retries_means_one_attempt_and_the_transport_error_as_cause() -> None:
    _, flow = flow_for_fight_club(max_retries=0)
    step(flow)
    failure = httpx.ConnectError("refused")
    with pytest.raises(APIConnectionError) as caught:
        flow.send(failure)
    assert caught.value.__cause__ is failure
    assert " attempts" not in str(caught.value)


def test_nothing_is_logged_above_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tmdbfusion")
    prepared, flow = flow_for_fight_club()
    step(flow)
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(200, json=FIGHT_CLUB, request=prepared.request))
    assert [r for r in caplog.records if r.name == "tmdbfusion"] == []
