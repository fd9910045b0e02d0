"""The generated API reference: its signatures are the real ones, and stale pages are removed."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

from codegen import reference
from codegen.ir import FieldPlan, ModelPlan, NamespacePlan, OperationPlan, ParamPlan, Plan
from codegen.pipeline import committed_differences, stale_files, write_files
from codegen.spec import ROOT
from tests.operations.conftest import pinned_document, pinned_path, pinned_plan

__all__ = ["pinned_document", "pinned_path", "pinned_plan"]

NAMESPACES = ROOT / "docs" / "reference" / "namespaces"


def _normalized(annotation: str) -> str:
    return ast.unparse(ast.parse(annotation, mode="eval"))


def _documented(op: OperationPlan) -> tuple[list[tuple[str, str, str, str | None]], str]:
    """(name, kind, annotation, default) of each parameter, and the return annotation."""
    tree = ast.parse(reference.signature(op) + ": ...")
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    args = function.args
    params = [("self", "POSITIONAL_ONLY", "", None)]
    assert [a.arg for a in args.posonlyargs] == []  # every argument may be passed by keyword
    positional = args.args[1:]
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params += [
        (
            a.arg,
            "POSITIONAL_OR_KEYWORD",
            ast.unparse(a.annotation) if a.annotation else "",
            None if default is None else ast.unparse(default),
        )
        for a, default in zip(positional, defaults, strict=True)
    ]
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        annotation = ast.unparse(arg.annotation) if arg.annotation else ""
        shown = None if default is None else ast.unparse(default)
        params.append((arg.arg, "KEYWORD_ONLY", annotation, shown))
    assert function.returns is not None
    return params, ast.unparse(function.returns)


def _real(
    ns: NamespacePlan, op: OperationPlan
) -> tuple[list[tuple[str, str, str, str | None]], str]:
    resource = getattr(importlib.import_module(f"tmdbfusion.resources.{ns.module}"), ns.class_name)
    signature = inspect.signature(getattr(resource, op.name))
    params = []
    for p in signature.parameters.values():
        # `self` has no annotation; the documented form lists it first all the same.
        kind = "POSITIONAL_ONLY" if p.name == "self" else p.kind.name
        annotation = "" if p.annotation is inspect.Parameter.empty else _normalized(p.annotation)
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        params.append((p.name, kind, annotation, default))
    return params, _normalized(signature.return_annotation)


def test_documented_signatures_are_the_generated_ones(pinned_plan: Plan) -> None:
    operations = [(ns, op) for ns in pinned_plan.namespaces for op in ns.operations]
    assert len(operations) > 100
    for ns, op in operations:
        assert _documented(op) == _real(ns, op), f"{ns.name}.{op.name}"


def test_every_operation_has_an_entry_that_links_resolve_to(pinned_plan: Plan) -> None:
    for ns in pinned_plan.namespaces:
        page = (NAMESPACES / f"{ns.module}.md").read_text(encoding="utf-8")
        anchors = set(re.findall(r"(?m)^## \w+ \{ #(\w+) \}$", page))
        assert anchors == {reference.anchor(op.name) for op in ns.operations}, ns.name
    endpoints = (ROOT / "docs" / "reference" / "endpoints.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(namespaces/(\w+)\.md#(\w+)\)", endpoints)
    assert len(links) == sum(len(ns.operations) for ns in pinned_plan.namespaces)
    for module, anchor in links:
        page = (NAMESPACES / f"{module}.md").read_text(encoding="utf-8")
        assert f"{{ #{anchor} }}" in page


def test_models_page_documents_every_model_and_field(pinned_plan: Plan) -> None:
    page = (ROOT / "docs" / "reference" / "models.md").read_text(encoding="utf-8")
    for model in pinned_plan.models:
        entry = page.split(f"\n### {model.name} {{ #{reference.anchor(model.name)} }}\n", 1)
        assert len(entry) == 2, model.name
        body = entry[1].split("\n### ", 1)[0]
        for field in model.fields:
            assert f"| `{field.name}` |" in body, f"{model.name}.{field.name}"
            if field.json_name != field.name:
                assert f"| `{field.json_name}` |" in body
    # A long alias is wrapped in parentheses over several lines, as ruff formats it.
    unwrapped = page.replace("= (\n    ", "= ").replace("\n)\n", "\n")
    for union in pinned_plan.unions:
        assert f"{union.name}: TypeAlias = {' | '.join(union.members)}" in unwrapped


def test_linked_type_links_every_model_and_keeps_the_rest_as_code() -> None:
    names = {"Genre", "MovieResult", "TvSeriesResult"}
    assert reference.linked_type("list[Genre] | None", names, "m.md") == (
        "`list[`[`Genre`](m.md#genre)`] | None`"
    )
    assert reference.linked_type("int", names, "") == "`int`"
    assert reference.linked_type("MovieResult | TvSeriesResult", names, "") == (
        "[`MovieResult`](#movieresult)` | `[`TvSeriesResult`](#tvseriesresult)"
    )
    # Names that are not models (typing's, or unknown) stay plain code.
    assert reference.linked_type("Sequence[Any]", names, "") == "`Sequence[Any]`"


def test_table_type_shows_closed_sets_as_str() -> None:
    annotation = "Sequence[Literal['credits', 'watch/providers']]"
    assert reference.table_type(annotation, set(), "") == "`Sequence[str]`"


def test_signature_layout() -> None:
    op = OperationPlan(
        namespace="movies",
        name="details",
        http_method="GET",
        path="/3/movie/{movie_id}",
        summary="Movie details",
        description="",
        params=[
            ParamPlan("movie_id", "movie_id", "path", "int", True, ""),
            ParamPlan("value", "value", "body", "float", True, ""),
            ParamPlan("language", "language", "query", "str", False, ""),
        ],
        return_annotation="MovieDetails",
        cast_to="MovieDetails",
    )
    assert reference.signature(op) == (
        "def details(\n    self,\n    movie_id: int,\n    *,\n    value: float,\n"
        "    language: str | None = None,\n) -> MovieDetails"
    )


def test_namespace_titles() -> None:
    assert reference.namespace_title("tv") == "TV"
    assert reference.namespace_title("tv_episode_groups") == "TV episode groups"
    assert reference.namespace_title("watch_providers") == "Watch providers"


def _write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_stale_generated_pages_and_modules_are_found_and_removed(tmp_path: Path) -> None:
    fresh = {
        "docs/reference/namespaces/movies.md": "# Movies\n",
        "docs/reference/namespaces/index.md": "# Namespaces\n",
        "src/tmdbfusion/resources/movies.py": '"""movies"""\n',
    }
    stale = {
        "docs/reference/namespaces/dropped.md": "# Dropped\n",
        "src/tmdbfusion/resources/dropped.py": '"""dropped"""\n',
    }
    hand_written = {"docs/reference/client.md": "# Clients\n"}
    _write_tree(tmp_path, {**fresh, **stale, **hand_written})

    assert sorted(stale_files(fresh, tmp_path)) == sorted(stale)
    assert sorted(committed_differences(fresh, tmp_path)) == [
        f"stale: {rel}" for rel in sorted(stale)
    ]

    write_files(fresh, tmp_path)
    assert not any((tmp_path / rel).exists() for rel in stale)
    assert all((tmp_path / rel).read_text(encoding="utf-8") == text for rel, text in fresh.items())
    assert (tmp_path / "docs/reference/client.md").is_file()  # outside the generated folders
    assert committed_differences(fresh, tmp_path) == []


def test_model_entries_link_their_operations() -> None:
    op = OperationPlan("movies", "details", "GET", "/3/movie/{movie_id}", "", "", [], "M", "M")
    plan = Plan(
        models=[
            ModelPlan(
                name="M",
                doc="Movie.\n\n    Returned by ``GET /3/movie/{movie_id}``.\n    ",
                fields=[FieldPlan("watch_providers", "watch/providers", "dict[str, M]", "{}")],
                sources=["GET /3/movie/{movie_id}"],
            )
        ],
        unions=[],
        namespaces=[NamespacePlan("movies", "MoviesResource", "movies", [op])],
    )
    models, unions = reference.models_page(plan)
    assert unions == []
    (entry,) = models
    assert entry.summary == "Movie."
    assert entry.returned_by == ["[`client.movies.details`](namespaces/movies.md#details)"]
    (row,) = entry.fields
    assert (row.name, row.json_name, row.default) == ("watch_providers", "watch/providers", "{}")
    assert row.type == "`dict[str, `[`M`](#m)`]`"


def test_long_closed_sets_get_one_value_per_line() -> None:
    values = [f"value_number_{n}.desc" for n in range(8)]
    literal = "Literal[" + ", ".join(repr(v) for v in values) + "]"
    op = OperationPlan(
        namespace="discover",
        name="movie",
        http_method="GET",
        path="/3/discover/movie",
        summary="",
        description="",
        params=[ParamPlan("sort_by", "sort_by", "query", f"Sequence[{literal}]", False, "")],
        return_annotation="MovieSummaryPage, MovieSummary",
        cast_to="MovieSummaryPage",
        paginated=True,
    )
    lines = reference.signature(op).splitlines()
    assert lines[3] == "    sort_by: Sequence[Literal["
    assert lines[4 : 4 + len(values)] == [f"        {v!r}," for v in values]
    assert lines[4 + len(values)] == "    ]] | None = None,"
    assert all(len(line) <= reference.SIGNATURE_WIDTH for line in lines)
    # Still the same signature once parsed.
    function = ast.parse(reference.signature(op) + ": ...").body[0]
    assert isinstance(function, ast.FunctionDef)
    assert ast.unparse(function.args.kwonlyargs[0].annotation or ast.Constant(None)) == (
        f"Sequence[{literal}] | None"
    )
