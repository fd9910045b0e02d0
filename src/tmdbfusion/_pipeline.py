"""The request pipeline shared by the sync and async clients, written without I/O.

Everything that decides *what* to do lives here: resolving credentials,
checking the caller's arguments, building the HTTP request, deciding whether
and how long to wait before a retry, turning responses into values or
exceptions, and logging.  The clients in ``_client.py`` only *do* things:
they drive :func:`request_flow`, a generator that yields :class:`Send` and
:class:`Sleep` actions and is answered with the response (or the transport
exception) for a ``Send`` and ``None`` for a ``Sleep``.  That keeps the
blocking and the ``asyncio`` clients from drifting apart, and lets the tests
exercise every decision without a network or a real clock.
"""

from __future__ import annotations

import enum
import logging
import math
import random
import re
import time
import types
import typing
from collections.abc import Callable, Collection, Generator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any, TypeAlias, TypeVar, Union
from urllib.parse import quote

import httpx
import msgspec

import tmdbfusion
from tmdbfusion.exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    MissingCredentialsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
)

T = TypeVar("T")

logger = logging.getLogger("tmdbfusion")

DEFAULT_BASE_URL = "https://api.themoviedb.org"
ACCESS_TOKEN_ENV = "TMDB_ACCESS_TOKEN"
API_KEY_ENV = "TMDB_API_KEY"

#: TMDB refuses ``page`` values above this, whatever ``total_pages`` says.
MAX_PAGE = 500
#: TMDB ignores (or rejects) ``append_to_response`` lists longer than this.
MAX_APPENDED_RESPONSES = 20
#: Statuses worth another try: rate limiting and transient server failures.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


# --------------------------------------------------------------------------
# Secrets: what counts as one, and scrubbing them out of text
# --------------------------------------------------------------------------

_SECRET_NAME_PARTS = ("session", "token", "password")


def is_secret_name(name: str) -> bool:
    """Tell whether a parameter with this name carries a secret value."""
    lowered = name.lower()
    return lowered == "api_key" or any(part in lowered for part in _SECRET_NAME_PARTS)


# Patterns outside the per-request path are kept as text and compiled by `re` on
# first use (it caches them): compiling them at import would add more than a
# millisecond to every `import tmdbfusion`.
_SECRET_KEY = r"(?:api_key|[a-z_]*session[a-z_]*|[a-z_]*token[a-z_]*|password)"
_REDACTIONS = (
    # ?api_key=...&session_id=... in URLs and form bodies
    (rf"(?i)\b({_SECRET_KEY}=)[^&\s\"'#]+", r"\1***"),
    # "session_id": "..." in JSON, also when the closing quote was cut off
    (rf"(?i)(\"{_SECRET_KEY}\"\s*:\s*\")[^\"]*", r"\1***"),
    # Authorization: Bearer ...
    (r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+", r"\1***"),
    # guest session ids are path segments, not parameters
    (r"(/guest_session/)[^/?#\s\"']+", r"\1***"),
)


def redact_text(text: str) -> str:
    """Replace anything that looks like a credential or session id in ``text`` by ``***``."""
    for pattern, replacement in _REDACTIONS:
        text = re.sub(pattern, replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Logging filter that scrubs credentials out of records before they are emitted.

    httpx logs every request URL at INFO level, and v3 API keys travel in the
    query string, so without this a plain ``logging.basicConfig(level=INFO)``
    would print the key.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; never drops a record."""
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


def install_httpx_log_redaction() -> None:
    """Attach :class:`RedactSecretsFilter` to httpx's logger, once per process."""
    httpx_logger = logging.getLogger("httpx")
    if not any(isinstance(existing, RedactSecretsFilter) for existing in httpx_logger.filters):
        httpx_logger.addFilter(RedactSecretsFilter())


# --------------------------------------------------------------------------
# Credentials and client configuration
# --------------------------------------------------------------------------

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


@dataclass(frozen=True)
class RetryPolicy:
    """When to retry and how long to wait in between.

    Attributes
    ----------
    max_retries : int
        Extra attempts after the first; 0 disables retrying.
    backoff_base : float
        Upper bound, in seconds, of the first backoff wait; it doubles per attempt.
    backoff_cap : float
        Largest upper bound of a backoff wait, in seconds.
    max_server_wait : float
        Largest wait taken from ``Retry-After`` / ``X-RateLimit-Reset``, in seconds.
    clock : Callable[[], float]
        Current Unix time, used when a response carries no ``Date`` header.
    random : Callable[[], float]
        Source of jitter in ``[0, 1)``.
    """

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_server_wait: float = 60.0
    clock: Callable[[], float] = field(default=time.time, compare=False)
    random: Callable[[], float] = field(default=random.random, compare=False)


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client decided at construction time; safe to repr.

    Attributes
    ----------
    base_url : str
        Scheme and host of the API, without a trailing slash.
    auth : Auth
        The credentials to send.
    language, region : str or None
        Sent for ``language`` / ``region`` parameters the caller left as None.
    timeout : float
        Seconds allowed for connecting, and for each read and write.
    retry : RetryPolicy
        The retry rules.
    """

    base_url: str
    auth: Auth
    language: str | None
    region: str | None
    timeout: float
    retry: RetryPolicy


def _check_optional_text(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty str or None; got {value!r}")
    return value


def make_config(
    credential: str | None,
    *,
    api_key: str | None,
    access_token: str | None,
    base_url: str,
    language: str | None,
    region: str | None,
    timeout: float,
    max_retries: int,
    environ: Mapping[str, str],
) -> ClientConfig:
    """Check the client's constructor arguments and build its configuration.

    Parameters
    ----------
    credential, api_key, access_token, environ
        See :func:`resolve_auth`.
    base_url : str
        ``http://`` or ``https://`` URL of the API host.
    language, region : str or None
        Defaults for ``language`` and ``region`` parameters.
    timeout : float
        Seconds, greater than 0.
    max_retries : int
        Extra attempts, 0 or more.

    Returns
    -------
    ClientConfig
        The checked configuration.
    """
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must be an http:// or https:// URL; got {base_url!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a number of seconds greater than 0; got {timeout!r}")
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(f"max_retries must be an int of 0 or more; got {max_retries!r}")
    auth = resolve_auth(credential, api_key=api_key, access_token=access_token, environ=environ)
    return ClientConfig(
        base_url=base_url.rstrip("/"),
        auth=auth,
        language=_check_optional_text("language", language),
        region=_check_optional_text("region", region),
        timeout=float(timeout),
        retry=RetryPolicy(max_retries=max_retries),
    )


def user_agent() -> str:
    """Return the ``User-Agent`` header value."""
    # Read at call time: this module is imported while tmdbfusion/__init__.py
    # is still running, before __version__ exists.
    return f"tmdbfusion/{tmdbfusion.__version__}"


# --------------------------------------------------------------------------
# Checking and serializing the caller's arguments
# --------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SCALAR_KINDS = "a str, int, float, bool or datetime.date"


def _encode_path_param(name: str, value: object) -> str:
    shown = "***" if is_secret_name(name) else repr(value)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(
            f"path parameter {name} must be an int or a str; got {type(value).__name__}"
        )
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"path parameter {name} must be 0 or more; got {shown}")
        return str(value)
    if not value.strip():
        raise ValueError(f"path parameter {name} must be a non-empty str; got {shown}")
    _check_sendable_text(f"path parameter {name}", value)
    encoded = quote(value, safe="")
    # "." and ".." are dot segments: URL normalization would drop them and send
    # the request to another endpoint (/3/find/.. is /3).
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def _check_sendable_text(what: str, value: str) -> None:
    if value.isascii():
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"{what} contains {value[exc.start]!r}, a lone surrogate that cannot be sent as "
            "UTF-8; check how the text was decoded"
        ) from None


def render_path(template: str, path_params: Mapping[str, object] | None) -> tuple[str, str]:
    """Fill a path template such as ``/3/movie/{movie_id}``.

    Parameters
    ----------
    template : str
        The path with ``{name}`` placeholders.
    path_params : Mapping[str, object] or None
        Values for the placeholders: ints of 0 or more, or non-empty strs
        (percent-encoded, slashes included).

    Returns
    -------
    tuple[str, str]
        The path to request, and the same path with secret parameters shown
        as ``***`` for logs and error messages.
    """
    params = dict(path_params or {})
    names = _PLACEHOLDER.findall(template)
    unexpected = sorted(set(params) - set(names))
    if unexpected:
        raise TypeError(f"{template} has no path parameter(s) {', '.join(unexpected)}")
    encoded: dict[str, str] = {}
    for name in names:
        if params.get(name) is None:
            raise TypeError(f"path parameter {name} is required for {template}")
        encoded[name] = _encode_path_param(name, params[name])
    path = _PLACEHOLDER.sub(lambda match: encoded[match.group(1)], template)
    shown = _PLACEHOLDER.sub(
        lambda match: "***" if is_secret_name(match.group(1)) else encoded[match.group(1)],
        template,
    )
    return path, shown


def _serialize_scalar(name: str, value: object) -> str:
    if isinstance(value, enum.Enum):
        return _serialize_scalar(name, value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"query parameter {name} must be a finite number; got {value!r}")
        # repr() is the shortest exact form, but it switches to exponents
        # ("1e-05") that TMDB does not parse; Decimal spells those out.
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, datetime):
        # TMDB's date filters take calendar dates; a silent truncation could
        # shift the day across time zones, so make the caller choose.
        raise TypeError(
            f"query parameter {name} takes a datetime.date, not a datetime; pass value.date()"
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        _check_sendable_text(f"query parameter {name}", value)
        return str.__str__(value)
    raise TypeError(
        f"query parameter {name} must be {_SCALAR_KINDS}, or a list or tuple of those; "
        f"got {type(value).__name__}"
    )


def _elements(value: object) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _check_page(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"page must be an int from 1 to {MAX_PAGE}; got {type(value).__name__}")
    if not 1 <= value <= MAX_PAGE:
        raise ValueError(f"page must be from 1 to {MAX_PAGE} (TMDB's limit); got {value}")


def _check_search_text(value: object) -> None:
    if value is None:
        raise ValueError("query (the text to search for) is required")
    if not isinstance(value, str):
        raise TypeError(f"query (the text to search for) must be a str; got {type(value).__name__}")
    if not value.strip():
        raise ValueError("query (the text to search for) must contain something besides spaces")


def _check_choices(name: str, value: object, allowed: Collection[str]) -> None:
    for element in _elements(value):
        text = _serialize_scalar(name, element)
        if text not in allowed:
            valid = ", ".join(sorted(allowed))
            parts = text.split(",")
            # "credits,videos" is what TMDB's own URLs show; the SDK wants a list and joins it.
            hint = f"; pass several as a list: {parts!r}" if len(parts) > 1 else ""
            raise ValueError(f"{name} must be one of: {valid}; got {text!r}{hint}")


def _serialize_value(name: str, value: object) -> str | None:
    if isinstance(value, (list, tuple)):
        parts = [_serialize_scalar(name, element) for element in value]
        return ",".join(parts) if parts else None
    return _serialize_scalar(name, value)


def serialize_query(
    query: Mapping[str, object] | None,
    *,
    config: ClientConfig,
    choices: Mapping[str, Collection[str]] | None,
) -> list[tuple[str, str]]:
    """Check the caller's query parameters and turn them into strings.

    Parameters
    ----------
    query : Mapping[str, object] or None
        Parameter values; None means "not given" and is left out, except for
        ``language`` and ``region``, which then take the client's defaults.
    config : ClientConfig
        Supplies the ``language`` / ``region`` defaults.
    choices : Mapping[str, Collection[str]] or None
        Allowed values for parameters that take one from a fixed set.

    Returns
    -------
    list[tuple[str, str]]
        Parameters to send, in the given order.
    """
    defaults = {"language": config.language, "region": config.region}
    allowed_values = choices or {}
    params: list[tuple[str, str]] = []
    for name, given in (query or {}).items():
        if not isinstance(name, str):
            raise TypeError(f"query parameter names must be str; got {type(name).__name__}")
        if name == "query":
            _check_search_text(given)
        value = defaults.get(name) if given is None else given
        if value is None:
            continue
        text = _serialize_value(name, value)
        if name == "page":
            _check_page(value)
        if name == "append_to_response" and text is not None:
            count = len(text.split(","))
            if count > MAX_APPENDED_RESPONSES:
                raise ValueError(
                    f"append_to_response takes at most {MAX_APPENDED_RESPONSES} items; got {count}"
                )
        if name in allowed_values:
            _check_choices(name, value, allowed_values[name])
        if text is not None:
            params.append((name, text))
    return params


def encode_body(body: Mapping[str, object] | None) -> bytes | None:
    """Encode a request body as a JSON object, leaving out None values.

    Parameters
    ----------
    body : Mapping[str, object] or None
        Fields to send; None sends no body at all.

    Returns
    -------
    bytes or None
        The JSON document, or None for no body.
    """
    if body is None:
        return None
    fields = {name: value for name, value in body.items() if value is not None}
    try:
        return msgspec.json.encode(fields)
    except (TypeError, msgspec.EncodeError):
        for name, value in fields.items():
            try:
                msgspec.json.encode(value)
            except (TypeError, msgspec.EncodeError):
                raise TypeError(
                    f"body field {name} cannot be sent as JSON: {type(value).__name__}"
                ) from None
        raise


# --------------------------------------------------------------------------
# Building the request
# --------------------------------------------------------------------------


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
    """

    method: str
    display_path: str
    request: httpx.Request

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
    real_path, display_path = render_path(path, path_params)
    if choices:
        # Query parameters are checked while serializing; path and body values here.
        for given in (path_params, body):
            for name, value in (given or {}).items():
                if name in choices and value is not None:
                    _check_choices(name, value, choices[name])
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
    return PreparedRequest(method=method, display_path=display_path, request=request)


# --------------------------------------------------------------------------
# Decoding successful responses
# --------------------------------------------------------------------------

# Building a Decoder compiles the type; building one per response would waste that.
_DECODERS: dict[object, msgspec.json.Decoder[Any]] = {}


def decoder_for(cast_to: type[T]) -> msgspec.json.Decoder[T]:
    """Return the cached JSON decoder for a type."""
    decoder = _DECODERS.get(cast_to)
    if decoder is None:
        decoder = _DECODERS[cast_to] = msgspec.json.Decoder(cast_to)
    return decoder


def type_display_name(cast_to: object) -> str:
    """Name a type for messages: ``MovieDetails``, ``list[Genre]``."""
    if cast_to is type(None):
        return "None"
    origin = typing.get_origin(cast_to)
    if origin is None:
        return str(getattr(cast_to, "__qualname__", None) or cast_to)
    args = [type_display_name(arg) for arg in typing.get_args(cast_to)]
    if origin is Union or origin is types.UnionType:
        return " | ".join(args)
    return f"{type_display_name(origin)}[{', '.join(args)}]"


_AT_PATH = r" - at `(?P<path>\$[^`]*)`$"


# What to do about a body that is not JSON: it comes from outages and from proxies
# or captive portals answering in TMDB's place, not from a change to the API.
_NOT_JSON_ADVICE = (
    "This is usually a passing fault of TMDB or of a proxy between you and TMDB; try again "
    "later, and check the client's base_url if it keeps happening."
)


def _body_preview(content: bytes, limit: int = 80) -> str:
    text = redact_text(content[: limit * 4].decode("utf-8", errors="replace"))
    text = " ".join(text.split())
    text = "".join(char if char.isprintable() else "?" for char in text)
    return text if len(text) <= limit and len(content) <= limit * 4 else text[:limit] + "..."


def decode_success(response: httpx.Response, cast_to: type[T]) -> T:
    """Decode a 2xx response's JSON body into ``cast_to``.

    Parameters
    ----------
    response : httpx.Response
        A response whose body has been read.
    cast_to : type
        A msgspec-decodable type.

    Returns
    -------
    T
        The decoded value.

    Raises
    ------
    ResponseValidationError
        When the body is empty, not JSON, or does not match ``cast_to``.
    """
    content = response.content
    try:
        return decoder_for(cast_to).decode(content)
    except msgspec.ValidationError as exc:
        # Messages are built only on failure: the success path is every request's hot path.
        type_name = type_display_name(cast_to)
        problem = str(exc)
        located = re.search(_AT_PATH, problem)
        json_path = located.group("path") if located else "$"
        problem = re.sub(_AT_PATH, "", problem)
        raise ResponseValidationError(
            f"TMDB's response does not fit {type_name} at {json_path}: {problem}. "
            "TMDB may have changed this endpoint; please report it to tmdbfusion.",
            type_name=type_name,
            json_path=json_path,
            body=content,
        ) from exc
    except msgspec.DecodeError as exc:
        type_name = type_display_name(cast_to)
        received = (
            f"HTTP {response.status_code}, "
            f"content-type {response.headers.get('content-type', 'missing')!r}"
        )
        if not content.strip():
            message = (
                f"TMDB sent an empty body ({received}) where JSON for {type_name} was expected. "
                f"{_NOT_JSON_ADVICE}"
            )
            raise ResponseValidationError(
                message, type_name=type_name, json_path=None, body=content
            ) from None
        raise ResponseValidationError(
            f"TMDB sent a body that is not valid JSON ({exc}) where {type_name} was expected: "
            f"{received}, body starts with {_body_preview(content)!r}. {_NOT_JSON_ADVICE}",
            type_name=type_name,
            json_path=None,
            body=content,
        ) from exc


# --------------------------------------------------------------------------
# Turning failures into exceptions
# --------------------------------------------------------------------------


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
    response: httpx.Response,
    prepared: PreparedRequest,
    *,
    attempts: int,
    retry_after: float | None,
) -> APIError:
    """Build the exception for a non-2xx response.

    Parameters
    ----------
    response : httpx.Response
        The failed response, body read.
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


# --------------------------------------------------------------------------
# Retry decisions
# --------------------------------------------------------------------------


def is_retryable(outcome: httpx.Response | httpx.RequestError) -> bool:
    """Tell whether another attempt could succeed where this one failed."""
    if isinstance(outcome, httpx.Response):
        return outcome.status_code in RETRYABLE_STATUSES
    # TransportError covers connect/read/write failures, timeouts and broken
    # protocols; other RequestErrors (bad redirects, undecodable content) would
    # fail the same way again.
    return isinstance(outcome, httpx.TransportError)


def _unix_time(http_date: str) -> float | None:
    try:
        moment = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _finite_float(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def server_requested_wait(headers: httpx.Headers, clock: Callable[[], float]) -> float | None:
    """Read how long the server asked us to wait, in seconds, if it said.

    Parameters
    ----------
    headers : httpx.Headers
        Response headers; ``Retry-After`` (seconds or HTTP-date) wins over
        ``X-RateLimit-Reset`` (Unix time).
    clock : Callable[[], float]
        Current Unix time, used only when the response has no ``Date``.

    Returns
    -------
    float or None
        Seconds to wait (0 or more), or None when no usable hint was sent.
    """
    # Dates in these headers are the server's clock; measuring them against the
    # response's own Date header makes the wait immune to local clock skew.
    server_now = _unix_time(headers.get("date", ""))
    now = clock() if server_now is None else server_now
    retry_after = headers.get("retry-after", "").strip()
    if retry_after:
        seconds = _finite_float(retry_after)
        if seconds is None:
            when = _unix_time(retry_after)
            seconds = None if when is None else when - now
        if seconds is not None:
            return max(0.0, seconds)
    reset_at = _finite_float(headers.get("x-ratelimit-reset", "").strip())
    if reset_at is not None:
        return max(0.0, reset_at - now)
    return None


def backoff_wait(policy: RetryPolicy, attempt: int) -> float:
    """Exponential backoff with full jitter after failed attempt number ``attempt``.

    Waits are drawn uniformly from ``[0, min(cap, base * 2 ** (attempt - 1)))``,
    so many clients failing together do not retry in lockstep.
    """
    ceiling = min(policy.backoff_cap, policy.backoff_base * 2.0 ** min(attempt - 1, 64))
    return policy.random() * ceiling


def retry_wait(
    policy: RetryPolicy, attempt: int, outcome: httpx.Response | httpx.RequestError
) -> float:
    """Seconds to wait before the attempt after ``attempt``.

    Parameters
    ----------
    policy : RetryPolicy
        The retry rules.
    attempt : int
        Number of the attempt that just failed, from 1.
    outcome : httpx.Response or httpx.RequestError
        How it failed.

    Returns
    -------
    float
        The server's requested wait capped at ``policy.max_server_wait``, else
        a backoff wait.
    """
    if isinstance(outcome, httpx.Response):
        requested = server_requested_wait(outcome.headers, policy.clock)
        if requested is not None:
            return min(requested, policy.max_server_wait)
    return backoff_wait(policy, attempt)


# --------------------------------------------------------------------------
# The flow: one request, with retries, as a generator of I/O actions
# --------------------------------------------------------------------------


class Send(msgspec.Struct, frozen=True):
    """Action: send this request and reply with the response or the httpx error."""

    prepared: PreparedRequest

    @property
    def request(self) -> httpx.Request:
        """The request to send."""
        return self.prepared.request

    def __repr__(self) -> str:
        return f"Send({self.prepared.method} {self.prepared.display_path})"


class Sleep(msgspec.Struct, frozen=True):
    """Action: wait this many seconds, then reply with None."""

    seconds: float


Action: TypeAlias = Send | Sleep
#: What the I/O shell sends back into the flow after performing an action.
Reply: TypeAlias = httpx.Response | httpx.RequestError | None


def _send(
    prepared: PreparedRequest,
) -> Generator[Action, Reply, httpx.Response | httpx.RequestError]:
    reply = yield Send(prepared)
    if reply is None:
        raise RuntimeError("the I/O shell must answer Send with a response or an httpx error")
    return reply


def _log_attempt(
    prepared: PreparedRequest,
    outcome: httpx.Response | httpx.RequestError,
    elapsed_ms: float,
    attempt: int,
    attempts: int,
    wait: float | None,
) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return
    result = (
        str(outcome.status_code) if isinstance(outcome, httpx.Response) else type(outcome).__name__
    )
    retrying = "" if wait is None else f"; retrying in {wait:.2f} s"
    logger.debug(
        "%s %s -> %s in %.0f ms (attempt %d/%d)%s",
        prepared.method,
        prepared.display_path,
        result,
        elapsed_ms,
        attempt,
        attempts,
        retrying,
    )


def request_flow(
    config: ClientConfig, prepared: PreparedRequest, cast_to: type[T]
) -> Generator[Action, Reply, T]:
    """Perform one API call with retries, as a sequence of I/O actions.

    Parameters
    ----------
    config : ClientConfig
        Supplies the retry policy.
    prepared : PreparedRequest
        The request to send.
    cast_to : type
        What to decode a successful body into.

    Yields
    ------
    Send or Sleep
        The I/O to perform next.

    Returns
    -------
    T
        The decoded body of the successful response.

    Raises
    ------
    APIError
        The mapped failure, once retrying is over.
    ResponseValidationError
        When a successful body cannot be decoded.
    """
    policy = config.retry
    attempts = policy.max_retries + 1
    attempt = 1
    while True:
        started = time.perf_counter()
        outcome = yield from _send(prepared)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if isinstance(outcome, httpx.Response) and outcome.is_success:
            _log_attempt(prepared, outcome, elapsed_ms, attempt, attempts, None)
            return decode_success(outcome, cast_to)
        may_retry = attempt < attempts and is_retryable(outcome)
        wait = retry_wait(policy, attempt, outcome) if may_retry else None
        _log_attempt(prepared, outcome, elapsed_ms, attempt, attempts, wait)
        if wait is None:
            if isinstance(outcome, httpx.Response):
                requested = server_requested_wait(outcome.headers, policy.clock)
                raise error_from_response(
                    outcome, prepared, attempts=attempt, retry_after=requested
                )
            raise error_from_transport(outcome, prepared, attempts=attempt) from outcome
        yield Sleep(wait)
        attempt += 1
