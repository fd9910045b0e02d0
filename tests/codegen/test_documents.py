"""The v4 document's loader (references, allOf) and the v4 output layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.documents import load_v4_document, resolve_references
from codegen.heal import iter_operations
from codegen.layout import V3, V4
from codegen.pipeline import GENERATED_FOLDERS, plan_v4
from codegen.spec import SpecError


def test_references_are_inlined_and_all_of_folded() -> None:
    document = {
        "paths": {
            "/4/x": {
                "get": {
                    "parameters": [{"$ref": "#/components/parameters/Page"}],
                    "schema": {
                        "allOf": [{"$ref": "#/components/schemas/Movie"}],
                        "type": "object",
                        "properties": {"rating": {"type": "number"}},
                        "required": ["rating"],
                    },
                }
            }
        },
        "components": {
            "parameters": {"Page": {"name": "page", "in": "query"}},
            "schemas": {
                "Movie": {
                    "type": "object",
                    "properties": {"id": {"type": "integer"}},
                    "required": ["id"],
                }
            },
        },
    }
    resolved = resolve_references(document)
    operation = resolved["paths"]["/4/x"]["get"]
    assert "components" not in resolved
    assert operation["parameters"] == [{"name": "page", "in": "query"}]
    assert operation["schema"] == {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "rating": {"type": "number"}},
        "required": ["id", "rating"],
    }
    # Inlined copies are independent: healing one operation cannot change another.
    assert operation["parameters"][0] is not document["components"]["parameters"]["Page"]


def test_broken_and_cyclic_references_are_errors() -> None:
    with pytest.raises(SpecError, match="points at nothing"):
        resolve_references({"paths": {"a": {"$ref": "#/components/schemas/Nope"}}})
    cyclic = {
        "components": {"schemas": {"A": {"items": {"$ref": "#/components/schemas/A"}}}},
        "paths": {"a": {"$ref": "#/components/schemas/A"}},
    }
    with pytest.raises(SpecError, match="cycle"):
        resolve_references(cyclic)
    with pytest.raises(SpecError, match="local"):
        resolve_references({"paths": {"a": {"$ref": "other.yaml#/x"}}})


def test_the_v4_document_has_the_21_operations_and_no_stale_overrides() -> None:
    document = load_v4_document()
    assert len(list(iter_operations(document))) == 21
    plan, report, overrides = plan_v4()
    assert [entry.label() for entry in overrides.unused()] == []
    names = {f"{ns.name}.{op.name}" for ns in plan.namespaces for op in ns.operations}
    assert {
        "auth.create_request_token",
        "auth.logout",
        "lists.remove_items",
        "account.watchlist_tv",
        "lists.clear",
    } <= names
    assert report.counts["tagged-union"] == 1


def test_v4_output_lives_beside_v3() -> None:
    assert V4.models_import == "...models.v4" and V3.models_import == "..models"
    assert V4.resource_package == "tmdbfusion.resources.v4"
    assert (V4.resource_dir, "*.py") in GENERATED_FOLDERS
    assert V4.namespace_dir == "docs/reference/v4/namespaces"


def test_the_v4_loader_reports_unreadable_documents(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read"):
        load_v4_document(tmp_path / "missing.yaml")
    (tmp_path / "swagger.yaml").write_text("swagger: '2.0'\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not an OpenAPI 3"):
        load_v4_document(tmp_path / "swagger.yaml")
