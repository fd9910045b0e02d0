"""Small helpers over JSON Schema dicts as OpenAPI 3.1 writes them.

Nullability is spelled the 3.1 way, ``"type": ["string", "null"]``; these helpers hide that detail.
Every function returns new dicts and never mutates its arguments.
"""

from __future__ import annotations

import copy
from typing import Any

Schema = dict[str, Any]

SCALAR_TYPES = ("string", "integer", "number", "boolean")


def type_names(schema: Schema) -> list[str]:
    """Return the schema's ``type`` as a list (empty for a typeless schema)."""
    value = schema.get("type")
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def base_type(schema: Schema) -> str | None:
    """Return the non-null type name, or None for a typeless or null-only schema."""
    names = [name for name in type_names(schema) if name != "null"]
    return names[0] if names else None


def is_nullable(schema: Schema) -> bool:
    """Tell whether the schema admits null."""
    return "null" in type_names(schema)


def with_type(schema: Schema, name: str | None, *, nullable: bool) -> Schema:
    """Return a copy of ``schema`` whose type is ``name``, nullable or not."""
    result = dict(schema)
    if name is None:
        if nullable:
            result["type"] = ["null"]
        else:
            result.pop("type", None)
    else:
        result["type"] = [name, "null"] if nullable else name
    return result


def make_nullable(schema: Schema) -> Schema:
    """Return a copy of ``schema`` that also admits null."""
    return with_type(schema, base_type(schema), nullable=True)


def is_empty(schema: Schema) -> bool:
    """Tell whether a schema says nothing about its shape (``{}``, or only null)."""
    return base_type(schema) is None and not schema.get("oneOf")


def infer(value: Any) -> Schema:
    """Infer a schema from one JSON value, the way a careful reader of the example would."""
    if value is None:
        return {"type": ["null"]}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        items: Schema = {}
        for item in value:
            items = merge_value(items, item)
        return {"type": "array", "items": items}
    if isinstance(value, dict):
        return {"type": "object", "properties": {key: infer(item) for key, item in value.items()}}
    raise TypeError(f"not a JSON value: {value!r}")


def _wider_scalar(left: str, right: str) -> str | None:
    if left == right:
        return left
    if {left, right} == {"integer", "number"}:
        return "number"
    return None


def merge_value(schema: Schema, value: Any) -> Schema:
    """Widen ``schema`` just enough to describe ``value`` too (nulls, floats, missing keys)."""
    if value is None:
        return make_nullable(schema)
    if is_empty(schema):
        inferred = infer(value)
        return with_type({**schema, **inferred}, base_type(inferred), nullable=is_nullable(schema))
    return merge_schemas(schema, infer(value))


def merge_schemas(left: Schema, right: Schema) -> Schema:
    """Return the narrowest schema that admits everything ``left`` or ``right`` admits."""
    nullable = is_nullable(left) or is_nullable(right)
    if is_empty(left):
        return with_type(copy.deepcopy(right), base_type(right), nullable=nullable)
    if is_empty(right):
        return with_type(copy.deepcopy(left), base_type(left), nullable=nullable)
    if left.get("oneOf") or right.get("oneOf"):
        return _merge_unions(left, right, nullable=nullable)
    left_type, right_type = base_type(left), base_type(right)
    assert left_type is not None and right_type is not None
    result = copy.deepcopy(left)
    # Conflicting evidence either side has seen stays recorded, whichever side wins the type.
    conflicts = {*left.get("x-conflicting-types", []), *right.get("x-conflicting-types", [])}
    if conflicts:
        result["x-conflicting-types"] = sorted(conflicts)
    if left_type == "object" and right_type == "object":
        # A key is present in the merged object only where it is present on both sides.
        present = set(left.get("x-present", [])) & set(right.get("x-present", []))
        result.pop("x-present", None)
        if present:
            result["x-present"] = sorted(present)
        # The evidence of both sides pools (``codegen/evidence.py`` ``pooled_present``).
        support = _summed_support(left.get("x-support"), right.get("x-support"))
        if support:
            result["x-support"] = support
        refused = {*left.get("x-optional", []), *right.get("x-optional", [])}
        if refused:
            result["x-optional"] = sorted(refused)
        props = dict(result.get("properties", {}))
        for key, sub in right.get("properties", {}).items():
            props[key] = merge_schemas(props[key], sub) if key in props else copy.deepcopy(sub)
        if props or "properties" in result:
            result["properties"] = props
        if "additionalProperties" in right or "additionalProperties" in left:
            result["additionalProperties"] = merge_schemas(
                left.get("additionalProperties") or {}, right.get("additionalProperties") or {}
            )
        if left.get("x-map-key") or right.get("x-map-key"):
            # An object merged with a country map is one more map: its keys are data too.
            value = result.get("additionalProperties") or {}
            for sub in result.pop("properties", {}).values():
                value = merge_schemas(value, sub)
            result["additionalProperties"] = value
            result["x-map-key"] = left.get("x-map-key") or right.get("x-map-key")
        return with_type(result, "object", nullable=nullable)
    if left_type == "array" and right_type == "array":
        result["items"] = merge_schemas(left.get("items", {}), right.get("items", {}))
        return with_type(result, "array", nullable=nullable)
    if left.get("format") != right.get("format"):
        # Evidence of a date beats no evidence; a date here and a timestamp there is a string.
        formats = {left.get("format"), right.get("format")} - {None}
        result.pop("format", None)
        if len(formats) == 1:
            result["format"] = formats.pop()
    wider = _wider_scalar(left_type, right_type)
    if wider is None:
        # Genuinely conflicting evidence: keep the document's type and record the other as a hint.
        result.setdefault("x-conflicting-types", [])
        if right_type not in result["x-conflicting-types"]:
            result["x-conflicting-types"] = sorted({*result["x-conflicting-types"], right_type})
        return with_type(result, left_type, nullable=nullable)
    return with_type(result, wider, nullable=nullable)


def _summed_support(left: Any, right: Any) -> Any:
    """Add two ``x-support`` counts: objects seen, and per key seen, null and real."""
    if not left or not right:
        return copy.deepcopy(left or right)
    keys = {key: dict(facts) for key, facts in left["keys"].items()}
    for key, facts in right["keys"].items():
        known = keys.setdefault(key, {"seen": 0, "null": 0, "real": 0})
        for name in ("seen", "null", "real"):
            known[name] += facts[name]
    return {"objects": left["objects"] + right["objects"], "keys": keys}


def _merge_unions(left: Schema, right: Schema, *, nullable: bool) -> Schema:
    """Merge two tagged unions variant by variant (a plain object joins every variant)."""
    base = left if left.get("oneOf") else right
    other = right if base is left else left
    tag = base["discriminator"]["propertyName"]
    variants = {_variant_tag(v, tag): copy.deepcopy(v) for v in base["oneOf"]}
    if other.get("oneOf"):
        for variant in other["oneOf"]:
            key = _variant_tag(variant, tag)
            variants[key] = merge_schemas(variants[key], variant) if key in variants else variant
    elif other.get("properties"):
        # A plain object seen where a union is: its fields may belong to any variant.
        extra = {k: v for k, v in other["properties"].items() if k != tag}
        for key, variant in variants.items():
            variants[key] = merge_schemas(variant, {"type": "object", "properties": extra})
    result = copy.deepcopy(base)
    result["oneOf"] = [variants[key] for key in sorted(variants)]
    if nullable:
        result["x-nullable"] = True
    return result


def _variant_tag(variant: Schema, tag: str) -> str:
    enum = variant["properties"][tag].get("enum", [])
    return str(enum[0]) if enum else ""
