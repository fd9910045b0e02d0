"""TMDB's empty dates: which keys qualify through every container, and each body layout."""

from __future__ import annotations

import datetime

import msgspec
import pytest

from tmdbfusion._dates import date_keys, tolerant_decoder, without_empty_dates


class Air(msgspec.Struct, kw_only=True):
    air_date: datetime.date | None = None


class Stamp(msgspec.Struct, kw_only=True):
    seen_at: datetime.datetime | None = None


class Containers(msgspec.Struct, kw_only=True):
    in_tuple: tuple[Air, ...] = ()
    in_set: set[int] = set()
    in_frozenset: frozenset[int] = frozenset()


class Hashable(msgspec.Struct, frozen=True, kw_only=True):
    first_air_date: datetime.date | None = None


class Loop(msgspec.Struct, kw_only=True):
    aired: datetime.date | None = None
    next: Loop | None = None


class Mixed(msgspec.Struct, kw_only=True):
    air: Air | None = None
    stamp: Stamp | int = 0


@pytest.mark.parametrize(
    ("cast_to", "keys"),
    [
        (tuple[Air, ...], {"air_date"}),
        (set[Hashable], {"first_air_date"}),
        (frozenset[Hashable], {"first_air_date"}),
        (dict[str, Stamp], {"seen_at"}),
        (Containers, {"air_date"}),
        (Loop, {"aired"}),  # a recursive type is walked once
        (Mixed, {"air_date", "seen_at"}),  # through the members of a union
        (Air | None, {"air_date"}),
        (int, set()),
    ],
)
def test_date_keys_are_found_through_every_container(cast_to: object, keys: set[str]) -> None:
    assert date_keys(cast_to) == frozenset(keys)


KEYS = frozenset({"air_date"})


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"air_date": \t""}', b'{"air_date": \tnull}'),
        (b'{"air_date":\r\n""}', b'{"air_date":\r\nnull}'),
        (b'{"air_date":   "" , "b": ""}', b'{"air_date":   null , "b": ""}'),
        # Compact, several in a row and at the very start and end of the search.
        (b'{"air_date":"","air_date":""}', b'{"air_date":null,"air_date":null}'),
        (b'{"x":"","air_date":""}', b'{"x":"","air_date":null}'),
        (b'{"air_date":""}', b'{"air_date":null}'),
        (b'{"b_air_date":"","air_date":""}', b'{"b_air_date":"","air_date":null}'),
    ],
)
def test_each_layout_has_its_empty_dates_nulled(body: bytes, expected: bytes) -> None:
    assert without_empty_dates(body, KEYS) == expected


def test_a_spaced_body_is_recognised_only_in_its_first_256_bytes() -> None:
    # Compact for its first 256 bytes: later spacing is not looked for, and its "" stays.
    head = b'{"pad":"' + b"p" * (256 - 9) + b'",'
    assert len(head) == 257
    spaced_late = head + b'"air_date": ""}'
    assert without_empty_dates(spaced_late, KEYS) == spaced_late
    compact_late = head + b'"air_date":""}'
    assert without_empty_dates(compact_late, KEYS) == head + b'"air_date":null}'
    # Spacing whose three bytes end at byte 256 is within the head; one byte later it is not.
    early = b'{"pad":"' + b"p" * 234 + b'","air_date": ""}'
    assert early.index(b'": ') == 253
    assert without_empty_dates(early, KEYS).endswith(b'"air_date": null}')
    late = b'{"pad":"' + b"p" * 235 + b'","air_date": ""}'
    assert without_empty_dates(late, KEYS) == late


def test_no_keys_or_no_empty_string_returns_the_same_object() -> None:
    body = b'{"air_date":""}'
    assert without_empty_dates(body, frozenset()) is body
    other = b'{"air_date":"2020-01-02"}'
    assert without_empty_dates(other, KEYS) is other
    unrelated = b'{"name":""}'
    assert without_empty_dates(unrelated, KEYS) is unrelated


def test_a_bad_date_is_still_an_error_after_the_retry_and_in_scan_mode() -> None:
    decoder = tolerant_decoder(Air)
    with pytest.raises(msgspec.ValidationError, match="Invalid RFC3339"):
        decoder.decode(b'{"air_date":"soon"}')
    assert decoder.decode(b'{"air_date":""}') == Air(air_date=None)
    with pytest.raises(msgspec.ValidationError, match="Invalid RFC3339"):
        decoder.decode(b'{"air_date":"soon"}')
    assert decoder.decode(b'{"air_date":"2020-01-02"}') == Air(air_date=datetime.date(2020, 1, 2))


class Titled(msgspec.Struct, kw_only=True):
    name: str = ""
    air_date: datetime.date | None = None


class MaybeTitled(msgspec.Struct, kw_only=True):
    item: Titled | None = None


def test_a_union_member_with_other_fields_is_walked_too() -> None:
    assert date_keys(MaybeTitled) == frozenset({"air_date"})


def test_every_empty_date_of_a_compact_body_is_nulled_not_only_the_first_and_last() -> None:
    body = b'[{"air_date":""},{"air_date":""},{"air_date":""},{"air_date":""}]'
    assert without_empty_dates(body, KEYS) == body.replace(b'""', b"null")


def test_a_type_without_dates_gets_a_working_decoder_for_that_type() -> None:
    plain = tolerant_decoder(frozenset[int])
    assert plain.decode(b"[2,1]") == frozenset({1, 2})
    with pytest.raises(msgspec.ValidationError):
        plain.decode(b'{"id":1}')
