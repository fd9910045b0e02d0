"""Plan the SDK from the healed document: operations, parameters, and named models.

The plan is the only place decisions are made; the templates print it.
"""

from __future__ import annotations

import re
from typing import Any

from .docstrings import UNDESCRIBED, ParameterTable, load_parameter_table, operation_doc
from .heal import iter_operations, operation_key, success_media
from .ir import FieldPlan, ModelPlan, NamespacePlan, OperationPlan, ParamPlan, Plan
from .models import ModelPlanner, is_page_schema
from .names import ENTITY_BY_NAMESPACE, name_operation
from .naming import pascal, python_identifier
from .overrides import Overrides
from .schema import Schema, base_type

# Path words that say what a paginated listing lists, most specific last.
LISTED_ENTITY = {
    "movie": "Movie",
    "movies": "Movie",
    "tv": "TvSeries",
    "episodes": "TvEpisode",
    "person": "Person",
    "collection": "Collection",
    "company": "Company",
    "keyword": "Keyword",
    "lists": "List",
    "reviews": "Review",
    "tagged_images": "TaggedImage",
    "changes": "Changed",
    "all": "Media",
    "multi": "Media",
}
# Listed entities whose list item is the whole entity, not a summary of one.
WHOLE_ENTITIES = {"Keyword", "Review", "TaggedImage"}
STATUS_FIELDS = {"success", "status_code", "status_message"}
SCALAR_PARAM = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
SKIPPED_PARAMETER_LOCATIONS = {"header", "cookie"}
# Query parameters that may also be passed by position, by namespace: the text of a search is what
# every caller passes first (``client.search.movie("Alien")``), as path parameters are.
POSITIONAL_QUERY = {"search": ("query",)}


def _listed_entity(path: str) -> str:
    literals = [s for s in path.split("/") if s and not s.startswith("{")][1:]
    for word in reversed(literals):
        if word in LISTED_ENTITY:
            return LISTED_ENTITY[word]
    raise ValueError(f"cannot tell what {path} lists")


def _item_name(listed: str, item_schema: Schema) -> str:
    if "oneOf" in item_schema:
        return listed if listed in WHOLE_ENTITIES else "Result"
    return listed if listed in WHOLE_ENTITIES else f"{listed}Summary"


def _param_annotation(schema: Schema, overrides_type: str | None) -> tuple[str, list[str] | None]:
    kind = overrides_type or base_type(schema) or "string"
    enum = schema.get("enum")
    if enum and not overrides_type:
        values = [str(v) for v in enum]
        return "Literal[" + ", ".join(repr(v) for v in values) + "]", values
    if kind == "string" and schema.get("format") == "date":
        return "str | datetime.date", None
    if kind == "array" and base_type(schema.get("items", {})) == "object":
        # Request bodies with a list of small objects (v4 list items): plain mappings, whose
        # keys the parameter's description names.
        return "Sequence[Mapping[str, str | int]]", None
    return SCALAR_PARAM.get(kind, "str"), None


#: The run-time check of each annotation the planner writes (keys of tmdbfusion._params.KINDS).
ANNOTATION_CHECKS = {
    "int": "int",
    "float": "float",
    "bool": "bool",
    "str": "str",
    "str | datetime.date": "date",
    "Sequence[Mapping[str, str | int]]": "items",
}


def _annotation_check(annotation: str, choices: list[str] | None) -> str | None:
    """The kind checked before sending; None for a closed set, which ``choices`` checks."""
    if choices:
        return None
    if annotation not in ANNOTATION_CHECKS:
        # A new annotation must get a run-time check too, never slip through unchecked.
        raise ValueError(f"no run-time type check for parameter annotation {annotation!r}")
    return ANNOTATION_CHECKS[annotation]


def plan_parameters(
    operation: dict[str, Any],
    where: str,
    overrides: Overrides,
    table: ParameterTable | None = None,
    places: tuple[str, ...] = (),
) -> list[ParamPlan]:
    """Plan path, query and body parameters in signature order.

    Descriptions come from ``table`` (``openapi/parameters.yaml``), else from TMDB's document;
    ``places`` are the names the operation goes by, for entries of the table that apply only there.
    """
    table = table if table is not None else load_parameter_table()
    places = (where, *places)
    params: list[ParamPlan] = []
    for raw in operation.get("parameters", []):
        if raw["in"] in SKIPPED_PARAMETER_LOCATIONS:
            continue
        entry = overrides.find("parameters", f"{where} {raw['name']}")
        forced_type = str(entry.data["type"]) if entry and "type" in entry.data else None
        schema = dict(raw.get("schema", {}))
        if entry and "format" in entry.data:
            schema["format"] = entry.data["format"]
        annotation, choices = _param_annotation(schema, forced_type)
        name = python_identifier(raw["name"])
        default = raw.get("schema", {}).get("default")
        shown_default = None
        if default is not None and default != "":
            shown_default = str(default).lower() if isinstance(default, bool) else str(default)
        params.append(
            ParamPlan(
                name=name,
                json_name=raw["name"],
                location=raw["in"],
                annotation=annotation,
                required=bool(raw.get("required")) or raw["in"] == "path",
                description=_description(table, name, raw["in"], places, raw.get("description")),
                choices=choices,
                tmdb_default=shown_default,
                check=_annotation_check(annotation, choices),
            )
        )
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    body_schema = body.get("schema", {})
    required = set(body_schema.get("required", []))
    for key, sub in body_schema.get("properties", {}).items():
        annotation, choices = _param_annotation(sub, None)
        name = python_identifier(key)
        params.append(
            ParamPlan(
                name=name,
                json_name=key,
                location="body",
                annotation=annotation,
                required=key in required,
                description=_description(table, name, "body", places, _body_text(sub)),
                choices=choices,
                check=_annotation_check(annotation, choices),
            )
        )
    path_order = [p.json_name for p in params if p.location == "path"]
    positions = {
        name: where.index("{" + name + "}") for name in path_order if "{" + name + "}" in where
    }
    path_params = sorted(
        (p for p in params if p.location == "path"), key=lambda p: positions.get(p.json_name, 0)
    )
    others = [p for p in params if p.location != "path"]
    required_first = [p for p in others if p.required] + [p for p in others if not p.required]
    return path_params + required_first


#: Methods that are safe to repeat by HTTP's and TMDB's semantics; a POST or PUT is
#: idempotent only when ``idempotent_writes`` in the overrides says so.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "DELETE"})


def is_idempotent(method: str, where: str, overrides: Overrides) -> bool:
    """Tell whether repeating the operation does no harm (decides when writes are retried)."""
    if method in IDEMPOTENT_METHODS:
        return True
    return overrides.find("idempotent_writes", where) is not None


def _description(
    table: ParameterTable, name: str, location: str, places: tuple[str, ...], tmdb_text: Any
) -> str:
    """Our table's description of a parameter, else TMDB's, else a note that neither has one.

    The note keeps a new parameter of an updated document from stopping the generator; the tests
    fail on it for the pinned document, so it is described in ``openapi/parameters.yaml``.
    """
    text = table.describe(name, location, places) or " ".join(str(tmdb_text or "").split())
    if text:
        return text
    where = "field of the request body" if location == "body" else f"{location} parameter"
    return f"{UNDESCRIBED}; sent as the ``{name}`` {where}"


def mark_positional(namespace: str, params: list[ParamPlan]) -> list[ParamPlan]:
    """Let path parameters, and a search's required ``query``, be passed by position too.

    The positional parameters come first, in order, so the signature stays valid Python.
    """
    for param in params:
        param.positional = param.positional or (
            param.required and param.name in POSITIONAL_QUERY.get(namespace, ())
        )
    return [p for p in params if p.positional] + [p for p in params if not p.positional]


def _body_text(schema: Schema) -> str:
    """A body field's own description (our v4 document has them), with the keys of its items."""
    text = str(schema.get("description") or "").strip()
    items = schema.get("items", {})
    if base_type(schema) == "array" and items.get("properties"):
        keys = ", ".join(f"``{name}``" for name in items["properties"])
        text = f"{text.rstrip('.')}. Each item has the keys {keys}." if text else keys
    return text


def build_plan(healed: dict[str, Any], overrides: Overrides) -> Plan:
    """Plan every operation and every model of the healed document."""
    planner = ModelPlanner(overrides)
    table = load_parameter_table()
    operations: list[OperationPlan] = []
    for method, path, operation in iter_operations(healed):
        where = operation_key(method, path)
        op_name = name_operation(method, path, overrides)
        entity = ENTITY_BY_NAMESPACE[op_name.namespace]
        topic = "details" if op_name.method == "latest" else op_name.method
        media = success_media(operation) or {}
        schema = media.get("schema", {})
        page_model = item_annotation = None
        if is_page_schema(schema):
            item_schema = schema["properties"]["results"].get("items", {})
            entry = overrides.find("model_names", f"{where} results[]")
            if entry is not None:
                item_name = str(entry.data["name"])
            else:
                item_name = _item_name(_listed_entity(path), item_schema)
            item_annotation = planner.register_root(where, item_name, topic, item_schema, entity)
            page_model = f"{item_annotation}Page"
            planner.set_child_name(page_model, "results", item_name)
            root = planner.register_root(where, page_model, topic, schema, entity)
            page_model = root
            return_annotation = f"{root}, {item_annotation}"
            cast_to = root
        else:
            root_name = f"{entity}{pascal(topic)}" if entity else pascal(op_name.method)
            if method != "GET" and set(schema.get("properties", {})) <= STATUS_FIELDS:
                # Write operations answer with TMDB's status envelope, one class for all of them.
                root_name, topic = "StatusResponse", "status"
            cast_to = planner.register_root(where, root_name, topic, schema, entity)
            return_annotation = cast_to
        operations.append(
            OperationPlan(
                namespace=op_name.namespace,
                name=op_name.method,
                http_method=method,
                path=path,
                summary=(operation.get("summary") or "").strip(),
                description=(operation.get("description") or "").strip(),
                params=mark_positional(
                    op_name.namespace,
                    plan_parameters(
                        operation,
                        where,
                        overrides,
                        table,
                        (op_name.namespace, f"{op_name.namespace}.{op_name.method}"),
                    ),
                ),
                return_annotation=return_annotation,
                cast_to=cast_to,
                paginated=page_model is not None,
                page_model=page_model,
                item_annotation=item_annotation,
                idempotent=is_idempotent(method, where, overrides),
            )
        )
    models, unions, renames = planner.build()
    for op in operations:
        for old, new in renames.items():
            op.return_annotation = _swap(op.return_annotation, old, new)
            op.cast_to = _swap(op.cast_to, old, new)
            if op.page_model:
                op.page_model = _swap(op.page_model, old, new)
            if op.item_annotation:
                op.item_annotation = _swap(op.item_annotation, old, new)
    namespaces: dict[str, list[OperationPlan]] = {}
    for op in operations:
        namespaces.setdefault(op.namespace, []).append(op)
    _plan_append_to_response(operations, models, renames)
    model_names = {m.name for m in models} | {u.name for u in unions}
    namespace_plans = [
        _namespace_plan(name, sorted(ops, key=lambda o: o.name), model_names)
        for name, ops in sorted(namespaces.items())
    ]
    return Plan(models=models, unions=unions, namespaces=namespace_plans)


APPEND_PARAM = "append_to_response"


def _plan_append_to_response(
    operations: list[OperationPlan], models: list[ModelPlan], renames: dict[str, str]
) -> None:
    """Type ``append_to_response`` and give details models a field per appendable part.

    The parts are the GET operations below the details path (``/3/movie/{movie_id}/credits`` ->
    ``credits``; ``.../watch/providers`` -> ``watch/providers``); TMDB returns each appended part
    under that same key, shaped like the sub-resource's own response.
    """
    by_name = {model.name: model for model in models}
    for details in operations:
        param = next((p for p in details.params if p.json_name == APPEND_PARAM), None)
        if param is None:
            continue
        prefix = details.path + "/"
        parts = {
            op.path.removeprefix(prefix): op
            for op in operations
            if op.http_method == "GET"
            and op.path.startswith(prefix)
            and "{" not in op.path.removeprefix(prefix)
        }
        # Names the healed parameter lists (parts TMDB serves only appended) join the documented.
        names = sorted(set(parts) | set(param.choices or []))
        if not names:
            continue  # nothing documented to append: keep the plain string parameter
        param.annotation = "Sequence[Literal[" + ", ".join(repr(n) for n in names) + "]]"
        param.choices = names
        param.check = None  # the parts are checked against ``choices``
        param.description = (
            "Sub-resources to fetch in the same request (at most 20); each arrives as the "
            "field of the same name on the result"
        )
        model = by_name[renames.get(details.cast_to, details.cast_to)]
        existing = {f.json_name for f in model.fields}
        for name in names:
            if name in existing or name not in parts:
                continue
            part = parts[name]
            model.fields.append(
                FieldPlan(python_identifier(name), name, f"{part.cast_to} | None", "None")
            )


def _namespace_plan(name: str, ops: list[OperationPlan], model_names: set[str]) -> NamespacePlan:
    """Finish a namespace: docstrings, and the imports its module needs."""
    used: set[str] = set()
    typing: set[str] = set()
    needs_datetime = needs_sequence = needs_mapping = False
    for op in ops:
        returns = op.return_annotation
        if op.paginated:
            returns = f"{op.page_model} page of {op.item_annotation}"
        op.doc_lines = operation_doc(op, returns)
        annotations = [op.return_annotation, op.cast_to] + [p.annotation for p in op.params]
        for annotation in annotations:
            used.update(set(re.findall(r"\b[A-Z]\w+\b", annotation)) & model_names)
            if "Literal[" in annotation:
                typing.add("Literal")
            needs_datetime |= "datetime." in annotation
            needs_sequence |= "Sequence[" in annotation
            needs_mapping |= "Mapping[" in annotation
    return NamespacePlan(
        name=name,
        class_name=f"{pascal(name)}Resource",
        module=name,
        operations=ops,
        model_imports=sorted(used),
        typing_imports=sorted(typing),
        needs_datetime=needs_datetime,
        needs_sequence=needs_sequence,
        needs_mapping=needs_mapping,
    )


def _swap(annotation: str, old: str, new: str) -> str:
    return re.sub(rf"\b{re.escape(old)}\b", new, annotation)
