"""What the generated API reference pages say: one page per namespace, one of models.

The pages are Markdown for MkDocs, rendered by ``templates/reference_*.md.jinja`` from the values
built here. Everything comes from the plan, the same values the resource and model templates print,
so the reference cannot drift from the code it documents.
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass

from .docstrings import operation_prose, param_description, shown_type
from .heal import operation_key
from .ir import ModelPlan, NamespacePlan, OperationPlan, Plan

REFERENCE_DIR = "docs/reference"
NAMESPACE_DIR = f"{REFERENCE_DIR}/namespaces"
MODELS_PAGE = f"{REFERENCE_DIR}/models.md"
# Where the models page is, seen from a namespace page.
MODELS_FROM_NAMESPACE = "../models.md"

_TYPE_NAME = re.compile(r"\b[A-Z][A-Za-z0-9]*\b")
_LITERAL = re.compile(r"Literal\[[^\]]*\]")
# Longest signature line before a closed set of values is laid out one value per line.
SIGNATURE_WIDTH = 100


def anchor(name: str) -> str:
    """Return the anchor MkDocs gives a heading made of one identifier (its lower-case form)."""
    return name.lower()


def linked_type(annotation: str, model_names: set[str], models_page: str) -> str:
    """Show an annotation as Markdown code with every model name linked to its entry.

    ``list[Genre] | None`` becomes ``list[`` + a link to ``Genre`` + ``] | None``, each part a code
    span, so the type reads as code and every model in it is one click away.
    """
    parts: list[str] = []
    position = 0
    for match in _TYPE_NAME.finditer(annotation):
        name = match.group(0)
        if name not in model_names:
            continue
        if match.start() > position:
            parts.append(f"`{annotation[position : match.start()]}`")
        parts.append(f"[`{name}`]({models_page}#{anchor(name)})")
        position = match.end()
    if position < len(annotation):
        parts.append(f"`{annotation[position:]}`")
    return "".join(parts)


def table_text(text: str) -> str:
    """Make text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def table_type(annotation: str, model_names: set[str], models_page: str) -> str:
    """Show a type in a table cell, closed sets of strings as ``str`` (the description lists them).

    The pipes of unions need no escaping: they are inside code spans, which Markdown's tables
    leave alone.
    """
    return linked_type(shown_type(annotation), model_names, models_page)


def signature(op: OperationPlan) -> str:
    """The sync method's ``def`` line as the generated resource module spells it.

    Path parameters are positional-only, everything else keyword-only; optional parameters default
    to None (meaning "leave it to TMDB").
    """
    lines = [f"def {op.name}(", "    self,"]
    for p in op.path_params:
        lines += _parameter_lines(p.name, p.annotation, "")
    if op.path_params:
        lines.append("    /,")
    others = [p for p in op.params if p.location != "path"]
    if others:
        lines.append("    *,")
    for p in others:
        lines += _parameter_lines(p.name, p.annotation, p.default_suffix)
    lines.append(f") -> {op.sync_return}")
    return "\n".join(lines)


def _parameter_lines(name: str, annotation: str, default: str) -> list[str]:
    """One parameter of a signature; a long closed set of values gets one value per line."""
    line = f"    {name}: {annotation}{default},"
    literal = _LITERAL.search(annotation)
    if len(line) <= SIGNATURE_WIDTH or literal is None:
        return [line]
    values = ast.parse(literal.group(0), mode="eval").body
    assert isinstance(values, ast.Subscript)
    elements = values.slice.elts if isinstance(values.slice, ast.Tuple) else [values.slice]
    before, after = annotation[: literal.start()], annotation[literal.end() :]
    return [
        f"    {name}: {before}Literal[",
        *(f"        {ast.unparse(element)}," for element in elements),
        f"    ]{after}{default},",
    ]


def method_link(ns: NamespacePlan, op: OperationPlan) -> str:
    """Link from ``docs/reference/`` to a method's entry on its namespace page."""
    return f"namespaces/{ns.module}.md#{anchor(op.name)}"


def example_call(namespace: str, op: OperationPlan) -> str:
    """A short call showing the required arguments, as in the endpoint table."""
    args = [p.name for p in op.path_params]
    args += [f"{p.name}=..." for p in op.params if p.location != "path" and p.required]
    return f"client.{namespace}.{op.name}({', '.join(args)})"


@dataclass
class ParamRow:
    """One parameter as a table row."""

    name: str
    location: str
    type: str
    required: bool
    description: str


@dataclass
class MethodEntry:
    """One method of a namespace page."""

    name: str
    anchor: str
    http_method: str
    path: str
    prose: list[str]
    signature: str
    call: str
    params: list[ParamRow]
    returns: str
    async_returns: str
    paginated: bool
    item: str | None


@dataclass
class NamespacePage:
    """Everything one namespace page shows."""

    name: str
    access: str
    title: str
    class_name: str
    module: str
    methods: list[MethodEntry]


def namespace_title(name: str) -> str:
    """``tv_episode_groups`` -> ``TV episode groups``: the page title."""
    first, *rest = ["TV" if word == "tv" else word for word in name.split("_")]
    return " ".join([first[:1].upper() + first[1:], *rest])


def namespace_page(
    ns: NamespacePlan, model_names: set[str], resource_package: str = "tmdbfusion.resources"
) -> NamespacePage:
    """Build one namespace's page from its plan."""
    methods = []
    for op in ns.operations:
        item = None
        if op.paginated and op.item_annotation:
            item = linked_type(op.item_annotation, model_names, MODELS_FROM_NAMESPACE)
        methods.append(
            MethodEntry(
                name=op.name,
                anchor=anchor(op.name),
                http_method=op.http_method,
                path=op.path,
                prose=operation_prose(op),
                signature=signature(op),
                call=example_call(ns.access, op),
                params=[
                    ParamRow(
                        name=p.name,
                        location=p.location,
                        type=table_type(p.annotation, model_names, MODELS_FROM_NAMESPACE),
                        required=p.required,
                        description=table_text(param_description(p)),
                    )
                    for p in op.params
                ],
                returns=linked_type(op.sync_return, model_names, MODELS_FROM_NAMESPACE),
                async_returns=linked_type(op.async_return, model_names, MODELS_FROM_NAMESPACE),
                paginated=op.paginated,
                item=item,
            )
        )
    return NamespacePage(
        name=ns.name,
        access=ns.access,
        title=namespace_title(ns.name),
        class_name=ns.class_name,
        module=f"{resource_package}.{ns.module}",
        methods=methods,
    )


@dataclass
class FieldRow:
    """One field of a model as a table row."""

    name: str
    json_name: str
    type: str
    default: str | None


@dataclass
class ModelEntry:
    """One Struct on the models page."""

    name: str
    anchor: str
    summary: str
    tag_field: str | None
    tag: str | None
    fields: list[FieldRow]
    returned_by: list[str]


@dataclass
class UnionEntry:
    """One tagged-union alias on the models page."""

    name: str
    anchor: str
    doc: str
    members: list[str]
    definition: str


def _summary(doc: str) -> str:
    """The first paragraph of a model's docstring, on one line."""
    return " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())


def _method_links(plan: Plan) -> dict[str, str]:
    """``GET /3/movie/{movie_id}`` -> a link to ``client.movies.details`` on its namespace page."""
    return {
        operation_key(
            op.http_method, op.path
        ): f"[`client.{ns.access}.{op.name}`]({method_link(ns, op)})"
        for ns in plan.namespaces
        for op in ns.operations
    }


def model_entry(model: ModelPlan, model_names: set[str], links: dict[str, str]) -> ModelEntry:
    """Build one model's entry from its plan."""
    return ModelEntry(
        name=model.name,
        anchor=anchor(model.name),
        summary=_summary(model.doc),
        tag_field=model.tag_field,
        tag=model.tag,
        fields=[
            FieldRow(
                name=f.name,
                json_name=f.json_name,
                type=table_type(f.annotation, model_names, ""),
                default=None if f.default is None else table_text(f.default),
            )
            for f in model.fields
        ],
        returned_by=[links[source] for source in model.sources if source in links],
    )


def models_page(plan: Plan) -> tuple[list[ModelEntry], list[UnionEntry]]:
    """Build the models page: every Struct, then every tagged union."""
    names = plan.model_names
    links = _method_links(plan)
    models = [model_entry(m, names, links) for m in sorted(plan.models, key=lambda m: m.name)]
    unions = [
        UnionEntry(
            name=u.name,
            anchor=anchor(u.name),
            doc=u.doc,
            members=[linked_type(member, names, "") for member in u.members],
            definition=u.definition,
        )
        for u in sorted(plan.unions, key=lambda u: u.name)
    ]
    return models, unions
