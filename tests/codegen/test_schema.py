"""Schema helpers: inference from example values and the merge of two schemas."""

from __future__ import annotations

import copy

import pytest

from codegen.schema import (
    base_type,
    infer,
    is_empty,
    is_nullable,
    make_nullable,
    merge_schemas,
    merge_value,
    type_names,
    with_type,
)

MOVIE_TAG = {"type": "string", "enum": ["movie"]}
TV_TAG = {"type": "string", "enum": ["tv"]}


def _union(*variants: dict) -> dict:
    return {"oneOf": list(variants), "discriminator": {"propertyName": "media_type"}}


# --- small helpers ---------------------------------------------------------------------------


def test_type_helpers_read_the_31_nullable_spelling() -> None:
    nullable_string = {"type": ["string", "null"]}
    assert type_names(nullable_string) == ["string", "null"]
    assert base_type(nullable_string) == "string"
    assert is_nullable(nullable_string)
    assert type_names({}) == []
    assert base_type({"type": ["null"]}) is None
    assert not is_nullable({"type": "integer"})


def test_with_type_and_make_nullable_return_copies() -> None:
    schema = {"type": "integer", "description": "The movie's id."}
    nullable = make_nullable(schema)
    assert nullable == {"type": ["integer", "null"], "description": "The movie's id."}
    assert schema == {"type": "integer", "description": "The movie's id."}
    assert with_type(nullable, "number", nullable=False)["type"] == "number"
    assert "type" not in with_type(schema, None, nullable=False)
    assert with_type(schema, None, nullable=True)["type"] == ["null"]


def test_is_empty() -> None:
    assert is_empty({})
    assert is_empty({"type": ["null"]})
    assert not is_empty({"type": "string"})
    assert not is_empty(_union({"type": "object", "properties": {"media_type": MOVIE_TAG}}))


# --- infer -----------------------------------------------------------------------------------


def test_infer_scalars() -> None:
    assert infer(None) == {"type": ["null"]}
    assert infer(True) == {"type": "boolean"}  # bool before int: True is an int in Python
    assert infer(550) == {"type": "integer"}
    assert infer(8.4) == {"type": "number"}
    assert infer("Fight Club") == {"type": "string"}


def test_infer_movie_object() -> None:
    movie = {
        "id": 550,
        "title": "Fight Club",
        "adult": False,
        "vote_average": 8.4,
        "poster_path": None,
        "genre_ids": [18, 53],
    }
    assert infer(movie) == {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "adult": {"type": "boolean"},
            "vote_average": {"type": "number"},
            "poster_path": {"type": ["null"]},
            "genre_ids": {"type": "array", "items": {"type": "integer"}},
        },
    }


def test_infer_list_merges_its_items() -> None:
    assert infer([7, 7.5]) == {"type": "array", "items": {"type": "number"}}
    assert infer(["/a.jpg", None]) == {"type": "array", "items": {"type": ["string", "null"]}}
    assert infer([]) == {"type": "array", "items": {}}
    assert infer([{"id": 1}, {"id": 2, "name": "Drama"}]) == {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        },
    }


def test_infer_rejects_non_json() -> None:
    with pytest.raises(TypeError):
        infer({1, 2})


# --- merge_value -----------------------------------------------------------------------------


def test_merge_value_null_makes_nullable() -> None:
    assert merge_value({"type": "string"}, None) == {"type": ["string", "null"]}


def test_merge_value_fills_an_empty_schema_keeping_nullability() -> None:
    assert merge_value({}, 550) == {"type": "integer"}
    assert merge_value({"type": ["null"]}, "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg") == {
        "type": ["string", "null"]
    }


# --- merge_schemas ---------------------------------------------------------------------------


def test_merge_nullable_union() -> None:
    assert merge_schemas({"type": "string"}, {"type": ["null"]}) == {"type": ["string", "null"]}
    assert merge_schemas({"type": ["null"]}, {"type": "string"}) == {"type": ["string", "null"]}
    assert merge_schemas({"type": ["integer", "null"]}, {"type": "integer"}) == {
        "type": ["integer", "null"]
    }


def test_merge_integer_and_number_is_number() -> None:
    assert merge_schemas({"type": "integer"}, {"type": "number"}) == {"type": "number"}
    assert merge_schemas({"type": "number"}, {"type": "integer"}) == {"type": "number"}
    assert merge_schemas({"type": ["integer", "null"]}, {"type": "number"}) == {
        "type": ["number", "null"]
    }


def test_merge_objects_unions_their_properties() -> None:
    left = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "vote_average": {"type": "integer"}},
    }
    right = {
        "type": ["object", "null"],
        "properties": {"vote_average": {"type": "number"}, "title": {"type": "string"}},
    }
    assert merge_schemas(left, right) == {
        "type": ["object", "null"],
        "properties": {
            "id": {"type": "integer"},
            "vote_average": {"type": "number"},
            "title": {"type": "string"},
        },
    }


def test_merge_arrays_merges_items() -> None:
    merged = merge_schemas(
        {"type": "array", "items": {"type": "integer"}},
        {"type": "array", "items": {"type": ["number", "null"]}},
    )
    assert merged == {"type": "array", "items": {"type": ["number", "null"]}}


def test_merge_maps_merges_additional_properties() -> None:
    left = {"type": "object", "additionalProperties": {"type": "object", "properties": {}}}
    right = {
        "type": "object",
        "additionalProperties": {"type": "object", "properties": {"link": {"type": "string"}}},
    }
    merged = merge_schemas(left, right)
    assert merged["additionalProperties"]["properties"] == {"link": {"type": "string"}}


def test_merge_with_empty_takes_the_other_side() -> None:
    described = {"type": "string", "description": "ISO 3166-1 code"}
    assert merge_schemas({}, described) == described
    assert merge_schemas(described, {}) == described
    assert merge_schemas({"type": ["null"]}, described) == {**described, "type": ["string", "null"]}


def test_conflicting_types_keep_the_left_type_and_record_the_other() -> None:
    merged = merge_schemas({"type": "string"}, {"type": "integer"})
    assert merged == {"type": "string", "x-conflicting-types": ["integer"]}
    again = merge_schemas(merged, {"type": "boolean"})
    assert again == {"type": "string", "x-conflicting-types": ["boolean", "integer"]}
    # The same conflict twice is recorded once.
    assert merge_schemas(again, {"type": "integer"})["x-conflicting-types"] == [
        "boolean",
        "integer",
    ]


def test_conflicting_types_keep_nullability() -> None:
    merged = merge_schemas({"type": ["string", "null"]}, {"type": "integer"})
    assert merged == {"type": ["string", "null"], "x-conflicting-types": ["integer"]}


def test_merge_two_unions_variant_by_variant() -> None:
    left = _union(
        {
            "type": "object",
            "properties": {"media_type": MOVIE_TAG, "vote_average": {"type": "integer"}},
        },
    )
    right = _union(
        {
            "type": "object",
            "properties": {"media_type": MOVIE_TAG, "vote_average": {"type": "number"}},
        },
        {"type": "object", "properties": {"media_type": TV_TAG, "name": {"type": "string"}}},
    )
    merged = merge_schemas(left, right)
    movie, tv = merged["oneOf"]
    assert movie["properties"]["vote_average"] == {"type": "number"}
    assert tv["properties"]["name"] == {"type": "string"}
    assert merged["discriminator"] == {"propertyName": "media_type"}


def test_merge_union_with_null_marks_it_nullable() -> None:
    union = _union({"type": "object", "properties": {"media_type": MOVIE_TAG}})
    other = _union({"type": "object", "properties": {"media_type": MOVIE_TAG}})
    other["type"] = ["null"]
    assert merge_schemas(union, other).get("x-nullable") is True


def test_merge_union_with_plain_object_adds_its_fields_to_every_variant() -> None:
    union = _union(
        {"type": "object", "properties": {"media_type": MOVIE_TAG, "title": {"type": "string"}}},
        {"type": "object", "properties": {"media_type": TV_TAG, "name": {"type": "string"}}},
    )
    plain = {
        "type": "object",
        "properties": {"media_type": {"type": "string"}, "popularity": {"type": "number"}},
    }
    for merged in (merge_schemas(union, plain), merge_schemas(plain, union)):
        movie, tv = merged["oneOf"]
        assert movie["properties"] == {
            "media_type": MOVIE_TAG,
            "title": {"type": "string"},
            "popularity": {"type": "number"},
        }
        assert tv["properties"] == {
            "media_type": TV_TAG,
            "name": {"type": "string"},
            "popularity": {"type": "number"},
        }


def test_merge_does_not_mutate_its_arguments() -> None:
    left = {"type": "object", "properties": {"genres": {"type": "array", "items": {}}}}
    right = {
        "type": "object",
        "properties": {
            "genres": {"type": "array", "items": {"type": "object", "properties": {}}},
            "title": {"type": "string"},
        },
    }
    before = copy.deepcopy((left, right))
    merge_schemas(left, right)
    merge_schemas(right, left)
    assert (left, right) == before
