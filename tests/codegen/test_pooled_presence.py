"""Presence pooled over the operations that share a model (``codegen.evidence.pooled_present``)."""

from __future__ import annotations

from typing import Any

from codegen.evidence import OPTIONAL, SUPPORT, mark_present, pooled_present
from codegen.models import ModelPlanner
from codegen.observe import Observations
from codegen.overrides import parse_overrides
from codegen.schema import infer, merge_schemas

MOVIE = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
}


def _facts(where: str, bodies: list[Any]) -> dict[str, Any]:
    observations = Observations()
    observations.observe_all([(where, body, 2026) for body in bodies])
    fields: dict[str, Any] = observations.as_json()["operations"][where]["fields"]
    return fields


def _movie_schema(where: str, *movies: dict[str, Any]) -> dict[str, Any]:
    """One operation's healed movie object, marked from ``movies`` recorded as its bodies."""
    schema, _ = mark_present(MOVIE, _facts(where, list(movies)), {})
    return schema


def _plain_fields(*schemas: dict[str, Any]) -> set[str]:
    planner = ModelPlanner(parse_overrides({}))
    for index, schema in enumerate(schemas):
        planner.register_root(f"GET /3/op{index}", "MovieSummary", "details", schema)
    models, _, _ = planner.build()
    (model,) = models
    return {f.json_name for f in model.fields if f.default is None}


def test_mark_present_records_the_support_it_decided_on() -> None:
    schema = _movie_schema("GET /3/a", {"id": 1, "title": "Heat"}, {"id": 2})
    assert schema[SUPPORT] == {
        "objects": 2,
        "keys": {
            "id": {"seen": 2, "null": 0, "real": 2},
            "title": {"seen": 1, "null": 0, "real": 1},
        },
    }


def test_merge_schemas_sums_the_support_of_both_sides() -> None:
    left = _movie_schema("GET /3/a", {"id": 1, "title": "Heat"}, {"id": 2, "title": "Alien"})
    right = _movie_schema("GET /3/b", {"id": 3})
    merged = merge_schemas(left, right)
    assert merged[SUPPORT]["objects"] == 3
    assert merged[SUPPORT]["keys"]["id"] == {"seen": 3, "null": 0, "real": 3}
    assert merged[SUPPORT]["keys"]["title"] == {"seen": 2, "null": 0, "real": 2}
    # Three objects, all with an id; one without a title.
    assert pooled_present(merged) == ["id"]


def test_one_operation_with_one_agreeing_recording_no_longer_vetoes() -> None:
    strong = _movie_schema("GET /3/a", *({"id": i, "title": f"M{i}"} for i in range(20)))
    weak = _movie_schema("GET /3/b", {"id": 99, "title": "Heat"})
    # Alone, the weak operation's one movie is below the minimum support...
    assert pooled_present(weak) == []
    # ...but pooled with the strong one, 21 movies agree.
    assert _plain_fields(strong, weak) == {"id", "title"}


def test_one_object_without_the_key_anywhere_keeps_it_optional() -> None:
    strong = _movie_schema("GET /3/a", *({"id": i, "title": f"M{i}"} for i in range(20)))
    weak = _movie_schema("GET /3/b", {"id": 99})
    assert _plain_fields(strong, weak) == {"id"}


def test_an_operation_whose_objects_lack_the_key_entirely_keeps_it_optional() -> None:
    strong = _movie_schema("GET /3/a", *({"id": i, "title": f"M{i}"} for i in range(20)))
    untitled = {"type": "object", "properties": {"id": {"type": "integer"}}}
    weak, _ = mark_present(untitled, _facts("GET /3/b", [{"id": 1}, {"id": 2}]), {})
    # ``title`` is not even a property there: its two objects still count as seen without it.
    assert _plain_fields(strong, weak) == {"id"}


def test_a_null_or_a_refusal_anywhere_keeps_it_optional() -> None:
    strong = _movie_schema("GET /3/a", *({"id": i, "title": f"M{i}"} for i in range(20)))
    nulled = merge_schemas(MOVIE, infer({"id": 1, "title": None}))
    weak, _ = mark_present(nulled, _facts("GET /3/b", [{"id": 1, "title": None}]), {})
    assert _plain_fields(strong, weak) == {"id"}
    refused = {**_movie_schema("GET /3/c", {"id": 5, "title": "Up"}), OPTIONAL: ["id"]}
    assert _plain_fields(strong, refused) == {"title"}


def test_an_operation_without_evidence_adds_nothing_either_way() -> None:
    strong = _movie_schema("GET /3/a", *({"id": i, "title": f"M{i}"} for i in range(3)))
    assert _plain_fields(strong, MOVIE) == {"id", "title"}
    # Documented examples alone (no real object) promise nothing.
    documented, _ = mark_present(
        MOVIE, {}, _facts("GET /3/b", [{"id": i, "title": "x"} for i in range(5)])
    )
    assert pooled_present(documented) == []


def test_a_page_counts_its_items_once() -> None:
    # A page's items are registered as the listing and again under ``results``: the same node.
    page = {
        "type": "object",
        "properties": {
            "page": {"type": "integer"},
            "results": {"type": "array", "items": MOVIE},
            "total_pages": {"type": "integer"},
            "total_results": {"type": "integer"},
        },
    }
    bodies = [{"page": 1, "results": [{"id": 1, "title": "Heat"}, {"id": 2, "title": "Up"}]}]
    marked, _ = mark_present(page, _facts("GET /3/a", bodies), {})
    planner = ModelPlanner(parse_overrides({}))
    items = marked["properties"]["results"]["items"]
    planner.register_root("GET /3/a", "MovieSummary", "popular", items)
    planner.set_child_name("MovieSummaryPage", "results", "MovieSummary")
    planner.register_root("GET /3/a", "MovieSummaryPage", "popular", marked)
    assert planner.schemas["MovieSummary"][SUPPORT]["objects"] == 2
    models, _, _ = planner.build()
    summary = next(m for m in models if m.name == "MovieSummary")
    # Two movies are below the minimum support of three.
    assert all(f.default is not None for f in summary.fields)
