"""Change sync, as a user sees it: UTC dates, exact messages, the span asked for, what is passed on.

Each test pins behaviour that an earlier suite left open (found by mutation testing): how a
datetime or a timestamp string counts, which day ``until`` defaults to whatever the machine's
time zone, the messages naming ``since`` and ``until``, and that ``sync_changes`` passes its
``until``, ``append``, ``columns``, ``concurrency`` and ``on_progress`` on and keeps its spool
beside the dataset.
"""

from __future__ import annotations

import datetime
import json
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tmdbfusion import bulk, changes
from tmdbfusion.datasets import DatasetError
from tmdbfusion.models import PersonDetails
from tmdbfusion.testing import FakeTMDB, Fault, RecordedRequest

D = datetime.date
UTC = datetime.timezone.utc


@pytest.fixture
def fake() -> Iterator[FakeTMDB]:
    with FakeTMDB() as server:
        yield server


def _changes_route(fake: FakeTMDB, path: str, changed_on: dict[int, datetime.date]) -> None:
    """Answer like TMDB: the ids changed between start_date and end_date, one page."""

    def answer(request: RecordedRequest) -> dict[str, object]:
        start = D.fromisoformat(request.query["start_date"])
        end = D.fromisoformat(request.query["end_date"])
        ids = sorted(i for i, day in changed_on.items() if start <= day <= end)
        results = [{"id": i, "adult": False} for i in ids]
        return {"page": 1, "results": results, "total_pages": 1, "total_results": len(ids)}

    fake.add_route("GET", path, answer)


def _spans(fake: FakeTMDB, route: str) -> list[tuple[str, str]]:
    return [(r.query["start_date"], r.query["end_date"]) for r in fake.requests if r.route == route]


def test_a_datetime_counts_by_its_utc_date_whatever_the_local_zone(
    set_local_zone: Callable[[str], None],
) -> None:
    set_local_zone("JST-9")  # the machine runs nine hours ahead of UTC
    end = D(2024, 5, 10)
    eastern = datetime.timezone(datetime.timedelta(hours=-5))
    cases = [
        # A naive datetime is taken as it is, not as local time (03:00 JST is still 30 April UTC).
        (datetime.datetime(2024, 5, 1, 3, 0), D(2024, 5, 1)),
        # 20:00 UTC is already 2 May in Tokyo; the UTC date counts.
        (datetime.datetime(2024, 5, 1, 20, 0, tzinfo=UTC), D(2024, 5, 1)),
        # 20:00 at UTC-5 is 01:00 on 2 May in UTC.
        (datetime.datetime(2024, 5, 1, 20, 0, tzinfo=eastern), D(2024, 5, 2)),
    ]
    for moment, day in cases:
        assert changes.change_windows(moment, end) == [(day, end)], moment
    until = datetime.datetime(2024, 5, 9, 22, 0, tzinfo=eastern)
    assert changes.change_windows(D(2024, 5, 1), until) == [(D(2024, 5, 1), D(2024, 5, 10))]


def test_a_timestamp_string_counts_by_its_date_part() -> None:
    assert changes.change_windows("2024-05-01T23:30:00Z", "2024-05-03 08:00") == [
        (D(2024, 5, 1), D(2024, 5, 3))
    ]


def test_until_defaults_to_today_in_utc_not_the_local_date(
    set_local_zone: Callable[[str], None],
) -> None:
    now = datetime.datetime.now(UTC)
    # A zone whose date differs from the UTC date at this moment: 12 hours behind before noon
    # UTC, 14 hours ahead after.
    set_local_zone("AOE+12" if now.hour < 12 else "LINT-14")
    assert datetime.date.today() != now.date()
    assert changes.change_windows(now.date()) == [(now.date(), now.date())]


def test_bad_dates_are_named_in_the_message() -> None:
    with pytest.raises(ValueError) as bad_until:
        changes.change_windows("2024-05-01", "next week")
    assert str(bad_until.value) == "until must be a date (YYYY-MM-DD); got 'next week'"
    with pytest.raises(ValueError) as bad_since:
        changes.change_windows("05/01/2024", D(2024, 5, 2))
    assert str(bad_since.value) == "since must be a date (YYYY-MM-DD); got '05/01/2024'"
    with pytest.raises(ValueError) as reversed_span:
        changes.change_windows(D(2024, 5, 3), "2024-05-02")
    assert str(reversed_span.value) == (
        "since (2024-05-03) is after until (2024-05-02); give an earlier since"
    )


def test_sync_asks_for_the_span_given_and_fetches_with_the_parts_given(
    fake: FakeTMDB, tmp_path: Path
) -> None:
    out = tmp_path / "movies.jsonl"
    with fake.client(max_retries=0) as client:
        fetch = changes.details_fetcher(client, "movie", ["credits"])
        bulk.harvest(fetch, [1, 2, 3, 4], out)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    for line in lines:
        line["title"] = "stale"
        del line["credits"]
    out.write_text("".join(json.dumps(line) + "\n" for line in lines))
    # 3 changed after the span's end: it must not be refreshed.
    _changes_route(
        fake, "/3/movie/changes", {2: D(2024, 5, 2), 3: D(2024, 5, 20), 4: D(2024, 5, 9)}
    )
    fake.reset()
    progress: list[bulk.BulkProgress] = []
    with fake.client(max_retries=0) as client:
        report = changes.sync_changes(
            client,
            "movie",
            out,
            "2024-05-01",
            "2024-05-10",
            append=["credits"],
            on_progress=progress.append,
        )
    assert report == changes.SyncReport(out, changed=2, refreshed=[2, 4], removed=[], failed={})
    assert _spans(fake, "/3/movie/changes") == [("2024-05-01", "2024-05-10")]
    details = [r for r in fake.requests if r.route == "/3/movie/{movie_id}"]
    assert sorted(r.path_params["movie_id"] for r in details) == ["2", "4"]
    assert [r.query.get("append_to_response") for r in details] == ["credits", "credits"]
    after = {line["id"]: line for line in map(json.loads, out.read_text().splitlines())}
    assert [i for i in after] == [1, 2, 3, 4]
    assert {i: line["title"] for i, line in after.items()} == {
        1: "stale",
        2: "Movie 2",
        3: "stale",
        4: "Movie 4",
    }
    assert sorted(i for i, line in after.items() if "credits" in line) == [2, 4]
    counts = [(p.done, p.total, p.fetched, p.missing, p.failed) for p in progress]
    assert counts == [(1, 2, 1, 0, 0), (2, 2, 2, 0, 0)]


def test_a_failed_id_keeps_tmdbs_message(fake: FakeTMDB, tmp_path: Path) -> None:
    out = tmp_path / "people.csv"
    with fake.client(max_retries=0) as client:
        bulk.harvest(client.people.details, [1, 2], out, columns=["name"], item_type=PersonDetails)
        _changes_route(fake, "/3/person/changes", {1: D(2024, 5, 2), 2: D(2024, 5, 2)})
        fake.inject(Fault.status(500), path="/3/person/2", times=None)
        report = changes.sync_changes(client, "person", out, "2024-05-01", "2024-05-02")
    assert report.failed == {
        2: "TMDB server error: GET /3/person/2 returned HTTP 500 (TMDB code 11: Internal error: "
        "Something went wrong, contact TMDB.). This is on TMDB's side; try again later."
    }
    assert report.refreshed == [1] and report.path == out


def test_columns_other_than_the_datasets_are_refused_before_any_request(
    fake: FakeTMDB, tmp_path: Path
) -> None:
    out = tmp_path / "people.csv"
    with fake.client(max_retries=0) as client:
        bulk.harvest(client.people.details, [1, 2], out, columns=["name"], item_type=PersonDetails)
    _changes_route(fake, "/3/person/changes", {1: D(2024, 5, 2)})
    fake.reset()
    with fake.client(max_retries=0) as client:
        with pytest.raises(DatasetError) as refused:
            changes.sync_changes(
                client, "person", out, "2024-05-01", "2024-05-02", columns=["name", "popularity"]
            )
        assert fake.requests == []
        assert str(refused.value) == (
            f"{out} has the columns id, name; asked for id, name, popularity. "
            "Resume with the same columns, or a new file."
        )
        same = changes.sync_changes(
            client, "person", out, "2024-05-01", "2024-05-02", columns=["name"]
        )
    assert same.refreshed == [1]
    assert out.read_text().splitlines() == ["id,name", "1,Person 1", "2,Person 2"]


def test_sync_keeps_at_most_concurrency_requests_in_flight(fake: FakeTMDB, tmp_path: Path) -> None:
    out = tmp_path / "movies.jsonl"
    with fake.client(max_retries=0) as client:
        bulk.harvest(client.movies.details, [1, 2, 3, 4, 5, 6], out)
    _changes_route(fake, "/3/movie/changes", dict.fromkeys(range(1, 7), D(2024, 5, 2)))
    # Every details answer waits a little, so requests a wider pool would send overlap.
    fake.inject(Fault.stall(0.25), path="/3/movie/{movie_id}", times=None)
    in_flight = peak = 0
    lock = threading.Lock()

    def sent(request: httpx.Request) -> None:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)

    def answered(response: httpx.Response) -> None:
        nonlocal in_flight
        with lock:
            in_flight -= 1

    hooks = {"request": [sent], "response": [answered]}
    with httpx.Client(event_hooks=hooks) as http, fake.client(http_client=http) as client:
        report = changes.sync_changes(
            client, "movie", out, "2024-05-01", "2024-05-02", concurrency=2
        )
    assert report.refreshed == [1, 2, 3, 4, 5, 6]
    assert peak == 2


def test_the_spool_is_kept_beside_the_dataset_not_in_the_system_temp_dir(
    fake: FakeTMDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "movies.jsonl"
    with fake.client(max_retries=0) as client:
        bulk.harvest(client.movies.details, [1, 2], out)
        _changes_route(fake, "/3/movie/changes", {2: D(2024, 5, 2)})
        # A system temp dir that cannot be used (gone, full, or too small) must not matter.
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-dir"))
        report = changes.sync_changes(client, "movie", out, "2024-05-01", "2024-05-02")
    assert report.refreshed == [2] and report.complete
    assert sorted(p.name for p in tmp_path.iterdir()) == ["movies.jsonl"]
