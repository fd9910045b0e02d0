"""Fetch many ids at once: bounded concurrency, errors per id, progress, and resumable harvests.

:func:`fetch_many` runs a fetch function (such as ``client.movies.details``) over many ids on
a pool of threads; :func:`afetch_many` does the same with asyncio tasks.  Both keep at most
``concurrency`` requests in flight, yield one :class:`BulkResult` per id (in input order, or as
they complete), and never stop a run for one bad id: a 404 is a *missing* item and any other
TMDB error a *failed* one.  Only errors that would fail every id (bad credentials, a closed
client) end the run.

Pacing is the client's job: create it with ``rate_limit=`` (requests per second) where the client
supports it, and every request of a bulk run waits its turn, retries included.  This module adds
no limiter of its own, so a cap set on the client can never be exceeded by a second one here.

:func:`harvest` and :func:`aharvest` stream the fetched items into a dataset file
(:mod:`tmdbfusion.datasets`) and keep their checkpoint in that file: a rerun reads the ids the
output already holds and fetches only the rest, so a run killed mid-way resumes without
duplicates and loses at most the items that were in flight.
"""

from __future__ import annotations

import collections
import concurrent.futures
import os
import typing
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from tmdbfusion.datasets import DatasetFormat, open_dataset
from tmdbfusion.exceptions import (
    AuthenticationError,
    ClientClosedError,
    MissingCredentialsError,
    NotFoundError,
    TMDBError,
)

__all__ = [
    "BulkProgress",
    "BulkResult",
    "HarvestReport",
    "afetch_many",
    "aharvest",
    "fetch_many",
    "harvest",
]

T = TypeVar("T")

#: Errors that would fail every other id too: they end a bulk run instead of being collected.
FATAL_ERRORS: tuple[type[TMDBError], ...] = (
    AuthenticationError,
    ClientClosedError,
    MissingCredentialsError,
)
#: Requests in flight when no ``concurrency`` is given.
DEFAULT_CONCURRENCY = 8


@dataclass(frozen=True)
class BulkResult(Generic[T]):
    """What fetching one id gave.

    Attributes
    ----------
    id : int
        The id asked for.
    item : T or None
        The fetched item; None when it is missing or failed.
    error : TMDBError or None
        Why there is no item: a :class:`~tmdbfusion.exceptions.NotFoundError` when TMDB has no
        such id, any other :class:`~tmdbfusion.exceptions.TMDBError` when fetching failed.
    """

    id: int
    item: T | None = None
    error: TMDBError | None = None

    @property
    def status(self) -> Literal["fetched", "missing", "failed"]:
        """``"fetched"``, ``"missing"`` (TMDB answered 404) or ``"failed"``."""
        if self.error is None:
            return "fetched"
        return "missing" if isinstance(self.error, NotFoundError) else "failed"


@dataclass(frozen=True)
class BulkProgress:
    """Counts passed to a progress callback after every id.

    Attributes
    ----------
    done : int
        Ids finished so far (fetched, missing or failed).
    total : int or None
        Ids in the run, when known (the ids were given as a sized collection).
    fetched, missing, failed : int
        How the finished ids ended.
    """

    done: int
    total: int | None
    fetched: int
    missing: int
    failed: int


ProgressCallback = Callable[[BulkProgress], object]


class _Tally:
    """Counts results and reports them to the progress callback."""

    def __init__(self, total: int | None, on_progress: ProgressCallback | None) -> None:
        self.total = total
        self.counts = collections.Counter[str]()
        self._on_progress = on_progress

    def record(self, result: BulkResult[Any]) -> None:
        self.counts[result.status] += 1
        if self._on_progress is not None:
            self._on_progress(
                BulkProgress(
                    done=self.counts.total(),
                    total=self.total,
                    fetched=self.counts["fetched"],
                    missing=self.counts["missing"],
                    failed=self.counts["failed"],
                )
            )


def _check_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"ids must be ints; got {value!r} ({type(value).__name__})")
    if value < 0:
        raise ValueError(f"ids are 0 or more; got {value}")
    return value


def _unique_ids(ids: Iterable[int]) -> tuple[Iterator[int], int | None]:
    """The ids without repeats (checked as they are taken), and how many when that is known."""
    if isinstance(ids, Sized):
        unique = list(dict.fromkeys(_check_id(value) for value in ids))
        return iter(unique), len(unique)

    def lazily() -> Iterator[int]:
        seen: set[int] = set()
        for value in ids:
            if _check_id(value) not in seen:
                seen.add(value)
                yield value

    return lazily(), None


def _check_concurrency(concurrency: int) -> None:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be an int of 1 or more; got {concurrency!r}")


def _failure(item_id: int, error: TMDBError) -> BulkResult[Any]:
    """The result for a failed fetch, or the error itself when it would fail every id."""
    if isinstance(error, FATAL_ERRORS):
        raise error
    return BulkResult(item_id, error=error)


def _fetch_one(fetch: Callable[[int], T], item_id: int) -> BulkResult[T]:
    try:
        return BulkResult(item_id, fetch(item_id))
    except TMDBError as error:
        return _failure(item_id, error)


async def _afetch_one(fetch: Callable[[int], Awaitable[T]], item_id: int) -> BulkResult[T]:
    try:
        return BulkResult(item_id, await fetch(item_id))
    except TMDBError as error:
        return _failure(item_id, error)


def fetch_many(
    fetch: Callable[[int], T],
    ids: Iterable[int],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    ordered: bool = True,
    on_progress: ProgressCallback | None = None,
) -> Iterator[BulkResult[T]]:
    """Fetch many ids on a pool of threads, yielding one result per id.

    Parameters
    ----------
    fetch : Callable[[int], T]
        Fetches one id, e.g. ``client.movies.details`` or
        ``lambda i: client.movies.details(i, append_to_response=["credits"])``.
    ids : Iterable[int]
        The ids; repeats are fetched once.  A generator is consumed lazily, so an export of
        a million ids never sits in memory as a whole.
    concurrency : int
        Most requests in flight at once.
    ordered : bool
        True yields results in the order of ``ids``; False as soon as each completes.
    on_progress : Callable[[BulkProgress], object] or None
        Called after every id, from the thread iterating the results.

    Yields
    ------
    BulkResult[T]
        One per distinct id.

    Raises
    ------
    AuthenticationError, ClientClosedError, MissingCredentialsError
        Errors that would fail every id end the run.
    """
    _check_concurrency(concurrency)
    queue, total = _unique_ids(ids)
    return _fetch_many(fetch, queue, _Tally(total, on_progress), concurrency, ordered)


def _fetch_many(
    fetch: Callable[[int], T],
    queue: Iterator[int],
    tally: _Tally,
    concurrency: int,
    ordered: bool,
) -> Iterator[BulkResult[T]]:
    # Twice as many queued as running, so a slow id at the head of an ordered run does not
    # leave the threads idle; never the whole input at once.
    window = concurrency * 2
    pool = concurrent.futures.ThreadPoolExecutor(concurrency, thread_name_prefix="tmdbfusion-bulk")
    pending: collections.deque[concurrent.futures.Future[BulkResult[T]]] = collections.deque()
    try:
        for item_id in queue:
            pending.append(pool.submit(_fetch_one, fetch, item_id))
            if len(pending) >= window:
                break
        while pending:
            if ordered:
                future = pending.popleft()
            else:
                done, _ = concurrent.futures.wait(
                    pending, return_when=concurrent.futures.FIRST_COMPLETED
                )
                future = next(f for f in pending if f in done)
                pending.remove(future)
            result = future.result()
            tally.record(result)
            yield result
            next_id = next(queue, None)
            if next_id is not None:
                pending.append(pool.submit(_fetch_one, fetch, next_id))
    finally:
        # Closing the iterator early (break, an error) drops what has not started.
        pool.shutdown(wait=True, cancel_futures=True)


async def afetch_many(
    fetch: Callable[[int], Awaitable[T]],
    ids: Iterable[int],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    ordered: bool = True,
    on_progress: ProgressCallback | None = None,
) -> AsyncIterator[BulkResult[T]]:
    """Fetch many ids with asyncio tasks, yielding one result per id.

    The same as :func:`fetch_many`, with an async ``fetch`` such as
    ``async_client.movies.details``; at most ``concurrency`` tasks run at once.

    Yields
    ------
    BulkResult[T]
        One per distinct id.
    """
    import asyncio

    _check_concurrency(concurrency)
    queue, total = _unique_ids(ids)
    tally = _Tally(total, on_progress)
    window = concurrency * 2
    # Tasks hold a slot of the semaphore while they run; the window bounds how many exist.
    slots = asyncio.Semaphore(concurrency)

    async def bounded(item_id: int) -> BulkResult[T]:
        async with slots:
            return await _afetch_one(fetch, item_id)

    pending: collections.deque[asyncio.Task[BulkResult[T]]] = collections.deque()
    try:
        for item_id in queue:
            pending.append(asyncio.ensure_future(bounded(item_id)))
            if len(pending) >= window:
                break
        while pending:
            if ordered:
                task = pending.popleft()
                result = await task
            else:
                done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                task = next(t for t in pending if t in done)
                pending.remove(task)
                result = task.result()
            tally.record(result)
            yield result
            next_id = next(queue, None)
            if next_id is not None:
                pending.append(asyncio.ensure_future(bounded(next_id)))
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


@dataclass
class HarvestReport:
    """What a harvest did.

    Attributes
    ----------
    path : Path
        The dataset written.
    written : int
        Items fetched and written by this run.
    skipped : int
        Ids already in the dataset, not requested again.
    missing : list[int]
        Ids TMDB has no item for (404).
    failed : dict[int, str]
        Ids that could not be fetched, with the error message of each.
    """

    path: Path
    written: int = 0
    skipped: int = 0
    missing: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when no id failed (missing ids do not count as failures)."""
        return not self.failed

    def _add(self, result: BulkResult[Any]) -> None:
        if result.status == "fetched":
            self.written += 1
        elif result.status == "missing":
            self.missing.append(result.id)
        else:
            self.failed[result.id] = str(result.error)


def _item_type_of(fetch: Callable[..., Any], item_type: type[Any] | None) -> type[Any] | None:
    """The item type: as given, else the fetch function's return annotation when it has one."""
    if item_type is not None:
        return item_type
    try:
        hint = typing.get_type_hints(fetch).get("return")
    except Exception:
        return None
    return hint if isinstance(hint, type) else None


class _Plan:
    """The part of a harvest shared by sync and async: open the output, skip what it holds."""

    def __init__(
        self,
        fetch: Callable[..., Any],
        ids: Iterable[int],
        out: str | os.PathLike[str],
        format: DatasetFormat | None,
        columns: Iterable[str] | None,
        item_type: type[Any] | None,
    ) -> None:
        self.dataset = open_dataset(
            out, format=format, columns=columns, item_type=_item_type_of(fetch, item_type)
        )
        try:
            present = self.dataset.existing_ids()
            queue, _ = _unique_ids(ids)
            self.report = HarvestReport(self.dataset.path)
            self.todo = []
            for item_id in queue:
                if item_id in present:
                    self.report.skipped += 1
                else:
                    self.todo.append(item_id)
        except BaseException:
            self.dataset.close()
            raise

    def take(self, result: BulkResult[Any]) -> None:
        if result.item is not None:
            self.dataset.write(result.item)
        self.report._add(result)


def harvest(
    fetch: Callable[[int], Any],
    ids: Iterable[int],
    out: str | os.PathLike[str],
    *,
    format: DatasetFormat | None = None,
    columns: Iterable[str] | None = None,
    item_type: type[Any] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
) -> HarvestReport:
    """Fetch every id not yet in the dataset ``out`` and append the items to it.

    Parameters
    ----------
    fetch : Callable[[int], Any]
        Fetches one id, e.g. ``client.movies.details``.
    ids : Iterable[int]
        The ids wanted in the dataset.
    out : str or PathLike
        The dataset file; its suffix chooses the format (``.jsonl``, ``.csv``, ``.parquet``)
        unless ``format`` is given.  Created when missing, resumed when present.
    format : {"jsonl", "csv", "parquet"} or None
        The file format, when the suffix does not say.
    columns : Iterable[str] or None
        For CSV and Parquet: the flattened columns to keep, e.g. ``["id", "title",
        "belongs_to_collection.name"]``; all by default.  ``id`` is always kept.
    item_type : type or None
        The type ``fetch`` returns, for CSV and Parquet columns; read from ``fetch``'s return
        annotation when not given.
    concurrency : int
        Most requests in flight at once.
    on_progress : Callable[[BulkProgress], object] or None
        Called after every id fetched by this run.

    Returns
    -------
    HarvestReport
        Counts, and the missing and failed ids.
    """
    plan = _Plan(fetch, ids, out, format, columns, item_type)
    with plan.dataset:
        results = fetch_many(fetch, plan.todo, concurrency=concurrency, on_progress=on_progress)
        for result in results:
            plan.take(result)
    return plan.report


async def aharvest(
    fetch: Callable[[int], Awaitable[Any]],
    ids: Iterable[int],
    out: str | os.PathLike[str],
    *,
    format: DatasetFormat | None = None,
    columns: Iterable[str] | None = None,
    item_type: type[Any] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
) -> HarvestReport:
    """:func:`harvest` with an async ``fetch`` such as ``async_client.movies.details``.

    Returns
    -------
    HarvestReport
        Counts, and the missing and failed ids.
    """
    plan = _Plan(fetch, ids, out, format, columns, item_type)
    with plan.dataset:
        results = afetch_many(fetch, plan.todo, concurrency=concurrency, on_progress=on_progress)
        async for result in results:
            plan.take(result)
    return plan.report
