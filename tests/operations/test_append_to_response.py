"""append_to_response: typed names, checked before sending, decoded into typed fields."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx

from codegen.heal import example_values, operation_key, success_media
from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion.models import CompanyMoviePage, MovieCredits, MovieDetails, Videos

BASE = "https://api.themoviedb.org"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ0ZXN0In0.c2lnbmF0dXJl"


def _example(document: dict[str, Any], key: str) -> Any:
    method, path = key.split(" ", 1)
    media = success_media(document["paths"][path][method.lower()])
    assert media is not None
    return example_values(media)[0]


# (details operation, call, sub-resources to append); the appended bodies are the document's own
# examples of those sub-resources, so this is realistic data end to end.
CASES = [
    ("movies", "details", (550,), "/3/movie/{movie_id}", ["credits", "videos", "watch/providers"]),
    ("tv", "details", (1399,), "/3/tv/{series_id}", ["aggregate_credits", "images", "keywords"]),
    (
        "tv_seasons",
        "details",
        (1399, 1),
        "/3/tv/{series_id}/season/{season_number}",
        ["credits", "external_ids", "videos"],
    ),
    (
        "tv_episodes",
        "details",
        (1399, 1, 1),
        "/3/tv/{series_id}/season/{season_number}/episode/{episode_number}",
        ["credits", "images", "translations"],
    ),
    ("people", "details", (287,), "/3/person/{person_id}", ["combined_credits", "external_ids"]),
]


@pytest.mark.parametrize(("namespace", "method", "args", "template", "parts"), CASES)
def test_appended_parts_decode_into_typed_fields(
    healed_document: dict[str, Any],
    namespace: str,
    method: str,
    args: tuple[int, ...],
    template: str,
    parts: list[str],
) -> None:
    body = dict(_example(healed_document, f"GET {template}"))
    for part in parts:
        body[part] = _example(healed_document, f"GET {template}/{part}")
    path = template
    for value in args:
        path = path.replace(path[path.index("{") : path.index("}") + 1], str(value), 1)
    with respx.mock(base_url=BASE, assert_all_called=True) as mock:
        route = mock.get(path).mock(return_value=httpx.Response(200, json=body))
        with TMDBClient(TOKEN) as client:
            result = getattr(getattr(client, namespace), method)(*args, append_to_response=parts)
    assert route.calls.last.request.url.params["append_to_response"] == ",".join(parts)
    for part in parts:
        value = getattr(result, part.replace("/", "_"))
        assert value is not None, part
        assert type(value).__name__[0].isupper()


def test_movie_credits_and_videos_are_typed(healed_document: dict[str, Any]) -> None:
    body = dict(_example(healed_document, "GET /3/movie/{movie_id}"))
    body["credits"] = _example(healed_document, "GET /3/movie/{movie_id}/credits")
    body["videos"] = _example(healed_document, "GET /3/movie/{movie_id}/videos")
    with respx.mock(base_url=BASE, assert_all_called=True) as mock:
        mock.get("/3/movie/550").mock(return_value=httpx.Response(200, json=body))
        with TMDBClient(TOKEN) as client:
            movie = client.movies.details(550, append_to_response=["credits", "videos"])
    assert isinstance(movie, MovieDetails)
    assert isinstance(movie.credits, MovieCredits)
    assert isinstance(movie.videos, Videos)
    assert movie.credits.cast[0].name == body["credits"]["cast"][0]["name"]
    assert movie.videos.results[0].key == body["videos"]["results"][0]["key"]


def test_unknown_append_name_is_rejected_before_any_request() -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=False) as mock:
        route = mock.get("/3/movie/550")
        with TMDBClient(TOKEN) as client, pytest.raises(ValueError, match="append_to_response"):
            client.movies.details(550, append_to_response=["credits", "trailers"])  # type: ignore[list-item]
        assert route.call_count == 0


def test_more_than_twenty_appended_parts_is_rejected_async() -> None:
    async def run() -> None:
        async with AsyncTMDBClient(TOKEN, http_backend="httpx") as client:
            await client.movies.details(550, append_to_response=["credits"] * 21)

    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=False) as mock:
        route = mock.get("/3/movie/550")
        with pytest.raises(ValueError, match="20"):
            asyncio.run(run())
        assert route.call_count == 0


def test_append_names_come_from_sub_resources(pinned_plan: Any) -> None:
    details = next(
        op
        for ns in pinned_plan.namespaces
        for op in ns.operations
        if ns.name == "movies" and op.name == "details"
    )
    param = next(p for p in details.params if p.json_name == "append_to_response")
    assert {"credits", "videos", "images", "release_dates", "watch/providers", "similar"} <= set(
        param.choices
    )
    assert operation_key("GET", details.path) == "GET /3/movie/{movie_id}"


def _recorded(name: str) -> Any:
    """A body TMDB really sent, read from ../shared (never copied into the repository)."""
    from tests.contract import locate_corpus

    corpus = locate_corpus()
    assert corpus is not None, "the recorded responses are needed in ../shared/real-responses"
    return json.loads((corpus / name).read_text(encoding="utf-8"))


def test_company_and_collection_details_take_recorded_appends() -> None:
    # TMDB appends to company and collection details though its document does not say so; the
    # company's movies page is not even a documented endpoint (typed from the recordings).
    company = _recorded("company_company_id__4.json")
    collection = _recorded("collection_collection_id__1.json")
    with respx.mock(base_url=BASE, assert_all_called=True) as mock:
        company_route = mock.get("/3/company/25").mock(
            return_value=httpx.Response(200, json=company)
        )
        mock.get("/3/collection/264").mock(return_value=httpx.Response(200, json=collection))
        with TMDBClient(TOKEN) as client:
            fox = client.companies.details(
                25, append_to_response=["movies", "alternative_names", "images"]
            )
            parts = client.collections.details(264, append_to_response=["images"])
            with pytest.raises(ValueError, match="movies"):
                client.collections.details(264, append_to_response=["movies"])  # type: ignore[list-item]
    sent = company_route.calls.last.request.url.params["append_to_response"]
    assert sent == "movies,alternative_names,images"
    assert isinstance(fox.movies, CompanyMoviePage)
    assert fox.movies.results[0].title == company["movies"]["results"][0]["title"]
    assert fox.alternative_names is not None and fox.images is not None
    assert len(fox.images.logos) == len(company["images"]["logos"])
    assert parts.images is not None
    assert len(parts.images.posters) == len(collection["images"]["posters"])
