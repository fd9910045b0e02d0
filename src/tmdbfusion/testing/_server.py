"""The fake TMDB server: real HTTP/1.1 on 127.0.0.1, served from background threads."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import msgspec

from tmdbfusion._client import AsyncTMDBClient, TMDBClient
from tmdbfusion._constants import MAX_PAGE
from tmdbfusion._redact import is_secret_name, redact_text
from tmdbfusion.testing._exports import FakeExports
from tmdbfusion.testing._fault_replies import (
    CONNECTION_FAULTS,
    REPLACING_FAULTS,
    TRANSFORMING_FAULTS,
    fault_reply,
    transform,
)
from tmdbfusion.testing._faults import Fault, FaultRule
from tmdbfusion.testing._operations import Operation, sdk_operations
from tmdbfusion.testing._responses import (
    CONFIGURATION_PATH,
    FakeResponse,
    Handler,
    RecordedRequest,
    RouteAnswer,
    real_image_configuration,
    tmdb_error,
)
from tmdbfusion.testing._routes import Route, operation_routes, split_segments
from tmdbfusion.testing._samples import page_item_type, sample_value, type_info
from tmdbfusion.testing._v4 import APPROVAL_PATH, FakeV4
from tmdbfusion.testing._wire import HTTPServer, Reply, json_reply

__all__ = ["FAKE_API_KEY", "FakeTMDB"]

logger = logging.getLogger("tmdbfusion.testing")

#: The API key clients made by :meth:`FakeTMDB.client` send unless told otherwise.
FAKE_API_KEY = "fake-tmdb-api-key"
# How often the accept loop checks whether it should stop.
_POLL_SECONDS = 0.005


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
        self._routes: list[Route] = []
        self._builtin, self._appendable = operation_routes() if builtin_routes else ((), {})
        self._rules: list[FaultRule] = []
        self._requests: list[RecordedRequest] = []
        #: The v4 login flow and lists (see ``testing/_v4.py``); None without built-in routes.
        self.v4: FakeV4 | None = FakeV4() if builtin_routes else None
        #: The daily ID export files served at ``/p/exports/`` (see ``testing/_exports.py``).
        self.exports = FakeExports()
        self._stopping = threading.Event()
        self._httpd: HTTPServer | None = None
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
        httpd = HTTPServer(("127.0.0.1", self._port), self._exchange, self._stopping)
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
        route = Route(method.upper(), path, tuple(path.split("/")), handler=respond)
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

    def _find_route(self, method: str, segments: list[str]) -> tuple[Route, dict[str, str]] | None:
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
    ) -> tuple[Fault | None, Reply]:
        """Record one request and work out the answer (and the fault, if one applies)."""
        raw_path, _, query_string = target.partition("?")
        query = dict(parse_qsl(query_string, keep_blank_values=True))
        headers = {name.lower(): value for name, value in raw_headers}
        found = self._find_route(method, split_segments(raw_path))
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
        if fault is not None and fault.kind in REPLACING_FAULTS:
            reply = fault_reply(fault)
        elif exported is not None:
            reply = Reply(exported[0], exported[1], exported[2])
        elif not accepted:
            reply = json_reply(tmdb_error(401), 401)
        elif route is None:
            reply = self._answer_v4(method, raw_path, query, headers, body)
        else:
            reply = self._answer(route, request)
        if fault is not None and fault.kind in TRANSFORMING_FAULTS and reply.status < 300:
            try:
                reply = transform(fault, reply)
            except (LookupError, ValueError, TypeError, msgspec.DecodeError) as exc:
                # A fault that does not fit this answer is a mistake in the test; say which.
                message = f"the fake server could not apply {fault!r} to {request.path}: {exc}"
                reply = json_reply(tmdb_error(500, message), 500)
        outcome = fault.kind if fault is not None and fault.kind in CONNECTION_FAULTS else None
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
    ) -> Reply:
        # The v4 state sees the raw credentials: it tells its users' tokens apart.
        found = None
        if self.v4 is not None:
            found = self.v4.answer(method, path.split("/"), query, _bearer(headers), body)
        if found is None:
            return json_reply(tmdb_error(404), 404)
        status, value, extra_headers = found
        return Reply(status, msgspec.json.encode(value), headers=dict(extra_headers))

    def _answer(self, route: Route, request: RecordedRequest) -> Reply:
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
            return json_reply(tmdb_error(500, redact_text(message)), 500)
        if isinstance(answer, FakeResponse):
            return Reply(answer.status, answer.body(), answer.content_type, dict(answer.headers))
        return json_reply(answer)


def _bearer(headers: Mapping[str, str]) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _redact_body(body: bytes) -> bytes:
    text = body.decode("utf-8", errors="replace")
    redacted = redact_text(text)
    return body if redacted == text else redacted.encode()
