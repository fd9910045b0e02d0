"""The SDK surface of a document, and the changes between two surfaces (``codegen/drift.py``).

A document's surface is what ``generate`` makes of it: it is healed and planned the same way. Two
surfaces are compared per operation (method name, parameters, body fields, response type) and per
model and union (fields, members, tag); each change is classified as breaking or non-breaking by
the rules ``codegen/drift.py`` states.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .drift_report import BREAKING, NON_BREAKING, Change, ModelDrift, OperationDrift, Source
from .heal import heal_document, iter_operations, operation_key
from .ir import ModelPlan, OperationPlan, ParamPlan, Plan, UnionPlan
from .names import NamingError
from .observe import OBSERVATIONS, load_observations
from .overrides import Overrides, OverridesError
from .plan import SKIPPED_PARAMETER_LOCATIONS, build_plan
from .spec import SpecError


@dataclass
class Surface:
    """What one document generates: its plan, and the parameter defaults its docstrings state."""

    plan: Plan
    healed: dict[str, Any]
    defaults: dict[tuple[str, str], Any]  # (operation key, parameter name) -> healed default
    stale_overrides: list[str]

    def operations(self) -> dict[str, OperationPlan]:
        """Every planned operation by ``"GET /3/..."`` key."""
        return {
            operation_key(op.http_method, op.path): op
            for ns in self.plan.namespaces
            for op in ns.operations
        }

    def method_names(self) -> dict[str, str]:
        """Operation key -> SDK method name (``movies.details``)."""
        return {key: _method_name(op) for key, op in self.operations().items()}


def plan_surface(
    document: dict[str, Any], overrides: Overrides, observations: dict[str, Any] | None = None
) -> Surface:
    """Heal and plan ``document`` as ``generate`` does, keeping the healed document.

    These are the two steps of ``pipeline.plan_document``, which does not return the healed
    document; the drift needs it for parameter defaults and to tell what healing absorbed.
    """
    if observations is None:
        observations = load_observations(OBSERVATIONS)
    healed, _ = heal_document(document, overrides, observations)
    defaults = {
        (operation_key(method, path), raw["name"]): raw.get("schema", {}).get("default")
        for method, path, operation in iter_operations(healed)
        for raw in operation.get("parameters", [])
        if raw.get("in") not in SKIPPED_PARAMETER_LOCATIONS
    }
    plan = build_plan(healed, overrides)
    return Surface(plan, healed, defaults, [entry.label() for entry in overrides.unused()])


def _method_name(op: OperationPlan) -> str:
    return f"{op.namespace}.{op.name}"


def _union_parts(annotation: str) -> set[str]:
    """Split ``"list[A | B] | None"`` at its top-level ``|`` into ``{"list[A | B]", "None"}``."""
    parts, depth, current = set(), 0, ""
    for char in annotation:
        depth += char == "["
        depth -= char == "]"
        if char == "|" and depth == 0:
            parts.add(current.strip())
            current = ""
        else:
            current += char
    parts.add(current.strip())
    return parts


def _literal_shape(annotation: str) -> str:
    return re.sub(r"Literal\[[^\]]*\]", "Literal[...]", annotation)


def _parameter_subject(param: ParamPlan) -> str:
    return "body field" if param.location == "body" else f"{param.location} parameter"


def _parameter_type_changes(old: ParamPlan, new: ParamPlan) -> list[Change]:
    subject, name = _parameter_subject(new), new.json_name
    if old.choices is not None and new.choices is not None:
        changes = []
        removed = [v for v in old.choices if v not in new.choices]
        added = [v for v in new.choices if v not in old.choices]
        if removed:
            shown = ", ".join(repr(v) for v in removed)
            changes.append(Change(BREAKING, subject, name, "values removed", shown))
        if added:
            shown = ", ".join(repr(v) for v in added)
            changes.append(Change(NON_BREAKING, subject, name, "values added", None, shown))
        if _literal_shape(old.annotation) != _literal_shape(new.annotation):
            changes.append(
                Change(BREAKING, subject, name, "retyped", old.annotation, new.annotation)
            )
        return changes
    if old.annotation == new.annotation:
        return []
    widened = _union_parts(old.annotation) <= _union_parts(new.annotation) or (
        old.choices is not None and "str" in _union_parts(new.annotation)
    )
    kind, impact = ("widened", NON_BREAKING) if widened else ("retyped", BREAKING)
    return [Change(impact, subject, name, kind, old.annotation, new.annotation)]


def _parameter_changes(
    old: ParamPlan, new: ParamPlan, old_default: Any, new_default: Any
) -> list[Change]:
    subject, name = _parameter_subject(new), new.json_name
    changes = []
    if old.name != new.name:
        changes.append(Change(BREAKING, subject, name, "renamed in Python", old.name, new.name))
    if old.location != new.location:
        positional = "path" in (old.location, new.location)
        impact = BREAKING if positional else NON_BREAKING
        changes.append(Change(impact, subject, name, "moved", old.location, new.location))
    if old.required != new.required:
        if new.required:
            changes.append(Change(BREAKING, subject, name, "became required"))
        else:
            changes.append(Change(NON_BREAKING, subject, name, "became optional"))
    changes += _parameter_type_changes(old, new)
    if old_default != new_default:
        changes.append(
            Change(
                NON_BREAKING,
                subject,
                name,
                "TMDB's default changed",
                json.dumps(old_default),
                json.dumps(new_default),
            )
        )
    return changes


def _operation_changes(
    key: str, old: OperationPlan, new: OperationPlan, base: Surface, upstream: Surface
) -> list[Change]:
    changes = []
    if _method_name(old) != _method_name(new):
        changes.append(
            Change(BREAKING, "method", "", "renamed", _method_name(old), _method_name(new))
        )
    old_returns = f"SyncPage[{old.return_annotation}]" if old.paginated else old.return_annotation
    new_returns = f"SyncPage[{new.return_annotation}]" if new.paginated else new.return_annotation
    if old_returns != new_returns:
        changes.append(Change(BREAKING, "response", "", "retyped", old_returns, new_returns))
    old_params = {p.json_name: p for p in old.params}
    new_params = {p.json_name: p for p in new.params}
    for name, param in old_params.items():
        if name not in new_params:
            changes.append(Change(BREAKING, _parameter_subject(param), name, "removed"))
    for name, param in new_params.items():
        if name not in old_params:
            kind = "added, required" if param.required else "added, optional"
            impact = BREAKING if param.required else NON_BREAKING
            subject = _parameter_subject(param)
            changes.append(Change(impact, subject, name, kind, None, param.annotation))
            continue
        changes += _parameter_changes(
            old_params[name],
            param,
            base.defaults.get((key, name)),
            upstream.defaults.get((key, name)),
        )
    return changes


def _field_changes(old: ModelPlan, new: ModelPlan) -> list[Change]:
    changes = []
    if old.tag != new.tag:
        changes.append(Change(BREAKING, "tag", "", "changed", str(old.tag), str(new.tag)))
    old_fields = {f.json_name: f for f in old.fields}
    new_fields = {f.json_name: f for f in new.fields}
    for name, item in old_fields.items():
        if name not in new_fields:
            changes.append(Change(BREAKING, "field", name, "removed", item.annotation))
    for name, item in new_fields.items():
        before = old_fields.get(name)
        if before is None:
            changes.append(Change(NON_BREAKING, "field", name, "added", None, item.annotation))
            continue
        if before.name != item.name:
            changes.append(
                Change(BREAKING, "field", name, "renamed in Python", before.name, item.name)
            )
        if before.annotation != item.annotation:
            old_parts, new_parts = _union_parts(before.annotation), _union_parts(item.annotation)
            if old_parts - {"None"} == new_parts - {"None"}:
                nullable = "None" in new_parts
                kind = "became nullable" if nullable else "no longer nullable"
                if before.default is None and nullable:
                    kind = "became optional"  # a plain field the evidence no longer promises
                elif item.default is None and not nullable:
                    kind = "became plain"
                impact = BREAKING if nullable else NON_BREAKING
            elif new_parts <= old_parts:
                kind, impact = "narrowed", NON_BREAKING
            else:
                kind, impact = "retyped", BREAKING
            changes.append(Change(impact, "field", name, kind, before.annotation, item.annotation))
        elif before.default != item.default:
            changes.append(
                Change(NON_BREAKING, "field", name, "default changed", before.default, item.default)
            )
    return changes


def _union_changes(old: UnionPlan, new: UnionPlan) -> list[Change]:
    removed = [m for m in old.members if m not in new.members]
    added = [m for m in new.members if m not in old.members]
    changes = [Change(BREAKING, "member", m, "removed") for m in removed]
    return changes + [Change(NON_BREAKING, "member", m, "added") for m in added]


def _model_drift(
    name: str, kind: str, sources: Iterable[str], methods: dict[str, str], changes: list[Change]
) -> ModelDrift:
    keys = sorted(set(sources))
    return ModelDrift(name, kind, keys, sorted({methods[k] for k in keys if k in methods}), changes)


def _union_sources(plan: Plan) -> dict[str, list[str]]:
    """A union is used wherever its members are."""
    sources = {m.name: m.sources for m in plan.models}
    return {
        u.name: sorted({s for member in u.members for s in sources.get(member, [])})
        for u in plan.unions
    }


def compare_surfaces(
    base: Surface, upstream: Surface
) -> tuple[list[OperationDrift], list[ModelDrift]]:
    """The SDK changes between two planned documents, per operation and per model."""
    old_ops, new_ops = base.operations(), upstream.operations()
    operations = []
    for key in sorted(old_ops.keys() | new_ops.keys()):
        if key not in new_ops:
            method = _method_name(old_ops[key])
            changes = [Change(BREAKING, "operation", "", "removed")]
        elif key not in old_ops:
            method = _method_name(new_ops[key])
            returns = new_ops[key].return_annotation
            changes = [Change(NON_BREAKING, "operation", "", "added", None, f"returns {returns}")]
        else:
            method = _method_name(new_ops[key])
            changes = _operation_changes(key, old_ops[key], new_ops[key], base, upstream)
        if changes:
            operations.append(OperationDrift(key, method, changes))

    methods = base.method_names() | upstream.method_names()
    old_models = {m.name: m for m in base.plan.models}
    new_models = {m.name: m for m in upstream.plan.models}
    models = []
    for name in sorted(old_models.keys() | new_models.keys()):
        old, new = old_models.get(name), new_models.get(name)
        if new is None:
            assert old is not None
            changes = [Change(BREAKING, "model", "", "removed")]
        elif old is None:
            fields = "fields: " + ", ".join(f.json_name for f in new.fields)
            changes = [Change(NON_BREAKING, "model", "", "added", None, fields)]
        else:
            changes = _field_changes(old, new)
        if changes:
            sources = (old.sources if old else []) + (new.sources if new else [])
            models.append(_model_drift(name, "model", sources, methods, changes))

    old_unions = {u.name: u for u in base.plan.unions}
    new_unions = {u.name: u for u in upstream.plan.unions}
    old_union_sources, new_union_sources = _union_sources(base.plan), _union_sources(upstream.plan)
    for name in sorted(old_unions.keys() | new_unions.keys()):
        if name not in new_unions:
            changes = [Change(BREAKING, "union", "", "removed")]
        elif name not in old_unions:
            members = "of " + ", ".join(new_unions[name].members)
            changes = [Change(NON_BREAKING, "union", "", "added", None, members)]
        else:
            changes = _union_changes(old_unions[name], new_unions[name])
        if changes:
            sources = old_union_sources.get(name, []) + new_union_sources.get(name, [])
            models.append(_model_drift(name, "union", sources, methods, changes))
    return operations, models


def plan_or_explain(
    document: dict[str, Any],
    overrides: Overrides,
    source: Source,
    observations: dict[str, Any] | None,
) -> Surface:
    """Plan ``document`` as ``plan_surface`` does; a failure says which side and what to update."""
    try:
        return plan_surface(document, overrides, observations)
    except (KeyError, ValueError, TypeError, NamingError, OverridesError) as exc:
        raise SpecError(
            f"the generator cannot plan {source.label} ({type(exc).__name__}: {exc}); "
            "an entry of openapi/overrides.yaml or a naming rule needs updating"
        ) from exc
