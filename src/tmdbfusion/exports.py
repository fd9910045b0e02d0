"""TMDB's daily ID exports: download them, read them as typed items, and diff two days.

Every day TMDB publishes, for each kind of item, a gzipped file of JSON lines listing every
valid id (``movie_ids_05_15_2024.json.gz`` at ``https://files.tmdb.org/p/exports/``), around
08:00 UTC, kept for about three months.  The file host asks for no credentials.

>>> from datetime import date
>>> from tmdbfusion import exports
>>> path = exports.download_export("movie", date(2024, 5, 15), "exports/")  # doctest: +SKIP
>>> for movie in exports.read_export(path, "movie"):  # doctest: +SKIP
...     print(movie.id, movie.original_title)

Reading streams: the lines are decompressed and decoded one block at a time, so an export of a
million people never sits in memory as a whole.  :func:`diff_exports` keeps only the ids.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import httpx
import msgspec

from tmdbfusion.exceptions import TMDBError

__all__ = [
    "DEFAULT_EXPORTS_URL",
    "EXPORT_KINDS",
    "CollectionExport",
    "CompanyExport",
    "ExportDiff",
    "ExportError",
    "ExportItem",
    "ExportKind",
    "ExportNotPublishedError",
    "KeywordExport",
    "MovieExport",
    "NetworkExport",
    "PersonExport",
    "TVSeriesExport",
    "diff_exports",
    "download_export",
    "export_file_name",
    "export_url",
    "iter_export",
    "parse_export_date",
    "read_export",
    "read_export_ids",
]

#: Where TMDB publishes the daily files.
DEFAULT_EXPORTS_URL = "https://files.tmdb.org/p/exports"

ExportKind = Literal[
    "movie", "tv_series", "person", "collection", "tv_network", "keyword", "production_company"
]
#: Every kind of daily export, in TMDB's naming.
EXPORT_KINDS: tuple[ExportKind, ...] = (
    "movie",
    "tv_series",
    "person",
    "collection",
    "tv_network",
    "keyword",
    "production_company",
)

_CHUNK = 64 * 1024


class ExportError(TMDBError):
    """A daily export cannot be had: not published (yet or any more), or not a valid file."""


class ExportNotPublishedError(ExportError):
    """The file of that kind and day is not on the host (not yet, or no longer)."""


class MovieExport(msgspec.Struct, frozen=True, kw_only=True):
    """One line of ``movie_ids``."""

    id: int
    original_title: str = ""
    popularity: float = 0.0
    adult: bool = False
    video: bool = False


class TVSeriesExport(msgspec.Struct, frozen=True, kw_only=True):
    """One line of ``tv_series_ids``."""

    id: int
    original_name: str = ""
    popularity: float = 0.0


class PersonExport(msgspec.Struct, frozen=True, kw_only=True):
    """One line of ``person_ids``."""

    id: int
    name: str = ""
    popularity: float = 0.0
    adult: bool = False


class CollectionExport(msgspec.Struct, frozen=True, kw_only=True):
    """One line of ``collection_ids``."""

    id: int
    name: str = ""


class NetworkExport(msgspec.Struct, frozen=True, kw_only=True):
    """One line of ``tv_network_ids``."""

    id: int
    name: str = ""


class KeywordExport(msgspec.Struct, frozen=True, kw_only=True):
    """One line of ``keyword_ids``."""

    id: int
    name: str = ""


class CompanyExport(msgspec.Struct, frozen=True, kw_only=True):
    """One line of ``production_company_ids``."""

    id: int
    name: str = ""


#: Any one line of an export.
ExportItem = (
    MovieExport
    | TVSeriesExport
    | PersonExport
    | CollectionExport
    | NetworkExport
    | KeywordExport
    | CompanyExport
)

_ITEM_TYPES: dict[str, type[ExportItem]] = {
    "movie": MovieExport,
    "tv_series": TVSeriesExport,
    "person": PersonExport,
    "collection": CollectionExport,
    "tv_network": NetworkExport,
    "keyword": KeywordExport,
    "production_company": CompanyExport,
}


def _check_kind(kind: str) -> ExportKind:
    for known in EXPORT_KINDS:
        if kind == known:
            return known
    raise ValueError(f"kind must be one of: {', '.join(EXPORT_KINDS)}; got {kind!r}")


def parse_export_date(value: str | datetime.date) -> datetime.date:
    """A date as given: a ``datetime.date``, ``"YYYY-MM-DD"``, ``"today"`` or ``"yesterday"`` (UTC).

    A datetime counts by its UTC date (a naive one by its own date).

    Raises
    ------
    ValueError
        For anything else, saying what is accepted.
    """
    if isinstance(value, datetime.datetime):
        # An aware datetime counts by its UTC date, as "today" does: TMDB dates its files in UTC.
        return (value if value.tzinfo is None else value.astimezone(datetime.timezone.utc)).date()
    if isinstance(value, datetime.date):
        return value
    today = datetime.datetime.now(datetime.timezone.utc).date()
    if value == "today":
        return today
    if value == "yesterday":
        return today - datetime.timedelta(days=1)
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"an export date is YYYY-MM-DD, 'today' or 'yesterday' (UTC); got {value!r}"
        ) from None


def export_file_name(kind: str, day: str | datetime.date) -> str:
    """The file name TMDB gives an export, e.g. ``movie_ids_05_15_2024.json.gz``."""
    when = parse_export_date(day)
    return f"{_check_kind(kind)}_ids_{when:%m_%d_%Y}.json.gz"


def export_url(kind: str, day: str | datetime.date, *, base_url: str = DEFAULT_EXPORTS_URL) -> str:
    """The URL of one day's export of one kind."""
    return f"{base_url.rstrip('/')}/{export_file_name(kind, day)}"


def download_export(
    kind: str,
    day: str | datetime.date,
    dest: str | os.PathLike[str] = ".",
    *,
    base_url: str = DEFAULT_EXPORTS_URL,
    timeout: float = 60.0,
    http_client: httpx.Client | None = None,
    overwrite: bool = False,
) -> Path:
    """Download one day's export file, streaming it to disk and writing it atomically.

    Parameters
    ----------
    kind : str
        One of :data:`EXPORT_KINDS`, e.g. ``"movie"``.
    day : str or datetime.date
        The day, as for :func:`parse_export_date`.
    dest : str or PathLike
        A directory (the file keeps TMDB's name) or a file path ending in ``.gz``.
    base_url : str
        Where the files are; TMDB's file host by default.
    timeout : float
        Seconds allowed for connecting and for each read; 60 by default.
    http_client : httpx.Client or None
        Client to download with (not closed here); a new one by default.
    overwrite : bool
        Download again even when the file is already there.

    Returns
    -------
    Path
        The downloaded file (still gzipped, as TMDB publishes it).

    Raises
    ------
    ExportError
        When the file is not published (TMDB publishes around 08:00 UTC and keeps about three
        months) or the download fails; nothing is left behind.
    """
    name = export_file_name(kind, day)
    target = Path(dest)
    if target.is_dir() or not target.name.endswith(".gz"):
        target = target / name
    if target.exists() and not overwrite:
        return target
    url = f"{base_url.rstrip('/')}/{name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    client = http_client or httpx.Client(timeout=timeout, follow_redirects=True)
    try:
        with _atomic_file(target) as out, client.stream("GET", url) as response:
            _check_response(response, name)
            for chunk in response.iter_bytes(_CHUNK):
                out.write(chunk)
    except httpx.HTTPError as exc:
        raise ExportError(f"could not download {name}: {type(exc).__name__}: {exc}") from None
    finally:
        if http_client is None:
            client.close()
    return target


def _check_response(response: httpx.Response, name: str) -> None:
    # TMDB's file host answers 403 for a file it does not have; 404 is the usual elsewhere.
    if response.status_code in (403, 404):
        raise ExportNotPublishedError(
            f"{name} is not published: TMDB publishes each day's exports around 08:00 UTC and "
            "keeps them about three months; try an earlier day"
        )
    if response.status_code != 200:
        raise ExportError(f"downloading {name} failed: HTTP {response.status_code}")


@contextlib.contextmanager
def _atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside ``path``, renamed to it when the block ends without error."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _sniffable(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks, the first joined up to two bytes at least: enough to see gzip's magic number."""
    rest = iter(chunks)
    head = b""
    for chunk in rest:
        head += chunk
        if len(head) >= 2:
            break
    yield head
    yield from rest


def _lines(chunks: Iterable[bytes], source: str) -> Iterator[bytes]:
    """Whole lines from gzipped (or, when not gzipped, plain) chunks."""
    inflater: zlib._Decompress | None = None
    started = False
    rest = b""
    for chunk in _sniffable(chunks):
        if not started and chunk:
            started = True
            # A host may send the file with Content-Encoding: gzip, already inflated by httpx.
            if chunk[:2] == b"\x1f\x8b":
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = chunk
        if inflater is not None:
            data = b""
            try:
                while chunk:
                    data += inflater.decompress(chunk)
                    # gzip allows several members one after another (as `cat a.gz b.gz` makes).
                    chunk = inflater.unused_data if inflater.eof else b""
                    if chunk:
                        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            except zlib.error as exc:
                raise ExportError(f"{source} is not a valid gzip file ({exc})") from None
        *complete, rest = (rest + data).split(b"\n")
        yield from complete
    if inflater is not None and not inflater.eof:
        raise ExportError(f"{source} ends early: the gzip stream is cut off; download it again")
    yield rest


def iter_export(
    chunks: Iterable[bytes], kind: str, *, source: str = "export"
) -> Iterator[ExportItem]:
    """Typed items from the bytes of an export file (gzipped JSON lines), as they arrive.

    Raises
    ------
    ExportError
        For a line that is not an item of ``kind``, naming the line.
    """
    decode = msgspec.json.Decoder(_ITEM_TYPES[_check_kind(kind)]).decode
    for number, line in enumerate(_lines(chunks, source), start=1):
        if not line.strip():
            continue
        try:
            yield decode(line)
        except msgspec.DecodeError as exc:
            raise ExportError(f"{source}:{number}: not a {kind} export line ({exc})") from None


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            yield chunk


def read_export(path: str | os.PathLike[str], kind: str) -> Iterator[ExportItem]:
    """Typed items of a downloaded export file, read lazily.

    Parameters
    ----------
    path : str or PathLike
        The file (gzipped as published, or already unzipped).
    kind : str
        Which kind of export it is, e.g. ``"movie"``: chooses the item type.

    Yields
    ------
    ExportItem
        e.g. :class:`MovieExport` for ``"movie"``.
    """
    file = Path(path)
    if not file.is_file():
        raise ExportError(f"no export file at {file}; download it first")
    return iter_export(_file_chunks(file), kind, source=str(file))


def read_export_ids(path: str | os.PathLike[str], kind: str) -> Iterator[int]:
    """Just the ids of a downloaded export file, in file order."""
    return (item.id for item in read_export(path, kind))


@dataclass(frozen=True)
class ExportDiff:
    """What changed between two days' exports of one kind.

    Attributes
    ----------
    added : list[int]
        Ids in the newer file only (new, or made valid again), sorted.
    removed : list[int]
        Ids in the older file only (deleted, merged, or no longer valid), sorted.
    kept : int
        How many ids are in both.
    """

    added: list[int]
    removed: list[int]
    kept: int


def diff_exports(
    older: str | os.PathLike[str], newer: str | os.PathLike[str], kind: str
) -> ExportDiff:
    """Compare two downloaded exports of one kind by id.

    Returns
    -------
    ExportDiff
        The ids added and removed, and how many stayed.
    """
    before = set(read_export_ids(older, kind))
    after = set(read_export_ids(newer, kind))
    return ExportDiff(
        added=sorted(after - before), removed=sorted(before - after), kept=len(before & after)
    )
