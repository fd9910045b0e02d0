"""The aiohttp backend hands the flow its own replies: a call builds no httpx request or response.

The flow, decoding, error mapping, retries and the cache read an ``HTTPReply``; on aiohttp the
reply wraps aiohttp's header mapping as it is, so the success path, an error, a retried 429 and
a cached call all run without httpx objects (the speed of the aiohttp backend depends on it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.reliability.conftest import run_async
from tmdbfusion.exceptions import NotFoundError
from tmdbfusion.testing import FakeTMDB, Fault


@pytest.fixture
def httpx_objects(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Names of the httpx requests and responses made while the test runs."""
    made: list[str] = []
    for cls in (httpx.Request, httpx.Response):
        original = cls.__init__

        def counting(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> None:
            made.append(type(self).__name__)
            _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counting)
    yield made


def test_aiohttp_calls_build_no_httpx_objects(tmdb: FakeTMDB, httpx_objects: list[str]) -> None:
    pytest.importorskip("aiohttp")
    tmdb.inject(Fault.rate_limit(0.0), path="/3/movie/550")
    tmdb.inject(Fault.status(404), path="/3/movie/404", times=None)

    async def main() -> None:
        async with tmdb.async_client(http_backend="aiohttp", cache=True) as client:
            client._sleep = _no_wait
            first = await client.movies.details(550)  # a 429, retried, then the movie
            again = await client.movies.details(550)  # from the cache
            assert again == first and first.id == 550
            with pytest.raises(NotFoundError):
                await client.movies.details(404)

    run_async(main())
    assert httpx_objects == []
    assert [request.path for request in tmdb.requests].count("/3/movie/550") == 2


def test_the_httpx_backend_builds_one_response_per_attempt(
    tmdb: FakeTMDB, httpx_objects: list[str]
) -> None:
    async def main() -> None:
        async with tmdb.async_client(http_backend="httpx") as client:
            await client.movies.details(550)

    run_async(main())
    # The streamed response httpx's client makes; the flow reads it without a second one.
    assert httpx_objects.count("Response") == 1


async def _no_wait(seconds: float) -> None:
    return None
