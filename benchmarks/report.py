"""Figures, their targets, and the markdown table they are reported in."""

from __future__ import annotations

import datetime
import os
import platform
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.timing import Samples

# Packages whose versions decide the numbers; shown under the table.
_VERSIONED = ("httpx", "aiohttp", "msgspec", "pydantic", "requests", "tmdbsimple")


@dataclass(frozen=True)
class Target:
    """A bound a figure must respect, e.g. ``at most 0.35``."""

    relation: str  # "<=", ">=" or "<"
    bound: float

    def met_by(self, value: float) -> bool:
        """Tell whether ``value`` respects the bound."""
        if self.relation == "<=":
            return value <= self.bound
        if self.relation == ">=":
            return value >= self.bound
        if self.relation == "<":
            return value < self.bound
        raise ValueError(f"unknown relation {self.relation!r}")

    def __str__(self) -> str:
        symbol = {"<=": "≤", ">=": "≥", "<": "<"}[self.relation]
        return f"{symbol} {self.bound:g}x"


def at_most(bound: float) -> Target:
    """Target: the figure is ``bound`` or less."""
    return Target("<=", bound)


def at_least(bound: float) -> Target:
    """Target: the figure is ``bound`` or more."""
    return Target(">=", bound)


def below(bound: float) -> Target:
    """Target: the figure is strictly less than ``bound``."""
    return Target("<", bound)


@dataclass(frozen=True)
class Figure:
    """One row of the results table.

    Attributes
    ----------
    section : str
        What kind of benchmark produced it ("Decoding", "Import", ...).
    name : str
        What is compared, e.g. ``"movie details: generated / json.loads"``.
    value : float
        The ratio (``unit == "x"``) or an absolute amount in ``unit``.
    target : Target or None
        The bound from the issue; None for figures shown for context only.
    measured : str
        The absolute numbers behind the ratio, e.g. ``"2.1 µs vs 8.3 µs"``.
    unit : str
        ``"x"`` for ratios, else the unit of ``value`` (e.g. ``"ms"``).
    limit : str or None
        What bounds the figure, measured, shown if it misses its target.
    """

    section: str
    name: str
    value: float
    target: Target | None
    measured: str
    unit: str = "x"
    limit: str | None = None

    @property
    def result(self) -> str:
        """``PASS``, ``FAIL``, or ``info`` when the figure has no target."""
        if self.target is None:
            return "info"
        return "PASS" if self.target.met_by(self.value) else "FAIL"

    def shown_value(self) -> str:
        """The value as printed: ``0.25x`` or ``11.3 ms``."""
        if self.unit == "x":
            return f"{self.value:.2f}x"
        return f"{self.value:.1f} {self.unit}"


def format_seconds(seconds: float) -> str:
    """Print a duration with a unit that keeps three significant digits."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def compare(
    section: str,
    name: str,
    samples: Samples,
    mine: str,
    other: str,
    target: Target | None,
    suffix: str = "",
) -> Figure:
    """The figure of ``mine``'s time over ``other``'s, with both medians as the measurement."""
    return Figure(
        section,
        name,
        samples.ratio(mine, other),
        target,
        f"{format_seconds(samples.median(mine))} vs {format_seconds(samples.median(other))}"
        + suffix,
    )


def format_bytes(size: float) -> str:
    """Print a memory size in MB (10^6 bytes)."""
    return f"{size / 1e6:.2f} MB"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_line() -> str:
    """Describe where the numbers were taken: CPU, cores, OS, Python and library versions."""
    versions = ", ".join(f"{name} {_version(name)}" for name in _VERSIONED)
    python = platform.python_implementation() + " " + platform.python_version()
    return (
        f"{_cpu_model()}, {os.cpu_count()} logical CPUs, {platform.system()} "
        f"{platform.release()}; {python}; {versions}"
    )


def render_table(figures: list[Figure]) -> str:
    """The figures as a markdown table, in the order given."""
    lines = [
        "| Section | Figure | Value | Target | Result | Measured |",
        "|---|---|---:|---:|:---:|---|",
    ]
    for figure in figures:
        target = str(figure.target) if figure.target is not None else "—"
        lines.append(
            f"| {figure.section} | {figure.name} | {figure.shown_value()} | {target} "
            f"| {figure.result} | {figure.measured} |"
        )
    return "\n".join(lines)


def explain_misses(figures: list[Figure]) -> list[str]:
    """One line per missed target: the figure, and what bounds it when that is known."""
    lines = []
    for figure in figures:
        if figure.result != "FAIL":
            continue
        why = figure.limit or (
            "no known bound; timings on a busy machine vary between runs, so run it again"
        )
        lines.append(f"{figure.name} = {figure.shown_value()} (target {figure.target}): {why}")
    return lines


def summary_line(figures: list[Figure]) -> str:
    """How many targets were met, e.g. ``21 of 23 targets met``."""
    judged = [figure for figure in figures if figure.target is not None]
    passed = sum(figure.result == "PASS" for figure in judged)
    return f"{passed} of {len(judged)} targets met"


@dataclass(frozen=True)
class RunInfo:
    """How the run was made, printed with the table."""

    command: str
    quick: bool
    seconds: float

    def describe(self) -> str:
        """One line: date, duration and mode."""
        mode = " (quick mode: too few repetitions to trust)" if self.quick else ""
        today = datetime.date.today().isoformat()
        return f"Run on {today} in {self.seconds:.0f} s{mode}."


def render_results(figures: list[Figure], run: RunInfo, notes: list[str]) -> str:
    """The whole RESULTS.md: table, summary, misses, machine, how to reproduce, method notes."""
    misses = explain_misses(figures)
    missed_part = ["## Targets missed", "", *[f"- {line}" for line in misses], ""] if misses else []
    parts = [
        "# Benchmark results",
        "",
        "Written by `python -m benchmarks --write-results`; do not edit by hand.",
        "Ratios are tmdbfusion's time (or memory) divided by the alternative's, medians of "
        "repeated interleaved runs; below 1 means tmdbfusion is faster (or smaller), except "
        "for async throughput, where above 1 means more requests per second.",
        "",
        render_table(figures),
        "",
        f"**{summary_line(figures)}.** {run.describe()}",
        "",
        *missed_part,
        f"Machine: {machine_line()}.",
        "",
        "Reproduce from the repository root, with TMDB's pinned OpenAPI document findable "
        "(`TMDBFUSION_OPENAPI_DIR`, see `codegen/spec.py`):",
        "",
        "```bash",
        run.command,
        "```",
        "",
        "## How each figure is measured",
        "",
        *[f"- {note}" for note in notes],
        "",
    ]
    return "\n".join(parts)
