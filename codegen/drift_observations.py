"""What an observations refresh changes for SDK users: ``python -m codegen drift --observations``.

``generate`` heals the pinned document with ``openapi/observations.json``, so refreshing the
observations (``python -m codegen observe --corpus DIR --out NEW``) can change the SDK as much as a
new document can. This compares the two sides the same way ``codegen/drift.py`` compares two
documents: the document is healed and planned once with the committed (base) observations and once
with the refreshed ones, and the plans are compared field by field, with the same classification:

- **breaking**: a field that became optional (``title: str`` -> ``title: str | None = None``, the
  evidence now shows it absent or null), a field retyped (an integer seen as a float), removed;
- **non-breaking**: a field that became plain (always seen, never null, with enough support), a
  field added (a key TMDB sends that the document lacks), a field narrowed.

Beside the SDK changes, the report lists what the facts themselves changed, per operation and JSON
path: keys newly seen or no longer seen, keys now seen null or absent, and new JSON kinds. These
explain the SDK changes, and show the refreshes that change the facts but not the SDK.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .drift_render import render_json, render_markdown, render_text
from .drift_report import BREAKING, NON_BREAKING, DriftReport, Source
from .drift_surface import compare_surfaces, plan_or_explain
from .observe import OBSERVATIONS
from .overrides import Overrides, load_overrides
from .spec import SpecError, load_document, parse_document, read_bytes, sha256_hex

NEWLY_SEEN = "newly seen"
NO_LONGER_SEEN = "no longer seen"
NOW_NULL = "now seen null"
NO_LONGER_NULL = "no longer seen null"
NOW_ABSENT = "now seen absent"
NO_LONGER_ABSENT = "no longer seen absent"
KINDS_CHANGED = "JSON kinds changed"


@dataclass(frozen=True)
class FactChange:
    """One change in the facts about one key of one operation's responses."""

    operation: str  # "GET /3/movie/{movie_id}"
    path: str  # "results[].title"
    kind: str  # NEWLY_SEEN, NOW_NULL, ...
    detail: str = ""

    def describe(self) -> str:
        """``results[].title now seen null (0 -> 2 of 40)``."""
        return f"{self.path} {self.kind}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class ObservationsDrift:
    """The SDK changes (as a document drift reports them) and the fact changes behind them."""

    report: DriftReport
    facts: list[FactChange] = field(default_factory=list)
    responses: tuple[int, int] = (0, 0)

    @property
    def changed(self) -> bool:
        """Whether the refresh changes any fact or the SDK."""
        return bool(self.facts or self.report.changes())

    def summary(self) -> str:
        """One sentence: the SDK changes by class, and how many facts changed."""
        if not self.changed:
            return "No change: the refreshed observations give the same facts and the same SDK."
        breaking = len(self.report.changes(BREAKING))
        non_breaking = len(self.report.changes(NON_BREAKING))
        models = len(self.report.models)
        before, after = self.responses
        return (
            f"Observations changed: {breaking} breaking and {non_breaking} non-breaking SDK "
            f"change{'s' if non_breaking != 1 else ''} ({models} model"
            f"{'s' if models != 1 else ''}); {len(self.facts)} fact"
            f"{'s' if len(self.facts) != 1 else ''} changed ({before} -> {after} responses)."
        )


def _paths(observations: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(operation, ``place.key``) -> the key's facts."""
    found = {}
    for operation, facts in observations.get("operations", {}).items():
        for place, keys in facts.get("fields", {}).items():
            for key, key_facts in keys.items():
                found[(operation, f"{place}.{key}" if place else key)] = key_facts
    return found


def _of(facts: dict[str, Any], count: str) -> str:
    return f"{facts.get(count, 0)} of {facts.get('seen', 0) + facts.get('absent', 0)}"


def fact_changes(base: dict[str, Any], refreshed: dict[str, Any]) -> list[FactChange]:
    """What changed between two observations documents, sorted by operation and path."""
    old, new = _paths(base), _paths(refreshed)
    changes = []
    for operation, path in sorted(old.keys() | new.keys()):
        before, after = old.get((operation, path)), new.get((operation, path))
        if before is None:
            assert after is not None
            changes.append(FactChange(operation, path, NEWLY_SEEN, _kinds(after)))
            continue
        if after is None:
            changes.append(FactChange(operation, path, NO_LONGER_SEEN))
            continue
        for count, became, went in (
            ("null", NOW_NULL, NO_LONGER_NULL),
            ("absent", NOW_ABSENT, NO_LONGER_ABSENT),
        ):
            if bool(before.get(count)) != bool(after.get(count)):
                kind = became if after.get(count) else went
                detail = f"{_of(before, count)} -> {_of(after, count)}"
                changes.append(FactChange(operation, path, kind, detail))
        old_kinds = set(before.get("types", {})) - {"null"}
        new_kinds = set(after.get("types", {})) - {"null"}
        if old_kinds != new_kinds:
            detail = f"{_kinds(before)} -> {_kinds(after)}"
            changes.append(FactChange(operation, path, KINDS_CHANGED, detail))
    return changes


def _kinds(facts: dict[str, Any]) -> str:
    return "/".join(sorted(set(facts.get("types", {})) - {"null"})) or "null"


def _responses(observations: dict[str, Any]) -> int:
    return sum(int(f.get("responses", 0)) for f in observations.get("operations", {}).values())


def compare_observations(
    document: dict[str, Any],
    base: dict[str, Any],
    refreshed: dict[str, Any],
    *,
    base_source: Source,
    refreshed_source: Source,
    overrides: Callable[[], Overrides] = load_overrides,
) -> ObservationsDrift:
    """Plan ``document`` with each observations document and compare SDKs and facts."""
    old = plan_or_explain(document, overrides(), base_source, base)
    new = plan_or_explain(document, overrides(), refreshed_source, refreshed)
    operations, models = compare_surfaces(old, new)
    report = DriftReport(base_source, refreshed_source, operations, models)
    responses = (_responses(base), _responses(refreshed))
    return ObservationsDrift(report, fact_changes(base, refreshed), responses)


def _read(path: Path) -> tuple[dict[str, Any], Source]:
    try:
        data = path.read_bytes()
        observations: dict[str, Any] = json.loads(data)
    except (OSError, ValueError) as exc:
        raise SpecError(f"cannot read observations {path}: {exc}") from exc
    if not isinstance(observations, dict) or "operations" not in observations:
        raise SpecError(f"{path} is not an observations file (written by `codegen observe`)")
    return observations, Source(str(path), sha256_hex(data))


def observations_drift(
    refreshed: Path, base: Path | None = None, spec: str | Path | None = None
) -> ObservationsDrift:
    """Compare ``refreshed`` with ``base`` (default: the committed observations) on ``spec``."""
    base_observations, base_source = _read(base or OBSERVATIONS)
    new_observations, new_source = _read(refreshed)
    if spec is None:
        document = load_document()
    else:
        document = parse_document(read_bytes(spec), source=str(spec))
    return compare_observations(
        document,
        base_observations,
        new_observations,
        base_source=base_source,
        refreshed_source=new_source,
    )


def _facts_by_operation(drift: ObservationsDrift) -> dict[str, list[FactChange]]:
    grouped: dict[str, list[FactChange]] = {}
    for change in drift.facts:
        grouped.setdefault(change.operation, []).append(change)
    return grouped


def _refreshed_label(line: str) -> str:
    for before, after in (("  upstream: ", "  refreshed: "), ("- upstream: ", "- refreshed: ")):
        if line.startswith(before):
            return after + line[len(before) :]
    return line


def render(drift: ObservationsDrift, format: str = "text") -> str:
    """The report: the summary, the SDK changes as ``drift`` shows them, then the fact changes."""
    if format == "json":
        data = json.loads(render_json(drift.report))
        data["summary"] = drift.summary()
        data["changed"] = drift.changed
        data["responses"] = {"base": drift.responses[0], "refreshed": drift.responses[1]}
        data["facts"] = [
            {"operation": c.operation, "path": c.path, "kind": c.kind, "detail": c.detail}
            for c in drift.facts
        ]
        return json.dumps(data, indent=2) + "\n"
    markdown = format == "markdown"
    surface = render_markdown(drift.report) if markdown else render_text(drift.report)
    # The document drift's own first line speaks of documents: replace it with ours.
    lines = [drift.summary(), *surface.rstrip("\n").split("\n")[1:]]
    lines = [_refreshed_label(line) for line in lines]
    if drift.facts:
        lines += ["", "## Fact changes" if markdown else "FACTS:"]
        for operation, changes in _facts_by_operation(drift).items():
            if markdown:
                lines += ["", f"### `{operation}`", ""]
                lines += [f"- `{c.path}`{c.describe().removeprefix(c.path)}" for c in changes]
            else:
                lines.append(f"  {operation}:")
                lines += [f"    - {c.describe()}" for c in changes]
    return "\n".join(lines) + "\n"
