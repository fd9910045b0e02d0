"""Appended parts the document does not declare: ``append_to_response`` overrides.

TMDB honours ``append_to_response`` on more details operations than its document says (collection
and company details), and appends parts that have no documented endpoint of their own (a
company's ``movies``). An ``append_to_response`` entry of ``openapi/overrides.yaml`` declares the
parameter (``add_append_to_response``); its ``observed_parts`` are typed from the recordings of
``GET {details}/{part}`` in ``openapi/observations.json`` (``observed_part``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .evidence import evidence_examples, mark_present, refuse_root_keys
from .schema import Schema, infer, merge_schemas

if TYPE_CHECKING:
    from .heal import HealReport


def add_append_to_response(
    operation: dict[str, Any], where: str, observed_parts: list[str], report: HealReport
) -> None:
    """Declare the ``append_to_response`` query parameter TMDB accepts but the document omits.

    ``observed_parts`` (names TMDB serves only appended) become the parameter's ``enum``; the plan
    adds the documented sub-resources to them.
    """
    parameters = operation.setdefault("parameters", [])
    if any(p.get("name") == "append_to_response" for p in parameters):
        return
    schema: Schema = {"type": "string"}
    if observed_parts:
        schema["enum"] = sorted(observed_parts)
    parameters.append(
        {
            "name": "append_to_response",
            "in": "query",
            "description": "comma separated list of endpoints within this namespace, 20 items max",
            "schema": schema,
        }
    )
    report.record("append-to-response", where)


def observed_part(
    schema: Schema,
    part: str,
    where: str,
    observed: dict[str, Any],
    never_plain: frozenset[str],
    report: HealReport,
) -> Schema:
    """Add the appended ``part`` that only recordings type to a details response schema.

    TMDB serves ``GET {details}/{part}`` without documenting it; its recorded bodies (observed as
    that operation) give the property its schema and always-present keys, except its root keys,
    which an appended body may lack. Without such observations the property is left out.
    """
    facts = observed.get(f"{where}/{part}", {}).get("fields", {})
    examples = evidence_examples(facts)
    if not examples:
        # Healing without evidence (or before the part was recorded): nothing to type it from.
        report.record("unobserved-part", f"{where} {part}")
        return schema
    part_schema: Schema = {}
    for value in examples:
        part_schema = merge_schemas(part_schema, infer(value))
    part_schema, _ = mark_present(part_schema, facts, {}, never_plain=never_plain)
    part_schema = refuse_root_keys(part_schema)
    report.record("observed-part", f"{where} {part}")
    return {**schema, "properties": {**schema.get("properties", {}), part: part_schema}}
