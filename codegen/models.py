"""Hoist the healed inline schemas into named, deduplicated msgspec Structs.

Two passes. ``register`` walks every response schema, names each object node (from the operation at
the root, from the property key below it, from ``media_type`` in unions) and merges every occurrence
of a name into one schema. ``build`` then turns each merged schema into a ``ModelPlan`` and folds
models whose fields came out identical into one class, so the same entity has one name everywhere.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from .evidence import pooled_present
from .ir import FieldPlan, ModelPlan, UnionPlan
from .naming import pascal, python_identifier, singular, words
from .overrides import Overrides, OverridesError
from .schema import Schema, base_type, is_nullable, merge_schemas

TAG_ENTITY = {
    "movie": "Movie",
    "tv": "TvSeries",
    "person": "Person",
    "episode": "TvEpisode",
    "tv_episode": "TvEpisode",
    "tv_season": "TvSeason",
}
GENERIC_KEYS = {"results", "items", "data"}
PAGE_KEYS = {"page", "results", "total_pages", "total_results"}
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
# What a value TMDB documents as any JSON at all is (change history values): a typed union, which
# makes users check the kind, where ``Any`` would let any use pass.
ANY_JSON = "str | int | float | bool | list[object] | dict[str, object]"
# String formats planned as Python dates (``codegen/dates.py`` decides which strings have them).
DATE_TYPES = {"date": "datetime.date", "date-time": "datetime.datetime"}
# Below this share of common keys, two schemas given one name are different things.
SAME_ENTITY_OVERLAP = 0.5


def is_page_schema(schema: Schema) -> bool:
    """Tell whether a response is one of TMDB's ``{page, results, total_pages, ...}`` pages."""
    return set(schema.get("properties", {})) >= PAGE_KEYS


def _overlap(left: Schema, right: Schema) -> float:
    a, b = set(left.get("properties", {})), set(right.get("properties", {}))
    return len(a & b) / len(a | b) if a | b else 1.0


@dataclass
class ModelPlanner:
    """Collects named object schemas over all operations, then plans the Structs."""

    overrides: Overrides
    schemas: dict[str, Schema] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    unions: dict[str, list[str]] = field(default_factory=dict)
    child_names: dict[tuple[str, str], str] = field(default_factory=dict)
    root_topics: dict[str, str] = field(default_factory=dict)
    ref_names: dict[tuple[str, str], str] = field(default_factory=dict)
    # (name, id of the schema node) merged so far; the healed document outlives the planner.
    _registered: set[tuple[str, int]] = field(default_factory=set)

    # --- pass 1: naming and merging ---------------------------------------------------------

    def register_root(
        self, where: str, name: str, topic: str, schema: Schema, entity: str = ""
    ) -> str:
        """Register an operation's response under ``name``; return its annotation."""
        entry = self.overrides.find("model_names", where)
        if entry is not None:
            name = str(entry.data["name"])
        self.root_topics.setdefault(name, topic)
        self._entity = entity
        return self._annotation_for(schema, where, "", lambda: name, parent=None)

    _entity: str = ""

    def canonical(self, name: str) -> str:
        """Apply a ``rename`` override: several names a rule produced become one entity."""
        entry = self.overrides.find("model_names", f"rename {name}")
        return str(entry.data["name"]) if entry is not None else name

    def _register_object(self, name: str, schema: Schema, where: str, tag: str | None) -> str:
        name = self.canonical(name)
        if (name, id(schema)) in self._registered:
            # A page's items come twice, as the listing and under ``results``: their evidence
            # (``x-support``) must be counted once.
            return name
        existing = self.schemas.get(name)
        known_tag = self.tags.get(name)
        # A union variant is identified by its tag; other objects by sharing enough fields.
        if existing is not None and (
            (tag is None and _overlap(existing, schema) < SAME_ENTITY_OVERLAP)
            or (tag is not None and known_tag is not None and tag != known_tag)
        ):
            raise _CollisionError(name)
        self.schemas[name] = merge_schemas(existing, schema) if existing else schema
        self._registered.add((name, id(schema)))
        self.sources.setdefault(name, [])
        if where not in self.sources[name]:
            self.sources[name].append(where)
        if tag is not None:
            self.tags[name] = tag
        for key, sub in schema.get("properties", {}).items():
            if tag is not None and key == "media_type":
                continue
            self._annotation_for(sub, where, key, partial(self._child_name, name, key), name)
        return name

    def _annotation_for(
        self,
        schema: Schema,
        where: str,
        key: str,
        namer: Callable[[], str],
        parent: str | None,
    ) -> str:
        """Register what ``schema`` contains and return its Python annotation."""
        kind = base_type(schema)
        if "oneOf" in schema:
            alias = self._register_union(schema, where, namer())
            if parent is not None:
                self.ref_names.setdefault((parent, key), alias)
            return alias
        if kind == "array":
            inner = self._annotation_for(schema.get("items", {}), where, key, namer, parent)
            return f"list[{inner}]"
        if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
            value = self._annotation_for(schema["additionalProperties"], where, key, namer, parent)
            return f"dict[str, {value}]"
        if kind == "object" and schema.get("properties"):
            name = namer()
            try:
                registered = self._register_object(name, schema, where, None)
            except _CollisionError:
                pass
            else:
                if parent is not None:
                    self.ref_names.setdefault((parent, key), registered)
                return registered
            for alternative in (f"{self._entity}{name}", f"{parent or ''}{name}", f"{name}Data"):
                try:
                    registered = self._register_object(alternative, schema, where, None)
                except _CollisionError:
                    continue
                if parent is not None:
                    self.child_names[(parent, key)] = registered
                    self.ref_names.setdefault((parent, key), registered)
                return registered
            raise ValueError(f"cannot find a free name for {name} at {where}: add an override")
        if kind == "object":
            return "dict[str, Any]"
        return self._scalar(schema)

    def _scalar(self, schema: Schema) -> str:
        kind = base_type(schema)
        if schema.get("x-any-json"):
            return ANY_JSON
        if kind is None:
            return "Any"
        if kind == "string" and schema.get("format") in DATE_TYPES:
            return _with_alternatives(DATE_TYPES[schema["format"]], schema)
        return _with_alternatives(SCALARS[kind], schema)

    def _register_union(self, schema: Schema, where: str, base: str) -> str:
        members = []
        for variant in schema["oneOf"]:
            tag = str(variant["properties"]["media_type"]["enum"][0])
            entity = TAG_ENTITY.get(tag, pascal(tag))
            name = base if base.startswith(entity) else f"{entity}{base}"
            members.append(self._register_object(name, variant, where, tag))
        if len(members) == 1:
            return members[0]
        alias = self._union_name(base, members)
        self.unions[alias] = members
        return alias

    def _union_name(self, base: str, members: list[str]) -> str:
        entry = self.overrides.find("model_names", f"union {' | '.join(members)}")
        if entry is not None:
            return str(entry.data["name"])
        if len(members) >= 3:
            return f"Media{base}"
        return "Or".join(m[: -len(base)] for m in members) + base

    def _child_name(self, parent: str, key: str) -> str:
        known = self.child_names.get((parent, key))
        if known is not None:
            return known
        name = self._name_for_key(parent, key)
        self.child_names[(parent, key)] = name
        return name

    def _name_for_key(self, parent: str, key: str) -> str:
        entry = self.overrides.find("model_names", f"{parent}.{key}")
        if entry is None:
            entry = self.overrides.find("model_names", f"key {key}")
        if entry is not None:
            return str(entry.data["name"])
        if key in GENERIC_KEYS:
            topic = self.root_topics.get(parent)
            # Under a response root, "results" lists what the endpoint is about (videos -> Video);
            # deeper down, the parent names it (a change's "items" are ChangeItems).
            return pascal(singular(topic)) if topic else f"{parent}{pascal(singular(key))}"
        return pascal(singular(key))

    def set_child_name(self, parent: str, key: str, name: str) -> None:
        """Fix the name of a child (pages name their items from the listing, not the key)."""
        entry = self.overrides.find("model_names", f"{parent}.{key}")
        # Keyed by the name the parent ends up with (a ``rename`` override may change it).
        self.child_names[(self.canonical(parent), key)] = str(entry.data["name"]) if entry else name

    # --- pass 2: plans ----------------------------------------------------------------------

    def build(self) -> tuple[list[ModelPlan], list[UnionPlan], dict[str, str]]:
        """Plan every Struct and union; return them and the renames applied while folding."""
        models = {name: self._plan_model(name) for name in sorted(self.schemas)}
        unions = {name: list(members) for name, members in self.unions.items()}
        renames = self._fold_identical(models, unions)
        apply_field_overrides(models, self.overrides)
        for model in models.values():
            model.sources = list(self.sources[model.name])
            model.doc = self._doc(model.name)
        union_plans = [
            UnionPlan(name, _union_doc(members), members)
            for name, members in sorted(unions.items())
        ]
        return [models[n] for n in sorted(models)], union_plans, renames

    def _plan_model(self, name: str) -> ModelPlan:
        schema = self.schemas[name]
        tag = self.tags.get(name)
        fields = []
        is_page = is_page_schema(schema)
        present = set(pooled_present(schema))
        for key, sub in schema.get("properties", {}).items():
            if tag is not None and key == "media_type":
                continue
            annotation = self._field_annotation(name, key, sub)
            if is_page and key in ("page", "total_pages", "total_results"):
                fields.append(FieldPlan(python_identifier(key), key, "int", None))
                continue
            kind = base_type(sub)
            if key in present and kind != "array":
                # Real responses always carry it, never null (codegen/evidence.py): a plain field.
                fields.append(FieldPlan(python_identifier(key), key, annotation, None))
                continue
            if kind in ("array", "object") and "oneOf" not in sub and not is_nullable(sub):
                container_default = "[]" if kind == "array" else "{}"
                if kind == "object" and not sub.get("additionalProperties"):
                    fields.append(
                        FieldPlan(python_identifier(key), key, f"{annotation} | None", "None")
                    )
                else:
                    fields.append(
                        FieldPlan(python_identifier(key), key, annotation, container_default)
                    )
            else:
                optional = annotation if annotation.endswith("| None") else f"{annotation} | None"
                fields.append(FieldPlan(python_identifier(key), key, optional, "None"))
        return ModelPlan(
            name=name,
            doc="",
            fields=fields,
            tag_field="media_type" if tag else None,
            tag=tag,
            sources=list(self.sources[name]),
        )

    def _doc(self, name: str) -> str:
        sources = self.sources[name]
        used = ", ".join(f"``{s}``" for s in sources[:3])
        more = len(sources) - 3
        where = f"Returned by {used}" + (f" and {more} more endpoints." if more > 0 else ".")
        lines = [f"{words(name).capitalize()}.", "", *textwrap.wrap(where, 90)]
        return "\n    ".join(lines).replace("\n    \n", "\n\n") + "\n    "

    def _field_annotation(self, parent: str, key: str, schema: Schema) -> str:
        kind = base_type(schema)
        if "oneOf" in schema:
            return self.ref_names[(parent, key)]
        if kind == "array":
            items = schema.get("items", {})
            inner = _or_none(self._field_annotation(parent, key, items), items)
            return _with_alternatives(f"list[{inner}]", schema)
        if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
            values = schema["additionalProperties"]
            inner = _or_none(self._field_annotation(parent, key, values), values)
            return _with_alternatives(f"dict[str, {inner}]", schema)
        if kind == "object" and schema.get("properties"):
            return _with_alternatives(self.ref_names[(parent, key)], schema)
        if kind == "object":
            return _with_alternatives("dict[str, Any]", schema)
        return self._scalar(schema)

    def _fold_identical(
        self, models: dict[str, ModelPlan], unions: dict[str, list[str]]
    ) -> dict[str, str]:
        """Merge Structs whose fields came out identical, until nothing changes."""
        renames: dict[str, str] = {}
        while True:
            by_shape: dict[tuple[object, ...], list[str]] = {}
            for name, model in models.items():
                shape = (
                    model.tag,
                    tuple((f.json_name, f.annotation, f.default) for f in model.fields),
                )
                by_shape.setdefault(shape, []).append(name)
            step: dict[str, str] = {}
            for names in by_shape.values():
                topics = {self.root_topics.get(n) for n in names}
                if len(names) < 2 or len(topics) != 1 or None in topics:
                    continue
                # MovieVideos, TvSeriesVideos and TvSeasonVideos are one thing: Videos.
                shared = pascal(str(topics.pop()))
                claimed = shared in step.values() or (shared in models and shared not in names)
                if claimed:
                    continue
                self.root_topics[shared] = self.root_topics[names[0]]
                self.sources.setdefault(shared, [])
                step.update({n: shared for n in names if n != shared})
            if not step:
                return renames
            for old, new in step.items():
                self.sources[new] += [s for s in self.sources[old] if s not in self.sources[new]]
            self._rename(models, unions, step)
            renames = {k: step.get(v, v) for k, v in renames.items()} | step

    def _rename(
        self, models: dict[str, ModelPlan], unions: dict[str, list[str]], step: dict[str, str]
    ) -> None:
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, step)) + r")\b")
        for old, new in step.items():
            model = models.pop(old)
            if new not in models:
                model.name = new
                models[new] = model
        for model in models.values():
            for item in model.fields:
                item.annotation = pattern.sub(lambda m: step[m.group(1)], item.annotation)
        for name, members in unions.items():
            unions[name] = list(dict.fromkeys(step.get(m, m) for m in members))


# What a JSON kind the examples showed besides the documented one becomes in a union. The other
# kind's structure was not kept, so containers stay untyped; msgspec allows one of each kind.
CONFLICT_ANNOTATIONS = {**SCALARS, "object": "dict[str, Any]", "array": "list[Any]"}


# The names a ``fields:`` override's ``type`` may use besides the generated models.
ANNOTATION_NAMES = {"str", "int", "float", "bool", "list", "dict", "object", "None", "datetime"}


def apply_field_overrides(models: dict[str, ModelPlan], overrides: Overrides) -> None:
    """Apply the ``fields:`` overrides: force a field plain or optional, or give it a type.

    Each entry is ``at: Model.json_key`` with ``plain: true`` (no default: the key is always
    sent, never null), ``plain: false`` (``X | None = None``) and/or ``type:`` (the Python
    annotation, without ``| None``). Model names are the final ones, after folding.
    """
    for entry in overrides.entries("fields"):
        model_name, _, key = entry.at.partition(".")
        model = models.get(model_name)
        field_plan = next((f for f in model.fields if f.json_name == key), None) if model else None
        if field_plan is None:
            continue  # reported as an override that matches nothing
        plain = entry.data.get("plain")
        annotation = entry.data.get("type")
        if (plain is None and annotation is None) or not isinstance(plain, (bool, type(None))):
            raise OverridesError(f"{entry.label()}: give plain: true/false and/or type: ...")
        if annotation is not None:
            names = set(re.findall(r"[A-Za-z_]\w*", str(annotation)))
            unknown = names - ANNOTATION_NAMES - set(models) - {"date"}
            if unknown:
                raise OverridesError(f"{entry.label()}: type names unknown {sorted(unknown)}")
        entry.used = True
        base = str(annotation) if annotation is not None else _without_none(field_plan.annotation)
        optional = field_plan.default is not None if plain is None else not plain
        if not optional:
            field_plan.annotation, field_plan.default = base, None
        elif base.startswith(("list[", "dict[")) and field_plan.default in ("[]", "{}"):
            field_plan.annotation = base
        else:
            field_plan.annotation, field_plan.default = f"{base} | None", "None"


def field_counts(models: list[ModelPlan]) -> dict[str, int]:
    """How many model fields are plain, optional, typed ``Any``, and dates or timestamps."""
    fields = [f for model in models for f in model.fields]
    return {
        "plain": sum(f.default is None for f in fields),
        "optional": sum(f.default is not None for f in fields),
        "Any": sum(bool(re.search(r"\bAny\b", f.annotation)) for f in fields),
        "dates": sum("datetime." in f.annotation for f in fields),
    }


def _without_none(annotation: str) -> str:
    return " | ".join(part for part in annotation.split(" | ") if part != "None")


def _union_doc(members: list[str]) -> str:
    """The docstring of a union alias, wrapped to the line length."""
    text = f"Any of {', '.join(members)}, told apart by ``media_type``."
    return "\n".join(textwrap.wrap(text, 90)) + ("\n" if len(text) > 90 else "")


def _with_alternatives(annotation: str, schema: Schema) -> str:
    """Add the kinds recorded as conflicting evidence (``x-conflicting-types``) to a union."""
    kind = base_type(schema)
    names = [annotation]
    for other in schema.get("x-conflicting-types", []):
        alternative = CONFLICT_ANNOTATIONS.get(other)
        if alternative is not None and other != kind and alternative not in names:
            names.append(alternative)
    return " | ".join(names)


def _or_none(annotation: str, schema: Schema) -> str:
    """Admit null in a list item or map value the examples showed as null."""
    if not is_nullable(schema) or annotation == "Any" or "None" in annotation.split(" | "):
        return annotation
    return f"{annotation} | None"


class _CollisionError(Exception):
    """Two different shapes were given one name."""
