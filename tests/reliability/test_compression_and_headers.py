"""gzip is asked for and decoded; a user's own http_client headers are sent; on every backend."""

from __future__ import annotations

import gzip
from collections.abc import Callable

import httpx
import pytest

from tests.reliability.conftest import run_async
from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.testing import FakeResponse, FakeTMDB

KEY = "3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b"


def serve_gzipped_movie(tmdb: FakeTMDB) -> bytes:
    """Answer /3/movie/{id} with the fake's own movie body, gzip-compressed; return it plain."""
    plain = httpx.get(f"{tmdb.url}/3/movie/550", params={"api_key": KEY}).content
    assert plain.startswith(b"{")
    packed = gzip.compress(plain)
    assert len(packed) < len(plain)
    tmdb.add_route(
        "GET",
        "/3/movie/{movie_id}",
        FakeResponse(content=packed, headers={"Content-Encoding": "gzip"}),
    )
    tmdb.reset()
    return plain


def test_sync_client_asks_for_gzip_and_decodes_it(tmdb: FakeTMDB) -> None:
    plain = serve_gzipped_movie(tmdb)
    with tmdb.client() as client:
        movie = client.movies.details(550)
    assert movie.title and movie.id is not None
    assert "gzip" in tmdb.requests[-1].headers["accept-encoding"]
    assert movie.title in plain.decode()


def test_async_client_asks_for_gzip_and_decodes_it(tmdb: FakeTMDB, async_backend: str) -> None:
    plain = serve_gzipped_movie(tmdb)

    async def main() -> str:
        async with tmdb.async_client() as client:
            movie = await client.movies.details(550)
            return movie.title

    title = run_async(main())
    assert title and title in plain.decode()
    assert "gzip" in tmdb.requests[-1].headers["accept-encoding"]


def test_sync_client_keeps_the_users_headers_and_sets_auth_and_agent(tmdb: FakeTMDB) -> None:
    http = httpx.Client(headers={"X-Team": "movies", "User-Agent": "mine/1", "Accept": "*/*"})
    with http, TMDBClient(access_token="eyJ" + "a" * 40, base_url=tmdb.url, http_client=http) as c:
        c.movies.details(550)
    sent = tmdb.requests[-1].headers
    assert sent["x-team"] == "movies"
    assert sent["accept"] == "*/*"  # the user's choice, kept
    assert sent["user-agent"].startswith("tmdbfusion/")
    assert sent["authorization"] == "Bearer ***"


def test_async_client_keeps_the_users_headers(tmdb: FakeTMDB) -> None:
    async def main() -> None:
        async with httpx.AsyncClient(headers={"X-Team": "movies"}) as http:
            client = AsyncTMDBClient(KEY, base_url=tmdb.url, http_client=http)
            async with client:
                await client.movies.details(550)

    run_async(main())
    sent = tmdb.requests[-1].headers
    assert sent["x-team"] == "movies"
    assert sent["user-agent"].startswith("tmdbfusion/")


@pytest.mark.parametrize(
    ("options", "error", "says"),
    [
        ({"http_backend": "curl"}, ValueError, "http_backend must be one of auto, httpx, aiohttp"),
        (
            {"http_backend": "aiohttp", "http_client": "make"},
            ValueError,
            "sends with aiohttp, not with the given http_client",
        ),
    ],
)
def test_a_wrong_backend_choice_is_refused(
    options: dict[str, object], error: type[Exception], says: str
) -> None:
    async def main() -> None:
        async with httpx.AsyncClient() as http:
            given = {k: (http if v == "make" else v) for k, v in options.items()}
            with pytest.raises(error, match=says):
                AsyncTMDBClient(KEY, **given)  # type: ignore[arg-type]

    run_async(main())


def test_auto_uses_aiohttp_when_installed() -> None:
    pytest.importorskip("aiohttp")
    from tmdbfusion._aiohttp import AiohttpSender

    choose: Callable[..., AsyncTMDBClient] = AsyncTMDBClient
    client = choose(KEY)
    assert isinstance(client._http, AiohttpSender)
    run_async(client.aclose())
