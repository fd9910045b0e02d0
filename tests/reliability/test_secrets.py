"""With an API key and a token configured, neither shows up anywhere the SDK writes or returns.

Everything is captured and scanned: every log record at DEBUG (the SDK's, httpx's and httpcore's,
with their tracebacks), the repr and str of every object the SDK returns, and the message, repr,
attributes and formatted traceback (causes included) of every exception it raises, over a run
that goes through successes, pagination, every kind of fault, retries and bad arguments, sync
and async.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.testing import FakeTMDB, Fault

from .conftest import run_async

API_KEY = "3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b"
ACCESS_TOKEN = (
    "eyJhbGciOiJIUzI1NiJ9."
    "eyJhdWQiOiIzZmExYzBkZTliOGU0ZDJmIiwic2NvcGVzIjpbImFwaV9yZWFkIl19."
    "q8Xz4kP2mN7vB1cR5tY9wE3uI6oA0sD"
)
SESSION_ID = "2629f70fb498edc263a0adb99118ac41f0053e8c"
# Recognisable pieces too: half a key or a token's signature is as bad as the whole.
FORBIDDEN = [API_KEY, API_KEY[:16], API_KEY[16:], ACCESS_TOKEN, ACCESS_TOKEN.split(".")[2]]


class Everything(logging.Handler):
    """Keeps every record, formatted the way a logging setup would print it, traceback included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []
        self.loggers: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        self.loggers.add(record.name)
        self.lines.append(self.format(record))
        self.lines.append(repr(record.args))


@pytest.fixture
def captured_logs() -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    names = ["tmdbfusion", "httpx", "httpcore"]
    previous = {name: logging.getLogger(name).level for name in names}
    previous_root = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_root)
        for name, level in previous.items():
            logging.getLogger(name).setLevel(level)


def describe_error(error: BaseException) -> list[str]:
    texts = [str(error), repr(error), repr(error.args), repr(vars(error))]
    texts += traceback.format_exception(error)
    return texts


class Scan:
    """Calls the SDK, keeping a textual form of everything it returns or raises."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.errors: set[str] = set()

    def keep(self, value: Any) -> Any:
        self.texts += [repr(value), str(value)]
        return value

    def call(self, function: Callable[[], Any]) -> None:
        try:
            self.keep(function())
        except Exception as error:
            self.errors.add(type(error).__name__)
            self.texts += describe_error(error)

    async def acall(self, function: Callable[[], Any]) -> None:
        try:
            self.keep(await function())
        except Exception as error:
            self.errors.add(type(error).__name__)
            self.texts += describe_error(error)


def inject_every_fault(tmdb: FakeTMDB) -> None:
    faults = [
        Fault.status(500),
        Fault.status(503, retry_after=0),
        Fault.rate_limit(0, form="http-date"),
        Fault.reset(),
        Fault.reset_mid_body(),
        Fault.stall(30),
        Fault.invalid_json(),
        Fault.html_page(),
        Fault.empty_body(),
        Fault.truncated_json(),
        Fault.wrong_shape(),
    ]
    for number, fault in enumerate(faults, start=1):
        tmdb.inject(fault, path="/3/movie/{movie_id}", calls=[number])


def sync_run(tmdb: FakeTMDB, client: TMDBClient, scan: Scan) -> None:
    scan.keep(client)
    scan.keep(client.movies)
    scan.keep(client.images)
    scan.call(lambda: client.movies.details(550, append_to_response=["credits", "videos"]))
    page = client.movies.popular()
    scan.keep(page)
    scan.keep(page.take(45))
    scan.call(lambda: client.search.multi(query="Fight Club"))
    scan.call(lambda: client.movies.add_rating(550, value=8.5, session_id=SESSION_ID))
    scan.call(lambda: client.guest_sessions.rated_movies("1ce82ec1223641636ad4a60b07de3581"))
    scan.call(lambda: client.images.refresh())
    inject_every_fault(tmdb)
    for _ in range(12):
        scan.call(lambda: client.movies.details(550))
    tmdb.inject(Fault.status(401), times=None)
    scan.call(lambda: client.movies.details(550))
    tmdb.reset()
    tmdb.inject(Fault.rate_limit(0), times=None)
    scan.call(lambda: client.tv.details(1399))
    tmdb.reset()
    scan.call(lambda: client.movies.popular(page=501))
    scan.call(lambda: client.search.movie(query=""))
    scan.call(lambda: client.movies.details(-1))
    scan.call(lambda: client.trending.movies("month"))  # type: ignore[arg-type]


async def async_run(tmdb: FakeTMDB, client: AsyncTMDBClient, scan: Scan) -> None:
    scan.keep(client)
    scan.keep(client.tv)
    await scan.acall(lambda: client.movies.details(550, append_to_response=["images"]))
    pager = client.movies.popular()
    scan.keep(pager)
    scan.keep(await pager.take(30))
    scan.keep(pager)
    await scan.acall(lambda: client.search.multi(query="Fight Club"))
    inject_every_fault(tmdb)
    for _ in range(12):
        await scan.acall(lambda: client.movies.details(550))
    scan.call(lambda: client.movies.popular(page=0))


async def no_wait(seconds: float) -> None:
    """Retries in this test need not wait."""


@pytest.mark.slow
def test_no_secret_anywhere(tmdb: FakeTMDB, captured_logs: Everything) -> None:
    scan = Scan()
    options: dict[str, Any] = {"max_retries": 1, "timeout": 0.5}
    with tmdb.client(api_key=API_KEY, access_token=ACCESS_TOKEN, **options) as client:
        client._sleep = lambda seconds: None
        sync_run(tmdb, client, scan)
    scan.keep(client)

    async def main() -> None:
        async with tmdb.async_client(
            api_key=API_KEY, access_token=ACCESS_TOKEN, **options
        ) as async_client:
            async_client._sleep = no_wait
            await async_run(tmdb, async_client, scan)

    tmdb.reset()
    run_async(main())
    scan.keep(tmdb.requests)

    # The run went where it should: both credentials were sent, errors were raised, and the
    # three libraries logged.
    assert scan.errors == {
        "APIConnectionError",
        "APITimeoutError",
        "AuthenticationError",
        "RateLimitError",
        "ResponseValidationError",
        "ServerError",
        "ValueError",
    }
    assert all(request.auth == "access_token+api_key" for request in tmdb.requests)
    assert {"tmdbfusion", "httpx", "httpcore.http11", "httpcore.connection"} <= (
        captured_logs.loggers
    )
    assert any("api_key=***" in line for line in captured_logs.lines)
    everything = "\n".join(captured_logs.lines + scan.texts)
    assert len(everything) > 100_000
    for secret in FORBIDDEN:
        assert secret not in everything
