"""Credentials: the two kinds, the environment fallback, and the missing-credential error."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion._auth import looks_like_access_token
from tmdbfusion.exceptions import MissingCredentialsError, TMDBError

from .fakes import ACCESS_TOKEN, API_KEY, FIGHT_CLUB, MovieDetails


def sent_request(api: respx.MockRouter, client: TMDBClient) -> httpx.Request:
    route = api.get("/3/movie/550").respond(json=FIGHT_CLUB)
    details = client._request(
        "GET", "/3/movie/{movie_id}", path_params={"movie_id": 550}, cast_to=MovieDetails
    )
    assert details.title == "Fight Club"
    request: httpx.Request = route.calls.last.request
    return request


def test_positional_api_key_goes_in_the_query(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    request = sent_request(api, make_client(API_KEY))
    assert request.url.params["api_key"] == API_KEY
    assert "authorization" not in request.headers


def test_positional_access_token_goes_in_the_bearer_header(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    request = sent_request(api, make_client(ACCESS_TOKEN))
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert "api_key" not in request.url.params


def test_explicit_keywords(api: respx.MockRouter, make_client: Callable[..., TMDBClient]) -> None:
    by_key = sent_request(api, make_client(api_key=API_KEY))
    assert by_key.url.params["api_key"] == API_KEY
    by_token = sent_request(api, make_client(access_token=ACCESS_TOKEN))
    assert by_token.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_both_credentials_are_sent_when_both_are_given(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    request = sent_request(api, make_client(api_key=API_KEY, access_token=ACCESS_TOKEN))
    assert request.url.params["api_key"] == API_KEY
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_positional_and_keyword_of_other_kind_combine(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    request = sent_request(api, make_client(ACCESS_TOKEN, api_key=API_KEY))
    assert request.url.params["api_key"] == API_KEY
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_the_environment_prefers_the_access_token(
    api: respx.MockRouter,
    make_client: Callable[..., TMDBClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", ACCESS_TOKEN)
    monkeypatch.setenv("TMDB_API_KEY", API_KEY)
    request = sent_request(api, make_client(None))
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert "api_key" not in request.url.params


def test_the_environment_api_key_is_the_last_resort(
    api: respx.MockRouter,
    make_client: Callable[..., TMDBClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", "   ")
    monkeypatch.setenv("TMDB_API_KEY", API_KEY)
    request = sent_request(api, make_client(None))
    assert request.url.params["api_key"] == API_KEY
    assert "authorization" not in request.headers


def test_an_explicit_credential_wins_over_the_environment(
    api: respx.MockRouter,
    make_client: Callable[..., TMDBClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", ACCESS_TOKEN)
    request = sent_request(api, make_client(API_KEY))
    assert request.url.params["api_key"] == API_KEY
    assert "authorization" not in request.headers


def test_missing_credentials_say_how_to_provide_them() -> None:
    with pytest.raises(MissingCredentialsError) as caught:
        TMDBClient()
    assert isinstance(caught.value, TMDBError)
    message = str(caught.value)
    assert "TMDB_ACCESS_TOKEN" in message
    assert "TMDB_API_KEY" in message
    assert "TMDBClient('<key or token>')" in message
    with pytest.raises(MissingCredentialsError):
        AsyncTMDBClient(api_key="  ")


def test_the_async_client_authenticates_the_same_way(api: respx.MockRouter) -> None:
    route = api.get("/3/movie/550").respond(json=FIGHT_CLUB)

    async def main() -> None:
        for credential in (API_KEY, ACCESS_TOKEN):
            async with AsyncTMDBClient(credential) as client:
                await client._request(
                    "GET",
                    "/3/movie/{movie_id}",
                    path_params={"movie_id": 550},
                    cast_to=MovieDetails,
                )

    asyncio.run(main())
    by_key, by_token = (call.request for call in route.calls)
    assert by_key.url.params["api_key"] == API_KEY
    assert "authorization" not in by_key.headers
    assert by_token.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert "api_key" not in by_token.url.params


@pytest.mark.parametrize(
    ("credential", "expected"),
    [
        (ACCESS_TOKEN, True),
        (API_KEY, False),
        ("eyJhbGciOiJIUzI1NiJ9.only-two-parts", False),
        ("abc.def.ghi", False),
        ("eyJ.a b.c", False),
    ],
)
def test_access_tokens_are_told_apart_by_their_shape(credential: str, expected: bool) -> None:
    assert looks_like_access_token(credential) is expected


def test_a_credential_given_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="access token was given twice"):
        TMDBClient(ACCESS_TOKEN, access_token=ACCESS_TOKEN)
    with pytest.raises(ValueError, match="API key was given twice"):
        TMDBClient(API_KEY, api_key=API_KEY)


def test_credentials_must_be_clean_strings() -> None:
    with pytest.raises(TypeError, match="api_key must be a str; got int"):
        not_a_str: Any = 12345
        TMDBClient(api_key=not_a_str)
    mangled = API_KEY[:10] + "\n" + API_KEY[10:]
    with pytest.raises(ValueError, match="spaces or control characters") as caught:
        TMDBClient(api_key=mangled)
    assert API_KEY[:10] not in str(caught.value)


def test_surrounding_whitespace_is_ignored(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    request = sent_request(api, make_client(f"  {API_KEY}\n"))
    assert request.url.params["api_key"] == API_KEY


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"base_url": "api.themoviedb.org"}, "base_url must be an http"),
        ({"timeout": 0}, "timeout must be a number of seconds greater than 0"),
        ({"max_retries": -1}, "max_retries must be an int of 0 or more"),
        ({"max_retries": True}, "max_retries must be an int of 0 or more"),
        ({"language": ""}, "language must be a non-empty str"),
    ],
)
def test_constructor_options_are_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TMDBClient(API_KEY, **options)
