"""The declarative fixes to TMDB's document, read from ``openapi/overrides.yaml``.

Every entry names where it applies and carries a one-line ``reason``. The stages that apply entries
mark them used, so entries that no longer match anything after a spec update are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .spec import ROOT

OVERRIDES_FILE = ROOT / "openapi" / "overrides.yaml"


class OverridesError(Exception):
    """The overrides file is malformed."""


@dataclass
class Entry:
    """One override: where it applies, what it says, and why."""

    section: str
    at: str
    data: dict[str, Any]
    reason: str
    used: bool = False

    def label(self) -> str:
        """Human-readable identification for reports."""
        return f"{self.section}: {self.at}"


@dataclass
class Overrides:
    """All override entries, grouped by section."""

    sections: dict[str, list[Entry]] = field(default_factory=dict)

    def entries(self, section: str) -> list[Entry]:
        """Return the entries of one section (empty if absent)."""
        return self.sections.get(section, [])

    def find(self, section: str, at: str) -> Entry | None:
        """Return the entry of ``section`` located ``at``, marking it used."""
        for entry in self.entries(section):
            if entry.at == at:
                entry.used = True
                return entry
        return None

    def unused(self) -> list[Entry]:
        """Entries nothing applied: stale after a spec update, or mistyped."""
        return [e for entries in self.sections.values() for e in entries if not e.used]


KNOWN_SECTIONS = (
    "tagged_unions",
    "schema",
    "request_bodies",
    "operations",
    "model_names",
    "namespaces",
    "parameters",
    "idempotent_writes",
    "append_to_response",
    "fields",
)


def parse_overrides(raw: Any) -> Overrides:
    """Validate the YAML structure and build Overrides."""
    if raw is None:
        return Overrides()
    if not isinstance(raw, dict):
        raise OverridesError("overrides must be a mapping of section -> list of entries")
    sections: dict[str, list[Entry]] = {}
    for section, items in raw.items():
        if section not in KNOWN_SECTIONS:
            raise OverridesError(f"unknown overrides section {section!r}; known: {KNOWN_SECTIONS}")
        if not isinstance(items, list):
            raise OverridesError(f"section {section!r} must be a list")
        parsed: list[Entry] = []
        for item in items:
            if not isinstance(item, dict) or "at" not in item:
                raise OverridesError(f"every entry of {section!r} needs an 'at': {item!r}")
            reason = item.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                raise OverridesError(f"entry {section}: {item['at']} has no reason")
            data = {k: v for k, v in item.items() if k not in ("at", "reason")}
            parsed.append(Entry(section, str(item["at"]), data, reason.strip()))
        sections[section] = parsed
    return Overrides(sections)


def load_overrides(path: Path = OVERRIDES_FILE) -> Overrides:
    """Load the overrides file (an absent file means no overrides)."""
    if not path.is_file():
        return Overrides()
    return parse_overrides(yaml.safe_load(path.read_text(encoding="utf-8")))
