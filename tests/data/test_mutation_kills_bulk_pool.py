"""The bulk runs' workers when a run stops early or completes out of order.

Stopping a run (a ``break``, an error in the loop) drops the queued ids, and returns only once
the ids already running have finished (threads) or have been cancelled (tasks).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path
from typing import Any

import pytest

from tmdbfusion import bulk
from tmdbfusion.datasets import DatasetError


class Recorder:
    """A fetch whose ids 2 and 3 run until released; every call and finish is recorded."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.finished: list[int] = []
        self.release = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, item_id: int) -> dict[str, int]:
        with self._lock:
            self.started.append(item_id)
        if item_id != 1:
            self.release.wait(2.0)
        with self._lock:
            self.finished.append(item_id)
        return {"id": item_id}


def test_stopping_early_drops_the_queued_ids_and_waits_for_the_running_ones() -> None:
    fetch = Recorder()
    # Two threads, a window of four: ids 2 and 3 run (blocked), id 4 waits in the queue.
    # A generator: close() is what a break out of a for loop calls.
    results: Any = bulk.fetch_many(fetch, range(1, 11), concurrency=2)
    first = next(results)
    assert first.id == 1
    releaser = threading.Timer(0.05, fetch.release.set)
    releaser.start()
    results.close()  # what a break out of the for loop does
    # Whatever had started finished before close() returned.
    finished_by_then, started_by_then = sorted(fetch.finished), sorted(fetch.started)
    releaser.join()
    assert finished_by_then == started_by_then
    assert 2 in finished_by_then
    assert 4 not in fetch.started


def test_an_error_in_the_loop_stops_the_run_the_same_way() -> None:
    fetch = Recorder()
    releaser = threading.Timer(0.05, fetch.release.set)
    with pytest.raises(RuntimeError, match="stop here"):
        for result in bulk.fetch_many(fetch, range(1, 11), concurrency=2):
            assert result.id == 1
            releaser.start()
            raise RuntimeError("stop here")
    finished_by_then, started_by_then = sorted(fetch.finished), sorted(fetch.started)
    releaser.join()
    assert finished_by_then == started_by_then
    assert 2 in finished_by_then
    assert 4 not in fetch.started


def test_an_unordered_run_yields_each_result_as_soon_as_it_is_done() -> None:
    second_seen = threading.Event()

    def fetch(item_id: int) -> dict[str, int]:
        if item_id == 1:
            # Done only after the caller has seen id 2, which proves it was not held back.
            second_seen.wait(2.0)
        return {"id": item_id}

    order = []
    for result in bulk.fetch_many(fetch, [1, 2], concurrency=2, ordered=False):
        order.append((result.id, second_seen.is_set()))
        second_seen.set()
    assert order == [(2, False), (1, True)]


def test_stopping_an_async_run_early_cancels_the_tasks_before_returning() -> None:
    cancelled: list[int] = []

    async def fetch(item_id: int) -> dict[str, int]:
        if item_id != 1:
            try:
                await asyncio.sleep(5.0)
            except asyncio.CancelledError:
                cancelled.append(item_id)
                raise
        return {"id": item_id}

    async def main() -> None:
        run: Any = bulk.afetch_many(fetch, range(1, 6), concurrency=2)  # an async generator
        async with contextlib.aclosing(run) as results:
            async for result in results:
                assert result.id == 1
                await asyncio.sleep(0)  # let ids 2 and 3 start waiting
                break
        # aclose() returned: each task has seen its cancellation, none is left running.
        assert sorted(cancelled) == [2, 3]

    asyncio.run(main())


def test_a_fetch_annotated_with_something_other_than_a_class_gives_no_item_type(
    tmp_path: Path,
) -> None:
    def details(movie_id: int) -> dict[str, object]:
        return {"id": movie_id}

    with pytest.raises(DatasetError) as caught:
        bulk.harvest(details, [550], tmp_path / "movies.csv")
    # Told to pass item_type=, not that dict[str, object] is no Struct.
    assert str(caught.value) == (
        "CSV needs the item type to know its columns; pass item_type= (e.g. MovieDetails)"
    )
