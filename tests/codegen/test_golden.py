"""Golden record: a small hand-written document through heal, plan and render.

The document (``golden/document.json``) and its overrides (``golden/overrides.yaml``) are written
by hand in TMDB's style: a details endpoint with nested objects and a null in its example, two
paginated movie listings, a mixed-media search, a country-keyed watch providers map, a POST whose
body is TMDB's ``RAW_BODY`` placeholder with a request example, and an operation renamed by an
override. Every rendered file is compared with ``golden/expected/<path>.golden``.

After an intended change to the generator, review the difference and rewrite the golden files::

    TMDBFUSION_UPDATE_GOLDEN=1 python3 -m pytest tests/codegen/test_golden.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest
import yaml

from codegen.heal import heal_document
from codegen.overrides import parse_overrides
from codegen.plan import build_plan
from codegen.render import render_tree

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = GOLDEN / "expected"
SUFFIX = ".golden"  # keeps ruff, pytest and editors from treating the records as source
UPDATE_ENV = "TMDBFUSION_UPDATE_GOLDEN"
REPORT = "heal-report.txt"


def _generate() -> dict[str, str]:
    """Run the pipeline on the golden document; return the rendered files and the heal report."""
    document = json.loads((GOLDEN / "document.json").read_text(encoding="utf-8"))
    overrides = parse_overrides(
        yaml.safe_load((GOLDEN / "overrides.yaml").read_text(encoding="utf-8"))
    )
    healed, report = heal_document(document, overrides)
    plan = build_plan(healed, overrides)
    files = render_tree(plan)
    stale = [entry.label() for entry in overrides.unused()]
    assert stale == [], f"golden overrides that match nothing: {stale}"
    assert REPORT not in files
    files[REPORT] = report.summary() + "\n\n" + "\n".join(report.changes) + "\n"
    return files


def _read_expected() -> dict[str, str]:
    return {
        path.relative_to(EXPECTED).as_posix().removesuffix(SUFFIX): path.read_text(encoding="utf-8")
        for path in sorted(EXPECTED.rglob(f"*{SUFFIX}"))
    }


def _write_expected(files: dict[str, str]) -> None:
    for old in EXPECTED.rglob(f"*{SUFFIX}"):
        old.unlink()
    for rel, text in files.items():
        target = EXPECTED / f"{rel}{SUFFIX}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    files = _generate()
    if os.environ.get(UPDATE_ENV) == "1":
        _write_expected(files)
    return files


def test_generated_files_match_the_golden_record(generated: dict[str, str]) -> None:
    expected = _read_expected()
    hint = f"review the change, then rerun with {UPDATE_ENV}=1 to accept it"
    assert sorted(generated) == sorted(expected), hint
    for rel, text in sorted(generated.items()):
        if text != expected[rel]:
            diff = "".join(
                difflib.unified_diff(
                    expected[rel].splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"golden/{rel}",
                    f"generated/{rel}",
                )
            )
            pytest.fail(f"{rel} differs from its golden record ({hint}):\n{diff}")


def test_generation_is_deterministic(generated: dict[str, str]) -> None:
    again = _generate()
    assert again.keys() == generated.keys()
    for rel, text in generated.items():
        assert again[rel].encode() == text.encode(), rel


def test_every_rendered_python_file_compiles(generated: dict[str, str]) -> None:
    python_files = [rel for rel in generated if rel.endswith(".py")]
    assert len(python_files) == 6  # models, _namespaces, resources/__init__ + 3 namespaces
    for rel in python_files:
        compile(generated[rel], rel, "exec")


def test_golden_record_covers_what_it_claims(generated: dict[str, str]) -> None:
    """Spot checks, so that a golden rewrite cannot silently lose the interesting cases."""
    models = generated["src/tmdbfusion/models/__init__.py"]
    endpoints = generated["docs/reference/endpoints.md"]
    assert "`client.find.by_id(external_id, external_source=...)`" in endpoints  # renamed
    assert "MovieOrTvSeriesResult: TypeAlias = MovieResult | TvSeriesResult" in models
    assert 'tag="tv"' in models
    assert "results: dict[str, WatchProviderRegion] = {}" in models
    assert "    genres: list[Genre] = []\n" in models
    assert "belongs_to_collection: str | None = None" in models  # null in the example
    movies = generated["src/tmdbfusion/resources/movies.py"]
    assert "        value: float,\n" in movies  # from the RAW_BODY request example
    assert "RAW_BODY" not in movies
    report = generated[REPORT]
    for rule in ("decode-example", "country-map", "tagged-union", "body-from-example"):
        assert f"\n{rule}: " in f"\n{report}"
