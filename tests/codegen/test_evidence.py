"""Healing with observations: appended parts TMDB sends but does not document, edited values."""

from __future__ import annotations

from typing import Any

from codegen.evidence import PRESENT
from codegen.heal import heal_document, success_media
from codegen.observe import Observations, without_paths
from codegen.overrides import parse_overrides
from codegen.plan import build_plan

COMPANY = "GET /3/company/{company_id}"


def _details_document() -> dict[str, Any]:
    example = {"id": 25, "name": "Fox"}
    schema = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    }
    media = {"schema": schema, "examples": {"Result": {"value": example}}}
    images_media = {
        "schema": {"type": "object", "properties": {"id": {"type": "integer"}}},
        "examples": {"Result": {"value": {"id": 25}}},
    }
    path_item = {
        "get": {
            "parameters": [{"name": "company_id", "in": "path", "required": True}],
            "responses": {"200": {"content": {"application/json": media}}},
        }
    }
    images = {"get": {"responses": {"200": {"content": {"application/json": images_media}}}}}
    return {
        "openapi": "3.1.0",
        "paths": {"/3/company/{company_id}": path_item, "/3/company/{company_id}/images": images},
    }


def _observations(bodies: list[tuple[str, object]]) -> dict[str, Any]:
    observations = Observations()
    observations.observe_all([(operation, body, 2026) for operation, body in bodies])
    return observations.as_json()


def _movies_page(*titles: str) -> dict[str, Any]:
    results = [{"id": index, "title": title} for index, title in enumerate(titles)]
    return {"id": 25, "page": 1, "results": results, "total_pages": 1}


APPEND_OVERRIDE = {
    "append_to_response": [
        {"at": COMPANY, "observed_parts": ["movies"], "reason": "recorded"},
    ]
}


def test_append_to_response_is_declared_and_observed_parts_are_typed() -> None:
    observations = _observations(
        [
            (COMPANY, {"id": 25, "name": "Fox"}),
            (f"{COMPANY}/movies", _movies_page("Alien", "Avatar")),
            (f"{COMPANY}/movies", _movies_page("Heat")),
            (f"{COMPANY}/movies", {"page": 2, "results": [], "total_pages": 1}),
        ]
    )
    overrides = parse_overrides(APPEND_OVERRIDE)
    healed, report = heal_document(_details_document(), overrides, observations)
    operation = healed["paths"]["/3/company/{company_id}"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["company_id", "append_to_response"]
    movies = (success_media(operation) or {})["schema"]["properties"]["movies"]
    assert movies["type"] == "object"
    assert movies["properties"]["total_pages"]["type"] == "integer"
    item = movies["properties"]["results"]["items"]
    assert set(item["properties"]) == {"id", "title"}
    # Seen in every one of the three movies: the items' id and title are promised...
    assert item[PRESENT] == ["id", "title"]
    # ...but not the page's root keys: an appended body may lack them (one lacked id).
    assert PRESENT not in movies
    assert report.counts["append-to-response"] == 1
    assert report.counts["observed-part"] == 1
    assert overrides.unused() == []


def test_the_plan_offers_documented_and_observed_parts() -> None:
    observations = _observations(
        [(f"{COMPANY}/movies", _movies_page("Alien")), (f"{COMPANY}/movies", _movies_page("Heat"))]
    )
    overrides = parse_overrides(APPEND_OVERRIDE)
    healed, _ = heal_document(_details_document(), overrides, observations)
    plan = build_plan(healed, overrides)
    operations = [op for ns in plan.namespaces for op in ns.operations]
    (details,) = [op for op in operations if op.path.endswith("}")]
    (param,) = [p for p in details.params if p.json_name == "append_to_response"]
    assert param.choices == ["images", "movies"]
    assert param.annotation == "Sequence[Literal['images', 'movies']]"
    model = next(m for m in plan.models if m.name == details.cast_to)
    fields = {f.json_name: f.annotation for f in model.fields}
    images = next(op for op in operations if op.path.endswith("images"))
    assert fields["images"] == f"{images.cast_to} | None"
    assert fields["movies"].endswith(" | None") and fields["movies"] != fields["images"]


def test_a_declared_append_to_response_is_not_added_twice() -> None:
    document = _details_document()
    parameters = document["paths"]["/3/company/{company_id}"]["get"]["parameters"]
    parameters.append({"name": "append_to_response", "in": "query", "schema": {"type": "string"}})
    overrides = parse_overrides({"append_to_response": [{"at": COMPANY, "reason": "why"}]})
    healed, report = heal_document(document, overrides, _observations([]))
    names = [p["name"] for p in healed["paths"]["/3/company/{company_id}"]["get"]["parameters"]]
    assert names == ["company_id", "append_to_response"]
    assert report.counts["append-to-response"] == 0


def test_an_observed_part_without_observations_is_left_out() -> None:
    overrides = parse_overrides(APPEND_OVERRIDE)
    healed, report = heal_document(_details_document(), overrides, _observations([]))
    operation = healed["paths"]["/3/company/{company_id}"]["get"]
    assert "movies" not in (success_media(operation) or {})["schema"]["properties"]
    assert report.counts["unobserved-part"] == 1


def test_without_paths_drops_edited_values_only() -> None:
    body = {
        "popularity": "9.5",
        "images": {"posters": [{"vote_average": "5.3", "width": 1}, {"width": 2}]},
        "id": 1,
    }
    trimmed = without_paths(body, ["$.popularity", "$.images.posters[].vote_average", "$.gone"])
    assert trimmed == {"images": {"posters": [{"width": 1}, {"width": 2}]}, "id": 1}
    assert body["popularity"] == "9.5"  # the original is untouched
