"""Schema overrides: the ``schema`` entries of ``openapi/overrides.yaml`` nothing else can infer.

Each entry names a node of one operation's response schema by a dotted path (``results[].name``,
``changes[].items[].value``) and says what to change there: ``type``, ``nullable``, ``also`` (a
second JSON type TMDB sends), ``remove`` (properties). ``heal`` applies them after everything it
infers from the examples and the evidence.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .schema import Schema, is_nullable, make_nullable, with_type


def _node(schema: Schema, path: str, *, create: bool = False) -> Schema:
    """Find the sub-schema at a dotted path such as ``results[].known_for[]``.

    With ``create``, a missing last property is added: an override that declares a field's type
    holds whether or not the examples and the evidence happened to show the field.
    """
    node = schema
    parts = re.findall(r"[^.\[\]]+|\[\]", path)
    for index, part in enumerate(parts):
        if part == "[]":
            node = node["items"]
        elif "<" in part:
            raise KeyError(part)
        elif create and index == len(parts) - 1:
            node = node.setdefault("properties", {}).setdefault(part, {})
        else:
            node = node["properties"][part]
    return node


def apply_schema_override(schema: Schema, path: str, data: dict[str, Any]) -> Schema:
    """Apply one override's changes (``type``, ``nullable``, ``also``, ``remove``) at ``path``."""
    result = copy.deepcopy(schema)
    node = _node(result, path, create=data.get("type") == "any") if path else result
    if data.get("type") == "any":
        # Values TMDB documents as any JSON at all (change history values).
        node.clear()
        node["x-any-json"] = True
    elif "type" in data:
        new_type = data["type"]
        nullable = data.get("nullable", is_nullable(node))
        node.update(with_type(node, new_type, nullable=nullable))
    elif data.get("nullable"):
        node.update(make_nullable(node))
    if "also" in data:
        node["x-conflicting-types"] = sorted({*node.get("x-conflicting-types", []), data["also"]})
    for key in data.get("remove", []):
        node.get("properties", {}).pop(key)
    return result
