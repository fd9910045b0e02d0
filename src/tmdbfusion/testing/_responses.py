"""What the fake TMDB answers with and what it records: error bodies, responses, requests."""

from __future__ import annotations

import http
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from tmdbfusion.images import DEFAULT_CONFIGURATION
from tmdbfusion.testing._faults import JSON_TYPE, Fault

__all__ = [
    "CONFIGURATION_PATH",
    "FakeResponse",
    "Handler",
    "RecordedRequest",
    "RouteAnswer",
    "real_image_configuration",
    "tmdb_error",
    "usual_phrase",
]

# TMDB's own error codes and messages for the statuses the fake answers with.
_TMDB_ERRORS: dict[int, tuple[int, str]] = {
    400: (22, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer."),
    401: (7, "Invalid API key: You must be granted a valid key."),
    403: (3, "Authentication failed: You do not have permissions to access the service."),
    404: (34, "The resource you requested could not be found."),
    422: (47, "The input is not valid."),
    429: (25, "Your request count (#) is over the allowed limit of (40)."),
    500: (11, "Internal error: Something went wrong, contact TMDB."),
    502: (43, "Couldn't connect to the backend server."),
    503: (9, "Service offline: This service is temporarily offline, try again later."),
    504: (24, "Your request to the backend server timed out. Try again."),
}


def tmdb_error(status: int, message: str | None = None) -> dict[str, Any]:
    """TMDB's error body for an HTTP status: ``{"success": false, "status_code": ..., ...}``.

    Parameters
    ----------
    status : int
        The HTTP status, e.g. 404.
    message : str or None
        The ``status_message``; TMDB's usual one for the status by default.
    """
    code, usual = _TMDB_ERRORS.get(status, (11, usual_phrase(status)))
    return {"success": False, "status_code": code, "status_message": message or usual}


def usual_phrase(status: int) -> str:
    """The reason phrase of an HTTP status, e.g. ``Not Found``."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


@dataclass(frozen=True)
class FakeResponse:
    """What a route handler may return for full control of the answer.

    Attributes
    ----------
    status : int
        HTTP status.
    json : Any
        A JSON value (or msgspec Struct) to send; ignored when ``content`` is given.
    content : bytes or None
        The exact body to send.
    content_type : str
        The ``Content-Type`` header.
    headers : Mapping[str, str]
        More response headers.
    """

    status: int = 200
    json: Any = None
    content: bytes | None = None
    content_type: str = JSON_TYPE
    headers: Mapping[str, str] = field(default_factory=dict)

    def body(self) -> bytes:
        """The bytes to send."""
        return self.content if self.content is not None else msgspec.json.encode(self.json)


@dataclass(frozen=True)
class RecordedRequest:
    """A request the fake server received, with every secret replaced by ``***``.

    Attributes
    ----------
    number : int
        Its place among all requests the server received, from 1.
    method : str
        HTTP method.
    path : str
        The path as sent (percent-encoded), without the query string.
    route : str or None
        The route template it matched, e.g. ``/3/movie/{movie_id}``.
    path_params : Mapping[str, str]
        Values of the route's ``{name}`` segments, percent-decoded.
    query : Mapping[str, str]
        Query parameters, decoded; ``api_key`` and session ids are ``***``.
    headers : Mapping[str, str]
        Request headers, names in lower case; ``authorization`` is ``Bearer ***``.
    body : bytes
        The request body, with secret fields masked.
    auth : str
        Which credentials came with it: ``"api_key"``, ``"access_token"``,
        ``"access_token+api_key"``, or ``""``.
    fault : Fault or None
        The fault injected into its answer.
    """

    number: int
    method: str
    path: str
    route: str | None
    path_params: Mapping[str, str]
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    auth: str
    fault: Fault | None

    def json(self) -> Any:
        """The request body decoded as JSON (None when there is no body)."""
        return msgspec.json.decode(self.body) if self.body else None


#: A route's answer: a JSON value, a :class:`FakeResponse`, or a function of the request.
RouteAnswer = Any
Handler = Callable[[RecordedRequest], Any]


CONFIGURATION_PATH = "/3/configuration"


def real_image_configuration() -> dict[str, Any]:
    """The ``images`` part of TMDB's ``/3/configuration``, as TMDB publishes it.

    The values are the ones the SDK builds in (``tmdbfusion.images``), checked against recorded
    answers of TMDB by the tests; ``base_url`` is the plain-HTTP twin of ``secure_base_url``.
    """
    images = msgspec.to_builtins(DEFAULT_CONFIGURATION)
    secure = images["secure_base_url"]
    return {"base_url": "http://" + secure.removeprefix("https://"), **images}
