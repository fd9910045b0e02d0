"""Item 1: a write that is not idempotent is repeated only when it cannot have reached TMDB."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.exceptions import APIConnectionError, RateLimitError, ServerError
from tmdbfusion.testing import FakeTMDB, Fault

from .conftest import run_async

SESSION = "c2d7f0e1a9b84c3d5e6f7a8b9c0d1e2f3a4b5c6d"
LIST = "/3/list"
RATING = "/3/movie/{movie_id}/rating"


def _create(client: TMDBClient) -> object:
    return client.lists.create(session_id=SESSION, name="n", description="d", language="en")


@pytest.mark.parametrize(
    "fault", [Fault.reset(), Fault.status(503), Fault.reset_mid_body()], ids=repr
)
def test_create_list_reaches_tmdb_once_after_a_failure_that_may_have_arrived(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient], fault: Fault
) -> None:
    tmdb.inject(fault, path=LIST, method="POST", times=None)
    client = make_client(max_retries=3)
    with pytest.raises((ServerError, APIConnectionError)):
        _create(client)
    assert len(tmdb.requests) == 1


@pytest.mark.slow
def test_create_list_read_timeout_is_not_repeated(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient]
) -> None:
    tmdb.inject(Fault.stall(2.0), path=LIST, method="POST", times=None)
    client = make_client(max_retries=3, timeout=1.0)  # the stall outlasts it; a connect fits
    with pytest.raises(ServerError):
        _create(client)
    assert len(tmdb.requests) == 1


def test_create_list_is_retried_on_429(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient]
) -> None:
    tmdb.inject(Fault.rate_limit(0.0), path=LIST, method="POST", times=1)
    client = make_client(max_retries=3)
    assert _create(client) is not None
    assert len(tmdb.requests) == 2


def test_create_list_is_retried_when_the_connection_was_never_made(
    make_client: Callable[..., TMDBClient],
) -> None:
    # A closed port: the request cannot have arrived, so repeating it is safe.
    client = make_client(max_retries=2, base_url="http://127.0.0.1:9")
    with pytest.raises(APIConnectionError) as caught:
        _create(client)
    assert "3 attempts" in str(caught.value)


def test_idempotent_rating_is_retried_after_a_503(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient]
) -> None:
    tmdb.inject(Fault.status(503), path=RATING, method="POST", times=2)
    client = make_client(max_retries=3)
    client.movies.add_rating(550, value=8.5, session_id=SESSION)
    assert len(tmdb.requests) == 3


def test_delete_is_retried_after_a_reset(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient]
) -> None:
    tmdb.inject(Fault.reset(), path=RATING, method="DELETE", times=1)
    client = make_client(max_retries=3)
    client.movies.delete_rating(550, session_id=SESSION)
    assert len(tmdb.requests) == 2


def test_async_create_list_reaches_tmdb_once_and_rating_is_retried(
    tmdb: FakeTMDB, make_async_client: Callable[..., AsyncTMDBClient]
) -> None:
    tmdb.inject(Fault.status(503), path=LIST, method="POST", times=None)
    tmdb.inject(Fault.status(503), path=RATING, method="POST", times=1)

    async def main() -> None:
        async with make_async_client(max_retries=3) as client:
            with pytest.raises(ServerError):
                await client.lists.create(
                    session_id=SESSION, name="n", description="d", language="en"
                )
            assert len(tmdb.requests) == 1
            await client.movies.add_rating(550, value=8.5, session_id=SESSION)
            assert len(tmdb.requests) == 3

    run_async(main())


def test_429_on_a_write_still_raises_rate_limit_error_when_retries_run_out(
    tmdb: FakeTMDB, make_client: Callable[..., TMDBClient]
) -> None:
    tmdb.inject(Fault.rate_limit(0.0), path=LIST, method="POST", times=None)
    client = make_client(max_retries=1)
    with pytest.raises(RateLimitError):
        _create(client)
    assert len(tmdb.requests) == 2


BACKENDS = ["httpx", "aiohttp"]


async def _acreate(client: AsyncTMDBClient) -> object:
    return await client.lists.create(session_id=SESSION, name="n", description="d", language="en")


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "fault",
    [Fault.reset(), Fault.status(503), Fault.reset_mid_body(), Fault.stall(2.0)],
    ids=repr,
)
def test_async_create_list_reaches_tmdb_once_after_a_failure_that_may_have_arrived(
    tmdb: FakeTMDB,
    make_async_client: Callable[..., AsyncTMDBClient],
    fault: Fault,
    backend: str,
) -> None:
    tmdb.inject(fault, path=LIST, method="POST", times=None)

    async def main() -> None:
        # 1 s: under a stall of 2 s the attempt times out, and on a loaded machine a connect
        # still fits (a connect timeout means the request never arrived, and is retried).
        async with make_async_client(max_retries=3, timeout=1.0, http_backend=backend) as client:
            with pytest.raises((ServerError, APIConnectionError)):
                await _acreate(client)

    run_async(main())
    assert len(tmdb.requests) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_async_writes_are_retried_when_that_does_no_harm(
    tmdb: FakeTMDB, make_async_client: Callable[..., AsyncTMDBClient], backend: str
) -> None:
    tmdb.inject(Fault.rate_limit(0.0), path=LIST, method="POST", times=1)
    tmdb.inject(Fault.reset(), path=RATING, method="DELETE", times=1)
    tmdb.inject(Fault.status(503), path=RATING, method="POST", times=2)

    async def main() -> None:
        async with make_async_client(max_retries=3, http_backend=backend) as client:
            assert await _acreate(client) is not None  # a 429: TMDB did not act on it
            assert len(tmdb.requests) == 2
            await client.movies.delete_rating(550, session_id=SESSION)  # idempotent
            assert len(tmdb.requests) == 4
            await client.movies.add_rating(550, value=8.5, session_id=SESSION)  # sets a value
            assert len(tmdb.requests) == 7
        async with make_async_client(
            max_retries=2, base_url="http://127.0.0.1:9", http_backend=backend
        ) as client:
            # A closed port: the request cannot have arrived, so repeating it is safe.
            with pytest.raises(APIConnectionError, match="3 attempts"):
                await _acreate(client)

    run_async(main())
