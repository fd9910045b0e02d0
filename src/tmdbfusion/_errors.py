"""Error mapping: turning a failed response or a transport failure into the right exception.

One table (``_ERROR_KINDS``) maps HTTP statuses to exception classes, summaries and advice.
"""

from __future__ import annotations

from typing import Any

import httpx
import msgspec

from tmdbfusion._redact import redact_text
from tmdbfusion._reply import HTTPReply
from tmdbfusion._request import PreparedRequest
from tmdbfusion.exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)


class _TMDBErrorBody(msgspec.Struct):
    """The JSON TMDB sends with most errors; every field may be missing."""

    status_code: int | None = None
    status_message: str | None = None
    errors: list[Any] | None = None


_ERROR_DECODER = msgspec.json.Decoder(_TMDBErrorBody)

_ERROR_KINDS: dict[int, tuple[type[APIError], str, str]] = {
    400: (BadRequestError, "Bad request", "Check the arguments you passed."),
    401: (
        AuthenticationError,
        "Not authenticated",
        "Check your API key or read access token (TMDB_API_KEY / TMDB_ACCESS_TOKEN), "
        "and the session id for account endpoints.",
    ),
    403: (
        PermissionDeniedError,
        "Permission denied",
        "Your credentials are valid but may not do this; check the session or account.",
    ),
    404: (NotFoundError, "Not found", "Check that the id or path exists on TMDB."),
    422: (BadRequestError, "Invalid request", "Check the arguments you passed."),
    429: (
        RateLimitError,
        "Rate limited",
        "Send fewer requests per second, or raise max_retries.",
    ),
}
_SERVER_ERROR = (ServerError, "TMDB server error", "This is on TMDB's side; try again later.")
_OTHER_ERROR = (APIError, "Unexpected response", "See TMDB's status message for details.")


def _parse_error_body(content: bytes) -> _TMDBErrorBody:
    try:
        return _ERROR_DECODER.decode(content)
    except msgspec.DecodeError:
        return _TMDBErrorBody()


def _attempts_note(attempts: int) -> str:
    return f" after {attempts} attempts" if attempts > 1 else ""


def error_from_response(
    response: HTTPReply,
    prepared: PreparedRequest,
    *,
    attempts: int,
    retry_after: float | None,
) -> APIError:
    """Build the exception for a non-2xx response.

    Parameters
    ----------
    response : HTTPReply
        The failed response.
    prepared : PreparedRequest
        The request it answers.
    attempts : int
        How many attempts were made.
    retry_after : float or None
        Seconds the server asked to wait, for :class:`RateLimitError`.

    Returns
    -------
    APIError
        The most specific subclass for the status.
    """
    status = response.status_code
    parsed = _parse_error_body(response.content)
    status_message = parsed.status_message
    if status_message is None and parsed.errors:
        status_message = "; ".join(str(error) for error in parsed.errors)
    if status_message is not None:
        status_message = redact_text(status_message)
    error_class, summary, advice = _ERROR_KINDS.get(
        status, _SERVER_ERROR if status >= 500 else _OTHER_ERROR
    )
    tmdb_part = ""
    if parsed.status_code is not None or status_message is not None:
        code = f"TMDB code {parsed.status_code}" if parsed.status_code is not None else "TMDB"
        tmdb_part = f" ({code}: {status_message})" if status_message else f" ({code})"
    message = (
        f"{summary}: {prepared.method} {prepared.display_path} returned HTTP {status}"
        f"{tmdb_part}{_attempts_note(attempts)}. {advice}"
    )
    if error_class is RateLimitError:
        return RateLimitError(
            message,
            retry_after=retry_after,
            http_status=status,
            tmdb_status_code=parsed.status_code,
            status_message=status_message,
            method=prepared.method,
            path=prepared.display_path,
        )
    return error_class(
        message,
        http_status=status,
        tmdb_status_code=parsed.status_code,
        status_message=status_message,
        method=prepared.method,
        path=prepared.display_path,
    )


def _first_message(exc: BaseException) -> str:
    # The async transports raise httpx errors with empty messages; what happened
    # ("Connection reset by peer") is in an exception further down the chain.
    current: BaseException | None = exc
    for _ in range(8):
        if current is None or not isinstance(current, Exception):
            break  # e.g. the CancelledError behind an async timeout says nothing useful
        if str(current):
            return str(current)
        current = current.__cause__ or current.__context__
    return ""


def error_from_transport(
    exc: httpx.RequestError, prepared: PreparedRequest, *, attempts: int
) -> APIError:
    """Build the exception for a request that got no response.

    Parameters
    ----------
    exc : httpx.RequestError
        What httpx raised.
    prepared : PreparedRequest
        The request that failed.
    attempts : int
        How many attempts were made.

    Returns
    -------
    APIError
        :class:`APITimeoutError` for timeouts, else :class:`APIConnectionError`.
    """
    error_class: type[APIError]
    if isinstance(exc, httpx.TimeoutException):
        error_class = APITimeoutError
        summary = "Timed out waiting for TMDB"
        advice = "Check your network, or give the client a larger timeout= (seconds)."
    else:
        error_class = APIConnectionError
        summary = "Could not talk to TMDB"
        advice = "Check your network connection and the client's base_url."
    detail = redact_text(_first_message(exc))
    reason = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    message = (
        f"{summary}: {prepared.method} {prepared.display_path} failed ({reason})"
        f"{_attempts_note(attempts)}. {advice}"
    )
    return error_class(
        message,
        http_status=None,
        tmdb_status_code=None,
        status_message=None,
        method=prepared.method,
        path=prepared.display_path,
    )
