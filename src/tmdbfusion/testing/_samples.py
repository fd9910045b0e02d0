"""Made-up but well-formed JSON for any response type of the SDK.

:func:`sample_json` walks a msgspec type (a generated model, or ``list[...]`` /
``dict[str, ...]`` of one) and builds a JSON value that decodes into it, with
plausible values chosen from each field's name: a file path ending in ``.jpg``
for ``poster_path``, ``"1999-10-15"`` for dates, ``"Movie 550"`` for the title
of movie 550.  The same arguments always give the same value.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any

import msgspec.inspect as mi

__all__ = ["page_item_type", "sample_json", "sample_value", "type_info"]

# Deeper than any generated model nests; stops a self-referencing type from looping forever.
_MAX_DEPTH = 8
_PAGE_FIELDS = ("page", "results", "total_pages", "total_results")

_TEXT_BY_NAME = {
    "iso_639_1": "en",
    "iso_3166_1": "US",
    "original_language": "en",
    "english_name": "English",
    "status": "Released",
    "status_message": "Success.",
    "known_for_department": "Acting",
    "department": "Acting",
    "job": "Director",
    "character": "The Narrator",
    "site": "YouTube",
    "type": "Trailer",
    "certification": "R",
    "imdb_id": "tt0137523",
    "homepage": "https://www.themoviedb.org/",
    "tagline": "Mischief. Mayhem. Soap.",
    "overview": "A ticking-time-bomb insomniac and a slippery soap salesman meet.",
    "biography": "An actor born in Boston, Massachusetts.",
    "place_of_birth": "Boston, Massachusetts, USA",
    "expires_at": "2030-01-01 00:00:00 UTC",
    "created_at": "2024-05-17T12:00:00.000Z",
    "updated_at": "2024-05-17T12:00:00.000Z",
    "time": "2024-05-17 12:00:00 UTC",
}
_INT_BY_NAME = {
    "runtime": 139,
    "budget": 63000000,
    "revenue": 100853753,
    "vote_count": 29000,
    "gender": 2,
    "order": 0,
    "status_code": 1,
    "page": 1,
    "total_pages": 1,
    "total_results": 1,
    "season_number": 1,
    "episode_number": 1,
    "number_of_seasons": 1,
    "number_of_episodes": 10,
    "width": 1920,
    "height": 1080,
    "size": 1080,
}
_FLOAT_BY_NAME = {"vote_average": 8.4, "popularity": 61.4, "aspect_ratio": 1.778}
_TRUE_BY_NAME = {"success", "in_production", "official"}


@functools.cache
def type_info(cast_to: Any) -> mi.Type:
    """Describe a type the way msgspec sees it (cached)."""
    return mi.type_info(cast_to)


def sample_json(cast_to: Any, *, seed: int = 1, label: str | None = None, **fields: Any) -> Any:
    """Build a JSON value (dicts, lists, scalars) that decodes into ``cast_to``.

    Parameters
    ----------
    cast_to : type
        A generated model such as ``tmdbfusion.models.MovieDetails``, or any
        type msgspec can decode into (``list[Genre]``, ``dict[str, Rating]``).
    seed : int
        The top-level ``id``, and the number in made-up names (``"Movie 550"``).
    label : str or None
        The word names and titles start with; by default the first word of the
        model's name (``"Movie"`` for ``MovieDetails``).
    **fields
        Top-level fields to set to these values instead (by JSON name).

    Returns
    -------
    Any
        A value ``msgspec.json.decode(msgspec.json.encode(value), type=cast_to)``
        accepts.

    Examples
    --------
    >>> from tmdbfusion.models import MovieDetails
    >>> movie = sample_json(MovieDetails, seed=550, runtime=139)
    >>> movie["id"], movie["title"], movie["runtime"]
    (550, 'Movie 550', 139)
    """
    value = sample_value(type_info(cast_to), seed=seed, label=label)
    if fields:
        if not isinstance(value, dict):
            raise TypeError(f"only object types take field values; {cast_to!r} is not one")
        value.update(fields)
    return value


def page_item_type(info: mi.Type) -> mi.Type | None:
    """Return the item type of a TMDB page type (``page``, ``results``, ...), else None."""
    if not isinstance(info, mi.StructType):
        return None
    by_name = {field.encode_name: field.type for field in info.fields}
    results = by_name.get("results")
    if not set(_PAGE_FIELDS) <= set(by_name) or not isinstance(results, mi.ListType):
        return None
    return results.item_type


def sample_value(
    info: mi.Type,
    *,
    seed: int = 1,
    label: str | None = None,
    variant: int = 0,
    leave_out: frozenset[str] = frozenset(),
) -> Any:
    """Build a JSON value for a msgspec type description (see :func:`sample_json`).

    ``variant`` picks which member of a union of models to build, so list
    items can cycle through the members; ``leave_out`` names top-level fields
    to leave out.
    """
    return _Sampler(seed, label, leave_out).value(info, "", 0, variant)


class _Sampler:
    def __init__(self, seed: int, label: str | None, leave_out: frozenset[str]) -> None:
        self.seed = seed
        self.label = label
        self.leave_out = leave_out

    def value(self, info: mi.Type, name: str, depth: int, variant: int = 0, label: str = "") -> Any:
        if isinstance(info, mi.UnionType):
            return self._union(info, name, depth, variant, label)
        if isinstance(info, mi.StructType):
            return self._struct(info, depth)
        if isinstance(info, (mi.ListType, mi.VarTupleType, mi.SetType, mi.FrozenSetType)):
            if isinstance(info.item_type, mi.AnyType) or depth >= _MAX_DEPTH:
                return []
            return [self.value(info.item_type, name, depth + 1, label=label)]
        if isinstance(info, mi.TupleType):
            return [self.value(item, name, depth + 1, label=label) for item in info.item_types]
        if isinstance(info, mi.DictType):
            if depth >= _MAX_DEPTH:
                return {}
            return {"US": self.value(info.value_type, name, depth + 1, label=label)}
        if isinstance(info, mi.LiteralType):
            return info.values[0]
        if isinstance(info, mi.EnumType):
            return next(iter(info.cls)).value
        return self._scalar(info, name, depth, label)

    def _union(self, info: mi.UnionType, name: str, depth: int, variant: int, label: str) -> Any:
        members = [member for member in info.types if not isinstance(member, mi.NoneType)]
        if not members:
            return None
        models = [member for member in members if isinstance(member, mi.StructType)]
        if len(models) > 1:
            return self._struct(models[variant % len(models)], depth)
        return self.value(members[0], name, depth, variant, label)

    def _struct(self, info: mi.StructType, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if info.tag_field is not None:
            result[info.tag_field] = info.tag
        # The caller's label names the object asked for; nested objects name themselves.
        label = self.label if depth == 0 and self.label else _first_word(info.cls.__name__)
        for field in info.fields:
            if not field.required and (
                depth >= _MAX_DEPTH or (depth == 0 and field.encode_name in self.leave_out)
            ):
                continue
            result[field.encode_name] = self.value(
                field.type, field.encode_name, depth + 1, label=label
            )
        return result

    def _scalar(self, info: mi.Type, name: str, depth: int, label: str) -> Any:
        # Fields of the object asked for carry its seed; nested objects count from 1.
        number = self.seed if depth <= 1 else 1
        if isinstance(info, mi.BoolType):
            return name in _TRUE_BY_NAME
        if isinstance(info, mi.IntType):
            return number if name == "id" else _INT_BY_NAME.get(name, 1)
        if isinstance(info, mi.FloatType):
            return _FLOAT_BY_NAME.get(name, 1.0)
        if isinstance(info, mi.StrType):
            return _text(name, number, label)
        if isinstance(info, mi.NoneType):
            return None
        if isinstance(info, mi.DateType):
            return "1999-10-15"
        if isinstance(info, mi.DateTimeType):
            return "2024-05-17T12:00:00.000Z"
        # Any (TMDB's change history values), or a type no generated model uses.
        return f"{name or 'value'} {number}"


def _text(name: str, number: int, label: str) -> str:
    if name in _TEXT_BY_NAME:
        return _TEXT_BY_NAME[name]
    if name.endswith("_path"):
        # TMDB file paths: a slash, 27 letters and digits, an extension.
        digest = hashlib.sha256(f"{name}{number}".encode()).hexdigest()[:27]
        return f"/{digest}.jpg"
    if name.endswith(("_date", "_day")) or name in ("birthday", "deathday"):
        return "1999-10-15"
    if name in ("title", "name", "original_title", "original_name"):
        return f"{label or 'Item'} {number}"
    if name == "id" or name.endswith("_id"):
        # String ids (credits, reviews, changes) are 24 hex digits on TMDB.
        return f"{number:024x}"
    if name == "key":
        return "dfeUzm6KF4g"
    return f"{name.replace('_', ' ')} {number}".strip()


def _first_word(model_name: str) -> str:
    match = re.match(r"[A-Z][a-z0-9]*", model_name)
    return match.group(0) if match else model_name
