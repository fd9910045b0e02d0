"""Scoring mutmut's results (``python -m mutation``) on small hand-written result files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mutation.score import (
    Equivalent,
    Settings,
    check_equivalents,
    load_results,
    load_settings,
    render,
    score_modules,
    threshold_failures,
)

PAGES = "tmdbfusion.pagination.xǁ_PageBaseǁ__getattr____mutmut_"
IMAGES = "tmdbfusion.images.x_build__mutmut_"


def write_meta(mutants: Path, source: str, exit_codes: dict[str, int | None]) -> None:
    meta = mutants / f"{source}.meta"
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps({"exit_code_by_key": exit_codes, "durations_by_key": {}}))


@pytest.fixture
def results(tmp_path: Path) -> dict[str, dict[str, int | None]]:
    write_meta(tmp_path, "src/tmdbfusion/pagination.py", {f"{PAGES}{n}": 1 for n in range(1, 8)})
    write_meta(
        tmp_path,
        "src/tmdbfusion/images.py",
        {f"{IMAGES}1": 1, f"{IMAGES}2": 0, f"{IMAGES}3": 33, f"{IMAGES}4": 36, f"{IMAGES}5": 0},
    )
    write_meta(tmp_path, "src/tmdbfusion/__init__.py", {})  # no functions, no mutants
    return load_results(tmp_path)


def test_results_are_read_per_source_file(results: dict[str, dict[str, int | None]]) -> None:
    assert sorted(results) == ["src/tmdbfusion/images.py", "src/tmdbfusion/pagination.py"]
    assert results["src/tmdbfusion/images.py"][f"{IMAGES}3"] == 33


def test_scores_count_timeouts_as_kills_and_leave_out_equivalents(
    results: dict[str, dict[str, int | None]],
) -> None:
    modules, overall = score_modules(results, [f"{IMAGES}5"])
    images, pagination = modules
    assert (images.killed, images.survived, images.no_tests, images.equivalent) == (
        2,
        [f"{IMAGES}2"],
        [f"{IMAGES}3"],
        1,
    )
    assert images.score == pytest.approx(50.0)
    assert pagination.score == 100.0
    assert overall.killed == 9
    assert overall.score == pytest.approx(100 * 9 / 11)
    table = render(modules, overall).splitlines()
    assert table[0].split() == [
        "module",
        "mutants",
        "killed",
        "survived",
        "no",
        "test",
        "equivalent",
        "not",
        "run",
        "score",
    ]
    assert table[2].split() == ["tmdbfusion/images.py", "5", "2", "1", "1", "1", "0", "50.0%"]
    assert table[3].split() == [
        "tmdbfusion/pagination.py",
        *["7", "7", "0", "0", "0", "0"],
        "100.0%",
    ]
    assert table[-1].split() == ["overall", "12", "9", "1", "1", "1", "0", "81.8%"]


def test_thresholds_name_each_module_under_them(
    results: dict[str, dict[str, int | None]],
) -> None:
    modules, overall = score_modules(results, [])
    settings = Settings(overall_threshold=92, module_threshold=85, equivalents={})
    assert threshold_failures(modules, overall, settings) == [
        "src/tmdbfusion/images.py: 40.0% is under the 85% per module",
        "overall: 75.0% is under the 92% overall",
    ]


def test_an_interrupted_run_fails() -> None:
    modules, overall = score_modules(
        {"src/a.py": {"a.x_f__mutmut_1": 1, "a.x_f__mutmut_2": None}}, []
    )
    settings = Settings(overall_threshold=0, module_threshold=0, equivalents={})
    assert threshold_failures(modules, overall, settings) == [
        "1 mutants were not checked (run interrupted?)"
    ]
    assert render(modules, overall).splitlines()[2].split() == [
        *["a.py", "2", "1", "0", "0", "0", "1"],
        "100.0%",
    ]


def test_a_module_with_no_mutant_run_yet_shows_no_score() -> None:
    modules, overall = score_modules({"src/b.py": {"b.x_g__mutmut_1": None}}, [])
    assert render(modules, overall).splitlines()[2].split() == [
        *["b.py", "1", "0", "0", "0", "0", "1"],
        "-",
    ]


def test_stale_equivalent_entries_are_reported(results: dict[str, dict[str, int | None]]) -> None:
    changes = {f"{IMAGES}5": ["    if size == ORIGINAL:"], f"{PAGES}1": ["    x = None"]}
    entries = {
        f"{IMAGES}5": Equivalent(f"{IMAGES}5", "if size == ORIGINAL:", "same either way"),
        f"{PAGES}1": Equivalent(f"{PAGES}1", "x = None", "claimed, but a test kills it"),
        f"{IMAGES}2": Equivalent(f"{IMAGES}2", "return None", "the numbering moved"),
        f"{IMAGES}9": Equivalent(f"{IMAGES}9", "pass", "the mutant is gone"),
    }
    problems = check_equivalents(results, entries, lambda name: changes.get(name, ["y = 1"]))
    assert problems == [
        f"{IMAGES}2: listed as equivalent for the change 'return None', but this mutant now "
        "makes ['y = 1']; update the entry",
        f"{IMAGES}9: listed as equivalent, but no such mutant exists any more",
        f"{PAGES}1: listed as equivalent, but a test kills it; remove the entry",
    ]


def test_settings_need_a_reason_for_each_equivalent(tmp_path: Path) -> None:
    path = tmp_path / "equivalents.toml"
    path.write_text(
        '[thresholds]\noverall = 92\nmodule = 85\n\n[[equivalent]]\nmutant = "m"\n'
        'change = "x = 1"\nreason = " "\n'
    )
    with pytest.raises(ValueError, match="m is listed without a reason"):
        load_settings(path)
    path.write_text(path.read_text().replace('reason = " "', 'reason = "dead store"'))
    settings = load_settings(path)
    assert settings.equivalents == {"m": Equivalent("m", "x = 1", "dead store")}
    assert (settings.overall_threshold, settings.module_threshold) == (92.0, 85.0)


def test_the_project_settings_load() -> None:
    settings = load_settings(Path(__file__).resolve().parents[1] / "mutation" / "equivalents.toml")
    assert settings.overall_threshold >= 92
    assert settings.module_threshold >= 85
    assert all(entry.reason for entry in settings.equivalents.values())
