"""The healing rules, one at a time, then ``heal_document`` end to end."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from codegen.evidence import without_support
from codegen.heal import (
    HealReport,
    body_from_example,
    build_tagged_unions,
    decode_examples,
    detect_maps,
    heal_document,
    heal_parameter,
    merge_examples,
    strip_response_noise,
)
from codegen.overrides import parse_overrides
from codegen.schema_overrides import apply_schema_override

WHERE = "GET /3/search/multi"


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}


# --- decode_examples -------------------------------------------------------------------------


def test_decode_examples_turns_json_text_into_values() -> None:
    media = {
        "examples": {
            "Result": {"value": '{\n  "id": 550,\n  "title": "Fight Club"\n}'},
            "List": {"value": '  [{"id": 18, "name": "Drama"}]'},
        }
    }
    report = HealReport()
    decode_examples(media, "GET /3/movie/{movie_id}", report)
    assert media["examples"]["Result"]["value"] == {"id": 550, "title": "Fight Club"}
    assert media["examples"]["List"]["value"] == [{"id": 18, "name": "Drama"}]
    assert report.counts == {"decode-example": 2}


def test_decode_examples_reports_undecodable_text_and_leaves_it() -> None:
    broken = '{"id": 550, "title": "Fight Club"'
    media = {
        "examples": {
            "Broken": {"value": broken},
            "Prose": {"value": "Fight Club"},
            "Decoded": {"value": {"id": 550}},
        }
    }
    report = HealReport()
    decode_examples(media, "GET /3/movie/{movie_id}", report)
    assert media["examples"]["Broken"]["value"] == broken
    assert media["examples"]["Prose"]["value"] == "Fight Club"
    assert media["examples"]["Decoded"]["value"] == {"id": 550}
    assert report.counts == {"undecodable-example": 1}
    assert report.changes == ["undecodable-example: GET /3/movie/{movie_id} Broken"]


# --- heal_parameter --------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("false", False), ("true", True)])
def test_heal_parameter_string_boolean_default_becomes_bool(text: str, value: bool) -> None:
    parameter = {"name": "include_adult", "in": "query", "schema": {"type": "boolean"}}
    parameter["schema"]["default"] = text
    report = HealReport()
    heal_parameter(parameter, "GET /3/search/movie", report)
    assert parameter["schema"]["default"] is value
    assert report.counts == {"fix-default": 1}


def test_heal_parameter_drops_null_default_on_integer() -> None:
    parameter = {"name": "movie_id", "in": "path", "schema": {"type": "integer", "default": None}}
    report = HealReport()
    heal_parameter(parameter, "GET /3/movie/{movie_id}", report)
    assert parameter["schema"] == {"type": "integer"}
    assert report.counts == {"drop-default": 1}
    assert "movie_id" in report.changes[0]


def test_heal_parameter_drops_non_integer_default_on_integer() -> None:
    parameter = {"name": "page", "in": "query", "schema": {"type": "integer", "default": "one"}}
    report = HealReport()
    heal_parameter(parameter, "GET /3/movie/popular", report)
    assert "default" not in parameter["schema"]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "default": "en-US"},
        {"type": "integer", "default": 1},
        {"type": "boolean", "default": False},
        {"type": "string"},
    ],
)
def test_heal_parameter_keeps_sound_defaults(schema: dict[str, Any]) -> None:
    parameter = {"name": "language", "in": "query", "schema": dict(schema)}
    report = HealReport()
    heal_parameter(parameter, "GET /3/movie/popular", report)
    assert parameter["schema"] == schema
    assert not report.counts


# --- strip_response_noise --------------------------------------------------------------------


def test_strip_response_noise_removes_default_and_example_everywhere() -> None:
    schema = {
        "type": "object",
        "example": {"id": 550},
        "properties": {
            "id": {"type": "integer", "default": 0, "example": 550},
            "genres": _array({"type": "object", "default": {}, "properties": {"id": INTEGER}}),
            "results": {
                "type": "object",
                "additionalProperties": {"type": "string", "default": ""},
            },
            "known_for": _array(
                {
                    "oneOf": [{"type": "object", "properties": {"id": {"default": 0}}}],
                    "discriminator": {"propertyName": "media_type"},
                }
            ),
        },
    }
    before = copy.deepcopy(schema)
    stripped = strip_response_noise(schema)
    assert schema == before
    text = json.dumps(stripped)
    assert '"default"' not in text
    assert '"example"' not in text
    assert stripped["properties"]["genres"]["items"]["properties"] == {"id": INTEGER}
    assert stripped["properties"]["results"]["additionalProperties"] == STRING


def test_strip_response_noise_keeps_properties_named_default_or_example() -> None:
    # The names of properties are data, not schema keywords.
    schema = _object(default={"type": "boolean", "default": True}, example=STRING)
    stripped = strip_response_noise(schema)
    assert stripped["properties"] == {"default": {"type": "boolean"}, "example": STRING}


# --- build_tagged_unions ---------------------------------------------------------------------

MULTI_ITEM = _object(
    id=INTEGER,
    media_type=STRING,
    title=STRING,
    release_date=STRING,
    name=STRING,
    first_air_date=STRING,
    popularity=NUMBER,
    poster_path=STRING,
)
MULTI_EXAMPLE = {
    "page": 1,
    "results": [
        {
            "id": 24428,
            "media_type": "movie",
            "title": "The Avengers",
            "release_date": "2012-04-25",
            "popularity": 98.1,
        },
        {
            "id": 1403,
            "media_type": "tv",
            "name": "Marvel's Agents of S.H.I.E.L.D.",
            "first_air_date": "2013-09-24",
            "popularity": 60.2,
        },
    ],
    "total_pages": 3,
    "total_results": 52,
}


def _page(item: dict[str, Any]) -> dict[str, Any]:
    return _object(page=INTEGER, results=_array(item), total_pages=INTEGER, total_results=INTEGER)


def test_tagged_union_from_mixed_media_examples() -> None:
    report = HealReport()
    healed = build_tagged_unions(_page(MULTI_ITEM), [MULTI_EXAMPLE], WHERE, {}, report)
    items = healed["properties"]["results"]["items"]
    assert items["discriminator"] == {"propertyName": "media_type"}
    movie, tv = items["oneOf"]  # sorted by tag
    assert movie["properties"]["media_type"] == {"type": "string", "enum": ["movie"]}
    assert tv["properties"]["media_type"] == {"type": "string", "enum": ["tv"]}
    # Each variant keeps only its own fields, plus poster_path that no example shows.
    assert list(movie["properties"]) == [
        "media_type",
        "id",
        "title",
        "release_date",
        "popularity",
        "poster_path",
    ]
    assert list(tv["properties"]) == [
        "media_type",
        "id",
        "name",
        "first_air_date",
        "popularity",
        "poster_path",
    ]
    assert report.changes == ["tagged-union: GET /3/search/multi results[] movie/tv"]


def test_single_tag_without_override_stays_a_plain_list() -> None:
    only_movies = {**MULTI_EXAMPLE, "results": MULTI_EXAMPLE["results"][:1]}
    report = HealReport()
    healed = build_tagged_unions(_page(MULTI_ITEM), [only_movies], WHERE, {}, report)
    assert healed["properties"]["results"]["items"] == MULTI_ITEM
    assert not report.counts


def test_list_without_media_type_is_untouched() -> None:
    item = _object(id=INTEGER, name=STRING)
    example = {"page": 1, "results": [{"id": 18, "name": "Drama"}]}
    report = HealReport()
    healed = build_tagged_unions(_page(item), [example], WHERE, {"results[]": ["movie"]}, report)
    assert healed["properties"]["results"]["items"] == item
    assert not report.counts


def test_forced_tags_reach_nested_lists() -> None:
    # search/person: known_for mixes movies and TV, but the example shows only a movie.
    known_for_item = _object(
        id=INTEGER, media_type=STRING, title=STRING, name=STRING, first_air_date=STRING
    )
    person = _object(id=INTEGER, name=STRING, known_for=_array(known_for_item))
    example = {
        "page": 1,
        "results": [
            {
                "id": 819,
                "name": "Edward Norton",
                "known_for": [{"id": 550, "media_type": "movie", "title": "Fight Club"}],
            }
        ],
    }
    report = HealReport()
    forced = {"results[].known_for[]": ["movie", "tv"]}
    healed = build_tagged_unions(_page(person), [example], "GET /3/search/person", forced, report)
    known_for = healed["properties"]["results"]["items"]["properties"]["known_for"]["items"]
    movie, tv = known_for["oneOf"]
    assert set(movie["properties"]) == {"media_type", "id", "title", "name", "first_air_date"}
    # Nothing shows a TV item: it gets only the fields no example shows at all.
    assert set(tv["properties"]) == {"media_type", "name", "first_air_date"}
    assert report.counts == {"tagged-union": 1}
    assert "results[].known_for[] movie/tv" in report.changes[0]


def test_forced_single_tag_makes_a_one_variant_union() -> None:
    only_movies = {**MULTI_EXAMPLE, "results": MULTI_EXAMPLE["results"][:1]}
    healed = build_tagged_unions(
        _page(MULTI_ITEM), [only_movies], WHERE, {"results[]": ["movie"]}, HealReport()
    )
    variants = healed["properties"]["results"]["items"]["oneOf"]
    assert [v["properties"]["media_type"]["enum"] for v in variants] == [["movie"]]


# --- merge_examples --------------------------------------------------------------------------


def test_merge_examples_null_makes_field_nullable() -> None:
    report = HealReport()
    schema = _object(belongs_to_collection=_object(id=INTEGER), title=STRING)
    merged = merge_examples(
        schema, {"belongs_to_collection": None, "title": "Fight Club"}, "W", report
    )
    assert merged["properties"]["belongs_to_collection"]["type"] == ["object", "null"]
    assert merged["properties"]["title"] == STRING
    assert report.changes == ["nullable-from-example: W.belongs_to_collection"]


def test_merge_examples_null_on_nullable_field_is_not_reported() -> None:
    report = HealReport()
    schema = _object(poster_path={"type": ["string", "null"]})
    merged = merge_examples(schema, {"poster_path": None}, "W", report)
    assert merged == schema
    assert not report.counts


def test_merge_examples_float_widens_integer_to_number() -> None:
    report = HealReport()
    schema = _object(
        vote_average=INTEGER, vote_count=INTEGER, popularity={"type": ["integer", "null"]}
    )
    merged = merge_examples(
        schema, {"vote_average": 8.433, "vote_count": 29000, "popularity": 61.4}, "W", report
    )
    assert merged["properties"]["vote_average"] == NUMBER
    assert merged["properties"]["vote_count"] == INTEGER
    assert merged["properties"]["popularity"] == {"type": ["number", "null"]}
    assert report.counts == {"widen-integer": 2}


def test_merge_examples_adds_missing_keys() -> None:
    report = HealReport()
    schema = _object(id=INTEGER)
    merged = merge_examples(
        schema, {"id": 550, "imdb_id": "tt0137523", "origin_country": ["US"]}, "W", report
    )
    assert merged["properties"] == {
        "id": INTEGER,
        "imdb_id": STRING,
        "origin_country": _array(STRING),
    }
    assert report.changes == [
        "add-property-from-example: W.imdb_id",
        "add-property-from-example: W.origin_country",
    ]


def test_merge_examples_infers_empty_schemas() -> None:
    report = HealReport()
    schema = _object(genres={}, runtime={})
    merged = merge_examples(
        schema, {"genres": [{"id": 18, "name": "Drama"}], "runtime": 139}, "W", report
    )
    assert merged["properties"]["genres"] == _array(_object(id=INTEGER, name=STRING))
    assert merged["properties"]["runtime"] == INTEGER
    assert report.counts == {"infer-empty-schema": 2}


def test_merge_examples_walks_lists() -> None:
    report = HealReport()
    schema = _object(results=_array(_object(id=INTEGER, poster_path=STRING)))
    value = {"results": [{"id": 1, "poster_path": "/a.jpg"}, {"id": 2, "poster_path": None}]}
    merged = merge_examples(schema, value, "W", report)
    item = merged["properties"]["results"]["items"]
    assert item["properties"]["poster_path"] == {"type": ["string", "null"]}
    assert report.changes == ["nullable-from-example: W.results[].poster_path"]


def test_merge_examples_merges_union_items_into_their_variant() -> None:
    report = HealReport()
    schema = build_tagged_unions(_page(MULTI_ITEM), [MULTI_EXAMPLE], WHERE, {}, HealReport())
    movie = {
        "id": 299534,
        "media_type": "movie",
        "title": "Avengers: Endgame",
        "poster_path": None,
        "vote_average": 8.3,
    }
    merged = merge_examples(schema, {"page": 2, "results": [movie]}, WHERE, report)
    movie_variant, tv_variant = merged["properties"]["results"]["items"]["oneOf"]
    assert movie_variant["properties"]["poster_path"] == {"type": ["string", "null"]}
    assert movie_variant["properties"]["vote_average"] == NUMBER
    assert "vote_average" not in tv_variant["properties"]
    assert tv_variant["properties"]["poster_path"] == STRING
    assert sorted(report.changes) == [
        "add-property-from-example: GET /3/search/multi.results[]<movie>.vote_average",
        "nullable-from-example: GET /3/search/multi.results[]<movie>.poster_path",
    ]


def test_merge_examples_reports_union_values_with_an_unknown_tag() -> None:
    report = HealReport()
    schema = build_tagged_unions(_page(MULTI_ITEM), [MULTI_EXAMPLE], WHERE, {}, HealReport())
    person = {"id": 819, "media_type": "person", "name": "Edward Norton"}
    merged = merge_examples(schema, {"results": [person]}, WHERE, report)
    assert merged == schema
    assert report.counts == {"unmatched-union-value": 1}


def test_merge_examples_fills_map_values() -> None:
    report = HealReport()
    schema = {"type": "object", "additionalProperties": _object(link=STRING)}
    merged = merge_examples(
        schema, {"US": {"link": "https://x", "display_priority": 4}}, "W", report
    )
    assert merged["additionalProperties"]["properties"] == {
        "link": STRING,
        "display_priority": INTEGER,
    }
    assert "properties" not in merged


def test_merge_examples_records_conflicting_types() -> None:
    report = HealReport()
    merged = merge_examples(_object(id=INTEGER), {"id": "tt0137523"}, "W", report)
    assert merged["properties"]["id"] == {"type": "integer", "x-conflicting-types": ["string"]}
    assert report.counts == {"conflicting-type": 1}


# --- detect_maps -----------------------------------------------------------------------------


def _provider_list() -> dict[str, Any]:
    return _array(_object(provider_id=INTEGER, provider_name=STRING))


def test_detect_maps_turns_country_keys_into_a_map() -> None:
    results = _object(
        US=_object(link=STRING, flatrate=_provider_list()),
        GB=_object(link=STRING, buy=_provider_list()),
        DE=_object(link={"type": ["string", "null"]}),
    )
    schema = _object(id=INTEGER, results=results)
    report = HealReport()
    healed = detect_maps(schema, "GET /3/movie/{movie_id}/watch/providers", report)
    mapped = healed["properties"]["results"]
    assert "properties" not in mapped
    assert mapped["x-map-key"] == "country"
    assert mapped["additionalProperties"] == _object(
        link={"type": ["string", "null"]}, flatrate=_provider_list(), buy=_provider_list()
    )
    assert healed["properties"]["id"] == INTEGER
    assert report.changes == ["country-map: GET /3/movie/{movie_id}/watch/providers.results 3 keys"]


def test_detect_maps_leaves_ordinary_objects_alone() -> None:
    company = _object(id=INTEGER, logo_path=STRING, name=STRING, origin_country=STRING)
    schema = _object(production_company=company, genres=_array(_object(id=INTEGER, name=STRING)))
    report = HealReport()
    assert detect_maps(schema, "W", report) == schema
    assert not report.counts


def test_detect_maps_needs_three_country_keys_and_only_country_keys() -> None:
    two = _object(US=_object(link=STRING), GB=_object(link=STRING))
    mixed = _object(US=_object(link=STRING), GB=_object(link=STRING), id=INTEGER, DE=STRING)
    lower = _object(us=STRING, gb=STRING, de=STRING)
    report = HealReport()
    for schema in (two, mixed, lower):
        assert detect_maps(schema, "W", report) == schema
    assert not report.counts


def test_detect_maps_accepts_subdivision_keys() -> None:
    ratings = _object(CA=STRING, **{"CA-QC": STRING}, FR=STRING)
    healed = detect_maps(_array(ratings), "W", HealReport())
    assert healed["items"]["additionalProperties"] == STRING


# --- body_from_example -----------------------------------------------------------------------


def test_body_from_example_uses_the_example_fields() -> None:
    media = {
        "schema": _object(RAW_BODY=STRING),
        "examples": {
            "Movie": {"value": {"media_type": "movie", "media_id": 550, "favorite": True}},
            "Tv": {"value": {"media_type": "tv", "media_id": 1399}},
        },
    }
    report = HealReport()
    schema = body_from_example(media, "POST /3/account/{account_id}/favorite", report)
    assert schema == {
        "type": "object",
        "properties": {"media_type": STRING, "media_id": INTEGER, "favorite": {"type": "boolean"}},
        "required": ["media_id", "media_type"],
    }
    assert report.changes == [
        "body-from-example: POST /3/account/{account_id}/favorite favorite, media_id, media_type"
    ]


@pytest.mark.parametrize(
    "examples", [{}, {"Bad": {"value": [1, 2]}}, {"Text": {"value": "RAW_BODY"}}]
)
def test_body_from_example_needs_object_examples(examples: dict[str, Any]) -> None:
    media = {"schema": _object(RAW_BODY=STRING), "examples": examples}
    report = HealReport()
    assert body_from_example(media, "POST /3/list", report) is None
    assert not report.counts


# --- apply_schema_override -------------------------------------------------------------------


def _changes() -> dict[str, Any]:
    schema = _object(
        changes=_array(
            _object(
                key=STRING,
                items=_array(_object(id=STRING, value=STRING, original_value=_object(a=STRING))),
            )
        )
    )
    # A document parsed from JSON shares no nodes; the module constants above are shared.
    return json.loads(json.dumps(schema))


def test_override_type_any() -> None:
    changes = _changes()
    before = copy.deepcopy(changes)
    result = apply_schema_override(changes, "changes[].items[].value", {"type": "any"})
    assert changes == before
    item = result["properties"]["changes"]["items"]["properties"]["items"]["items"]
    assert item["properties"]["value"] == {"x-any-json": True}
    assert item["properties"]["id"] == STRING


def test_override_nullable() -> None:
    result = apply_schema_override(_changes(), "changes[].key", {"nullable": True})
    assert result["properties"]["changes"]["items"]["properties"]["key"] == {
        "type": ["string", "null"]
    }


def test_override_type_keeps_or_sets_nullability() -> None:
    schema = _object(episode_number={"type": ["string", "null"]}, season_number=STRING)
    result = apply_schema_override(schema, "episode_number", {"type": "integer"})
    assert result["properties"]["episode_number"] == {"type": ["integer", "null"]}
    result = apply_schema_override(schema, "season_number", {"type": "integer", "nullable": True})
    assert result["properties"]["season_number"] == {"type": ["integer", "null"]}


def test_override_also_records_a_second_type() -> None:
    schema = _object(rated=_object(value=NUMBER))
    result = apply_schema_override(schema, "rated", {"also": "boolean"})
    assert result["properties"]["rated"]["x-conflicting-types"] == ["boolean"]
    again = apply_schema_override(result, "rated", {"also": "boolean"})
    assert again["properties"]["rated"]["x-conflicting-types"] == ["boolean"]
    assert "x-conflicting-types" not in schema["properties"]["rated"]


def test_override_remove_and_root_path() -> None:
    schema = _object(id=INTEGER, RAW_BODY=STRING)
    assert apply_schema_override(schema, "", {"remove": ["RAW_BODY"]}) == _object(id=INTEGER)


def test_override_at_a_missing_node_fails_loudly() -> None:
    with pytest.raises(KeyError):
        apply_schema_override(_changes(), "changes[].nope", {"nullable": True})


# --- heal_document ---------------------------------------------------------------------------

SIMILAR_EXAMPLE = {
    "page": 1,
    "results": [
        {"id": 807, "title": "Se7en", "poster_path": None, "vote_average": 8.4},
        {"id": 1422, "title": "The Departed", "poster_path": "/nT97ifVT2J1yMQmeq20Qblg61T.jpg"},
    ],
    "total_pages": 1,
    "total_results": 2,
}


def _json_response(schema: dict[str, Any], example: Any) -> dict[str, Any]:
    return {
        "200": {
            "description": "200",
            "content": {
                "application/json": {
                    "schema": schema,
                    "examples": {"Result": {"value": json.dumps(example)}},
                }
            },
        }
    }


def _tiny_document() -> dict[str, Any]:
    movie = _object(
        id={"type": "integer", "default": 0},
        title={"type": "string", "example": "Se7en"},
        poster_path=STRING,
        vote_average={"type": "integer", "default": 0},
    )
    return {
        "openapi": "3.1.0",
        "info": {"title": "tiny", "version": "3"},
        "paths": {
            "/3/movie/{movie_id}/similar": {
                "get": {
                    "parameters": [
                        {"name": "movie_id", "in": "path", "schema": {"type": "integer"}},
                        {
                            "name": "include_adult",
                            "in": "query",
                            "schema": {"type": "boolean", "default": "false"},
                        },
                    ],
                    "responses": _json_response(_page(movie), SIMILAR_EXAMPLE),
                }
            },
            "/3/movie/{movie_id}/recommendations": {
                "get": {
                    "parameters": [{"name": "movie_id", "in": "path", "schema": INTEGER}],
                    "responses": _json_response({}, {}),
                }
            },
            "/3/movie/{movie_id}/rating": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": _object(RAW_BODY=STRING),
                                "examples": {"Request Example": {"value": '{"value": 8.5}'}},
                            }
                        }
                    },
                    "responses": _json_response(
                        _object(success={"type": "boolean"}, status_code=INTEGER),
                        {"success": True, "status_code": 1, "status_message": "Success."},
                    ),
                }
            },
        },
    }


TINY_OVERRIDES = {
    "schema": [
        {
            "at": "GET /3/movie/{movie_id}/recommendations",
            "same_as": "GET /3/movie/{movie_id}/similar",
            "reason": "documented as {}; it is the similar-movies page",
        },
        {
            "at": "GET /3/movie/{movie_id}/similar results[].title",
            "nullable": True,
            "reason": "untitled stubs exist",
        },
    ]
}


def _healed_media(document: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    return document["paths"][path][method]["responses"]["200"]["content"]["application/json"]


def test_heal_document_end_to_end() -> None:
    document = _tiny_document()
    overrides = parse_overrides(copy.deepcopy(TINY_OVERRIDES))
    healed, report = heal_document(document, overrides)

    similar = _healed_media(healed, "/3/movie/{movie_id}/similar")["schema"]
    item = similar["properties"]["results"]["items"]
    assert item["properties"] == {
        "id": INTEGER,
        "title": {"type": ["string", "null"]},
        "poster_path": {"type": ["string", "null"]},
        "vote_average": NUMBER,
    }
    # same_as copies the healed schema of the source operation, but not its evidence counts
    # (x-support): a model both share must not count the source's objects twice.
    recommendations = _healed_media(healed, "/3/movie/{movie_id}/recommendations")["schema"]
    assert recommendations == without_support(similar)
    assert "x-support" in item
    assert "x-support" not in recommendations["properties"]["results"]["items"]

    parameters = healed["paths"]["/3/movie/{movie_id}/similar"]["get"]["parameters"]
    assert parameters[1]["schema"]["default"] is False

    body = healed["paths"]["/3/movie/{movie_id}/rating"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"] == {
        "type": "object",
        "properties": {"value": NUMBER},
        "required": ["value"],
    }
    rating = _healed_media(healed, "/3/movie/{movie_id}/rating", "post")["schema"]
    assert rating["properties"]["status_message"] == STRING

    assert dict(report.counts) == {
        "decode-example": 4,
        "fix-default": 1,
        "infer-empty-schema": 1,
        "nullable-from-example": 1,
        "widen-integer": 1,
        "add-property-from-example": 1,
        "body-from-example": 1,
        "override": 2,
    }
    assert report.summary().splitlines()[0] == "add-property-from-example: 1"
    assert overrides.unused() == []


def test_heal_document_does_not_mutate_its_input() -> None:
    document = _tiny_document()
    before = copy.deepcopy(document)
    heal_document(document, parse_overrides(copy.deepcopy(TINY_OVERRIDES)))
    assert document == before


def test_heal_document_reports_overrides_that_match_nothing() -> None:
    overrides = parse_overrides(
        {
            "schema": [
                {
                    "at": "GET /3/movie/{movie_id}/lists results[].id",
                    "nullable": True,
                    "reason": "r",
                }
            ],
            "tagged_unions": [
                {"at": "GET /3/search/multi results[]", "tags": ["movie", "tv"], "reason": "r"}
            ],
        }
    )
    heal_document(_tiny_document(), overrides)
    assert [e.label() for e in overrides.unused()] == [
        "schema: GET /3/movie/{movie_id}/lists results[].id",
        "tagged_unions: GET /3/search/multi results[]",
    ]


def test_heal_document_same_as_with_unknown_operation_fails() -> None:
    overrides = parse_overrides(
        {
            "schema": [
                {
                    "at": "GET /3/movie/{movie_id}/recommendations",
                    "same_as": "GET /3/x",
                    "reason": "r",
                }
            ]
        }
    )
    with pytest.raises(KeyError):
        heal_document(_tiny_document(), overrides)


def test_heal_document_ignores_undecodable_examples() -> None:
    document = _tiny_document()
    media = _healed_media(document, "/3/movie/{movie_id}/recommendations")
    media["examples"]["Result"]["value"] = '{"page": 1, "results": [{"id": 807, "title": "Se'
    healed, report = heal_document(document, parse_overrides({}))
    assert report.counts["undecodable-example"] == 1
    assert _healed_media(healed, "/3/movie/{movie_id}/recommendations")["schema"] == {}
