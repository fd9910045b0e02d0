"""Mutation-test the hand-written core and print the score per module and overall.

``python -m mutation`` (what ``nox -s mutation`` runs) starts from scratch: mutmut copies
``src/`` to ``mutants/``, mutates every hand-written module (``[tool.mutmut]`` in pyproject
leaves out the generated code and ``testing/``), finds which tests reach each function and
runs only those against each of its mutants.  Then the results are scored, with the
equivalent mutants of ``mutation/equivalents.toml`` left out, and the run fails when a score
is under its threshold or the equivalent list has gone stale.

``python -m mutation pagination images`` runs and judges only those modules;
``--reuse`` keeps the previous results and re-runs what had survived (after adding tests);
``--report`` only prints the score of the last run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from mutation.score import (
    ModuleScore,
    check_equivalents,
    load_results,
    load_settings,
    render,
    score_modules,
    threshold_failures,
)

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
SETTINGS = Path(__file__).resolve().parent / "equivalents.toml"
PACKAGE = "tmdbfusion"


def module_file(module: str) -> str:
    """The source file of a core module named like ``pagination`` or ``tmdbfusion.images``."""
    dotted = module.removeprefix(f"{PACKAGE}.").removesuffix(".py").replace("/", ".")
    relative = Path("src", PACKAGE, *dotted.split("."))
    if (ROOT / relative).is_dir():
        relative = relative / "__init__.py"
    else:
        relative = relative.with_suffix(".py")
    if not (ROOT / relative).is_file():
        raise SystemExit(f"no core module {module!r} (looked for {relative})")
    return relative.as_posix()


def mutant_pattern(source_file: str) -> str:
    """The glob mutmut matches against the names of one source file's mutants."""
    dotted = source_file.removeprefix("src/").removesuffix(".py").replace("/", ".")
    # mutmut drops ``__init__`` from the names of a package's own mutants.
    return dotted.removesuffix(".__init__") + ".x*"


def run_mutmut(names: Sequence[str], max_children: int | None) -> None:
    """Run ``mutmut run`` from the repository root; stop if it fails."""
    command = [sys.executable, "-m", "mutmut", "run"]
    if max_children:
        command += ["--max-children", str(max_children)]
    completed = subprocess.run([*command, *names], cwd=ROOT, check=False)
    if completed.returncode:
        raise SystemExit(f"mutmut run failed with exit code {completed.returncode}")


def unresolved(rows: Sequence[ModuleScore]) -> list[str]:
    """Mutants worth running again: survivors, untested, suspicious."""
    return [name for row in rows for name in (*row.survived, *row.no_tests, *row.suspicious)]


def change_lookup(results: Mapping[str, Mapping[str, int | None]]) -> Callable[[str], list[str]]:
    """A lookup of the lines each mutant puts in place of the original ones (mutmut's diff).

    For a mutant that only deletes lines, the deleted ones, each as ``removes: LINE``.
    """
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    file_of = {name: module for module, codes in results.items() for name in codes}

    def added_lines(mutant: str) -> list[str]:
        diff = get_diff_for_mutant(mutant, path=file_of[mutant]).splitlines()
        added = [line[1:] for line in diff if line[:1] == "+" and line[:3] != "+++"]
        if added:
            return added
        # A mutant that only deletes (an argument, a line) is named by what it takes away.
        removed = [line[1:].strip() for line in diff if line[:1] == "-" and line[:3] != "---"]
        return [f"removes: {line}" for line in removed]

    return added_lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run mutmut as asked, print the score table, return 1 if a threshold is missed."""
    parser = argparse.ArgumentParser(prog="python -m mutation", description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="core modules to run, e.g. pagination")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--reuse", action="store_true", help="re-run only the last survivors")
    mode.add_argument("--report", action="store_true", help="only score the last run")
    parser.add_argument("--max-children", type=int, help="parallel mutant runs (default: cores)")
    args = parser.parse_args(argv)

    # The tests run inside mutants/, so the document's default place beside the checkout moves.
    os.environ.setdefault("TMDBFUSION_OPENAPI_DIR", str(ROOT.parent / "shared" / "openapi"))
    os.environ.setdefault(
        "TMDBFUSION_REAL_RESPONSES_DIR", str(ROOT.parent / "shared" / "real-responses")
    )
    files = [module_file(module) for module in args.modules]
    patterns = [mutant_pattern(source_file) for source_file in files]
    settings = load_settings(SETTINGS)

    started = time.monotonic()
    if not args.report:
        if not args.reuse:
            shutil.rmtree(MUTANTS, ignore_errors=True)
            run_mutmut(patterns, args.max_children)
        else:
            # First what is new or was never checked, then what survived last time.
            run_mutmut(patterns, args.max_children)
            previous = selected(load_results(MUTANTS), files)
            again = unresolved(score_modules(previous, settings.equivalents)[0])
            if again:
                run_mutmut(again, args.max_children)
    elapsed = time.monotonic() - started

    os.chdir(ROOT)  # mutmut's diff helpers read mutants/ relative to the working directory
    results = selected(load_results(MUTANTS), files)
    if not results:
        print("No mutation results yet: run `nox -s mutation` first.")
        return 1
    modules, overall = score_modules(results, settings.equivalents)
    print()
    print(render(modules, overall))
    if not args.report:
        print(f"\nmutmut took {elapsed:.0f} s")
    changes = change_lookup(results)
    for name in unresolved(modules):
        print(f"  survived: {name}: {'; '.join(line.strip() for line in changes(name))}")
    # With modules chosen, only their entries can be checked against this run.
    listed = {
        name: entry
        for name, entry in settings.equivalents.items()
        if not files or any(name in codes for codes in results.values())
    }
    problems = check_equivalents(results, listed, changes)
    failures = problems + threshold_failures(modules, overall, settings)
    for failure in failures:
        print(f"FAIL {failure}")
    return 1 if failures else 0


def selected(
    results: dict[str, dict[str, int | None]], files: Sequence[str]
) -> dict[str, dict[str, int | None]]:
    """The results of the chosen source files (all of them when none were chosen)."""
    return {module: codes for module, codes in results.items() if not files or module in files}


if __name__ == "__main__":
    sys.exit(main())
