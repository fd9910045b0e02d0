"""Re-pin to a new TMDB document and regenerate, in one command.

``python -m codegen update --spec PATH_OR_URL`` (or ``nox -s update -- --spec PATH_OR_URL``):

1. read the new document and check that it is an OpenAPI 3 document;
2. compare it with the pinned one (``codegen.drift``: what changes for SDK users);
3. generate the SDK from it, in memory (``codegen.pipeline.generate``);
4. run the contract (``tests/contract.py``: every response example of the new document decodes
   losslessly into the new generated types) against a temporary copy of the package holding the
   new code;
5. only when the contract holds, write: the pin (``openapi/pin.json``), the generated files, the
   document into the git-ignored cache (``.cache/openapi``, where ``locate_pinned`` finds it), and
   a new entry at the top of ``docs/changelog-api.md`` written from the drift report.

A contract failure leaves the repository as it was (exit status 1); bad input (unreadable, not
JSON, not OpenAPI 3, a base document that does not match the pin) is exit status 2.

The new pin records:

- ``sha256``: of the exact bytes;
- ``captured``: ``--captured`` if given, else the date in the source's file name
  (``tmdb-api-v3.2026-05.json`` -> ``2026-05``; a ``YYYY-MM-DD`` day is kept whole), else today's
  UTC date as ``YYYY-MM-DD``;
- ``url``: the URL given as ``--spec``; for a local file, the current pin's URL, because the file is
  a copy of what that URL serves (how maintainers and the spec-drift workflow obtain it);
- ``filename``: ``tmdb-api-v3.<captured>.json``, the name each snapshot has in the shared folder
  that ``TMDBFUSION_OPENAPI_DIR`` points to.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .drift import compare_documents, read_document, read_pinned
from .drift_render import render_markdown
from .drift_report import DriftReport, Source
from .pipeline import plan_document, render_all, write_files
from .spec import (
    PIN_FILE,
    ROOT,
    Pin,
    SpecError,
    read_pin,
    store_in_cache,
    write_pin,
)

CHANGELOG = ROOT / "docs" / "changelog-api.md"
CONTRACT_SCRIPT = ROOT / "tests" / "contract.py"
ENTRIES_MARKER = "<!-- Newest entry first. `python -m codegen update` adds each entry below. -->"
CHANGELOG_HEADER = f"""# TMDB API changelog

What changed in TMDB's OpenAPI document each time this SDK was re-pinned to a new copy of it.
`python -m codegen update` writes every entry from the drift report: breaking changes for SDK users
first, then non-breaking ones, then what the generator absorbed (TMDB changed its document and the
SDK stayed the same), then how many descriptions, summaries and examples changed.

{ENTRIES_MARKER}
"""
SNAPSHOT_NAME = "tmdb-api-v3.{captured}.json"
CAPTURED_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}(?:-\d{2})?)(?!\d)")
CAPTURED_FORMAT = re.compile(r"\d{4}-\d{2}(-\d{2})?")
# How many failing examples the contract error names.
SHOWN_FAILURES = 5


class ContractError(Exception):
    """The new document's examples do not decode losslessly into the code generated from it."""


@dataclass
class ContractOutcome:
    """What ``tests/contract.py`` reported for one document."""

    total: int
    lossless: int
    failures: dict[str, list[str]] = field(default_factory=dict)

    def line(self) -> str:
        """``151/151 examples decoded losslessly``."""
        return f"{self.lossless}/{self.total} examples decoded losslessly"


@dataclass
class UpdateResult:
    """What one update did."""

    pin: Pin
    report: DriftReport | None = None  # None: the document was already the pinned one
    files: int = 0
    contract: ContractOutcome | None = None


def captured_date(source: str, today: datetime.date) -> str:
    """The capture date a document's name states, or ``today`` (``YYYY-MM-DD``)."""
    name = source.rstrip("/").rsplit("/", 1)[-1]
    found = CAPTURED_DATE.search(name)
    return found.group(1) if found else today.isoformat()


def new_pin(
    source: str, sha256: str, previous: Pin, *, captured: str | None, today: datetime.date
) -> Pin:
    """The pin for the document read from ``source`` (see the module docstring for each field)."""
    if captured is not None and not CAPTURED_FORMAT.fullmatch(captured):
        raise SpecError(f"--captured must be YYYY-MM or YYYY-MM-DD, not {captured!r}")
    when = captured or captured_date(source, today)
    url = source if source.startswith(("http://", "https://")) else previous.url
    return Pin(url=url, sha256=sha256, captured=when, filename=SNAPSHOT_NAME.format(captured=when))


def run_contract(files: dict[str, str], document: bytes) -> ContractOutcome:
    """Run ``tests/contract.py`` on ``document`` against a temporary package holding ``files``."""
    if not CONTRACT_SCRIPT.is_file():
        raise SpecError(f"the contract script {CONTRACT_SCRIPT} is missing")
    with tempfile.TemporaryDirectory(prefix="tmdbfusion-contract-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__"))
        write_files(files, root=work)
        spec_path = work / "document.json"
        spec_path.write_bytes(document)
        paths = [str(work / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
        result = subprocess.run(
            [sys.executable, str(CONTRACT_SCRIPT), str(spec_path)],
            capture_output=True,
            text=True,
            env=env,
            cwd=work,
            check=False,
        )
    if result.returncode != 0 or not result.stdout.strip():
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ContractError(f"the contract check could not run on the new code: {last}")
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return ContractOutcome(
        total=int(data["total"]),
        lossless=int(data["lossless"]),
        failures=dict(data["failures"]),
    )


def changelog_entry(report: DriftReport, pin: Pin, previous: Pin) -> str:
    """One changelog entry: a heading for the new pin, then the drift report in Markdown."""
    lines = [
        f"## {pin.captured}: {pin.filename}",
        "",
        f"Re-pinned from `{previous.filename}` (captured {previous.captured}) to the document "
        f"captured {pin.captured} from <{pin.url}>.",
        "",
        render_markdown(report, level=3).rstrip("\n"),
        "",
    ]
    return "\n".join(lines)


def prepend_entry(changelog: Path, entry: str) -> None:
    """Put ``entry`` above the existing entries (creating the changelog if needed)."""
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else CHANGELOG_HEADER
    if ENTRIES_MARKER in text:
        head, _, rest = text.partition(ENTRIES_MARKER)
        text = f"{head}{ENTRIES_MARKER}\n\n{entry}\n{rest.lstrip(chr(10))}"
    else:
        # A changelog edited without the marker: new entries still go above the first one.
        head, found, rest = text.partition("\n## ")
        head = head.rstrip("\n")
        text = f"{head}\n\n{entry}\n## {rest}" if found else f"{head}\n\n{entry}"
    changelog.parent.mkdir(parents=True, exist_ok=True)
    changelog.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def _base_document(base: str | None, previous: Pin) -> tuple[dict[str, Any], Source]:
    if base is not None:
        document, source, _ = read_document(base)
        return document, Source(Path(base).name, source.sha256)
    try:
        document, source = read_pinned()
    except SpecError as exc:
        raise SpecError(
            f"{exc} The changelog entry compares the new document with the pinned one: provide "
            "it, or pass --base PATH to the document the SDK was generated from."
        ) from exc
    return document, Source(previous.filename, source.sha256)


def update(
    spec: str,
    *,
    base: str | None = None,
    captured: str | None = None,
    today: datetime.date | None = None,
) -> UpdateResult:
    """Re-pin to the document at ``spec``, regenerate, check the contract, write the changelog."""
    previous = read_pin()
    document, source, data = read_document(spec)
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    pin = new_pin(spec, source.sha256, previous, captured=captured, today=today)
    if pin.sha256 == previous.sha256:
        return UpdateResult(pin=previous)
    base_document, base_source = _base_document(base, previous)
    report = compare_documents(
        base_document,
        document,
        base_source=base_source,
        upstream_source=Source(pin.filename, pin.sha256),
    )
    # The document is already parsed: plan it here rather than re-reading it through `generate`.
    files = render_all(plan_document(document)[0])
    contract = run_contract(files, data)
    if contract.failures:
        shown = "; ".join(
            f"{where}: {problems[0]}"
            for where, problems in list(contract.failures.items())[:SHOWN_FAILURES]
        )
        raise ContractError(
            f"{len(contract.failures)} of {contract.total} response examples of {spec} do not "
            f"decode losslessly into the regenerated code ({shown}); nothing was written: fix "
            "openapi/overrides.yaml (`python -m codegen heal` shows what healing did) and rerun"
        )
    write_pin(pin, PIN_FILE)
    write_files(files)
    store_in_cache(pin, data)
    prepend_entry(CHANGELOG, changelog_entry(report, pin, previous))
    return UpdateResult(pin, report, len(files), contract)
