"""Score mutmut's results per module, with equivalent mutants set aside.

mutmut keeps one ``<source>.meta`` JSON file per mutated source file under ``mutants/``,
mapping each mutant's name to the exit code of the tests run against it.  This module
reads those files, classifies every mutant, leaves out the mutants listed as equivalent
in ``equivalents.toml`` (each with the change it makes and a one-line reason), and checks
the thresholds set there.  It knows nothing of how the run was made, so it is tested on
small hand-written result files.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - mutmut itself depends on toml below Python 3.11
    import toml as tomllib

__all__ = [
    "Equivalent",
    "ModuleScore",
    "Settings",
    "check_equivalents",
    "classify",
    "load_results",
    "load_settings",
    "render",
    "score_modules",
    "threshold_failures",
]

# Exit codes as mutmut records them (mutmut.stats.status_by_exit_code, mutmut 3.8).
KILLED = "killed"
SURVIVED = "survived"
NO_TESTS = "no tests"
NOT_CHECKED = "not checked"
SKIPPED = "skipped"
SUSPICIOUS = "suspicious"
_STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    0: SURVIVED,
    1: KILLED,
    3: KILLED,  # an internal pytest error under the mutant
    5: NO_TESTS,
    33: NO_TESTS,
    34: SKIPPED,
    36: KILLED,  # timed out: the mutant made the tests hang, which the tests then report
    24: KILLED,  # SIGXCPU: CPU time limit, a timeout too
    -24: KILLED,
    152: KILLED,
    255: KILLED,
    37: KILLED,  # caught by the type checker (only with type_check_command)
    -11: KILLED,  # crashed the interpreter
    -9: KILLED,  # killed after its time limit
    None: NOT_CHECKED,
}


def classify(exit_code: int | None) -> str:
    """Return what one mutant's recorded exit code means."""
    return _STATUS_BY_EXIT_CODE.get(exit_code, SUSPICIOUS)


@dataclass(frozen=True)
class Equivalent:
    """A mutant no behaviour can tell apart from the original code."""

    mutant: str
    change: str
    reason: str


@dataclass(frozen=True)
class Settings:
    """Thresholds and the list of equivalent mutants, from ``equivalents.toml``."""

    overall_threshold: float
    module_threshold: float
    equivalents: dict[str, Equivalent]


def load_settings(path: Path) -> Settings:
    """Read ``equivalents.toml``: thresholds (percent) and ``[[equivalent]]`` entries."""
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    thresholds = data["thresholds"]
    equivalents: dict[str, Equivalent] = {}
    for entry in data.get("equivalent", []):
        missing = {"mutant", "change", "reason"} - entry.keys()
        if missing:
            raise ValueError(f"{path}: an equivalent entry lacks {sorted(missing)}: {entry}")
        if not entry["reason"].strip():
            raise ValueError(f"{path}: {entry['mutant']} is listed without a reason")
        if entry["mutant"] in equivalents:
            raise ValueError(f"{path}: {entry['mutant']} is listed twice")
        equivalents[entry["mutant"]] = Equivalent(
            entry["mutant"], entry["change"].strip(), entry["reason"].strip()
        )
    return Settings(float(thresholds["overall"]), float(thresholds["module"]), equivalents)


def load_results(mutants_dir: Path) -> dict[str, dict[str, int | None]]:
    """Return each mutated source file (relative path) with its mutants' exit codes."""
    results: dict[str, dict[str, int | None]] = {}
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        exit_codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if exit_codes:
            results[meta.relative_to(mutants_dir).as_posix().removesuffix(".meta")] = exit_codes
    return results


@dataclass
class ModuleScore:
    """How the tests fared against the mutants of one source file (or of all of them)."""

    module: str
    killed: int = 0
    survived: list[str] = field(default_factory=list)
    no_tests: list[str] = field(default_factory=list)
    suspicious: list[str] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    equivalent: int = 0
    skipped: int = 0

    @property
    def counted(self) -> int:
        """Mutants that count: all but equivalent, skipped and not yet checked ones."""
        return self.killed + len(self.survived) + len(self.no_tests) + len(self.suspicious)

    @property
    def score(self) -> float:
        """Percent of the counted mutants the tests killed (100 when none count)."""
        return 100.0 if not self.counted else 100.0 * self.killed / self.counted

    def add(self, other: ModuleScore) -> None:
        """Add another module's counts to this one's."""
        self.killed += other.killed
        self.survived += other.survived
        self.no_tests += other.no_tests
        self.suspicious += other.suspicious
        self.not_checked += other.not_checked
        self.equivalent += other.equivalent
        self.skipped += other.skipped


def score_modules(
    results: Mapping[str, Mapping[str, int | None]], equivalents: Iterable[str]
) -> tuple[list[ModuleScore], ModuleScore]:
    """Score each module and all of them together; surviving equivalents are left out."""
    equivalent = set(equivalents)
    modules: list[ModuleScore] = []
    overall = ModuleScore("overall")
    for module, exit_codes in sorted(results.items()):
        row = ModuleScore(module)
        for mutant, exit_code in sorted(exit_codes.items()):
            status = classify(exit_code)
            if status == SURVIVED and mutant in equivalent:
                row.equivalent += 1
            elif status == KILLED:
                row.killed += 1
            elif status == SURVIVED:
                row.survived.append(mutant)
            elif status == NO_TESTS:
                row.no_tests.append(mutant)
            elif status == NOT_CHECKED:
                row.not_checked.append(mutant)
            elif status == SKIPPED:
                row.skipped += 1
            else:
                row.suspicious.append(mutant)
        modules.append(row)
        overall.add(row)
    return modules, overall


def check_equivalents(
    results: Mapping[str, Mapping[str, int | None]],
    equivalents: Mapping[str, Equivalent],
    added_lines: Callable[[str], list[str]],
) -> list[str]:
    """Return what is wrong with the equivalent list against this run's results.

    An entry is stale when its mutant no longer exists, when a test now kills it, or when
    the mutant of that name makes another change (mutmut numbers a function's mutants in
    order, so editing the function moves the numbers).  ``added_lines`` returns the lines
    a mutant puts in place of the original ones.
    """
    exit_code_of = {name: code for codes in results.values() for name, code in codes.items()}
    problems: list[str] = []
    for name, entry in sorted(equivalents.items()):
        if name not in exit_code_of:
            problems.append(f"{name}: listed as equivalent, but no such mutant exists any more")
            continue
        status = classify(exit_code_of[name])
        if status == NOT_CHECKED:
            continue
        changed = [line.strip() for line in added_lines(name)]
        if entry.change not in changed:
            problems.append(
                f"{name}: listed as equivalent for the change {entry.change!r}, "
                f"but this mutant now makes {changed!r}; update the entry"
            )
        elif status == KILLED:
            problems.append(f"{name}: listed as equivalent, but a test kills it; remove the entry")
    return problems


def threshold_failures(
    modules: Iterable[ModuleScore], overall: ModuleScore, settings: Settings
) -> list[str]:
    """Return each score under its threshold, and each run left incomplete."""
    failures = [
        f"{row.module}: {row.score:.1f}% is under the {settings.module_threshold:g}% per module"
        for row in modules
        if row.score < settings.module_threshold
    ]
    if overall.score < settings.overall_threshold:
        failures.append(
            f"overall: {overall.score:.1f}% is under the {settings.overall_threshold:g}% overall"
        )
    if overall.not_checked:
        failures.append(f"{len(overall.not_checked)} mutants were not checked (run interrupted?)")
    return failures


def render(modules: Iterable[ModuleScore], overall: ModuleScore) -> str:
    """The score table: one row per module, then the overall row."""
    header = (
        "module",
        "mutants",
        "killed",
        "survived",
        "no test",
        "equivalent",
        "not run",
        "score",
    )
    rows = [
        (
            row.module.removeprefix("src/"),
            str(row.counted + row.equivalent + len(row.not_checked)),
            str(row.killed),
            str(len(row.survived) + len(row.suspicious)),
            str(len(row.no_tests)),
            str(row.equivalent),
            str(len(row.not_checked)),
            # A module none of whose mutants has run yet has no score, not a perfect one.
            "-" if row.not_checked and not row.counted else f"{row.score:.1f}%",
        )
        for row in [*modules, overall]
    ]
    widths = [max(len(cells[i]) for cells in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        padded = [cell.rjust(width) for cell, width in zip(cells, widths, strict=True)]
        padded[0] = cells[0].ljust(widths[0])
        return "  ".join(padded)

    table = [line(header), line(tuple("-" * w for w in widths)), *map(line, rows)]
    table.insert(len(table) - 1, table[1])
    return "\n".join(table)
