"""Property: whatever TMDB documents and whatever its examples show, the healed models decode them.

Hypothesis makes up responses the way TMDB's examples look (nested objects, lists, nulls, floats
among ints, mixed-media lists tagged by ``media_type``, objects keyed by country) and a documented
schema that disagrees with them the ways TMDB's does (fields missing, integers for numbers,
non-nullable fields that are null, empty ``{}`` schemas, one scalar type for another, a scalar
where the examples hold objects or lists and the reverse).  The document goes through the real
stages, heal then plan then render; the rendered models module is imported, and every example
must decode into the operation's type, without losing anything unless the healer reported
conflicting evidence.
"""

from __future__ import annotations

import contextlib
import copy
import sys
import types
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.heal import HealReport, heal_document
from codegen.overrides import parse_overrides
from codegen.plan import build_plan
from codegen.render import render_files
from codegen.schema import Schema, infer
from tests.contract import differences
from tmdbfusion._dates import tolerant_decoder

MODELS_FILE = "src/tmdbfusion/models/__init__.py"
PATHS = {
    "details": "/3/movie/{movie_id}",
    "credits": "/3/movie/{movie_id}/credits",
    "search": "/3/search/multi",
}
KEYS = [
    "id",
    "name",
    "title",
    "overview",
    "poster_path",
    "vote_average",
    "adult",
    "genres",
    "cast",
    "known_for",
    "items",
    "value",
    "character",
    "rating",
    "iso_3166_1",
]
COUNTRIES = ["US", "GB", "FR", "DE", "BR"]
MEDIA = ["movie", "tv", "person"]

# A response's shape: what kind of JSON each place holds.  TMDB's examples disagree with its
# schemas, but within one endpoint a place holds one kind of value (or null) in every example;
# numbers may be written as integers in one example and with a fraction in the next.
Shape = Any
SCALAR_KINDS = ["boolean", "integer", "number", "string"]


def object_shapes(children: st.SearchStrategy[Shape]) -> st.SearchStrategy[Shape]:
    return st.dictionaries(st.sampled_from(KEYS), children, max_size=4).map(
        lambda fields: ("object", fields)
    )


# Shapes under a country map hold no mixed-media lists: tagged unions are detected before
# country maps are, so media lists split over a map's keys are not merged into one union.
# TMDB's maps hold provider and release-date records, never mixed media.
map_values: st.SearchStrategy[Shape] = st.recursive(
    st.sampled_from(SCALAR_KINDS),
    lambda children: st.one_of(
        children.map(lambda item: ("list", item)),
        object_shapes(children),
        children.map(lambda value: ("countries", value)),
    ),
    max_leaves=6,
)
shapes: st.SearchStrategy[Shape] = st.recursive(
    st.sampled_from(SCALAR_KINDS),
    lambda children: st.one_of(
        children.map(lambda item: ("list", item)),
        object_shapes(children),
        # Mixed media: each kind of item has fields of its own.
        st.dictionaries(st.sampled_from(MEDIA), object_shapes(children), min_size=1).map(
            lambda variants: ("media", variants)
        ),
        map_values.map(lambda value: ("countries", value)),
    ),
    max_leaves=8,
)
SCALAR_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "boolean": st.booleans(),
    "integer": st.integers(min_value=-(2**31), max_value=2**31),
    "number": st.one_of(
        st.integers(min_value=-1000, max_value=1000),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
    ),
    "string": st.text(max_size=6),
}


def object_values(fields: dict[str, Shape]) -> st.SearchStrategy[dict[str, Any]]:
    # Any field may be missing from any example.
    return st.fixed_dictionaries({}, optional={key: values(sub) for key, sub in fields.items()})


def values(shape: Shape, nullable: bool = True) -> st.SearchStrategy[Any]:
    """Example values of one shape; any of them may be null."""
    if isinstance(shape, str):
        strategy = SCALAR_VALUES[shape]
    elif shape[0] == "list":
        strategy = st.lists(values(shape[1]), max_size=3)
    elif shape[0] == "object":
        strategy = object_values(shape[1])
    elif shape[0] == "media":
        strategy = st.lists(
            st.one_of(
                *(
                    object_values(variant[1]).map(lambda item, tag=tag: {"media_type": tag, **item})
                    for tag, variant in sorted(shape[1].items())
                )
            ),
            min_size=1,
            max_size=4,
        )
    else:
        strategy = st.dictionaries(st.sampled_from(COUNTRIES), values(shape[1]), min_size=3)
    return st.one_of(st.none(), strategy) if nullable else strategy


@st.composite
def responses(draw: st.DrawFn, page: bool = False) -> list[Any]:
    """One to three examples of one response shape (pages list mixed media)."""
    if page:
        items = draw(st.dictionaries(st.sampled_from(MEDIA), object_shapes(shapes), min_size=1))
        fields = {
            "page": "integer",
            "results": ("media", items),
            "total_pages": "integer",
            "total_results": "integer",
        }
        example = st.fixed_dictionaries(
            {name: values(sub, nullable=False) for name, sub in fields.items()}
        )
    else:
        example = object_values(draw(object_shapes(shapes))[1])
    return draw(st.lists(example, min_size=1, max_size=3))


@st.composite
def documented(draw: st.DrawFn, schema: Schema) -> Schema:
    """The schema TMDB might document for values ``schema`` was inferred from."""
    change = draw(
        st.sampled_from(
            ["keep", "keep", "keep", "empty", "not-null", "retype", "other-kind", "drop-fields"]
        )
    )
    result = copy.deepcopy(schema)
    kind = result.get("type")
    if change == "empty":
        return {}
    if change == "other-kind" and kind in SCALAR_KINDS:
        # Documented as a container where the examples hold a scalar...
        return {"type": draw(st.sampled_from(["object", "array"]))}
    if change == "other-kind" and kind in ("object", "array"):
        # ... or as a scalar where they hold a container.
        return {"type": draw(st.sampled_from(SCALAR_KINDS))}
    if change == "not-null" and isinstance(kind, list):
        result["type"] = next((name for name in kind if name != "null"), "string")
    if change == "retype" and kind in SCALAR_KINDS:
        result["type"] = draw(st.sampled_from(SCALAR_KINDS))
    if "properties" in result:
        keys = list(result["properties"])
        if change == "drop-fields" and keys:
            dropped = draw(st.sets(st.sampled_from(keys)))
            keys = [key for key in keys if key not in dropped]
        result["properties"] = {key: draw(documented(result["properties"][key])) for key in keys}
    if isinstance(result.get("items"), dict):
        result["items"] = draw(documented(result["items"]))
    return result


def document_for(operation: str, schema: Schema, examples: list[Any]) -> dict[str, Any]:
    path = PATHS[operation]
    parameters = [
        {"name": "movie_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    ]
    media = {
        "schema": schema,
        "examples": {f"example {index}": {"value": value} for index, value in enumerate(examples)},
    }
    get = {
        "parameters": parameters if "{movie_id}" in path else [],
        "responses": {"200": {"content": {"application/json": media}}},
    }
    return {"openapi": "3.1.0", "paths": {path: {"get": get}}}


@contextlib.contextmanager
def generated_type(document: dict[str, Any]) -> Iterator[tuple[Any, HealReport]]:
    """Heal, plan and render the document; import its models; give the operation's type."""
    overrides = parse_overrides({})
    healed, report = heal_document(document, overrides)
    plan = build_plan(healed, overrides)
    (operation,) = [op for ns in plan.namespaces for op in ns.operations]
    module = types.ModuleType("tmdbfusion_heal_property_models")
    # msgspec resolves the (string) annotations through sys.modules when it first decodes.
    sys.modules[module.__name__] = module
    try:
        exec(render_files(plan)[MODELS_FILE], module.__dict__)
        # A root of no known shape is ``dict[str, Any]``; the models module imports Any only
        # when a field needs it (the resource modules import what their return types use).
        yield eval(operation.cast_to, {"Any": Any, **module.__dict__}), report
    finally:
        del sys.modules[module.__name__]


def check_examples_decode(operation: str, examples: list[Any], data: st.DataObject) -> None:
    schema = data.draw(documented(infer(examples[0])), label="documented schema")
    with generated_type(document_for(operation, schema, examples)) as (target, report):
        for value in examples:
            decoded = tolerant_decoder(target).decode(msgspec.json.encode(value))
            # Where the examples contradict the document's kind of value (a list where it says
            # boolean), the healer types the place as a union of both kinds and reports the
            # conflict; one side of it stays untyped, and fields below may go unread there.
            # Everywhere else nothing may be lost.
            if not report.counts["conflicting-type"]:
                assert differences(value, msgspec.to_builtins(decoded)) == []


HEAL_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@HEAL_SETTINGS
@given(operation=st.sampled_from(["details", "credits"]), examples=responses(), data=st.data())
def test_healed_models_decode_their_examples(
    operation: str, examples: list[Any], data: st.DataObject
) -> None:
    check_examples_decode(operation, examples, data)


@HEAL_SETTINGS
@given(examples=responses(page=True), data=st.data())
def test_healed_pages_of_mixed_media_decode_their_examples(
    examples: list[Any], data: st.DataObject
) -> None:
    check_examples_decode("search", examples, data)


# --- what the properties found, pinned as plain examples ----------------------------------------


def decode_all(schema: Schema, examples: list[Any]) -> tuple[list[Any], HealReport]:
    with generated_type(document_for("details", schema, examples)) as (target, report):
        decoded = [
            msgspec.to_builtins(tolerant_decoder(target).decode(msgspec.json.encode(value)))
            for value in examples
        ]
    return decoded, report


def test_nulls_among_a_maps_values_or_a_lists_items_are_admitted() -> None:
    examples = [{"rating": {"US": None, "GB": None, "FR": False}, "genres": [18, None]}]
    decoded, _ = decode_all(infer(examples[0]), examples)
    assert differences(examples[0], decoded[0]) == []


def test_a_conflict_seen_under_one_country_survives_merging_the_map() -> None:
    # "GB" holds an int in one example and a bool in the other: int | bool, whichever key.
    examples = [
        {"rating": {"US": None, "GB": 0, "FR": None}},
        {"rating": {"US": 0, "GB": False, "FR": None}},
    ]
    decoded, report = decode_all({}, examples)
    assert report.counts["conflicting-type"]
    assert decoded == examples


def test_an_object_merged_with_a_country_map_becomes_part_of_the_map() -> None:
    value = {"US": None, "GB": {"id": False}, "FR": {"US": None, "GB": None, "FR": 0}}
    examples = [{}, {"rating": value}]
    decoded, _ = decode_all({"type": "object", "properties": {}}, examples)
    assert decoded[1] == {"rating": value}


def test_structure_where_a_scalar_is_documented_is_believed() -> None:
    examples = [{"rating": {"value": 8.5}}, {"rating": {"value": 7}}]
    schema = {"type": "object", "properties": {"rating": {"type": "boolean"}}}
    decoded, report = decode_all(schema, examples)
    assert report.counts["conflicting-type"] == 1
    assert decoded == examples


@pytest.mark.parametrize(
    ("documented_type", "value"),
    [("object", ["a", "b"]), ("array", {"a": 1}), ("object", "text"), ("array", 3)],
)
def test_a_container_documented_where_another_kind_comes_still_decodes(
    documented_type: str, value: Any
) -> None:
    examples = [{"rating": value}]
    schema = {"type": "object", "properties": {"rating": {"type": documented_type}}}
    decoded, _ = decode_all(schema, examples)
    assert decoded == examples
