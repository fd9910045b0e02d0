"""Change sync: refresh exactly the items of a dataset that TMDB changed since a time.

TMDB's ``/3/movie/changes``, ``/3/tv/changes`` and ``/3/person/changes`` list the ids changed
between two dates, at most 14 days per call.  :func:`changed_ids` splits a longer span into
calls TMDB accepts and walks every page; :func:`sync_changes` then fetches again only the ids
that are both changed and in the dataset, puts the fresh items in place of the old ones, and
drops the ids TMDB no longer has (404).

>>> import datetime
>>> from tmdbfusion import TMDBClient, changes
>>> with TMDBClient() as client:  # doctest: +SKIP
...     report = changes.sync_changes(client, "movie", "movies.jsonl", datetime.date(2024, 5, 1))
"""

from __future__ import annotations

import datetime
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import msgspec

from tmdbfusion.bulk import DEFAULT_CONCURRENCY, ProgressCallback, fetch_many
from tmdbfusion.datasets import open_dataset
from tmdbfusion.models import MovieDetails, PersonDetails, TvSeriesDetails

if TYPE_CHECKING:
    from tmdbfusion._client import TMDBClient

__all__ = [
    "CHANGE_KINDS",
    "MAX_SPAN_DAYS",
    "ChangeKind",
    "SyncReport",
    "change_windows",
    "changed_ids",
    "details_fetcher",
    "sync_changes",
]

ChangeKind = Literal["movie", "tv", "person"]
#: The kinds TMDB lists changes for.
CHANGE_KINDS: tuple[ChangeKind, ...] = ("movie", "tv", "person")
#: Longest span TMDB accepts in one ``/changes`` call.
MAX_SPAN_DAYS = 14

#: The type of the items each kind's details call returns.
ITEM_TYPES: dict[str, type[Any]] = {
    "movie": MovieDetails,
    "tv": TvSeriesDetails,
    "person": PersonDetails,
}


def check_kind(kind: str) -> ChangeKind:
    """``kind`` when it is one of :data:`CHANGE_KINDS`; else a ValueError saying which are."""
    for known in CHANGE_KINDS:
        if kind == known:
            return known
    raise ValueError(f"kind must be one of: {', '.join(CHANGE_KINDS)}; got {kind!r}")


def _utc_today() -> datetime.date:
    return datetime.datetime.now(datetime.timezone.utc).date()


def _as_date(value: datetime.date | str, name: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo is None else value.astimezone(datetime.timezone.utc)
        return moment.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"{name} must be a date (YYYY-MM-DD); got {value!r}") from None


def change_windows(
    since: datetime.date | str, until: datetime.date | str | None = None
) -> list[tuple[datetime.date, datetime.date]]:
    """The (start, end) date pairs of the calls that cover ``since`` to ``until``.

    Each pair spans at most :data:`MAX_SPAN_DAYS` calendar days, both ends counted; the next
    starts on the day the previous ended, so whichever way TMDB counts the end date no
    change between two windows is missed (an id seen twice is taken once).

    Raises
    ------
    ValueError
        When ``since`` is after ``until`` (today, UTC, by default).
    """
    start = _as_date(since, "since")
    end = _as_date(until, "until") if until is not None else _utc_today()
    if start > end:
        raise ValueError(f"since ({start}) is after until ({end}); give an earlier since")
    step = datetime.timedelta(days=MAX_SPAN_DAYS - 1)
    windows = []
    while True:
        stop = min(start + step, end)
        windows.append((start, stop))
        if stop >= end:
            return windows
        start = stop


def changed_ids(
    client: TMDBClient,
    kind: str,
    since: datetime.date | str,
    until: datetime.date | str | None = None,
) -> set[int]:
    """Ids of ``kind`` that TMDB lists as changed from ``since`` to ``until`` (today by default).

    Parameters
    ----------
    client : TMDBClient
        The client to ask with.
    kind : {"movie", "tv", "person"}
        Which changes.
    since, until : datetime.date or str
        The span (dates, ``YYYY-MM-DD``; a datetime counts by its UTC date).  Longer spans
        than 14 days are asked for in several calls.

    Returns
    -------
    set[int]
        Every id listed in any page of any window.
    """
    list_changes = getattr(client.changes, check_kind(kind))
    found: set[int] = set()
    for start, end in change_windows(since, until):
        for summary in list_changes(start_date=start, end_date=end):
            found.add(summary.id)
    return found


def details_fetcher(
    client: TMDBClient, kind: str, append: Sequence[str] | None = None
) -> Callable[[int], Any]:
    """The function fetching one item of ``kind`` by id, with ``append_to_response`` parts."""
    checked = check_kind(kind)
    details: Callable[..., Any] = (
        client.movies.details
        if checked == "movie"
        else client.tv.details
        if checked == "tv"
        else client.people.details
    )
    if not append:
        return details
    parts = list(append)

    def fetch(item_id: int) -> Any:
        return details(item_id, append_to_response=parts)

    return fetch


@dataclass
class SyncReport:
    """What a change sync did.

    Attributes
    ----------
    path : Path
        The dataset synced.
    changed : int
        Ids TMDB listed as changed in the span.
    refreshed : list[int]
        Ids of the dataset fetched again and replaced, sorted.
    removed : list[int]
        Ids of the dataset TMDB no longer has (404), dropped from it, sorted.
    failed : dict[int, str]
        Ids that could not be fetched (kept as they were), with the error message.
    """

    path: Path
    changed: int = 0
    refreshed: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every changed id of the dataset was refreshed or removed."""
        return not self.failed


class _Spool(Mapping[int, Any]):
    """Fetched items kept in a temporary file, read back one at a time when asked for."""

    def __init__(self, directory: Path) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115
        self._where: dict[int, tuple[int, int]] = {}
        self._encoder = msgspec.json.Encoder()

    def add(self, item_id: int, item: Any) -> None:
        data = self._encoder.encode(item)
        self._where[item_id] = (self._file.seek(0, os.SEEK_END), len(data))
        self._file.write(data)

    def __getitem__(self, item_id: int) -> Any:
        offset, size = self._where[item_id]
        self._file.seek(offset)
        return msgspec.json.decode(self._file.read(size))

    def __iter__(self) -> Iterator[int]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def close(self) -> None:
        self._file.close()


def sync_changes(
    client: TMDBClient,
    kind: str,
    dataset: str | os.PathLike[str],
    since: datetime.date | str,
    until: datetime.date | str | None = None,
    *,
    append: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
) -> SyncReport:
    """Refresh the items of ``dataset`` that TMDB changed from ``since`` to ``until``.

    Only ids both changed and already in the dataset are fetched; the file is rewritten
    atomically (a run killed mid-way leaves it as it was), keeping the other items untouched
    and in order.  Fetched items wait in a temporary file, not in memory.

    Parameters
    ----------
    client : TMDBClient
        The client to ask with; its ``rate_limit=`` or ``pacing=`` paces every request.
    kind : {"movie", "tv", "person"}
        What the dataset holds.
    dataset : str or PathLike
        A JSON Lines (or CSV) dataset, e.g. one written by :func:`tmdbfusion.bulk.harvest`.
    since, until : datetime.date or str
        The span of changes; ``until`` is today (UTC) by default.
    append : Sequence[str] or None
        ``append_to_response`` parts to fetch with each item, as the dataset was harvested.
    columns : Sequence[str] or None
        CSV: the dataset's columns (those of its header by default).
    concurrency : int
        Most requests in flight at once.
    on_progress : Callable[[BulkProgress], object] or None
        Called after every refreshed id.

    Returns
    -------
    SyncReport
        The ids refreshed, removed and failed.
    """
    checked = check_kind(kind)
    path = Path(dataset)
    if not path.is_file():
        raise FileNotFoundError(f"no dataset at {path}; harvest it first (tmdbfusion.bulk)")
    out = open_dataset(path, columns=columns, item_type=ITEM_TYPES[checked])
    with out:
        present = out.existing_ids()
        changed = changed_ids(client, checked, since, until)
        report = SyncReport(path, changed=len(changed))
        spool = _Spool(path.parent)
        try:
            fetch = details_fetcher(client, checked, append)
            wanted = sorted(changed & present)
            for result in fetch_many(
                fetch, wanted, concurrency=concurrency, on_progress=on_progress
            ):
                if result.status == "fetched":
                    spool.add(result.id, result.item)
                    report.refreshed.append(result.id)
                elif result.status == "missing":
                    report.removed.append(result.id)
                else:
                    report.failed[result.id] = str(result.error)
            if spool or report.removed:
                out.replace(spool, frozenset(report.removed))
        finally:
            spool.close()
    return report
