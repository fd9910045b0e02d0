"""Heal dates: response strings that are always dates become ``date`` or ``date-time`` schemas.

TMDB's document gives no ``format`` to any response field, so the evidence decides: the string
formats seen at a field's place (``formats`` in ``openapi/observations.json`` for the recorded
responses, the same facts of the document's own examples). A string field is

- a calendar date (``format: date``, planned as ``datetime.date | None``) when every non-empty
  value seen was ``YYYY-MM-DD``, at least ``MIN_DATE_SUPPORT`` of them;
- a timestamp (``format: date-time``, ``datetime.datetime``) when every non-empty value seen was an
  ISO 8601 date with a time.

A field with both kinds, or any other text, stays a string. A field with no non-empty value seen
at its place takes its key's format elsewhere (``key_formats``): the date kind that at least
``KEY_SHARE`` of the key's non-empty values in all the recordings had, none of them text
(``release_date`` is a timestamp in release-date lists only). One value is enough support: a value
like ``2019-08-20`` is not text by accident, and the only cost of a wrong guess (a later text
value) is a clear decode error, which the contract test over every recording would show first.

TMDB writes an unknown date as ``""``; the runtime decodes it to ``None`` (``tmdbfusion._dates``),
so a calendar date is always nullable, and a timestamp is nullable once ``""`` was seen for it.
Which fields are dates can also be forced with a ``fields:`` override (``type: str``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .schema import Schema, base_type, make_nullable

MIN_DATE_SUPPORT = 1
KEY_SHARE = 0.9
DATE_FORMATS = {"date": "date", "datetime": "date-time"}
EMPTY = "empty"

Facts = dict[str, dict[str, dict[str, Any]]]  # place -> key -> facts


def date_format(formats: Counter[str]) -> str | None:
    """The schema ``format`` that the string formats seen at one field imply, or None."""
    kinds = {kind for kind in formats if kind != EMPTY}
    if len(kinds) != 1:
        return None
    kind = next(iter(kinds))
    if kind not in DATE_FORMATS or formats[kind] < MIN_DATE_SUPPORT:
        return None
    return DATE_FORMATS[kind]


def key_formats(observations: dict[str, Any]) -> dict[str, str]:
    """The date format of each key that is a date nearly everywhere in the recorded responses."""
    by_key: dict[str, Counter[str]] = {}
    for facts in observations.get("operations", {}).values():
        for keys in facts.get("fields", {}).values():
            for key, key_facts in keys.items():
                by_key.setdefault(key, Counter()).update(key_facts.get("formats", {}))
    found = {}
    for key, formats in sorted(by_key.items()):
        kinds = {kind: count for kind, count in formats.items() if kind != EMPTY}
        total = sum(kinds.values())
        if not total or "text" in kinds:
            continue
        kind, count = max(kinds.items(), key=lambda item: item[1])
        if kind in DATE_FORMATS and count >= KEY_SHARE * total:
            found[key] = DATE_FORMATS[kind]
    return found


def _child(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key


def _item_places(facts: list[Facts], places: list[str]) -> list[str]:
    """The places of the items of lists at ``places``: ``x[]`` and tagged ones like ``x[movie]``."""
    found = set()
    for fields in facts:
        for place in places:
            for candidate in fields:
                if candidate == f"{place}[]" or (
                    candidate.startswith(f"{place}[")
                    and candidate.endswith("]")
                    and "." not in candidate[len(place) :]
                    and "[" not in candidate[len(place) + 1 :]
                ):
                    found.add(candidate)
    return sorted(found) or [f"{place}[]" for place in places]


def _formats_at(facts: list[Facts], places: list[str], key: str) -> Counter[str]:
    seen: Counter[str] = Counter()
    for fields in facts:
        for place in places:
            seen.update(fields.get(place, {}).get(key, {}).get("formats", {}))
    return seen


def mark_dates(
    schema: Schema,
    facts: list[Facts],
    by_key: dict[str, str] | None = None,
    places: list[str] | None = None,
    path: str = "",
) -> tuple[Schema, list[str]]:
    """Return ``schema`` with date formats set from the evidence, and the JSON paths made dates.

    ``facts`` are the field facts of one operation (the recorded responses', the examples'), keyed
    by place (``results[].release_date``'s place is ``results[]``); ``by_key`` is
    :func:`key_formats`, for the fields seen nowhere but empty at their place.
    """
    by_key = by_key or {}
    places = places if places is not None else [""]
    marked: list[str] = []
    if "oneOf" in schema:
        variants = []
        for variant in schema["oneOf"]:
            tag = variant.get("properties", {}).get("media_type", {}).get("enum", [None])[0]
            own = [p for p in places if p.endswith((f"[{tag}]", "[]"))]
            own += [p[:-2] + f"[{tag}]" for p in places if p.endswith("[]")]
            healed, found = mark_dates(variant, facts, by_key, sorted(set(own)), path)
            variants.append(healed)
            marked += found
        return {**schema, "oneOf": variants}, marked
    kind = base_type(schema)
    if kind == "array" and isinstance(schema.get("items"), dict):
        items, marked = mark_dates(
            schema["items"], facts, by_key, _item_places(facts, places), path + "[]"
        )
        return {**schema, "items": items}, marked
    if kind != "object":
        return schema, marked
    result = dict(schema)
    if isinstance(schema.get("additionalProperties"), dict):
        value_places = [f"{p}.{{country}}" for p in places]
        result["additionalProperties"], marked = mark_dates(
            schema["additionalProperties"], facts, by_key, value_places, path + "{}"
        )
    properties = {}
    for key, sub in schema.get("properties", {}).items():
        if base_type(sub) == "string" and "enum" not in sub and "format" not in sub:
            formats = _formats_at(facts, places, key)
            found_format = date_format(formats)
            if not set(formats) - {EMPTY}:
                found_format = by_key.get(key)
            if found_format is not None:
                sub = {**sub, "format": found_format}
                if found_format == "date" or formats[EMPTY]:
                    sub = make_nullable(sub)
                marked.append(f"{_child(path, key)} {found_format}")
            properties[key] = sub
            continue
        properties[key], found = mark_dates(
            sub, facts, by_key, [_child(p, key) for p in places], _child(path, key)
        )
        marked += found
    if "properties" in schema:
        result["properties"] = properties
    return result, marked
