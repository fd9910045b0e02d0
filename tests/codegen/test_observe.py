"""The observe stage: facts from a small hand-written corpus, never values of free text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen.__main__ import main
from codegen.observe import observe_corpora, string_format, write_observations

MOVIE = "GET /3/movie/{movie_id}"


def _corpus(tmp_path: Path, entries: list[tuple[dict[str, object], object]]) -> Path:
    manifest = []
    for index, (entry, body) in enumerate(entries):
        name = f"body_{index}.json"
        (tmp_path / name).write_text(json.dumps(body), encoding="utf-8")
        manifest.append({"file": name, **entry})
    (tmp_path / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    return tmp_path


def _movie(entry_year: int, body: dict[str, object]) -> tuple[dict[str, object], object]:
    return (
        {"method": "GET", "path_template": "/3/movie/{movie_id}", "recorded_year": entry_year},
        body,
    )


def test_counts_presence_nulls_types_and_formats(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        [
            _movie(2016, {"id": 1, "title": "A", "release_date": "1999-10-15"}),
            _movie(2024, {"id": 2, "title": "B", "release_date": "", "runtime": None}),
            _movie(2025, {"id": 3, "title": "C", "release_date": "2001-01-02", "runtime": 90}),
        ],
    )
    fields = observe_corpora([corpus]).as_json()["operations"][MOVIE]["fields"][""]
    assert fields["id"] == {"seen": 3, "absent": 0, "null": 0, "types": {"integer": 3}}
    assert fields["release_date"]["formats"] == {"date": 2, "empty": 1}
    # runtime is missing from the 2016 recording only, and null once.
    assert fields["runtime"] == {
        "seen": 2,
        "absent": 1,
        "null": 1,
        "types": {"integer": 1, "null": 1},
        "absent_years": [2016],
    }


def test_absence_counts_whatever_order_the_keys_first_appear_in(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        [_movie(2020, {"id": 1}), _movie(2020, {"id": 2}), _movie(2021, {"id": 3, "video": False})],
    )
    video = observe_corpora([corpus]).as_json()["operations"][MOVIE]["fields"][""]["video"]
    assert (video["seen"], video["absent"], video["absent_years"]) == (1, 2, [2020])


def test_vocabularies_are_kept_and_free_text_never(tmp_path: Path) -> None:
    videos = [
        {"type": "Trailer", "site": "YouTube", "name": "Official Trailer", "key": "abc"},
        {"type": "Teaser", "site": "YouTube", "name": "Teaser", "key": "def"},
        {"type": "Trailer", "site": "YouTube", "name": "Trailer 2", "key": "ghi"},
        {"type": "Teaser", "site": "YouTube", "name": "Spot", "key": "jkl"},
    ]
    corpus = _corpus(
        tmp_path,
        [
            (
                {"method": "GET", "path_template": "/3/movie/{movie_id}/videos"},
                {"id": 1, "results": videos, "facebook_id": "SomePage", "provider_name": "Hoopla"},
            )
        ],
    )
    facts = observe_corpora([corpus]).as_json()["operations"]["GET /3/movie/{movie_id}/videos"]
    results = facts["fields"]["results[]"]
    assert results["type"]["values"] == {"Teaser": 2, "Trailer": 2}
    assert results["site"]["values"] == {"YouTube": 4}
    assert "values" not in results["name"]
    assert "values" not in results["key"]
    text = json.dumps(facts)
    for secret_ish in ("Official Trailer", "abc", "SomePage", "Hoopla"):
        assert secret_ish not in text


def test_mixed_media_items_split_by_tag_and_country_maps_collapse(tmp_path: Path) -> None:
    body = {
        "results": [
            {"media_type": "movie", "id": 1, "title": "A"},
            {"media_type": "tv", "id": 2, "name": "B"},
        ],
        "providers": {"US": {"link": "x"}, "DE": {"link": "y"}, "FR": {"link": "z"}},
    }
    corpus = _corpus(tmp_path, [({"method": "GET", "path_template": "/3/search/multi"}, body)])
    fields = observe_corpora([corpus]).as_json()["operations"]["GET /3/search/multi"]["fields"]
    assert fields["results[movie]"]["title"]["absent"] == 0
    assert "title" not in fields["results[tv]"]
    assert fields["providers.{country}"]["link"]["seen"] == 3


def test_error_and_non_v3_bodies_are_skipped(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        [
            ({"method": "GET", "path_template": "/3/movie/{movie_id}", "http_status": 404}, {}),
            ({"method": "GET", "path_template": "/4/list/{list_id}"}, {"id": 1}),
            _movie(2020, {"id": 1}),
        ],
    )
    observations = observe_corpora([corpus]).as_json()
    assert observations["skipped"] == {"error bodies": 1, "not v3": 1}
    assert list(observations["operations"]) == [MOVIE]


def test_the_written_file_is_deterministic_json(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    _corpus(folder, [_movie(2020, {"title": "T", "id": 1}), _movie(2021, {"id": 2, "title": "U"})])
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    write_observations(observe_corpora([folder]), first)
    write_observations(observe_corpora([folder]), second)
    assert first.read_bytes() == second.read_bytes()
    assert json.loads(first.read_text())["operations"][MOVIE]["responses"] == 2


def test_string_formats() -> None:
    assert string_format("") == "empty"
    assert string_format("2024-02-29") == "date"
    assert string_format("2024-02-29T10:00:00.000Z") == "datetime"
    assert string_format("2024-02-29 10:00:00 UTC") == "datetime"
    assert string_format("Fight Club") == "text"


def test_command_writes_the_file_and_reports_a_missing_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    _corpus(folder, [_movie(2020, {"id": 1})])
    out = tmp_path / "observations.json"
    assert main(["observe", "--corpus", str(folder), "--out", str(out)]) == 0
    assert "observed 1 responses of 1 operations, 1 fields" in capsys.readouterr().out
    assert json.loads(out.read_text())["operations"][MOVIE]["fields"][""]["id"]["seen"] == 1
    assert main(["observe", "--corpus", str(tmp_path / "nowhere"), "--out", str(out)]) == 2
    assert "has no MANIFEST.json" in capsys.readouterr().err


def test_appended_parts_count_for_the_operation_serving_them(tmp_path: Path) -> None:
    entry = {
        "method": "GET",
        "path_template": "/3/movie/{movie_id}",
        "request_path": "/3/movie/550?language=de-DE&append_to_response=credits,watch/providers,x",
    }
    body = {
        "id": 550,
        "credits": {"cast": [{"id": 1, "gender": 2}, {"id": 2}]},
        "watch/providers": {"results": {}},
    }
    own_credits = (
        {"method": "GET", "path_template": "/3/movie/{movie_id}/credits"},
        {"id": 550, "cast": [{"id": 3, "gender": 1}]},
    )
    corpus = _corpus(tmp_path, [(entry, body), own_credits])
    operations = observe_corpora([corpus]).as_json()["operations"]
    assert list(operations[MOVIE]["fields"]) == [""]
    assert list(operations[MOVIE]["fields"][""]) == ["id"]
    credits = operations[f"{MOVIE}/credits"]
    assert credits["responses"] == 2
    # The appended body has no id: the key is absent once; one appended cast member lacks gender.
    root_id = {"seen": 1, "absent": 1, "null": 0, "types": {"integer": 1}}
    assert credits["fields"][""]["id"] == root_id
    assert credits["fields"]["cast[]"]["gender"]["absent"] == 1
    assert credits["fields"]["cast[]"]["gender"]["seen"] == 2
    assert operations[f"{MOVIE}/watch/providers"]["responses"] == 1
    assert f"{MOVIE}/x" not in operations  # a name TMDB ignored brought no body
