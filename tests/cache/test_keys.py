from __future__ import annotations

import httpx
import pytest

from tmdbfusion._cache.keys import KEY_VERSION, identify, request_parts, scope_digest
from tmdbfusion._cache.steps import _sent_parts
from tmdbfusion._config import make_config
from tmdbfusion._request import prepare_request

API_KEY = "3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b"
OTHER_KEY = "0123456789abcdef0123456789abcdef"
SESSION = "e7998e4d72f207a042376f958ff12ae43b47f6c0"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiIzZmExYzBkZSJ9.q8Xz4kP2mN7vB1cR5tY9wE3uI6oA0sD"


def request(path: str, params: list[tuple[str, str]], token: str | None = None) -> httpx.Request:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Request("GET", f"https://api.themoviedb.org{path}", params=params, headers=headers)


def test_key_names_method_and_path_and_leaves_out_the_api_key() -> None:
    identity = identify(
        request("/3/movie/550", [("language", "de"), ("api_key", API_KEY)]),
        "/3/movie/550",
        scoped=False,
    )
    assert identity.key.startswith(f"{KEY_VERSION}|GET /3/movie/550|")
    assert API_KEY not in identity.key


def test_public_calls_with_different_credentials_share_a_key() -> None:
    with_key = identify(
        request("/3/movie/550", [("api_key", API_KEY)]), "/3/movie/550", scoped=False
    )
    other_key = identify(
        request("/3/movie/550", [("api_key", OTHER_KEY)]), "/3/movie/550", scoped=False
    )
    with_token = identify(request("/3/movie/550", [], token=TOKEN), "/3/movie/550", scoped=False)
    assert with_key.key == other_key.key == with_token.key


def test_query_order_does_not_matter_but_values_do() -> None:
    first = identify(
        request("/3/search/movie", [("query", "alien"), ("page", "2")]),
        "/3/search/movie",
        scoped=False,
    )
    swapped = identify(
        request("/3/search/movie", [("page", "2"), ("query", "alien")]),
        "/3/search/movie",
        scoped=False,
    )
    other_page = identify(
        request("/3/search/movie", [("query", "alien"), ("page", "3")]),
        "/3/search/movie",
        scoped=False,
    )
    assert first.key == swapped.key
    assert first.key != other_page.key


def test_the_api_host_is_part_of_the_key() -> None:
    real = request("/3/movie/550", [])
    local = httpx.Request("GET", "http://127.0.0.1:8000/3/movie/550")
    assert (
        identify(real, "/3/movie/550", scoped=False).key
        != identify(local, "/3/movie/550", scoped=False).key
    )


def test_scoped_calls_of_two_sessions_never_share_a_key() -> None:
    path = "/3/movie/550/account_states"
    mine = identify(
        request(path, [("session_id", SESSION), ("api_key", API_KEY)]), path, scoped=True
    )
    theirs = identify(
        request(path, [("session_id", "f" * 40), ("api_key", API_KEY)]), path, scoped=True
    )
    assert mine.key != theirs.key
    assert mine.scope is not None and mine.scope != theirs.scope
    assert SESSION not in mine.key and SESSION not in mine.scope


def test_guest_sessions_are_scopes_and_stay_out_of_the_readable_part() -> None:
    guest = "1ce9f9f9b8c2d7e6a5b4c3d2e1f0a9b8"
    path = f"/3/guest_session/{guest}/rated/movies"
    identity = identify(
        request(path, [("api_key", API_KEY)]), "/3/guest_session/***/rated/movies", scoped=True
    )
    assert guest not in identity.key
    assert "/3/guest_session/***/rated/movies" in identity.key
    other = identify(
        request(path.replace(guest, "0" * 32), []), "/3/guest_session/***/rated/movies", scoped=True
    )
    assert other.key != identity.key


def test_a_request_without_credentials_or_sessions_has_no_scope() -> None:
    assert scope_digest(request("/3/movie/550", [("language", "en")])) is None
    assert scope_digest(request("/3/movie/550", [], token=TOKEN)) is not None


@pytest.mark.parametrize(
    ("base_url", "template", "path_params", "query"),
    [
        ("https://api.themoviedb.org", "/3/movie/{movie_id}", {"movie_id": 550}, {}),
        (
            "https://API.TheMovieDB.org:443",
            "/3/search/movie",
            None,
            {"query": "Amélie & co/50% «ok»", "page": 2, "include_adult": True},
        ),
        ("http://127.0.0.1:8080", "/3/find/{external_id}", {"external_id": "tt 01/.."}, {}),
        ("http://localhost", "/3/find/{external_id}", {"external_id": ".."}, {"language": "de"}),
        (
            "https://api.themoviedb.org",
            "/3/account/{account_id}/rated/movies",
            {"account_id": 7},
            {"session_id": SESSION, "sort_by": "created_at.asc"},
        ),
        (
            "https://api.themoviedb.org",
            "/3/guest_session/{guest_session_id}/rated",
            {"guest_session_id": SESSION},
            {},
        ),
    ],
)
@pytest.mark.parametrize("credential", [{"api_key": API_KEY}, {"access_token": TOKEN}])
def test_keys_read_from_a_prepared_request_equal_the_keys_of_its_httpx_request(
    base_url: str,
    template: str,
    path_params: dict[str, object] | None,
    query: dict[str, object],
    credential: dict[str, str],
) -> None:
    # The cache reads the prepared request without building an httpx.Request; entries stored
    # by earlier versions (keyed from the httpx.Request) must still be found.
    config = make_config(
        None,
        api_key=credential.get("api_key"),
        access_token=credential.get("access_token"),
        base_url=base_url,
        language=None,
        region=None,
        timeout=10.0,
        max_retries=0,
        environ={},
    )
    prepared = prepare_request(config, "GET", template, path_params=path_params, query=query)
    parts = _sent_parts(prepared)
    assert parts == request_parts(prepared.request)
    for scoped in (False, True):
        assert identify(parts, prepared.display_path, scoped=scoped).key == (
            identify(prepared.request, prepared.display_path, scoped=scoped).key
        )
    assert scope_digest(parts) == scope_digest(prepared.request)
