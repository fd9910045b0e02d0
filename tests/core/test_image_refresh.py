"""images.refresh() with the configuration TMDB really sends: a base URL ending in a slash."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
import respx

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.exceptions import AuthenticationError, NotFoundError

from .fakes import API_KEY

POSTER = "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"
# The shape and values of TMDB's /3/configuration images part.
TMDB_CONFIGURATION = {
    "images": {
        "base_url": "http://image.tmdb.org/t/p/",
        "secure_base_url": "https://image.tmdb.org/t/p/",
        "backdrop_sizes": ["w300", "w780", "w1280", "original"],
        "logo_sizes": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
        "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
        "profile_sizes": ["w45", "w185", "h632", "original"],
        "still_sizes": ["w92", "w185", "w300", "original"],
    },
    "change_keys": ["adult", "air_date"],
}


def test_refresh_keeps_a_single_slash(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    api.get("/3/configuration").respond(json=TMDB_CONFIGURATION)
    images = make_client().images
    images.refresh()
    assert images.secure_base_url == "https://image.tmdb.org/t/p/"
    assert images.poster_url(POSTER) == f"https://image.tmdb.org/t/p/w500{POSTER}"
    assert images.url("pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg", "h632") == (
        f"https://image.tmdb.org/t/p/h632{POSTER}"
    )
    assert repr(images) == "ImageURLs(secure_base_url='https://image.tmdb.org/t/p/')"


def test_async_refresh_keeps_a_single_slash(api: respx.MockRouter) -> None:
    api.get("/3/configuration").respond(json=TMDB_CONFIGURATION)

    async def main() -> str | None:
        async with AsyncTMDBClient(API_KEY, http_backend="httpx") as client:
            await client.images.refresh()
            return client.images.still_url(POSTER, "original")

    assert asyncio.run(main()) == f"https://image.tmdb.org/t/p/original{POSTER}"


def test_a_path_keeps_everything_after_its_leading_slash(
    make_client: Callable[..., TMDBClient],
) -> None:
    # TMDB file names are random letters and digits: one may well start with an X.
    images = make_client().images
    assert images.poster_url("/XxYz.jpg") == "https://image.tmdb.org/t/p/w500/XxYz.jpg"
    assert images.poster_url("XxYz.jpg") == "https://image.tmdb.org/t/p/w500/XxYz.jpg"


def test_a_failed_refresh_names_the_request(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    api.get("/3/configuration").respond(
        status_code=401, json={"status_code": 7, "status_message": "Invalid API key."}
    )
    images = make_client(max_retries=0).images
    with pytest.raises(AuthenticationError) as caught:
        images.refresh()
    assert str(caught.value).startswith(
        "Not authenticated: GET /3/configuration returned HTTP 401 (TMDB code 7: Invalid API key.)"
    )
    assert images.secure_base_url == "https://image.tmdb.org/t/p/"  # the old values stay


def test_a_failed_async_refresh_names_the_request(api: respx.MockRouter) -> None:
    api.get("/3/configuration").respond(status_code=404, json={"status_code": 34})

    async def main() -> str:
        async with AsyncTMDBClient(API_KEY, max_retries=0, http_backend="httpx") as client:
            with pytest.raises(NotFoundError) as caught:
                await client.images.refresh()
            return str(caught.value)

    assert asyncio.run(main()).startswith(
        "Not found: GET /3/configuration returned HTTP 404 (TMDB code 34)."
    )
