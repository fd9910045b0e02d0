"""The drift report: SDK changes, raw differences and what absorbed them (``codegen/drift.py``).

Plain data with the sentences the reports print; ``drift_surface`` and ``drift_raw`` fill it,
``drift_render`` lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BREAKING = "breaking"
NON_BREAKING = "non-breaking"
IMPACTS = (BREAKING, NON_BREAKING)
# Subjects whose change detail is prose (a list of fields or members), not a name or a type.
PROSE_DETAILS = frozenset({"operation", "model", "union"})
# How many users per model the labels show.
SHOWN_USERS = 4


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``3 changes``, ``1 change``: ``count`` with the noun in its number."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def mark_code(text: str, code: bool) -> str:
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
        subject = f"{self.subject} {mark_code(self.name, code)}" if self.name else self.subject
        if self.before is not None and self.after is not None:
            before, after = mark_code(self.before, code), mark_code(self.after, code)
            return f"{subject} {self.kind}: {before} -> {after}"
        shown = self.after if self.after is not None else self.before
        if shown is None:
            return f"{subject} {self.kind}"
        if self.subject in PROSE_DETAILS:
            return f"{subject} {self.kind} ({shown})"
        return f"{subject} {self.kind}: {mark_code(shown, code)}"


@dataclass
class OperationDrift:
    """The changes to one operation's method."""

    key: str  # "GET /3/movie/{movie_id}"
    method: str  # "movies.details"
    changes: list[Change]

    def label(self, *, code: bool = True) -> str:
        """``GET /3/movie/{movie_id}`` -> ``movies.details``."""
        return f"{mark_code(self.key, code)} -> {mark_code(self.method, code)}"


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
        used = ", ".join(mark_code(m, code) for m in self.used_by[:SHOWN_USERS])
        more = len(self.used_by) - SHOWN_USERS
        used += f" and {more} more" if more > 0 else ""
        return f"{self.kind} {mark_code(self.name, code)}" + (f" (used by {used})" if used else "")


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
        where = mark_code(self.where, code)
        return f"{where} -> {mark_code(self.method, code)}" if self.method else where


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
        sdk = counted(counts[NON_BREAKING], "non-breaking SDK change")
        operations = counted(counts["operations"], "operation")
        models = counted(counts["models"], "model or union", "models or unions")
        absorbed = counted(
            counts["absorbed"], "operation or document part", "operations or document parts"
        )
        documentation = counted(counts["documentation"], "change")
        parts = [
            f"{counts[BREAKING]} breaking and {sdk} ({operations}, {models})",
            f"{absorbed} changed upstream in ways the generator absorbs",
            f"{documentation} to descriptions, summaries or examples only",
        ]
        if not any(counts.values()):
            parts = ["the documents differ only in formatting; the pin must still follow"]
        return "Upstream changed: " + "; ".join(parts) + "."
