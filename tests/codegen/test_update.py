"""``python -m codegen update``: re-pin, regenerate, contract, changelog; and the pin's cache.

The end-to-end tests work in a temporary copy of the repository (the command writes into the tree
its ``codegen`` package lives in), pinned to the older snapshot and generated from it, then updated
to the pinned document: the result must be the committed state.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from codegen import spec
from codegen.__main__ import main
from codegen.drift_report import BREAKING, NON_BREAKING, Change, DriftReport, OperationDrift, Source
from codegen.pipeline import GENERATED_PATHS
from codegen.spec import Pin, SpecError, fetch, locate_pinned, read_pin, sha256_hex, write_pin
from codegen.update import (
    CHANGELOG_HEADER,
    ENTRIES_MARKER,
    captured_date,
    changelog_entry,
    new_pin,
    prepend_entry,
)

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
OLDER_SNAPSHOT = "tmdb-api-v3.2025-10.json"
# What the command needs of the repository: the generator, its inputs, the package, the contract.
REPOSITORY_PARTS = (
    "codegen",
    "openapi",
    "src",
    "docs",
    "pyproject.toml",
    "tests/contract.py",
    "tests/shared_data.py",  # the contract imports it to find the real responses
)
MODELS = "src/tmdbfusion/models/__init__.py"
CHANGELOG = "docs/changelog-api.md"
PIN = "openapi/pin.json"


def _copy_repository(target: Path) -> Path:
    for part in REPOSITORY_PARTS:
        source, destination = ROOT / part, target / part
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination)
    return target


def _run(root: Path, *args: str, spec_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m codegen`` in ``root``, finding documents only in ``spec_dir``."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", spec.SPEC_FILE_ENV)}
    env[spec.SPEC_DIR_ENV] = str(spec_dir)
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        check=False,
    )


def _tree(root: Path, rel: str) -> dict[str, bytes]:
    """Every file at ``rel`` (a file or a folder), by path relative to ``root``."""
    target = root / rel
    files = sorted(target.rglob("*")) if target.is_dir() else [target]
    return {
        f.relative_to(root).as_posix(): f.read_bytes()
        for f in files
        if f.is_file() and "__pycache__" not in f.parts
    }


# --- from the older snapshot to the pinned document ----------------------------------------------


@dataclass
class Updated:
    root: Path
    older_models: str
    older_find: str
    changelog_before: str
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def pinned_path() -> Path:
    return locate_pinned()


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory, pinned_path: Path) -> Updated:
    root = _copy_repository(tmp_path_factory.mktemp("repository"))
    older = pinned_path.parent / OLDER_SNAPSHOT
    committed = read_pin(root / PIN)
    older_pin = Pin(committed.url, sha256_hex(older.read_bytes()), "2025-10", OLDER_SNAPSHOT)
    write_pin(older_pin, root / PIN)
    generated = _run(root, "generate", spec_dir=pinned_path.parent)
    assert generated.returncode == 0, generated.stderr
    older_models = (root / MODELS).read_text(encoding="utf-8")
    older_find = (root / "src/tmdbfusion/resources/find.py").read_text(encoding="utf-8")
    changelog_before = (root / CHANGELOG).read_text(encoding="utf-8")
    result = _run(root, "update", "--spec", str(pinned_path), spec_dir=pinned_path.parent)
    return Updated(root, older_models, older_find, changelog_before, result)


def test_update_succeeds_and_says_what_it_did(updated: Updated) -> None:
    assert updated.result.returncode == 0, updated.result.stderr
    lines = updated.result.stdout.splitlines()
    assert lines[0].startswith("re-pinned: tmdb-api-v3.2026-05.json (sha256 9f73d876")
    # With the committed real-response evidence both snapshots heal to the fields the API sends
    # (origin_country, belongs_to_collection), so only the document's parameter changes remain.
    assert lines[1].startswith("Upstream changed: 1 breaking and 2 non-breaking SDK changes")
    contract = next(line for line in lines if line.startswith("contract: "))
    decoded, total = contract.split()[1].split("/")
    assert decoded == total and int(total) > 140


def test_the_older_snapshot_generated_different_code(updated: Updated) -> None:
    """Otherwise the byte-identical comparison below would prove nothing."""
    committed_find = (ROOT / "src/tmdbfusion/resources/find.py").read_text(encoding="utf-8")
    assert updated.older_find != committed_find
    # The evidence gives the older snapshot's MovieDetails the field its document lacked.
    assert "origin_country" in updated.older_models.split("class MovieDetails")[1][:3000]


def test_generated_code_is_byte_identical_to_the_committed_code(updated: Updated) -> None:
    for rel in GENERATED_PATHS:
        expected, actual = _tree(ROOT, rel), _tree(updated.root, rel)
        assert actual.keys() == expected.keys(), rel
        different = [path for path in expected if actual[path] != expected[path]]
        assert different == [], f"differs from the committed file: {different}"


def test_the_pin_is_the_committed_pin(updated: Updated) -> None:
    assert (updated.root / PIN).read_bytes() == (ROOT / PIN).read_bytes()


def test_the_document_is_cached_where_the_generator_finds_it(
    updated: Updated, pinned_path: Path
) -> None:
    pin = read_pin(updated.root / PIN)
    cached = updated.root / ".cache" / "openapi" / f"tmdb-api-{pin.sha256[:16]}.json"
    assert cached.read_bytes() == pinned_path.read_bytes()
    check = _run(updated.root, "check", spec_dir=updated.root / "nowhere")  # only the cache
    assert check.returncode == 0, check.stderr


def test_the_changelog_entry_lists_the_real_changes(updated: Updated) -> None:
    text = (updated.root / CHANGELOG).read_text(encoding="utf-8")
    header = updated.changelog_before.partition(ENTRIES_MARKER)[0] + ENTRIES_MARKER + "\n\n"
    assert text.startswith(header)
    entry, _, older_entries = text.removeprefix(header).partition("\n## ")
    assert entry.startswith("## 2026-05: tmdb-api-v3.2026-05.json\n")
    assert "Re-pinned from `tmdb-api-v3.2025-10.json` (captured 2025-10)" in entry
    breaking, non_breaking = entry.index("### Breaking"), entry.index("### Non-breaking")
    for line in (
        "#### `GET /3/find/{external_id}` -> `find.by_id`",
        "- query parameter `external_source` values removed: `''`",
    ):
        assert breaking < entry.index(line) < non_breaking, line
    for line in (
        "- query parameter `language` added, optional: `str`",
        '- query parameter `language` TMDB\'s default changed: `null` -> `"en-US"`',
    ):
        assert entry.index(line) > non_breaking, line
    assert "healing absorbs" in entry
    assert "/work/" not in entry and str(updated.root) not in entry  # no machine-local paths
    # Everything that was there before follows the new entry, unchanged.
    previous = updated.changelog_before.partition(ENTRIES_MARKER)[2].strip("\n")
    assert ("## " + older_entries).strip("\n") == previous


def test_updating_to_the_pinned_document_again_changes_nothing(
    updated: Updated, pinned_path: Path
) -> None:
    before = {rel: (updated.root / rel).read_bytes() for rel in (PIN, CHANGELOG, MODELS)}
    again = _run(updated.root, "update", "--spec", str(pinned_path), spec_dir=pinned_path.parent)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("already pinned to this document")
    assert {rel: (updated.root / rel).read_bytes() for rel in before} == before


# --- a contract failure writes nothing -----------------------------------------------------------


BAD_OVERRIDE = """
schema:
  - at: GET /3/movie/{movie_id} title
    type: integer
    reason: deliberately wrong, so that the contract refuses the update
"""


@pytest.fixture
def golden_repository(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A repository whose pin is the golden document, with an override the examples contradict."""
    root = _copy_repository(tmp_path / "repository")
    overrides = (GOLDEN / "overrides.yaml").read_text(encoding="utf-8") + BAD_OVERRIDE
    (root / "openapi" / "overrides.yaml").write_text(overrides, encoding="utf-8")
    # The golden document is healed from its own examples: no real-response evidence applies.
    (root / "openapi" / "observations.json").write_text("{}\n", encoding="utf-8")
    documents = tmp_path / "documents"
    documents.mkdir()
    base = (GOLDEN / "document.json").read_bytes()
    (documents / "tmdb-api-v3.2025-01.json").write_bytes(base)
    write_pin(
        Pin("https://example.invalid/tmdb-api.json", sha256_hex(base), "2025-01",
            "tmdb-api-v3.2025-01.json"),
        root / PIN,
    )  # fmt: skip
    document: dict[str, Any] = json.loads(base)
    document["info"]["version"] = "3.1"
    upstream = documents / "tmdb-api-v3.2025-02.json"
    upstream.write_text(json.dumps(document), encoding="utf-8")
    return root, documents, upstream


def test_a_failing_contract_leaves_the_repository_as_it_was(
    golden_repository: tuple[Path, Path, Path],
) -> None:
    root, documents, upstream = golden_repository
    watched = [PIN, CHANGELOG, MODELS, "src/tmdbfusion/resources/movies.py"]
    before = {rel: (root / rel).read_bytes() for rel in watched}
    result = _run(root, "update", "--spec", str(upstream), spec_dir=documents)
    assert result.returncode == 1, result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    assert "do not decode losslessly into the regenerated code" in line
    assert "GET /3/movie/{movie_id} example 0: decode failed: Expected `int | null`" in line
    assert "nothing was written" in line
    assert {rel: (root / rel).read_bytes() for rel in watched} == before


def test_update_needs_the_pinned_document_or_a_base(
    golden_repository: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    root, _, upstream = golden_repository
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _run(root, "update", "--spec", str(upstream), spec_dir=empty)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "was not found" in line and "--base PATH" in line


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<html>Service Unavailable</html>", "is not JSON"),
        ('{"swagger": "2.0", "paths": {}}', "is not an OpenAPI 3 document"),
    ],
)
def test_update_rejects_what_is_not_an_openapi_3_document(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tmdb-api-v3.2026-06.json"
    source.write_text(content, encoding="utf-8")
    pin_before = (ROOT / PIN).read_bytes()
    assert main(["update", "--spec", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert (ROOT / PIN).read_bytes() == pin_before


def test_update_rejects_a_malformed_capture_date(
    pinned_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older = str(pinned_path.parent / OLDER_SNAPSHOT)
    assert main(["update", "--spec", older, "--captured", "May 2026"]) == 2
    assert "--captured must be YYYY-MM or YYYY-MM-DD" in capsys.readouterr().err


# --- the pin, the changelog ----------------------------------------------------------------------


TODAY = datetime.date(2026, 6, 14)
PREVIOUS = Pin(
    "https://developer.themoviedb.org/openapi/tmdb-api.json", "0" * 64, "2026-05",
    "tmdb-api-v3.2026-05.json",
)  # fmt: skip


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("/data/openapi/tmdb-api-v3.2026-05.json", "2026-05"),
        (".cache/upstream/tmdb-api-v3.2026-06-09.json", "2026-06-09"),
        ("https://mirror.example/2026-04/tmdb-api.json", "2026-06-14"),  # the date is a folder
        ("/tmp/upstream.json", "2026-06-14"),
    ],
)
def test_captured_date(source: str, expected: str) -> None:
    assert captured_date(source, TODAY) == expected


def test_new_pin_for_a_local_copy_keeps_the_upstream_url() -> None:
    pin = new_pin("/tmp/tmdb-api-v3.2026-06.json", "f" * 64, PREVIOUS, captured=None, today=TODAY)
    assert pin == Pin(PREVIOUS.url, "f" * 64, "2026-06", "tmdb-api-v3.2026-06.json")


def test_new_pin_for_a_url_records_it() -> None:
    url = "https://mirror.example/tmdb-api.json"
    pin = new_pin(url, "f" * 64, PREVIOUS, captured="2026-07", today=TODAY)
    assert pin == Pin(url, "f" * 64, "2026-07", "tmdb-api-v3.2026-07.json")
    with pytest.raises(SpecError, match="--captured must be"):
        new_pin(url, "f" * 64, PREVIOUS, captured="07/2026", today=TODAY)


def _report() -> DriftReport:
    changes = [
        Change(NON_BREAKING, "query parameter", "language", "added, optional", None, "str"),
        Change(BREAKING, "query parameter", "page", "removed"),
    ]
    return DriftReport(
        Source(PREVIOUS.filename, PREVIOUS.sha256),
        Source("tmdb-api-v3.2026-06.json", "f" * 64),
        operations=[OperationDrift("GET /3/credit/{credit_id}", "credits.details", changes)],
    )


def test_changelog_entry_puts_breaking_changes_first() -> None:
    pin = Pin(PREVIOUS.url, "f" * 64, "2026-06", "tmdb-api-v3.2026-06.json")
    entry = changelog_entry(_report(), pin, PREVIOUS)
    assert entry.startswith("## 2026-06: tmdb-api-v3.2026-06.json\n\nRe-pinned from")
    assert entry.index("`page` removed") < entry.index("`language` added")
    assert "### Breaking changes" in entry and "#### `GET /3/credit/{credit_id}`" in entry


def test_prepend_entry_creates_the_changelog_and_keeps_older_entries(tmp_path: Path) -> None:
    changelog = tmp_path / "docs" / "changelog-api.md"
    prepend_entry(changelog, "## 2026-06: first\n\nOne.\n")
    prepend_entry(changelog, "## 2026-07: second\n\nTwo.\n")
    text = changelog.read_text(encoding="utf-8")
    assert text.startswith(CHANGELOG_HEADER)
    assert text.index("## 2026-07: second") < text.index("## 2026-06: first")
    assert text.endswith("One.\n") and "\n\n\n" not in text


def test_prepend_entry_without_the_marker(tmp_path: Path) -> None:
    changelog = tmp_path / "changelog-api.md"
    changelog.write_text("# API changes\n\nIntro.\n\n## 2026-05: old\n\nOld.\n", encoding="utf-8")
    prepend_entry(changelog, "## 2026-06: new\n\nNew.\n")
    assert changelog.read_text(encoding="utf-8") == (
        "# API changes\n\nIntro.\n\n## 2026-06: new\n\nNew.\n\n## 2026-05: old\n\nOld.\n"
    )


def test_the_committed_changelog_starts_with_the_current_pin() -> None:
    text = (ROOT / CHANGELOG).read_text(encoding="utf-8")
    pin = read_pin()
    assert text.startswith(CHANGELOG_HEADER)
    first = text.partition(ENTRIES_MARKER)[2].lstrip("\n")
    assert first.startswith(f"## {pin.captured}: {pin.filename}\n")


# --- fetch and the cache -------------------------------------------------------------------------

DOCUMENT = b'{"openapi": "3.1.0", "info": {"title": "t", "version": "3"}, "paths": {}}\n'


def test_fetch_keeps_a_verified_cached_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spec, "CACHE_DIR", tmp_path / "cache")
    unreachable = str(tmp_path / "upstream-is-gone.json")
    pin = Pin(unreachable, sha256_hex(DOCUMENT), "2026-05", "tmdb-api-v3.2026-05.json")
    with pytest.raises(SpecError, match="No such file"):
        fetch(pin)  # nothing cached: it must download
    cached = spec.store_in_cache(pin, DOCUMENT)
    assert fetch(pin) == cached  # a verified copy: no download
    cached.write_bytes(DOCUMENT + b" ")
    with pytest.raises(SpecError, match="No such file"):
        fetch(pin)  # a corrupted copy is not trusted


def test_store_in_cache_refuses_other_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spec, "CACHE_DIR", tmp_path)
    pin = Pin("https://example.invalid/", sha256_hex(DOCUMENT), "2026-05", "x.json")
    with pytest.raises(SpecError, match="sha256 mismatch"):
        spec.store_in_cache(pin, DOCUMENT + b"\n")


def test_fetch_needs_only_the_standard_library(pinned_path: Path, tmp_path: Path) -> None:
    """CI runs ``python -m codegen fetch`` before installing the generator's dependencies."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        for name in ("jinja2", "yaml", "msgspec"):
            sys.modules[name] = None  # importing them now fails, as on a bare runner
        import codegen.spec
        codegen.spec.CACHE_DIR = Path({str(tmp_path)!r})
        from codegen.__main__ import main
        sys.exit(main(["fetch", "--url", {str(pinned_path)!r}]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("fetched and verified: ")
    assert [p.name for p in tmp_path.iterdir()] == [f"tmdb-api-{read_pin().sha256[:16]}.json"]
