"""bulk, exports, changes and images commands: resumable harvests, killed runs, FakeTMDB files."""

from __future__ import annotations

import csv
import datetime
import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tmdbfusion.testing import FAKE_API_KEY, FakeTMDB, Fault, RecordedRequest

from ..tools.imagehost import ImageHost
from .conftest import clean_env, script

pytestmark = pytest.mark.timeout(180)


def _fetched_ids(fake: FakeTMDB, route: str = "/3/movie/{movie_id}") -> list[int]:
    key = {"/3/movie/{movie_id}": "movie_id", "/3/person/{person_id}": "person_id"}[route]
    return sorted(int(r.path_params[key]) for r in fake.requests if r.route == route)


def _complete_lines(path: Path) -> list[dict[str, object]]:
    data = path.read_bytes() if path.exists() else b""
    return [json.loads(line) for line in data.split(b"\n")[:-1] if line.strip()]


def test_bulk_writes_one_line_per_id_and_a_rerun_requests_nothing(
    cli,
    fake: FakeTMDB,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# movies\n550\n13\n\n680\n550\n")
    out = tmp_path / "out.jsonl"
    first = cli("bulk", "movie", "--ids", str(ids), "--out", str(out), "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["written"] == 3
    lines = _complete_lines(out)
    assert sorted(line["id"] for line in lines) == [13, 550, 680]
    assert _fetched_ids(fake) == [13, 550, 680]
    fake.reset()
    again = cli("bulk", "movie", "--ids", str(ids), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert fake.requests == [] and "skipped" in again.stdout
    assert len(_complete_lines(out)) == 3


def test_a_killed_bulk_run_resumes_without_duplicates(fake: FakeTMDB, tmp_path: Path) -> None:
    wanted = list(range(1, 61))
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"{i}\n" for i in wanted))
    out = tmp_path / "out.jsonl"
    command = [
        script(),
        "--base-url",
        fake.url,
        "bulk",
        "movie",
        "--ids",
        str(ids),
        "--out",
        str(out),
        "--concurrency",
        "2",
    ]
    env = clean_env(TMDB_API_KEY=FAKE_API_KEY)
    # Paced at 15 requests a second the run takes about 4 s: killed when a few are written.
    slow = subprocess.Popen(
        [*command, "--rate-limit", "15"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while len(_complete_lines(out)) < 8:
        assert slow.poll() is None, slow.stderr.read() if slow.stderr else ""
        assert time.monotonic() < deadline, "the bulk run wrote nothing"
        time.sleep(0.02)
    slow.send_signal(signal.SIGKILL)
    slow.wait(10)
    assert slow.stderr is not None
    slow.stderr.close()
    kept = {line["id"] for line in _complete_lines(out)}
    assert 8 <= len(kept) < len(wanted)

    fake.reset()
    resumed = subprocess.run(
        [*command, "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    lines = _complete_lines(out)
    assert sorted(line["id"] for line in lines) == wanted  # every id once, no duplicates
    assert out.read_bytes().endswith(b"\n")
    assert set(_fetched_ids(fake)) == set(wanted) - kept  # nothing already written asked again


@pytest.mark.slow
def test_bulk_from_a_daily_export_to_csv(main, fake: FakeTMDB, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake.exports.publish(
        "person",
        datetime.date(2024, 5, 15),
        [{"id": i, "name": f"P{i}", "adult": False, "popularity": 1.0} for i in (4, 5, 6)],
    )
    out = tmp_path / "people.csv"
    code, _, err = main(
        "bulk",
        "person",
        "--export",
        "2024-05-15",
        "--out",
        str(out),
        "--columns",
        "name",
        "known_for_department",
        "--exports-url",
        f"{fake.url}/p/exports",
    )
    assert code == 0, err
    with open(out, newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["id"] for row in rows] == ["4", "5", "6"]
    assert rows[0] == {"id": "4", "name": "Person 4", "known_for_department": "Acting"}
    assert (tmp_path / "person_ids_05_15_2024.json.gz").is_file()
    code, _, err = main(
        "bulk",
        "person",
        "--export",
        "2024-05-16",
        "--out",
        str(out),
        "--exports-url",
        f"{fake.url}/p/exports",
    )
    assert code == 4 and "not published" in err


def test_bulk_to_parquet_with_appended_parts_shards_and_failures(
    main,
    fake: FakeTMDB,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join(str(i) for i in range(1, 11)))
    fake.inject(Fault.status(404), path="/3/movie/3", times=None)
    fake.inject(Fault.status(500), path="/3/movie/5", times=None)
    out = tmp_path / "odd.parquet"
    code, report, _ = main(
        "--max-retries",
        "0",
        "bulk",
        "movie",
        "--ids",
        str(ids),
        "--out",
        str(out),
        "--shard",
        "2/2",
        "--append",
        "credits",
        "--columns",
        "title",
        "credits.cast",
        "--json",
    )
    assert code == 5  # partly done: movie 5 failed
    summary = json.loads(report)
    assert summary["missing"] == [3] and list(summary["failed"]) == ["5"]
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == [1, 7, 9]
    assert table.column("title").to_pylist() == ["Movie 1", "Movie 7", "Movie 9"]
    assert table.column_names == ["id", "title", "credits.cast"]
    assert all(cast for cast in table.column("credits.cast").to_pylist())
    assert all(r.query.get("append_to_response") == "credits" for r in fake.requests)


def test_bulk_bad_input(main, tmp_path: Path, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    ids = tmp_path / "ids.txt"
    ids.write_text("1\ntwo\n")
    code, _, err = main("bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / "o.jsonl"))
    assert code == 2 and "ids.txt:2: 'two' is not an id" in err
    code, _, err = main("bulk", "movie", "--ids", str(tmp_path / "none"), "--out", "o.jsonl")
    assert code == 2 and "cannot read the ids file" in err
    code, _, err = main("bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / "o.xlsx"))
    assert code == 2 and "cannot tell the dataset format" in err
    code, _, err = main("bulk", "movie", "--out", "o.jsonl")
    assert code == 2 and "--ids" in err
    assert fake.requests == []


def test_exports_download_and_diff(main, fake: FakeTMDB, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"{fake.url}/p/exports"
    fake.exports.publish("keyword", "2024-05-15", [{"id": i, "name": "k"} for i in (1, 2, 3)])
    fake.exports.publish("keyword", "2024-05-16", [{"id": i, "name": "k"} for i in (2, 3, 4)])
    code, out, _ = main(
        "exports",
        "download",
        "keyword",
        "2024-05-15",
        "--dest",
        str(tmp_path),
        "--count",
        "--exports-url",
        url,
        "--json",
    )
    assert code == 0
    assert json.loads(out) == {"path": str(tmp_path / "keyword_ids_05_15_2024.json.gz"), "ids": 3}
    code, out, _ = main(
        "exports",
        "diff",
        "keyword",
        "2024-05-15",
        "2024-05-16",
        "--dest",
        str(tmp_path),
        "--exports-url",
        url,
        "--json",
    )
    assert code == 0 and json.loads(out) == {"added": [4], "removed": [1], "kept": 2}
    code, out, _ = main(
        "exports",
        "diff",
        "keyword",
        "2024-05-15",
        "2024-05-16",
        "--dest",
        str(tmp_path),
        "--exports-url",
        url,
        "--list",
    )
    assert code == 0 and "added: 4" in out and "removed: 1" in out
    code, _, err = main("exports", "download", "keyword", "15.05.2024", "--exports-url", url)
    assert code == 2 and "YYYY-MM-DD" in err


def test_changes_lists_and_syncs(main, fake: FakeTMDB, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def changed(request: RecordedRequest) -> dict[str, object]:
        return {"page": 1, "results": [{"id": 2}, {"id": 40}], "total_pages": 1, "total_results": 2}

    fake.add_route("GET", "/3/movie/changes", changed)
    code, out, _ = main(
        "changes", "movie", "--since", "2024-05-01", "--until", "2024-05-20", "--json"
    )
    assert code == 0 and json.loads(out) == [2, 40]
    windows = [(r.query["start_date"], r.query["end_date"]) for r in fake.requests]
    assert windows == [("2024-05-01", "2024-05-14"), ("2024-05-14", "2024-05-20")]
    dataset = tmp_path / "movies.jsonl"
    dataset.write_text("".join(json.dumps({"id": i, "title": "old"}) + "\n" for i in (1, 2, 3)))
    fake.reset()
    code, out, _ = main(
        "changes", "movie", "--since", "2024-05-10", "--dataset", str(dataset), "--json"
    )
    assert code == 0 and json.loads(out)["refreshed"] == 1
    assert _fetched_ids(fake) == [2]
    titles = [line["title"] for line in _complete_lines(dataset)]
    assert titles == ["old", "Movie 2", "old"]


@pytest.fixture
def host() -> Iterator[ImageHost]:
    with ImageHost().running() as server:
        yield server


def test_images_download_from_a_dataset(
    main, fake: FakeTMDB, tmp_path: Path, host: ImageHost
) -> None:  # type: ignore[no-untyped-def]
    dataset = tmp_path / "movies.jsonl"
    dataset.write_text(
        "".join(json.dumps({"id": i, "poster_path": f"/p{i}.jpg"}) + "\n" for i in (1, 2))
    )
    dest = tmp_path / "posters"
    code, out, _ = main(
        "images",
        "download",
        "--dataset",
        str(dataset),
        "--size",
        "w342",
        "--dest",
        str(dest),
        "--images-url",
        host.base_url,
        "--json",
    )
    assert code == 0 and json.loads(out)["downloaded"] == 2
    assert sorted(p.name for p in dest.iterdir()) == ["p1.jpg", "p2.jpg"]
    host.missing.add("p9.jpg")
    code, out, _ = main(
        "images",
        "download",
        "/p1.jpg",
        "/p9.jpg",
        "--size",
        "w342",
        "--dest",
        str(dest),
        "--images-url",
        host.base_url,
        "--json",
    )
    assert code == 5 and json.loads(out)["skipped"] == 1
    code, _, err = main("images", "download", "/p1.jpg", "--size", "w9", "--dest", str(dest))
    assert code == 2 and "not a poster size" in err
    assert sorted(host.requests) == ["/t/p/w342/p1.jpg", "/t/p/w342/p2.jpg", "/t/p/w342/p9.jpg"]


def test_progress_bar_on_a_terminal_and_none_with_json(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("1\n2\n3\n")
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich then treats stderr as a terminal
    code, out, err = main("bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / "a.jsonl"))
    assert code == 0 and "3/3" in err and "written" in out
    code, out, err = main(
        "bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / "b.jsonl"), "--json"
    )
    assert code == 0 and "3/3" not in err and json.loads(out)["written"] == 3
    code, _, err = main(
        "bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / "c.jsonl"), "--no-progress"
    )
    assert code == 0 and "3/3" not in err
