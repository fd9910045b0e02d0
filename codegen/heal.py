"""Heal TMDB's document: make its schemas agree with the real API output in its examples.

The input and output are both OpenAPI 3.1 documents (dict -> dict, the input is not mutated), so the
healed document can be diffed, dumped and reviewed. Each rule is a small function with its own test:

- ``decode_examples``: examples stored as JSON text become JSON values.
- ``heal_parameter``: parameter defaults that contradict their type (``"false"`` on a boolean,
  ``null`` on an id) are fixed or dropped.
- ``strip_response_noise``: response schemas lose ``default`` and ``example`` (meaningless there).
- ``build_tagged_unions``: lists whose items carry ``media_type`` with several values become a
  ``oneOf`` with a ``media_type`` discriminator, each variant holding only its own fields.
- ``merge_examples``: nulls make fields nullable, floats widen integers to numbers, keys the schema
  lacks are added, empty ``{}`` schemas are inferred.
- ``detect_maps``: objects spelled out with one property per country code become ``dict[str, T]``.
- ``body_from_example``: the placeholder ``RAW_BODY`` request body becomes the example's fields.
- ``schema_overrides.apply_schema_override``: the entries of ``openapi/overrides.yaml`` nothing
  above can infer.
- ``appended.add_append_to_response``: details operations TMDB extends with
  ``append_to_response`` though the document omits the parameter (``append_to_response``
  overrides), with the parts only recordings type (``appended.observed_part``).
- ``evidence.evidence_examples`` and ``evidence.mark_present``: the facts of real recorded
  responses (``openapi/observations.json``) add to the examples, and decide which keys are always
  present (see ``codegen/evidence.py``).
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .appended import add_append_to_response, observed_part
from .dates import key_formats, mark_dates
from .evidence import (
    evidence_examples,
    keys_seen_null,
    mark_present,
    refuse_root_keys,
    without_support,
)
from .observe import Observations
from .overrides import Overrides
from .schema import (
    SCALAR_TYPES,
    Schema,
    base_type,
    infer,
    is_nullable,
    make_nullable,
    merge_schemas,
    merge_value,
    with_type,
)
from .schema_overrides import apply_schema_override

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
TAG_FIELD = "media_type"
COUNTRY_KEY = re.compile(r"^[A-Z]{2}(-[A-Z]{2})?$")
MIN_MAP_KEYS = 3


@dataclass
class HealReport:
    """What the healing changed, for humans: counts per rule and one line per change."""

    counts: Counter[str] = field(default_factory=Counter)
    changes: list[str] = field(default_factory=list)

    def record(self, rule: str, where: str, what: str = "") -> None:
        """Count one change by ``rule`` at ``where``."""
        self.counts[rule] += 1
        self.changes.append(f"{rule}: {where}{' ' + what if what else ''}")

    def summary(self) -> str:
        """One line per rule with its count."""
        return "\n".join(f"{rule}: {count}" for rule, count in sorted(self.counts.items()))


def iter_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield ``(METHOD, path, operation)`` in document order."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS and isinstance(operation, dict):
                yield method.upper(), path, operation


def operation_key(method: str, path: str) -> str:
    """The ``"GET /3/movie/{movie_id}"`` form used by overrides and reports."""
    return f"{method.upper()} {path}"


def success_media(operation: dict[str, Any]) -> dict[str, Any] | None:
    """Return the JSON media object of the first 2xx response, if any."""
    for code in sorted(operation.get("responses", {})):
        if code.startswith("2"):
            media = operation["responses"][code].get("content", {}).get("application/json")
            if isinstance(media, dict):
                return media
    return None


def example_values(media: dict[str, Any]) -> list[Any]:
    """Return the decoded example values of a media object, in name order."""
    examples = media.get("examples", {})
    return [
        examples[name]["value"]
        for name in sorted(examples)
        if "value" in examples[name] and not examples[name].get("x-undecodable")
    ]


# --- rules ---------------------------------------------------------------------------------------


def decode_examples(media: dict[str, Any], where: str, report: HealReport) -> None:
    """Replace examples written as JSON text by the JSON they contain."""
    for name, example in media.get("examples", {}).items():
        value = example.get("value")
        if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
            try:
                example["value"] = json.loads(value)
            except json.JSONDecodeError:
                # Broken example text is no evidence of anything: keep it out of the healing.
                example["x-undecodable"] = True
                report.record("undecodable-example", where, name)
                continue
            report.record("decode-example", where, name)


def heal_parameter(parameter: dict[str, Any], where: str, report: HealReport) -> None:
    """Fix a parameter default that contradicts the parameter's own type."""
    schema = parameter.get("schema", {})
    if "default" not in schema:
        return
    default, kind = schema["default"], base_type(schema)
    if kind == "boolean" and default in ("true", "false"):
        schema["default"] = default == "true"
        report.record("fix-default", f"{where} {parameter['name']}", f"{default!r} -> bool")
    elif default is None or (kind == "integer" and not isinstance(default, int)):
        del schema["default"]
        report.record("drop-default", f"{where} {parameter['name']}", repr(default))


def strip_response_noise(schema: Schema) -> Schema:
    """Remove ``default`` and ``example`` everywhere in a response schema."""
    result = {k: v for k, v in schema.items() if k not in ("default", "example")}
    if "properties" in result:
        result["properties"] = {k: strip_response_noise(v) for k, v in result["properties"].items()}
    for key in ("items", "additionalProperties"):
        if isinstance(result.get(key), dict):
            result[key] = strip_response_noise(result[key])
    if "oneOf" in result:
        result["oneOf"] = [strip_response_noise(v) for v in result["oneOf"]]
    return result


def _tags_in(values: list[Any]) -> set[str]:
    return {
        item[TAG_FIELD]
        for item in values
        if isinstance(item, dict) and isinstance(item.get(TAG_FIELD), str)
    }


def build_tagged_unions(
    schema: Schema,
    values: list[Any],
    where: str,
    forced: dict[str, list[str]],
    report: HealReport,
    path: str = "",
) -> Schema:
    """Turn lists of mixed media into tagged unions, guided by the example values at each node.

    ``values`` are all example values found at this node; ``forced`` maps a node path (such as
    ``results[].known_for[]``) to tags an override declares for lists the examples under-show.
    """
    kind = base_type(schema)
    if kind == "object" and "properties" in schema:
        result = dict(schema)
        props = {}
        for key, sub in schema["properties"].items():
            sub_values = [v[key] for v in values if isinstance(v, dict) and key in v]
            child = f"{path}.{key}" if path else key
            props[key] = build_tagged_unions(sub, sub_values, where, forced, report, child)
        result["properties"] = props
        return result
    if kind != "array" or not isinstance(schema.get("items"), dict):
        return schema
    items_path = f"{path}[]"
    items = schema["items"]
    item_values = [item for v in values if isinstance(v, list) for item in v]
    tags = _tags_in(item_values) | set(forced.get(items_path, []))
    has_tag_field = TAG_FIELD in items.get("properties", {}) or bool(_tags_in(item_values))
    if not has_tag_field or (len(tags) < 2 and items_path not in forced):
        result = dict(schema)
        result["items"] = build_tagged_unions(items, item_values, where, forced, report, items_path)
        return result
    seen_by_tag = {
        tag: {
            key
            for item in item_values
            if isinstance(item, dict) and item.get(TAG_FIELD) == tag
            for key in item
        }
        for tag in tags
    }
    seen_anywhere = set().union(*seen_by_tag.values())
    variants = []
    for tag in sorted(tags):
        own = {
            key: sub
            for key, sub in items.get("properties", {}).items()
            if key != TAG_FIELD and (key in seen_by_tag[tag] or key not in seen_anywhere)
        }
        tagged_values = [v for v in item_values if isinstance(v, dict) and v.get(TAG_FIELD) == tag]
        variant: Schema = {
            "type": "object",
            "properties": {TAG_FIELD: {"type": "string", "enum": [tag]}, **own},
        }
        variants.append(
            build_tagged_unions(variant, tagged_values, where, forced, report, items_path)
        )
    report.record("tagged-union", f"{where} {items_path}", "/".join(sorted(tags)))
    result = dict(schema)
    result["items"] = {"oneOf": variants, "discriminator": {"propertyName": TAG_FIELD}}
    return result


def merge_examples(schema: Schema, value: Any, where: str, report: HealReport) -> Schema:
    """Widen ``schema`` to admit one real response ``value``, recording every change."""
    if value is None:
        if not is_nullable(schema):
            report.record("nullable-from-example", where)
        return make_nullable(schema)
    kind = base_type(schema)
    if "oneOf" in schema:
        return _merge_into_union(schema, value, where, report)
    if kind is None:
        report.record("infer-empty-schema", where, base_type(infer(value)) or "")
        return merge_value(schema, value)
    if kind == "integer" and isinstance(value, float):
        report.record("widen-integer", where)
        return with_type(schema, "number", nullable=is_nullable(schema))
    if kind == "object" and isinstance(value, dict):
        result = dict(schema)
        props = dict(schema.get("properties", {}))
        extra = schema.get("additionalProperties")
        for key, sub_value in value.items():
            child = f"{where}.{key}"
            if key in props:
                props[key] = merge_examples(props[key], sub_value, child, report)
            elif isinstance(extra, dict):
                result["additionalProperties"] = merge_examples(extra, sub_value, child, report)
                extra = result["additionalProperties"]
            else:
                report.record("add-property-from-example", child)
                props[key] = infer(sub_value)
        if props:
            result["properties"] = props
        return result
    if kind == "array" and isinstance(value, list):
        result = dict(schema)
        items = schema.get("items", {})
        for item in value:
            items = merge_examples(items, item, f"{where}[]", report)
        result["items"] = items
        return result
    if kind in SCALAR_TYPES and isinstance(value, (dict, list)):
        # Structure where the document says a scalar: believe the example's structure, and
        # keep the documented kind as the other member of the union.
        report.record("conflicting-type", where, f"{kind} vs {type(value).__name__}")
        inferred = infer(value)
        result = with_type(inferred, base_type(inferred), nullable=is_nullable(schema))
        result["x-conflicting-types"] = sorted({kind, *schema.get("x-conflicting-types", [])})
        return result
    merged = merge_value(schema, value)
    if merged.get("x-conflicting-types") != schema.get("x-conflicting-types"):
        report.record("conflicting-type", where, f"{kind} vs {type(value).__name__}")
    return merged


def _merge_into_union(schema: Schema, value: Any, where: str, report: HealReport) -> Schema:
    tag = schema["discriminator"]["propertyName"]
    result = dict(schema)
    variants = []
    matched = False
    for variant in schema["oneOf"]:
        if isinstance(value, dict) and value.get(tag) in variant["properties"][tag]["enum"]:
            variants.append(merge_examples(variant, value, f"{where}<{value[tag]}>", report))
            matched = True
        else:
            variants.append(variant)
    if not matched:
        report.record("unmatched-union-value", where, repr(value)[:60])
    result["oneOf"] = variants
    return result


def _is_country_map(schema: Schema) -> bool:
    props = schema.get("properties", {})
    if base_type(schema) != "object" or len(props) < MIN_MAP_KEYS:
        return False
    return all(COUNTRY_KEY.match(key) for key in props)


def detect_maps(schema: Schema, where: str, report: HealReport) -> Schema:
    """Turn objects with one property per country code into maps of one merged value type."""
    result = dict(schema)
    for key in ("items", "additionalProperties"):
        if isinstance(result.get(key), dict):
            result[key] = detect_maps(result[key], f"{where}[]", report)
    if "oneOf" in result:
        result["oneOf"] = [detect_maps(v, where, report) for v in result["oneOf"]]
    if "properties" not in result:
        return result
    result["properties"] = {
        key: detect_maps(sub, f"{where}.{key}", report) for key, sub in result["properties"].items()
    }
    if not _is_country_map(result):
        return result
    value_schema: Schema = {}
    for sub in result["properties"].values():
        value_schema = merge_schemas(value_schema, sub)
    report.record("country-map", where, f"{len(result['properties'])} keys")
    result.pop("properties")
    result["additionalProperties"] = value_schema
    result["x-map-key"] = "country"
    return result


def body_from_example(media: dict[str, Any], where: str, report: HealReport) -> Schema | None:
    """Derive the real request body schema from the request example (TMDB documents RAW_BODY)."""
    values = example_values(media)
    if not values or not all(isinstance(v, dict) for v in values):
        return None
    documented = media.get("schema", {}).get("properties", {})
    if documented and "RAW_BODY" not in documented:
        return None  # a real body schema (our v4 document): keep it, examples only illustrate
    schema: Schema = {"type": "object", "properties": {}}
    for value in values:
        schema = merge_schemas(schema, infer(value))
    required = sorted(set.intersection(*(set(v) for v in values)))
    schema["required"] = required
    report.record("body-from-example", where, ", ".join(sorted(schema["properties"])))
    return schema


# --- the stage -----------------------------------------------------------------------------------


def _split_at(at: str) -> tuple[str, str]:
    method, rest = at.split(" ", 1)
    path, _, node = rest.partition(" ")
    return operation_key(method, path), node


def heal_document(
    document: dict[str, Any],
    overrides: Overrides,
    observations: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], HealReport]:
    """Return the healed copy of ``document`` and the report of what changed.

    ``observations`` is the content of ``openapi/observations.json`` (``None``: no evidence beyond
    the document's examples, so no key is made present).
    """
    healed = copy.deepcopy(document)
    observed: dict[str, Any] = (observations or {}).get("operations", {})
    seen_null = keys_seen_null(observations or {})
    date_keys = key_formats(observations or {})
    appendable = appendable_parts(healed)
    report = HealReport()
    forced_tags: dict[str, dict[str, list[str]]] = {}
    for entry in overrides.entries("tagged_unions"):
        key, node = _split_at(entry.at)
        forced_tags.setdefault(key, {})[node] = list(entry.data["tags"])
    schema_fixes: dict[str, list[tuple[str, dict[str, Any], Any]]] = {}
    for entry in overrides.entries("schema"):
        if "same_as" in entry.data:
            continue
        key, node = _split_at(entry.at)
        schema_fixes.setdefault(key, []).append((node, entry.data, entry))

    appends = {_split_at(e.at)[0]: e for e in overrides.entries("append_to_response")}
    for method, path, operation in iter_operations(healed):
        where = operation_key(method, path)
        if where in appends:
            parts = [str(part) for part in appends[where].data.get("observed_parts", [])]
            add_append_to_response(operation, where, parts, report)
            appends[where].used = True
        for parameter in operation.get("parameters", []):
            heal_parameter(parameter, where, report)
        body_media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if isinstance(body_media, dict):
            decode_examples(body_media, where, report)
            body_schema = body_from_example(body_media, where, report)
            if body_schema is not None:
                body_media["schema"] = body_schema
        for response in operation.get("responses", {}).values():
            for media in response.get("content", {}).values():
                decode_examples(media, where, report)
        media = success_media(operation)
        if media is None or "schema" not in media:
            continue
        values = example_values(media)
        real_facts = observed.get(where, {}).get("fields", {})
        evidence = evidence_examples(real_facts)
        if evidence:
            report.record("evidence", where, f"{observed[where]['responses']} recorded responses")
        schema = strip_response_noise(media["schema"])
        values = values + evidence
        schema = build_tagged_unions(schema, values, where, forced_tags.get(where, {}), report)
        if where in forced_tags:
            for entry in overrides.entries("tagged_unions"):
                if _split_at(entry.at)[0] == where:
                    entry.used = True
        for value in values:
            schema = merge_examples(schema, value, where, report)
        schema = detect_maps(schema, where, report)
        for node, data, entry in schema_fixes.get(where, []):
            schema = apply_schema_override(schema, node, data)
            entry.used = True
            report.record("override", f"{where} {node}", entry.reason)
        documented = Observations()
        documented.observe_all([(where, value, None) for value in example_values(media)])
        documented_facts = documented.as_json()["operations"].get(where, {}).get("fields", {})
        schema, dates = mark_dates(schema, [real_facts, documented_facts], date_keys)
        for path in dates:
            report.record("date", f"{where} {path}")
        # Also without recordings: the document's examples count towards a shared model's
        # pooled support, and a key they lack keeps it optional (``evidence.pooled_present``).
        schema, present = mark_present(schema, real_facts, documented_facts, never_plain=seen_null)
        if where in appendable:
            # Appended to its parent's details, this body comes without its root keys
            # (``credits`` carries no ``id``): they cannot be promised.
            schema = refuse_root_keys(schema)
            present = [path for path in present if "." in path or "[" in path]
        for path in present:
            report.record("present", f"{where} {path}")
        if where in appends:
            for part in appends[where].data.get("observed_parts", []):
                schema = observed_part(schema, str(part), where, observed, seen_null, report)
        media["schema"] = schema
    for entry in overrides.entries("schema"):
        if "same_as" in entry.data:
            _copy_response_schema(healed, entry.at, str(entry.data["same_as"]))
            entry.used = True
            report.record("override", entry.at, entry.reason)
    return healed, report


def appendable_parts(document: dict[str, Any]) -> set[str]:
    """The GET operations whose bodies ``append_to_response`` can fold into a parent's details.

    Such a part sits literal segments below a details path that ends in a parameter, as
    ``/3/movie/{movie_id}/credits`` or ``.../watch/providers`` below ``/3/movie/{movie_id}``.
    """
    gets = {path for method, path, _ in iter_operations(document) if method == "GET"}
    parts = set()
    for path in gets:
        parent, _, rest = path.rpartition("}")
        if rest.startswith("/") and "{" not in rest and f"{parent}}}" in gets:
            parts.add(operation_key("GET", path))
    return parts


def _copy_response_schema(document: dict[str, Any], target: str, source: str) -> None:
    """Give ``target`` the healed response schema of ``source`` (TMDB documents it as ``{}``)."""
    found = {}
    for method, path, operation in iter_operations(document):
        found[operation_key(method, path)] = success_media(operation)
    source_media, target_media = found.get(source), found.get(target.strip())
    if source_media is None or target_media is None:
        raise KeyError(f"schema override: no operation {source!r} or {target!r}")
    # The source's evidence counts once, with the source: the copy is a shape, not more objects.
    target_media["schema"] = without_support(source_media["schema"])
