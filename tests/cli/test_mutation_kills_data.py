"""The data commands in this process (bulk, exports, changes, images), asserted the way a user
sees them: ids read, ids fetched, files written, exact reports, messages and exit codes."""

from __future__ import annotations

import csv
import datetime
import errno
import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tmdbfusion import bulk, changes, downloads
from tmdbfusion.cli._app import build_parser
from tmdbfusion.models import MovieDetails
from tmdbfusion.testing import FakeTMDB, Fault, RecordedRequest

from ..tools.imagehost import ImageHost, image_bytes
from .conftest import flat, last_line

pytestmark = pytest.mark.usefixtures("in_tmp_path")

NOT_AN_ID = "is not an id; an ids file has one whole number (0 or more) a line"


def fetched(fake: FakeTMDB, kind: str = "movie") -> list[int]:
    """The ids whose details were asked for, in order of asking sorted."""
    prefix = f"/3/{kind}/"
    return sorted(
        int(r.path.removeprefix(prefix))
        for r in fake.requests
        if r.path.startswith(prefix) and r.path.removeprefix(prefix).isdigit()
    )


def listed_ids(out: str) -> list[str]:
    """The lines of ``exports diff --list`` that list ids."""
    return [line.rstrip() for line in out.splitlines() if line.startswith(("added:", "removed:"))]


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def summary_rows(out: str) -> dict[str, str]:
    """The rows of a readable report (a two-column table) as ``{key: value}``."""
    rows: dict[str, str] = {}
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if len(cells) == 2 and line.startswith("│"):
            key, value = cells
            if key:
                rows[key] = value
            else:  # a wrapped value goes on
                last = list(rows)[-1]
                rows[last] += " " + value
    return rows


def spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[dict[str, Any]]:
    """Record the keyword arguments of each call of ``module.name`` (which still runs)."""
    calls: list[dict[str, Any]] = []
    original: Callable[..., Any] = getattr(module, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, recording)
    return calls


@pytest.fixture
def ids_file(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "ids.txt"
        path.write_text(text)
        return path

    return write


# --- ids files ------------------------------------------------------------------------------


def test_an_ids_file_with_blanks_comments_and_repeats(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, ids_file
) -> None:
    ids = ids_file("# my movies\n\n  550  \n13 # fight club\n   \n\t680\n550\n#7\n0\n21 # a # b\n")
    out = tmp_path / "out.jsonl"
    code, report, err = main("bulk", "movie", "--ids", str(ids), "--out", str(out), "--json")
    assert (code, err) == (0, "")
    assert json.loads(report) == {
        "out": str(out),
        "written": 5,
        "skipped": 0,
        "missing": [],
        "failed": {},
    }
    assert fetched(fake) == [0, 13, 21, 550, 680]
    assert sorted(line["id"] for line in lines_of(out)) == [0, 13, 21, 550, 680]


def test_ids_from_stdin(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("7\n# eight\n8\n"))
    out = tmp_path / "out.jsonl"
    code, report, _ = main("bulk", "person", "--ids", "-", "--out", str(out), "--json")
    assert code == 0 and json.loads(report)["written"] == 2
    assert fetched(fake, "person") == [7, 8]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("1\ntwo\n", "2: 'two'"),
        ("1\n\n  two  \n", "3: 'two'"),
        ("-5\n", "1: '-5'"),
        ("1.5\n", "1: '1.5'"),
        ("4 # ok\nid 5 # no\n", "2: 'id 5'"),
    ],
)
def test_a_bad_line_stops_before_any_request(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, ids_file, text: str, where: str
) -> None:
    ids = ids_file(text)
    out = tmp_path / "out.jsonl"
    code, report, err = main("bulk", "movie", "--ids", str(ids), "--out", str(out))
    assert (code, report) == (2, "")
    assert flat(err) == f"error: {ids}:{where} {NOT_AN_ID}"
    assert fake.requests == [] and not out.exists()


def test_an_ids_file_that_cannot_be_read(main, fake: FakeTMDB, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "none.txt"
    code, _, err = main("bulk", "movie", "--ids", str(missing), "--out", str(tmp_path / "o.jsonl"))
    assert code == 2
    assert flat(err) == f"error: cannot read the ids file {missing}: No such file or directory"
    code, _, err = main("bulk", "movie", "--ids", str(tmp_path), "--out", str(tmp_path / "o.jsonl"))
    assert code == 2
    assert flat(err) == f"error: cannot read the ids file {tmp_path}: Is a directory"
    assert fake.requests == []


# --- shards ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shard", "ids"),
    [
        ("1/3", [3, 6, 9]),
        ("2/3", [1, 4, 7]),
        ("3/3", [2, 5, 8]),
        ("1/1", [1, 2, 3, 4, 5, 6, 7, 8, 9]),
        ("4/4", [3, 7]),
        ("1/10", []),
    ],
)
def test_shards_split_the_ids(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, ids_file, shard: str, ids: list[int]
) -> None:
    source = ids_file("".join(f"{i}\n" for i in range(1, 10)))
    out = tmp_path / "out.jsonl"
    code, report, _ = main(
        "bulk", "movie", "--ids", str(source), "--out", str(out), "--shard", shard, "--json"
    )
    assert code == 0 and json.loads(report)["written"] == len(ids)
    assert fetched(fake) == ids


@pytest.mark.parametrize("shard", ["0/4", "5/4", "2", "a/b", "2/0", "1/", "/2", "2/4/6", "x/1"])
def test_bad_shards(main, fake: FakeTMDB, ids_file, shard: str) -> None:  # type: ignore[no-untyped-def]
    ids = ids_file("1\n")
    code, _, err = main("bulk", "movie", "--ids", str(ids), "--out", "o.jsonl", "--shard", shard)
    assert code == 2
    assert last_line(err) == (
        "tmdbfusion bulk: error: argument --shard: a shard is K/N with 1 <= K <= N, e.g. 2/4; "
        f"got {shard!r}"
    )
    assert fake.requests == []


# --- bulk -----------------------------------------------------------------------------------


def test_bulk_readable_report(main, tmp_path: Path, ids_file) -> None:  # type: ignore[no-untyped-def]
    ids = ids_file("1\n2\n")
    out = tmp_path / "out.jsonl"
    code, report, err = main("bulk", "movie", "--ids", str(ids), "--out", str(out))
    assert (code, err) == (0, "")
    assert report.splitlines()[0].rstrip() == "bulk movie"
    assert summary_rows(report) == {
        "out": str(out),
        "written": "2",
        "skipped": "0",
        "missing": "",
        "failed": "",
    }
    code, report, _ = main("bulk", "movie", "--ids", str(ids), "--out", str(out))
    assert code == 0 and summary_rows(report)["skipped"] == "2"


def test_bulk_missing_ids_are_done_and_failed_ones_partly_done(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, ids_file
) -> None:
    ids = ids_file("1\n2\n3\n")
    fake.inject(Fault.status(404), path="/3/tv/3", times=None)
    out = tmp_path / "tv.jsonl"
    code, report, _ = main("bulk", "tv", "--ids", str(ids), "--out", str(out), "--json")
    assert code == 0
    assert json.loads(report) == {
        "out": str(out),
        "written": 2,
        "skipped": 0,
        "missing": [3],
        "failed": {},
    }
    fake.inject(Fault.status(500), path="/3/tv/4", times=None)
    ids = ids_file("1\n2\n3\n4\n")
    code, report, _ = main(
        "--max-retries", "0", "bulk", "tv", "--ids", str(ids), "--out", str(out), "--json"
    )
    assert code == 5
    summary = json.loads(report)
    assert (summary["written"], summary["skipped"], summary["missing"]) == (0, 2, [3])
    assert list(summary["failed"]) == ["4"]
    assert "HTTP 500" in summary["failed"]["4"]


def test_bulk_columns_append_and_typed_csv(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, ids_file
) -> None:
    ids = ids_file("2\n1\n")
    out = tmp_path / "movies.csv"
    code, _, err = main(
        "bulk",
        "movie",
        "--ids",
        str(ids),
        "--out",
        str(out),
        "--columns",
        "title",
        "runtime",
        "--append",
        "credits",
        "images",
    )
    assert (code, err) == (0, "")
    with open(out, newline="") as file:
        rows = sorted(csv.DictReader(file), key=lambda row: int(row["id"]))
    assert rows == [
        {"id": "1", "title": "Movie 1", "runtime": "139"},
        {"id": "2", "title": "Movie 2", "runtime": "139"},
    ]
    assert {r.query.get("append_to_response") for r in fake.requests} == {"credits,images"}
    fake.reset()
    code, _, _ = main("bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / "b.jsonl"))
    assert code == 0 and [dict(r.query) for r in fake.requests] == [{"api_key": "***"}] * 2


def test_bulk_passes_its_options_on(  # type: ignore[no-untyped-def]
    main, tmp_path: Path, ids_file, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = spy(monkeypatch, bulk, "harvest")
    ids = ids_file("1\n")
    assert main("bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / "a.jsonl"))[0] == 0
    assert (
        main(
            "bulk",
            "movie",
            "--ids",
            str(ids),
            "--out",
            str(tmp_path / "b.csv"),
            "--concurrency",
            "3",
            "--columns",
            "title",
        )[0]
        == 0
    )
    assert [(c["concurrency"], c["columns"], c["item_type"]) for c in calls] == [
        (8, None, MovieDetails),
        (3, ["title"], MovieDetails),
    ]
    assert calls[0]["on_progress"] is None  # stderr is not a terminal


def test_a_bad_dataset_suffix_is_bad_input_before_any_download(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, ids_file
) -> None:
    out = tmp_path / "o.xlsx"
    message = (
        f"error: cannot tell the dataset format from {str(out)!r}; name it .jsonl, .csv or "
        ".parquet, or pass format="
    )
    code, _, err = main("bulk", "movie", "--ids", str(ids_file("1\n")), "--out", str(out))
    assert code == 2 and flat(err) == message
    code, _, err = main(
        "bulk", "movie", "--export", "2024-05-15", "--out", str(out), "--exports-url", fake.url
    )
    assert code == 2 and flat(err) == message
    assert fake.requests == []


def test_bulk_from_an_export_keeps_it_beside_the_dataset_or_in_exports_dir(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path
) -> None:
    fake.exports.publish(
        "tv_series", "2024-05-15", [{"id": i, "original_name": "s"} for i in (5, 6)]
    )
    url = f"{fake.url}/p/exports"
    out = tmp_path / "tv.jsonl"
    code, report, err = main(
        "bulk", "tv", "--export", "2024-05-15", "--out", str(out), "--exports-url", url, "--json"
    )
    assert (code, err) == (0, "")
    assert json.loads(report)["written"] == 2
    assert fetched(fake, "tv") == [5, 6]
    assert (tmp_path / "tv_series_ids_05_15_2024.json.gz").is_file()
    kept = tmp_path / "exports"
    kept.mkdir()
    code, _, _ = main(
        "bulk",
        "tv",
        "--export",
        "2024-05-15",
        "--out",
        str(tmp_path / "again.jsonl"),
        "--exports-url",
        url,
        "--exports-dir",
        str(kept),
    )
    assert code == 0
    assert [p.name for p in kept.iterdir()] == ["tv_series_ids_05_15_2024.json.gz"]


def test_bulk_argument_errors(main, fake: FakeTMDB, tmp_path: Path, ids_file) -> None:  # type: ignore[no-untyped-def]
    ids = str(ids_file("1\n"))
    code, _, err = main("bulk", "movie", "--ids", ids)
    assert code == 2
    assert last_line(err) == "tmdbfusion bulk: error: the following arguments are required: --out"
    code, _, err = main("bulk", "movie", "--out", "o.jsonl")
    assert code == 2
    assert last_line(err) == (
        "tmdbfusion bulk: error: one of the arguments --ids --export is required"
    )
    code, _, err = main("bulk", "movie", "--ids", ids, "--export", "today", "--out", "o.jsonl")
    assert code == 2
    assert last_line(err) == (
        "tmdbfusion bulk: error: argument --export: not allowed with argument --ids"
    )
    code, _, err = main("bulk", "keyword", "--ids", ids, "--out", "o.jsonl")
    assert code == 2 and "argument kind: invalid choice: 'keyword'" in err
    code, _, err = main("bulk", "movie", "--ids", ids, "--out", "o.jsonl", "--concurrency", "x")
    assert code == 2 and "argument --concurrency: invalid int value: 'x'" in err
    assert fake.requests == []


def test_the_data_commands_defaults() -> None:
    parser = build_parser()
    args = parser.parse_args(["bulk", "movie", "--ids", "f", "--out", "o.jsonl"])
    assert (args.ids, args.export, args.append, args.columns, args.shard) == (
        "f",
        None,
        None,
        None,
        None,
    )
    assert (args.exports_dir, args.exports_url, args.concurrency) == (
        None,
        "https://files.tmdb.org/p/exports",
        8,
    )
    args = parser.parse_args(["bulk", "movie", "--ids", "f", "--out", "o", "--shard", "2/4"])
    assert args.shard == (2, 4)
    assert args.command == "bulk"
    args = parser.parse_args(["exports", "download", "movie", "today"])
    assert (args.command, args.action) == ("exports", "download")
    assert (args.dest, args.count, args.exports_url) == (
        ".",
        False,
        "https://files.tmdb.org/p/exports",
    )
    args = parser.parse_args(["exports", "diff", "movie", "a", "b"])
    assert (args.dest, args.list, args.exports_url) == (
        ".",
        False,
        "https://files.tmdb.org/p/exports",
    )
    args = parser.parse_args(["changes", "tv"])
    assert (args.since, args.until, args.dataset, args.append, args.concurrency) == (
        None,
        None,
        None,
        None,
        8,
    )
    args = parser.parse_args(["images", "download", "--dest", "d"])
    assert (args.command, args.action) == ("images", "download")
    assert (args.paths, args.dataset, args.kind, args.size, args.images_url) == (
        [],
        None,
        "poster",
        "w500",
        "https://image.tmdb.org/t/p/",
    )
    assert args.concurrency == 8


# --- exports --------------------------------------------------------------------------------


@pytest.fixture
def published(fake: FakeTMDB) -> str:
    fake.exports.publish("keyword", "2024-05-15", [{"id": i, "name": "k"} for i in (1, 2, 3)])
    fake.exports.publish("keyword", "2024-05-16", [{"id": i, "name": "k"} for i in (2, 3, 4)])
    fake.exports.publish("keyword", "2024-05-17", [{"id": i, "name": "k"} for i in (2, 3, 4, 5, 6)])
    return f"{fake.url}/p/exports"


def test_exports_download(  # type: ignore[no-untyped-def]
    main, tmp_path: Path, published: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = main(
        "exports", "download", "keyword", "2024-05-15", "--exports-url", published, "--json"
    )
    assert (code, err) == (0, "")
    assert json.loads(out) == {"path": "keyword_ids_05_15_2024.json.gz", "ids": None}
    assert (tmp_path / "keyword_ids_05_15_2024.json.gz").is_file()
    target = tmp_path / "sub" / "k.json.gz"
    target.parent.mkdir()
    code, out, _ = main(
        "exports",
        "download",
        "keyword",
        "2024-05-16",
        "--dest",
        str(target),
        "--count",
        "--exports-url",
        published,
    )
    assert code == 0
    assert out.splitlines()[0].rstrip() == "keyword export"
    assert summary_rows(out) == {"path": str(target), "ids": "3"}
    code, out, _ = main("exports", "download", "keyword", "2024-05-15", "--exports-url", published)
    assert summary_rows(out) == {"path": "keyword_ids_05_15_2024.json.gz", "ids": "-"}


def test_exports_errors(main, fake: FakeTMDB, tmp_path: Path, published: str) -> None:  # type: ignore[no-untyped-def]
    dest = str(tmp_path)
    code, _, err = main(
        "exports", "download", "movie", "2024-05-17", "--dest", dest, "--exports-url", published
    )
    assert code == 4
    assert flat(err) == (
        "error: movie_ids_05_17_2024.json.gz is not published: TMDB publishes each day's "
        "exports around 08:00 UTC and keeps them about three months; try an earlier day"
    )
    code, _, err = main("exports", "download", "keyword", "15.05.2024", "--dest", dest)
    assert code == 2
    assert flat(err) == (
        "error: an export date is YYYY-MM-DD, 'today' or 'yesterday' (UTC); got '15.05.2024'"
    )
    fake.exports.publish_bytes("person_ids_05_15_2024.json.gz", b"{not json")
    args = ("exports", "download", "person", "2024-05-15", "--dest", dest)
    code, _, err = main(*args, "--count", "--exports-url", published)
    assert code == 1
    assert flat(err).startswith(
        f"error: {tmp_path / 'person_ids_05_15_2024.json.gz'}:1: not a person export line ("
    )
    code, _, err = main("exports", "download", "genre", "2024-05-15")
    assert code == 2 and "argument kind: invalid choice: 'genre'" in err
    code, _, err = main("exports")
    assert code == 2
    assert last_line(err) == (
        "tmdbfusion exports: error: the following arguments are required: ACTION"
    )


def test_exports_diff(main, tmp_path: Path, published: str) -> None:  # type: ignore[no-untyped-def]
    days = ("keyword", "2024-05-15", "2024-05-16", "--dest", str(tmp_path), "--exports-url")
    code, out, err = main("exports", "diff", *days, published, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"added": [4], "removed": [1], "kept": 2}
    code, listed, _ = main("exports", "diff", *days, published, "--json", "--list")
    assert listed == out
    code, out, _ = main("exports", "diff", *days, published)
    assert code == 0
    assert out.splitlines()[0].rstrip() == "keyword: 2024-05-15 → 2024-05-16"
    assert summary_rows(out) == {"added": "1", "removed": "1", "kept": "2"}
    assert "added:" not in out and "removed:" not in out
    code, out, _ = main("exports", "diff", *days, published, "--list")
    assert code == 0
    assert listed_ids(out) == ["added: 4", "removed: 1"]


def test_exports_diff_lists_only_what_changed(main, tmp_path: Path, published: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = main(
        "exports",
        "diff",
        "keyword",
        "2024-05-16",
        "2024-05-17",
        "--dest",
        str(tmp_path),
        "--exports-url",
        published,
        "--list",
    )
    assert code == 0
    assert summary_rows(out) == {"added": "2", "removed": "0", "kept": "3"}
    assert listed_ids(out) == ["added: 5 6"]


# --- changes --------------------------------------------------------------------------------


def answer_changes(ids: list[int]) -> Callable[[RecordedRequest], dict[str, Any]]:
    def changed(request: RecordedRequest) -> dict[str, Any]:
        results = [{"id": i, "adult": False} for i in ids]
        return {"page": 1, "results": results, "total_pages": 1, "total_results": len(ids)}

    return changed


def test_changes_since_yesterday_by_default(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    fake.add_route("GET", "/3/movie/changes", answer_changes([40, 2]))
    today = datetime.datetime.now(datetime.timezone.utc).date()
    code, out, err = main("changes", "movie", "--json")
    assert (code, err) == (0, "")
    assert out == "[\n  2,\n  40\n]\n"  # sorted
    (request,) = fake.requests
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert dict(request.query) == {
        "api_key": "***",
        "start_date": yesterday,
        "end_date": today.isoformat(),
    }
    code, out, _ = main("changes", "movie")
    assert code == 0
    assert out.splitlines()[0].rstrip() == f"movie changes since {yesterday}"
    assert summary_rows(out) == {"changed": "2", "ids": "2, 40"}


@pytest.mark.parametrize("kind", ["tv", "person"])
def test_changes_of_a_kind_in_a_span(main, fake: FakeTMDB, kind: str) -> None:  # type: ignore[no-untyped-def]
    fake.add_route("GET", f"/3/{kind}/changes", answer_changes([9]))
    code, out, _ = main("changes", kind, "--since", "2024-05-01", "--until", "2024-05-03", "--json")
    assert code == 0 and json.loads(out) == [9]
    assert [(r.path, dict(r.query)) for r in fake.requests] == [
        (
            f"/3/{kind}/changes",
            {"api_key": "***", "start_date": "2024-05-01", "end_date": "2024-05-03"},
        )
    ]


def test_changes_none_changed(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    fake.add_route("GET", "/3/movie/changes", answer_changes([]))
    code, out, _ = main("changes", "movie", "--since", "2024-05-01", "--until", "2024-05-02")
    assert code == 0 and summary_rows(out) == {"changed": "0", "ids": ""}


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "movies.jsonl"
    path.write_text("".join(json.dumps({"id": i, "title": "old"}) + "\n" for i in (1, 2, 3, 4)))
    return path


def test_changes_sync_a_dataset(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = spy(monkeypatch, changes, "sync_changes")
    fake.add_route("GET", "/3/movie/changes", answer_changes([2, 3, 40]))
    fake.inject(Fault.status(404), path="/3/movie/3", times=None)
    span = ("--since", "2024-05-01", "--until", "2024-05-03")
    code, out, err = main("changes", "movie", *span, "--dataset", str(dataset), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "dataset": str(dataset),
        "changed": 3,
        "refreshed": 1,
        "removed": [3],
        "failed": {},
    }
    assert [line["title"] for line in lines_of(dataset)] == ["old", "Movie 2", "old"]
    assert [dict(r.query) for r in fake.requests if r.path == "/3/movie/2"] == [{"api_key": "***"}]
    assert [(c["append"], c["concurrency"], c["on_progress"]) for c in calls] == [(None, 8, None)]
    code, out, _ = main("changes", "movie", *span, "--dataset", str(dataset))
    assert code == 0
    assert out.splitlines()[0].rstrip() == "movie changes since 2024-05-01"
    assert summary_rows(out) == {
        "dataset": str(dataset),
        "changed": "3",
        "refreshed": "1",
        "removed": "",
        "failed": "",
    }


def test_changes_sync_with_appended_parts_and_a_failure(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = spy(monkeypatch, changes, "sync_changes")
    fake.add_route("GET", "/3/movie/changes", answer_changes([1, 4]))
    fake.inject(Fault.status(500), path="/3/movie/4", times=None)
    code, out, _ = main(
        "--max-retries",
        "0",
        "changes",
        "movie",
        "--since",
        "2024-05-01",
        "--until",
        "2024-05-03",
        "--dataset",
        str(dataset),
        "--append",
        "credits",
        "--concurrency",
        "2",
        "--json",
    )
    assert code == 5
    report = json.loads(out)
    assert (report["refreshed"], list(report["failed"])) == (1, ["4"])
    assert {r.query.get("append_to_response") for r in fake.requests if r.path == "/3/movie/1"} == {
        "credits"
    }
    assert [(c["append"], c["concurrency"]) for c in calls] == [(["credits"], 2)]


def test_changes_of_a_dataset_that_is_not_there(main, fake: FakeTMDB, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "none.jsonl"
    code, _, err = main("changes", "movie", "--since", "2024-05-01", "--dataset", str(missing))
    assert code == 2
    assert flat(err) == f"error: no dataset at {missing}; harvest it first (tmdbfusion.bulk)"
    code, _, err = main("changes", "movie", "--since", "May")
    assert code == 2 and "May" in err and "Traceback" not in err


# --- images ---------------------------------------------------------------------------------


@pytest.fixture
def host() -> Iterator[ImageHost]:
    with ImageHost().running() as server:
        yield server


def test_images_from_paths_and_a_dataset(  # type: ignore[no-untyped-def]
    main, tmp_path: Path, host: ImageHost
) -> None:
    items = tmp_path / "movies.jsonl"
    items.write_text(
        "".join(
            json.dumps({"id": i, "poster_path": f"/p{i}.jpg", "backdrop_path": f"/b{i}.jpg"}) + "\n"
            for i in (1, 2)
        )
    )
    dest = tmp_path / "images"
    code, out, _ = main(
        "images",
        "download",
        "/x.jpg",
        "--dataset",
        str(items),
        "--kind",
        "backdrop",
        "--size",
        "w780",
        "--dest",
        str(dest),
        "--images-url",
        host.base_url,
        "--json",
    )
    assert code == 0
    size = sum(len(image_bytes("w780", name)) for name in ("x.jpg", "b1.jpg", "b2.jpg"))
    assert json.loads(out) == {
        "directory": str(dest),
        "downloaded": 3,
        "skipped": 0,
        "bytes": size,
        "failed": {},
    }
    assert sorted(host.requests) == ["/t/p/w780/b1.jpg", "/t/p/w780/b2.jpg", "/t/p/w780/x.jpg"]


def test_images_defaults_and_readable_report(  # type: ignore[no-untyped-def]
    main, tmp_path: Path, host: ImageHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = spy(monkeypatch, downloads, "download_images")
    dest = tmp_path / "posters"
    host.missing.add("gone.jpg")
    code, out, _ = main(
        "images",
        "download",
        "/a.jpg",
        "/gone.jpg",
        "--dest",
        str(dest),
        "--images-url",
        host.base_url,
    )
    assert code == 5  # stderr is left alone: the image host's threads may write to it
    assert sorted(host.requests) == ["/t/p/w500/a.jpg", "/t/p/w500/gone.jpg"]
    assert out.splitlines()[0].rstrip() == "poster images"
    rows = summary_rows(out)
    assert {k: rows[k] for k in ("directory", "downloaded", "skipped", "bytes")} == {
        "directory": str(dest),
        "downloaded": "1",
        "skipped": "0",
        "bytes": str(len(image_bytes("w500", "a.jpg"))),
    }
    assert rows["failed"].startswith("/gone.jpg=")
    code, out, _ = main(
        "--timeout",
        "4",
        "images",
        "download",
        "/a.jpg",
        "--dest",
        str(dest),
        "--images-url",
        host.base_url,
        "--concurrency",
        "2",
        "--json",
    )
    assert code == 0 and json.loads(out)["skipped"] == 1 and json.loads(out)["downloaded"] == 0
    assert [
        (c["kind"], c["size"], c["base_url"], c["concurrency"], c["timeout"], c["on_progress"])
        for c in calls
    ] == [
        ("poster", "w500", host.base_url, 8, 30.0, None),
        ("poster", "w500", host.base_url, 2, 4.0, None),
    ]


def test_images_bad_input(main, tmp_path: Path, host: ImageHost) -> None:  # type: ignore[no-untyped-def]
    dest = str(tmp_path / "d")
    code, _, err = main("images", "download", "--dest", dest)
    assert code == 2
    assert err == "error: no images to download: give image paths or --dataset FILE\n"
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"id": 1, "poster_path": None}) + "\n")
    code, _, err = main("images", "download", "--dataset", str(empty), "--dest", dest)
    assert code == 2
    assert err == "error: no images to download: give image paths or --dataset FILE\n"
    code, _, err = main("images", "download", "/a/b.jpg", "--dest", dest)
    assert code == 2
    assert err == "error: an image path is one file name like '/abc.jpg'; got '/a/b.jpg'\n"
    code, _, err = main("images", "download", "/a.jpg", "--kind", "profile", "--dest", dest)
    assert code == 2 and flat(err).startswith("error: 'w500' is not a profile size; valid sizes: ")
    code, _, err = main("images", "download", "/a.jpg")
    assert code == 2
    assert last_line(err) == (
        "tmdbfusion images download: error: the following arguments are required: --dest"
    )
    code, _, err = main("images", "download", "/a.jpg", "--kind", "logo", "--dest", dest)
    assert code == 2 and "argument --kind: invalid choice: 'logo'" in err
    assert host.requests == []


# --- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "parts"),
    [
        (
            [],
            [
                "bulk fetch many ids into a dataset (.jsonl, .csv, .parquet); resumes when rerun",
                "exports TMDB's daily ID export files",
                "changes ids TMDB changed since a date; with --dataset, refresh those in it",
                "images download posters, backdrops and profile photos",
            ],
        ),
        (
            ["bulk"],
            [
                "fetch many ids into a dataset (.jsonl, .csv, .parquet); resumes when rerun",
                "{movie,tv,person}",
                "(--ids FILE | --export DATE) --out FILE",
                "--ids FILE ids file: one id a line ('-' for stdin)",
                "--export DATE every id of that day's export",
                "--out FILE the dataset to write",
                "--append PART [PART ...] append_to_response parts",
                "--columns NAME [NAME ...] CSV/Parquet columns",
                "--shard K/N only ids with id % N == K-1",
                "--exports-dir DIR where to keep export files",
                "--exports-url EXPORTS_URL where the daily export files are (default: "
                "https://files.tmdb.org/p/exports)",
                "--concurrency CONCURRENCY requests at once (default 8)",
                "global options:",
            ],
        ),
        (
            ["exports"],
            [
                "TMDB's daily ID export files",
                "ACTION ...",
                "download download one day's export",
                "diff ids added and removed between two days",
            ],
        ),
        (
            ["exports", "download"],
            [
                "usage: tmdbfusion exports download [-h]",
                "{movie,tv_series,person,collection,tv_network,keyword,production_company} date",
                "date YYYY-MM-DD, today or yesterday (UTC)",
                "--dest DEST directory or .gz file (default: .)",
                "--count also count the ids",
                "--exports-url EXPORTS_URL where the daily export files are",
                "global options: --base-url BASE_URL",
            ],
        ),
        (
            ["exports", "diff"],
            [
                "usage: tmdbfusion exports diff [-h]",
                "older the earlier date",
                "newer the later date",
                "--dest DEST where the export files are kept",
                "--list print the ids too",
                "--exports-url EXPORTS_URL where the daily export files are",
                "global options: --base-url BASE_URL",
            ],
        ),
        (
            ["changes"],
            [
                "ids TMDB changed since a date; with --dataset, refresh those in it",
                "--since SINCE YYYY-MM-DD (default: yesterday, UTC)",
                "--until UNTIL YYYY-MM-DD (default: today, UTC)",
                "--dataset FILE a dataset to refresh (.jsonl or .csv)",
                "--append PART [PART ...] append_to_response parts",
                "--concurrency CONCURRENCY requests at once (default 8)",
            ],
        ),
        (
            ["images"],
            [
                "download posters, backdrops and profile photos",
                "download download images at a size",
            ],
        ),
        (
            ["images", "download"],
            [
                "usage: tmdbfusion images download [-h]",
                "PATH image paths, e.g. /abc.jpg",
                "--dataset FILE take the paths from a dataset",
                "--kind {poster,backdrop,profile}",
                "--size SIZE e.g. w342, w780, h632, original",
                "--dest DIR directory to write to",
                "--images-url URL",
                "--concurrency CONCURRENCY requests at once (default 8)",
                "global options: --base-url BASE_URL",
            ],
        ),
    ],
)
def test_the_data_commands_help(main, command: list[str], parts: list[str]) -> None:  # type: ignore[no-untyped-def]
    code, out, err = main(*command, "-h")
    assert (code, err) == (0, "")
    text = flat(out)
    for part in parts:
        assert part in text, part


def test_global_options_on_nested_commands(main, tmp_path: Path, published: str) -> None:  # type: ignore[no-untyped-def]
    # --json before the command, after it, or after the action: each one counts.
    days = [
        "keyword",
        "2024-05-15",
        "2024-05-16",
        "--dest",
        str(tmp_path),
        "--exports-url",
        published,
    ]
    expected = {"added": [4], "removed": [1], "kept": 2}
    for args in (
        ["--json", "exports", "diff", *days],
        ["exports", "--json", "diff", *days],
        ["exports", "diff", *days, "--json"],
    ):
        code, out, _ = main(*args)
        assert (code, json.loads(out)) == (0, expected), args


def test_global_options_after_each_action(  # type: ignore[no-untyped-def]
    main, tmp_path: Path, published: str, host: ImageHost
) -> None:
    code, out, _ = main(
        "--json",
        "exports",
        "download",
        "keyword",
        "2024-05-15",
        "--dest",
        str(tmp_path),
        "--exports-url",
        published,
    )
    assert code == 0 and json.loads(out)["ids"] is None
    code, out, _ = main(
        "exports", "download", "keyword", "2024-05-15", "--dest", str(tmp_path), "--json"
    )
    assert code == 0 and json.loads(out)["ids"] is None  # already there: nothing downloaded
    dest = str(tmp_path / "img")
    for args in (
        ["--json", "images", "download", "/a.jpg"],
        ["images", "--json", "download", "/a.jpg"],
        ["images", "download", "/a.jpg", "--json"],
    ):
        code, out, _ = main(*args, "--dest", dest, "--images-url", host.base_url)
        assert code == 0 and json.loads(out)["directory"] == dest, args


def test_images_needs_an_action(main) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main("images")
    assert code == 2
    assert (
        last_line(err) == "tmdbfusion images: error: the following arguments are required: ACTION"
    )
    code, _, err = main("images", "upload")
    assert code == 2 and "argument ACTION: invalid choice: 'upload'" in err


def test_a_dataset_that_cannot_be_written_is_bad_input(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, ids_file
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    out = blocker / "out.jsonl"
    code, report, err = main("bulk", "movie", "--ids", str(ids_file("1\n")), "--out", str(out))
    assert (code, report) == (2, "")
    # The harvest makes the dataset's directory; a file is in the way.
    assert flat(err) == f"error: [Errno {errno.EEXIST}] File exists: {str(blocker)!r}"
    assert "Traceback" not in err
