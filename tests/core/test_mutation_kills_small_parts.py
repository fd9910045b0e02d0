"""Small parts users meet: echoed pages, rich reprs, Accept-Encoding, with_access_token."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field

import pytest

from tmdbfusion import TMDBClient
from tmdbfusion._auth import Auth
from tmdbfusion._request import PreparedRequest, _accept_encoding
from tmdbfusion.login import approval_url
from tmdbfusion.pagination import AsyncPage, SyncPage, requested_page


@dataclass
class Page:
    page: int
    total_pages: int
    total_results: int = 6
    results: list[int] = field(default_factory=lambda: [1, 2])


def never(page: int) -> Page:
    raise AssertionError(f"page {page} should not be fetched")


async def anever(page: int) -> Page:
    raise AssertionError(f"page {page} should not be fetched")


def test_a_page_that_echoes_page_one_for_the_last_page_asked_has_no_next_page() -> None:
    # Asked for page 3 of 3, TMDB answered with page 1 in the body: the walk is over.
    echoed = Page(page=1, total_pages=3)
    assert SyncPage(echoed, never, requested=3).has_next_page() is False
    assert AsyncPage(echoed, anever, requested=3).has_next_page() is False
    assert SyncPage(echoed, never, requested=2).has_next_page() is True
    assert SyncPage(echoed, never).has_next_page() is True


def test_the_rich_reprs_name_their_fields_without_secrets() -> None:
    auth = Auth(api_key="k" * 32, access_token=None)
    assert list(auth.__rich_repr__()) == [("kind", auth.kind)]
    prepared = PreparedRequest(
        method="GET",
        display_path="/3/movie/1",
        url="https://api.themoviedb.org/3/movie/1?api_key=secret",
        headers={},
        content=None,
        timeout={},
    )
    assert list(prepared.__rich_repr__()) == [("method", "GET"), ("display_path", "/3/movie/1")]


@pytest.mark.parametrize(
    ("installed", "expected"),
    [((), "gzip"), (("brotli",), "gzip, br"), (("brotlicffi",), "gzip, br")],
)
def test_brotli_is_asked_for_only_when_a_binding_is_installed(
    monkeypatch: pytest.MonkeyPatch, installed: tuple[str, ...], expected: str
) -> None:
    looked_up: list[str] = []

    def find_spec(name: str) -> object | None:
        looked_up.append(name)
        return object() if name in installed else None

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert _accept_encoding() == expected
    assert looked_up[0] == "brotli"
    assert set(looked_up) <= {"brotli", "brotlicffi"}


@pytest.mark.parametrize("token", ["", "   "])
def test_with_access_token_says_which_token_it_needs(token: str) -> None:
    with TMDBClient(api_key="k" * 32) as client, pytest.raises(ValueError) as caught:
        client.with_access_token(token)
    assert str(caught.value) == (
        "with_access_token needs the user's access token, the access_token field of "
        "client.v4.auth.create_access_token(...); it was empty"
    )


def test_with_access_token_names_the_argument_when_the_token_is_not_a_str() -> None:
    with TMDBClient(api_key="k" * 32) as client, pytest.raises(TypeError) as caught:
        client.with_access_token(12345)  # type: ignore[arg-type]
    assert str(caught.value) == "access_token must be a str; got int"


def test_approval_url_strips_only_slashes_from_the_site() -> None:
    assert approval_url("t", site="https://INBOX/") == "https://INBOX/auth/access?request_token=t"


@pytest.mark.parametrize(
    ("query", "page"), [({}, 1), ({"page": 4}, 4), ({"page": True}, 1), ({"page": "3"}, 1)]
)
def test_the_requested_page_is_an_int_or_the_first(query: dict[str, object], page: int) -> None:
    assert requested_page(query) == page


def test_an_async_resource_repr_names_its_class() -> None:
    import asyncio

    from tmdbfusion import AsyncTMDBClient

    client = AsyncTMDBClient(api_key="k" * 32)
    assert repr(client.movies) == (
        "<AsyncMoviesResource of "
        "AsyncTMDBClient(base_url='https://api.themoviedb.org', auth='api_key')>"
    )
    asyncio.run(client.aclose())
