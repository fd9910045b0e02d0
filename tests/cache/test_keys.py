from __future__ import annotations

import httpx

from tmdbfusion._cache.keys import KEY_VERSION, identify, scope_digest

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
