"""The pipeline's request flow, driven by hand: no client, no network, no clock."""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Generator

import httpx
import pytest

from tmdbfusion._actions import Action, Reply, Send, Sleep
from tmdbfusion._config import make_config
from tmdbfusion._flow import request_flow
from tmdbfusion._request import PreparedRequest, prepare_request
from tmdbfusion.exceptions import (
    APIConnectionError,
    APIError,
    NotFoundError,
    RateLimitError,
    ResponseValidationError,
    TMDBError,
)

from .fakes import API_KEY, FIGHT_CLUB, MovieDetails


def flow_for_fight_club(
    max_retries: int = 2,
) -> tuple[PreparedRequest, Generator[Action, Reply, MovieDetails]]:
    config = make_config(
        None,
        api_key=API_KEY,
        access_token=None,
        base_url="https://api.themoviedb.org",
        language=None,
        region=None,
        timeout=10.0,
        max_retries=max_retries,
        environ={},
    )
    config = dataclasses.replace(
        config, retry=dataclasses.replace(config.retry, random=lambda: 0.5)
    )
    prepared = prepare_request(config, "GET", "/3/movie/{movie_id}", path_params={"movie_id": 550})
    return prepared, request_flow(config, prepared, MovieDetails)


def test_the_flow_asks_for_io_and_returns_the_decoded_value() -> None:
    prepared, flow = flow_for_fight_club()
    action = next(flow)
    assert action == Send(prepared)
    assert isinstance(action, Send)
    assert action.request is prepared.request
    assert str(action.request.url) == f"https://api.themoviedb.org/3/movie/550?api_key={API_KEY}"

    action = flow.send(httpx.Response(503, request=prepared.request))
    assert action == Sleep(0.25)
    assert flow.send(None) == Send(prepared)
    action = flow.send(httpx.ConnectError("refused"))
    assert action == Sleep(0.5)
    assert flow.send(None) == Send(prepared)
    with pytest.raises(StopIteration) as finished:
        flow.send(httpx.Response(200, json=FIGHT_CLUB, request=prepared.request))
    assert finished.value.value.title == "Fight Club"


def test_the_flow_raises_the_mapped_error_when_retries_run_out() -> None:
    _, flow = flow_for_fight_club(max_retries=1)
    next(flow)
    assert isinstance(flow.send(httpx.ReadError("reset")), Sleep)
    next(flow)
    last = httpx.ReadError("reset again")
    with pytest.raises(APIConnectionError) as caught:
        flow.send(last)
    assert caught.value.__cause__ is last


def test_the_flow_does_not_retry_a_client_error() -> None:
    _, flow = flow_for_fight_club()
    next(flow)
    with pytest.raises(NotFoundError):
        flow.send(httpx.Response(404, json={"status_code": 34}))


def test_a_send_must_be_answered() -> None:
    _, flow = flow_for_fight_club()
    next(flow)
    with pytest.raises(RuntimeError, match="must answer Send with a response"):
        flow.send(None)


@pytest.mark.parametrize(
    "error",
    [
        RateLimitError(
            "Rate limited",
            retry_after=3.0,
            http_status=429,
            tmdb_status_code=25,
            status_message="Too many requests.",
            method="GET",
            path="/3/movie/550",
        ),
        APIError(
            "Unexpected response",
            http_status=405,
            tmdb_status_code=None,
            status_message=None,
            method="DELETE",
            path="/3/movie/550",
        ),
        ResponseValidationError("bad", type_name="MovieDetails", json_path="$.id", body=b"{}"),
        TMDBError("plain"),
    ],
)
def test_errors_survive_pickling(error: TMDBError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)
