"""The exact words of every refusal a client's constructor gives (``_auth``, ``_config``).

These messages are what a user reads when setting a client up wrong, so each is checked whole:
which argument it names, what it asks for, and that no credential is echoed.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tmdbfusion import TMDBClient
from tmdbfusion._config import check_base_url
from tmdbfusion.exceptions import AccessTokenRequiredError

API_KEY = "0123456789abcdef0123456789abcdef"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJhcHAiOiJ0ZXN0In0.YXBwLXNpZ25hdHVyZQ"
MANGLED_ADVICE = (
    "contains spaces, control or non-ASCII characters; copy it again from "
    "https://www.themoviedb.org/settings/api"
)


def refusal(error: type[Exception], **options: Any) -> str:
    with pytest.raises(error) as raised:
        TMDBClient(**options)
    return str(raised.value)


# --- credentials ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "name"),
    [
        ({"api_key": "abc def"}, "api_key"),
        ({"access_token": "eyJ\tx.y.z"}, "access_token"),
        ({"credential": "clé-de-l-api"}, "credential"),
    ],
)
def test_a_mangled_credential_is_refused_by_its_argument_name(
    options: dict[str, Any], name: str
) -> None:
    assert refusal(ValueError, **options) == f"{name} {MANGLED_ADVICE}"


@pytest.mark.parametrize("name", ["api_key", "access_token", "credential"])
def test_a_credential_that_is_not_a_str_is_refused_by_its_argument_name(name: str) -> None:
    assert refusal(TypeError, **{name: 12345}) == f"{name} must be a str; got int"


def test_a_mangled_access_token_in_the_environment_is_named_by_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", "eyJ broken")
    assert refusal(ValueError) == f"TMDB_ACCESS_TOKEN {MANGLED_ADVICE}"
    monkeypatch.delenv("TMDB_ACCESS_TOKEN")
    monkeypatch.setenv("TMDB_API_KEY", "key\u00e9")
    assert refusal(ValueError) == f"TMDB_API_KEY {MANGLED_ADVICE}"


def test_a_credential_given_twice_says_which_and_to_pass_it_once() -> None:
    assert refusal(ValueError, credential=TOKEN, access_token=TOKEN) == (
        "an access token was given twice, positionally and as access_token=; pass it once"
    )
    assert refusal(ValueError, credential=API_KEY, api_key=API_KEY) == (
        "an API key was given twice, positionally and as api_key=; pass it once"
    )


def test_a_v4_call_with_only_an_api_key_says_what_to_use_instead() -> None:
    with TMDBClient(api_key=API_KEY) as client, pytest.raises(AccessTokenRequiredError) as raised:
        client.v4.lists.details(1)
    assert str(raised.value) == (
        "GET /4/list/{list_id} is part of TMDB's v4 API, which accepts only a Bearer token, "
        "and this client has only an API key. Create the client with your API Read Access "
        "Token (TMDBClient(access_token=...), shown on https://www.themoviedb.org/settings/api"
        "), or act as a logged-in user with client.with_access_token(user_access_token)."
    )


# --- language, region, timeout ----------------------------------------------------------------


def test_a_bad_language_or_region_is_refused_by_name_with_an_example() -> None:
    assert refusal(ValueError, api_key=API_KEY, language="english") == (
        "language must be an ISO 639-1 code, optionally with an ISO 3166-1 country, "
        "such as 'en' or 'pt-BR'; got 'english'"
    )
    assert refusal(ValueError, api_key=API_KEY, region="us") == (
        "region must be an ISO 3166-1 country code such as 'US' or 'DE'; got 'us'"
    )
    assert refusal(ValueError, api_key=API_KEY, region=" ") == (
        "region must be a non-empty str or None; got ' '"
    )


@pytest.mark.parametrize("timeout", [True, False, "30", 0, -1.5])
def test_a_timeout_that_is_not_a_positive_number_is_refused(timeout: object) -> None:
    assert refusal(ValueError, api_key=API_KEY, timeout=timeout) == (
        f"timeout must be a number of seconds greater than 0; got {timeout!r}"
    )


# --- base_url -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    [
        "https://api.themoviedb.org?",
        "https://api.themoviedb.org/?language=en",
        "https://api.themoviedb.org#",
        "https://api.themoviedb.org/#top",
    ],
)
def test_a_base_url_with_a_query_or_fragment_is_refused_with_the_url_to_pass(
    base_url: str,
) -> None:
    assert refusal(ValueError, api_key=API_KEY, base_url=base_url) == (
        "base_url must be a scheme and host only, without ?query or #fragment; "
        "pass https://api.themoviedb.org"
    )


@pytest.mark.parametrize("base_url", ["https://", "http:///3", "https://:443"])
def test_a_base_url_without_a_host_is_refused(base_url: str) -> None:
    assert refusal(ValueError, api_key=API_KEY, base_url=base_url) == (
        "base_url has no host name; pass the API's address, such as https://api.themoviedb.org"
    )


def test_only_trailing_slashes_and_the_version_are_dropped_from_base_url() -> None:
    # A proxy under a path keeps every character of it.
    assert check_base_url("https://cache.internal.test/tmdb/BOX//") == (
        "https://cache.internal.test/tmdb/BOX"
    )
    assert check_base_url("https://api.themoviedb.org/3/") == "https://api.themoviedb.org"


@pytest.mark.parametrize(
    "base_url",
    [
        "http://localhost:8080",
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
        "http://tmdb.test",
        "http://TMDB.Localhost:9000",
        "http://api.invalid",
        "http://fake.EXAMPLE",
    ],
)
def test_plain_http_to_a_loopback_or_reserved_name_does_not_warn(base_url: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_base_url(base_url) == base_url


def test_plain_http_to_any_other_host_warns_about_cleartext_credentials() -> None:
    with pytest.warns(UserWarning) as caught:
        check_base_url("http://tmdb-proxy.example.com/3")
    assert [str(warning.message) for warning in caught] == [
        "base_url http://tmdb-proxy.example.com is plain http://: your TMDB credentials would "
        "travel in cleartext; use https:// unless this is a test server"
    ]
