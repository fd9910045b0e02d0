"""The whole generator as one function: document in, generated files out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .documents import V4_API_DOCUMENT, Document
from .heal import HealReport, heal_document
from .ir import Plan
from .layout import V3, V4
from .models import field_counts
from .observe import OBSERVATIONS, load_observations
from .overrides import Overrides, load_overrides
from .plan import build_plan
from .render import format_python, render_files
from .spec import ROOT, load_document

# Folders whose files of one kind are all generated, one per namespace: a file there that a fresh
# generation no longer produces (TMDB dropped or renamed the namespace) is stale.
GENERATED_FOLDERS = (
    ("src/tmdbfusion/resources", "*.py"),
    ("docs/reference/namespaces", "*.md"),
    (V4.resource_dir, "*.py"),
    (V4.namespace_dir, "*.md"),
)
# Everything `generate` owns; `check` compares exactly these.
GENERATED_PATHS = (
    "src/tmdbfusion/models/__init__.py",
    "src/tmdbfusion/_namespaces.py",
    "docs/reference/endpoints.md",
    "docs/reference/models.md",
    V4.models_file,
    f"{V4.reference_dir}/endpoints.md",
    f"{V4.reference_dir}/models.md",
    *(folder for folder, _ in GENERATED_FOLDERS),
)


def plan_document(
    document: dict[str, Any],
    overrides: Overrides | None = None,
    observations: dict[str, Any] | None = None,
) -> tuple[Plan, HealReport, Overrides]:
    """Heal and plan one document.

    ``observations`` are the real-response facts that apply; ``None`` reads the committed v3 ones
    (``openapi/observations.json``), ``{}`` uses none.
    """
    overrides = overrides if overrides is not None else load_overrides()
    if observations is None:
        observations = load_observations(OBSERVATIONS)
    healed, report = heal_document(document, overrides, observations)
    return build_plan(healed, overrides), report, overrides


def plan_v4(document: Document = V4_API_DOCUMENT) -> tuple[Plan, HealReport, Overrides]:
    """Load, heal and plan our own v4 document."""
    # The recorded responses are v3 bodies: the v4 document is healed from its own examples.
    return plan_document(document.load(None), load_overrides(document.overrides_file), {})


def render_all(v3_plan: Plan) -> dict[str, str]:
    """Render and format the v3 plan's files together with the v4 document's."""
    v4_plan, _, _ = plan_v4()
    return format_python({**render_files(v3_plan, V3), **render_files(v4_plan, V4)})


def generate(spec_path: str | Path | None = None) -> tuple[dict[str, str], HealReport, Overrides]:
    """Load, heal, plan and render both documents; return the files without writing them.

    ``spec_path`` replaces the pinned v3 document; the report and overrides returned are v3's
    (the v4 document is ours and its overrides file is checked by its own tests).
    """
    document = load_document(spec_path)
    plan, report, overrides = plan_document(document)
    return render_all(plan), report, overrides


def heal_counts(spec_path: str | Path | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """Model field counts before and after the evidence (``codegen heal`` prints both).

    Before: the document healed against its own examples only, without ``fields:`` overrides;
    after: with the observations and every override, as ``generate`` plans it.
    """
    document = load_document(spec_path)
    overrides = load_overrides()
    overrides.sections.pop("fields", None)
    before, _, _ = plan_document(document, overrides, {})
    after, _, _ = plan_document(document)
    return field_counts(before.models), field_counts(after.models)


def stale_files(files: dict[str, str], root: Path = ROOT) -> list[str]:
    """List files in the generated folders under ``root`` that ``files`` no longer includes."""
    stale = []
    for folder, pattern in GENERATED_FOLDERS:
        directory = root / folder
        if not directory.is_dir():
            continue
        for existing in sorted(directory.glob(pattern)):
            rel = existing.relative_to(root).as_posix()
            if rel not in files:
                stale.append(rel)
    return stale


def write_files(files: dict[str, str], root: Path = ROOT) -> None:
    """Write generated files under ``root``, removing stale generated modules and pages."""
    for rel in stale_files(files, root):
        (root / rel).unlink()
    for rel, text in sorted(files.items()):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def committed_differences(files: dict[str, str], root: Path = ROOT) -> list[str]:
    """List generated paths whose committed text differs from ``files`` (or is extra/missing)."""
    problems = []
    for rel, text in sorted(files.items()):
        target = root / rel
        if not target.is_file():
            problems.append(f"missing: {rel}")
        elif target.read_text(encoding="utf-8") != text:
            problems.append(f"differs: {rel}")
    problems.extend(f"stale: {rel}" for rel in stale_files(files, root))
    return problems
