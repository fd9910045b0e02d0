"""fetch_many, afetch_many and the harvests at their edges: windows, order, messages, async resumes.

The fetch functions here stand in for ``client.movies.details``; they raise the SDK's own errors.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tmdbfusion import bulk
from tmdbfusion.exceptions import APIError, NotFoundError, ServerError
from tmdbfusion.models import MovieDetails
from tmdbfusion.testing import FakeTMDB, Fault


def api_error(kind: type[APIError], movie_id: int, status: int) -> APIError:
    return kind(
        f"HTTP {status} for movie {movie_id}",
        http_status=status,
        tmdb_status_code=None,
        status_message=None,
        method="GET",
        path=f"/3/movie/{movie_id}",
    )


def movie(movie_id: int) -> dict[str, object]:
    if movie_id == 404:
        raise api_error(NotFoundError, movie_id, 404)
    if movie_id == 500:
        raise api_error(ServerError, movie_id, 500)
    return {"id": movie_id}


class Counting:
    """An id source that counts how many ids were taken from it."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids
        self.taken = 0

    def __iter__(self) -> Iterator[int]:
        for value in self.ids:
            self.taken += 1
            yield value


@pytest.mark.parametrize("value", [0, -3, True, 2.0, "4", None])
def test_a_bad_concurrency_is_refused_with_what_was_given(value: object) -> None:
    message = f"concurrency must be an int of 1 or more; got {value!r}"
    with pytest.raises(ValueError) as caught:
        bulk.fetch_many(movie, [1], concurrency=value)  # type: ignore[arg-type]
    assert str(caught.value) == message

    async def run() -> None:
        async for _ in bulk.afetch_many(movie, [1], concurrency=value):  # type: ignore[arg-type]
            pass

    with pytest.raises(ValueError) as async_caught:
        asyncio.run(run())
    assert str(async_caught.value) == message


def test_a_concurrency_of_one_is_allowed() -> None:
    assert [r.item for r in bulk.fetch_many(movie, [1, 2], concurrency=1)] == [{"id": 1}, {"id": 2}]


# Factories, not the values: an iterator made once at collection would be used up by the first
# run, and a second session in one process (mutmut's) would see it empty.
@pytest.mark.parametrize("make_ids", [lambda: ["550"], lambda: iter(["550"])], ids=["list", "iter"])
def test_an_id_that_is_not_an_int_is_named_with_its_type(make_ids: Callable[[], object]) -> None:
    with pytest.raises(TypeError) as caught:
        list(bulk.fetch_many(movie, make_ids()))  # type: ignore[arg-type]
    assert str(caught.value) == "ids must be ints; got '550' (str)"


def test_a_negative_id_is_refused_with_its_value() -> None:
    with pytest.raises(ValueError) as caught:
        list(bulk.fetch_many(movie, iter([3, -1])))
    assert str(caught.value) == "ids are 0 or more; got -1"


def test_ids_from_an_iterator_are_fetched_once_each_in_order() -> None:
    results = list(bulk.fetch_many(movie, iter([3, 1, 3, 2, 1, 0]), concurrency=2))
    assert [r.id for r in results] == [3, 1, 2, 0]


def test_fetch_many_takes_ids_two_windows_ahead_at_most() -> None:
    ids = Counting(list(range(100)))
    results = bulk.fetch_many(movie, ids, concurrency=3)
    first = next(results)
    assert first.id == 0
    # Six queued (twice the concurrency); the next is taken only when asked for.
    assert ids.taken == 6
    next(results)
    assert ids.taken == 7
    results.close()


def test_afetch_many_takes_ids_two_windows_ahead_at_most() -> None:
    ids = Counting(list(range(100)))

    async def fetch(movie_id: int) -> dict[str, object]:
        return movie(movie_id)

    async def run() -> int:
        results = bulk.afetch_many(fetch, ids, concurrency=3)
        first = await results.__anext__()
        assert first.id == 0
        taken = ids.taken
        await results.aclose()
        return taken

    assert asyncio.run(run()) == 6


def test_afetch_many_is_ordered_by_default_and_reports_progress() -> None:
    async def fetch(movie_id: int) -> dict[str, object]:
        await asyncio.sleep(0.001 * (10 - movie_id))  # later ids finish first
        return movie(movie_id)

    progress: list[bulk.BulkProgress] = []

    async def run() -> list[bulk.BulkResult[dict[str, object]]]:
        return [
            r
            async for r in bulk.afetch_many(
                fetch, [1, 404, 3, 500, 5], concurrency=5, on_progress=progress.append
            )
        ]

    results = asyncio.run(run())
    assert [r.id for r in results] == [1, 404, 3, 500, 5]
    assert [r.status for r in results] == ["fetched", "missing", "fetched", "failed", "fetched"]
    assert progress[-1] == bulk.BulkProgress(done=5, total=5, fetched=3, missing=1, failed=1)
    assert [p.done for p in progress] == [1, 2, 3, 4, 5]


def test_progress_counts_failures_separately() -> None:
    progress: list[bulk.BulkProgress] = []
    list(bulk.fetch_many(movie, iter([500, 1, 404]), on_progress=progress.append))
    assert progress == [
        bulk.BulkProgress(done=1, total=None, fetched=0, missing=0, failed=1),
        bulk.BulkProgress(done=2, total=None, fetched=1, missing=0, failed=1),
        bulk.BulkProgress(done=3, total=None, fetched=1, missing=1, failed=1),
    ]


def test_closing_a_run_early_waits_for_started_fetches_and_drops_the_rest() -> None:
    started: list[int] = []
    lock = threading.Lock()
    release = threading.Event()

    def slow(movie_id: int) -> dict[str, object]:
        with lock:
            started.append(movie_id)
        release.wait(5)
        return {"id": movie_id}

    results = bulk.fetch_many(slow, range(50), concurrency=2)
    threading.Timer(0.2, release.set).start()
    assert next(results).id == 0
    results.close()  # returns only once the running fetches are done
    count = len(started)
    threading.Event().wait(0.2)
    assert len(started) == count <= 4
    assert not [t for t in threading.enumerate() if t.name.startswith("tmdbfusion-bulk")]


def test_fetch_threads_are_named_for_the_bulk_run() -> None:
    names: list[str] = []

    def fetch(movie_id: int) -> dict[str, object]:
        names.append(threading.current_thread().name)
        return {"id": movie_id}

    list(bulk.fetch_many(fetch, [1, 2]))
    assert names and all(name.startswith("tmdbfusion-bulk") for name in names)


def test_the_harvest_report_keeps_each_failure_message(tmp_path: Path) -> None:
    report = bulk.harvest(movie, [1, 404, 500], tmp_path / "movies.jsonl", concurrency=1)
    assert report.path == tmp_path / "movies.jsonl"
    assert (report.written, report.missing, report.failed) == (
        1,
        [404],
        {500: "HTTP 500 for movie 500"},
    )
    assert report.complete is False


def test_harvest_passes_concurrency_and_progress_on(tmp_path: Path) -> None:
    in_flight = most = 0
    lock = threading.Lock()

    def fetch(movie_id: int) -> dict[str, object]:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        threading.Event().wait(0.01)
        with lock:
            in_flight -= 1
        return {"id": movie_id}

    progress: list[bulk.BulkProgress] = []
    report = bulk.harvest(
        fetch, range(12), tmp_path / "m.jsonl", concurrency=1, on_progress=progress.append
    )
    assert report.written == 12 and most == 1
    assert len(progress) == 12


def test_harvest_honours_an_explicit_format_and_item_type(tmp_path: Path) -> None:
    with FakeTMDB() as fake, fake.client(max_retries=0) as client:

        def fetch(movie_id: int) -> object:  # no usable annotation: item_type is given
            return client.movies.details(movie_id)

        out = tmp_path / "movies.data"
        report = bulk.harvest(
            fetch, [1, 2], out, format="csv", columns=["id", "title"], item_type=MovieDetails
        )
    assert report.written == 2
    assert out.read_text(encoding="utf-8").splitlines()[0] == "id,title"


def test_aharvest_writes_resumes_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "movies.jsonl"
    progress: list[bulk.BulkProgress] = []

    with FakeTMDB() as fake:
        fake.inject(Fault.status(404), path="/3/movie/4", times=None)

        async def run(ids: list[int]) -> bulk.HarvestReport:
            async with fake.async_client(max_retries=0) as client:
                return await bulk.aharvest(
                    client.movies.details,
                    ids,
                    out,
                    concurrency=2,
                    on_progress=progress.append,
                )

        first = asyncio.run(run([1, 2, 4]))
        again = asyncio.run(run([1, 2, 3, 4]))
        requested = sorted(
            int(r.path_params["movie_id"])
            for r in fake.requests
            if r.route == "/3/movie/{movie_id}"
        )
    assert (first.written, first.skipped, first.missing, first.failed) == (2, 0, [4], {})
    assert (again.written, again.skipped, again.missing) == (1, 2, [4])
    assert again.path == out and again.complete
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == [
        1,
        2,
        3,
    ]
    assert requested == [1, 2, 3, 4, 4]
    assert len(progress) == 3 + 2


def test_aharvest_to_csv_reads_the_item_type_from_the_fetch_annotation(tmp_path: Path) -> None:
    out = tmp_path / "movies.csv"
    with FakeTMDB() as fake:

        async def run() -> bulk.HarvestReport:
            async with fake.async_client() as client:
                return await bulk.aharvest(
                    client.movies.details, [7], out, columns=["id", "title"], concurrency=1
                )

        report = asyncio.run(run())
    assert report.written == 1
    assert out.read_text(encoding="utf-8").splitlines() == ["id,title", "7,Movie 7"]


def test_afetch_many_unordered_yields_the_first_finished_first() -> None:
    async def fetch(movie_id: int) -> dict[str, object]:
        await asyncio.sleep(0.3 if movie_id == 1 else 0.0)
        return {"id": movie_id}

    async def run() -> list[int]:
        return [r.id async for r in bulk.afetch_many(fetch, [1, 2, 3], ordered=False)]

    assert asyncio.run(run()) == [2, 3, 1]


def test_closing_an_async_run_early_cancels_the_fetches_in_flight() -> None:
    cancelled: list[int] = []

    async def fetch(movie_id: int) -> dict[str, object]:
        if movie_id == 0:
            return {"id": 0}
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(movie_id)
            raise
        return {"id": movie_id}

    async def run() -> int:
        results = bulk.afetch_many(fetch, range(10), concurrency=3)
        first = await results.__anext__()
        await results.aclose()  # returns at once, raising nothing
        return first.id

    assert asyncio.run(run()) == 0
    assert sorted(cancelled) == [1, 2, 3]


def test_aharvest_honours_concurrency_format_and_item_type(tmp_path: Path) -> None:
    in_flight = most = 0

    with FakeTMDB() as fake:

        async def run() -> bulk.HarvestReport:
            async with fake.async_client() as client:

                async def fetch(movie_id: int) -> object:  # no usable annotation
                    nonlocal in_flight, most
                    in_flight += 1
                    most = max(most, in_flight)
                    try:
                        return await client.movies.details(movie_id)
                    finally:
                        in_flight -= 1

                return await bulk.aharvest(
                    fetch,
                    range(1, 7),
                    tmp_path / "movies.data",
                    format="csv",
                    columns=["id", "title"],
                    item_type=MovieDetails,
                    concurrency=1,
                )

        report = asyncio.run(run())
    assert report.written == 6 and most == 1
    assert (tmp_path / "movies.data").read_text(encoding="utf-8").splitlines()[:2] == [
        "id,title",
        "1,Movie 1",
    ]
