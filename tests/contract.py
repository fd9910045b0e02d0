"""Decode every response example of a TMDB document, and every recorded real response, losslessly.

Importable by the tests, and runnable as a script against another generated tree (the tests run it
in a subprocess for the older snapshot): ``python tests/contract.py SPEC [CORPUS]`` prints a JSON
report (``total``, ``lossless``, ``failures``, ``skipped`` for the examples; ``real`` for the
corpus of recorded responses, ``../shared/real-responses`` by default, when it exists).

Lossless means every key of the original comes back with an equal value. Two re-encodings are not
losses: TMDB's ``null`` and ``""`` may come back as ``None`` (a date field decodes ``""`` to
``None``), and dates and timestamps are compared as instants (msgspec writes
``2019-08-20T17:37:07.000Z`` back as ``2019-08-20T17:37:07Z``).
"""

from __future__ import annotations

import datetime
import json
import re
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
from codegen.observe import EDITED_RECORDINGS, load_manifest, without_paths  # noqa: E402
from codegen.pipeline import plan_document  # noqa: E402
from codegen.spec import parse_document, read_bytes  # noqa: E402
from tests.shared_data import REAL_RESPONSES  # noqa: E402
from tmdbfusion._decode import decoder_for  # noqa: E402

# Examples in TMDB's document that are not real API output, with why.
BOGUS_EXAMPLES = {
    "GET /3/movie/{movie_id}/recommendations": "TMDB's example is an empty object, not a page",
    "GET /3/collection/{collection_id}": (
        "TMDB's example gives the parts TV keys (name, original_name); the API sends movies, with"
        " title and original_title (every one of the 56 recorded parts)"
    ),
}
# Keys the SDK may add when re-encoding, with why this is not a loss of information.
ALLOWED_ADDITIONS = {
    "media_type": "tagged Structs always write their tag; TMDB omits it where the list is one kind",
}
EMPTY = (None, "")


@dataclass
class ContractReport:
    """What decoding the examples (or the recorded responses) found."""

    total: int = 0
    lossless: int = 0
    what: str = "examples"
    skipped: dict[str, str] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)
    not_in_document: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        """The one-line summary the tests print."""
        line = f"{self.lossless}/{self.total} {self.what} decoded losslessly"
        if self.skipped:
            kind = "with listed edits removed" if self.what != "examples" else "listed exceptions"
            line += f" ({len(self.skipped)} {kind}: {self.skipped})"
        if self.not_in_document:
            shown = ", ".join(f"{k} ({n})" for k, n in sorted(self.not_in_document.items()))
            line += f"; not operations of this document: {shown}"
        return line

    def as_json(self) -> dict[str, Any]:
        """The script's report."""
        return {
            "total": self.total,
            "lossless": self.lossless,
            "failures": self.failures,
            "skipped": self.skipped,
            "not_in_document": self.not_in_document,
        }


def _instant(text: str) -> datetime.date | datetime.datetime | None:
    """The date or timestamp ``text`` spells, or None when it is not one."""
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        cleaned = text.replace(" UTC", "+00:00").replace("Z", "+00:00").replace(" ", "T", 1)
        moment = datetime.datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    # A naive timestamp and its UTC spelling are the same instant for TMDB.
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def same_scalar(original: Any, roundtrip: Any) -> bool:
    """Whether a re-encoded scalar carries the original's information."""
    if original in EMPTY and roundtrip is None:
        return True
    if isinstance(original, bool) != isinstance(roundtrip, bool):
        return False
    if original == roundtrip:
        return True
    if isinstance(original, str) and isinstance(roundtrip, str):
        before, after = _instant(original), _instant(roundtrip)
        return before is not None and type(before) is type(after) and before == after
    return False


def differences(original: Any, roundtrip: Any, path: str = "$") -> list[str]:
    """List where ``roundtrip`` lost or changed information of ``original``.

    Every key of the original must come back with an equal value (``null`` and ``""`` may come
    back as ``None``, dates as the same date). Keys the Struct adds may only carry defaults (None,
    [], {}) or be in ALLOWED_ADDITIONS.
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
    if not same_scalar(original, roundtrip):
        return [f"{path}: {original!r} became {roundtrip!r}"]
    return []


def _decode_problems(body: Any, target: Any) -> list[str]:
    try:
        decoded = decoder_for(target).decode(msgspec.json.encode(body))
    except msgspec.ValidationError as exc:
        return [f"decode failed: {exc}"]
    return differences(body, msgspec.to_builtins(decoded))


def _differs_at(body: Any, target: Any, path: str) -> bool:
    """Whether decoding ``body`` fails or loses information at ``path`` (``[]``: any item)."""
    for problem in _decode_problems(body, target):
        found = re.search(r"at `([^`]*)`", problem) if problem.startswith("decode") else None
        where = found.group(1) if found else problem.split(":", 1)[0]
        where = re.sub(r"\[\d+\]", "[]", where)
        if where == path or where.startswith((f"{path}.", f"{path}[")):
            return True
    return False


def _targets(spec_path: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parsed document and each operation's generated response type."""
    import tmdbfusion.models as models

    document = parse_document(read_bytes(spec_path), source=str(spec_path))
    plan, _, _ = plan_document(document)
    namespace = vars(models)
    targets = {
        f"{op.http_method} {op.path}": eval(op.cast_to, namespace)  # such as "list[Country]"
        for ns in plan.namespaces
        for op in ns.operations
    }
    return document, targets


def check_document(spec_path: str | Path) -> ContractReport:
    """Run the contract over every 2xx response example of the document."""
    document, targets = _targets(spec_path)
    # Heal a fresh copy to read decoded examples (the plan does not keep them).
    from codegen.heal import heal_document
    from codegen.observe import OBSERVATIONS, load_observations
    from codegen.overrides import load_overrides

    healed, _ = heal_document(document, load_overrides(), load_observations(OBSERVATIONS))
    report = ContractReport()
    for method, path, operation in iter_operations(healed):
        key = operation_key(method, path)
        media = success_media(operation) or {}
        for index, value in enumerate(example_values(media)):
            where = f"{key} example {index}"
            if key in BOGUS_EXAMPLES:
                report.skipped[where] = BOGUS_EXAMPLES[key]
                continue
            report.total += 1
            problems = _decode_problems(value, targets[key])
            if problems:
                report.failures[where] = problems[:10]
            else:
                report.lossless += 1
    return report


def locate_corpus() -> Path | None:
    """The corpus of recorded responses (see ``tests/shared_data.py``); None when it is missing."""
    return REAL_RESPONSES if (REAL_RESPONSES / "MANIFEST.json").is_file() else None


def check_corpus(spec_path: str | Path, corpus: Path) -> ContractReport:
    """Decode every successful v3 recording of ``corpus`` into its operation's generated type.

    A recording of an operation the document does not have (an endpoint TMDB retired) is counted
    in ``not_in_document``, not in the total.
    """
    _, targets = _targets(spec_path)
    report = ContractReport(what="real responses")
    for entry in load_manifest(corpus):
        template = str(entry.get("path_template", ""))
        if entry.get("http_status") is not None or not template.startswith("/3/"):
            continue
        key = operation_key(str(entry.get("method", "GET")), template)
        if key not in targets:
            report.not_in_document[key] = report.not_in_document.get(key, 0) + 1
            continue
        name = str(entry["file"])
        body = json.loads((corpus / name).read_text(encoding="utf-8"))
        if name in EDITED_RECORDINGS:
            paths, reason = EDITED_RECORDINGS[name]
            stale = [
                path
                for path in paths
                if not _differs_at(
                    without_paths(body, [p for p in paths if p != path]), targets[key], path
                )
            ]
            if stale:
                report.failures[f"{key} {name}"] = [f"listed as edited at {stale}, but is not"]
                continue
            report.skipped[name] = f"{', '.join(paths)} removed: {reason}"
            body = without_paths(body, paths)
        problems = _decode_problems(body, targets[key])
        report.total += 1
        if problems:
            report.failures[f"{key} {name}"] = problems[:10]
        else:
            report.lossless += 1
    return report


if __name__ == "__main__":
    result = check_document(sys.argv[1]).as_json()
    corpus = Path(sys.argv[2]) if len(sys.argv) > 2 else locate_corpus()
    if corpus is not None:
        result["real"] = check_corpus(sys.argv[1], corpus).as_json()
    print(json.dumps(result))
