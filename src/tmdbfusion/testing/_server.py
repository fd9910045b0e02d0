"""The fake TMDB server: real HTTP/1.1 on 127.0.0.1, served from background threads."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import http
import http.server
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote

import msgspec

from tmdbfusion._client import AsyncTMDBClient, TMDBClient
from tmdbfusion._constants import MAX_PAGE
from tmdbfusion._redact import is_secret_name, redact_text
from tmdbfusion.images import DEFAULT_CONFIGURATION
from tmdbfusion.testing._exports import FakeExports
from tmdbfusion.testing._faults import JSON_TYPE, Fault, FaultRule
from tmdbfusion.testing._operations import Operation, sdk_operations
from tmdbfusion.testing._samples import page_item_type, sample_value, type_info
from tmdbfusion.testing._v4 import APPROVAL_PATH, FakeV4

__all__ = ["FAKE_API_KEY", "FakeResponse", "FakeTMDB", "RecordedRequest", "tmdb_error"]

logger = logging.getLogger("tmdbfusion.testing")

#: The API key clients made by :meth:`FakeTMDB.client` send unless told otherwise.
FAKE_API_KEY = "fake-tmdb-api-key"
#: Longest a server thread may take to finish once the server is stopping.
STOP_TIMEOUT = 5.0
# How often the accept loop checks whether it should stop.
_POLL_SECONDS = 0.005

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


@dataclass(frozen=True)
class _Route:
    method: str
    template: str
    segments: tuple[str, ...]
    # A route you add answers with its handler; a built-in one is answered from its operation.
    handler: Handler | None = None
    operation: Operation | None = None

    def match(self, method: str, segments: list[str]) -> dict[str, str] | None:
        if method != self.method or len(segments) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for expected, actual in zip(self.segments, segments, strict=True):
            if expected.startswith("{") and expected.endswith("}"):
                if not actual:
                    return None
                params[expected[1:-1]] = actual
            elif expected != actual:
                return None
        return params

    def specificity(self) -> tuple[int, ...]:
        # Literal segments win over placeholders, position by position:
        # /3/movie/popular before /3/movie/{movie_id}.
        return tuple(1 if part.startswith("{") else 0 for part in self.segments)


@functools.cache
def _builtin_routes() -> tuple[tuple[_Route, ...], dict[str, dict[str, Operation]]]:
    """Routes answering the SDK's operations, most specific first, and their appendable parts.

    The parts of ``/3/movie/{movie_id}`` are the GET operations right below it
    (``credits``, ``watch/providers``): what ``append_to_response`` may name.
    """
    operations = sdk_operations()
    routes = [
        _Route(op.method, op.path, tuple(op.path.split("/")), operation=op) for op in operations
    ]
    appendable: dict[str, dict[str, Operation]] = {}
    for operation in operations:
        prefix = operation.path + "/"
        parts = {
            other.path.removeprefix(prefix): other
            for other in operations
            if operation.method == other.method == "GET"
            and other.path.startswith(prefix)
            and "{" not in other.path.removeprefix(prefix)
        }
        if parts:
            appendable[operation.path] = parts
    return tuple(sorted(routes, key=_Route.specificity)), appendable


CONFIGURATION_PATH = "/3/configuration"


def real_image_configuration() -> dict[str, Any]:
    """The ``images`` part of TMDB's ``/3/configuration``, as TMDB publishes it.

    The values are the ones the SDK builds in (``tmdbfusion.images``), checked against recorded
    answers of TMDB by the tests; ``base_url`` is the plain-HTTP twin of ``secure_base_url``.
    """
    images = msgspec.to_builtins(DEFAULT_CONFIGURATION)
    secure = images["secure_base_url"]
    return {"base_url": "http://" + secure.removeprefix("https://"), **images}


def _split_segments(path: str) -> list[str]:
    return [unquote(part) for part in path.split("/")]


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    # Whole seconds, like the Date header, so waits computed from it come out exact.
    date: int = field(default_factory=lambda: int(time.time()))

    def encode(self, *, keep_alive: bool) -> bytes:
        lines = [
            f"HTTP/1.1 {self.status} {usual_phrase(self.status)}",
            f"Date: {email.utils.formatdate(self.date, usegmt=True)}",
            f"Content-Type: {self.content_type}",
            f"Content-Length: {len(self.body)}",
        ]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if not keep_alive:
            lines.append("Connection: close")
        head = "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("latin-1") + self.body


def _json_reply(value: Any, status: int = 200) -> _Reply:
    return _Reply(status, msgspec.json.encode(value))


class FakeTMDB:
    """A fake TMDB API on 127.0.0.1 that can misbehave on demand.

    It answers every operation the SDK knows with made-up but well-formed
    JSON: ids in paths come back in the bodies (``/3/movie/550`` answers
    ``{"id": 550, "title": "Movie 550", ...}``), list endpoints page through
    ``total_pages`` pages of ``page_size`` results, ``append_to_response``
    adds the parts asked for, and a page outside 1-500 or an unknown path gets
    TMDB's error body.  Routes you add win over the built-in ones.  Faults
    injected with :meth:`inject` make chosen requests fail the way TMDB or the
    network can.  Every request is recorded, secrets masked.  The v4 API is
    served from :attr:`v4` (a :class:`FakeV4`): the login flow, and lists that
    exist until deleted.

    Parameters
    ----------
    api_key, access_token : str or None
        Credentials to accept; requests carrying neither get TMDB's 401.  When
        both are None, any credential is accepted, but one is still required.
    builtin_routes : bool
        Answer the SDK's operations; False leaves only the routes you add.
    total_pages : int
        How many pages the built-in list endpoints have.
    page_size : int
        Results per page of the built-in list endpoints.
    port : int
        Port of 127.0.0.1 to serve on; 0 picks a free one.  ``GET /3/configuration``
        answers with TMDB's real image configuration, so image URLs work as against TMDB.

    Examples
    --------
    >>> from tmdbfusion.testing import FakeTMDB, Fault
    >>> with FakeTMDB() as tmdb, tmdb.client(max_retries=1) as client:
    ...     _ = tmdb.inject(Fault.status(503, retry_after=0), path="/3/movie/{movie_id}")
    ...     client.movies.details(550).title
    'Movie 550'
    >>> [request.fault for request in tmdb.requests]
    [Fault.status(503), None]
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        builtin_routes: bool = True,
        total_pages: int = 3,
        page_size: int = 20,
        port: int = 0,
    ) -> None:
        for name, count in (("total_pages", total_pages), ("page_size", page_size)):
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError(f"{name} must be an int of 0 or more; got {count!r}")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int from 0 to 65535; got {port!r}")
        self._port = port
        self._api_key = api_key
        self._access_token = access_token
        self.total_pages = total_pages
        self.page_size = page_size
        self._lock = threading.Lock()
        self._routes: list[_Route] = []
        self._builtin, self._appendable = _builtin_routes() if builtin_routes else ((), {})
        self._rules: list[FaultRule] = []
        self._requests: list[RecordedRequest] = []
        #: The v4 login flow and lists (see ``testing/_v4.py``); None without built-in routes.
        self.v4: FakeV4 | None = FakeV4() if builtin_routes else None
        #: The daily ID export files served at ``/p/exports/`` (see ``testing/_exports.py``).
        self.exports = FakeExports()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._serve_thread: threading.Thread | None = None

    # --- running ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL to give clients, e.g. ``http://127.0.0.1:49152``."""
        if self._httpd is None:
            raise RuntimeError("the fake TMDB server is not running; use it in a with block")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeTMDB:
        """Start serving on a free port of 127.0.0.1 (returns immediately)."""
        if self._httpd is not None:
            raise RuntimeError("the fake TMDB server is already running")
        self._stopping.clear()
        httpd = _HTTPServer(("127.0.0.1", self._port), _RequestHandler)
        httpd.fake = self
        self._httpd = httpd
        self._serve_thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": _POLL_SECONDS},
            name=f"FakeTMDB {self.url}",
            daemon=True,
        )
        self._serve_thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: end stalls, drop open connections, wait for every thread, free the port."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        if self._serve_thread is not None:
            self._serve_thread.join()
        try:
            httpd.stop_connections()
        finally:
            httpd.server_close()

    def __enter__(self) -> FakeTMDB:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> FakeTMDB:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Joining the server's threads blocks; keep the event loop free meanwhile.
        await asyncio.to_thread(self.stop)

    def client(self, **options: Any) -> TMDBClient:
        """Make a :class:`~tmdbfusion.TMDBClient` pointed at this server.

        Parameters
        ----------
        **options
            Passed on to the client; ``base_url`` defaults to :attr:`url`, and
            an API key is supplied unless ``api_key`` or ``access_token`` is given.
        """
        return TMDBClient(**self._client_options(options))

    def async_client(self, **options: Any) -> AsyncTMDBClient:
        """Make an :class:`~tmdbfusion.AsyncTMDBClient` for this server (see :meth:`client`)."""
        return AsyncTMDBClient(**self._client_options(options))

    def _client_options(self, options: dict[str, Any]) -> dict[str, Any]:
        options.setdefault("base_url", self.url)
        given = ("credential", "api_key", "access_token")
        if all(options.get(name) is None for name in given):
            if self._access_token is not None:
                options["access_token"] = self._access_token
            else:
                options["api_key"] = self._api_key or FAKE_API_KEY
        return options

    # --- configuring -----------------------------------------------------------------------

    def add_route(self, method: str, path: str, answer: RouteAnswer) -> None:
        """Answer requests to ``path`` your way; the last route added for a path wins.

        Parameters
        ----------
        method : str
            HTTP method, e.g. ``"GET"``.
        path : str
            Path template such as ``/3/movie/{movie_id}``; each ``{name}``
            matches one segment and shows up in ``request.path_params``.
        answer : Any
            A JSON value (or msgspec Struct) to answer with, a
            :class:`FakeResponse`, or a function taking the
            :class:`RecordedRequest` and returning either.
        """
        respond: Handler = answer if callable(answer) else (lambda request: answer)
        route = _Route(method.upper(), path, tuple(path.split("/")), handler=respond)
        with self._lock:
            self._routes.insert(0, route)

    def inject(
        self,
        fault: Fault,
        *,
        path: str = "*",
        method: str | None = None,
        times: int | None = 1,
        calls: Iterable[int] | None = None,
    ) -> FaultRule:
        """Make some of the requests to ``path`` fail with ``fault``.

        Every rule counts the requests that match it; when several rules would
        fire for one request, the one injected first wins.

        Parameters
        ----------
        fault : Fault
            What goes wrong.
        path : str
            Which paths: ``"/3/movie/550"``, ``"/3/movie/{movie_id}"`` (one
            segment per ``{name}``), ``"/3/search/*"`` (``*`` matches anything),
            or ``"*"`` for all.
        method : str or None
            Only requests with this HTTP method; None for any.
        times : int or None
            How many of the matching requests fail (the first ones); None for all.
        calls : Iterable[int] or None
            Instead of ``times``: which matching requests fail, by number from 1
            (``calls=[2, 3]`` lets the first through and fails the next two).

        Returns
        -------
        FaultRule
            The rule; its ``matched`` and ``fired`` counts are kept up to date.
        """
        rule = FaultRule.build(fault, path=path, method=method, times=times, calls=calls)
        with self._lock:
            self._rules.append(rule)
        return rule

    def reset(self) -> None:
        """Forget recorded requests and injected faults (routes stay)."""
        with self._lock:
            self._rules.clear()
            self._requests.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def operations(self) -> tuple[Operation, ...]:
        """The SDK's operations, which the built-in routes answer."""
        return sdk_operations()

    # --- answering -------------------------------------------------------------------------

    def _synthesize(self, operation: Operation, request: RecordedRequest) -> Any:
        info = type_info(operation.cast_to)
        numbers = {
            name: int(value)
            for name, value in request.path_params.items()
            if value.isascii() and value.isdigit()
        }
        ids = [value for name, value in numbers.items() if name.endswith("_id")]
        seed = ids[-1] if ids else 1
        item = page_item_type(info)
        if item is not None:
            return self._page(info, item, request, seed)
        parts = self._appendable.get(operation.path, {})
        body = sample_value(info, seed=seed, leave_out=frozenset(parts))
        if operation.path == CONFIGURATION_PATH and isinstance(body, dict):
            body["images"] = real_image_configuration()
        if isinstance(body, dict):
            body.update({name: value for name, value in numbers.items() if name in body})
            wanted = request.query.get("append_to_response", "")
            for name in filter(None, wanted.split(",")):
                if name in parts:
                    body[name] = self._synthesize(parts[name], request)
        return body

    def _page(self, info: Any, item: Any, request: RecordedRequest, seed: int) -> Any:
        try:
            page = int(request.query.get("page", "1"))
        except ValueError:
            page = 0
        if not 1 <= page <= MAX_PAGE:
            return FakeResponse(400, json=tmdb_error(400))
        count = self.page_size if page <= self.total_pages else 0
        first = (page - 1) * self.page_size
        label = request.query.get("query") or None
        body = sample_value(info, seed=seed, leave_out=frozenset({"results"}))
        body.update(
            page=page,
            results=[
                sample_value(item, seed=first + offset + 1, label=label, variant=offset)
                for offset in range(count)
            ],
            total_pages=self.total_pages,
            total_results=self.total_pages * self.page_size,
        )
        return body

    def _find_route(self, method: str, segments: list[str]) -> tuple[_Route, dict[str, str]] | None:
        with self._lock:
            routes = [*self._routes, *self._builtin]
        for route in routes:
            params = route.match(method, segments)
            if params is not None:
                return route, params
        return None

    def _auth_kind(self, query: Mapping[str, str], headers: Mapping[str, str]) -> tuple[str, bool]:
        api_key = query.get("api_key")
        access_token = _bearer(headers)
        if self.v4 is not None and self.v4.accepts(access_token):
            return ("access_token+api_key" if api_key else "access_token"), True
        kinds = [
            name for name, value in (("access_token", access_token), ("api_key", api_key)) if value
        ]
        if self._api_key is None and self._access_token is None:
            accepted = bool(kinds)
        else:
            accepted = (self._api_key is not None and api_key == self._api_key) or (
                self._access_token is not None and access_token == self._access_token
            )
        return "+".join(kinds), accepted

    def _exchange(
        self, method: str, target: str, raw_headers: Iterable[tuple[str, str]], body: bytes
    ) -> tuple[Fault | None, _Reply]:
        """Record one request and work out the answer (and the fault, if one applies)."""
        raw_path, _, query_string = target.partition("?")
        query = dict(parse_qsl(query_string, keep_blank_values=True))
        headers = {name.lower(): value for name, value in raw_headers}
        found = self._find_route(method, _split_segments(raw_path))
        route, params = found if found is not None else (None, {})
        auth, accepted = self._auth_kind(query, headers)
        # A browser page and the export files' host: both are opened without a key.
        exported = self.exports.answer(raw_path)
        accepted = accepted or raw_path == APPROVAL_PATH or exported is not None
        with self._lock:
            fault = None
            for rule in self._rules:
                if rule.consider(method, raw_path) and fault is None:
                    rule.fired += 1
                    fault = rule.fault
            request = RecordedRequest(
                number=len(self._requests) + 1,
                method=method,
                path=redact_text(raw_path),
                route=route.template if route else None,
                path_params={
                    name: "***" if is_secret_name(name) else value for name, value in params.items()
                },
                query={
                    name: "***" if is_secret_name(name) else value for name, value in query.items()
                },
                headers={
                    name: redact_text(value) if name == "authorization" else value
                    for name, value in headers.items()
                },
                body=_redact_body(body),
                auth=auth,
                fault=fault,
            )
            self._requests.append(request)
        if fault is not None and fault.kind in _REPLACING_FAULTS:
            reply = _fault_reply(fault)
        elif exported is not None:
            reply = _Reply(exported[0], exported[1], exported[2])
        elif not accepted:
            reply = _json_reply(tmdb_error(401), 401)
        elif route is None:
            reply = self._answer_v4(method, raw_path, query, headers, body)
        else:
            reply = self._answer(route, request)
        if fault is not None and fault.kind in _TRANSFORMING_FAULTS and reply.status < 300:
            try:
                reply = _transform(fault, reply)
            except (LookupError, ValueError, TypeError, msgspec.DecodeError) as exc:
                # A fault that does not fit this answer is a mistake in the test; say which.
                message = f"the fake server could not apply {fault!r} to {request.path}: {exc}"
                reply = _json_reply(tmdb_error(500, message), 500)
        outcome = fault.kind if fault is not None and fault.kind in _CONNECTION_FAULTS else None
        logger.debug(
            "%s %s -> %s%s",
            method,
            request.path,
            outcome or reply.status,
            f" ({fault!r})" if fault is not None else "",
        )
        return fault, reply

    def _answer_v4(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Reply:
        # The v4 state sees the raw credentials: it tells its users' tokens apart.
        found = None
        if self.v4 is not None:
            found = self.v4.answer(method, path.split("/"), query, _bearer(headers), body)
        if found is None:
            return _json_reply(tmdb_error(404), 404)
        status, value, extra_headers = found
        return _Reply(status, msgspec.json.encode(value), headers=dict(extra_headers))

    def _answer(self, route: _Route, request: RecordedRequest) -> _Reply:
        answer: Any = None
        try:
            if route.operation is not None:
                answer = self._synthesize(route.operation, request)
            elif route.handler is not None:
                answer = route.handler(request)
        except Exception as exc:
            # A broken handler is a bug in the test; say so in the answer the client sees.
            logger.exception("the fake server's handler for %s failed", route.template)
            message = f"fake server handler for {route.template} raised {type(exc).__name__}: {exc}"
            return _json_reply(tmdb_error(500, redact_text(message)), 500)
        if isinstance(answer, FakeResponse):
            return _Reply(answer.status, answer.body(), answer.content_type, dict(answer.headers))
        return _json_reply(answer)


# Faults that break the connection (the answer is sent late, partly or not at all); faults whose
# answer replaces the route's; faults that alter the route's answer.
_CONNECTION_FAULTS = frozenset({"reset", "reset_mid_body", "stall"})
_REPLACING_FAULTS = frozenset({"status", "rate_limit", "body"})
_TRANSFORMING_FAULTS = frozenset({"truncated_json", "content_type", "wrong_shape", "large_page"})


def _bearer(headers: Mapping[str, str]) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _redact_body(body: bytes) -> bytes:
    text = body.decode("utf-8", errors="replace")
    redacted = redact_text(text)
    return body if redacted == text else redacted.encode()


def _fault_reply(fault: Fault) -> _Reply:
    if fault.kind == "body":
        return _Reply(fault.http_status, fault.content or b"", fault.content_type)
    reply = _json_reply(tmdb_error(fault.http_status), fault.http_status)
    now = reply.date
    if fault.kind == "status" and fault.retry_after is not None:
        reply.headers["Retry-After"] = f"{fault.retry_after:g}"
    elif fault.kind == "rate_limit":
        if fault.form == "seconds":
            reply.headers["Retry-After"] = f"{fault.seconds:g}"
        elif fault.form == "http-date":
            when = now + round(fault.seconds)
            reply.headers["Retry-After"] = email.utils.formatdate(when, usegmt=True)
        elif fault.form == "reset":
            reply.headers["X-RateLimit-Reset"] = str(now + round(fault.seconds))
    return reply


def _transform(fault: Fault, reply: _Reply) -> _Reply:
    if fault.kind == "truncated_json":
        reply.body = reply.body[: len(reply.body) // 2]
    elif fault.kind == "content_type":
        reply.content_type = fault.content_type
    elif fault.kind == "wrong_shape":
        reply.body = msgspec.json.encode(
            _replace_at(msgspec.json.decode(reply.body), fault.json_path, fault.value)
        )
    elif fault.kind == "large_page":
        reply.body = msgspec.json.encode(_enlarge(msgspec.json.decode(reply.body), fault.results))
    return reply


def _replace_at(document: Any, json_path: str | None, value: Any) -> Any:
    if json_path is None:
        if isinstance(document, dict):
            for key, current in document.items():
                if isinstance(current, list):
                    return {**document, key: value}
        return value
    node = document
    *parents, last = json_path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return document


def _enlarge(document: Any, count: int) -> Any:
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, list) or not results:
        raise ValueError("Fault.large_page applies to list endpoints whose page has results")
    enlarged = []
    for index in range(count):
        item = results[index % len(results)]
        enlarged.append({**item, "id": index + 1} if isinstance(item, dict) else item)
    return {**document, "results": enlarged, "total_results": max(count, len(enlarged))}


class _HTTPServer(http.server.ThreadingHTTPServer):
    """Keeps track of its connections and threads, so stopping leaves nothing behind."""

    fake: FakeTMDB
    # Clients open many connections at once under load; the default backlog of 5 would
    # make the kernel drop some and the clients wait a second before trying again.
    request_queue_size = 128
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[_RequestHandler]) -> None:
        super().__init__(address, handler)
        self._connections: set[socket.socket] = set()
        self._connection_threads: set[threading.Thread] = set()
        self._tracking = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="FakeTMDB connection",
            daemon=True,
        )
        with self._tracking:
            self._connections.add(request)
            self._connection_threads = {
                known for known in self._connection_threads if known.is_alive()
            }
            self._connection_threads.add(thread)
        thread.start()

    def forget(self, connection: socket.socket) -> None:
        """Stop tracking a connection that is about to be closed."""
        with self._tracking:
            self._connections.discard(connection)

    def shutdown_request(self, request: Any) -> None:
        self.forget(request)
        super().shutdown_request(request)

    def stop_connections(self) -> None:
        """Wake every connection thread and wait until each has finished."""
        with self._tracking:
            # Under the lock no connection is being closed, so each socket is still open.
            for connection in self._connections:
                with contextlib.suppress(OSError):  # the client closed it already
                    connection.shutdown(socket.SHUT_RDWR)
            threads = list(self._connection_threads)
        deadline = time.monotonic() + STOP_TIMEOUT
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [thread for thread in threads if thread.is_alive()]
        if stuck:
            raise RuntimeError(f"{len(stuck)} fake TMDB connection thread(s) did not stop")

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-answer is normal here (timeouts, faults); not worth a traceback.
        logger.debug("fake TMDB connection ended with an error", exc_info=True)


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _HTTPServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        fake = self.server.fake
        fault, reply = fake._exchange(self.command, self.path, self.headers.items(), body)
        kind = fault.kind if fault is not None else None
        if kind == "reset":
            self._reset()
            return
        if kind == "stall" and fault is not None and fake._stopping.wait(fault.seconds):
            self.close_connection = True
            return
        data = reply.encode(keep_alive=not self.close_connection)
        if kind == "reset_mid_body":
            self.wfile.write(data[: len(data) - len(reply.body) // 2])
            # Give the client time to start reading the body before the reset.
            fake._stopping.wait(0.02)
            self._reset()
            return
        self.wfile.write(data)

    # The names http.server dispatches each method to.
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815

    def _reset(self) -> None:
        # With a zero linger time, closing sends RST instead of FIN: a reset connection.
        self.close_connection = True
        self.server.forget(self.connection)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fake TMDB: %s", redact_text(format % args))
