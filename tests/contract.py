"""Decode every response example of a TMDB document into its generated type, losslessly.

Importable by the tests, and runnable as a script against another generated tree (the tests run it
in a subprocess for the older snapshot): ``python tests/contract.py SPEC`` prints a JSON report.
"""

from __future__ import annotations

import datetime
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts tests/ first on the path, where tests/codegen would shadow codegen.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "tests"]
sys.path.insert(0, str(ROOT))

from codegen.heal import example_values, iter_operations, operation_key, success_media  # noqa: E402
from codegen.pipeline import plan_document  # noqa: E402
from codegen.spec import parse_document, read_bytes  # noqa: E402
from tmdbfusion._decode import decoder_for  # noqa: E402

# Keys the SDK may add when re-encoding, with why this is not a loss of information.
# Examples in TMDB's document that are not real API output, with why.
BOGUS_EXAMPLES = {
    "GET /3/movie/{movie_id}/recommendations": "TMDB's example is an empty object, not a page",
}
ALLOWED_ADDITIONS = {
    "media_type": "tagged Structs always write their tag; TMDB omits it where the list is one kind",
}


@dataclass
class ContractReport:
    """What decoding the examples found."""

    total: int = 0
    lossless: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)

    def line(self) -> str:
        """The one-line summary the tests print."""
        line = f"{self.lossless}/{self.total} examples decoded losslessly"
        if self.skipped:
            line += f" ({len(self.skipped)} listed exceptions: {self.skipped})"
        return line


def differences(original: Any, roundtrip: Any, path: str = "$") -> list[str]:
    """List where ``roundtrip`` lost or changed information of ``original``.

    Every key of the original must come back with an equal value (nulls included). Keys the Struct
    adds may only carry defaults (None, [], {}) or be in ALLOWED_ADDITIONS.
    """
    if isinstance(original, dict):
        if not isinstance(roundtrip, dict):
            return [f"{path}: object became {type(roundtrip).__name__}"]
        problems = []
        for key, value in original.items():
            if key not in roundtrip:
                problems.append(f"{path}.{key}: dropped")
            else:
                problems += differences(value, roundtrip[key], f"{path}.{key}")
        for key, value in roundtrip.items():
            if key not in original and value not in (None, [], {}) and key not in ALLOWED_ADDITIONS:
                problems.append(f"{path}.{key}: invented value {value!r}")
        return problems
    if isinstance(original, list):
        if not isinstance(roundtrip, list) or len(roundtrip) != len(original):
            return [f"{path}: list changed"]
        return [
            p
            for i, (a, b) in enumerate(zip(original, roundtrip, strict=True))
            for p in differences(a, b, f"{path}[{i}]")
        ]
    if original == "" and roundtrip is None:
        return []  # TMDB's "" for an unknown date decodes to None (tmdbfusion._dates)
    changed = isinstance(original, bool) != isinstance(roundtrip, bool) or original != roundtrip
    if changed and not _same_moment(original, roundtrip):
        return [f"{path}: {original!r} became {roundtrip!r}"]
    return []


def _same_moment(original: Any, roundtrip: Any) -> bool:
    """Whether two strings are one timestamp written two ways (``.000Z`` re-encodes as ``Z``)."""
    if not isinstance(original, str) or not isinstance(roundtrip, str):
        return False
    try:
        return bool(
            msgspec.convert(original, datetime.datetime)
            == msgspec.convert(roundtrip, datetime.datetime)
        )
    except msgspec.ValidationError:
        return False


def check_document(spec_path: str | Path) -> ContractReport:
    """Run the contract over every 2xx response example of the document."""
    import tmdbfusion.models as models

    document = parse_document(read_bytes(spec_path), source=str(spec_path))
    plan, _, _ = plan_document(document)
    cast_by_key = {
        f"{op.http_method} {op.path}": op.cast_to for ns in plan.namespaces for op in ns.operations
    }
    # Heal a fresh copy to read decoded examples (the plan does not keep them).
    from codegen.heal import heal_document
    from codegen.observe import OBSERVATIONS, load_observations
    from codegen.overrides import load_overrides

    healed, _ = heal_document(document, load_overrides(), load_observations(OBSERVATIONS))
    namespace = vars(models)
    report = ContractReport()
    for method, path, operation in iter_operations(healed):
        key = operation_key(method, path)
        media = success_media(operation) or {}
        target = eval(cast_by_key[key], namespace)  # annotations such as "list[Country]"
        for index, value in enumerate(example_values(media)):
            where = f"{key} example {index}"
            if key in BOGUS_EXAMPLES:
                report.skipped[where] = BOGUS_EXAMPLES[key]
                continue
            report.total += 1
            try:
                decoded = decoder_for(target).decode(msgspec.json.encode(value))
            except msgspec.ValidationError as exc:
                report.failures[where] = [f"decode failed: {exc}"]
                continue
            problems = differences(value, msgspec.to_builtins(decoded))
            if problems:
                report.failures[where] = problems[:10]
            else:
                report.lossless += 1
    return report


if __name__ == "__main__":
    result = check_document(sys.argv[1])
    print(
        json.dumps(
            {
                "total": result.total,
                "lossless": result.lossless,
                "failures": result.failures,
                "skipped": result.skipped,
            }
        )
    )
