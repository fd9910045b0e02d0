"""Walking TMDB's paged lists, sync and async."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.pagination import AsyncPage, AsyncPager, SyncPage, next_page_number

from .fakes import MoviePage, MovieSummary, NowPlayingPage, page_json

Pages = dict[int, dict[str, Any]]


def serve_pages(api: respx.MockRouter, path: str, pages: Pages) -> list[str | None]:
    """Serve ``pages`` by their ``page`` parameter; return the ``page`` values requested."""
    requested: list[str | None] = []

    def respond(request: httpx.Request) -> httpx.Response:
        raw = request.url.params.get("page")
        requested.append(raw)
        return httpx.Response(200, json=pages[int(raw or 1)])

    api.get(path).mock(side_effect=respond)
    return requested


def three_pages() -> Pages:
    return {number: page_json(number) for number in (1, 2, 3)}


def popular(client: TMDBClient, **query: Any) -> SyncPage[MoviePage, MovieSummary]:
    return client._request_page("GET", "/3/movie/popular", query=query, cast_to=MoviePage)


def async_popular(client: AsyncTMDBClient, **query: Any) -> AsyncPager[MoviePage, MovieSummary]:
    return client._request_page("GET", "/3/movie/popular", query=query, cast_to=MoviePage)


def ids(movies: list[MovieSummary]) -> list[int]:
    return [movie.id for movie in movies]


# --- the shared stop rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "total_pages", "results", "expected"),
    [
        (1, 3, 20, 2),
        (2, 3, 20, 3),
        (3, 3, 20, None),
        (4, 3, 20, None),
        (1, 9, 0, None),
        (1, 0, 0, None),
        (499, 1000, 20, 500),
        (500, 1000, 20, None),
    ],
)
def test_next_page_number(page: int, total_pages: int, results: int, expected: int | None) -> None:
    data = MoviePage(
        page=page,
        results=[MovieSummary(id=n, title=f"Movie {n}") for n in range(results)],
        total_pages=total_pages,
        total_results=total_pages * 20,
    )
    assert next_page_number(data) == expected


# --- sync -------------------------------------------------------------------------------


def test_iterating_a_page_walks_every_item(api: respx.MockRouter, client: TMDBClient) -> None:
    requested = serve_pages(api, "/3/movie/popular", three_pages())
    first = popular(client)
    assert requested == [None]
    assert isinstance(first, SyncPage)
    assert (first.page, first.total_pages, first.total_results) == (1, 3, 6)
    assert ids(first.results) == [1, 2]
    assert isinstance(first.data, MoviePage)
    assert [movie.id for movie in first] == [1, 2, 3, 4, 5, 6]
    assert requested == [None, "2", "3"]


def test_query_parameters_are_kept_across_pages(
    api: respx.MockRouter, make_client: Callable[..., TMDBClient]
) -> None:
    route = api.get("/3/discover/movie").mock(
        side_effect=[httpx.Response(200, json=page_json(n)) for n in (1, 2, 3)]
    )
    client = make_client(language="en-US")
    first = client._request_page(
        "GET",
        "/3/discover/movie",
        query={"language": None, "with_genres": [18, 53], "sort_by": "popularity.desc"},
        cast_to=MoviePage,
    )
    assert len(list(first)) == 6
    sent = [dict(call.request.url.params) for call in route.calls]
    common = {
        "language": "en-US",
        "with_genres": "18,53",
        "sort_by": "popularity.desc",
        "api_key": client._config.auth.api_key,
    }
    assert sent == [common, common | {"page": "2"}, common | {"page": "3"}]


def test_the_walk_stops_at_total_pages(api: respx.MockRouter, client: TMDBClient) -> None:
    pages = {n: page_json(n, total_pages=2) for n in (1, 2)}
    requested = serve_pages(api, "/3/movie/popular", pages)
    assert ids(list(popular(client))) == [1, 2, 3, 4]
    assert requested == [None, "2"]


def test_the_walk_stops_at_an_empty_page(api: respx.MockRouter, client: TMDBClient) -> None:
    pages = {1: page_json(1, total_pages=5), 2: page_json(2, total_pages=5, per_page=0)}
    requested = serve_pages(api, "/3/movie/popular", pages)
    first = popular(client)
    assert ids(list(first)) == [1, 2]
    assert requested == [None, "2"]
    assert [page.page for page in first.iter_pages()] == [1, 2]


def test_an_empty_list_fetches_one_page(api: respx.MockRouter, client: TMDBClient) -> None:
    requested = serve_pages(api, "/3/movie/popular", {1: page_json(1, per_page=0, total_pages=0)})
    first = popular(client)
    assert list(first) == []
    assert not first.has_next_page()
    assert first.next_page() is None
    assert requested == [None]


def test_the_walk_stops_at_page_500(api: respx.MockRouter, client: TMDBClient) -> None:
    pages = {n: page_json(n, total_pages=1000) for n in (499, 500)}
    requested = serve_pages(api, "/3/movie/popular", pages)
    first = popular(client, page=499)
    assert first.page == 499
    assert ids(list(first)) == [997, 998, 999, 1000]
    assert requested == ["499", "500"]


def test_starting_from_a_later_page(api: respx.MockRouter, client: TMDBClient) -> None:
    requested = serve_pages(api, "/3/movie/popular", three_pages())
    first = popular(client, page=2)
    assert ids(list(first)) == [3, 4, 5, 6]
    assert requested == ["2", "3"]


def test_take_fetches_only_the_pages_it_needs(api: respx.MockRouter, client: TMDBClient) -> None:
    requested = serve_pages(api, "/3/movie/popular", three_pages())
    first = popular(client)
    assert first.take(0) == []
    assert ids(first.take(2)) == [1, 2]
    assert requested == [None]
    assert ids(first.take(3)) == [1, 2, 3]
    assert requested == [None, "2"]
    assert ids(first.take(50)) == [1, 2, 3, 4, 5, 6]
    assert requested == [None, "2", "2", "3"]


def test_iter_items_with_a_limit(api: respx.MockRouter, client: TMDBClient) -> None:
    requested = serve_pages(api, "/3/movie/popular", three_pages())
    first = popular(client)
    assert ids(list(first.iter_items(max_items=4))) == [1, 2, 3, 4]
    assert requested == [None, "2"]
    assert ids(list(first.iter_items())) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("count", "error", "message"),
    [
        (-1, ValueError, "must be 0 or more; got -1"),
        ("3", TypeError, "must be an int of 0 or more; got str"),
        (None, TypeError, "must be an int of 0 or more; got NoneType"),
    ],
)
def test_counts_are_checked(
    api: respx.MockRouter, client: TMDBClient, count: Any, error: type[Exception], message: str
) -> None:
    serve_pages(api, "/3/movie/popular", three_pages())
    first = popular(client)
    with pytest.raises(error, match=f"n {message}"):
        first.take(count)
    if count is not None:
        with pytest.raises(error, match=f"max_items {message}"):
            first.iter_items(max_items=count)


def test_iter_pages_and_next_page(api: respx.MockRouter, client: TMDBClient) -> None:
    requested = serve_pages(api, "/3/movie/popular", three_pages())
    first = popular(client)
    pages = list(first.iter_pages())
    assert [page.page for page in pages] == [1, 2, 3]
    assert all(isinstance(page, SyncPage) for page in pages)
    assert pages[0] is first
    assert [page.has_next_page() for page in pages] == [True, True, False]
    second = first.next_page()
    assert second is not None
    assert ids(second.results) == [3, 4]
    assert ids(list(second)) == [3, 4, 5, 6]
    assert pages[-1].next_page() is None
    assert requested == [None, "2", "3", "2", "3"]


def test_extra_fields_and_repr(api: respx.MockRouter, client: TMDBClient) -> None:
    body = page_json(1) | {"dates": {"maximum": "2024-06-12", "minimum": "2024-04-25"}}
    api.get("/3/movie/now_playing").respond(json=body)
    first: SyncPage[NowPlayingPage, MovieSummary] = client._request_page(
        "GET", "/3/movie/now_playing", cast_to=NowPlayingPage
    )
    assert first.dates.maximum == "2024-06-12"
    assert first.data.dates.minimum == "2024-04-25"
    with pytest.raises(
        AttributeError, match="SyncPage and its NowPlayingPage have no attribute 'revenue'"
    ):
        _ = first.revenue
    with pytest.raises(AttributeError):
        _ = first._private
    assert repr(first) == "SyncPage(page=1, total_pages=3, total_results=6, results=2)"


# --- async ------------------------------------------------------------------------------


def test_async_for_over_the_pager_walks_every_item(
    api: respx.MockRouter, make_async_client: Callable[..., AsyncTMDBClient]
) -> None:
    requested = serve_pages(api, "/3/movie/popular", three_pages())

    async def main() -> list[int]:
        async with make_async_client() as client:
            pager = async_popular(client, language="en-US")
            assert requested == []
            assert repr(pager) == "AsyncPager(first page not fetched yet)"
            return [movie.id async for movie in pager]

    assert asyncio.run(main()) == [1, 2, 3, 4, 5, 6]
    assert requested == [None, "2", "3"]


def test_awaiting_the_pager_gives_the_first_page(
    api: respx.MockRouter, make_async_client: Callable[..., AsyncTMDBClient]
) -> None:
    requested = serve_pages(api, "/3/movie/popular", three_pages())

    async def main() -> None:
        async with make_async_client() as client:
            pager = async_popular(client)
            first = await pager
            assert isinstance(first, AsyncPage)
            assert (first.page, first.total_pages, first.total_results) == (1, 3, 6)
            assert ids(first.results) == [1, 2]
            assert await pager is first
            assert repr(first) == "AsyncPage(page=1, total_pages=3, total_results=6, results=2)"
            assert repr(pager) == f"AsyncPager(first={first!r})"
            assert first.has_next_page()
            second = await first.next_page()
            assert second is not None
            assert [movie.id async for movie in second] == [3, 4, 5, 6]

    asyncio.run(main())
    assert requested == [None, "2", "3"]


def test_async_iter_pages(
    api: respx.MockRouter, make_async_client: Callable[..., AsyncTMDBClient]
) -> None:
    requested = serve_pages(api, "/3/movie/popular", three_pages())

    async def main() -> None:
        async with make_async_client() as client:
            pager = async_popular(client)
            numbers = [page.page async for page in pager.iter_pages()]
            assert numbers == [1, 2, 3]
            first = await pager
            last = [page async for page in first.iter_pages()][-1]
            assert not last.has_next_page()
            assert await last.next_page() is None

    asyncio.run(main())
    assert requested == [None, "2", "3", "2", "3"]


def test_async_take_fetches_only_the_pages_it_needs(
    api: respx.MockRouter, make_async_client: Callable[..., AsyncTMDBClient]
) -> None:
    requested = serve_pages(api, "/3/movie/popular", three_pages())

    async def main() -> None:
        async with make_async_client() as client:
            pager = async_popular(client)
            assert ids(await pager.take(3)) == [1, 2, 3]
            assert requested == [None, "2"]
            first = await pager
            assert ids(await first.take(2)) == [1, 2]
            assert requested == [None, "2"]
            limited = [movie.id async for movie in pager.iter_items(max_items=5)]
            assert limited == [1, 2, 3, 4, 5]
            assert requested == [None, "2", "2", "3"]
            assert [m.id async for m in first.iter_items(max_items=0)] == []
            with pytest.raises(ValueError, match="n must be 0 or more; got -2"):
                await pager.take(-2)
            with pytest.raises(ValueError, match="max_items must be 0 or more"):
                first.iter_items(max_items=-1)

    asyncio.run(main())


def test_async_stop_rules(
    api: respx.MockRouter, make_async_client: Callable[..., AsyncTMDBClient]
) -> None:
    capped = serve_pages(
        api, "/3/movie/top_rated", {n: page_json(n, total_pages=1000) for n in (499, 500)}
    )
    emptied = serve_pages(
        api,
        "/3/movie/upcoming",
        {1: page_json(1, total_pages=4), 2: page_json(2, total_pages=4, per_page=0)},
    )

    async def main() -> None:
        async with make_async_client() as client:
            top = client._request_page(
                "GET", "/3/movie/top_rated", query={"page": 499}, cast_to=MoviePage
            )
            assert len([movie async for movie in top]) == 4
            upcoming = client._request_page("GET", "/3/movie/upcoming", cast_to=MoviePage)
            assert len([movie async for movie in upcoming]) == 2

    asyncio.run(main())
    assert capped == ["499", "500"]
    assert emptied == [None, "2"]


def test_async_extra_fields(
    api: respx.MockRouter, make_async_client: Callable[..., AsyncTMDBClient]
) -> None:
    body = page_json(1) | {"dates": {"maximum": "2024-06-12", "minimum": "2024-04-25"}}
    api.get("/3/movie/now_playing").respond(json=body)

    async def main() -> None:
        async with make_async_client() as client:
            pager: AsyncPager[NowPlayingPage, MovieSummary] = client._request_page(
                "GET", "/3/movie/now_playing", cast_to=NowPlayingPage
            )
            first = await pager
            assert first.dates.maximum == "2024-06-12"

    asyncio.run(main())


def test_async_pager_arguments_are_checked_when_it_is_made(
    api: respx.MockRouter, make_async_client: Callable[..., AsyncTMDBClient]
) -> None:
    async def main() -> None:
        async with make_async_client() as client:
            with pytest.raises(ValueError, match="page must be from 1 to 500"):
                client._request_page(
                    "GET", "/3/movie/popular", query={"page": 501}, cast_to=MoviePage
                )

    asyncio.run(main())
    assert not api.calls
