"""Every response example of TMDB's document decodes into its generated type, losslessly."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from codegen.pipeline import plan_document, write_files
from codegen.render import render_tree
from codegen.spec import parse_document, read_bytes
from tests import contract
from tests.contract import (
    EDITED_RECORDINGS,
    check_corpus,
    check_document,
    differences,
    locate_corpus,
    same_scalar,
)

ROOT = Path(__file__).resolve().parents[2]
OLDER_SNAPSHOT = "tmdb-api-v3.2025-10.json"


def test_pinned_examples_decode_losslessly(pinned_path: Path) -> None:
    report = check_document(pinned_path)
    print(report.line())
    assert report.total + len(report.skipped) == 152, "one 2xx example per operation"
    assert set(report.skipped) == {f"{where} example 0" for where in contract.BOGUS_EXAMPLES}
    assert report.failures == {}
    assert report.lossless == report.total


def test_pinned_real_responses_decode_losslessly(pinned_path: Path) -> None:
    corpus = locate_corpus()
    assert corpus is not None, "the recorded responses are needed in ../shared/real-responses"
    report = check_corpus(pinned_path, corpus)
    print(report.line())
    assert report.total > 400
    assert set(report.skipped) == set(EDITED_RECORDINGS), "every listed exception still applies"
    assert report.failures == {}
    assert report.lossless == report.total


def test_differences_catches_losses() -> None:
    assert differences({"a": None}, {}) == ["$.a: dropped"]
    assert differences({"a": 1}, {"a": 1, "b": 2}) == ["$.b: invented value 2"]
    assert differences({"a": 1}, {"a": 1, "b": None}) == []
    assert differences({"v": 8.5}, {"v": 8}) == ["$.v: 8.5 became 8"]
    assert differences({"x": True}, {"x": 1}) == ["$.x: True became 1"]
    assert differences({"d": "2019-08-20"}, {"d": "2019-08-21"}) == [
        "$.d: '2019-08-20' became '2019-08-21'"
    ]
    assert differences({"n": "Kim"}, {"n": None}) == ["$.n: 'Kim' became None"]
    assert differences({"n": None}, {"n": 0}) == ["$.n: None became 0"]


def test_empty_and_null_may_come_back_as_none() -> None:
    assert differences({"release_date": ""}, {"release_date": None}) == []
    assert differences({"deathday": None}, {"deathday": None}) == []
    assert same_scalar("", "")
    assert not same_scalar(None, "")  # a null must not come back as a value


def test_decoded_dates_and_timestamps_compare_with_their_json() -> None:
    # What the contract sees once date fields decode to datetime.date and datetime.datetime.
    class Dated(msgspec.Struct):
        release_date: datetime.date | None
        created_at: datetime.datetime

    original = {"release_date": "2019-08-20", "created_at": "2019-08-20T17:37:07.000Z"}
    decoded = msgspec.json.decode(msgspec.json.encode(original), type=Dated)
    assert differences(original, msgspec.to_builtins(decoded)) == []
    later = msgspec.to_builtins(Dated(datetime.date(2019, 8, 21), decoded.created_at))
    assert differences(original, later) == ["$.release_date: '2019-08-20' became '2019-08-21'"]


def test_dates_and_timestamps_compare_as_instants() -> None:
    assert same_scalar("2019-08-20T17:37:07.000Z", "2019-08-20T17:37:07Z")
    assert same_scalar("2019-08-20T17:37:07.000Z", "2019-08-20T17:37:07+00:00")
    assert same_scalar("2019-08-20 17:37:07 UTC", "2019-08-20T17:37:07Z")
    assert not same_scalar("2019-08-20T17:37:07Z", "2019-08-20T17:37:08Z")
    assert not same_scalar("2019-08-20", "2019-08-20T00:00:00Z")  # a date is not a timestamp
    assert not same_scalar("text", "text ")


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
    real = report["real"]
    print(f"older snapshot: {real['lossless']}/{real['total']} real responses decoded losslessly")
    assert report["failures"] == {}
    assert report["lossless"] == report["total"] > 140
    assert set(real["skipped"]) == set(EDITED_RECORDINGS)
    assert real["failures"] == {}
    assert real["lossless"] == real["total"] > 400


def _tiny_corpus(tmp_path: Path, bodies: dict[str, object]) -> Path:
    manifest = []
    for name, body in bodies.items():
        (tmp_path / name).write_text(json.dumps(body), encoding="utf-8")
        manifest.append({"file": name, "method": "GET", "path_template": "/3/genre/movie/list"})
    manifest.append({"file": "gone.json", "method": "GET", "path_template": "/3/job/list"})
    (tmp_path / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    return tmp_path


def test_the_corpus_check_counts_losses_and_stale_exceptions(
    pinned_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    genres = {"genres": [{"id": 28, "name": "Action"}]}
    corpus = _tiny_corpus(
        tmp_path,
        {
            "good.json": genres,
            "extra.json": {"genres": [{"id": 28, "name": "Action", "slug": "action"}]},
            # A genre's id and name are plain fields: an edit removes a key the model lacks.
            "edited.json": {"genres": [{"id": 28, "name": "Action", "slug": 28}]},
            "stale.json": genres,
        },
    )
    edits = {
        "edited.json": (("$.genres[].slug",), "slugs added by the recorder"),
        "stale.json": (("$.genres[].slug",), "no longer differs"),
    }
    monkeypatch.setattr(contract, "EDITED_RECORDINGS", edits)
    report = check_corpus(pinned_path, corpus)
    assert report.not_in_document == {"GET /3/job/list": 1}
    assert report.total == 3
    assert report.lossless == 2  # good.json, and edited.json once its listed edit is removed
    assert report.skipped == {"edited.json": "$.genres[].slug removed: slugs added by the recorder"}
    assert report.failures == {
        "GET /3/genre/movie/list extra.json": ["$.genres[0].slug: dropped"],
        "GET /3/genre/movie/list stale.json": [
            "listed as edited at ['$.genres[].slug'], but is not"
        ],
    }
    assert report.line().startswith("2/3 real responses decoded losslessly (1 with listed edits")
