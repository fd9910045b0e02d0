"""Flat columns of a model type: what CSV and Parquet datasets hold.

Nested objects become dotted columns (``belongs_to_collection.name``); lists, maps and unions of
several shapes become one column holding their JSON text, so nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import msgspec
import msgspec.inspect as mi

__all__ = ["Column", "ColumnKind", "flat_columns", "flatten", "select_columns"]

#: How a column's values are stored: as numbers, booleans, text, or JSON text.
ColumnKind = Literal["int", "float", "bool", "str", "json"]

# Nested objects deeper than this are kept as JSON text rather than split further.
_MAX_DEPTH = 3


@dataclass(frozen=True)
class Column:
    """One flat column.

    Attributes
    ----------
    name : str
        Dotted JSON path, e.g. ``belongs_to_collection.name``.
    kind : {"int", "float", "bool", "str", "json"}
        How its values are stored.
    """

    name: str
    kind: ColumnKind

    @property
    def path(self) -> tuple[str, ...]:
        """The JSON keys leading to the value."""
        return tuple(self.name.split("."))


def _without_none(info: mi.Type) -> mi.Type | None:
    """The one non-null type of an optional, or None when there are several."""
    if isinstance(info, mi.UnionType):
        rest = [t for t in info.types if not isinstance(t, mi.NoneType)]
        return rest[0] if len(rest) == 1 else None
    return info


def _scalar_kind(info: mi.Type) -> ColumnKind:
    if isinstance(info, mi.BoolType):
        return "bool"
    if isinstance(info, mi.IntType):
        return "int"
    if isinstance(info, mi.FloatType):
        return "float"
    if isinstance(info, (mi.StrType, mi.DateType, mi.DateTimeType)):
        return "str"
    if isinstance(info, mi.LiteralType):
        values = info.values
        if all(isinstance(v, str) for v in values):
            return "str"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return "int"
    return "json"


def _columns(info: mi.StructType, prefix: str, depth: int) -> Iterable[Column]:
    for field in info.fields:
        name = f"{prefix}{field.encode_name}"
        inner = _without_none(field.type)
        if isinstance(inner, mi.StructType) and depth < _MAX_DEPTH:
            yield from _columns(inner, f"{name}.", depth + 1)
        else:
            yield Column(name, "json" if inner is None else _scalar_kind(inner))


def flat_columns(item_type: type[Any]) -> list[Column]:
    """Every flat column of a model type (a msgspec Struct such as ``MovieDetails``).

    Parameters
    ----------
    item_type : type
        A msgspec Struct type.

    Returns
    -------
    list[Column]
        In field order, nested objects in place.
    """
    info = mi.type_info(item_type)
    if not isinstance(info, mi.StructType):
        raise TypeError(f"item_type must be a msgspec Struct type; got {item_type!r}")
    return list(_columns(info, "", 0))


def select_columns(available: Sequence[Column], wanted: Iterable[str] | None) -> list[Column]:
    """The columns asked for (all when ``wanted`` is None), ``id`` first, in the order asked.

    Raises
    ------
    ValueError
        When a name is not a column of the type, listing close matches; or when there is no
        ``id`` column to resume by.
    """
    by_name = {column.name: column for column in available}
    if "id" not in by_name:
        raise ValueError("a dataset needs an 'id' column to resume by; this type has none")
    if wanted is None:
        chosen = list(available)
    else:
        names = list(dict.fromkeys(name.strip() for name in wanted if name.strip()))
        unknown = [name for name in names if name not in by_name]
        if unknown:
            import difflib

            hints = []
            for name in unknown:
                close = difflib.get_close_matches(name, by_name, n=3)
                hints.append(
                    f"{name!r}" + (f" (did you mean {', '.join(close)}?)" if close else "")
                )
            raise ValueError(
                f"unknown column(s): {'; '.join(hints)}. Columns are dotted JSON paths such as "
                "'title' or 'belongs_to_collection.name'."
            )
        chosen = [by_name[name] for name in names]
    rest = [column for column in chosen if column.name != "id"]
    return [by_name["id"], *rest]


_encode_json = msgspec.json.Encoder().encode


def _lookup(record: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = record
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def flatten(record: Mapping[str, Any], columns: Sequence[Column]) -> list[Any]:
    """The values of ``columns`` in a record (an item as JSON values); JSON columns as text."""
    row: list[Any] = []
    for column in columns:
        value = _lookup(record, column.path)
        if column.kind == "json" and value is not None:
            value = _encode_json(value).decode()
        row.append(value)
    return row
