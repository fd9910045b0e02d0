"""Decoding successful responses, and the errors when a body does not fit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest
import respx

from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion._decode import decoder_for, type_display_name
from tmdbfusion.exceptions import ResponseValidationError, TMDBError

from .fakes import FIGHT_CLUB, Genre, MovieDetails, MoviePage, page_json


def get_movie(client: TMDBClient) -> MovieDetails:
    return client._request(
        "GET", "/3/movie/{movie_id}", path_params={"movie_id": 550}, cast_to=MovieDetails
    )


def test_a_struct_is_decoded(api: respx.MockRouter, client: TMDBClient) -> None:
    api.get("/3/movie/550").respond(json=FIGHT_CLUB)
    assert get_movie(client) == MovieDetails(
        id=550,
        title="Fight Club",
        runtime=139,
        genres=[Genre(id=18, name="Drama")],
        poster_path="/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg",
    )


def test_generic_types_are_decoded(api: respx.MockRouter, client: TMDBClient) -> None:
    api.get("/3/genre/movie/list").respond(json=[{"id": 28, "name": "Action"}])
    api.get("/3/timezones/list").respond(json=["Europe/Berlin", "America/New_York"])
    genres = client._request("GET", "/3/genre/movie/list", cast_to=list[Genre])
    assert genres == [Genre(id=28, name="Action")]
    zones = client._request("GET", "/3/timezones/list", cast_to=list[str])
    assert zones == ["Europe/Berlin", "America/New_York"]


def test_decoders_are_built_once_per_type() -> None:
    assert decoder_for(MovieDetails) is decoder_for(MovieDetails)
    assert decoder_for(list[Genre]) is decoder_for(list[Genre])
    assert decoder_for(list[Genre]) is not decoder_for(list[str])


def test_a_wrong_field_type_names_the_type_and_the_json_path(
    api: respx.MockRouter, client: TMDBClient, sleeps: list[float]
) -> None:
    raw = json.dumps(FIGHT_CLUB | {"id": "550"}).encode()
    route = api.get("/3/movie/550").respond(
        content=raw, headers={"content-type": "application/json"}
    )
    with pytest.raises(ResponseValidationError) as caught:
        get_movie(client)
    error = caught.value
    assert isinstance(error, TMDBError)
    assert error.type_name == "MovieDetails"
    assert error.json_path == "$.id"
    assert error.body == raw
    assert str(error).startswith(
        "TMDB's response does not fit MovieDetails at $.id: Expected `int`, got `str`."
    )
    # A body that does not fit will not fit the next time either.
    assert route.call_count == 1
    assert sleeps == []


def test_a_nested_mismatch_reports_the_full_path(api: respx.MockRouter, client: TMDBClient) -> None:
    body = page_json(1)
    body["results"][1]["id"] = None
    api.get("/3/movie/popular").respond(json=body)
    with pytest.raises(ResponseValidationError) as caught:
        client._request("GET", "/3/movie/popular", cast_to=MoviePage)
    assert caught.value.json_path == "$.results[1].id"
    assert "MoviePage at $.results[1].id" in str(caught.value)


def test_a_missing_field_is_reported(api: respx.MockRouter, client: TMDBClient) -> None:
    api.get("/3/movie/550").respond(json={"id": 550, "runtime": 139, "genres": []})
    with pytest.raises(ResponseValidationError) as caught:
        get_movie(client)
    assert caught.value.json_path == "$"
    assert "Object missing required field `title`" in str(caught.value)


def test_a_generic_type_is_named_readably(api: respx.MockRouter, client: TMDBClient) -> None:
    api.get("/3/genre/movie/list").respond(json={"genres": []})
    with pytest.raises(ResponseValidationError) as caught:
        client._request("GET", "/3/genre/movie/list", cast_to=list[Genre])
    assert caught.value.type_name == "list[Genre]"
    assert caught.value.json_path == "$"
    assert "does not fit list[Genre] at $: Expected `array`, got `object`" in str(caught.value)
    assert type_display_name(dict[str, int | None]) == "dict[str, int | None]"


def test_an_html_page_instead_of_json(api: respx.MockRouter, client: TMDBClient) -> None:
    html = (
        b"<!DOCTYPE html>\n<html lang='en'>\n  <head><title>The Movie Database (TMDB)</title>"
        b"</head><body>Maintenance</body></html>"
    )
    api.get("/3/movie/550").respond(
        content=html, headers={"content-type": "text/html; charset=utf-8"}
    )
    with pytest.raises(ResponseValidationError) as caught:
        get_movie(client)
    error = caught.value
    assert error.json_path is None
    assert error.body == html
    message = str(error)
    assert "not valid JSON" in message
    assert "where MovieDetails was expected" in message
    assert "HTTP 200, content-type 'text/html; charset=utf-8'" in message
    assert (
        "body starts with \"<!DOCTYPE html> <html lang='en'> <head><title>The Movie Database "
        '(TMDB)</title><..."'
    ) in message


def test_an_empty_body(api: respx.MockRouter, client: TMDBClient) -> None:
    api.get("/3/movie/550").respond(status_code=200, content=b"  \n")
    with pytest.raises(ResponseValidationError) as caught:
        get_movie(client)
    assert str(caught.value) == (
        "TMDB sent an empty body (HTTP 200, content-type 'missing') where JSON for "
        "MovieDetails was expected. This is usually a passing fault of TMDB or of a proxy "
        "between you and TMDB; try again later, and check the client's base_url if it keeps "
        "happening."
    )
    assert caught.value.json_path is None
    assert caught.value.body == b"  \n"


def test_truncated_json(api: respx.MockRouter, client: TMDBClient) -> None:
    raw = json.dumps(FIGHT_CLUB).encode()[:40]
    api.get("/3/movie/550").respond(content=raw, headers={"content-type": "application/json"})
    with pytest.raises(ResponseValidationError) as caught:
        get_movie(client)
    message = str(caught.value)
    assert "not valid JSON (Input data was truncated)" in message
    assert caught.value.body == raw
    assert raw.decode() in message


def test_control_characters_are_not_echoed(api: respx.MockRouter, client: TMDBClient) -> None:
    api.get("/3/movie/550").respond(content=b"\x1b[31mnope\x00\x07")
    with pytest.raises(ResponseValidationError) as caught:
        get_movie(client)
    assert "body starts with '?[31mnope??'" in str(caught.value)


def test_async_decoding_errors_match(
    api: respx.MockRouter, make_async_client: Callable[..., AsyncTMDBClient]
) -> None:
    api.get("/3/movie/550").respond(json=FIGHT_CLUB | {"genres": [{"id": 18}]})

    async def main() -> None:
        async with make_async_client() as client:
            await client._request(
                "GET", "/3/movie/{id}", path_params={"id": 550}, cast_to=MovieDetails
            )

    with pytest.raises(ResponseValidationError) as caught:
        asyncio.run(main())
    assert caught.value.json_path == "$.genres[0]"
