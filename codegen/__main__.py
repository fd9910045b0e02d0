"""Command line: ``python -m codegen {generate,check,fetch,heal}``."""

from __future__ import annotations

import argparse
import sys

from .pipeline import committed_differences, generate, write_files
from .spec import SpecError, fetch


def main(argv: list[str] | None = None) -> int:
    """Run one generator command; return the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("generate", "regenerate models, resources and docs/reference/endpoints.md"),
        ("check", "fail if the committed generated code differs from a fresh generation"),
        ("heal", "print what healing changes in the document, and stale overrides"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--spec", help="path of the document (default: the pinned one)")
    fetch_command = commands.add_parser("fetch", help="download the pinned document to the cache")
    fetch_command.add_argument("--url", help="download from here instead of the pinned URL")
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            print(f"fetched and verified: {fetch(url=args.url)}")
            return 0
        files, report, overrides = generate(args.spec)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stale = overrides.unused()
    for entry in stale:
        print(f"warning: override matches nothing: {entry.label()}", file=sys.stderr)
    if args.command == "heal":
        print(report.summary())
        print("\n".join(report.changes))
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


if __name__ == "__main__":
    sys.exit(main())
