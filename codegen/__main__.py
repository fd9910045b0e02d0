"""Command line: ``python -m codegen {generate,check,heal,fetch,drift,update}``.

- ``generate``: regenerate the SDK from the pinned document; ``check``: fail when the committed
  generated code is stale; ``heal``: print what healing changes.
- ``fetch``: download the pinned document into ``.cache/openapi`` and verify its sha256 (needs
  only the standard library, so CI can run it before installing anything).
- ``drift``: report what changed upstream for SDK users (``codegen/drift.py``); with
  ``--observations NEW``, what refreshed observations change instead
  (``codegen/drift_observations.py``). Exit status 0: no change; 1: changes found; 2: error.
- ``update``: re-pin to a new document, regenerate, check the contract, prepend to the API
  changelog (``codegen/update.py``). Exit status 0: done; 1: the contract failed and nothing was
  written; 2: error.

- ``observe``: distil recorded responses (``--corpus DIR``, repeatable) into the committed
  ``openapi/observations.json`` (``codegen/observe.py``).

Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .observe import OBSERVATIONS
from .spec import SpecError, fetch

FORMATS = ("text", "markdown", "json")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (the workflow tests read the commands and options from it)."""
    parser = argparse.ArgumentParser(
        prog="python -m codegen", description="tmdbfusion's generator and its maintenance commands"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("generate", "regenerate models, resources and the reference docs"),
        ("check", "fail if the committed generated code differs from a fresh generation"),
        ("heal", "print what healing changes in the document, and stale overrides"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--spec", help="path of the document (default: the pinned one)")
    fetch_command = commands.add_parser("fetch", help="download the pinned document to the cache")
    fetch_command.add_argument("--url", help="download from here instead of the pinned URL")

    drift = commands.add_parser("drift", help="report what changed upstream for SDK users")
    drift.add_argument("--base", help="the older document (default: the pinned one, verified)")
    drift.add_argument("--upstream", help="the newer document, path or URL (default: pinned URL)")
    drift.add_argument("--format", choices=FORMATS, default="text", help="report format")
    drift.add_argument(
        "--show-docs-changes",
        action="store_true",
        help="list the description, summary and example changes, not only their count",
    )
    drift.add_argument("--output", type=Path, help="write the report here instead of stdout")
    drift.add_argument(
        "--save-upstream", type=Path, help="keep a copy of the upstream document here"
    )
    drift.add_argument(
        "--observations",
        type=Path,
        help="instead of documents, compare refreshed observations (written by `observe --out`) "
        "with --observations-base, on the --base document (default: the pinned one)",
    )
    drift.add_argument(
        "--observations-base",
        type=Path,
        help="the observations to compare with (default: the committed openapi/observations.json)",
    )

    observe = commands.add_parser(
        "observe", help="distil recorded responses into openapi/observations.json"
    )
    observe.add_argument(
        "--corpus",
        type=Path,
        action="append",
        required=True,
        help="a folder with MANIFEST.json and the bodies it lists (repeat to merge corpora)",
    )
    observe.add_argument("--out", type=Path, default=OBSERVATIONS, help="where to write")

    update = commands.add_parser("update", help="re-pin to a new document and regenerate")
    update.add_argument("--spec", required=True, help="the new document, path or URL")
    update.add_argument("--base", help="the document the SDK was generated from (default: pinned)")
    update.add_argument("--captured", help="capture date for the pin, YYYY-MM or YYYY-MM-DD")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one generator command; return the process exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "fetch":
            print(f"fetched and verified: {fetch(url=args.url)}")
            return 0
        if args.command == "drift":
            return _drift(args)
        if args.command == "update":
            return _update(args)
        if args.command == "observe":
            return _observe(args)
        return _generate(args)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _generate(args: argparse.Namespace) -> int:
    # Imported here: these need the codegen extras (jinja2, pyyaml, ruff); ``fetch`` does not.
    from .pipeline import committed_differences, generate, write_files

    files, report, overrides = generate(args.spec)
    for entry in overrides.unused():
        print(f"warning: override matches nothing: {entry.label()}", file=sys.stderr)
    if args.command == "heal":
        from .pipeline import heal_counts

        print(report.summary())
        print("\n".join(report.changes))
        before, after = heal_counts(args.spec)
        print("model fields, document examples only -> with evidence and overrides:")
        for name in before:
            print(f"  {name}: {before[name]} -> {after[name]}")
        return 0
    if args.command == "generate":
        write_files(files)
        print(f"generated {len(files)} files")
        return 0
    problems = committed_differences(files)
    if problems:
        print("generated code is out of date; run `nox -s generate` and commit:", file=sys.stderr)
        print("\n".join(f"  {p}" for p in problems), file=sys.stderr)
        return 1
    print(f"generated code is up to date ({len(files)} files)")
    return 0


def _observe(args: argparse.Namespace) -> int:
    from .observe import observe_corpora, write_observations

    try:
        observations = observe_corpora(args.corpus)
    except (ValueError, OSError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write_observations(observations, args.out)
    fields = sum(
        len(keys) for facts in observations.operations.values() for keys in facts.fields.values()
    )
    responses = sum(facts.responses for facts in observations.operations.values())
    skipped = ", ".join(f"{count} {why}" for why, count in sorted(observations.skipped.items()))
    print(
        f"observed {responses} responses of {len(observations.operations)} operations, "
        f"{fields} fields; skipped {skipped or 'none'}; wrote {args.out}"
    )
    return 0


def _drift(args: argparse.Namespace) -> int:
    if args.observations is not None:
        return _observations_drift(args)
    from .drift import RENDERERS, drift

    report = drift(args.base, args.upstream, save_upstream=args.save_upstream)
    text = RENDERERS[args.format](report, show_documentation=args.show_docs_changes)
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(report.summary())
    else:
        print(text, end="")
    return 1 if report.changed else 0


def _observations_drift(args: argparse.Namespace) -> int:
    from .drift_observations import observations_drift, render

    result = observations_drift(args.observations, args.observations_base, args.base)
    text = render(result, args.format)
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(result.summary())
    else:
        print(text, end="")
    return 1 if result.changed else 0


def _update(args: argparse.Namespace) -> int:
    from .update import CHANGELOG, ContractError, update

    try:
        result = update(args.spec, base=args.base, captured=args.captured)
    except ContractError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    pin = result.pin
    if result.report is None:
        print(f"already pinned to this document ({pin.filename}, sha256 {pin.sha256}): no change")
        return 0
    print(f"re-pinned: {pin.filename} (sha256 {pin.sha256}, captured {pin.captured}, {pin.url})")
    print(result.report.summary())
    print(f"generated {result.files} files")
    if result.contract is not None:
        print(f"contract: {result.contract.line()}")
    print(f"changelog: new entry at the top of {CHANGELOG}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
