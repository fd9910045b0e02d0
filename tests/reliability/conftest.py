"""Fixtures for the reliability tests: a fake TMDB per test, and clients that record their waits.

Every test here talks to :class:`tmdbfusion.testing.FakeTMDB` over real sockets.  A hang must
fail the run rather than stall it, so each test runs under a faulthandler deadline that dumps
every thread's stack and exits; tests that are about time also assert their own, tighter bounds.
"""

from __future__ import annotations

import asyncio
import faulthandler
import gc
import inspect
import sys
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from tests.core.fakes import VirtualTime
from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.testing import FakeTMDB

T = TypeVar("T")

# No test here takes more than a few seconds; this only stops a hang from stalling the suite.
HANG_DEADLINE = 60.0


ASYNC_BACKENDS = ("httpx", "aiohttp")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that makes an async client once per async backend."""
    source = inspect.getsource(metafunc.function)
    if "async_client" in source and "async_backend" not in metafunc.fixturenames:
        metafunc.fixturenames.append("async_backend")
    if "async_backend" in metafunc.fixturenames:
        metafunc.parametrize("async_backend", ASYNC_BACKENDS)


@pytest.fixture(autouse=True)
def _async_clients_use_the_backend(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Async clients made through FakeTMDB in this test send on the parametrized backend."""
    if "async_backend" not in request.fixturenames:
        return
    backend = request.getfixturevalue("async_backend")
    if backend == "aiohttp":
        pytest.importorskip("aiohttp")
    make = FakeTMDB.async_client

    def async_client(self: FakeTMDB, **options: Any) -> AsyncTMDBClient:
        options.setdefault("http_backend", backend)
        return make(self, **options)

    monkeypatch.setattr(FakeTMDB, "async_client", async_client)


@pytest.fixture(autouse=True)
def _no_tmdb_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    monkeypatch.delenv("TMDB_ACCESS_TOKEN", raising=False)


@pytest.fixture(autouse=True)
def _deadline_and_leak_check() -> Iterator[None]:
    faulthandler.dump_traceback_later(HANG_DEADLINE, exit=True, file=sys.stderr)
    # Objects from before the test are set aside, so the collection below only looks at
    # what the test made: quick, however much the session has loaded.
    gc.freeze()
    try:
        yield
        # Unclosed sockets warn when collected; collect now so the warning (an error under
        # this project's filterwarnings) lands in the test that leaked them.
        gc.collect()
    finally:
        gc.unfreeze()
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def tmdb() -> Iterator[FakeTMDB]:
    with FakeTMDB() as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    """Waits the clients made by ``make_client`` / ``make_async_client`` were told to take."""
    return []


@pytest.fixture
def make_client(tmdb: FakeTMDB, sleeps: list[float]) -> Iterator[Callable[..., TMDBClient]]:
    """Sync clients of the fake server that record their waits instead of sleeping."""
    made: list[TMDBClient] = []

    def factory(**options: Any) -> TMDBClient:
        client = tmdb.client(**options)
        VirtualTime(sleeps).install(client)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()


@pytest.fixture
def make_async_client(tmdb: FakeTMDB, sleeps: list[float]) -> Callable[..., AsyncTMDBClient]:
    """Async clients of the fake server that record their waits; close them in the test."""

    def factory(**options: Any) -> AsyncTMDBClient:
        client = tmdb.async_client(**options)
        VirtualTime(sleeps).install(client)
        return client

    return factory


def run_async(main: Coroutine[Any, Any, T], *, timeout: float = 15.0) -> T:
    """Run a coroutine in a fresh event loop, failing if it takes longer than ``timeout``."""
    return asyncio.run(asyncio.wait_for(main, timeout))
