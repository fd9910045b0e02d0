"""Daily ID exports: downloaded from FakeTMDB's file route, read as typed items, diffed."""

from __future__ import annotations

import datetime
import gzip
from pathlib import Path

import httpx
import pytest

from tmdbfusion import exports
from tmdbfusion.testing import FakeTMDB

DAY = datetime.date(2024, 5, 15)
NEXT = datetime.date(2024, 5, 16)


@pytest.fixture
def fake() -> FakeTMDB:
    with FakeTMDB() as server:
        yield server


def _movies(ids: list[int]) -> list[dict[str, object]]:
    return [
        {
            "adult": False,
            "id": i,
            "original_title": f"Film {i}",
            "popularity": i / 10,
            "video": False,
        }
        for i in ids
    ]


def test_file_names_follow_tmdbs_pattern() -> None:
    assert exports.export_file_name("movie", DAY) == "movie_ids_05_15_2024.json.gz"
    assert (
        exports.export_url("production_company", "2024-01-02")
        == "https://files.tmdb.org/p/exports/production_company_ids_01_02_2024.json.gz"
    )
    with pytest.raises(ValueError, match="kind must be one of: movie, tv_series"):
        exports.export_file_name("movies", DAY)
    with pytest.raises(ValueError, match="YYYY-MM-DD, 'today' or 'yesterday'"):
        exports.parse_export_date("15/05/2024")


def test_download_and_read_typed_items_without_credentials(fake: FakeTMDB, tmp_path: Path) -> None:
    fake.exports.publish("movie", DAY, _movies([3, 1, 2]))
    path = exports.download_export("movie", DAY, tmp_path, base_url=f"{fake.url}/p/exports")
    assert path == tmp_path / "movie_ids_05_15_2024.json.gz"
    items = list(exports.read_export(path, "movie"))
    assert [item.id for item in items] == [3, 1, 2]
    assert items[0] == exports.MovieExport(id=3, original_title="Film 3", popularity=0.3)
    (request,) = fake.requests
    assert request.auth == "" and request.path == "/p/exports/movie_ids_05_15_2024.json.gz"
    # Already there: no second request.
    exports.download_export("movie", DAY, tmp_path, base_url=f"{fake.url}/p/exports")
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("kind", "line", "expected"),
    [
        (
            "tv_series",
            {"id": 1399, "original_name": "GoT", "popularity": 9.5},
            exports.TVSeriesExport(id=1399, original_name="GoT", popularity=9.5),
        ),
        (
            "person",
            {"adult": False, "id": 287, "name": "Brad Pitt", "popularity": 20.1},
            exports.PersonExport(id=287, name="Brad Pitt", popularity=20.1),
        ),
        (
            "collection",
            {"id": 10, "name": "Star Wars Collection"},
            exports.CollectionExport(id=10, name="Star Wars Collection"),
        ),
        ("tv_network", {"id": 49, "name": "HBO"}, exports.NetworkExport(id=49, name="HBO")),
        (
            "keyword",
            {"id": 818, "name": "based on novel"},
            exports.KeywordExport(id=818, name="based on novel"),
        ),
        (
            "production_company",
            {"id": 1, "name": "Lucasfilm Ltd."},
            exports.CompanyExport(id=1, name="Lucasfilm Ltd."),
        ),
    ],
)
def test_every_kind_decodes(
    fake: FakeTMDB, tmp_path: Path, kind: str, line: dict[str, object], expected: object
) -> None:
    fake.exports.publish(kind, DAY, [line])
    path = exports.download_export(kind, DAY, tmp_path, base_url=f"{fake.url}/p/exports")
    assert list(exports.read_export(path, kind)) == [expected]


def test_a_missing_day_is_a_clear_error_and_leaves_nothing(fake: FakeTMDB, tmp_path: Path) -> None:
    with pytest.raises(exports.ExportError, match=r"not published.*08:00 UTC"):
        exports.download_export("movie", DAY, tmp_path, base_url=f"{fake.url}/p/exports")
    assert list(tmp_path.iterdir()) == []


def test_a_cut_off_or_bad_file_is_an_error_naming_it(fake: FakeTMDB, tmp_path: Path) -> None:
    whole = gzip.compress(b"".join(b'{"id": %d}\n' % i for i in range(2000)))
    fake.exports.publish_bytes("keyword_ids_05_15_2024.json.gz", whole[: len(whole) // 2])
    path = exports.download_export("keyword", DAY, tmp_path, base_url=f"{fake.url}/p/exports")
    with pytest.raises(exports.ExportError, match="cut off"):
        list(exports.read_export(path, "keyword"))
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(gzip.compress(b'{"id": 1}\n{"name": "no id"}\n'))
    with pytest.raises(exports.ExportError, match=r"bad.json.gz:2: not a keyword export line"):
        list(exports.read_export(bad, "keyword"))


@pytest.mark.slow
def test_reading_streams_in_blocks(tmp_path: Path) -> None:
    # Lines cut across block boundaries come out whole.
    lines = b"".join(b'{"id": %d, "name": "%s"}\n' % (i, b"x" * (i % 97)) for i in range(50_000))
    path = tmp_path / "keyword_ids.json.gz"
    path.write_bytes(gzip.compress(lines))
    ids = list(exports.read_export_ids(path, "keyword"))
    assert ids == list(range(50_000))
    plain = tmp_path / "plain.json"
    plain.write_bytes(lines[:1000].rsplit(b"\n", 1)[0])
    assert next(exports.read_export_ids(plain, "keyword")) == 0


def test_diff_two_days(fake: FakeTMDB, tmp_path: Path) -> None:
    fake.exports.publish("movie", DAY, _movies([1, 2, 3, 4]))
    fake.exports.publish("movie", NEXT, _movies([2, 4, 5, 6]))
    base = f"{fake.url}/p/exports"
    older = exports.download_export("movie", DAY, tmp_path, base_url=base)
    newer = exports.download_export("movie", NEXT, tmp_path, base_url=base)
    diff = exports.diff_exports(older, newer, "movie")
    assert diff == exports.ExportDiff(added=[5, 6], removed=[1, 3], kept=2)


def test_a_given_http_client_is_used_and_left_open(fake: FakeTMDB, tmp_path: Path) -> None:
    fake.exports.publish("person", DAY, [{"id": 7, "name": "P"}])
    with httpx.Client() as client:
        path = exports.download_export(
            "person",
            DAY,
            tmp_path / "p.json.gz",
            base_url=f"{fake.url}/p/exports/",
            http_client=client,
        )
        assert not client.is_closed
    assert path.name == "p.json.gz"
    assert [p.id for p in exports.read_export(path, "person")] == [7]


def test_a_fake_that_wants_a_key_still_serves_export_files(tmp_path: Path) -> None:
    with FakeTMDB(api_key="only-this-key") as fake:
        fake.exports.publish("tv_network", DAY, [{"id": 49, "name": "HBO"}])
        path = exports.download_export(
            "tv_network", DAY, tmp_path, base_url=f"{fake.url}/p/exports"
        )
        assert [n.name for n in exports.read_export(path, "tv_network")] == ["HBO"]
        # The API routes still ask for the key.
        assert httpx.get(f"{fake.url}/3/network/49").status_code == 401


def test_a_file_of_several_gzip_members_reads_whole(tmp_path: Path) -> None:
    path = tmp_path / "collection_ids.json.gz"
    path.write_bytes(gzip.compress(b'{"id": 1}\n{"id": 2}\n') + gzip.compress(b'{"id": 3}\n'))
    assert list(exports.read_export_ids(path, "collection")) == [1, 2, 3]
    (tmp_path / "junk.gz").write_bytes(b"\x1f\x8b" + b"not gzip at all" * 10)
    with pytest.raises(exports.ExportError, match="not a valid gzip file"):
        list(exports.read_export(tmp_path / "junk.gz", "collection"))
