"""Image URLs from file paths, with TMDB's published sizes or refreshed ones."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
import respx

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.images import ImageURLs

from .fakes import API_KEY

POSTER = "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"
BASE = "https://image.tmdb.org/t/p/"

CONFIGURATION = {
    "change_keys": ["adult", "air_date", "also_known_as"],
    "images": {
        "base_url": "http://image.tmdb.org/t/p/",
        "secure_base_url": "https://images.example.org/tmdb",
        "backdrop_sizes": ["w300", "w780", "w1280", "w1920", "original"],
        "logo_sizes": ["w45", "w92", "original"],
        "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "w1000", "original"],
        "profile_sizes": ["w45", "w185", "h632", "original"],
        "still_sizes": ["w92", "w185", "w300", "original"],
    },
}


@pytest.fixture
def images(make_client: Callable[..., TMDBClient]) -> ImageURLs:
    return make_client().images


@pytest.mark.parametrize(
    ("method", "default_size"),
    [
        ("poster_url", "w500"),
        ("backdrop_url", "w1280"),
        ("profile_url", "w185"),
        ("still_url", "w300"),
        ("logo_url", "w300"),
    ],
)
def test_each_kind_has_a_default_size(images: ImageURLs, method: str, default_size: str) -> None:
    build = getattr(images, method)
    assert build(POSTER) == f"{BASE}{default_size}{POSTER}"
    assert build(POSTER, "original") == f"{BASE}original{POSTER}"
    assert build(None) is None
    assert build("") is None


def test_every_published_size_works_for_its_kind(images: ImageURLs) -> None:
    published = {
        "backdrop": ["w300", "w780", "w1280", "original"],
        "logo": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
        "poster": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
        "profile": ["w45", "w185", "h632", "original"],
        "still": ["w92", "w185", "w300", "original"],
    }
    for kind, sizes in published.items():
        assert list(images.sizes(kind)) == sizes
        build = getattr(images, f"{kind}_url")
        for size in sizes:
            assert build(POSTER, size) == f"{BASE}{size}{POSTER}"


def test_a_path_without_a_leading_slash_is_accepted(images: ImageURLs) -> None:
    assert images.poster_url("abc.jpg", "w92") == f"{BASE}w92/abc.jpg"


def test_a_size_the_kind_lacks_lists_the_valid_ones(images: ImageURLs) -> None:
    with pytest.raises(ValueError) as caught:
        images.poster_url(POSTER, "w1280")
    assert str(caught.value) == (
        "'w1280' is not a poster size; valid sizes: w92, w154, w185, w342, w500, w780, original"
    )
    with pytest.raises(ValueError, match="'h632' is not a still size; valid sizes: w92, w185"):
        images.still_url(None, "h632")
    with pytest.raises(ValueError, match="'w500' is not a profile size"):
        images.profile_url(POSTER, "w500")
    with pytest.raises(ValueError, match="'w92' is not a backdrop size"):
        images.backdrop_url(POSTER, "w92")
    with pytest.raises(ValueError, match="'w780' is not a logo size"):
        images.logo_url(POSTER, "w780")
    with pytest.raises(ValueError, match="kind must be one of: backdrop, logo"):
        images.sizes("banner")


def test_url_takes_any_size_of_any_kind(images: ImageURLs) -> None:
    assert images.url(POSTER, "h632") == f"{BASE}h632{POSTER}"
    assert images.url(POSTER, "w1280") == f"{BASE}w1280{POSTER}"
    assert images.url(POSTER, "original") == f"{BASE}original{POSTER}"
    assert images.url(None, "w45") is None
    with pytest.raises(ValueError, match="'w9999' is not a TMDB image size; valid sizes: w300,"):
        images.url(POSTER, "w9999")


def test_wrong_argument_types(images: ImageURLs) -> None:
    size: Any = 500
    path: Any = 550
    with pytest.raises(TypeError, match="size must be a str such as 'w500'; got int"):
        images.poster_url(POSTER, size)
    with pytest.raises(TypeError, match="path must be a str or None; got int"):
        images.poster_url(path)


def test_refresh_uses_tmdbs_current_configuration(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    route = api.get("/3/configuration").respond(json=CONFIGURATION)
    images = make_client().images
    images.refresh()
    assert route.calls.last.request.url.params["api_key"] == API_KEY
    assert images.secure_base_url == "https://images.example.org/tmdb/"
    assert images.poster_url(POSTER, "w1000") == f"https://images.example.org/tmdb/w1000{POSTER}"
    assert images.backdrop_url(POSTER, "w1920") == (
        f"https://images.example.org/tmdb/w1920{POSTER}"
    )
    with pytest.raises(ValueError, match="'w300' is not a logo size; valid sizes: w45, w92"):
        images.logo_url(POSTER)
    assert repr(images) == "ImageURLs(secure_base_url='https://images.example.org/tmdb/')"


def test_async_images(api: respx.MockRouter) -> None:
    api.get("/3/configuration").respond(json=CONFIGURATION)

    async def main() -> None:
        async with AsyncTMDBClient(API_KEY, http_backend="httpx") as client:
            assert client.images.poster_url(POSTER) == f"{BASE}w500{POSTER}"
            assert client.images.profile_url(None) is None
            await client.images.refresh()
            assert client.images.poster_url(POSTER, "w1000") == (
                f"https://images.example.org/tmdb/w1000{POSTER}"
            )

    asyncio.run(main())
