"""Items 6 and 8: bad input is refused before anything is sent, saying what to pass."""

from __future__ import annotations

import warnings

import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.testing import FakeTMDB

from .conftest import run_async

KEY = "3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b"
CLIENTS = [TMDBClient, AsyncTMDBClient]


def discard(client: TMDBClient | AsyncTMDBClient) -> None:
    """Close a client made only to check its constructor."""
    if isinstance(client, AsyncTMDBClient):
        run_async(client.aclose())
    else:
        client.close()


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("secret", [KEY[:-1] + "é", KEY[:-1] + "\x00", "Bearer\ttoken"])
def test_non_ascii_or_control_characters_in_credentials_are_refused(cls: type, secret: str) -> None:
    with pytest.raises(ValueError, match="non-ASCII") as caught:
        cls(api_key=secret)
    assert secret not in str(caught.value)


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("name", ["max_connections", "max_keepalive_connections"])
def test_connection_limits_below_one_are_refused(cls: type, name: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be an int of 1 or more"):
        cls(api_key=KEY, **{name: 0})


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("suffix", ["/3", "/3/", "/"])
def test_a_base_url_ending_in_3_is_normalised(tmdb: FakeTMDB, cls: type, suffix: str) -> None:
    client = cls(api_key=KEY, base_url=tmdb.url + suffix)
    assert client._config.base_url == tmdb.url
    if isinstance(client, TMDBClient):
        with client:
            assert client.movies.details(550).id == 550
    else:

        async def main() -> int:
            async with client:
                return (await client.movies.details(550)).id

        assert run_async(main()) == 550
    assert tmdb.requests[-1].path == "/3/movie/550"
    discard(client)


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("url", ["https://api.themoviedb.org?x=1", "https://api.themoviedb.org#a"])
def test_a_base_url_with_query_or_fragment_is_refused(cls: type, url: str) -> None:
    with pytest.raises(ValueError, match=r"pass https://api\.themoviedb\.org"):
        cls(api_key=KEY, base_url=url)


@pytest.mark.parametrize("cls", CLIENTS)
def test_plain_http_to_a_remote_host_warns(cls: type) -> None:
    with pytest.warns(UserWarning, match="cleartext"):
        discard(cls(api_key=KEY, base_url="http://api.themoviedb.org"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        discard(cls(api_key=KEY, base_url="http://127.0.0.1:8080"))
        discard(cls(api_key=KEY, base_url="http://localhost:8080"))


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize(
    ("option", "value"), [("language", "english"), ("language", "EN"), ("region", "germany")]
)
def test_malformed_language_and_region_defaults_are_refused(
    cls: type, option: str, value: str
) -> None:
    with pytest.raises(ValueError, match="ISO"):
        cls(api_key=KEY, **{option: value})


def test_malformed_language_region_and_long_values_are_refused_before_sending(
    tmdb: FakeTMDB,
) -> None:
    with tmdb.client() as client:
        with pytest.raises(ValueError, match="ISO 639-1"):
            client.movies.details(550, language="english")
        with pytest.raises(ValueError, match="ISO 3166-1"):
            client.movies.now_playing(region="germany")
        with pytest.raises(ValueError, match="at most 2,048"):
            client.find.by_id("x" * (1024 * 1024), external_source="imdb_id")
        with pytest.raises(ValueError, match="finite number"):
            client.movies.add_rating(550, value=float("nan"), session_id="s" * 40)
        with pytest.raises(ValueError, match="finite number"):
            client.movies.add_rating(550, value=float("inf"), session_id="s" * 40)
        assert client.movies.details(550, language="pt-BR").id == 550
    assert len(tmdb.requests) == 1

    async def main() -> None:
        async with tmdb.async_client() as client:
            with pytest.raises(ValueError, match="ISO 639-1"):
                await client.movies.details(550, language="english")
            with pytest.raises(ValueError, match="ISO 3166-1"):
                await client.movies.now_playing(region="germany")
            with pytest.raises(ValueError, match="at most 2,048"):
                await client.find.by_id("x" * (1024 * 1024), external_source="imdb_id")
            for value in (float("nan"), float("inf")):
                with pytest.raises(ValueError, match="finite number"):
                    await client.movies.add_rating(550, value=value, session_id="s" * 40)

    run_async(main())
    assert len(tmdb.requests) == 1
