"""What both clients share (``_client_core``), seen from outside: closing, pacing arguments,
the request parts built once per configuration.

Against :class:`~tmdbfusion.testing.FakeTMDB` on 127.0.0.1 where a request must be sent.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion._request import RequestDefaults
from tmdbfusion.exceptions import ClientClosedError
from tmdbfusion.testing import FakeTMDB

from .fakes import CountingBudget

API_KEY = "0123456789abcdef0123456789abcdef"


def test_closing_twice_leaves_the_users_http_client_open() -> None:
    users = httpx.Client()
    client = TMDBClient(api_key=API_KEY, http_client=users)
    client.close()
    client.close()  # a second close() must not take the pool it never owned
    assert users.is_closed is False
    users.close()


def test_closing_an_async_client_twice_leaves_the_users_http_client_open() -> None:
    async def main() -> None:
        users = httpx.AsyncClient()
        client = AsyncTMDBClient(api_key=API_KEY, http_client=users)
        await client.close()
        await client.close()
        assert users.is_closed is False
        await users.aclose()

    asyncio.run(main())


def test_a_closed_http_client_of_the_user_is_named_in_the_error() -> None:
    with FakeTMDB() as tmdb:
        users = httpx.Client()
        client = TMDBClient(api_key=API_KEY, base_url=tmdb.url, http_client=users)
        users.close()
        with pytest.raises(ClientClosedError) as raised:
            client.movies.details(550)
        client.close()
    assert str(raised.value) == (
        "The httpx client given as http_client= has been closed; keep it open while "
        "this TMDBClient is in use."
    )


def test_a_closed_async_http_client_of_the_user_is_named_in_the_error() -> None:
    async def main() -> str:
        async with FakeTMDB() as tmdb:
            users = httpx.AsyncClient()
            client = AsyncTMDBClient(api_key=API_KEY, base_url=tmdb.url, http_client=users)
            await users.aclose()
            with pytest.raises(ClientClosedError) as raised:
                await client.movies.details(550)
            await client.close()
        return str(raised.value)

    assert asyncio.run(main()) == (
        "The httpx client given as http_client= has been closed; keep it open while "
        "this AsyncTMDBClient is in use."
    )


def test_rate_limit_and_pacing_together_are_refused_with_the_reason() -> None:
    for make in (TMDBClient, AsyncTMDBClient):
        with pytest.raises(ValueError) as raised:
            make(api_key=API_KEY, rate_limit=10, pacing=CountingBudget())
        assert str(raised.value) == (
            "pass rate_limit= or pacing=, not both: the budget given as pacing= sets its own rate"
        )


def test_a_pacing_object_without_the_budget_methods_is_named_in_the_error() -> None:
    not_a_budget: Any = object()
    for make in (TMDBClient, AsyncTMDBClient):
        with pytest.raises(TypeError) as raised:
            make(api_key=API_KEY, pacing=not_a_budget)
        assert str(raised.value) == (
            "pacing must have reserve() and pause(seconds) methods (see tmdbfusion.PacingBudget); "
            "got object"
        )


def test_the_callers_pacing_budget_is_the_one_asked_before_each_request() -> None:
    budget = CountingBudget()
    with FakeTMDB() as tmdb, tmdb.client(pacing=budget) as client:
        client.movies.details(550)
        client.movies.details(550)
    assert budget.reserved == 2


def test_the_shared_request_parts_are_built_once_per_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Headers and the encoded credential are the same for every call of one client;
    # building them per call is what the benchmarks measured as avoidable overhead.
    built: list[object] = []
    original = RequestDefaults.__init__

    def counting(self: RequestDefaults, config: Any) -> None:
        built.append(config)
        original(self, config)

    monkeypatch.setattr(RequestDefaults, "__init__", counting)
    with FakeTMDB() as tmdb, tmdb.client(api_key=API_KEY) as client:
        for _ in range(3):
            client.movies.details(550)
        assert built == [client._config]
        user = client.with_access_token("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln")
        user.movies.details(550)
        user.movies.details(550)
        # The copy's configuration differs (its own token), so it builds its own parts once.
        assert built == [client._config, user._config]
        assert [request.auth for request in tmdb.requests] == ["api_key"] * 3 + ["access_token"] * 2
