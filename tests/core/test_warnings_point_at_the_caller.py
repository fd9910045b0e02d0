"""Warnings the SDK raises point at the user's line, sync and async, and say what happened.

Plain-http base URLs, a cache that fails, a shared pacing budget whose Redis is not there: each
reaches ``warnings.warn`` through a different depth of tmdbfusion frames.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import warnings
from pathlib import Path

import pytest

from tests.shared_data import RUN_BY_MUTMUT
from tmdbfusion import AsyncTMDBClient, RedisPacingBudget, TMDBClient
from tmdbfusion.cache import CacheWarning
from tmdbfusion.exceptions import PacingWarning
from tmdbfusion.testing import FakeTMDB

# Where a warning points can only be checked outside the mutation run: mutmut's trampoline
# (a frame outside tmdbfusion) sits in every call's stack.
check_location = not RUN_BY_MUTMUT

PLAIN_HTTP = (
    "base_url http://tmdb.internal.corp is plain http://: your TMDB credentials would travel "
    "in cleartext; use https:// unless this is a test server"
)


def test_a_plain_http_base_url_warning_points_at_the_clients_construction() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        client = TMDBClient(api_key="k", base_url="http://tmdb.internal.corp/3")
    client.close()
    assert [str(w.message) for w in caught] == [PLAIN_HTTP]
    assert caught[0].category is UserWarning
    if check_location:
        assert (caught[0].filename, caught[0].lineno) == (__file__, line)


def test_the_async_clients_plain_http_warning_points_at_its_construction_too() -> None:
    async def build() -> tuple[list[warnings.WarningMessage], int]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            line = sys._getframe().f_lineno + 1
            client = AsyncTMDBClient(api_key="k", base_url="http://tmdb.internal.corp")
        await client.aclose()
        return caught, line

    caught, line = asyncio.run(build())
    assert [str(w.message) for w in caught] == [PLAIN_HTTP]
    if check_location:
        assert (caught[0].filename, caught[0].lineno) == (__file__, line)


def test_a_missing_redis_warns_once_and_logs_the_same_words_at_the_users_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    budget = RedisPacingBudget("redis://:pacing-s3cret@127.0.0.1:1/0", rate=50)
    with (
        FakeTMDB() as tmdb,
        tmdb.client(pacing=budget) as client,
        warnings.catch_warnings(record=True) as caught,
        caplog.at_level(logging.WARNING, logger="tmdbfusion"),
    ):
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        assert client.movies.details(550).id == 550
        assert client.movies.details(551).id == 551
    assert [w.category for w in caught] == [PacingWarning]
    message = str(caught[0].message)
    # The middle is redis-py's own wording of the refused connection.
    assert message.startswith(f"The shared pacing budget ({budget!r}) failed (ConnectionError: ")
    assert "127.0.0.1:1" in message
    assert message.endswith("); this process paces alone at 50/s and tries Redis again every 30 s.")
    assert "pacing-s3cret" not in message and "redis://:***@127.0.0.1:1/0" in message
    assert [r.getMessage() for r in caplog.records if r.name.startswith("tmdbfusion")] == [message]
    if check_location:
        assert (caught[0].filename, caught[0].lineno) == (__file__, line)
    budget.close()


def test_a_failing_cache_warns_at_the_users_call(tmp_path: Path) -> None:
    not_a_file = tmp_path / "a-directory"
    not_a_file.mkdir()
    with (
        FakeTMDB() as tmdb,
        tmdb.client(cache=not_a_file) as client,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        assert client.movies.details(550).id == 550
    assert [w.category for w in caught] == [CacheWarning]
    assert str(caught[0].message).startswith("The tmdbfusion cache (")
    if check_location:
        assert (caught[0].filename, caught[0].lineno) == (__file__, line)
