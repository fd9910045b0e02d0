"""Compare two TMDB documents and report what changes for the SDK's users.

``python -m codegen drift`` compares a base document (default: the pinned one, verified against
its sha256) with an upstream one (default: the pinned URL, downloaded) in two ways:

1. **The SDK surface.** Both documents are healed and planned exactly as ``generate`` does, and
   the plans are compared: operations (by HTTP method and path, with their Python method names),
   their parameters and request body fields, their response types, and every model and union with
   its fields. This is what would change in the generated SDK.
2. **The raw documents.** Both are walked side by side. Differences under ``description``,
   ``summary``, ``example``, ``examples``, ``title`` or ``externalDocs`` (and in ``info``) are
   documentation-only: counted, and listed only on request. Other differences are *absorbed by
   healing* when the two healed documents agree at that location (a ``default: null`` healing
   drops, new keys of a country map, fields a union variant already had from the examples), and
   *without effect* when they survive healing but the operation's method and models come out the
   same (or lie in parts of the document the generator does not read, such as ``servers``).
   The rest are what caused the SDK changes of their operation.

Operations are labelled ``GET /3/movie/{movie_id}`` -> ``movies.details``. A model is shared by
the operations that return it, so its field changes are reported once, under the model, with the
operations that use it.

Every SDK change is classified for SDK users:

- **breaking**: an operation removed; a method renamed; a response type changed; a parameter or
  body field removed, renamed, become required, added as required, retyped to a narrower type, or
  moved to or from the path (positional <-> keyword); an enum value removed; a model or union
  removed; a response field removed, renamed, become nullable or optional (``str`` ->
  ``str | None = None``) or retyped (including ``Any`` becoming
  a Struct: code that indexed a dict breaks); a union losing a member; a tagged model's tag changed.
- **non-breaking**: an operation, model, union or response field added; an optional parameter or
  body field added; a parameter become optional, widened (``int`` -> ``int | str``, an enum ->
  ``str``) or moved between query and body (both are keyword arguments); an enum value added;
  TMDB's documented default of a parameter changed (the SDK sends nothing when a parameter is
  omitted, so this is TMDB's behaviour, shown in the docstring); a response field no longer
  nullable or become plain, narrowed, or with a new default; a union gaining a member (as an
  enum value would).

The report's exit status for the command line: 0 when the upstream bytes are the base's, 1 when
they differ (even in formatting only: the pin must follow, or ``fetch`` fails), 2 on an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .heal import HTTP_METHODS, heal_document, iter_operations, operation_key
from .ir import ModelPlan, OperationPlan, ParamPlan, Plan, UnionPlan
from .names import NamingError
from .observe import OBSERVATIONS, load_observations
from .overrides import Overrides, OverridesError, load_overrides
from .plan import SKIPPED_PARAMETER_LOCATIONS, build_plan
from .spec import (
    SpecError,
    load_document,
    parse_document,
    read_bytes,
    read_pin,
    sha256_hex,
)

BREAKING = "breaking"
NON_BREAKING = "non-breaking"
IMPACTS = (BREAKING, NON_BREAKING)
# Subjects whose change detail is prose (a list of fields or members), not a name or a type.
PROSE_DETAILS = frozenset({"operation", "model", "union"})

# Keywords whose whole subtree is documentation (at a keyword position, not as a property name).
DOC_KEYWORDS = frozenset({"description", "summary", "example", "examples", "title", "externalDocs"})
# Top-level members that only describe the document.
DOC_TOP_LEVEL = frozenset({"info", "externalDocs", "tags"})
# Mappings whose keys are names (properties, status codes, media types), never keywords.
NAME_MAPS = frozenset(
    {"properties", "patternProperties", "responses", "content", "headers", "$defs", "schemas"}
)
DOCUMENT = "document"
# How many absorbed differences per operation, and users per model, the reports show.
SHOWN_DIFFERENCES = 3
SHOWN_USERS = 4


# --- the report ----------------------------------------------------------------------------------


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _mark(text: str, code: bool) -> str:
    """Markdown code for names, types and values; bare in plain text."""
    return f"`{text}`" if code else text


@dataclass(frozen=True)
class Change:
    """One change to the SDK surface, classified for SDK users."""

    impact: str  # BREAKING or NON_BREAKING
    subject: str  # "operation", "method", "response", "query parameter", "body field", "field"...
    name: str  # the parameter, field, model or union concerned ("" for the operation itself)
    kind: str  # "added", "removed", "retyped", "values removed", "became nullable"...
    before: str | None = None
    after: str | None = None

    def describe(self, *, code: bool = True) -> str:
        """One line, such as "query parameter `language` added, optional: `str`".

        ``code`` marks names and types as Markdown code; plain text leaves them bare.
        """
        subject = f"{self.subject} {_mark(self.name, code)}" if self.name else self.subject
        if self.before is not None and self.after is not None:
            return f"{subject} {self.kind}: {_mark(self.before, code)} -> {_mark(self.after, code)}"
        shown = self.after if self.after is not None else self.before
        if shown is None:
            return f"{subject} {self.kind}"
        if self.subject in PROSE_DETAILS:
            return f"{subject} {self.kind} ({shown})"
        return f"{subject} {self.kind}: {_mark(shown, code)}"


@dataclass
class OperationDrift:
    """The changes to one operation's method."""

    key: str  # "GET /3/movie/{movie_id}"
    method: str  # "movies.details"
    changes: list[Change]

    def label(self, *, code: bool = True) -> str:
        """``GET /3/movie/{movie_id}`` -> ``movies.details``."""
        return f"{_mark(self.key, code)} -> {_mark(self.method, code)}"


@dataclass
class ModelDrift:
    """The changes to one model or union, shared by the operations that use it."""

    name: str
    kind: str  # "model" or "union"
    operations: list[str]  # keys of the operations whose responses contain it
    used_by: list[str]  # their SDK method names
    changes: list[Change]

    def label(self, *, code: bool = True) -> str:
        """``model MovieDetails (used by movies.details, movies.latest)``."""
        used = ", ".join(_mark(m, code) for m in self.used_by[:SHOWN_USERS])
        more = len(self.used_by) - SHOWN_USERS
        used += f" and {more} more" if more > 0 else ""
        return f"{self.kind} {_mark(self.name, code)}" + (f" (used by {used})" if used else "")


@dataclass(frozen=True)
class RawDifference:
    """One difference between the raw documents, located within an operation."""

    where: str  # "GET /3/movie/{movie_id}", a path, or "document"
    path: str  # "responses/200/application/json/schema.results[].name"
    kind: str  # "added", "removed" or "changed"
    documentation: bool
    pointer: tuple[str, ...] = field(default=(), compare=False, repr=False)  # from the root

    def describe(self) -> str:
        """``responses/200/.../schema.name added``."""
        return f"{self.path} {self.kind}"


@dataclass
class Absorbed:
    """Upstream differences in one operation (or document part) that leave the SDK as it was."""

    where: str
    method: str  # SDK method name, or "" for document-level differences
    by_healing: list[RawDifference] = field(default_factory=list)  # the healed documents agree
    without_effect: list[RawDifference] = field(default_factory=list)  # the plan is the same

    def label(self, *, code: bool = True) -> str:
        """``GET /3/search/multi`` -> ``search.multi``, or the document part."""
        where = _mark(self.where, code)
        return f"{where} -> {_mark(self.method, code)}" if self.method else where


@dataclass(frozen=True)
class Source:
    """Which document one side of the comparison is."""

    label: str
    sha256: str


@dataclass
class DriftReport:
    """Everything ``drift`` found, in the order the reports print it."""

    base: Source
    upstream: Source
    operations: list[OperationDrift] = field(default_factory=list)
    models: list[ModelDrift] = field(default_factory=list)
    absorbed: list[Absorbed] = field(default_factory=list)
    documentation: list[RawDifference] = field(default_factory=list)
    stale_overrides: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the upstream document is not byte-identical to the base."""
        return self.base.sha256 != self.upstream.sha256

    def changes(self, impact: str | None = None) -> list[Change]:
        """Every SDK change (of one impact, if given), operations first, then models."""
        found = [c for group in self.groups() for c in group.changes]
        return [c for c in found if impact is None or c.impact == impact]

    def groups(self) -> list[OperationDrift | ModelDrift]:
        """Operations, then models and unions: each with its changes."""
        return [*self.operations, *self.models]

    def counts(self) -> dict[str, int]:
        """The numbers the summary line states."""
        return {
            BREAKING: len(self.changes(BREAKING)),
            NON_BREAKING: len(self.changes(NON_BREAKING)),
            "operations": len(self.operations),
            "models": len(self.models),
            "absorbed": len(self.absorbed),
            "documentation": len(self.documentation),
        }

    def summary(self) -> str:
        """One sentence: how much changed, by class."""
        if not self.changed:
            return f"No change: the upstream document is the base document ({self.base.sha256})."
        counts = self.counts()
        sdk = _plural(counts[NON_BREAKING], "non-breaking SDK change")
        operations = _plural(counts["operations"], "operation")
        models = _plural(counts["models"], "model or union", "models or unions")
        absorbed = _plural(
            counts["absorbed"], "operation or document part", "operations or document parts"
        )
        documentation = _plural(counts["documentation"], "change")
        parts = [
            f"{counts[BREAKING]} breaking and {sdk} ({operations}, {models})",
            f"{absorbed} changed upstream in ways the generator absorbs",
            f"{documentation} to descriptions, summaries or examples only",
        ]
        if not any(counts.values()):
            parts = ["the documents differ only in formatting; the pin must still follow"]
        return "Upstream changed: " + "; ".join(parts) + "."


# --- the SDK surface -----------------------------------------------------------------------------


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


# --- the raw documents ---------------------------------------------------------------------------


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


_MISSING = object()


def _resolve(document: Any, pointer: tuple[str, ...]) -> Any:
    """The node at ``pointer`` (as ``_walk`` spells it), or ``_MISSING``."""
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


# --- putting it together -------------------------------------------------------------------------


def _plan_or_explain(
    document: dict[str, Any],
    overrides: Overrides,
    source: Source,
    observations: dict[str, Any] | None,
) -> Surface:
    try:
        return plan_surface(document, overrides, observations)
    except (KeyError, ValueError, TypeError, NamingError, OverridesError) as exc:
        raise SpecError(
            f"the generator cannot plan {source.label} ({type(exc).__name__}: {exc}); "
            "an entry of openapi/overrides.yaml or a naming rule needs updating"
        ) from exc


def compare_documents(
    base: dict[str, Any],
    upstream: dict[str, Any],
    *,
    base_source: Source,
    upstream_source: Source,
    overrides: Callable[[], Overrides] = load_overrides,
    observations: dict[str, Any] | None = None,
) -> DriftReport:
    """Compare two parsed documents; ``overrides`` loads a fresh set for each (they record use).

    Both are healed with the same ``observations`` (default: the committed real-response facts),
    as ``generate`` heals the pinned one.

    A structural raw difference is absorbed *by healing* when the healed documents agree at its
    location; one that survives healing is absorbed *without effect* when its operation's method
    and models came out unchanged (or when it lies outside the operations); otherwise it is what
    caused the SDK changes reported for that operation.
    """
    old = _plan_or_explain(base, overrides(), base_source, observations)
    new = _plan_or_explain(upstream, overrides(), upstream_source, observations)
    operations, models = compare_surfaces(old, new)
    report = DriftReport(base_source, upstream_source, operations, models)
    report.stale_overrides = [s for s in new.stale_overrides if s not in old.stale_overrides]
    touched = {op.key for op in operations} | {key for model in models for key in model.operations}
    methods = old.method_names() | new.method_names()
    absorbed: dict[str, Absorbed] = {}
    for difference in raw_differences(base, upstream):
        if difference.documentation:
            report.documentation.append(difference)
            continue
        entry = absorbed.setdefault(
            difference.where, Absorbed(difference.where, methods.get(difference.where, ""))
        )
        if _resolve(old.healed, difference.pointer) == _resolve(new.healed, difference.pointer):
            entry.by_healing.append(difference)
        elif difference.where not in touched:
            entry.without_effect.append(difference)
    report.absorbed = [
        entry for _, entry in sorted(absorbed.items()) if entry.by_healing or entry.without_effect
    ]
    return report


def read_document(source: str | Path) -> tuple[dict[str, Any], Source, bytes]:
    """Read and parse one document from a path or URL."""
    data = read_bytes(source)
    document = parse_document(data, source=str(source))
    return document, Source(str(source), sha256_hex(data)), data


def read_pinned() -> tuple[dict[str, Any], Source]:
    """Read the pinned document, verified against the pin's sha256."""
    pin = read_pin()
    return load_document(), Source(f"{pin.filename} (pinned)", pin.sha256)


def drift(
    base: str | Path | None = None,
    upstream: str | None = None,
    *,
    save_upstream: Path | None = None,
) -> DriftReport:
    """Compare ``base`` (default: the pinned document) with ``upstream`` (default: the pinned URL).

    ``save_upstream`` keeps a copy of the upstream bytes, for ``update --spec`` to pin afterwards.
    """
    if base is None:
        base_document, base_source = read_pinned()
    else:
        base_document, base_source, _ = read_document(base)
    upstream_document, upstream_source, data = read_document(upstream or read_pin().url)
    if save_upstream is not None:
        save_upstream.parent.mkdir(parents=True, exist_ok=True)
        save_upstream.write_bytes(data)
    if upstream_source.sha256 == base_source.sha256:
        return DriftReport(base_source, upstream_source)  # the same bytes: nothing to plan
    return compare_documents(
        base_document, upstream_document, base_source=base_source, upstream_source=upstream_source
    )


# --- rendering -----------------------------------------------------------------------------------


def _grouped(
    report: DriftReport, impact: str
) -> list[tuple[OperationDrift | ModelDrift, list[Change]]]:
    """(group, changes of ``impact``) per operation, then per model, skipping empty groups."""
    groups: list[tuple[OperationDrift | ModelDrift, list[Change]]] = []
    for group in report.groups():
        changes = [c for c in group.changes if c.impact == impact]
        if changes:
            groups.append((group, changes))
    return groups


def _shown(differences: list[RawDifference], code: bool) -> str:
    shown = "; ".join(_mark(d.describe(), code) for d in differences[:SHOWN_DIFFERENCES])
    more = len(differences) - SHOWN_DIFFERENCES
    return shown + (f" and {more} more" if more > 0 else "")


def _absorbed_line(item: Absorbed, code: bool) -> str:
    parts = []
    if item.by_healing:
        parts.append(f"healing absorbs {_count(item.by_healing)}: {_shown(item.by_healing, code)}")
    if item.without_effect:
        parts.append(
            f"{_count(item.without_effect)} without effect on the generated code: "
            f"{_shown(item.without_effect, code)}"
        )
    return f"{item.label(code=code)}: " + "; ".join(parts)


def _count(differences: list[RawDifference]) -> str:
    return _plural(len(differences), "difference")


def _documentation_by_where(report: DriftReport) -> dict[str, list[RawDifference]]:
    grouped: dict[str, list[RawDifference]] = {}
    for difference in report.documentation:
        grouped.setdefault(difference.where, []).append(difference)
    return grouped


def render_markdown(
    report: DriftReport, *, level: int = 2, show_documentation: bool = False
) -> str:
    """The report as Markdown (a pull request body, a changelog entry): breaking changes first."""
    heading, subheading = "#" * level, "#" * (level + 1)
    lines = [
        report.summary(),
        "",
        f"- base: `{report.base.label}` (sha256 `{report.base.sha256}`)",
        f"- upstream: `{report.upstream.label}` (sha256 `{report.upstream.sha256}`)",
    ]
    titles = {BREAKING: "Breaking changes", NON_BREAKING: "Non-breaking changes"}
    for impact in IMPACTS:
        groups = _grouped(report, impact)
        if not groups:
            continue
        lines += ["", f"{heading} {titles[impact]}"]
        for group, changes in groups:
            lines += ["", f"{subheading} {group.label()}", ""]
            lines += [f"- {c.describe()}" for c in changes]
    if report.absorbed:
        lines += ["", f"{heading} Absorbed by the generator (no change to the SDK)", ""]
        lines += [f"- {_absorbed_line(item, code=True)}" for item in report.absorbed]
    if report.stale_overrides:
        lines += ["", f"{heading} Overrides that no longer match anything", ""]
        lines += [f"- `{label}`" for label in report.stale_overrides]
    if report.documentation:
        lines += ["", f"{heading} Descriptions, summaries and examples", ""]
        if show_documentation:
            for where, differences in _documentation_by_where(report).items():
                lines.append(f"- `{where}`: " + "; ".join(f"`{d.describe()}`" for d in differences))
        else:
            lines.append(
                f"{len(report.documentation)} changes; list them with "
                "`python -m codegen drift --show-docs-changes`."
            )
    return "\n".join(lines) + "\n"


def render_text(report: DriftReport, *, show_documentation: bool = False) -> str:
    """The report for a terminal: the same content as Markdown, without the markup."""
    lines = [
        report.summary(),
        f"  base:     {report.base.label} ({report.base.sha256})",
        f"  upstream: {report.upstream.label} ({report.upstream.sha256})",
    ]
    for impact in IMPACTS:
        for group, changes in _grouped(report, impact):
            lines += ["", f"{impact.upper()}: {group.label(code=False)}"]
            lines += [f"  - {c.describe(code=False)}" for c in changes]
    if report.absorbed:
        lines += ["", "ABSORBED by the generator (no change to the SDK):"]
        lines += [f"  - {_absorbed_line(item, code=False)}" for item in report.absorbed]
    if report.stale_overrides:
        lines += ["", "STALE overrides (match nothing upstream):"]
        lines += [f"  - {label}" for label in report.stale_overrides]
    if report.documentation:
        lines += ["", f"DOCUMENTATION: {len(report.documentation)} changes"]
        if show_documentation:
            for where, differences in _documentation_by_where(report).items():
                lines.append(f"  {where}:")
                lines += [f"    - {d.describe()}" for d in differences]
        else:
            lines[-1] += " (list them with --show-docs-changes)"
    return "\n".join(lines) + "\n"


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "impact": change.impact,
        "subject": change.subject,
        "name": change.name,
        "kind": change.kind,
        "before": change.before,
        "after": change.after,
        "text": change.describe(code=False),
    }


def render_json(report: DriftReport, *, show_documentation: bool = False) -> str:
    """The report as JSON, for tools."""
    data: dict[str, Any] = {
        "changed": report.changed,
        "summary": report.summary(),
        "counts": report.counts(),
        "base": {"label": report.base.label, "sha256": report.base.sha256},
        "upstream": {"label": report.upstream.label, "sha256": report.upstream.sha256},
        "operations": [
            {
                "operation": op.key,
                "method": op.method,
                "changes": [_change_json(c) for c in op.changes],
            }
            for op in report.operations
        ],
        "models": [
            {
                "name": model.name,
                "kind": model.kind,
                "used_by": model.used_by,
                "changes": [_change_json(c) for c in model.changes],
            }
            for model in report.models
        ],
        "absorbed": [
            {
                "where": item.where,
                "method": item.method,
                "by_healing": [{"path": d.path, "kind": d.kind} for d in item.by_healing],
                "without_effect": [{"path": d.path, "kind": d.kind} for d in item.without_effect],
            }
            for item in report.absorbed
        ],
        "stale_overrides": report.stale_overrides,
    }
    if show_documentation:
        data["documentation"] = [
            {"where": d.where, "path": d.path, "kind": d.kind} for d in report.documentation
        ]
    return json.dumps(data, indent=2) + "\n"


RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
