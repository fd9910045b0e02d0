"""The documents the SDK is generated from: TMDB's pinned v3 document and our own v4 one.

Each document has its loader, its overrides file and its output layout; ``pipeline.generate`` runs
every one through the same stages (load, heal, plan, render).

Our v4 document (``openapi/tmdb-v4.yaml``) is written by hand, so it uses ``components`` and
``$ref`` like any OpenAPI document does. The later stages work on inline schemas (TMDB's v3
document has no references), so loading it inlines every reference and folds ``allOf`` into one
object schema.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .layout import V3, V4, Layout
from .overrides import OVERRIDES_FILE
from .spec import ROOT, SpecError, load_document

V4_DOCUMENT = ROOT / "openapi" / "tmdb-v4.yaml"
V4_OVERRIDES = ROOT / "openapi" / "overrides-v4.yaml"


def _pointer(document: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        raise SpecError(f"only local references are supported, not {ref!r}")
    node: Any = document
    for part in ref[2:].split("/"):
        if not isinstance(node, dict) or part not in node:
            raise SpecError(f"reference {ref!r} points at nothing")
        node = node[part]
    return node


def _merge_all_of(node: dict[str, Any]) -> dict[str, Any]:
    """Fold ``allOf`` parts and the node's own properties into one object schema."""
    merged: dict[str, Any] = {"type": "object", "properties": {}}
    required: list[str] = []
    for part in [*node.pop("allOf"), node]:
        merged["properties"].update(part.get("properties", {}))
        required += [name for name in part.get("required", []) if name not in required]
        for key, value in part.items():
            if key not in ("properties", "required", "type"):
                merged[key] = value
    if required:
        merged["required"] = required
    return merged


def resolve_references(document: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``document`` with every ``$ref`` inlined and every ``allOf`` folded."""

    def resolve(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [resolve(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = str(node["$ref"])
            if ref in seen:
                raise SpecError(f"reference cycle through {ref!r}")
            return resolve(copy.deepcopy(_pointer(document, ref)), (*seen, ref))
        resolved = {key: resolve(value, seen) for key, value in node.items()}
        return _merge_all_of(resolved) if "allOf" in resolved else resolved

    result: dict[str, Any] = resolve({k: v for k, v in document.items() if k != "components"}, ())
    return result


def load_v4_document(path: str | Path | None = None) -> dict[str, Any]:
    """Load our v4 document and inline its references."""
    source = Path(path) if path is not None else V4_DOCUMENT
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"cannot read the v4 document {source}: {exc}") from exc
    if not isinstance(raw, dict) or not str(raw.get("openapi", "")).startswith("3."):
        raise SpecError(f"{source} is not an OpenAPI 3 document")
    return resolve_references(raw)


@dataclass(frozen=True)
class Document:
    """One input document and where its output goes."""

    name: str
    load: Callable[[str | Path | None], dict[str, Any]]
    overrides_file: Path
    layout: Layout


V3_DOCUMENT = Document("v3", load_document, OVERRIDES_FILE, V3)
V4_API_DOCUMENT = Document("v4", load_v4_document, V4_OVERRIDES, V4)
DOCUMENTS = (V3_DOCUMENT, V4_API_DOCUMENT)
