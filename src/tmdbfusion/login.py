"""The parts of TMDB's user login that are not API calls: the page where the user approves.

The flow (see ``docs/guides/v4-login.md``)::

    token = client.v4.auth.create_request_token(redirect_to="https://app.example/done")
    send_the_user_to(approval_url(token.request_token))      # the user approves on TMDB
    granted = client.v4.auth.create_access_token(request_token=token.request_token)
    user = client.with_access_token(granted.access_token)    # acts as the user
    user.v4.account.lists(granted.account_id)
"""

from __future__ import annotations

from urllib.parse import urlencode

__all__ = ["TMDB_SITE", "approval_url"]

#: TMDB's website, where users approve request tokens.
TMDB_SITE = "https://www.themoviedb.org"


def approval_url(request_token: str, *, site: str = TMDB_SITE) -> str:
    """Return the address of the page where the user approves ``request_token``.

    Parameters
    ----------
    request_token : str
        The ``request_token`` of ``client.v4.auth.create_request_token(...)``.
    site : str
        TMDB's website; a :class:`~tmdbfusion.testing.FakeTMDB` serves the page at its ``url``.

    Returns
    -------
    str
        ``https://www.themoviedb.org/auth/access?request_token=...``

    Raises
    ------
    ValueError
        When the token is empty or ``site`` is not an http(s) URL.
    """
    if not isinstance(request_token, str) or not request_token.strip():
        raise ValueError(
            "approval_url needs the request_token of client.v4.auth.create_request_token(); "
            "it was empty"
        )
    if not isinstance(site, str) or not site.startswith(("https://", "http://")):
        raise ValueError(f"site must be an http(s) URL such as {TMDB_SITE!r}; got {site!r}")
    query = urlencode({"request_token": request_token.strip()})
    return f"{site.rstrip('/')}/auth/access?{query}"
