"""Datasets: items streamed to JSON Lines (the default), CSV or Parquet files.

>>> from tmdbfusion.datasets import open_dataset
>>> from tmdbfusion.models import MovieDetails
>>> dataset = open_dataset("movies.csv", item_type=MovieDetails, columns=["title"])
>>> with dataset as out:  # doctest: +SKIP
...     out.write(client.movies.details(550))

Every format is written item by item, so a harvest of any size never sits in memory:

- **JSON Lines** (``.jsonl``): each item exactly as decoded, one object per line.
- **CSV** (``.csv``): flat columns, nested objects as dotted names (``belongs_to_collection.name``),
  lists as JSON text; choose the columns with ``columns=``.
- **Parquet** (``.parquet``, extra ``tmdbfusion-sdk[parquet]``): the same flat columns, typed.

Every dataset keeps the checkpoint of a resumable harvest: :meth:`Dataset.existing_ids` tells
which items it holds, after cutting off a record torn by a killed run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from tmdbfusion.datasets._base import Dataset, DatasetError
from tmdbfusion.datasets._columns import Column, flat_columns, flatten
from tmdbfusion.datasets._parquet import ParquetDataset
from tmdbfusion.datasets._text import CSVDataset, JSONLinesDataset

__all__ = [
    "CSVDataset",
    "Column",
    "Dataset",
    "DatasetError",
    "DatasetFormat",
    "JSONLinesDataset",
    "ParquetDataset",
    "flat_columns",
    "flatten",
    "format_of",
    "open_dataset",
]

#: The formats a dataset can be written in.
DatasetFormat = Literal["jsonl", "csv", "parquet"]

_FORMATS: dict[str, type[Dataset]] = {
    "jsonl": JSONLinesDataset,
    "csv": CSVDataset,
    "parquet": ParquetDataset,
}
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}


def format_of(path: str | os.PathLike[str], format: str | None = None) -> DatasetFormat:
    """The format of a dataset file: as given, else from its suffix, else JSON Lines.

    Raises
    ------
    ValueError
        For a format that is not one of ``jsonl``, ``csv``, ``parquet``.
    """
    if format is None:
        suffix = Path(path).suffix.lower()
        format = _SUFFIXES.get(suffix, "jsonl" if suffix in ("", ".json") else None)
        if format is None:
            raise ValueError(
                f"cannot tell the dataset format from {str(path)!r}; name it .jsonl, .csv or "
                ".parquet, or pass format="
            )
    if format == "jsonl":
        return "jsonl"
    if format == "csv":
        return "csv"
    if format == "parquet":
        return "parquet"
    raise ValueError(f"format must be one of jsonl, csv, parquet; got {format!r}")


def open_dataset(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    columns: Iterable[str] | None = None,
    item_type: type[Any] | None = None,
) -> Dataset:
    """Open a dataset file for appending items (created on the first write when missing).

    Parameters
    ----------
    path : str or PathLike
        The file; ``.jsonl``, ``.csv`` or ``.parquet`` chooses the format.
    format : {"jsonl", "csv", "parquet"} or None
        The format, when the suffix does not say.
    columns : Iterable[str] or None
        CSV and Parquet: the flat columns to write (``id`` is always kept); all by default,
        or those of the existing file.  JSON Lines keeps whole items and ignores this.
    item_type : type or None
        The msgspec Struct type of the items; CSV and Parquet take their columns from it.

    Returns
    -------
    Dataset
        Use it as a context manager, or call :meth:`Dataset.close` when done.

    Raises
    ------
    DatasetError
        When the existing file has other columns than those asked for, or pyarrow is missing.
    """
    chosen = list(columns) if columns is not None else None
    return _FORMATS[format_of(path, format)](Path(path), chosen, item_type)
