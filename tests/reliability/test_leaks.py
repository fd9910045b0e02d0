"""No socket outlives its client, whatever went wrong; a closed client refuses clearly.

``ResourceWarning`` is an error in this project's pytest configuration, and the conftest
collects garbage after each test so an unclosed socket fails the test that leaked it.  These
tests also count the process's open file descriptors around a run of every fault.
"""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import threading
import time
import warnings
from pathlib import Path

import httpx
import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.exceptions import ClientClosedError, TMDBError
from tmdbfusion.testing import FakeTMDB, Fault

from .conftest import run_async

FD_DIR = Path("/proc/self/fd")
EVERY_FAULT = [
    Fault.status(500),
    Fault.status(503, retry_after=0),
    Fault.rate_limit(0),
    Fault.rate_limit(0, form="http-date"),
    Fault.reset(),
    Fault.reset_mid_body(),
    Fault.stall(30),
    Fault.invalid_json(),
    Fault.truncated_json(),
    Fault.html_page(),
    Fault.empty_body(),
    Fault.wrong_shape(),
    Fault.wrong_content_type(),
    Fault.large_page(2_000),
]


def open_descriptors() -> int:
    return len(os.listdir(FD_DIR))


def every_fault_once(tmdb: FakeTMDB) -> None:
    for number, fault in enumerate(EVERY_FAULT, start=1):
        tmdb.inject(fault, calls=[number])


def sync_run(tmdb: FakeTMDB) -> int:
    failures = 0
    with tmdb.client(max_retries=0, timeout=0.5) as client:
        for fault in [*EVERY_FAULT, None]:
            try:
                if fault is not None and fault.kind == "large_page":
                    client.movies.popular()
                else:
                    client.movies.details(1)
            except TMDBError:
                failures += 1
    return failures


async def async_run(tmdb: FakeTMDB) -> int:
    failures = 0
    async with tmdb.async_client(max_retries=0, timeout=0.5) as client:
        for fault in [*EVERY_FAULT, None]:
            try:
                if fault is not None and fault.kind == "large_page":
                    await client.movies.popular()
                else:
                    await client.movies.details(1)
            except TMDBError:
                failures += 1
    return failures


@pytest.mark.slow
def test_no_socket_outlives_a_run_of_every_fault() -> None:
    counting = FD_DIR.is_dir()  # descriptors are counted where /proc lists them
    with FakeTMDB() as warm_up, warm_up.client() as client:
        client.movies.details(1)  # load everything that stays loaded
    gc.collect()
    before = open_descriptors() if counting else 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with FakeTMDB() as tmdb:
            every_fault_once(tmdb)
            sync_failures = sync_run(tmdb)
            tmdb.reset()
            every_fault_once(tmdb)
            async_failures = run_async(async_run(tmdb))
        gc.collect()
    # Content-type and large-page faults still decode; the other twelve fail.
    assert sync_failures == async_failures == len(EVERY_FAULT) - 2
    assert [str(warning.message) for warning in caught] == []
    if counting:
        assert open_descriptors() == before


def test_the_leak_check_would_notice_an_unclosed_socket() -> None:
    # The negative control for the test above: a dropped socket does warn.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        leaked = socket.socket()
        del leaked
        gc.collect()
    assert any(issubclass(warning.category, ResourceWarning) for warning in caught)


def test_a_closed_client_refuses_every_kind_of_call(tmdb: FakeTMDB) -> None:
    client = tmdb.client()
    first_page = client.movies.popular()
    client.close()
    message = "This TMDBClient has been closed; create a new client"
    with pytest.raises(ClientClosedError, match=message):
        client.movies.details(550)
    with pytest.raises(ClientClosedError, match=message):
        client.search.movie(query="Alien")
    with pytest.raises(ClientClosedError, match=message):
        first_page.next_page()
    with pytest.raises(ClientClosedError, match=message):
        client.images.refresh()
    with pytest.raises(ClientClosedError), client:
        pass
    assert len(tmdb.requests) == 1


def test_a_closed_async_client_refuses_every_kind_of_call(tmdb: FakeTMDB) -> None:
    async def main() -> None:
        client = tmdb.async_client()
        first_page = await client.movies.popular()
        await client.aclose()
        message = "This AsyncTMDBClient has been closed; create a new client"
        with pytest.raises(ClientClosedError, match=message):
            await client.movies.details(550)
        with pytest.raises(ClientClosedError, match=message):
            client.search.movie(query="Alien")
        with pytest.raises(ClientClosedError, match=message):
            await first_page.next_page()
        with pytest.raises(ClientClosedError, match=message):
            await client.images.refresh()

    run_async(main())
    assert len(tmdb.requests) == 1


def test_closing_while_a_call_waits_to_retry_stops_it_clearly(tmdb: FakeTMDB) -> None:
    tmdb.inject(Fault.status(503, retry_after=0.1))
    client = tmdb.client(max_retries=2)
    waiting = threading.Event()

    def sleep(seconds: float) -> None:
        waiting.set()
        time.sleep(seconds)

    client._sleep = sleep
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            client.movies.details(550)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=call)
    worker.start()
    assert waiting.wait(5)
    client.close()
    worker.join(5)
    assert len(outcome) == 1
    assert isinstance(outcome[0], ClientClosedError), repr(outcome[0])
    assert len(tmdb.requests) == 1


def test_closing_an_async_client_while_a_call_waits_to_retry(tmdb: FakeTMDB) -> None:
    tmdb.inject(Fault.status(503, retry_after=0.1))

    async def main() -> None:
        client = tmdb.async_client(max_retries=2)
        waiting = asyncio.Event()

        async def sleep(seconds: float) -> None:
            waiting.set()
            await asyncio.sleep(seconds)

        client._sleep = sleep
        call = asyncio.create_task(client.movies.details(550))
        await waiting.wait()
        await client.aclose()
        with pytest.raises(ClientClosedError, match="has been closed"):
            await call

    run_async(main())
    assert len(tmdb.requests) == 1


def test_a_callers_closed_http_client_gives_a_clear_error(tmdb: FakeTMDB) -> None:
    shared = httpx.Client()
    client = TMDBClient("3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b", base_url=tmdb.url, http_client=shared)
    shared.close()
    with pytest.raises(ClientClosedError, match="given as http_client= has been closed"):
        client.movies.details(550)

    async def main() -> None:
        async with httpx.AsyncClient() as shared_async:
            pass
        async_client = AsyncTMDBClient(
            "3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b", base_url=tmdb.url, http_client=shared_async
        )
        with pytest.raises(ClientClosedError, match="given as http_client= has been closed"):
            await async_client.movies.details(550)

    run_async(main())
    assert tmdb.requests == []
