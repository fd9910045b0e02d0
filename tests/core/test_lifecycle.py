"""Opening, closing and sharing clients; the package's surface."""

from __future__ import annotations

import asyncio
import inspect
import os
import ssl
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import tmdbfusion
import tmdbfusion.exceptions
from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion._namespaces import AsyncNamespaces, SyncNamespaces
from tmdbfusion._resource import AsyncResource, SyncResource
from tmdbfusion.exceptions import ClientClosedError, TMDBError
from tmdbfusion.images import AsyncImageURLs, ImageURLs

from .fakes import API_KEY, FIGHT_CLUB, MovieDetails, MoviePage


def test_the_package_exports() -> None:
    exported_errors = {name for name in tmdbfusion.__all__ if name.endswith(("Error", "Warning"))}
    assert (
        set(tmdbfusion.__all__)
        == {
            "TMDBClient",
            "AsyncTMDBClient",
            "PacingBudget",
            "RedisPacingBudget",
            "TokenBucket",
            "__version__",
        }
        | exported_errors
    )
    assert exported_errors == set(tmdbfusion.exceptions.__all__)
    assert issubclass(TMDBClient, SyncNamespaces)
    assert issubclass(AsyncTMDBClient, AsyncNamespaces)


@pytest.mark.slow
def test_importing_the_package_loads_no_generated_models_or_resources() -> None:
    code = (
        "import sys, tmdbfusion\n"
        "heavy = [m for m in sys.modules if m.startswith(('tmdbfusion.models', "
        "'tmdbfusion.resources'))]\n"
        "assert not heavy, heavy\n"
    )
    package_root = str(Path(tmdbfusion.__file__).parent.parent)
    environment = {**os.environ, "PYTHONPATH": package_root}
    subprocess.run([sys.executable, "-c", code], check=True, env=environment)


def test_a_closed_client_refuses_requests(api: respx.MockRouter) -> None:
    client = TMDBClient(API_KEY)
    client.close()
    client.close()  # closing twice is harmless
    assert client._http.is_closed
    assert repr(client).endswith(", closed)")
    with pytest.raises(ClientClosedError) as caught:
        client._request("GET", "/3/movie/{id}", path_params={"id": 550}, cast_to=MovieDetails)
    assert isinstance(caught.value, TMDBError)
    assert str(caught.value) == (
        "This TMDBClient has been closed; create a new client to make more requests "
        "(or keep all the requests inside its `with` block)."
    )
    with pytest.raises(ClientClosedError):
        client._request_page("GET", "/3/movie/popular", cast_to=MoviePage)
    with pytest.raises(ClientClosedError), client:
        pass
    assert not api.calls


def test_the_with_block_closes_the_client(api: respx.MockRouter) -> None:
    api.get("/3/movie/550").respond(json=FIGHT_CLUB)
    with TMDBClient(API_KEY) as client:
        client._request("GET", "/3/movie/{id}", path_params={"id": 550}, cast_to=MovieDetails)
    assert client._http.is_closed
    with pytest.raises(ClientClosedError):
        client._request("GET", "/3/movie/{id}", path_params={"id": 550}, cast_to=MovieDetails)


def test_a_callers_http_client_is_used_and_left_open(api: respx.MockRouter) -> None:
    route = api.get("/3/movie/550").respond(json=FIGHT_CLUB)
    with httpx.Client() as shared:
        with TMDBClient(API_KEY, http_client=shared) as client:
            assert client._http is shared
            client._request("GET", "/3/movie/{id}", path_params={"id": 550}, cast_to=MovieDetails)
        assert not shared.is_closed
        assert route.call_count == 1


def test_http_clients_of_the_wrong_kind_are_refused() -> None:
    async_http: Any = httpx.AsyncClient()
    sync_http: Any = httpx.Client()
    with pytest.raises(
        TypeError, match=r"http_client must be an httpx\.Client; use AsyncTMDBClient"
    ):
        TMDBClient(API_KEY, http_client=async_http)
    with pytest.raises(
        TypeError, match=r"http_client must be an httpx\.AsyncClient; use TMDBClient"
    ):
        AsyncTMDBClient(API_KEY, http_client=sync_http)
    sync_http.close()
    asyncio.run(async_http.aclose())


def test_connection_limits_reach_the_owned_http_client() -> None:
    with TMDBClient(API_KEY, max_connections=7, max_keepalive_connections=3) as client:
        pool = client._http._transport._pool
        assert pool._max_connections == 7
        assert pool._max_keepalive_connections == 3


def test_the_async_client_lifecycle(api: respx.MockRouter) -> None:
    api.get("/3/movie/550").respond(json=FIGHT_CLUB)
    assert inspect.iscoroutinefunction(AsyncTMDBClient.close)
    assert inspect.iscoroutinefunction(AsyncTMDBClient.aclose)

    async def main() -> None:
        async with AsyncTMDBClient(API_KEY, http_backend="httpx") as client:
            movie = await client._request(
                "GET", "/3/movie/{id}", path_params={"id": 550}, cast_to=MovieDetails
            )
            assert movie.title == "Fight Club"
        assert client._http.is_closed
        with pytest.raises(ClientClosedError, match="This AsyncTMDBClient has been closed"):
            await client._request(
                "GET", "/3/movie/{id}", path_params={"id": 550}, cast_to=MovieDetails
            )
        with pytest.raises(ClientClosedError):
            client._request_page("GET", "/3/movie/popular", cast_to=MoviePage)

        other = AsyncTMDBClient(API_KEY, http_backend="httpx")
        await other.close()
        await other.close()
        assert other._http.is_closed

        async with httpx.AsyncClient() as shared:
            async with AsyncTMDBClient(API_KEY, http_client=shared):
                pass
            assert not shared.is_closed

    asyncio.run(main())


def test_a_pager_made_before_closing_refuses_to_fetch(api: respx.MockRouter) -> None:
    async def main() -> None:
        client = AsyncTMDBClient(API_KEY, http_backend="httpx")
        pager = client._request_page("GET", "/3/movie/popular", cast_to=MoviePage)
        await client.aclose()
        with pytest.raises(ClientClosedError):
            await pager

    asyncio.run(main())
    assert not api.calls


def test_reprs_show_base_url_and_auth_kind(make_client: Callable[..., TMDBClient]) -> None:
    client = make_client(base_url="http://localhost:8080/")
    assert repr(client) == "TMDBClient(base_url='http://localhost:8080', auth='api_key')"
    assert repr(SyncResource(client)) == f"<SyncResource of {client!r}>"


def test_images_is_built_once_per_client(make_client: Callable[..., TMDBClient]) -> None:
    client = make_client()
    assert isinstance(client.images, ImageURLs)
    assert client.images is client.images

    async def main() -> None:
        async with AsyncTMDBClient(API_KEY, http_backend="httpx") as async_client:
            assert isinstance(async_client.images, AsyncImageURLs)
            assert async_client.images is async_client.images
            assert AsyncResource(async_client)._client is async_client

    asyncio.run(main())


def test_resources_keep_their_client(make_client: Callable[..., TMDBClient]) -> None:
    client = make_client()
    assert SyncResource(client)._client is client


def test_clients_share_one_verifying_tls_context() -> None:
    # Loading the CA bundle costs ~25 ms per httpx client; the SDK loads it once.
    from tmdbfusion._backends import shared_ssl_context

    def context_of(http: httpx.Client | httpx.AsyncClient) -> object:
        return http._transport._pool._ssl_context  # type: ignore[union-attr]

    async def async_context() -> object:
        async with AsyncTMDBClient(api_key=API_KEY, http_backend="httpx") as client:
            return context_of(client._http)

    with TMDBClient(api_key=API_KEY) as first, TMDBClient(api_key=API_KEY) as second:
        contexts = {id(context_of(first._http)), id(context_of(second._http))}
    contexts.add(id(asyncio.run(async_context())))
    context = shared_ssl_context()
    assert contexts == {id(context)}
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
