"""The drift report as Markdown, plain text or JSON (``codegen/drift.py``)."""

from __future__ import annotations

import json
from typing import Any

from .drift_report import (
    BREAKING,
    IMPACTS,
    NON_BREAKING,
    Absorbed,
    Change,
    DriftReport,
    ModelDrift,
    OperationDrift,
    RawDifference,
    counted,
    mark_code,
)

# How many absorbed differences per operation the reports show.
SHOWN_DIFFERENCES = 3


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
    shown = "; ".join(mark_code(d.describe(), code) for d in differences[:SHOWN_DIFFERENCES])
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
    return counted(len(differences), "difference")


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
