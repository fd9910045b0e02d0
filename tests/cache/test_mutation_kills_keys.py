"""Cache keys are stable across releases: a store shared by processes of two versions keeps hitting.

The digests are spelled out here, so a change to what goes into a key (which would silently turn
every entry of a shared SQLite file or Redis into a miss) must bump ``KEY_VERSION``.
"""

from __future__ import annotations

import hashlib

import httpx

from tmdbfusion._cache.keys import KEY_VERSION, identify, scope_digest

SESSION = "d7e0c0f5a2b1c3d4e5f60718293a4b5c6d7e8f90"


def digest(*parts: str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode() + b"\x00")
    return hasher.hexdigest()[:32]


def test_a_public_key_is_the_digest_of_host_method_path_and_sorted_query() -> None:
    request = httpx.Request(
        "GET",
        "https://api.themoviedb.org/3/movie/550?language=de&api_key=k&append_to_response=credits",
    )
    identity = identify(request, "/3/movie/550", scoped=False)
    assert KEY_VERSION == "tmdbfusion:1"
    assert identity.key == (
        "tmdbfusion:1|GET /3/movie/550|"
        + digest(
            "https://api.themoviedb.org",
            "GET",
            "/3/movie/550",
            "append_to_response=credits&language=de",
        )
    )
    assert identity.scope is None


def test_the_scope_is_a_separate_digest_of_every_credential() -> None:
    request = httpx.Request(
        "GET",
        f"https://api.themoviedb.org/3/account/1/rated/movies?session_id={SESSION}&api_key=k",
        headers={"Authorization": "Bearer t"},
    )
    scope = digest("scope", "api_key=k", f"session_id={SESSION}", "authorization=Bearer t")
    assert scope_digest(request) == scope
    identity = identify(request, "/3/account/1/rated/movies", scoped=True)
    assert identity.scope == scope
    assert identity.key.endswith(
        digest("https://api.themoviedb.org", "GET", "/3/account/1/rated/movies", "", scope)
    )


def test_a_guest_session_in_the_path_alone_is_a_scope() -> None:
    request = httpx.Request("GET", "https://api.themoviedb.org/3/guest_session/g-123/rated/movies")
    assert scope_digest(request) == digest("scope", "guest_session=g-123")
    other = httpx.Request("GET", "https://api.themoviedb.org/3/guest_session/g-456/rated/movies")
    assert scope_digest(other) != scope_digest(request)
