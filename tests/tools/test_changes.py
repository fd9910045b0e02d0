"""Change sync against FakeTMDB: windows of at most 14 days, every page, exactly the changed ids."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from tmdbfusion import bulk, changes
from tmdbfusion.testing import FakeTMDB, Fault, RecordedRequest

D = datetime.date


@pytest.fixture
def fake() -> FakeTMDB:
    with FakeTMDB() as server:
        yield server


def _changes_route(fake: FakeTMDB, path: str, changed_on: dict[int, datetime.date]) -> None:
    """Answer like TMDB: the ids changed between start_date and end_date, two per page."""

    def answer(request: RecordedRequest) -> dict[str, object]:
        start = D.fromisoformat(request.query["start_date"])
        end = D.fromisoformat(request.query["end_date"])
        assert (end - start).days < changes.MAX_SPAN_DAYS
        ids = sorted(i for i, day in changed_on.items() if start <= day <= end)
        page = int(request.query.get("page", "1"))
        pages = [ids[i : i + 2] for i in range(0, len(ids), 2)] or [[]]
        return {
            "page": page,
            "results": [{"id": i, "adult": False} for i in pages[page - 1]],
            "total_pages": len(pages),
            "total_results": len(ids),
        }

    fake.add_route("GET", path, answer)


def test_windows_are_at_most_14_days_and_overlap_by_one() -> None:
    windows = changes.change_windows(D(2024, 1, 1), D(2024, 1, 31))
    assert windows == [
        (D(2024, 1, 1), D(2024, 1, 14)),
        (D(2024, 1, 14), D(2024, 1, 27)),
        (D(2024, 1, 27), D(2024, 1, 31)),
    ]
    assert changes.change_windows("2024-01-05", "2024-01-05") == [(D(2024, 1, 5), D(2024, 1, 5))]
    with pytest.raises(ValueError, match="after until"):
        changes.change_windows(D(2024, 2, 1), D(2024, 1, 1))
    with pytest.raises(ValueError, match="since must be a date"):
        changes.change_windows("last week", D(2024, 1, 1))


def test_changed_ids_walk_every_window_and_page(fake: FakeTMDB) -> None:
    changed_on = {
        10: D(2024, 1, 2),
        11: D(2024, 1, 14),
        12: D(2024, 1, 20),
        13: D(2024, 1, 30),
        14: D(2024, 1, 30),
        15: D(2024, 1, 30),
        99: D(2024, 3, 1),
    }
    _changes_route(fake, "/3/movie/changes", changed_on)
    with fake.client() as client:
        found = changes.changed_ids(client, "movie", D(2024, 1, 1), D(2024, 1, 31))
    assert found == {10, 11, 12, 13, 14, 15}
    calls = [(r.query["start_date"], r.query.get("page", "1")) for r in fake.requests]
    assert ("2024-01-27", "2") in calls and len({start for start, _ in calls}) == 3


def test_sync_refreshes_exactly_the_changed_ids_of_the_dataset(
    fake: FakeTMDB, tmp_path: Path
) -> None:
    out = tmp_path / "movies.jsonl"
    with fake.client(max_retries=0) as client:
        bulk.harvest(client.movies.details, [1, 2, 3, 4, 5], out)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    for line in lines:
        line["title"] = "stale"
    out.write_text("".join(json.dumps(line) + "\n" for line in lines))
    order = [line["id"] for line in lines]

    _changes_route(
        fake,
        "/3/movie/changes",
        {2: D(2024, 5, 2), 4: D(2024, 5, 20), 5: D(2024, 5, 3), 777: D(2024, 5, 4)},
    )
    fake.reset()  # only the requests of the sync below
    fake.inject(Fault.status(404), path="/3/movie/5", times=None)
    with fake.client(max_retries=0) as client:
        report = changes.sync_changes(client, "movie", out, D(2024, 5, 1), D(2024, 5, 25))
    assert report.changed == 4
    assert report.refreshed == [2, 4] and report.removed == [5] and report.complete
    fetched = sorted(
        int(r.path_params["movie_id"]) for r in fake.requests if r.route == "/3/movie/{movie_id}"
    )
    assert fetched == [2, 4, 5]  # never 777 (not in the dataset), never 1 or 3 (unchanged)
    after = [json.loads(line) for line in out.read_text().splitlines()]
    assert [a["id"] for a in after] == [i for i in order if i != 5]
    titles = {a["id"]: a["title"] for a in after}
    assert titles == {1: "stale", 2: "Movie 2", 3: "stale", 4: "Movie 4"}


def test_sync_keeps_failed_ids_and_says_so(fake: FakeTMDB, tmp_path: Path) -> None:
    out = tmp_path / "people.csv"
    from tmdbfusion.models import PersonDetails

    with fake.client(max_retries=0) as client:
        bulk.harvest(client.people.details, [1, 2], out, columns=["name"], item_type=PersonDetails)
        _changes_route(fake, "/3/person/changes", {1: D(2024, 5, 2), 2: D(2024, 5, 2)})
        fake.inject(Fault.status(500), path="/3/person/2", times=None)
        report = changes.sync_changes(client, "person", out, "2024-05-01", "2024-05-02")
    assert report.refreshed == [1] and list(report.failed) == [2] and not report.complete
    assert out.read_text().splitlines() == ["id,name", "1,Person 1", "2,Person 2"]


def test_sync_without_a_dataset_or_with_a_bad_kind(fake: FakeTMDB, tmp_path: Path) -> None:
    with fake.client() as client:
        with pytest.raises(FileNotFoundError, match="harvest it first"):
            changes.sync_changes(client, "movie", tmp_path / "none.jsonl", "2024-05-01")
        with pytest.raises(ValueError, match="kind must be one of: movie, tv, person"):
            changes.changed_ids(client, "film", "2024-05-01")
    assert fake.requests == []
