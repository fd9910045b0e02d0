"""Bulk fetches and resumable harvests against FakeTMDB on 127.0.0.1."""

from __future__ import annotations

import asyncio
import csv
import json
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tmdbfusion import bulk
from tmdbfusion.exceptions import AuthenticationError, NotFoundError
from tmdbfusion.models import MovieDetails
from tmdbfusion.testing import FakeTMDB, Fault


@pytest.fixture
def fake() -> FakeTMDB:
    with FakeTMDB() as server:
        yield server


def _movie_requests(fake: FakeTMDB) -> list[int]:
    return sorted(
        int(r.path_params["movie_id"]) for r in fake.requests if r.route == "/3/movie/{movie_id}"
    )


def test_fetch_many_keeps_order_and_collects_missing_items(fake: FakeTMDB) -> None:
    fake.inject(Fault.status(404), path="/3/movie/7", times=None)
    progress: list[bulk.BulkProgress] = []
    with fake.client(max_retries=0) as client:
        results = list(
            bulk.fetch_many(
                client.movies.details, [5, 7, 3, 5, 9], concurrency=2, on_progress=progress.append
            )
        )
    assert [r.id for r in results] == [5, 7, 3, 9]
    assert [r.status for r in results] == ["fetched", "missing", "fetched", "fetched"]
    assert isinstance(results[1].error, NotFoundError)
    assert results[0].item is not None and results[0].item.title == "Movie 5"
    assert progress[-1] == bulk.BulkProgress(done=4, total=4, fetched=3, missing=1, failed=0)
    assert _movie_requests(fake) == [3, 5, 7, 9]


def test_failed_ids_are_collected_but_bad_credentials_end_the_run(fake: FakeTMDB) -> None:
    fake.inject(Fault.status(500), path="/3/movie/2", times=None)
    with fake.client(max_retries=0) as client:
        results = {
            r.id: r for r in bulk.fetch_many(client.movies.details, [1, 2, 3], ordered=False)
        }
    assert results[2].status == "failed" and results[1].status == results[3].status == "fetched"
    fake.inject(Fault.status(401), path="*", times=None)
    with fake.client(max_retries=0) as client, pytest.raises(AuthenticationError):
        list(bulk.fetch_many(client.movies.details, range(1, 50)))


def test_concurrency_bounds_requests_in_flight(fake: FakeTMDB) -> None:
    in_flight = most = 0
    lock = threading.Lock()

    def answer(request: object) -> dict[str, object]:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        threading.Event().wait(0.02)
        with lock:
            in_flight -= 1
        return {"id": 1, "title": "x"}

    fake.add_route("GET", "/3/movie/{movie_id}", answer)
    with fake.client() as client:
        assert len(list(bulk.fetch_many(client.movies.details, range(20), concurrency=3))) == 20
    assert most == 3


def test_afetch_many_as_completed(fake: FakeTMDB) -> None:
    fake.inject(Fault.status(404), path="/3/movie/4", times=None)

    async def run() -> list[bulk.BulkResult[MovieDetails]]:
        async with fake.async_client(max_retries=0) as client:
            return [
                r
                async for r in bulk.afetch_many(
                    client.movies.details, range(1, 9), concurrency=3, ordered=False
                )
            ]

    results = asyncio.run(run())
    assert sorted(r.id for r in results) == list(range(1, 9))
    assert {r.id for r in results if r.status == "missing"} == {4}


def test_bad_ids_and_concurrency_are_refused(fake: FakeTMDB) -> None:
    with fake.client() as client:
        with pytest.raises(TypeError, match="ids must be ints"):
            list(bulk.fetch_many(client.movies.details, ["550"]))  # type: ignore[list-item]
        with pytest.raises(ValueError, match="concurrency"):
            bulk.fetch_many(client.movies.details, [1], concurrency=0)


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_harvest_resumes_without_requests_for_ids_already_written(
    fake: FakeTMDB, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"movies.{suffix}"
    columns = None if suffix == "jsonl" else ["title", "belongs_to_collection.name", "genres"]
    with fake.client() as client:
        first = bulk.harvest(client.movies.details, range(1, 6), out, columns=columns)
        assert (first.written, first.skipped) == (5, 0)
        fake.reset()
        second = bulk.harvest(client.movies.details, range(1, 9), out, columns=columns)
    assert (second.written, second.skipped) == (3, 5)
    assert _movie_requests(fake) == [6, 7, 8]
    if suffix == "jsonl":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    elif suffix == "csv":
        with out.open(newline="") as file:
            rows = list(csv.DictReader(file))
        assert list(rows[0]) == ["id", "title", "belongs_to_collection.name", "genres"]
        assert json.loads(rows[0]["genres"])[0]["name"]
    else:
        rows = pq.read_table(out).to_pylist()
        assert not out.with_name(out.name + ".partial.jsonl").exists()
    assert sorted(int(row["id"]) for row in rows) == list(range(1, 9))
    assert {row["title"] for row in rows} == {f"Movie {i}" for i in range(1, 9)}


def test_a_torn_last_line_is_cut_off_and_fetched_again(fake: FakeTMDB, tmp_path: Path) -> None:
    out = tmp_path / "movies.jsonl"
    with fake.client() as client:
        bulk.harvest(client.movies.details, [1, 2], out)
        with out.open("ab") as file:
            file.write(b'{"id": 3, "title": "Mov')  # what a killed run leaves behind
        fake.reset()
        report = bulk.harvest(client.movies.details, [1, 2, 3], out)
    assert report.written == 1 and _movie_requests(fake) == [3]
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [1, 2, 3]


def test_missing_ids_are_reported_not_written(fake: FakeTMDB, tmp_path: Path) -> None:
    fake.inject(Fault.status(404), path="/3/movie/2", times=None)
    with fake.client(max_retries=0) as client:
        report = bulk.harvest(client.movies.details, [1, 2, 3], tmp_path / "m.jsonl")
    assert report.missing == [2] and report.complete and report.written == 2


def test_unknown_columns_are_named(fake: FakeTMDB, tmp_path: Path) -> None:
    with fake.client() as client, pytest.raises(ValueError, match=r"titel.*did you mean title"):
        bulk.harvest(client.movies.details, [1], tmp_path / "m.csv", columns=["titel"])
