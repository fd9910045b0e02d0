"""Exceptions raised by tmdbfusion.

Every exception derives from :class:`TMDBError`, so one ``except TMDBError``
catches anything the SDK raises on purpose::

    TMDBError
    ├── MissingCredentialsError      no API key or access token was found
    │   └── AccessTokenRequiredError a v4 call on a client with only an API key
    ├── ClientClosedError            the client was used after close()
    ├── ResponseValidationError      a 2xx body did not match the expected type
    │   ├── ResponseTooLargeError    a body grew past max_response_bytes
    │   └── UnknownFieldError        a key no model declares, with unknown_fields="error"
    └── APIError                     TMDB answered with an error (or never answered)
        ├── BadRequestError          HTTP 400 and 422
        ├── AuthenticationError      HTTP 401
        ├── PermissionDeniedError    HTTP 403
        ├── NotFoundError            HTTP 404
        ├── RateLimitError           HTTP 429
        └── ServerError              HTTP 5xx
            ├── APIConnectionError   the connection failed (http_status is None)
            └── APITimeoutError      the request timed out (http_status is None)

Other 4xx statuses raise a plain :class:`APIError`.  With ``unknown_fields="warn"`` a
client emits :class:`UnknownFieldWarning` (a :class:`UserWarning`, not an exception
raised) for keys TMDB sends that no model declares.  Mistakes in the
arguments given to a method are caught before anything is sent and raise the
built-in :class:`ValueError` or :class:`TypeError` instead.

No message or attribute of these exceptions contains an API key, an access
token, or a session id: paths in them have such values replaced by ``***``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "TMDBError",
    "MissingCredentialsError",
    "AccessTokenRequiredError",
    "ClientClosedError",
    "ResponseValidationError",
    "ResponseTooLargeError",
    "UnknownFieldError",
    "UnknownFieldWarning",
    "PacingWarning",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "APIConnectionError",
    "APITimeoutError",
]


class TMDBError(Exception):
    """Base class of every exception raised by tmdbfusion."""

    def __reduce__(self) -> tuple[Any, ...]:
        # The default pickling calls cls(*args), which fails for subclasses
        # with keyword-only attributes; errors must survive crossing process
        # boundaries (multiprocessing, concurrent.futures).
        return (_restore_error, (type(self), self.args, self.__dict__))


def _restore_error(
    error_class: type[TMDBError], args: tuple[Any, ...], state: dict[str, Any]
) -> TMDBError:
    error = error_class.__new__(error_class)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class MissingCredentialsError(TMDBError):
    """No TMDB API key or read access token was given or found in the environment."""


class AccessTokenRequiredError(MissingCredentialsError):
    """A v4 call was made on a client that has no Bearer access token (only an API key).

    Raised before anything is sent: TMDB's v4 API accepts only ``Authorization: Bearer``.
    """


class ClientClosedError(TMDBError):
    """A request was made through a client after it was closed."""


class ResponseValidationError(TMDBError):
    """A successful response's body could not be decoded into the expected type.

    Parameters
    ----------
    message : str
        What went wrong, naming the expected type and where in the body.
    type_name : str
        Name of the type the body was decoded into, e.g. ``"MovieDetails"``.
    json_path : str or None
        Where decoding failed, e.g. ``"$.results[0].id"``; ``None`` when the
        body was not JSON at all (empty, HTML, truncated).
    body : bytes
        The raw response body, for debugging.

    Attributes
    ----------
    type_name : str
        Name of the expected type.
    json_path : str or None
        Location of the mismatch inside the JSON document.
    body : bytes
        The raw response body.
    """

    def __init__(self, message: str, *, type_name: str, json_path: str | None, body: bytes) -> None:
        super().__init__(message)
        self.type_name = type_name
        self.json_path = json_path
        self.body = body


class ResponseTooLargeError(ResponseValidationError):
    """A response body (after decompression) grew past the client's ``max_response_bytes``.

    Reading stopped at the limit, so memory stays bounded; ``body`` is empty.
    """


class UnknownFieldError(ResponseValidationError):
    """A successful response has a key that the model at its place does not declare.

    Raised only by a client made with ``unknown_fields="error"``; the default drops such keys.

    Parameters
    ----------
    message : str
        What was found and what to do about it.
    type_name, json_path, body
        As for :class:`ResponseValidationError`; ``json_path`` is the first unknown key's.
    model : str
        The model lacking the key, e.g. ``"CollectionPart"``.
    key : str
        The first unknown key.
    unknown : tuple[tuple[str, str, str], ...]
        Every unknown key of the body, as ``(model, json_path, key)``.

    Attributes
    ----------
    model : str
        The model lacking the first unknown key.
    key : str
        The first unknown key.
    unknown : tuple[tuple[str, str, str], ...]
        Every unknown key found, in document order.
    """

    def __init__(
        self,
        message: str,
        *,
        type_name: str,
        json_path: str | None,
        body: bytes,
        model: str,
        key: str,
        unknown: tuple[tuple[str, str, str], ...],
    ) -> None:
        super().__init__(message, type_name=type_name, json_path=json_path, body=body)
        self.model = model
        self.key = key
        self.unknown = unknown


class PacingWarning(UserWarning):
    """A shared pacing budget's Redis failed; pacing goes on in this process alone."""


class UnknownFieldWarning(UserWarning):
    """TMDB sent a key that the model at its place does not declare, so decoding dropped it.

    Emitted by a client made with ``unknown_fields="warn"``, once per model and key for the
    client.  Turn such warnings into errors with ``warnings.simplefilter("error",
    UnknownFieldWarning)``, or into model fields by recording the responses and regenerating
    (see the models guide).

    Parameters
    ----------
    message : str
        The model, the JSON path and the key, and what to do.
    model : str
        The model lacking the key, e.g. ``"CollectionPart"``.
    json_path : str
        Where the key was first seen, e.g. ``"$.parts[0].title"``.
    key : str
        The key.

    Attributes
    ----------
    model : str
        The model lacking the key.
    json_path : str
        Where the key was first seen.
    key : str
        The key.
    """

    def __init__(self, message: str, *, model: str, json_path: str, key: str) -> None:
        super().__init__(message)
        self.model = model
        self.json_path = json_path
        self.key = key


class APIError(TMDBError):
    """TMDB answered a request with an error status, or could not be reached.

    Parameters
    ----------
    message : str
        What happened and what to do about it.
    http_status : int or None
        The HTTP status code; ``None`` when no response was received.
    tmdb_status_code : int or None
        TMDB's own ``status_code`` from the error body, when it sent one.
    status_message : str or None
        TMDB's ``status_message`` from the error body, when it sent one.
    method : str
        The HTTP method of the failed request.
    path : str
        The request path, with secret path parameters replaced by ``***``.

    Attributes
    ----------
    http_status : int or None
        The HTTP status code.
    tmdb_status_code : int or None
        TMDB's error code (see TMDB's list of status codes).
    status_message : str or None
        TMDB's error text.
    method : str
        HTTP method of the request.
    path : str
        Redacted request path, without the query string.
    """

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None,
        tmdb_status_code: int | None,
        status_message: str | None,
        method: str,
        path: str,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.tmdb_status_code = tmdb_status_code
        self.status_message = status_message
        self.method = method
        self.path = path


class BadRequestError(APIError):
    """TMDB rejected the request's parameters or body (HTTP 400 or 422)."""


class AuthenticationError(APIError):
    """The API key, access token or session was missing, invalid or expired (HTTP 401)."""


class PermissionDeniedError(APIError):
    """The credentials are valid but not allowed to do this (HTTP 403)."""


class NotFoundError(APIError):
    """The requested resource does not exist (HTTP 404)."""


class RateLimitError(APIError):
    """TMDB's rate limit was exceeded (HTTP 429) and retries did not help.

    Parameters
    ----------
    message : str
        What happened and what to do about it.
    retry_after : float or None
        Seconds TMDB asked to wait, from ``Retry-After`` or
        ``X-RateLimit-Reset``; ``None`` when it gave no hint.
    http_status, tmdb_status_code, status_message, method, path
        As for :class:`APIError`.

    Attributes
    ----------
    retry_after : float or None
        Seconds to wait before trying again, when TMDB said.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None,
        http_status: int | None,
        tmdb_status_code: int | None,
        status_message: str | None,
        method: str,
        path: str,
    ) -> None:
        super().__init__(
            message,
            http_status=http_status,
            tmdb_status_code=tmdb_status_code,
            status_message=status_message,
            method=method,
            path=path,
        )
        self.retry_after = retry_after


class ServerError(APIError):
    """TMDB failed to handle the request (HTTP 5xx)."""


class APIConnectionError(ServerError):
    """TMDB could not be reached, or the connection broke; ``http_status`` is None."""


class APITimeoutError(ServerError):
    """TMDB did not answer within the client's timeout; ``http_status`` is None."""
