"""Fixtures for the hand-written core's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx

from tmdbfusion import AsyncTMDBClient, TMDBClient

from .fakes import API, API_KEY, VirtualTime


@pytest.fixture(autouse=True)
def _no_tmdb_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's real credentials must never leak into (or change) a test.
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    monkeypatch.delenv("TMDB_ACCESS_TOKEN", raising=False)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """Mocked TMDB: every route must be called, and nothing unmocked may be."""
    with respx.mock(base_url=API, assert_all_called=True, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def sleeps() -> list[float]:
    """Waits requested by clients made with the ``make_client`` fixtures."""
    return []


@pytest.fixture
def make_client(sleeps: list[float]) -> Iterator[Callable[..., TMDBClient]]:
    """Build sync clients that record their waits instead of sleeping."""
    made: list[TMDBClient] = []

    def factory(*args: Any, **kwargs: Any) -> TMDBClient:
        if not args and "access_token" not in kwargs:
            kwargs.setdefault("api_key", API_KEY)
        client = TMDBClient(*args, **kwargs)
        VirtualTime(sleeps).install(client)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., TMDBClient]) -> TMDBClient:
    """A sync client with an API key and recorded waits."""
    return make_client()


@pytest.fixture
def make_async_client(sleeps: list[float]) -> Callable[..., AsyncTMDBClient]:
    """Build async clients that record their waits instead of sleeping.

    Close them inside the test's event loop (``async with``).
    """

    def factory(*args: Any, **kwargs: Any) -> AsyncTMDBClient:
        if not args and "access_token" not in kwargs:
            kwargs.setdefault("api_key", API_KEY)
        kwargs.setdefault("http_backend", "httpx")  # respx mocks httpx only
        client = AsyncTMDBClient(*args, **kwargs)
        VirtualTime(sleeps).install(client)
        return client

    return factory
