"""Every response example of TMDB's document decodes into its generated type, losslessly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from codegen.pipeline import plan_document, write_files
from codegen.render import render_tree
from codegen.spec import parse_document, read_bytes
from tests.contract import check_document, differences

ROOT = Path(__file__).resolve().parents[2]
OLDER_SNAPSHOT = "tmdb-api-v3.2025-10.json"


def test_pinned_examples_decode_losslessly(pinned_path: Path) -> None:
    report = check_document(pinned_path)
    print(report.line())
    assert report.total + len(report.skipped) == 152, "one 2xx example per operation"
    assert len(report.skipped) == 1
    assert report.failures == {}
    assert report.lossless == report.total


def test_differences_catches_losses() -> None:
    assert differences({"a": None}, {}) == ["$.a: dropped"]
    assert differences({"a": 1}, {"a": 1, "b": 2}) == ["$.b: invented value 2"]
    assert differences({"a": 1}, {"a": 1, "b": None}) == []
    assert differences({"v": 8.5}, {"v": 8}) == ["$.v: 8.5 became 8"]
    assert differences({"x": True}, {"x": 1}) == ["$.x: True became 1"]


def test_older_snapshot_generates_and_decodes_losslessly(pinned_path: Path, tmp_path: Path) -> None:
    older = pinned_path.parent / OLDER_SNAPSHOT
    assert older.is_file(), f"the older snapshot {older} is needed beside the pinned one"
    plan, _, _ = plan_document(parse_document(read_bytes(older), source=str(older)))
    # A complete package in a temporary tree: the hand-written core plus the regenerated code.
    shutil.copytree(ROOT / "src", tmp_path / "src")
    shutil.rmtree(tmp_path / "src" / "tmdbfusion" / "resources")
    write_files(render_tree(plan), root=tmp_path)
    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'src'}{os.pathsep}{ROOT}"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "contract.py"), str(older)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=tmp_path,
    )
    report = json.loads(result.stdout.splitlines()[-1])
    print(f"older snapshot: {report['lossless']}/{report['total']} examples decoded losslessly")
    assert report["failures"] == {}
    assert report["lossless"] == report["total"] > 140
