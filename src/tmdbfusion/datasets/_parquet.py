"""Parquet datasets (pyarrow, extra ``tmdbfusion-sdk[parquet]``), written in bounded batches.

A Parquet file is only readable once its footer is written, so items are appended to a JSON
Lines staging file beside it (``NAME.parquet.partial.jsonl``) and folded into the Parquet file
when the dataset is closed: batch by batch, into a temporary file that then replaces the old
one.  A run killed mid-way leaves the staging file, which the next run resumes from and folds in.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from tmdbfusion.datasets._base import Dataset, DatasetError, as_record
from tmdbfusion.datasets._columns import Column, ColumnKind, flat_columns, flatten, select_columns
from tmdbfusion.datasets._text import JSONLinesDataset

__all__ = ["ParquetDataset"]

#: Rows per batch (and per row group) when folding items into the file.
BATCH_ROWS = 5_000


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise DatasetError(
            "Parquet datasets need pyarrow: pip install 'tmdbfusion-sdk[parquet]'"
        ) from None
    return pyarrow


def _arrow_type(kind: ColumnKind) -> Any:
    pa = _pyarrow()
    types: dict[str, Any] = {
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "str": pa.string(),
        "json": pa.string(),
    }
    return types[kind]


def _count(mask: Any) -> int:
    import pyarrow.compute as pc

    return int(pc.sum(mask.cast(_pyarrow().int64())).as_py() or 0)


class ParquetDataset(Dataset):
    """Flat columns (see :func:`~tmdbfusion.datasets.flat_columns`) in a Parquet file."""

    format = "parquet"

    def __init__(
        self, path: Path, columns: Sequence[str] | None, item_type: type[Any] | None
    ) -> None:
        super().__init__(path, columns, item_type)
        _pyarrow()
        self.staging = JSONLinesDataset(path.with_name(path.name + ".partial.jsonl"), None, None)
        self._columns: list[Column] | None = None

    def _existing_names(self) -> list[str] | None:
        if not self.path.exists():
            return None
        return list(_pyarrow().parquet.read_schema(self.path).names)

    def _resolve(self) -> list[Column]:
        if self._columns is not None:
            return self._columns
        existing = self._existing_names()
        if self.item_type is None:
            raise DatasetError(
                "Parquet needs the item type to know its columns; pass item_type= "
                "(e.g. MovieDetails)"
            )
        resolved = select_columns(flat_columns(self.item_type), self.requested or existing)
        if existing is not None and [column.name for column in resolved] != existing:
            raise DatasetError(
                f"{self.path} has the columns {', '.join(existing)}; asked for "
                f"{', '.join(c.name for c in resolved)}. Use the same columns, or a new file."
            )
        self._columns = resolved
        return resolved

    def schema(self) -> Any:
        """The Arrow schema (``pyarrow.Schema``) of the file: one field per flat column."""
        pa = _pyarrow()
        return pa.schema([(column.name, _arrow_type(column.kind)) for column in self._resolve()])

    def existing_ids(self) -> set[int]:
        """Ids in the Parquet file and in the staging file of an unfinished run."""
        self._resolve()
        ids = self.staging.existing_ids()
        if self.path.exists():
            for batch in self._batches(["id"]):
                ids.update(int(value) for value in batch.column(0).to_pylist())
        return ids

    def _batches(self, columns: list[str] | None = None) -> Iterator[Any]:
        parquet_file = _pyarrow().parquet.ParquetFile(self.path)
        try:
            yield from parquet_file.iter_batches(batch_size=BATCH_ROWS, columns=columns)
        finally:
            parquet_file.close()

    def records(self) -> Iterator[dict[str, Any]]:
        """Every row, as a mapping of column name to value (staged items are folded in first)."""
        self.close()
        if self.path.exists():
            for batch in self._batches():
                yield from batch.to_pylist()

    def write(self, item: Any) -> None:
        """Append one item to the staging file; :meth:`close` folds it into the Parquet file."""
        self._resolve()
        self.staging.write(as_record(item))

    def _batch(self, records: list[Mapping[str, Any]]) -> Any:
        pa = _pyarrow()
        schema = self.schema()
        rows = [flatten(record, self._resolve()) for record in records]
        arrays = [
            pa.array([row[index] for row in rows], type=field.type)
            for index, field in enumerate(schema)
        ]
        return pa.RecordBatch.from_arrays(arrays, schema=schema)

    def _fold(self, updated: Mapping[int, Any], removed: Collection[int]) -> tuple[int, int]:
        """Write old rows (less replaced and removed ones), then staged and updated items."""
        pa = _pyarrow()
        import pyarrow.compute as pc

        schema = self.schema()
        replaced = dropped = 0
        handle, temporary = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        os.close(handle)
        try:
            with pa.parquet.ParquetWriter(temporary, schema) as writer:
                if self.path.exists():
                    replacing = pa.array(sorted(updated), type=pa.int64())
                    removing = pa.array(sorted(set(removed) - set(updated)), type=pa.int64())
                    for batch in self._batches():
                        ids = batch.column(schema.get_field_index("id"))
                        is_replaced = pc.is_in(ids, value_set=replacing)
                        is_removed = pc.is_in(ids, value_set=removing)
                        replaced += _count(is_replaced)
                        dropped += _count(is_removed)
                        keep = pc.invert(pc.or_(is_replaced, is_removed))
                        writer.write_batch(batch.filter(keep).cast(schema))
                pending: list[Mapping[str, Any]] = []
                staged = itertools.chain(self.staging.records(), map(as_record, updated.values()))
                for record in staged:
                    pending.append(record)
                    if len(pending) == BATCH_ROWS:
                        writer.write_batch(self._batch(pending))
                        pending.clear()
                if pending:
                    writer.write_batch(self._batch(pending))
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.staging.path)
        return replaced, dropped

    def replace(self, updated: Mapping[int, Any], removed: Collection[int]) -> tuple[int, int]:
        """Rewrite the file with ``updated`` items in place of theirs and ``removed`` ids dropped.

        Returns
        -------
        tuple[int, int]
            How many rows were replaced and how many removed.
        """
        self.staging.close()
        return self._fold(updated, removed)

    def close(self) -> None:
        """Fold the staged items into the Parquet file."""
        self.staging.close()
        if self.staging.path.exists() and (self.staging.existing_ids() or not self.path.exists()):
            self._fold({}, ())
