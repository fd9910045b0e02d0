"""Credentials: telling an API key from an access token, checking them, reading the environment.

:class:`Auth` holds what a client sends and never shows it in its repr.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec

from tmdbfusion._constants import ACCESS_TOKEN_ENV, API_KEY_ENV
from tmdbfusion.exceptions import AccessTokenRequiredError, MissingCredentialsError

# A v4 read access token is a JWT: three base64url parts, the first a JSON
# header, which always encodes to something starting with "eyJ" ('{"').
_JWT = r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"

_HOW_TO_AUTHENTICATE = (
    "Pass your TMDB API key or API Read Access Token to the client, e.g. "
    "TMDBClient('<key or token>'), or set the TMDB_ACCESS_TOKEN or TMDB_API_KEY "
    "environment variable. Both are on https://www.themoviedb.org/settings/api."
)


def looks_like_access_token(credential: str) -> bool:
    """Tell a v4 read access token (a JWT) from a v3 API key."""
    return re.fullmatch(_JWT, credential) is not None


class Auth(msgspec.Struct, frozen=True):
    """The credentials a client sends; its repr never shows them.

    Attributes
    ----------
    api_key : str or None
        v3 API key, sent as the ``api_key`` query parameter.
    access_token : str or None
        v4 read access token, sent as ``Authorization: Bearer ...``.
    """

    api_key: str | None
    access_token: str | None

    @property
    def kind(self) -> str:
        """Name the kind of credential in use, safe to show: e.g. ``"access_token"``."""
        kinds = [
            name
            for name, value in (("access_token", self.access_token), ("api_key", self.api_key))
            if value is not None
        ]
        return "+".join(kinds)

    def __repr__(self) -> str:
        return f"Auth(kind={self.kind!r})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        # msgspec's default would list the fields, and with them the credentials.
        return [("kind", self.kind)]


def _clean_secret(name: str, value: object) -> str | None:
    """Check a credential argument; blank counts as not given."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str; got {type(value).__name__}")
    value = value.strip()
    if not value:
        return None
    if any(char.isspace() or not char.isprintable() for char in value):
        # Never echo the value: it is a secret, even when mangled.
        raise ValueError(
            f"{name} contains spaces or control characters; copy it again from "
            "https://www.themoviedb.org/settings/api"
        )
    return value


def resolve_auth(
    credential: str | None,
    *,
    api_key: str | None,
    access_token: str | None,
    environ: Mapping[str, str],
) -> Auth:
    """Work out which credentials to send.

    Parameters
    ----------
    credential : str or None
        Positional credential: a v4 access token if it is shaped like a JWT,
        otherwise a v3 API key.
    api_key, access_token : str or None
        Explicit credentials.  Both may be given; both are then sent.
    environ : Mapping[str, str]
        Where to look when nothing was given: ``TMDB_ACCESS_TOKEN`` first,
        then ``TMDB_API_KEY``.

    Returns
    -------
    Auth
        The credentials to send.

    Raises
    ------
    MissingCredentialsError
        When no credential was given or found.
    """
    api_key = _clean_secret("api_key", api_key)
    access_token = _clean_secret("access_token", access_token)
    positional = _clean_secret("credential", credential)
    if positional is not None:
        if looks_like_access_token(positional):
            if access_token is not None:
                raise ValueError(
                    "an access token was given twice, positionally and as access_token=; "
                    "pass it once"
                )
            access_token = positional
        else:
            if api_key is not None:
                raise ValueError(
                    "an API key was given twice, positionally and as api_key=; pass it once"
                )
            api_key = positional
    if api_key is None and access_token is None:
        access_token = _clean_secret(ACCESS_TOKEN_ENV, environ.get(ACCESS_TOKEN_ENV))
        if access_token is None:
            api_key = _clean_secret(API_KEY_ENV, environ.get(API_KEY_ENV))
    if api_key is None and access_token is None:
        raise MissingCredentialsError(f"No TMDB credentials found. {_HOW_TO_AUTHENTICATE}")
    return Auth(api_key=api_key, access_token=access_token)


V4_PREFIX = "/4/"


def require_bearer_for_v4(auth: Auth, path: str, method: str) -> None:
    """Refuse a v4 call before sending when the client has no access token.

    TMDB's v4 API accepts only ``Authorization: Bearer``; an API key alone gets a 401, so say
    what to use instead.

    Raises
    ------
    AccessTokenRequiredError
        When ``path`` is a v4 path and ``auth`` holds no access token.
    """
    if not path.startswith(V4_PREFIX) or auth.access_token is not None:
        return
    raise AccessTokenRequiredError(
        f"{method} {path} is part of TMDB's v4 API, which accepts only a Bearer token, and this "
        "client has only an API key. Create the client with your API Read Access Token "
        "(TMDBClient(access_token=...), shown on https://www.themoviedb.org/settings/api), or "
        "act as a logged-in user with client.with_access_token(user_access_token)."
    )


def user_auth(access_token: object) -> Auth:
    """The credentials of a client acting as one user: that user's access token alone."""
    token = _clean_secret("access_token", access_token)
    if token is None:
        raise ValueError(
            "with_access_token needs the user's access token, the access_token field of "
            "client.v4.auth.create_access_token(...); it was empty"
        )
    return Auth(api_key=None, access_token=token)
