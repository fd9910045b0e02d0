"""The overrides file format: validation, lookup, and stale-entry reporting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codegen.overrides import Overrides, OverridesError, load_overrides, parse_overrides

VALID = {
    "operations": [
        {"at": "GET /3/find/{external_id}", "name": "by_id", "reason": "  reads well  "},
    ],
    "model_names": [
        {"at": "key cast", "name": "CastMember", "reason": "a credit list's cast"},
        {"at": "rename Poster", "name": "Image", "reason": "one image record"},
    ],
}


def test_parse_builds_entries_per_section() -> None:
    overrides = parse_overrides(VALID)
    (entry,) = overrides.entries("operations")
    assert entry.section == "operations"
    assert entry.at == "GET /3/find/{external_id}"
    assert entry.data == {"name": "by_id"}
    assert entry.reason == "reads well"
    assert not entry.used
    assert entry.label() == "operations: GET /3/find/{external_id}"
    assert [e.at for e in overrides.entries("model_names")] == ["key cast", "rename Poster"]
    assert overrides.entries("schema") == []


def test_empty_file_means_no_overrides() -> None:
    assert parse_overrides(None).sections == {}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (["operations"], "mapping"),
        ({"operation": []}, "unknown overrides section 'operation'"),
        ({"schema": {"at": "GET /3/movie/{movie_id}"}}, "must be a list"),
        ({"schema": [{"nullable": True, "reason": "r"}]}, "needs an 'at'"),
        ({"schema": ["GET /3/movie/{movie_id}"]}, "needs an 'at'"),
        ({"schema": [{"at": "GET /3/movie/{movie_id} title", "nullable": True}]}, "no reason"),
        ({"schema": [{"at": "GET /3/movie/{movie_id}", "reason": "   "}]}, "no reason"),
        ({"schema": [{"at": "GET /3/movie/{movie_id}", "reason": 3}]}, "no reason"),
    ],
)
def test_parse_rejects_malformed_overrides(raw: Any, message: str) -> None:
    with pytest.raises(OverridesError, match=message):
        parse_overrides(raw)


def test_find_marks_used_and_unused_reports_the_rest() -> None:
    overrides = parse_overrides(VALID)
    assert len(overrides.unused()) == 3
    entry = overrides.find("model_names", "key cast")
    assert entry is not None
    assert entry.data["name"] == "CastMember"
    assert entry.used
    assert overrides.find("model_names", "key crew") is None
    assert overrides.find("operations", "key cast") is None  # lookups stay in their section
    assert [e.label() for e in overrides.unused()] == [
        "operations: GET /3/find/{external_id}",
        "model_names: rename Poster",
    ]


def test_load_overrides_reads_yaml(tmp_path: Path) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text(
        "# comment\n"
        "tagged_unions:\n"
        "  - at: GET /3/search/multi results[]\n"
        "    tags: [movie, person, tv]\n"
        "    reason: search/multi also returns people\n",
        encoding="utf-8",
    )
    overrides = load_overrides(path)
    (entry,) = overrides.entries("tagged_unions")
    assert entry.data == {"tags": ["movie", "person", "tv"]}


def test_load_overrides_absent_or_empty_file(tmp_path: Path) -> None:
    assert load_overrides(tmp_path / "missing.yaml").sections == {}
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    assert load_overrides(empty).sections == {}


def test_default_overrides_object_is_empty() -> None:
    assert Overrides().entries("operations") == []
    assert Overrides().unused() == []
