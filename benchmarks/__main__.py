"""Run every benchmark and print one table of figures, targets and PASS/FAIL.

``python -m benchmarks`` (what ``nox -s bench`` runs) takes about two minutes;
``--write-results`` also writes ``benchmarks/RESULTS.md``; ``--quick`` runs each measurement
briefly to check the harness works (its numbers mean nothing); ``--strict`` exits with status 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import (
    cache,
    decoding,
    import_time,
    memory,
    per_request,
    throughput,
    unknown_fields,
)
from benchmarks.nginx import ServerStats
from benchmarks.report import (
    Figure,
    RunInfo,
    explain_misses,
    render_results,
    render_table,
    summary_line,
)
from benchmarks.timing import FULL, QUICK, Effort

RESULTS_FILE = Path(__file__).resolve().parent / "RESULTS.md"
COMMAND = "nox -s bench -- --write-results"
SECTIONS = ("decoding", "requests", "async", "import", "memory", "cache")


@dataclass(frozen=True)
class Plan:
    """How much of each benchmark to run."""

    decoding: Effort
    requests: Effort
    async_seconds: float
    async_rounds: int
    import_runs: int
    movies: int
    memory_repeats: int
    cache: Effort


FULL_PLAN = Plan(
    decoding=FULL,
    requests=Effort(rounds=25, sample_seconds=0.03),
    async_seconds=0.4,
    async_rounds=7,
    import_runs=25,
    movies=10_000,
    memory_repeats=3,
    cache=Effort(rounds=25, sample_seconds=0.03),
)
QUICK_PLAN = Plan(
    decoding=QUICK,
    requests=QUICK,
    async_seconds=0.02,
    async_rounds=1,
    import_runs=1,
    movies=200,
    memory_repeats=1,
    cache=QUICK,
)


def installed(*modules: str) -> bool:
    """Tell whether every one of ``modules`` can be imported."""
    return all(importlib.util.find_spec(module) is not None for module in modules)


def method_notes(sync_server: ServerStats, async_server: ServerStats, plan: Plan) -> list[str]:
    """How each figure was measured, with the numbers that show the measurement is sound."""
    return [
        "**Decoding**: the pinned document's own examples (healed as the generator heals "
        "them), serialized compactly as TMDB sends them, decoded from bytes. pydantic v2 models "
        "are generated at bench time from the same healed schemas by datamodel-code-generator "
        "(with `media_type` discriminators, so pydantic uses its tagged-union fast path) and "
        "decode with `model_validate_json`. The hand-written baseline is one minimal msgspec "
        "Struct per object with the same fields and unions (checked to keep every value). "
        f"The variants of a payload run in turn, {plan.decoding.rounds} rounds of about "
        f"{plan.decoding.sample_seconds * 1e3:.0f} ms each; a ratio is the median of the "
        "ratios within each round, a time the median over rounds.",
        "**Unknown fields**: the request flow run without a network on each example, with "
        "`unknown_fields='ignore'` (the default, which tests one attribute) and `'warn'` (which "
        "also decodes the body to plain values and walks it against the model); the warnings "
        "fire once per client, before the timing.",
        "**Tagged unions**: TMDB puts `media_type` last (credits) or midway (search) in each "
        "object. msgspec then skips ahead to the tag and parses the object a second time, a "
        "cost the hand-written Structs share; the diagnostic rows decode the same data with "
        "the tag moved first to show it.",
        "**Per request**: nginx (one worker, on a free port, started and stopped by the "
        "benchmark) serves the examples, precompressed with gzip, over kept-alive connections "
        f"(it spent {sync_server.cpu_per_request * 1e6:.0f} µs of CPU per request, part of every "
        "variant's time). Raw httpx and raw requests decode into the SDK's own generated type, "
        "so the ratio is what the SDK adds per request; the CPU row compares the client "
        "process's CPU time alone (the SDK's share is the part the raw code does not spend, "
        "0% when the SDK spends less). tmdbsimple gets a shared "
        "`requests.Session` and its `Connection: close` header removed, so it too reuses "
        "connections and competes on client cost alone.",
        f"**Async throughput**: at each concurrency, as many workers each await one "
        f"`movies.details(i)` after another for {plan.async_seconds:g} s; every client may open "
        "as many connections as there are workers; the variants take turns in a rotating "
        f"order, {plan.async_rounds} rounds; a ratio is the median of the ratios within a "
        "round. CPU per request is the client process's CPU time over its requests; the SDK's "
        "share is the part of it the raw aiohttp + msgspec code does not spend. nginx used "
        f"{async_server.cpu_per_request * 1e6:.0f} µs of CPU per request. The machine has two "
        "cores shared with other work, so absolute rates are noisy; the interleaved ratios "
        "much less so.",
        f"**Import**: {plan.import_runs} fresh interpreters per statement, alternating, timing "
        "the import statement alone (interpreter start-up excluded, which would flatter the "
        "ratio); bytecode cached for both sides as an installed package has it. tmdbfusion "
        "imports its resources and models only when a namespace is first used "
        "(`client.movies`), which the second row times.",
        f"**Memory**: {plan.movies:,} movies from popular pages (the example page repeated with "
        "distinct ids), held in one list, measured with tracemalloc. A dict and a Struct hold "
        "the same value objects (strings such as `overview` dominate), so those values set a "
        "floor no container can go below; the rows after the figure show that floor and the "
        "containers compared alone. msgspec's `gc=False` would save another 16 B per Struct "
        "(about 1.4%) but would let any reference cycle a user builds through a model leak, "
        "so the models keep garbage collection.",
    ]


def run(plan: Plan, sections: tuple[str, ...]) -> tuple[list[Figure], list[str]]:
    """Run the chosen sections; return their figures and the method notes."""
    figures: list[Figure] = []
    sync_server = async_server = ServerStats()
    if "decoding" in sections:
        with_pydantic = installed("pydantic", "datamodel_code_generator")
        if not with_pydantic:
            print("pydantic or datamodel-code-generator missing: pydantic figures skipped")
        figures += decoding.run(plan.decoding, with_pydantic=with_pydantic)
        figures += unknown_fields.run(plan.decoding)
    if "requests" in sections:
        with_tmdbsimple = installed("tmdbsimple", "requests")
        if not with_tmdbsimple:
            print("tmdbsimple missing: its figures skipped")
        request_figures, sync_server = per_request.run(
            plan.requests, with_tmdbsimple=with_tmdbsimple
        )
        figures += request_figures
    if "async" in sections:
        async_figures, async_server = throughput.run(plan.async_rounds, plan.async_seconds)
        figures += async_figures
    if "import" in sections:
        figures += import_time.run(plan.import_runs)
    if "memory" in sections:
        figures += memory.run(plan.movies, plan.memory_repeats)
    if "cache" in sections:
        figures += cache.run(plan.cache)
    return figures, [*method_notes(sync_server, async_server, plan), cache.method_note(plan.cache)]


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run, print, and optionally write RESULTS.md."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny runs, to check the harness")
    parser.add_argument(
        "--write-results", action="store_true", help=f"also write {RESULTS_FILE.name}"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if any target is missed")
    parser.add_argument(
        "--only", nargs="+", choices=SECTIONS, default=list(SECTIONS), help="sections to run"
    )
    arguments = parser.parse_args(argv)
    plan = QUICK_PLAN if arguments.quick else FULL_PLAN
    started = time.perf_counter()
    figures, notes = run(plan, tuple(arguments.only))
    info = RunInfo(COMMAND, arguments.quick, time.perf_counter() - started)
    print(render_table(figures))
    print(f"\n{summary_line(figures)}. {info.describe()}")
    for line in explain_misses(figures):
        print(f"- {line}")
    if arguments.write_results:
        RESULTS_FILE.write_text(render_results(figures, info, notes), encoding="utf-8")
        print(f"wrote {RESULTS_FILE}")
    missed = any(figure.result == "FAIL" for figure in figures)
    return 1 if arguments.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
