"""The approval page's address and the exact messages for a bad token or site."""

from __future__ import annotations

import pytest

from tmdbfusion.login import TMDB_SITE, approval_url


def test_the_token_is_stripped_and_quoted() -> None:
    assert TMDB_SITE == "https://www.themoviedb.org"
    assert approval_url("  rt&x=1 \n") == (
        "https://www.themoviedb.org/auth/access?request_token=rt%26x%3D1"
    )
    assert approval_url("t", site="https://example.test//") == (
        "https://example.test/auth/access?request_token=t"
    )


@pytest.mark.parametrize("token", ["", "   ", None, 7])
def test_a_missing_token_says_where_to_get_one(token: object) -> None:
    with pytest.raises(ValueError) as caught:
        approval_url(token)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "approval_url needs the request_token of client.v4.auth.create_request_token(); "
        "it was empty"
    )


@pytest.mark.parametrize("site", ["ftp://x", "www.themoviedb.org", "", None, b"https://x"])
def test_a_site_that_is_not_http_is_refused_by_name(site: object) -> None:
    with pytest.raises(ValueError) as caught:
        approval_url("abc", site=site)  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"site must be an http(s) URL such as 'https://www.themoviedb.org'; got {site!r}"
    )
