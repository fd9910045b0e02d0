"""TMDB's empty dates: ``"release_date": ""`` decodes to ``None``, not to an error.

TMDB writes an unknown date as ``""``, which msgspec cannot decode as a ``datetime.date``. For a
type with date fields, :func:`tolerant_decoder` wraps msgspec's decoder: the first decode is
msgspec's own, and only when it fails and the body holds ``""`` for one of the type's date keys
are those turned into ``null`` and the body decoded again. Types without date fields get msgspec's
decoder itself.

Why a retry first and not a pre-pass over every body: of the 433 recorded responses, 11 hold an
empty date, while 86 more of the types with dates hold some other ``""`` (an empty overview or
character) that a pre-pass would scan for nothing. msgspec decodes about as fast as Python can
search bytes, so a scan costs up to one decode on a small page. Measured against the old
string-typed models, the retry costs nothing on those 86 (median per-body ratio 1.01; a pre-pass
2x) and about 2.5x on the 11. A type pays the retry only until its first empty date; from then on
its bodies are scanned first, as a person's combined credits are, and cost scan plus decode.
"""

from __future__ import annotations

import functools
import re
from typing import Generic, Protocol, TypeVar

import msgspec
import msgspec.inspect as mi

__all__ = ["BodyDecoder", "date_keys", "tolerant_decoder", "without_empty_dates"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

_DATE_TYPES = (mi.DateType, mi.DateTimeType)


class BodyDecoder(Protocol[T_co]):
    """What decodes a JSON body into one type (msgspec's decoder, or the tolerant one)."""

    def decode(self, buf: bytes, /) -> T_co:
        """Decode ``buf``."""
        ...


def _walk(info: mi.Type, seen: set[type], dates: set[str], others: set[str]) -> None:
    """Collect the JSON keys of date fields reachable from ``info`` (and of every other field)."""
    if isinstance(info, mi.UnionType):
        for member in info.types:
            _walk(member, seen, dates, others)
    elif isinstance(info, (mi.ListType, mi.VarTupleType, mi.SetType, mi.FrozenSetType)):
        _walk(info.item_type, seen, dates, others)
    elif isinstance(info, mi.DictType):
        _walk(info.value_type, seen, dates, others)
    elif isinstance(info, mi.StructType) and info.cls not in seen:
        seen.add(info.cls)
        for field in info.fields:
            members = field.type.types if isinstance(field.type, mi.UnionType) else (field.type,)
            if not any(isinstance(member, _DATE_TYPES) for member in members):
                others.add(field.encode_name)
            elif any(isinstance(member, mi.NoneType) for member in members):
                dates.add(field.encode_name)
            _walk(field.type, seen, dates, others)


def date_keys(cast_to: object) -> frozenset[str]:
    """The JSON keys whose ``""`` may become ``null`` when decoding ``cast_to``.

    A key qualifies when every field of that name reachable from ``cast_to`` is a date or
    timestamp, and one of them admits ``None``: a ``""`` under it can only mean "no date" (under
    one that does not admit ``None`` it stays an error, now "expected a date, got null").
    """
    dates: set[str] = set()
    others: set[str] = set()
    _walk(mi.type_info(cast_to), set(), dates, others)
    return frozenset(dates - others)


@functools.cache
def _key_names(keys: frozenset[str]) -> frozenset[bytes]:
    return frozenset(key.encode() for key in keys)


# A key's closing quote, its colon, and an empty string. Inside a JSON string every quote is
# escaped, so two quotes in a row are always an empty string token, and one after ``":`` is a
# key's value; the key is the text back to the quote before.
_EMPTY_VALUE = re.compile(rb'":[ \t\r\n]*""')
_COMPACT_EMPTY = b'":""'
# A body spaced out after its colons shows it in its first keys.
_HEAD = 256


def _spaced_without_empty_dates(content: bytes, names: frozenset[bytes]) -> bytes:
    empties = []
    for found in _EMPTY_VALUE.finditer(content):
        at = found.start()
        if content[content.rfind(b'"', 0, at) + 1 : at] in names:
            empties.append(found.end() - 2)
    return _with_nulls_at(content, empties)


def without_empty_dates(content: bytes, keys: frozenset[str]) -> bytes:
    """Return ``content`` with ``""`` under any of ``keys`` replaced by ``null``."""
    if not keys or b'""' not in content:
        return content
    head = content[:_HEAD]
    if b'": ' in head or b'":\n' in head or b'":\r' in head:
        # Pretty-printed (a user's recording, a proxy): one pass with a regex.
        return _spaced_without_empty_dates(content, _key_names(keys))
    # TMDB's compact JSON: one search for every empty value, each checked against the keys
    # (a search per key scans the body once per key; a rebuild per key costs more still).
    names = _key_names(keys)
    empties = []
    at = content.find(_COMPACT_EMPTY)
    while at != -1:
        if content[content.rfind(b'"', 0, at) + 1 : at] in names:
            empties.append(at + 2)
        at = content.find(_COMPACT_EMPTY, at + 4)
    return _with_nulls_at(content, empties)


def _with_nulls_at(content: bytes, empties: list[int]) -> bytes:
    """Replace the ``""`` starting at each of the sorted offsets ``empties`` by ``null``."""
    if not empties:
        return content
    pieces: list[bytes] = []
    start = 0
    for at in empties:
        pieces += (content[start:at], b"null")
        start = at + 2
    pieces.append(content[start:])
    return b"".join(pieces)


class _TolerantDecoder(Generic[T]):
    """msgspec's decoder for ``cast_to``, retried once with TMDB's empty dates made null.

    Once a body of this type held an empty date, later bodies are made null-dated before the
    first decode: a type whose bodies have them (a person's credits) pays a scan of the body,
    not a failed decode and a second one, each time.
    """

    __slots__ = ("_decode", "_keys", "_scan_first")

    def __init__(self, cast_to: type[T], keys: frozenset[str]) -> None:
        self._decode = msgspec.json.Decoder(cast_to).decode
        self._keys = keys
        self._scan_first = False

    def decode(self, buf: bytes, /) -> T:
        if self._scan_first:
            return self._decode(without_empty_dates(buf, self._keys))
        try:
            return self._decode(buf)
        except msgspec.ValidationError:
            fixed = without_empty_dates(buf, self._keys)
            if fixed is buf:
                raise
        # A benign race: threads sharing the decoder may each set it.
        self._scan_first = True
        return self._decode(fixed)


def tolerant_decoder(cast_to: type[T]) -> BodyDecoder[T]:
    """Return a JSON decoder for ``cast_to`` that reads TMDB's ``""`` dates as ``None``."""
    keys = date_keys(cast_to)
    if not keys:
        return msgspec.json.Decoder(cast_to)
    return _TolerantDecoder(cast_to, keys)
