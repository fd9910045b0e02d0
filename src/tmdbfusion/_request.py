"""The prepared request: the httpx request to send, and its redacted description for messages."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import httpx
import msgspec

import tmdbfusion
from tmdbfusion._auth import require_bearer_for_v4
from tmdbfusion._config import ClientConfig
from tmdbfusion._params import check_choices, encode_body, render_path, serialize_query


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
    request : httpx.Request
        The request itself; its URL may hold the API key, so never log it.
    template : str
        The path template it was built from, e.g. ``/3/movie/{movie_id}``.
    """

    method: str
    display_path: str
    request: httpx.Request
    template: str = ""

    def __repr__(self) -> str:
        return f"PreparedRequest({self.method} {self.display_path})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        # msgspec's default would show the request, whose URL may hold the API key.
        return [("method", self.method), ("display_path", self.display_path)]


def prepare_request(
    config: ClientConfig,
    method: str,
    path: str,
    *,
    path_params: Mapping[str, object] | None = None,
    query: Mapping[str, object] | None = None,
    body: Mapping[str, object] | None = None,
    choices: Mapping[str, Collection[str]] | None = None,
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
    headers = {"Accept": "application/json", "User-Agent": user_agent()}
    if config.auth.access_token is not None:
        headers["Authorization"] = f"Bearer {config.auth.access_token}"
    if config.auth.api_key is not None:
        params.append(("api_key", config.auth.api_key))
    if content is not None:
        headers["Content-Type"] = "application/json"
    request = httpx.Request(
        method,
        config.base_url + real_path,
        params=tuple(params),
        headers=headers,
        content=content,
        # Requests built by hand carry no timeout unless told; without this an
        # unresponsive server would hang the caller forever.
        extensions={"timeout": httpx.Timeout(config.timeout).as_dict()},
    )
    return PreparedRequest(method=method, display_path=display_path, request=request, template=path)
