"""Render the plan with Jinja templates and format the result with ruff.

The output is a mapping of relative path -> file text, so the same function serves ``generate``
(write into the repository) and ``check`` (compare with what is committed).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import jinja2

from . import reference
from .ir import Plan
from .layout import V3, Layout

TEMPLATES = Path(__file__).parent / "templates"
PACKAGE = Path("src") / "tmdbfusion"


def docstring(lines: list[str], indent: int) -> str:
    """Lay out docstring lines inside triple quotes at ``indent`` spaces."""
    pad = " " * indent
    body = [lines[0], *[f"{pad}{line}" if line else "" for line in lines[1:]]]
    return "\n".join(body) + (f"\n{pad}" if len(lines) > 1 else "")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # we render Python and Markdown, never HTML
    )
    env.filters["docstring"] = docstring
    return env


def _endpoint_rows(plan: Plan) -> list[dict[str, str]]:
    rows = []
    for ns in plan.namespaces:
        for op in ns.operations:
            rows.append(
                {
                    "method": op.http_method,
                    "path": op.path,
                    "call": reference.example_call(ns.access, op),
                    "link": reference.method_link(ns, op),
                    "returns": op.sync_return,
                }
            )
    return sorted(rows, key=lambda r: (r["path"], r["method"]))


def _models_imports(plan: Plan) -> dict[str, Any]:
    """What the models module imports: ``datetime`` for dates, ``Any`` only if a field needs it."""
    annotations = [f.annotation for model in plan.models for f in model.fields]
    typing_imports = ["TypeAlias"] if plan.unions else []
    if any(re.search(r"\bAny\b", annotation) for annotation in annotations):
        typing_imports.insert(0, "Any")
    return {
        "needs_datetime": any("datetime." in annotation for annotation in annotations),
        "typing_imports": typing_imports,
    }


def render_files(plan: Plan, layout: Layout = V3) -> dict[str, str]:
    """Render every generated file of one API version (unformatted)."""
    env = _environment()
    names = sorted(plan.model_names)
    for ns in plan.namespaces:
        ns.access = f"{layout.access}{ns.name}"
    namespaces_template = "namespaces.py.jinja" if layout is V3 else "v4_namespaces.py.jinja"
    files = {
        layout.models_file: env.get_template("models.py.jinja").render(
            plan=plan, all_names=names, source=layout.source, **_models_imports(plan)
        ),
        layout.namespaces_file: env.get_template(namespaces_template).render(
            plan=plan, layout=layout
        ),
        f"{layout.reference_dir}/endpoints.md": env.get_template("endpoints.md.jinja").render(
            rows=_endpoint_rows(plan), api=layout.api, source=layout.source
        ),
    }
    resource = env.get_template("resource.py.jinja")
    for ns in plan.namespaces:
        has_pages = any(op.paginated for op in ns.operations)
        files[f"{layout.resource_dir}/{ns.module}.py"] = resource.render(
            ns=ns, has_pages=has_pages, layout=layout, source=layout.source
        )
    if layout is V3:
        files[str(PACKAGE / "resources" / "__init__.py")] = (
            '"""Generated resource classes, one module per namespace (imported lazily)."""\n'
        )
    files.update(_reference_pages(env, plan, layout))
    return files


def _reference_pages(env: jinja2.Environment, plan: Plan, layout: Layout) -> dict[str, str]:
    """The API reference: an index of namespaces, a page per namespace, and the models page."""
    names = plan.model_names
    pages = [reference.namespace_page(ns, names, layout.resource_package) for ns in plan.namespaces]
    namespace = env.get_template("reference_namespace.md.jinja")
    files = {
        f"{layout.namespace_dir}/{ns.module}.md": namespace.render(
            page=page, api=layout.api, source=layout.source
        )
        for ns, page in zip(plan.namespaces, pages, strict=True)
    }
    files[f"{layout.namespace_dir}/index.md"] = env.get_template(
        "reference_namespaces_index.md.jinja"
    ).render(pages=pages, api=layout.api, source=layout.source)
    models, unions = reference.models_page(plan)
    example = "MovieDetails" if "MovieDetails" in names else min(names, default="")
    files[f"{layout.reference_dir}/models.md"] = env.get_template(
        "reference_models.md.jinja"
    ).render(
        models=models,
        unions=unions,
        models_module=layout.models_module,
        example_model=example,
        source=layout.source,
    )
    return files


def format_python(files: dict[str, str]) -> dict[str, str]:
    """Run ruff (fix + format) over the Python files, the way the repository is configured."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(root / "pyproject.toml", work / "pyproject.toml")
        for rel, text in files.items():
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        python_files = [rel for rel in files if rel.endswith(".py")]
        ruff = [sys.executable, "-m", "ruff"]
        subprocess.run(
            [*ruff, "check", "--fix-only", "--quiet", "--select", "I,F401,UP", *python_files],
            cwd=work,
            check=True,
        )
        subprocess.run([*ruff, "format", "--quiet", *python_files], cwd=work, check=True)
        return {rel: (work / rel).read_text(encoding="utf-8") for rel in files}


def render_tree(plan: Plan, layout: Layout = V3) -> dict[str, str]:
    """Render and format every generated file of one API version."""
    return format_python(render_files(plan, layout))
