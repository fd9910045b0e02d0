"""What the CLI prints, line by line: detail trees, result tables, reports, JSON, messages and
progress bars (the Output class directly with crafted records, and through the commands)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tmdbfusion.bulk import BulkProgress
from tmdbfusion.cli._output import Output
from tmdbfusion.testing import FakeTMDB, Fault, RecordedRequest

pytestmark = pytest.mark.usefixtures("in_tmp_path")


@pytest.fixture
def output(monkeypatch: pytest.MonkeyPatch) -> Output:
    """A readable Output, wide enough that no line wraps."""
    monkeypatch.setenv("COLUMNS", "1000")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return Output(as_json=False)


def printed(capsys: pytest.CaptureFixture[str]) -> list[str]:
    out, err = capsys.readouterr()
    assert err == ""
    return [line.rstrip() for line in out.splitlines()]


def tree_rows(lines: list[str]) -> list[tuple[str, str]]:
    """The ``key  value`` rows of a detail tree (after its title and text)."""
    rows = []
    for line in lines:
        body = line[4:]  # the tree's guide ("└── " or four spaces)
        key, _, value = body.partition("  ")
        rows.append((key, value.strip()))
    return rows


def cell(output: Output, capsys: pytest.CaptureFixture[str], value: Any) -> str:
    """How a report shows ``value`` in its value column."""
    output.summary("t", {"k": value})
    lines = printed(capsys)
    assert lines[0] == "t" and lines[1].startswith("┌")
    return lines[2].strip("│").split("│")[1].strip()


# --- detail trees ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "label"),
    [
        ({"id": 7, "title": "T", "release_date": "1999-10-15"}, "T (1999)"),
        ({"id": 7, "name": "N", "first_air_date": "2008-01-20"}, "N (2008)"),
        ({"id": 7, "title": "T", "name": "N"}, "T"),
        ({"id": 7, "title": "", "name": "N"}, "N"),
        ({"id": 7}, "#7"),
        ({"popularity": 1.0}, "#?"),
        ({"id": 7, "title": "T", "release_date": "1999"}, "T (1999)"),
        ({"id": 7, "title": "T", "release_date": "199"}, "T"),
        ({"id": 7, "title": "T", "release_date": ""}, "T"),
        ({"id": 7, "title": "T", "release_date": 1999}, "T"),
        ({"id": 7, "title": "T", "release_date": "", "first_air_date": "2001-02-03"}, "T (2001)"),
        ({"id": 7, "title": "[red]T"}, "[red]T"),
    ],
)
def test_the_title_line(  # type: ignore[no-untyped-def]
    output: Output, capsys, record: dict[str, Any], label: str
) -> None:
    output.item(record)
    assert printed(capsys)[0] == label


def test_the_detail_rows_their_order_and_what_is_left_out(output: Output, capsys) -> None:  # type: ignore[no-untyped-def]
    output.item(
        {
            "zeta": 1,
            "vote_count": 5,
            "id": 3,
            "title": "T",
            "name": "N",
            "overview": "the story",
            "biography": "a life",
            "alpha": "[bold]a",
            "empty": "",
            "none": None,
            "list": [],
            "dict": {},
            "zero": 0,
            "no": False,
            "genres": [{"id": 1, "name": "Drama"}, {"id": 2, "name": "Comedy"}],
            "release_date": "1999",
        }
    )
    lines = printed(capsys)
    assert lines[:3] == ["T (1999)", "├── the story", "└── id            3"]
    assert tree_rows(lines[2:]) == [
        ("id", "3"),
        ("release_date", "1999"),
        ("genres", "Drama, Comedy"),
        ("vote_count", "5"),
        ("zeta", "1"),
        ("alpha", "[bold]a"),
        ("zero", "0"),
        ("no", "False"),
    ]


def test_the_first_fields_come_in_their_order(output: Output, capsys) -> None:  # type: ignore[no-untyped-def]
    first = [
        "id",
        "media_type",
        "tagline",
        "release_date",
        "first_air_date",
        "birthday",
        "deathday",
        "known_for_department",
        "place_of_birth",
        "status",
        "runtime",
        "number_of_seasons",
        "number_of_episodes",
        "genres",
        "vote_average",
        "vote_count",
        "popularity",
        "original_language",
        "original_title",
        "original_name",
        "imdb_id",
        "homepage",
    ]
    output.item({"extra": "x", **{name: f"v{n}" for n, name in enumerate(reversed(first))}})
    rows = tree_rows(printed(capsys)[1:])
    assert [key for key, _ in rows] == [*first, "extra"]


@pytest.mark.parametrize(
    ("record", "text"),
    [
        ({"id": 1, "overview": "o", "biography": "b"}, "o"),
        ({"id": 1, "overview": "", "biography": "b"}, "b"),
        ({"id": 1, "biography": "b"}, "b"),
        ({"id": 1, "overview": "x" * 400}, "x" * 400),
        ({"id": 1, "overview": "x" * 401}, "x" * 399 + "…"),
        ({"id": 1, "overview": "[i]not markup[/i]"}, "[i]not markup[/i]"),
    ],
)
def test_the_text_under_the_title(  # type: ignore[no-untyped-def]
    output: Output, capsys, record: dict[str, Any], text: str
) -> None:
    output.item(record)
    lines = printed(capsys)
    assert lines[1] == f"├── {text}"
    assert lines[2] == "└── id  1"


def test_no_text_no_text_line(output: Output, capsys) -> None:  # type: ignore[no-untyped-def]
    output.item({"id": 1, "title": "T"})
    assert printed(capsys) == ["T", "└── id  1"]


def test_an_item_as_json(capsys) -> None:  # type: ignore[no-untyped-def]
    Output(as_json=True).item({"id": 1, "title": "Fight → Club"})
    out, err = capsys.readouterr()
    assert (out, err) == ('{\n  "id": 1,\n  "title": "Fight → Club"\n}\n', "")


# --- one-line values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ([{"name": f"n{i}"} for i in range(8)], "n0, n1, n2, n3, n4, n5, n6, n7"),
        ([{"name": f"n{i}"} for i in range(9)], "n0, n1, n2, n3, n4, n5, n6, n7, … (+1)"),
        (list(range(12)), "0, 1, 2, 3, 4, 5, 6, 7, … (+4)"),
        (["a", "b"], "a, b"),
        ([2.0, 7.25], "2, 7.25"),
        ([[1, 2], [3]], "1, 2, 3"),
        ([{"title": "T", "id": 1}], "T"),
        ([{"name": "", "title": "T"}], "T"),
        ([{"name": None, "english_name": "E", "iso_639_1": "en"}], "E"),
        ([{"iso_3166_1": "US", "iso_639_1": "en", "id": 2}], "US"),
        ([{"iso_639_1": "en", "id": 2}], "en"),
        ([{"id": 2}], "2"),
        ([{"id": ""}], "{…}"),
        ([{"x": 1}], "{…}"),
        ({"a": 1, "b": None, "c": "", "d": {"name": "x"}, "e": 0.5}, "a=1, d=x, e=0.5"),
        (61.4, "61.4"),
        (8.0, "8"),
        (1e-07, "1e-07"),
        (5, "5"),
        (True, "True"),
        ("[b]z", "[b]z"),
        (None, "-"),
        ("", "-"),
        (0, "0"),
        ([], ""),
    ],
)
def test_a_value_on_one_line(output: Output, capsys, value: Any, shown: str) -> None:  # type: ignore[no-untyped-def]
    assert cell(output, capsys, value) == shown


# --- result tables --------------------------------------------------------------------------


def test_a_table_of_one_kind(output: Output, capsys) -> None:  # type: ignore[no-untyped-def]
    output.items(
        [
            {"id": 5, "title": "A", "popularity": 7.0, "release_date": "2001-01-01"},
            {"id": 1234, "name": "[b]B", "first_air_date": "2002-02-02", "popularity": 12.5},
            {"id": 6},
            {"title": "no id"},
        ],
        title="a [title]",
    )
    assert printed(capsys) == [
        "a [title]",
        "┏━━━━━━┳━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━┓",
        "┃   id ┃ title ┃ date       ┃ popularity ┃",
        "┡━━━━━━╇━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━┩",
        "│    5 │ A     │ 2001-01-01 │          7 │",
        "│ 1234 │ [b]B  │ 2002-02-02 │       12.5 │",
        "│    6 │       │            │            │",
        "│      │ no id │            │            │",
        "└──────┴───────┴────────────┴────────────┘",
    ]


def test_a_mixed_table_says_what_each_is(output: Output, capsys) -> None:  # type: ignore[no-untyped-def]
    output.items(
        [{"id": 1, "title": "A", "media_type": "movie"}, {"id": 2, "name": "B"}], title="mixed"
    )
    lines = printed(capsys)
    assert lines[2] == "┃ id ┃ type  ┃ title ┃ date ┃ popularity ┃"
    assert lines[4:6] == [
        "│  1 │ movie │ A     │      │            │",
        "│  2 │       │ B     │      │            │",
    ]


def test_no_results(output: Output, capsys) -> None:  # type: ignore[no-untyped-def]
    output.items([], title="nothing")
    out, err = capsys.readouterr()
    assert err == "no results\n"
    assert [line.rstrip() for line in out.splitlines()] == [
        "nothing",
        "┏━━━━┳━━━━━━━┳━━━━━━┳━━━━━━━━━━━━┓",
        "┃ id ┃ title ┃ date ┃ popularity ┃",
        "┡━━━━╇━━━━━━━╇━━━━━━╇━━━━━━━━━━━━┩",
        "└────┴───────┴──────┴────────────┘",
    ]


def test_results_as_json(capsys) -> None:  # type: ignore[no-untyped-def]
    Output(as_json=True).items([{"id": 1}, {"id": 2, "name": "B"}], title="ignored")
    out, err = capsys.readouterr()
    assert err == ""
    assert out == '[\n  {\n    "id": 1\n  },\n  {\n    "id": 2,\n    "name": "B"\n  }\n]\n'


def test_a_search_with_no_results(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    empty = {"page": 1, "results": [], "total_pages": 0, "total_results": 0}
    fake.add_route("GET", "/3/search/movie", empty)
    code, out, err = main("search", "movie", "nothing here")
    assert (code, err) == (0, "no results\n")
    assert out.splitlines()[0].rstrip() == "search movie: nothing here"
    code, out, err = main("search", "movie", "nothing here", "--json")
    assert (code, out, err) == (0, "[]\n", "")


# --- reports and messages -------------------------------------------------------------------


def test_a_report(output: Output, capsys) -> None:  # type: ignore[no-untyped-def]
    output.summary("run [1]", {"written": 3, "failed": {"7": "HTTP 500"}, "note": "[b]x"})
    assert printed(capsys) == [
        "run [1]",
        "┌─────────┬────────────┐",
        "│ written │ 3          │",
        "│ failed  │ 7=HTTP 500 │",
        "│ note    │ [b]x       │",
        "└─────────┴────────────┘",
    ]


def test_a_report_as_json(capsys) -> None:  # type: ignore[no-untyped-def]
    Output(as_json=True).summary("ignored", {"written": 3, "ids": None, "failed": {}})
    out, err = capsys.readouterr()
    assert (out, err) == ('{\n  "written": 3,\n  "ids": null,\n  "failed": {}\n}\n', "")


def test_messages_and_errors_go_to_stderr(output: Output, capsys) -> None:  # type: ignore[no-untyped-def]
    output.message("working")
    output.error("bad [thing]")
    out, err = capsys.readouterr()
    assert (out, err) == ("", "working\nerror: bad [thing]\n")


# --- progress bars --------------------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """rich treats stderr as a terminal; no colours, so the text reads plainly."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")


def test_no_bar_unless_stderr_is_a_terminal(output: Output, capsys) -> None:  # type: ignore[no-untyped-def]
    with output.progress("work", 3) as on_progress:
        assert on_progress is None
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(("as_json", "progress"), [(True, True), (False, False), (True, False)])
def test_no_bar_with_json_or_when_turned_off(  # type: ignore[no-untyped-def]
    terminal: None, capsys, as_json: bool, progress: bool
) -> None:
    with Output(as_json=as_json, progress=progress).progress("work", 3) as on_progress:
        assert on_progress is None
    assert capsys.readouterr() == ("", "")


def test_a_bar_counts_done_and_failed(terminal: None, capsys) -> None:  # type: ignore[no-untyped-def]
    output = Output(as_json=False)
    with output.progress("fetching", 4) as on_progress:
        assert on_progress is not None
        on_progress(BulkProgress(done=3, total=4, fetched=2, missing=0, failed=1))
    out, err = capsys.readouterr()
    assert out == ""
    final = err.rsplit("fetching", 1)[1]  # the last time the bar was drawn
    assert " 3/4 " in final and " 1 failed " in final


def test_bulk_shows_a_bar_by_default(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, terminal: None
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("1\n2\n3\n")
    fake.inject(Fault.status(500), path="/3/movie/2", times=None)
    code, out, err = main(
        "--max-retries", "0", "bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / "a.jsonl")
    )
    assert code == 5 and "written" in out
    final = err.rsplit("movie → a.jsonl", 1)[1]
    assert " 3/3 " in final and " 1 failed " in final
    fake.reset()
    code, _, err = main(
        "--no-progress", "bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / "x.jsonl")
    )
    assert code == 0 and err == ""
    for flag in ("--no-progress", "--json"):
        code, _, err = main(
            "bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / f"{flag}.jsonl"), flag
        )
        assert code == 0 and err == ""


def test_a_change_sync_bar_has_no_total(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, terminal: None
) -> None:
    def changed(request: RecordedRequest) -> dict[str, object]:
        return {"page": 1, "results": [{"id": 2}], "total_pages": 1, "total_results": 1}

    fake.add_route("GET", "/3/movie/changes", changed)
    dataset = tmp_path / "movies.jsonl"
    dataset.write_text(json.dumps({"id": 2, "title": "old"}) + "\n")
    code, _, err = main(
        "changes",
        "movie",
        "--since",
        "2024-05-01",
        "--until",
        "2024-05-02",
        "--dataset",
        str(dataset),
    )
    assert code == 0
    final = err.rsplit("sync movies.jsonl", 1)[1]
    assert " 1/? " in final and " 0 failed " in final


def test_an_empty_bulk_run_shows_an_empty_bar(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, terminal: None
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# nothing yet\n")
    code, _, err = main("bulk", "tv", "--ids", str(ids), "--out", str(tmp_path / "none.csv"))
    assert code == 0 and fake.requests == []
    final = err.rsplit("tv → none.csv", 1)[1]
    assert " 0/0 " in final and " 0 failed " in final


def test_an_image_download_bar(  # type: ignore[no-untyped-def]
    main, tmp_path: Path, terminal: None
) -> None:
    from ..tools.imagehost import ImageHost

    with ImageHost().running() as host:
        code, _, err = main(
            "images",
            "download",
            "/a.jpg",
            "/b.jpg",
            "--kind",
            "backdrop",
            "--size",
            "w780",
            "--dest",
            str(tmp_path),
            "--images-url",
            host.base_url,
        )
    assert code == 0
    final = err.rsplit("backdrops w780", 1)[1]
    assert " 2/2 " in final and " 0 failed " in final


# --- width and colour -----------------------------------------------------------------------


def test_a_title_wider_than_its_table_stays_on_one_line(  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    output = Output(as_json=False)
    output.summary("keyword: 2024-05-15 → 2024-05-16", {"added": 1})
    output.items([], title="search movie: a query much longer than the empty table")
    out, _ = capsys.readouterr()
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0] == "keyword: 2024-05-15 → 2024-05-16"
    assert lines[1] == "┌───────┬───┐"
    assert lines[4] == "search movie: a query much longer than the empty table"
    assert lines[5] == "┏━━━━┳━━━━━━━┳━━━━━━┳━━━━━━━━━━━━┓"


def test_on_a_narrow_terminal_names_stay_whole(  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    Output(as_json=False).item({"id": 1, "belongs_to_collection": "word " * 12})
    lines = [line.rstrip() for line in capsys.readouterr()[0].splitlines()]
    assert lines[1] == "└── id                     1"
    assert lines[2] == "    belongs_to_collection  word word"
    assert lines[3] == "                           word word"


def test_numbers_are_not_coloured_on_a_terminal(  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    output = Output(as_json=False)
    output.summary("t", {"n": 3})
    output.error("got 550")
    out, err = capsys.readouterr()
    assert "│ 3 │" in out  # no highlighter codes around the number
    assert err.endswith(" got 550\n") and "\x1b[1;31merror:\x1b[0m" in err


def test_styles_on_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    output = Output(as_json=False)
    output.item({"id": 1, "title": "T", "overview": "the story"})
    output.summary("report", {"a": 1})
    out, _ = capsys.readouterr()
    assert "\x1b[1mT\x1b[0m" in out  # the title in bold
    assert "\x1b[3mthe story\x1b[0m" in out  # the text in italics
    assert "\x1b[36mid\x1b[0m" in out and "\x1b[36ma\x1b[0m" in out  # names in cyan
    assert "\x1b[3mreport\x1b[0m" in out  # a table's title as rich styles it


def test_long_text_wraps_and_is_not_cut(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "40")
    words = [f"word{i}" for i in range(30)]
    Output(as_json=False).item({"id": 1, "title": "T", "overview": " ".join(words)})
    lines = capsys.readouterr()[0].splitlines()
    text = " ".join(line.strip("│├└─ ") for line in lines[1:-1])
    assert text.split() == words
    assert all(len(line) <= 40 for line in lines)
