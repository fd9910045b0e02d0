"""``python -m codegen drift --observations``: what refreshed evidence changes, on small inputs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.__main__ import main
from codegen.drift_observations import (
    KINDS_CHANGED,
    NEWLY_SEEN,
    NO_LONGER_SEEN,
    NOW_ABSENT,
    NOW_NULL,
    FactChange,
    ObservationsDrift,
    compare_observations,
    fact_changes,
    render,
)
from codegen.drift_report import BREAKING, NON_BREAKING, Source
from codegen.observe import OBSERVATIONS, Observations
from codegen.overrides import Overrides, parse_overrides

GOLDEN = Path(__file__).parent / "golden"
DETAILS = "GET /3/movie/{movie_id}"


def _golden_overrides() -> Overrides:
    return parse_overrides(yaml.safe_load((GOLDEN / "overrides.yaml").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((GOLDEN / "document.json").read_text(encoding="utf-8"))
    return document


def _observed(*bodies: dict[str, Any]) -> Observations:
    observations = Observations()
    observations.observe_all([(DETAILS, body, 2026) for body in bodies])
    return observations


def _facts(*bodies: dict[str, Any]) -> dict[str, Any]:
    return _observed(*bodies).as_json()


FIGHT_CLUB = {"id": 550, "title": "Fight Club", "budget": 63000000}
SE7EN = {"id": 807, "title": "Se7en", "budget": 33000000}


def _compare(
    golden: dict[str, Any], base: dict[str, Any], new: dict[str, Any]
) -> ObservationsDrift:
    return compare_observations(
        golden,
        base,
        new,
        base_source=Source("base.json", "a" * 64),
        refreshed_source=Source("new.json", "b" * 64),
        overrides=_golden_overrides,
    )


def _field_changes(drift: ObservationsDrift) -> set[tuple[str, str, str]]:
    return {(c.impact, c.name, c.kind) for c in drift.report.changes()}


def test_facts_compared_key_by_key() -> None:
    base = _facts(FIGHT_CLUB, SE7EN)
    new = _facts(
        {**FIGHT_CLUB, "title": None, "tagline": "Mischief."}, {"id": 807, "budget": 1.5}, SE7EN
    )
    assert fact_changes(base, new) == [
        FactChange(DETAILS, "budget", KINDS_CHANGED, "integer -> integer/number"),
        FactChange(DETAILS, "tagline", NEWLY_SEEN, "string"),
        FactChange(DETAILS, "title", NOW_NULL, "0 of 2 -> 1 of 3"),
        FactChange(DETAILS, "title", NOW_ABSENT, "0 of 2 -> 1 of 3"),
    ]
    assert fact_changes(new, base)[1] == FactChange(DETAILS, "tagline", NO_LONGER_SEEN)
    assert fact_changes(base, base) == []


def test_a_field_that_became_optional_is_breaking(golden: dict[str, Any]) -> None:
    base = _facts(FIGHT_CLUB, SE7EN, FIGHT_CLUB)
    new = _facts(FIGHT_CLUB, SE7EN, {**FIGHT_CLUB, "title": None})
    drift = _compare(golden, base, new)
    assert _field_changes(drift) == {(BREAKING, "title", "became optional")}
    (model,) = drift.report.models
    assert model.used_by == ["movies.details"]
    assert drift.facts == [FactChange(DETAILS, "title", NOW_NULL, "0 of 3 -> 1 of 3")]
    assert drift.summary().startswith("Observations changed: 1 breaking and 0 non-breaking")


def test_a_field_that_became_plain_and_a_new_key_are_not_breaking(golden: dict[str, Any]) -> None:
    base = _facts(FIGHT_CLUB, SE7EN, {**FIGHT_CLUB, "title": None})
    new = _facts(*[{**movie, "tagline": "x"} for movie in (FIGHT_CLUB, SE7EN, FIGHT_CLUB)])
    drift = _compare(golden, base, new)
    changes = _field_changes(drift)
    assert (NON_BREAKING, "title", "became plain") in changes
    assert (NON_BREAKING, "tagline", "added") in changes
    assert drift.report.changes(BREAKING) == []


def test_the_same_observations_change_nothing(golden: dict[str, Any]) -> None:
    facts = _facts(FIGHT_CLUB, SE7EN)
    drift = _compare(golden, facts, facts)
    assert not drift.changed
    assert drift.summary().startswith("No change")


def test_reports_show_sdk_changes_then_facts(golden: dict[str, Any]) -> None:
    base = _facts(FIGHT_CLUB, SE7EN, SE7EN)
    drift = _compare(golden, base, _facts(FIGHT_CLUB, SE7EN, {**SE7EN, "title": None}))
    text = render(drift, "text")
    assert text.splitlines()[0] == drift.summary()
    assert "  refreshed: new.json" in text
    assert text.index("BREAKING:") < text.index("FACTS:")
    assert "    - title now seen null (0 of 3 -> 1 of 3)" in text
    markdown = render(drift, "markdown")
    assert "- `title` now seen null (0 of 3 -> 1 of 3)" in markdown
    assert "- refreshed: `new.json`" in markdown
    data = json.loads(render(drift, "json"))
    assert data["changed"] is True
    assert data["facts"][0] == {
        "operation": DETAILS,
        "path": "title",
        "kind": NOW_NULL,
        "detail": "0 of 3 -> 1 of 3",
    }
    assert data["models"][0]["changes"][0]["kind"] == "became optional"


def test_cli_compares_observation_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The pinned document with the committed overrides and observations, as a maintainer runs it
    # after a refresh: here the refresh saw one movie without a title.
    committed = json.loads(OBSERVATIONS.read_text(encoding="utf-8"))
    refreshed = copy.deepcopy(committed)
    title = refreshed["operations"][DETAILS]["fields"][""]["title"]
    title["null"] += 1
    title["types"]["string"] -= 1
    title["types"]["null"] = 1
    base, new = tmp_path / "base.json", tmp_path / "new.json"
    base.write_text(json.dumps(committed), encoding="utf-8")
    new.write_text(json.dumps(committed), encoding="utf-8")
    args = ["drift", "--observations", str(new), "--observations-base", str(base)]
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("No change")
    new.write_text(json.dumps(refreshed), encoding="utf-8")
    assert main([*args, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(fact["path"], fact["kind"]) for fact in report["facts"]] == [("title", NOW_NULL)]
    (model,) = [m for m in report["models"] if m["name"] == "MovieDetails"]
    assert model["changes"][0]["text"] == "field title became optional: str -> str | None"
    (tmp_path / "broken.json").write_text("[]", encoding="utf-8")
    assert main(["drift", "--observations", str(tmp_path / "broken.json")]) == 2
    assert "is not an observations file" in capsys.readouterr().err
