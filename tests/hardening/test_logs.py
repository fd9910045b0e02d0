"""Items 5 and 10: httpcore's DEBUG logs are redacted too; unclosed clients warn."""

from __future__ import annotations

import gc
import logging

import pytest

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.testing import FakeTMDB

from .conftest import run_async

TOKEN = (
    "eyJhbGciOiJIUzI1NiJ9."
    "eyJhdWQiOiIzZmExYzBkZTliOGU0ZDJmIiwic2NvcGVzIjpbImFwaV9yZWFkIl19.q8Xz4kP2mN"
)
SESSION = "c2d7f0e1a9b84c3d5e6f7a8b9c0d1e2f3a4b5c6d"
KEY = "3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b"


def test_httpcore_debug_logs_show_no_secret(
    tmdb: FakeTMDB, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with tmdb.client(api_key=KEY) as client:
        client.account.details(1, session_id=SESSION)
        client.movies.add_rating(550, value=8.0, session_id=SESSION)

    sync_lines = sum(r.name.startswith("httpcore") for r in caplog.records)

    async def main() -> None:
        for backend in ("httpx", "aiohttp"):
            async with tmdb.async_client(access_token=TOKEN, http_backend=backend) as client:
                await client.account.details(1, session_id=SESSION)

    run_async(main())
    httpcore_lines = [r.getMessage() for r in caplog.records if r.name.startswith("httpcore")]
    # Both clients went through httpcore (the async one with its httpx backend).
    assert 0 < sync_lines < len(httpcore_lines), "httpcore logged nothing at DEBUG"
    text = caplog.text + "\n".join(httpcore_lines)
    for secret in (KEY, SESSION, TOKEN):
        assert secret not in text


def test_reprs_show_no_secret() -> None:
    client = TMDBClient(api_key=KEY, rate_limit=10)
    try:
        shown = repr(client) + repr(client._config) + repr(client._pacing)
        assert KEY not in shown
    finally:
        client.close()

    async def main() -> str:
        async with AsyncTMDBClient(access_token=TOKEN, rate_limit=10) as client:
            user = client.with_access_token(TOKEN)
            return repr(client) + repr(client._config) + repr(client._pacing) + repr(user)

    shown = run_async(main())
    assert TOKEN not in shown and TOKEN[:20] not in shown


def test_an_unclosed_sync_client_warns_naming_it() -> None:
    client = TMDBClient(api_key=KEY)
    with pytest.warns(ResourceWarning, match="TMDBClient"):
        del client
        gc.collect()


def test_an_unclosed_async_client_warns_naming_it() -> None:
    async def main() -> None:
        client = AsyncTMDBClient(api_key=KEY)
        with pytest.warns(ResourceWarning, match="AsyncTMDBClient"):
            del client
            gc.collect()

    run_async(main())


def test_a_closed_client_does_not_warn(recwarn: pytest.WarningsRecorder) -> None:
    with TMDBClient(api_key=KEY):
        pass
    TMDBClient(api_key=KEY, http_client=None).close()
    gc.collect()
    assert not [w for w in recwarn if issubclass(w.category, ResourceWarning)]
