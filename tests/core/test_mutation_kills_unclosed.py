"""A client dropped without close() warns, like an open file; one that owns nothing does not."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tmdbfusion import AsyncTMDBClient, TMDBClient


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append((args, kwargs))


def test_an_unclosed_client_that_owns_its_pool_warns_with_itself_as_the_source() -> None:
    for make in (TMDBClient, AsyncTMDBClient):
        client = make(api_key="k")
        recorder = Recorder()
        client.__del__(_warn=recorder)
        assert recorder.calls == [
            (
                (
                    f"unclosed {make.__name__}; call close() (or use it in a `with` block) "
                    "to release its connections",
                    ResourceWarning,
                ),
                {"source": client},
            )
        ]
        client._closed = True  # what close() records; the pool itself is left to the GC here
        recorder = Recorder()
        client.__del__(_warn=recorder)
        assert recorder.calls == []
        if isinstance(client._http, httpx.Client):
            client._http.close()
        else:
            asyncio.run(client._http.aclose())


def test_a_client_on_the_users_http_client_neither_warns_nor_closes_it() -> None:
    users = httpx.Client()
    client = TMDBClient(api_key="k", http_client=users)
    recorder = Recorder()
    client.__del__(_warn=recorder)
    assert recorder.calls == []
    client.close()
    assert users.is_closed is False  # the user's client is theirs to close
    users.close()


def test_a_half_built_client_says_nothing() -> None:
    # __init__ may fail before the pool exists, or before the flags are set.
    for attributes in ({"_owns_http": True}, {"_http": object()}, {"_owns_http": True, "_http": 1}):
        client = object.__new__(TMDBClient)
        vars(client).update(attributes)
        recorder = Recorder()
        client.__del__(_warn=recorder)
        assert recorder.calls == []
