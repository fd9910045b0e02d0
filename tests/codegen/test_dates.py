"""Dates from evidence (``codegen/dates.py``) and ``fields:`` overrides, on small inputs."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from codegen.dates import date_format, key_formats, mark_dates
from codegen.heal import heal_document
from codegen.ir import FieldPlan, ModelPlan, Plan
from codegen.models import ANY_JSON, field_counts
from codegen.overrides import OverridesError, parse_overrides
from codegen.plan import build_plan
from codegen.render import render_files
from codegen.schema import merge_schemas

STRING = {"type": "string"}


def _facts(**formats: dict[str, int]) -> dict[str, Any]:
    return {key: {"seen": sum(f.values()), "formats": f} for key, f in formats.items()}


# --- date_format ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formats", "expected"),
    [
        ({"date": 3}, "date"),
        ({"date": 3, "empty": 2}, "date"),
        ({"datetime": 1}, "date-time"),
        ({"datetime": 4, "empty": 1}, "date-time"),
        ({"date": 3, "text": 1}, None),
        ({"date": 3, "datetime": 1}, None),
        ({"empty": 5}, None),
        ({"text": 5}, None),
        ({}, None),
    ],
)
def test_date_format_needs_every_non_empty_value_to_agree(
    formats: dict[str, int], expected: str | None
) -> None:
    assert date_format(Counter(formats)) == expected


def test_key_formats_take_the_kind_of_nine_values_in_ten_and_no_text() -> None:
    observations = {
        "operations": {
            "GET /a": {
                "fields": {
                    "results[]": _facts(
                        release_date={"date": 95},
                        air_date={"date": 3, "empty": 40},
                        overview={"text": 9, "empty": 1},
                        mixed={"date": 5, "text": 1},
                        created_at={"datetime": 2},
                    ),
                    "results[].release_dates[]": _facts(release_date={"datetime": 5}),
                }
            },
            "GET /b": {"fields": {"": _facts(split={"date": 5, "datetime": 5})}},
        }
    }
    assert key_formats(observations) == {
        "air_date": "date",
        "created_at": "date-time",
        "release_date": "date",
    }


# --- mark_dates ----------------------------------------------------------------------------


def _page_schema(**item_properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "results": {
                "type": "array",
                "items": {"type": "object", "properties": item_properties},
            },
            "dates": {"type": "object", "properties": {"maximum": STRING}},
        },
    }


def test_mark_dates_sets_formats_from_the_facts_at_each_place() -> None:
    schema = _page_schema(release_date=STRING, created_at=STRING, title=STRING)
    real = {
        "results[]": _facts(
            release_date={"date": 18, "empty": 2}, created_at={"datetime": 3}, title={"text": 20}
        ),
        "dates": _facts(maximum={"date": 1}),
    }
    healed, marked = mark_dates(schema, [real, {}])
    item = healed["properties"]["results"]["items"]["properties"]
    # A calendar date is nullable: TMDB's "" for an unknown date decodes to None.
    assert item["release_date"] == {"type": ["string", "null"], "format": "date"}
    # A timestamp never seen empty keeps its nullability.
    assert item["created_at"] == {"type": "string", "format": "date-time"}
    assert item["title"] == STRING
    assert healed["properties"]["dates"]["properties"]["maximum"]["format"] == "date"
    assert sorted(marked) == [
        "dates.maximum date",
        "results[].created_at date-time",
        "results[].release_date date",
    ]
    assert schema["properties"]["dates"]["properties"]["maximum"] == STRING  # not mutated


def test_mark_dates_counts_the_examples_facts_too() -> None:
    schema = _page_schema(air_date=STRING)
    documented = {"results[]": _facts(air_date={"date": 1})}
    healed, _ = mark_dates(schema, [{}, documented])
    assert healed["properties"]["results"]["items"]["properties"]["air_date"]["format"] == "date"


def test_a_timestamp_seen_empty_becomes_nullable() -> None:
    schema = {"type": "object", "properties": {"published_at": STRING}}
    healed, _ = mark_dates(schema, [{"": _facts(published_at={"datetime": 4, "empty": 1})}])
    assert healed["properties"]["published_at"] == {
        "type": ["string", "null"],
        "format": "date-time",
    }


def test_text_or_two_kinds_of_dates_stay_strings() -> None:
    schema = {"type": "object", "properties": {"note": STRING, "when": STRING}}
    real = {"": _facts(note={"date": 2, "text": 1}, when={"date": 1, "datetime": 1})}
    healed, marked = mark_dates(schema, [real])
    assert healed == schema
    assert marked == []


def test_a_field_seen_only_empty_takes_its_key_format_elsewhere() -> None:
    schema = {"type": "object", "properties": {"deathday": STRING, "unseen": STRING}}
    real = {"": _facts(deathday={"empty": 3})}
    healed, _ = mark_dates(schema, [real], {"deathday": "date", "unseen": "date-time"})
    assert healed["properties"]["deathday"]["format"] == "date"
    assert healed["properties"]["unseen"]["format"] == "date-time"
    # Evidence at the place beats the key's habit elsewhere.
    text = {"": _facts(deathday={"text": 1})}
    healed, _ = mark_dates(schema, [text], {"deathday": "date"})
    assert "format" not in healed["properties"]["deathday"]


def test_mark_dates_reads_each_union_variant_from_its_tagged_place() -> None:
    def variant(tag: str, key: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"media_type": {"type": "string", "enum": [tag]}, key: STRING},
        }

    schema = {
        "type": "object",
        "properties": {
            "results": {
                "type": "array",
                "items": {
                    "oneOf": [variant("movie", "release_date"), variant("tv", "first_air_date")],
                    "discriminator": {"propertyName": "media_type"},
                },
            }
        },
    }
    real = {
        "results[movie]": _facts(release_date={"date": 2}),
        "results[tv]": _facts(first_air_date={"text": 1}),
    }
    healed, marked = mark_dates(schema, [real])
    movie, tv = healed["properties"]["results"]["items"]["oneOf"]
    assert movie["properties"]["release_date"]["format"] == "date"
    assert "format" not in tv["properties"]["first_air_date"]
    assert marked == ["results[].release_date date"]


def test_merging_keeps_a_format_one_side_has_and_drops_disagreeing_ones() -> None:
    date = {"type": "string", "format": "date"}
    timestamp = {"type": "string", "format": "date-time"}
    assert merge_schemas(date, STRING)["format"] == "date"
    assert merge_schemas(STRING, date)["format"] == "date"
    assert "format" not in merge_schemas(date, timestamp)


# --- planned annotations ---------------------------------------------------------------------


def _document(example: Any) -> dict[str, Any]:
    media = {"schema": {}, "examples": {"Result": {"value": json.dumps(example)}}}
    operation = {
        "summary": "",
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ],
        "responses": {"200": {"description": "200", "content": {"application/json": media}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "3"},
        "paths": {"/3/review/{id}": {"get": operation}},
    }


REVIEW = {
    "id": "5488c29bc3a3686f4a00004a",
    "author": "Travis Bell",
    "content": "Great.",
    "created_at": "2014-12-10T21:57:47.000Z",
    "release_date": "1999-10-15",
    "updated_at": "",
    "rating": 8,
    "value": {"poster": {"file_path": "/a.jpg"}},
}


def _plan(overrides: dict[str, Any] | None = None) -> tuple[Plan, Any]:
    parsed = parse_overrides(overrides or {})
    healed, _ = heal_document(_document(REVIEW), parsed)
    return build_plan(healed, parsed), parsed


def _fields(plan: Plan) -> dict[str, tuple[str, str | None]]:
    (model,) = [m for m in plan.models if m.name == "ReviewDetails"]
    return {f.json_name: (f.annotation, f.default) for f in model.fields}


def test_dates_and_timestamps_are_planned_as_python_dates() -> None:
    plan, _ = _plan()
    fields = _fields(plan)
    assert fields["release_date"] == ("datetime.date | None", "None")
    assert fields["created_at"] == ("datetime.datetime | None", "None")
    # Seen only as "" and nowhere else as a date: no evidence, so a string.
    assert fields["updated_at"] == ("str | None", "None")
    models = render_files(plan)["src/tmdbfusion/models/__init__.py"]
    assert "\nimport datetime\n" in models
    assert "release_date: datetime.date | None = None" in models
    assert "from typing import Any" not in models


def _field_overrides(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"fields": [{"reason": "a test says so", **entry} for entry in entries]}


def test_field_overrides_force_plain_optional_or_a_type() -> None:
    plan, parsed = _plan(
        _field_overrides(
            {"at": "ReviewDetails.author", "plain": True},
            {"at": "ReviewDetails.rating", "plain": False},
            {"at": "ReviewDetails.created_at", "type": "str"},
            {"at": "ReviewDetails.content", "type": "str", "plain": True},
            {"at": "ReviewDetails.value", "type": "Value"},
        )
    )
    fields = _fields(plan)
    assert fields["author"] == ("str", None)
    assert fields["rating"] == ("int | None", "None")
    assert fields["created_at"] == ("str | None", "None")
    assert fields["content"] == ("str", None)
    assert fields["value"] == ("Value | None", "None")
    assert parsed.unused() == []


def test_a_field_override_on_no_such_field_is_reported_unused() -> None:
    _, parsed = _plan(_field_overrides({"at": "ReviewDetails.nothing", "plain": True}))
    assert [entry.label() for entry in parsed.unused()] == ["fields: ReviewDetails.nothing"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"at": "ReviewDetails.author"}, "plain: true/false"),
        ({"at": "ReviewDetails.author", "plain": "yes"}, "plain: true/false"),
        ({"at": "ReviewDetails.author", "type": "Strng"}, "unknown ['Strng']"),
    ],
)
def test_a_malformed_field_override_is_a_clear_error(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(OverridesError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _plan(_field_overrides(entry))


def test_any_json_values_are_a_typed_union_not_any() -> None:
    overrides = {
        "schema": [{"at": "GET /3/review/{id} value", "type": "any", "reason": "any JSON"}]
    }
    plan, _ = _plan(overrides)
    assert _fields(plan)["value"] == (f"{ANY_JSON} | None", "None")


def test_field_counts_tell_plain_optional_any_and_dates() -> None:
    models = [
        ModelPlan(
            "Movie",
            "",
            [
                FieldPlan("id", "id", "int", None),
                FieldPlan("release_date", "release_date", "datetime.date | None", "None"),
                FieldPlan("genres", "genres", "list[int]", "[]"),
                FieldPlan("extra", "extra", "dict[str, Any] | None", "None"),
                FieldPlan("seen_at", "seen_at", "datetime.datetime", None),
            ],
        )
    ]
    assert field_counts(models) == {"plain": 2, "optional": 3, "Any": 1, "dates": 2}
