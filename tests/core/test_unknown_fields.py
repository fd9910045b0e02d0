"""``unknown_fields``: keys TMDB sends that no model declares, ignored, warned about or refused.

The real responses are read from ``../shared/real-responses`` (never copied into the repository);
extra keys are injected into them and served by a real HTTP server on 127.0.0.1 (FakeTMDB).
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import typing
import warnings
from functools import cache
from typing import Any

import msgspec
import pytest

from tests.contract import differences
from tests.shared_data import REAL_RESPONSES, RUN_BY_MUTMUT
from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion._decode import decoder_for
from tmdbfusion._unknown_walk import UnknownField, find_unknown_fields
from tmdbfusion.exceptions import (
    ResponseValidationError,
    UnknownFieldError,
    UnknownFieldWarning,
)
from tmdbfusion.models import (
    MediaResultPage,
    MovieCredits,
    MovieDetails,
    MovieImages,
    MovieResult,
    TvSeriesResult,
    WatchProviders,
)
from tmdbfusion.models import v4 as v4_models
from tmdbfusion.testing import FakeResponse, FakeTMDB
from tmdbfusion.testing._operations import sdk_operations

needs_real_responses = pytest.mark.skipif(
    not (REAL_RESPONSES / "MANIFEST.json").is_file(),
    reason=f"the shared real responses are not at {REAL_RESPONSES}",
)
ACCESS_TOKEN = "eyJ" + "a" * 40 + ".unknown-fields-test"


@cache
def _manifest() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads((REAL_RESPONSES / "MANIFEST.json").read_text(encoding="utf-8")))


def real_response(request_path: str) -> Any:
    """The recorded body of the request with this path (found by path, never by file name)."""
    for entry in _manifest():
        if entry["request_path"] == request_path:
            return json.loads((REAL_RESPONSES / entry["file"]).read_bytes())
    pytest.fail(f"no recorded response for {request_path} in {REAL_RESPONSES}")


def _dropped_paths(body: bytes, cast_to: Any) -> set[str] | None:
    """Paths of the keys a decode drops, by round-tripping; None when it does not decode."""
    try:
        decoded = decoder_for(cast_to).decode(body)
    except msgspec.ValidationError:
        return None
    problems = differences(msgspec.json.decode(body), msgspec.to_builtins(decoded))
    return {problem.removesuffix(": dropped") for problem in problems if "dropped" in problem}


def _as_dotted(path: str) -> str:
    # differences() writes every key as .key; the walk writes ["watch/providers"] for the others.
    return re.sub(r'\["([^"]*)"\]', r".\1", path)


# --- construction ---------------------------------------------------------------------------


def test_ignore_is_the_default_and_checks_nothing() -> None:
    with TMDBClient(api_key="k" * 32) as client:
        assert client._config.unknown_fields is None
    asynchronous = AsyncTMDBClient(api_key="k" * 32, unknown_fields="ignore")
    assert asynchronous._config.unknown_fields is None
    asyncio.run(asynchronous.aclose())
    with TMDBClient(api_key="k" * 32, unknown_fields="warn") as client:
        assert repr(client._config.unknown_fields) == "UnknownFieldReporter('warn')"


@pytest.mark.parametrize("client_class", [TMDBClient, AsyncTMDBClient])
@pytest.mark.parametrize(
    ("value", "error", "says"),
    [
        ("raise", ValueError, "'ignore'.*'warn'.*'error'.*got 'raise'"),
        ("WARN", ValueError, "got 'WARN'"),
        ("", ValueError, "got ''"),
        (True, TypeError, "got bool True"),
        (None, TypeError, "got NoneType None"),
    ],
)
def test_bad_unknown_fields_is_refused_at_construction(
    client_class: type[Any], value: object, error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=f"unknown_fields must be.*{says}"):
        client_class(api_key="k" * 32, unknown_fields=value)


# --- the walk, on small hand-written bodies ---------------------------------------------------


def test_walk_names_model_path_and_key_through_lists_and_tagged_unions() -> None:
    body = {
        "page": 1,
        "results": [
            {"media_type": "movie", "id": 1, "title": "A", "lens": 35},
            {"media_type": "person", "id": 2, "name": "B", "known_for": [{"id": 3, "lens": 1}]},
            {"media_type": "tv", "id": 4, "name": "C", "lens": 50},
        ],
        "total_pages": 1,
        "total_results": 3,
        "cursor": "x",
    }
    found = find_unknown_fields(msgspec.json.encode(body), MediaResultPage)
    assert [(f.json_path, f.key) for f in found] == [
        ("$.results[0].lens", "lens"),
        ("$.results[1].known_for[0].lens", "lens"),
        ("$.results[2].lens", "lens"),
        ("$.cursor", "cursor"),
    ]
    assert [f.model for f in found] == [
        MovieResult.__name__,
        "Result",  # what a person is known for
        TvSeriesResult.__name__,
        "MediaResultPage",
    ]


def test_walk_knows_tags_renamed_keys_dict_values_and_nulls() -> None:
    # media_type is the tag of tagged Structs; watch/providers is a renamed field.
    assert find_unknown_fields(b'{"media_type": "movie", "id": 1, "title": "A"}', MovieResult) == []
    providers = {
        "id": 550,
        "results": {"US": {"link": "https://x", "flatrate": None, "rent": [{"odd": 1}]}},
    }
    found = find_unknown_fields(msgspec.json.encode(providers), WatchProviders)
    assert [(f.json_path, f.key) for f in found] == [("$.results.US.rent[0].odd", "odd")]
    renamed = {"id": 1, "watch/providers": {"results": {}, "odd": 2}, "odd key": 3}
    found = find_unknown_fields(msgspec.json.encode(renamed), MovieDetails)
    assert [(f.json_path, f.key) for f in found] == [
        ('$["watch/providers"].odd', "odd"),
        ('$["odd key"]', "odd key"),
    ]


def test_walk_leaves_bodies_it_cannot_read_to_the_typed_decode() -> None:
    assert find_unknown_fields(b"<html>", MovieDetails) == []
    assert find_unknown_fields(b'{"genres": {"not": "a list"}}', MovieDetails) == []
    assert find_unknown_fields(b'[{"odd": 1}]', int) == []
    assert find_unknown_fields(b'[{"odd": 1}]', list[MovieResult]) == [
        UnknownField("MovieResult", "$[0].odd", "odd")
    ]


# --- against the real responses ---------------------------------------------------------------


@pytest.mark.slow
@needs_real_responses
def test_the_walk_finds_exactly_the_keys_a_real_decode_drops() -> None:
    """Every real response: "error" passes the lossless ones and names every key the others lose."""
    operations = {(op.method, op.path): op.cast_to for op in sdk_operations()}
    lossless = lossy = 0
    mismatches = []
    for entry in _manifest():
        cast_to = operations.get((entry["method"], entry["path_template"]))
        if cast_to is None:
            continue
        body = (REAL_RESPONSES / entry["file"]).read_bytes()
        dropped = _dropped_paths(body, cast_to)
        if dropped is None:
            continue  # does not decode at all: the contract test's business
        found = {_as_dotted(f.json_path) for f in find_unknown_fields(body, cast_to)}
        if found != dropped:
            mismatches.append((entry["request_path"], sorted(found ^ dropped)[:5]))
        if dropped:
            lossy += 1
        else:
            lossless += 1
    print(f"{lossless} lossless real responses pass unknown_fields='error'; {lossy} others flagged")
    assert mismatches == []
    assert lossless > 400


@pytest.mark.slow
@needs_real_responses
def test_error_client_accepts_every_real_response_that_decodes_losslessly() -> None:
    """Served over HTTP to a client with unknown_fields="error": none of them raises."""
    operations = {(op.method, op.path): op.cast_to for op in sdk_operations()}
    served = 0
    with FakeTMDB(builtin_routes=False) as tmdb, tmdb.client(unknown_fields="error") as client:
        for entry in _manifest():
            cast_to = operations.get((entry["method"], entry["path_template"]))
            if cast_to is None or entry["method"] != "GET":
                continue
            body = (REAL_RESPONSES / entry["file"]).read_bytes()
            if _dropped_paths(body, cast_to) != set():
                continue  # loses keys today (or does not decode): the test above covers those
            template = entry["path_template"]
            tmdb.add_route("GET", template, FakeResponse(content=body))
            names = re.findall(r"\{(\w+)\}", template)
            decoded = client._request(
                "GET", template, path_params=dict.fromkeys(names, 1), cast_to=cast_to
            )
            assert msgspec.to_builtins(decoded) == msgspec.to_builtins(
                decoder_for(cast_to).decode(body)
            )
            served += 1
    print(f"{served} lossless real responses decoded by a client with unknown_fields='error'")
    assert served > 400


def _with_extra_keys(body: Any) -> Any:
    """A real search.multi page with keys TMDB might add: at the root and in results[3]."""
    changed = copy.deepcopy(body)
    changed["next_cursor"] = "abc"
    changed["results"][3]["foo"] = {"bar": 1}
    return changed


@pytest.fixture
def multi_page() -> Any:
    if not (REAL_RESPONSES / "MANIFEST.json").is_file():
        pytest.skip(f"the shared real responses are not at {REAL_RESPONSES}")
    body = real_response("/3/search/multi?query=Arrow&include_adult=false")
    assert _dropped_paths(msgspec.json.encode(body), MediaResultPage) == set()
    return body


def _expected_model(item: Any) -> str:
    return {"movie": "MovieResult", "tv": "TvSeriesResult", "person": "PersonResult"}[
        item["media_type"]
    ]


def test_error_raises_naming_model_path_and_key(multi_page: Any) -> None:
    served = _with_extra_keys(multi_page)
    with FakeTMDB() as tmdb:
        tmdb.add_route("GET", "/3/search/multi", served)
        with tmdb.client(unknown_fields="error") as client, pytest.raises(UnknownFieldError) as got:
            client.search.multi("Arrow")
    error = got.value
    assert isinstance(error, ResponseValidationError)
    model = _expected_model(served["results"][3])
    assert (error.model, error.json_path, error.key) == (model, "$.results[3].foo", "foo")
    assert error.unknown == (
        (model, "$.results[3].foo", "foo"),
        ("MediaResultPage", "$.next_cursor", "next_cursor"),
    )
    assert error.type_name == "MediaResultPage"
    message = str(error)
    assert f"'foo' at $.results[3].foo, which {model} does not declare" in message
    assert "(and 1 more unknown keys)" in message
    assert "python -m codegen observe --corpus" in message


def test_ignore_and_error_agree_on_a_real_response_with_nothing_unknown(multi_page: Any) -> None:
    with FakeTMDB() as tmdb:
        tmdb.add_route("GET", "/3/search/multi", multi_page)
        with tmdb.client() as ignoring, tmdb.client(unknown_fields="error") as strict:
            assert ignoring.search.multi("Arrow").data == strict.search.multi("Arrow").data


def test_warn_once_per_model_and_key_per_client(multi_page: Any) -> None:
    served = _with_extra_keys(multi_page)
    # A second result of the same kind with the same extra key: still one warning.
    same_kind = next(
        index
        for index, item in enumerate(served["results"])
        if index != 3 and item["media_type"] == served["results"][3]["media_type"]
    )
    served["results"][same_kind]["foo"] = 2
    with FakeTMDB() as tmdb:
        tmdb.add_route("GET", "/3/search/multi", served)
        with tmdb.client(unknown_fields="warn") as client:
            with pytest.warns(UnknownFieldWarning) as first:
                page = client.search.multi("Arrow")
            with warnings.catch_warnings():
                warnings.simplefilter("error", UnknownFieldWarning)
                again = client.search.multi("Arrow")
        with tmdb.client(unknown_fields="warn") as other, pytest.warns(UnknownFieldWarning) as new:
            other.search.multi("Arrow")
    assert page.data == again.data
    assert page.total_results == multi_page["total_results"]
    model = _expected_model(served["results"][3])
    reports = [(w.message.model, w.message.json_path, w.message.key) for w in first]  # type: ignore[union-attr]
    first_foo = min(3, same_kind)
    assert reports == [
        (model, f"$.results[{first_foo}].foo", "foo"),
        ("MediaResultPage", "$.next_cursor", "next_cursor"),
    ]
    assert all(issubclass(w.category, UserWarning) for w in first)
    if not RUN_BY_MUTMUT:  # points at the call, not at tmdbfusion
        assert {w.filename for w in first} == {__file__}
    assert f"{model} does not declare" in str(first[0].message)
    assert len(new) == 2  # once per client, not once per process


def test_async_client_warns_and_raises_the_same(multi_page: Any) -> None:
    served = _with_extra_keys(multi_page)
    model = _expected_model(served["results"][3])

    async def scenario(tmdb: FakeTMDB) -> None:
        async with tmdb.async_client(unknown_fields="warn") as client:
            await client.search.multi("Arrow")
            with warnings.catch_warnings():
                warnings.simplefilter("error", UnknownFieldWarning)
                await client.search.multi("Arrow")
        async with tmdb.async_client(unknown_fields="error") as client:
            await client.search.multi("Arrow")

    with FakeTMDB() as tmdb:
        tmdb.add_route("GET", "/3/search/multi", served)
        with (
            pytest.warns(UnknownFieldWarning) as caught,
            pytest.raises(UnknownFieldError) as raised,
        ):
            asyncio.run(scenario(tmdb))
    assert [w.message.key for w in caught] == ["foo", "next_cursor"]  # type: ignore[union-attr]
    if not RUN_BY_MUTMUT:
        assert {w.filename for w in caught} == {__file__}
    assert (raised.value.model, raised.value.json_path) == (model, "$.results[3].foo")


@pytest.fixture
def movie_with_parts() -> Any:
    if not (REAL_RESPONSES / "MANIFEST.json").is_file():
        pytest.skip(f"the shared real responses are not at {REAL_RESPONSES}")
    return real_response("/3/movie/tt1345836?append_to_response=credits,images,keywords")


def test_unknown_keys_inside_appended_parts(movie_with_parts: Any) -> None:
    served = copy.deepcopy(movie_with_parts)
    served["credits"]["cast"][2]["stage_name"] = "x"
    served["images"]["posters"][0]["odd"] = True
    with FakeTMDB() as tmdb:
        tmdb.add_route("GET", "/3/movie/{movie_id}", served)
        with tmdb.client(unknown_fields="error") as client, pytest.raises(UnknownFieldError) as got:
            client.movies.details(49026, append_to_response=["credits", "images", "keywords"])
    found = {(path, key) for _, path, key in got.value.unknown}
    assert found == {
        ("$.credits.cast[2].stage_name", "stage_name"),
        ("$.images.posters[0].odd", "odd"),
    }
    cast_member = typing.get_args(typing.get_type_hints(MovieCredits)["cast"])[0]
    poster = typing.get_args(typing.get_type_hints(MovieImages)["posters"])[0]
    assert [model for model, _, _ in got.value.unknown] == [cast_member.__name__, poster.__name__]


def test_error_keeps_the_response_out_of_the_cache(multi_page: Any) -> None:
    served = _with_extra_keys(multi_page)
    with FakeTMDB() as tmdb:
        tmdb.add_route("GET", "/3/search/multi", served)
        with tmdb.client(unknown_fields="error", cache="memory") as client:
            for _ in range(2):
                with pytest.raises(UnknownFieldError):
                    client.search.multi("Arrow")
        assert len(tmdb.requests) == 2


def test_user_copies_and_v4_carry_the_setting() -> None:
    v4_dir = REAL_RESPONSES / "v4"
    if not (v4_dir / "MANIFEST.json").is_file():
        pytest.skip(f"the shared real v4 responses are not at {v4_dir}")
    entries = json.loads((v4_dir / "MANIFEST.json").read_text(encoding="utf-8"))
    entry = next(e for e in entries if e["path_template"] == "/4/list/{list_id}")
    body = json.loads((v4_dir / entry["file"]).read_bytes())
    assert _dropped_paths(msgspec.json.encode(body), v4_models.ListDetails) == set()
    body["results"][0]["curator_note"] = "odd"
    with FakeTMDB(access_token=ACCESS_TOKEN) as tmdb:
        tmdb.add_route("GET", "/4/list/{list_id}", body)
        with tmdb.client(unknown_fields="error") as client:
            user = client.with_access_token(ACCESS_TOKEN)
            assert user._config.unknown_fields is client._config.unknown_fields
            for acting in (client, user):
                with pytest.raises(UnknownFieldError) as raised:
                    acting.v4.lists.details(int(body["id"]))
                assert raised.value.json_path == "$.results[0].curator_note"
        with tmdb.client(unknown_fields="warn") as client:
            user = client.with_access_token(ACCESS_TOKEN)
            with pytest.warns(UnknownFieldWarning):
                user.v4.lists.details(int(body["id"]))
            with warnings.catch_warnings():
                # Reported once for the client and its copies together.
                warnings.simplefilter("error", UnknownFieldWarning)
                client.v4.lists.details(int(body["id"]))
