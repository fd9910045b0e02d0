"""Daily ID exports, as a user sees them: exact messages, dates in UTC, where files go, diffs.

Each test pins behaviour the first suite left open (found by reading the module the way
mutation testing does): the whole text of every error, ``"today"`` and ``"yesterday"`` and
datetimes counted in UTC whatever the machine's zone, the default destination, nested and
``.gz``-named directories, overwriting, the timeout and redirects of the client made here, the
temporary file beside its target, blank and unterminated lines, chunks cut anywhere, and
:func:`tmdbfusion.exports.diff_exports` on its edge cases.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tmdbfusion import exports
from tmdbfusion.testing import FakeTMDB, Fault

from .localhost import redirect_to, serving

DAY = datetime.date(2024, 5, 15)
NAME = "movie_ids_05_15_2024.json.gz"
UTC = datetime.timezone.utc
NOT_PUBLISHED = (
    "{} is not published: TMDB publishes each day's exports around 08:00 UTC and keeps them "
    "about three months; try an earlier day"
)
KINDS = "movie, tv_series, person, collection, tv_network, keyword, production_company"


@pytest.fixture
def fake() -> Iterator[FakeTMDB]:
    with FakeTMDB() as server:
        yield server


def _movies(ids: list[int]) -> list[dict[str, object]]:
    return [
        {"adult": False, "id": i, "original_title": f"Film {i}", "popularity": i / 10} for i in ids
    ]


def _lines(ids: range) -> bytes:
    """Export lines whose names do not compress well, so the gzip stream is long and varied."""
    return b"".join(
        b'{"id": %d, "name": "%s"}\n' % (i, hashlib.sha256(b"%d" % i).hexdigest().encode())
        for i in ids
    )


def test_an_unknown_kind_is_refused_naming_every_kind() -> None:
    with pytest.raises(ValueError) as refused:
        exports.export_url("movies", DAY)
    assert str(refused.value) == f"kind must be one of: {KINDS}; got 'movies'"


@pytest.mark.parametrize("value", ["15/05/2024", "", 20240515, None])
def test_a_bad_export_date_says_what_is_accepted(value: object) -> None:
    with pytest.raises(ValueError) as refused:
        exports.parse_export_date(value)  # type: ignore[arg-type]
    assert str(refused.value) == (
        f"an export date is YYYY-MM-DD, 'today' or 'yesterday' (UTC); got {value!r}"
    )


def test_today_and_yesterday_are_utc_days_whatever_the_local_zone(
    set_local_zone: Callable[[str], None],
) -> None:
    now = datetime.datetime.now(UTC)
    # A zone whose date differs from the UTC date at this moment.
    set_local_zone("AOE+12" if now.hour < 12 else "LINT-14")
    assert datetime.date.today() != now.date()
    today = now.date()
    assert exports.parse_export_date("today") == today
    assert exports.parse_export_date("yesterday") == today - datetime.timedelta(days=1)
    assert exports.export_file_name("person", "today") == f"person_ids_{today:%m_%d_%Y}.json.gz"


def test_a_datetime_counts_by_its_utc_date(set_local_zone: Callable[[str], None]) -> None:
    set_local_zone("JST-9")
    eastern = datetime.timezone(datetime.timedelta(hours=-5))
    # Naive: taken as it is.
    assert exports.parse_export_date(datetime.datetime(2024, 5, 15, 3, 0)) == DAY
    # 20:00 UTC is 16 May in Tokyo; 23:00 at UTC-5 is 16 May in UTC.
    assert exports.parse_export_date(datetime.datetime(2024, 5, 15, 20, 0, tzinfo=UTC)) == DAY
    late = datetime.datetime(2024, 5, 15, 23, 0, tzinfo=eastern)
    assert exports.export_file_name("movie", late) == "movie_ids_05_16_2024.json.gz"
    assert exports.parse_export_date("2024-05-15") == DAY


def test_the_base_url_is_kept_as_given_but_for_trailing_slashes() -> None:
    assert exports.export_url("keyword", DAY, base_url="http://127.0.0.1:8000/mirrorX//") == (
        "http://127.0.0.1:8000/mirrorX/keyword_ids_05_15_2024.json.gz"
    )


def test_the_default_destination_is_the_working_directory(
    fake: FakeTMDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.exports.publish("movie", DAY, _movies([1]))
    monkeypatch.chdir(tmp_path)
    path = exports.download_export("movie", DAY, base_url=f"{fake.url}/p/exports")
    assert path == Path(NAME)
    assert [p.name for p in tmp_path.iterdir()] == [NAME]


def test_a_missing_directory_is_made_and_a_gz_named_directory_is_a_directory(
    fake: FakeTMDB, tmp_path: Path
) -> None:
    fake.exports.publish("movie", DAY, _movies([1, 2]))
    base = f"{fake.url}/p/exports"
    nested = exports.download_export("movie", DAY, tmp_path / "exports" / "2024", base_url=base)
    assert nested == tmp_path / "exports" / "2024" / NAME and nested.is_file()
    as_file = exports.download_export("movie", DAY, tmp_path / "a" / "b" / "m.gz", base_url=base)
    assert as_file == tmp_path / "a" / "b" / "m.gz"
    (tmp_path / "archive.gz").mkdir()
    inside = exports.download_export("movie", DAY, tmp_path / "archive.gz", base_url=base)
    assert inside == tmp_path / "archive.gz" / NAME
    for path in (nested, as_file, inside):
        assert list(exports.read_export_ids(path, "movie")) == [1, 2]


def test_overwrite_downloads_again(fake: FakeTMDB, tmp_path: Path) -> None:
    base = f"{fake.url}/p/exports"
    fake.exports.publish("movie", DAY, _movies([1]))
    first = exports.download_export("movie", DAY, tmp_path, base_url=base)
    fake.exports.publish("movie", DAY, _movies([1, 2]))  # republished later that day
    kept = exports.download_export("movie", DAY, tmp_path, base_url=base)
    assert list(exports.read_export_ids(kept, "movie")) == [1]
    again = exports.download_export("movie", DAY, tmp_path, base_url=base, overwrite=True)
    assert first == kept == again and list(exports.read_export_ids(again, "movie")) == [1, 2]
    assert len(fake.requests) == 2


@pytest.mark.parametrize("status", [403, 404])
def test_a_file_the_host_does_not_have_is_not_published(
    fake: FakeTMDB, tmp_path: Path, status: int
) -> None:
    fake.exports.publish("movie", DAY, _movies([1]))
    fake.inject(Fault.status(status), path=f"/p/exports/{NAME}")
    with pytest.raises(exports.ExportNotPublishedError) as refused:
        exports.download_export("movie", DAY, tmp_path, base_url=f"{fake.url}/p/exports")
    assert str(refused.value) == NOT_PUBLISHED.format(NAME)
    assert list(tmp_path.iterdir()) == []


def test_another_error_status_is_an_export_error_naming_it(fake: FakeTMDB, tmp_path: Path) -> None:
    fake.exports.publish("movie", DAY, _movies([1]))
    fake.inject(Fault.status(500), path=f"/p/exports/{NAME}")
    with pytest.raises(exports.ExportError) as failed:
        exports.download_export("movie", DAY, tmp_path, base_url=f"{fake.url}/p/exports")
    assert type(failed.value) is exports.ExportError
    assert str(failed.value) == f"downloading {NAME} failed: HTTP 500"
    assert list(tmp_path.iterdir()) == []


def test_the_timeout_bounds_each_read(fake: FakeTMDB, tmp_path: Path) -> None:
    fake.exports.publish("movie", DAY, _movies([1]))
    # Longer than the timeout below, shorter than httpx's own default; ends when the fake stops.
    fake.inject(Fault.stall(3), path=f"/p/exports/{NAME}")
    with pytest.raises(exports.ExportError) as failed:
        exports.download_export(
            "movie", DAY, tmp_path, base_url=f"{fake.url}/p/exports", timeout=0.2
        )
    assert str(failed.value) == f"could not download {NAME}: ReadTimeout: timed out"
    assert list(tmp_path.iterdir()) == []


def test_a_redirect_is_followed_from_a_mirror(fake: FakeTMDB, tmp_path: Path) -> None:
    fake.exports.publish("movie", DAY, _movies([4, 5]))
    with serving(redirect_to(f"{fake.url}/p/exports")) as (mirror, asked):
        path = exports.download_export("movie", DAY, tmp_path, base_url=f"{mirror}/tmdbX/")
    assert asked == [f"/tmdbX/{NAME}"]
    assert [r.path for r in fake.requests] == [f"/p/exports/{NAME}"]
    assert list(exports.read_export_ids(path, "movie")) == [4, 5]


def test_the_download_streams_into_a_hidden_part_file_beside_its_target(
    fake: FakeTMDB, tmp_path: Path
) -> None:
    fake.exports.publish("movie", DAY, _movies([1]))
    listings: list[list[str]] = []

    def look(response: httpx.Response) -> None:
        listings.append(sorted(p.name for p in tmp_path.iterdir()))

    with httpx.Client(event_hooks={"response": [look]}) as client:
        path = exports.download_export(
            "movie", DAY, tmp_path, base_url=f"{fake.url}/p/exports", http_client=client
        )
    ((partial,),) = listings
    assert re.fullmatch(rf"\.{re.escape(NAME)}\.[a-z0-9_]{{8}}\.part", partial), partial
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAME] and path == tmp_path / NAME


def test_a_failure_is_reported_even_when_its_partial_file_is_already_gone(
    fake: FakeTMDB, tmp_path: Path
) -> None:
    def sweep(response: httpx.Response) -> None:
        for partial in tmp_path.glob("*.part"):  # someone cleaning up meanwhile
            partial.unlink()

    with (
        httpx.Client(event_hooks={"response": [sweep]}) as client,
        pytest.raises(exports.ExportNotPublishedError) as refused,
    ):
        exports.download_export(
            "movie", DAY, tmp_path, base_url=f"{fake.url}/p/exports", http_client=client
        )
    assert str(refused.value) == NOT_PUBLISHED.format(NAME)
    assert list(tmp_path.iterdir()) == []


def test_reading_a_missing_file_says_to_download_it(tmp_path: Path) -> None:
    with pytest.raises(exports.ExportError) as missing:
        exports.read_export(tmp_path / NAME, "movie")
    assert str(missing.value) == f"no export file at {tmp_path / NAME}; download it first"


def test_bad_files_are_named_in_the_message(tmp_path: Path) -> None:
    cut = tmp_path / "cut.json.gz"
    whole = gzip.compress(_lines(range(3000)))
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(exports.ExportError) as early:
        list(exports.read_export(cut, "keyword"))
    assert str(early.value) == (f"{cut} ends early: the gzip stream is cut off; download it again")
    junk = tmp_path / "junk.gz"
    junk.write_bytes(b"\x1f\x8b" + b"not gzip at all" * 10)
    with pytest.raises(exports.ExportError) as invalid:
        list(exports.read_export(junk, "keyword"))
    assert str(invalid.value) == (
        f"{junk} is not a valid gzip file (Error -3 while decompressing data: "
        "unknown compression method)"
    )


def test_a_bad_line_is_named_by_source_and_number() -> None:
    chunks = [gzip.compress(b'{"id": 1}\n\n{"id": "x"}\n')]
    with pytest.raises(exports.ExportError) as named:
        list(exports.iter_export(chunks, "movie"))
    assert str(named.value) == (
        "export:3: not a movie export line (Expected `int`, got `str` - at `$.id`)"
    )
    with pytest.raises(exports.ExportError) as sourced:
        list(exports.iter_export(chunks, "movie", source="movie_ids_05_15_2024.json.gz"))
    assert str(sourced.value).startswith("movie_ids_05_15_2024.json.gz:3: not a movie export")


def test_blank_lines_are_skipped_and_a_last_line_without_newline_is_read(tmp_path: Path) -> None:
    path = tmp_path / "collection_ids.json.gz"
    path.write_bytes(gzip.compress(b'{"id": 1}\n\n  \n{"id": 2}\n{"id": 3}'))
    assert list(exports.read_export_ids(path, "collection")) == [1, 2, 3]
    plain = tmp_path / "collection_ids.json"
    plain.write_bytes(b'{"id": 7, "name": "A"}\n\n{"id": 8, "name": "B"}')
    assert list(exports.read_export(plain, "collection")) == [
        exports.CollectionExport(id=7, name="A"),
        exports.CollectionExport(id=8, name="B"),
    ]


def test_chunks_cut_anywhere_in_the_gzip_stream_read_the_same() -> None:
    data = _lines(range(4000))
    stream = gzip.compress(data, mtime=0) + gzip.compress(_lines(range(4000, 4100)), mtime=0)
    # Cut where the compressed bytes happen to look like a gzip header, and one byte on.
    magic = [i for i in range(1, len(stream)) if stream[i : i + 2] == b"\x1f\x8b"]
    assert len(magic) >= 2  # the second member's header, and some inside the first
    for cut in [*magic, *(i + 1 for i in magic)]:
        chunks = [b"", stream[:cut], b"", stream[cut:]]
        ids = [item.id for item in exports.iter_export(chunks, "keyword")]
        assert ids == list(range(4100)), cut
    one_byte_chunks = (stream[i : i + 1] for i in range(len(stream)))
    assert sum(1 for _ in exports.iter_export(one_byte_chunks, "keyword")) == 4100


def test_diff_of_equal_and_disjoint_days(tmp_path: Path) -> None:
    one = tmp_path / "one.json.gz"
    two = tmp_path / "two.json.gz"
    one.write_bytes(gzip.compress(b'{"id": 3}\n{"id": 1}\n{"id": 2}\n'))
    two.write_bytes(gzip.compress(b'{"id": 9}\n{"id": 7}\n'))
    assert exports.diff_exports(one, one, "tv_series") == exports.ExportDiff([], [], 3)
    assert exports.diff_exports(one, two, "tv_series") == exports.ExportDiff([7, 9], [1, 2, 3], 0)
    assert exports.diff_exports(two, one, "tv_series") == exports.ExportDiff([1, 2, 3], [7, 9], 0)


def test_items_come_as_the_chunks_arrive_not_after_the_whole_file() -> None:
    stream = gzip.compress(_lines(range(2000)), mtime=0)
    taken = 0

    def arriving() -> Iterator[bytes]:
        nonlocal taken
        for start in range(0, len(stream), 1024):
            taken += 1
            yield stream[start : start + 1024]

    items = exports.iter_export(arriving(), "keyword")
    assert next(items).id == 0 and taken == 1
    assert [item.id for item in items] == list(range(1, 2000))
    assert taken == -(-len(stream) // 1024)


def test_the_default_host_is_tmdbs_file_host(tmp_path: Path) -> None:
    asked: list[str] = []

    def offline(request: httpx.Request) -> None:
        # Stop before anything leaves the machine: only the URL asked for matters here.
        asked.append(str(request.url))
        raise httpx.ConnectError("offline test", request=request)

    with (
        httpx.Client(event_hooks={"request": [offline]}) as client,
        pytest.raises(exports.ExportError) as stopped,
    ):
        exports.download_export("tv_series", DAY, tmp_path, http_client=client)
    assert asked == ["https://files.tmdb.org/p/exports/tv_series_ids_05_15_2024.json.gz"]
    assert str(stopped.value) == (
        "could not download tv_series_ids_05_15_2024.json.gz: ConnectError: offline test"
    )
    assert list(tmp_path.iterdir()) == []
