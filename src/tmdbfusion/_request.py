"""The prepared request: the httpx request to send, and its redacted description for messages."""

from __future__ import annotations

import importlib.util
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlencode

import httpx
import msgspec

import tmdbfusion
from tmdbfusion._auth import require_bearer_for_v4
from tmdbfusion._config import ClientConfig
from tmdbfusion._params import check_choices, encode_body, render_path, serialize_query


def _accept_encoding() -> str:
    # httpx and aiohttp both decode Brotli when one of these well-kept bindings is installed;
    # offering it otherwise would get an undecodable body.
    if any(importlib.util.find_spec(name) for name in ("brotli", "brotlicffi")):
        return "gzip, br"
    return "gzip"


#: Compression the SDK asks for: TMDB's JSON shrinks 1.7 to 3.1 times with gzip.
ACCEPT_ENCODING = _accept_encoding()


def user_agent() -> str:
    """Return the ``User-Agent`` header value."""
    # Read at call time: this module is imported while tmdbfusion/__init__.py
    # is still running, before __version__ exists.
    return f"tmdbfusion/{tmdbfusion.__version__}"


class PreparedRequest(msgspec.Struct, frozen=True):
    """A request ready to send, with a redacted description for logs and errors.

    Attributes
    ----------
    method : str
        Upper-case HTTP method.
    display_path : str
        The path with secret parameters shown as ``***``, no query string.
    url : str
        The finished URL, query string included; it may hold the API key, so never log it.
    headers : dict[str, str]
        Every header to send (lower-case names).
    content : bytes or None
        The JSON body, if any.
    timeout : dict[str, float or None]
        httpx's ``timeout`` request extension.
    idempotent : bool
        Whether repeating it does no harm; a write that is not is retried only when
        it cannot have reached TMDB.
    template : str
        The path template it was built from, e.g. ``/3/movie/{movie_id}``.
    """

    method: str
    display_path: str
    url: str
    headers: dict[str, str]
    content: bytes | None
    timeout: dict[str, float | None]
    idempotent: bool = False
    template: str = ""

    @property
    def request(self) -> httpx.Request:
        """The request as an ``httpx.Request``, for the httpx backends (built on each call)."""
        return httpx.Request(
            self.method,
            self.url,
            headers=self.headers,
            content=self.content,
            # Requests built by hand carry no timeout unless told; without this an
            # unresponsive server would hang the caller forever.
            extensions={"timeout": self.timeout},
        )

    def __repr__(self) -> str:
        return f"PreparedRequest({self.method} {self.display_path})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        # msgspec's default would show the request, whose URL may hold the API key.
        return [("method", self.method), ("display_path", self.display_path)]


class RequestDefaults:
    """What every request of one configuration shares, worked out once instead of per call.

    Attributes
    ----------
    config : ClientConfig
        The configuration these belong to (a client whose configuration changes makes new ones).
    headers : dict[str, str]
        The headers of every request (copied per request; never mutate).
    auth_query : str
        The encoded ``api_key=...`` query part, or ``""`` with a Bearer token only.
    """

    __slots__ = ("auth_query", "config", "headers")

    def __init__(self, config: ClientConfig) -> None:
        headers = {"accept": "application/json", "accept-encoding": ACCEPT_ENCODING}
        # The user's own http_client headers win over the defaults above; only the user
        # agent and the credential are the SDK's to set.
        headers.update(config.client_headers)
        headers["user-agent"] = user_agent()
        if config.auth.access_token is not None:
            headers["authorization"] = f"Bearer {config.auth.access_token}"
        self.config = config
        self.headers = headers
        api_key = config.auth.api_key
        self.auth_query = urlencode([("api_key", api_key)]) if api_key is not None else ""

    def __repr__(self) -> str:
        return "RequestDefaults(...)"  # the headers and the query hold credentials


def prepare_request(
    config: ClientConfig,
    method: str,
    path: str,
    *,
    path_params: Mapping[str, object] | None = None,
    query: Mapping[str, object] | None = None,
    body: Mapping[str, object] | None = None,
    choices: Mapping[str, Collection[str]] | None = None,
    idempotent: bool = False,
    defaults: RequestDefaults | None = None,
) -> PreparedRequest:
    """Check the caller's arguments and build the HTTP request.

    Parameters
    ----------
    config : ClientConfig
        The client's configuration.
    method : str
        HTTP method.
    path : str
        Path template, e.g. ``/3/movie/{movie_id}``.
    path_params, query, choices
        See :func:`render_path` and :func:`serialize_query`.
    body : Mapping[str, object] or None
        See :func:`encode_body`.
    idempotent : bool
        Whether a write is safe to repeat; reads (GET) always are.
    defaults : RequestDefaults or None
        The shared parts, as the client keeps them for ``config``; made here when None.

    Returns
    -------
    PreparedRequest
        The request and its redacted description.

    Raises
    ------
    TypeError, ValueError
        When an argument is wrong; nothing has been sent.
    """
    method = method.upper()
    require_bearer_for_v4(config.auth, path, method)
    real_path, display_path = render_path(path, path_params)
    if choices:
        # Query parameters are checked while serializing; path and body values here.
        for given in (path_params, body):
            for name, value in (given or {}).items():
                if name in choices and value is not None:
                    check_choices(name, value, choices[name])
    params = serialize_query(query, config=config, choices=choices)
    content = encode_body(body)
    if defaults is None or defaults.config is not config:
        defaults = RequestDefaults(config)
    headers = dict(defaults.headers)
    if content is not None:
        headers["content-type"] = "application/json"
    # A finished URL: httpx parses one string instead of merging a params object into it.
    url = config.base_url + real_path
    query_string = urlencode(params) if params else ""
    if defaults.auth_query:
        query_string = (
            f"{query_string}&{defaults.auth_query}" if query_string else defaults.auth_query
        )
    if query_string:
        url += "?" + query_string
    return PreparedRequest(
        method=method,
        display_path=display_path,
        url=url,
        headers=headers,
        content=content,
        timeout=config.timeout_extension,
        idempotent=idempotent or method in ("GET", "HEAD"),
        template=path,
    )
