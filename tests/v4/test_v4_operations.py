"""Every v4 operation on both clients: the request sent (method, path, query, body), decoding.

Each operation answers with the example of our own v4 document, so a schema that does not fit its
example fails here; every example is decoded and converted back, and must keep every value.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgspec
import pytest
import respx

from codegen.documents import load_v4_document
from codegen.heal import example_values, iter_operations, success_media
from tests.contract import differences
from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.models import v4 as models

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.dGVzdC1zaWduYXR1cmU"
BASE = "https://api.themoviedb.org"
ACCOUNT = "64b7c2e1d9f8a1002b3c4d5e"
ITEMS = [{"media_type": "movie", "media_id": 38}, {"media_type": "tv", "media_id": 1396}]


@dataclass(frozen=True)
class Case:
    """One v4 operation: how to call it, what must be sent, what it decodes into."""

    call: Callable[[Any], Any]
    method: str
    path: str
    template: str
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    returns: type = object


def _account(name: str, segment: str, returns: type) -> Case:
    return Case(
        lambda c: getattr(c.v4.account, name)(
            ACCOUNT, page=2, language="en-GB", sort_by="created_at.desc"
        ),
        "GET",
        f"/4/account/{ACCOUNT}/{segment}",
        f"/4/account/{{account_object_id}}/{segment}",
        {"page": "2", "language": "en-GB", "sort_by": "created_at.desc"},
        returns=returns,
    )


CASES = {
    "auth.create_request_token": Case(
        lambda c: c.v4.auth.create_request_token(redirect_to="https://app.example/done"),
        "POST",
        "/4/auth/request_token",
        "/4/auth/request_token",
        body={"redirect_to": "https://app.example/done"},
        returns=models.RequestToken,
    ),
    "auth.create_access_token": Case(
        lambda c: c.v4.auth.create_access_token(request_token="rt-approved"),
        "POST",
        "/4/auth/access_token",
        "/4/auth/access_token",
        body={"request_token": "rt-approved"},
        returns=models.AccessToken,
    ),
    "auth.logout": Case(
        lambda c: c.v4.auth.logout(access_token="user-token"),
        "DELETE",
        "/4/auth/access_token",
        "/4/auth/access_token",
        body={"access_token": "user-token"},
        returns=models.StatusResponse,
    ),
    "account.lists": Case(
        lambda c: c.v4.account.lists(ACCOUNT, page=3),
        "GET",
        f"/4/account/{ACCOUNT}/lists",
        "/4/account/{account_object_id}/lists",
        {"page": "3"},
        returns=models.ListSummaryPage,
    ),
    "account.favorite_movies": _account(
        "favorite_movies", "movie/favorites", models.MovieSummaryPage
    ),
    "account.favorite_tv": _account("favorite_tv", "tv/favorites", models.TvSeriesSummaryPage),
    "account.rated_movies": _account("rated_movies", "movie/rated", models.RatedMoviePage),
    "account.rated_tv": _account("rated_tv", "tv/rated", models.RatedTvSeriesPage),
    "account.movie_recommendations": _account(
        "movie_recommendations", "movie/recommendations", models.MovieSummaryPage
    ),
    "account.tv_recommendations": _account(
        "tv_recommendations", "tv/recommendations", models.TvSeriesSummaryPage
    ),
    "account.watchlist_movies": _account(
        "watchlist_movies", "movie/watchlist", models.MovieSummaryPage
    ),
    "account.watchlist_tv": _account("watchlist_tv", "tv/watchlist", models.TvSeriesSummaryPage),
    "lists.details": Case(
        lambda c: c.v4.lists.details(8301452, page=1, language="en-US"),
        "GET",
        "/4/list/8301452",
        "/4/list/{list_id}",
        {"page": "1", "language": "en-US"},
        returns=models.ListDetails,
    ),
    "lists.create": Case(
        lambda c: c.v4.lists.create(name="Rainy", iso_639_1="en", public=False),
        "POST",
        "/4/list",
        "/4/list",
        body={"name": "Rainy", "iso_639_1": "en", "public": False},
        returns=models.ListCreated,
    ),
    "lists.update": Case(
        lambda c: c.v4.lists.update(8301452, description="Slow films", sort_by="title.asc"),
        "PUT",
        "/4/list/8301452",
        "/4/list/{list_id}",
        body={"description": "Slow films", "sort_by": "title.asc"},
        returns=models.StatusResponse,
    ),
    "lists.delete": Case(
        lambda c: c.v4.lists.delete(8301452),
        "DELETE",
        "/4/list/8301452",
        "/4/list/{list_id}",
        returns=models.StatusResponse,
    ),
    "lists.add_items": Case(
        lambda c: c.v4.lists.add_items(8301452, items=ITEMS),
        "POST",
        "/4/list/8301452/items",
        "/4/list/{list_id}/items",
        body={"items": ITEMS},
        returns=models.ListItemsResult,
    ),
    "lists.update_items": Case(
        lambda c: c.v4.lists.update_items(8301452, items=[{**ITEMS[0], "comment": "Again"}]),
        "PUT",
        "/4/list/8301452/items",
        "/4/list/{list_id}/items",
        body={"items": [{**ITEMS[0], "comment": "Again"}]},
        returns=models.ListItemsResult,
    ),
    "lists.remove_items": Case(
        lambda c: c.v4.lists.remove_items(8301452, items=ITEMS[:1]),
        "DELETE",
        "/4/list/8301452/items",
        "/4/list/{list_id}/items",
        body={"items": ITEMS[:1]},
        returns=models.ListItemsResult,
    ),
    "lists.item_status": Case(
        lambda c: c.v4.lists.item_status(8301452, media_id=1396, media_type="tv"),
        "GET",
        "/4/list/8301452/item_status",
        "/4/list/{list_id}/item_status",
        {"media_id": "1396", "media_type": "tv"},
        returns=models.ListItemStatus,
    ),
    "lists.clear": Case(
        lambda c: c.v4.lists.clear(8301452),
        "GET",
        "/4/list/8301452/clear",
        "/4/list/{list_id}/clear",
        returns=models.ListCleared,
    ),
}


@pytest.fixture(scope="module")
def examples() -> dict[tuple[str, str], Any]:
    """Our v4 document's response example of every operation, by (method, path template)."""
    found = {}
    for method, path, operation in iter_operations(load_v4_document()):
        values = example_values(success_media(operation) or {})
        assert values, f"{method} {path} has no example"
        found[(method, path)] = values[0]
    return found


def test_every_operation_of_the_document_has_a_case(examples: dict[tuple[str, str], Any]) -> None:
    assert len(examples) == 21
    assert sorted((case.method, case.template) for case in CASES.values()) == sorted(examples)


def _check_request(request: httpx.Request, case: Case) -> None:
    assert request.method == case.method
    assert request.url.path == case.path
    assert dict(request.url.params) == case.query
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    if case.body is None:
        assert request.content == b""
    else:
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.content) == case.body


def _check_decoded(result: Any, case: Case, body: Any) -> None:
    data = getattr(result, "data", result)  # a page wraps its decoded model
    assert type(data) is case.returns
    # Every value of the example survives decoding: nothing dropped, nothing retyped.
    assert msgspec.to_builtins(data) == msgspec.to_builtins(msgspec.convert(body, case.returns))
    # (A timestamp may come back written another way: ``.000Z`` re-encodes as ``Z``.)
    assert differences(json.loads(json.dumps(body)), json.loads(msgspec.json.encode(data))) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_sync(name: str, examples: dict[tuple[str, str], Any]) -> None:
    case = CASES[name]
    body = examples[(case.method, case.template)]
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        route = router.route(method=case.method, path=case.path).respond(json=body)
        with TMDBClient(access_token=TOKEN, max_retries=0) as client:
            result = case.call(client)
    _check_request(route.calls.last.request, case)
    _check_decoded(result, case, body)


@pytest.mark.parametrize("name", sorted(CASES))
def test_async(name: str, examples: dict[tuple[str, str], Any]) -> None:
    case = CASES[name]
    body = examples[(case.method, case.template)]

    async def call() -> Any:
        client = AsyncTMDBClient(access_token=TOKEN, max_retries=0, http_backend="httpx")
        async with client:
            return await case.call(client)

    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        route = router.route(method=case.method, path=case.path).respond(json=body)
        result = asyncio.run(call())
    _check_request(route.calls.last.request, case)
    _check_decoded(result, case, body)


def test_mixed_list_items_are_a_tagged_union(examples: dict[tuple[str, str], Any]) -> None:
    body = examples[("GET", "/4/list/{list_id}")]
    details = msgspec.convert(body, models.ListDetails)
    kinds = [type(item) for item in details.results]
    assert kinds == [models.MovieListItem, models.TvSeriesListItem]
    assert [item["media_type"] for item in body["results"]] == ["movie", "tv"]
    assert details.comments["tv:1396"] == "Rewatch with Sam"
