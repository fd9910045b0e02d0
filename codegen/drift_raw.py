"""The raw documents walked side by side: every difference, located (``codegen/drift.py``).

Differences are found within the operations both documents have, and outside ``paths``; each is
marked documentation-only when it lies under a documentation keyword. Whether healing absorbs it
is decided by comparing the healed documents at its ``pointer`` (``node_at``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .drift_report import RawDifference
from .heal import HTTP_METHODS, operation_key

# Keywords whose whole subtree is documentation (at a keyword position, not as a property name).
DOC_KEYWORDS = frozenset({"description", "summary", "example", "examples", "title", "externalDocs"})
# Top-level members that only describe the document.
DOC_TOP_LEVEL = frozenset({"info", "externalDocs", "tags"})
# Mappings whose keys are names (properties, status codes, media types), never keywords.
NAME_MAPS = frozenset(
    {"properties", "patternProperties", "responses", "content", "headers", "$defs", "schemas"}
)
DOCUMENT = "document"


def _readable(tokens: tuple[str, ...]) -> str:
    """Shorten a location: ``(responses, 200, content, application/json, schema, properties, a)``.

    becomes ``responses/200/application/json/schema.a``; ``items`` becomes ``[]``.
    """
    text = ""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "properties" and index + 1 < len(tokens):
            text += "." + tokens[index + 1]
            index += 2
            continue
        if token == "items":
            text += "[]"
        elif token == "additionalProperties":
            text += "{}"
        elif token != "content":
            text += ("/" if text else "") + token
        index += 1
    return text


def _parameter_map(items: list[Any]) -> dict[str, Any] | None:
    """Parameters are identified by name and location, not by position."""
    if not all(isinstance(p, dict) and "name" in p and "in" in p for p in items):
        return None
    return {f"{p['name']} ({p['in']})": p for p in items}


def _as_mapping(value: list[Any]) -> dict[str, Any] | None:
    """Parameters by name and location; other lists of objects by index."""
    parameters = _parameter_map(value)
    if parameters is not None:
        return parameters
    if all(isinstance(v, dict) for v in value):
        return {f"[{i}]": v for i, v in enumerate(value)}
    return None


# Where a document lacks the node: equal only to itself, so two missing nodes agree.
_MISSING = object()


def node_at(document: Any, pointer: tuple[str, ...]) -> Any:
    """The node at ``pointer`` (as the walk spells it), or a marker that equals only itself."""
    node = document
    for token in pointer:
        if isinstance(node, list):
            node = _as_mapping(node) or {}
        if not isinstance(node, dict) or token not in node:
            return _MISSING
        node = node[token]
    return node


@dataclass
class _Walk:
    """One side-by-side walk of two documents, collecting differences."""

    found: list[RawDifference] = field(default_factory=list)

    def record(self, where: str, pointer: tuple[str, ...], skip: int, kind: str, doc: bool) -> None:
        path = _readable(pointer[skip:]) or "(the whole operation)"
        self.found.append(RawDifference(where, path, kind, doc, pointer))

    def walk(
        self,
        old: Any,
        new: Any,
        pointer: tuple[str, ...],
        where: str,
        *,
        skip: int,
        names: bool = False,
        documentation: bool = False,
    ) -> None:
        """Record every difference between ``old`` and ``new`` below ``pointer``."""
        if old == new:
            return
        if isinstance(old, list) and isinstance(new, list):
            old_map, new_map = _as_mapping(old), _as_mapping(new)
            positional = old_map is not None and _parameter_map(old) is None
            if (
                old_map is not None
                and new_map is not None
                and not (positional and len(old) != len(new))
            ):
                old, new, names = old_map, new_map, True
        if not (isinstance(old, dict) and isinstance(new, dict)):
            self.record(where, pointer, skip, "changed", documentation)
            return
        for key in [*old, *(k for k in new if k not in old)]:
            is_doc = documentation or (not names and key in DOC_KEYWORDS)
            child = (*pointer, key)
            if key not in new:
                self.record(where, child, skip, "removed", is_doc)
            elif key not in old:
                self.record(where, child, skip, "added", is_doc)
            else:
                child_names = not names and key in NAME_MAPS
                self.walk(
                    old[key],
                    new[key],
                    child,
                    where,
                    skip=skip,
                    names=child_names,
                    documentation=is_doc,
                )


def raw_differences(base: dict[str, Any], upstream: dict[str, Any]) -> list[RawDifference]:
    """Differences of the documents within operations present in both, and outside ``paths``.

    Operations added or removed are the plan's business; their raw text is not compared.
    """
    walk = _Walk()
    for key in [*base, *(k for k in upstream if k not in base)]:
        if key == "paths":
            continue
        documentation = key in DOC_TOP_LEVEL
        if key not in upstream or key not in base:
            kind = "removed" if key not in upstream else "added"
            walk.record(DOCUMENT, (key,), 0, kind, documentation)
        else:
            walk.walk(
                base[key], upstream[key], (key,), DOCUMENT, skip=0, documentation=documentation
            )
    old_paths, new_paths = base.get("paths", {}), upstream.get("paths", {})
    for path in old_paths.keys() & new_paths.keys():
        old_item, new_item = old_paths[path], new_paths[path]
        for member in [*old_item, *(k for k in new_item if k not in old_item)]:
            pointer = ("paths", path, member)
            if member in HTTP_METHODS:
                if member in old_item and member in new_item:
                    where = operation_key(member, path)
                    walk.walk(old_item[member], new_item[member], pointer, where, skip=3)
                continue  # an operation added or removed: the plan reports it
            documentation = member in DOC_KEYWORDS
            if member not in old_item or member not in new_item:
                kind = "removed" if member not in new_item else "added"
                walk.record(path, pointer, 2, kind, documentation)
            else:
                walk.walk(
                    old_item[member],
                    new_item[member],
                    pointer,
                    path,
                    skip=2,
                    documentation=documentation,
                )
    return sorted(walk.found, key=lambda d: (d.where, d.path))
