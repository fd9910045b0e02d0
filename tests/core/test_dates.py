"""TMDB's empty dates decode to None (``tmdbfusion._dates``), alone and through the client."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import msgspec
import pytest
import respx

from tmdbfusion import TMDBClient
from tmdbfusion._dates import date_keys, tolerant_decoder, without_empty_dates
from tmdbfusion._decode import decoder_for
from tmdbfusion.exceptions import ResponseValidationError
from tmdbfusion.models import MovieDetails, MovieSummaryPage, PersonDetails
from tmdbfusion.testing import sample_json


class Episode(msgspec.Struct, kw_only=True):
    name: str
    air_date: datetime.date | None = None
    aired_at: datetime.datetime | None = None


class Season(msgspec.Struct, kw_only=True):
    air_date: datetime.date | None = None
    episodes: list[Episode] = []
    opened: datetime.date  # never None: a "" here is an error, not a missing date


class Note(msgspec.Struct, kw_only=True):
    air_date: str  # the same key as a plain string elsewhere in the type


class EpisodeAndNote(msgspec.Struct, kw_only=True):
    episode: Episode
    note: Note


def test_date_keys_are_the_nullable_date_fields_reachable_from_a_type() -> None:
    # ``opened`` is never None: a "" there stays an error.
    assert date_keys(Season) == frozenset({"air_date", "aired_at"})
    assert date_keys(list[Episode]) == frozenset({"air_date", "aired_at"})
    assert date_keys(dict[str, Episode]) == frozenset({"air_date", "aired_at"})
    # A key that is also a plain string somewhere in the type is never rewritten.
    assert date_keys(EpisodeAndNote) == frozenset({"aired_at"})
    assert date_keys(Note) == frozenset()


KEYS = frozenset({"air_date", "release_date"})


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"air_date":"","name":""}', b'{"air_date":null,"name":""}'),
        (b'{"name":"x","air_date": ""}', b'{"name":"x","air_date": null}'),
        (b'{\n  "air_date":\n    ""\n}', b'{\n  "air_date":\n    null\n}'),
        (
            b'[{"release_date":""},{"release_date":""}]',
            b'[{"release_date":null},{"release_date":null}]',
        ),
        (b'{"air_date":"2020-01-02"}', b'{"air_date":"2020-01-02"}'),
        # Inside a string the quotes are escaped: the text of a key there is left alone.
        (b'{"name":"{\\"air_date\\":\\"\\"}"}', b'{"name":"{\\"air_date\\":\\"\\"}"}'),
        # Only whole keys of the set: not a key that ends like one.
        (b'{"first_air_date":"","air_date":""}', b'{"first_air_date":"","air_date":null}'),
    ],
)
def test_without_empty_dates_nulls_only_the_date_keys(body: bytes, expected: bytes) -> None:
    assert without_empty_dates(body, KEYS) == expected


def test_without_empty_dates_leaves_bodies_without_empty_strings_as_they_are() -> None:
    body = b'{"air_date":"2020-01-02"}'
    assert without_empty_dates(body, KEYS) is body
    assert without_empty_dates(b'{"air_date":""}', frozenset()) == b'{"air_date":""}'


def test_the_tolerant_decoder_reads_empty_dates_as_none() -> None:
    decode = tolerant_decoder(Season).decode
    body = json.dumps(
        {
            "air_date": "",
            "opened": "2001-02-03",
            "episodes": [
                {"name": "Pilot", "air_date": "2001-02-03", "aired_at": "2001-02-03T20:00:00Z"},
                {"name": "", "air_date": "", "aired_at": ""},
            ],
        }
    ).encode()
    season = decode(body)
    assert season.air_date is None
    assert season.opened == datetime.date(2001, 2, 3)
    assert season.episodes[0].aired_at == datetime.datetime(
        2001, 2, 3, 20, tzinfo=datetime.timezone.utc
    )
    assert season.episodes[1] == Episode(name="", air_date=None, aired_at=None)


def test_a_date_that_is_not_empty_and_not_a_date_still_fails() -> None:
    decode = tolerant_decoder(Season).decode
    with pytest.raises(msgspec.ValidationError, match=r"\$\.air_date"):
        decode(b'{"air_date":"soon","opened":"2001-02-03"}')
    # A plain date field is promised a date: "" there is an error, reported at its path.
    with pytest.raises(msgspec.ValidationError, match=r"\$\.opened"):
        decode(b'{"air_date":"","opened":""}')


def test_types_without_dates_get_msgspecs_own_decoder() -> None:
    assert isinstance(tolerant_decoder(Note), msgspec.json.Decoder)
    assert not isinstance(tolerant_decoder(Season), msgspec.json.Decoder)


def test_the_client_decodes_tmdbs_empty_dates_as_none(
    api: respx.MockRouter, client: TMDBClient
) -> None:
    for sent, decoded in (("1999-10-15", datetime.date(1999, 10, 15)), ("", None)):
        body = json.dumps(sample_json(MovieDetails, seed=550, release_date=sent)).encode()
        assert decoder_for(MovieDetails).decode(body).release_date == decoded
    page = sample_json(MovieSummaryPage)
    movie = page["results"][0]
    page["results"] = [movie | {"release_date": ""}, movie | {"release_date": "1999-10-15"}]
    api.get("/3/search/movie").respond(json=page)
    found = client._request(
        "GET", "/3/search/movie", query={"query": "x"}, cast_to=MovieSummaryPage
    )
    assert [m.release_date for m in found.results] == [None, datetime.date(1999, 10, 15)]


def test_a_bad_date_from_the_client_names_the_json_path(
    api: respx.MockRouter, client: TMDBClient
) -> None:
    api.get("/3/person/1").respond(json=sample_json(PersonDetails, birthday="15 Oct"))
    with pytest.raises(ResponseValidationError) as caught:
        client._request(
            "GET", "/3/person/{person_id}", path_params={"person_id": 1}, cast_to=PersonDetails
        )
    assert caught.value.json_path == "$.birthday"


@pytest.mark.slow
def test_mypy_strict_accepts_a_date_only_after_a_none_check(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        from tmdbfusion.models import MovieDetails

        def year(movie: MovieDetails) -> int | None:
            if movie.release_date is None:
                return None
            return movie.release_date.year

        def unchecked(movie: MovieDetails) -> int:
            return movie.release_date.year
        """
    )
    (tmp_path / "use_dates.py").write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "use_dates.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr  # mypy ran and found errors
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    # Only the unchecked use fails: the date may be None.
    assert len(errors) == 1, result.stdout
    assert "use_dates.py:10:" in errors[0]
    assert 'Item "None" of "date | None" has no attribute "year"' in errors[0]


def test_after_a_first_empty_date_a_type_scans_its_bodies_before_decoding() -> None:
    decoder = tolerant_decoder(Season)
    good = b'{"air_date":"2001-02-03","opened":"2001-02-03"}'
    empty = b'{"air_date":"","opened":"2001-02-03"}'
    assert decoder.decode(good).air_date == datetime.date(2001, 2, 3)
    assert decoder._scan_first is False  # type: ignore[attr-defined]
    assert decoder.decode(empty).air_date is None
    assert decoder._scan_first is True  # type: ignore[attr-defined]
    assert decoder.decode(empty).air_date is None
    assert decoder.decode(good).air_date == datetime.date(2001, 2, 3)
    with pytest.raises(msgspec.ValidationError, match=r"\$\.opened"):
        decoder.decode(b'{"air_date":"","opened":""}')
