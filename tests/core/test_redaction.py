"""Secrets never show up in logs, reprs or exception messages."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import httpx
import msgspec
import pytest
import respx

from tmdbfusion import TMDBClient
from tmdbfusion._actions import Send
from tmdbfusion._redact import redact_text
from tmdbfusion._request import prepare_request
from tmdbfusion.exceptions import (
    APIConnectionError,
    AuthenticationError,
    ResponseValidationError,
    TMDBError,
)

from .fakes import ACCESS_TOKEN, API_KEY, FIGHT_CLUB, MovieDetails, MoviePage, StatusResponse

SESSION_ID = "2629f70fb498edc263a0adb99118ac41f0053e8c"
GUEST_SESSION_ID = "1ce82ec1223641636ad4a60b07de3581"
REQUEST_TOKEN = "ff5c7eeb5a8870efe3cd7fc5c282cffd26800ecd"
PASSWORD = "project mayhem 1999"
SECRETS = [API_KEY, ACCESS_TOKEN, SESSION_ID, GUEST_SESSION_ID, REQUEST_TOKEN, PASSWORD]


class Session(msgspec.Struct):
    success: bool
    session_id: str


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
    # Also no recognisable fragment of the token or key.
    assert API_KEY[:12] not in text
    assert ACCESS_TOKEN.split(".")[2] not in text


def test_logs_reprs_and_errors_never_show_secrets(
    api: respx.MockRouter,
    make_client: Callable[..., TMDBClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(api_key=API_KEY, access_token=ACCESS_TOKEN)
    api.get("/3/movie/550").respond(json=FIGHT_CLUB)
    api.get("/3/account/548/rated/movies").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=page_json_empty())]
    )
    api.get(f"/3/guest_session/{GUEST_SESSION_ID}/rated/movies").respond(
        status_code=401,
        json={"status_code": 3, "status_message": "Authentication failed: guest session."},
    )
    api.post("/3/authentication/session/new").respond(
        content=f'{{"success":true,"session_id":"{SESSION_ID}'.encode(),
        headers={"content-type": "application/json"},
    )
    api.post("/3/authentication/token/validate_with_login").respond(
        status_code=401,
        json={"status_code": 30, "status_message": "Invalid username and/or password."},
    )
    api.get("/3/list/8291").mock(
        side_effect=httpx.ConnectError(
            f"failed GET https://api.themoviedb.org/3/list/8291?api_key={API_KEY}"
            f"&session_id={SESSION_ID}"
        )
    )

    errors: list[TMDBError] = []
    client._request(
        "GET", "/3/movie/{movie_id}", path_params={"movie_id": 550}, cast_to=MovieDetails
    )
    client._request_page(
        "GET",
        "/3/account/{account_id}/rated/movies",
        path_params={"account_id": 548},
        query={"session_id": SESSION_ID},
        cast_to=MoviePage,
    )
    with pytest.raises(AuthenticationError) as unauthenticated:
        client._request_page(
            "GET",
            "/3/guest_session/{guest_session_id}/rated/movies",
            path_params={"guest_session_id": GUEST_SESSION_ID},
            cast_to=MoviePage,
        )
    errors.append(unauthenticated.value)
    assert unauthenticated.value.path == "/3/guest_session/***/rated/movies"
    with pytest.raises(ResponseValidationError) as truncated:
        client._request(
            "POST",
            "/3/authentication/session/new",
            body={"request_token": REQUEST_TOKEN},
            cast_to=Session,
        )
    errors.append(truncated.value)
    assert '"session_id":"***' in str(truncated.value)
    with pytest.raises(AuthenticationError) as bad_login:
        client._request(
            "POST",
            "/3/authentication/token/validate_with_login",
            body={"username": "tyler", "password": PASSWORD, "request_token": REQUEST_TOKEN},
            cast_to=StatusResponse,
        )
    errors.append(bad_login.value)
    with pytest.raises(APIConnectionError) as unreachable:
        client._request(
            "GET",
            "/3/list/{list_id}",
            path_params={"list_id": 8291},
            query={"session_id": SESSION_ID},
            cast_to=StatusResponse,
        )
    errors.append(unreachable.value)
    assert "api_key=***&session_id=***" in str(unreachable.value)

    for error in errors:
        assert_no_secret(str(error))
        assert_no_secret(repr(error))
        # Every attribute but the raw response body, kept verbatim for debugging.
        assert_no_secret(repr({k: v for k, v in vars(error).items() if k != "body"}))
    assert_no_secret(caplog.text)
    assert_no_secret(repr(client))
    assert_no_secret(repr(client._config))
    assert_no_secret(repr(client.images))
    prepared = prepare_request(
        client._config,
        "GET",
        "/3/guest_session/{guest_session_id}/rated/tv",
        path_params={"guest_session_id": GUEST_SESSION_ID},
        query={"session_id": SESSION_ID},
    )
    assert repr(prepared) == "PreparedRequest(GET /3/guest_session/***/rated/tv)"
    assert repr(Send(prepared)) == "Send(GET /3/guest_session/***/rated/tv)"
    assert repr(client) == (
        "TMDBClient(base_url='https://api.themoviedb.org', auth='access_token+api_key')"
    )

    # The records themselves: one per attempt, from our logger, with what matters.
    ours = [record.getMessage() for record in caplog.records if record.name == "tmdbfusion"]
    assert len(ours) == 10  # 1 + 2 (one retry) + 1 + 1 + 1 + 4 (three retries)
    line = re.compile(
        r"^(GET|POST) \S+ -> \S+ in \d+ ms \(attempt \d/4\)(; retrying in [\d.]+ s)?$"
    )
    assert all(line.match(message) for message in ours), ours
    assert ours[0].startswith("GET /3/movie/550 -> 200 in ")
    assert ours[0].endswith("(attempt 1/4)")
    assert ours[1].startswith("GET /3/account/548/rated/movies -> 503 in ")
    assert "(attempt 1/4); retrying in " in ours[1]
    assert ours[2].endswith("(attempt 2/4)")
    assert ours[3].startswith("GET /3/guest_session/***/rated/movies -> 401 in ")
    assert ours[-1].startswith("GET /3/list/8291 -> ConnectError in ")
    assert ours[-1].endswith("(attempt 4/4)")
    assert all(
        record.levelno == logging.DEBUG for record in caplog.records if record.name == "tmdbfusion"
    )

    # httpx logs request URLs itself; the api_key in them is masked too.
    httpx_lines = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert httpx_lines
    assert any("api_key=***" in message for message in httpx_lines)


def page_json_empty() -> dict[str, object]:
    return {"page": 1, "results": [], "total_pages": 0, "total_results": 0}


def test_secret_path_parameters_are_not_echoed_by_argument_errors(
    api: respx.MockRouter, client: TMDBClient
) -> None:
    with pytest.raises(ValueError, match=r"guest_session_id must be a non-empty str; got \*\*\*"):
        client._request(
            "GET",
            "/3/guest_session/{guest_session_id}/rated/movies",
            path_params={"guest_session_id": "   "},
            cast_to=MoviePage,
        )
    with pytest.raises(TypeError) as caught:
        client._request(
            "GET",
            "/3/account/{account_id}",
            path_params={"account_id": 548},
            query={"session_id": {"value": SESSION_ID}},
            cast_to=StatusResponse,
        )
    assert SESSION_ID not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /3/movie/550?api_key={API_KEY}", "GET /3/movie/550?api_key=***"),
        (
            f"?language=en&session_id={SESSION_ID}&guest_session_id={GUEST_SESSION_ID}&page=2",
            "?language=en&session_id=***&guest_session_id=***&page=2",
        ),
        (f'{{"request_token": "{REQUEST_TOKEN}", "x": 1}}', '{"request_token": "***", "x": 1}'),
        (f'{{"password":"{PASSWORD}', '{"password":"***'),
        (f"Authorization: Bearer {ACCESS_TOKEN}", "Authorization: Bearer ***"),
        (f"/3/guest_session/{GUEST_SESSION_ID}/rated", "/3/guest_session/***/rated"),
        ("/3/movie/550?language=en-US&page=1", "/3/movie/550?language=en-US&page=1"),
    ],
)
def test_redact_text(text: str, expected: str) -> None:
    assert redact_text(text) == expected
