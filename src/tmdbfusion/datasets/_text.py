"""JSON Lines and CSV datasets: appended one record per write, torn last records repaired."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import msgspec

from tmdbfusion.datasets._base import Dataset, DatasetError, as_record, encode_line
from tmdbfusion.datasets._columns import Column, flat_columns, flatten, select_columns

__all__ = ["CSVDataset", "JSONLinesDataset", "atomic_rewrite"]


class _HasId(msgspec.Struct):
    id: int


_decode_id = msgspec.json.Decoder(_HasId).decode


@contextlib.contextmanager
def atomic_rewrite(path: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside ``path`` that replaces it when the block ends without error."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _cut(path: Path, size: int) -> None:
    """Drop what a killed writer left after the last complete record."""
    if path.stat().st_size != size:
        with open(path, "rb+") as file:
            file.truncate(size)


class JSONLinesDataset(Dataset):
    """One JSON object per line, each item exactly as the API returned it (decoded and checked)."""

    format = "jsonl"

    def _lines(self) -> Iterator[tuple[int, int, bytes]]:
        """(line number, item id, line) of every complete line; a torn last line is cut off."""
        if not self.path.exists():
            return
        good = 0
        with open(self.path, "rb") as file:
            for number, line in enumerate(file, start=1):
                if not line.endswith(b"\n"):
                    break
                good += len(line)
                if not line.strip():
                    continue
                try:
                    item_id = _decode_id(line).id
                except msgspec.DecodeError as exc:
                    raise DatasetError(
                        f"{self.path}:{number}: not a JSON object with an integer id ({exc}); "
                        "fix or remove that line, then run again"
                    ) from None
                yield number, item_id, line
        _cut(self.path, good)

    def existing_ids(self) -> set[int]:
        """Ids of the items in the file (a torn last line, left by a killed run, is removed)."""
        return {item_id for _, item_id, _ in self._lines()}

    def records(self) -> Iterator[dict[str, Any]]:
        """Every item, as JSON values."""
        for _, _, line in self._lines():
            yield msgspec.json.decode(line)

    def _encode(self, item: Any) -> bytes:
        return encode_line(item)

    def replace(self, updated: Mapping[int, Any], removed: Collection[int]) -> tuple[int, int]:
        """Rewrite the file with ``updated`` items in place of theirs and ``removed`` ids dropped.

        Returns
        -------
        tuple[int, int]
            How many items were replaced and how many removed.
        """
        self._close_file()
        replaced = dropped = 0
        with atomic_rewrite(self.path) as out:
            for _, item_id, line in self._lines():
                if item_id in removed:
                    dropped += 1
                elif item_id in updated:
                    out.write(self._encode(updated[item_id]))
                    replaced += 1
                else:
                    out.write(line)
        return replaced, dropped


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class CSVDataset(Dataset):
    """A header of flat column names, then one row per item (see :func:`flat_columns`)."""

    format = "csv"

    def __init__(
        self, path: Path, columns: Sequence[str] | None, item_type: type[Any] | None
    ) -> None:
        super().__init__(path, columns, item_type)
        self._columns: list[Column] | None = None
        self._names = header = self._header()
        if header is not None and columns is not None and self.columns_wanted() != header:
            raise DatasetError(
                f"{path} has the columns {', '.join(header)}; asked for "
                f"{', '.join(self.columns_wanted())}. Resume with the same columns, or a new file."
            )

    def columns_wanted(self) -> list[str]:
        """The column names this dataset writes (``id`` first)."""
        return [column.name for column in self._resolve()]

    def _resolve(self) -> list[Column]:
        if self._columns is not None:
            return self._columns
        if self.item_type is None:
            raise DatasetError(
                "CSV needs the item type to know its columns; pass item_type= (e.g. MovieDetails)"
            )
        wanted = self.requested if self.requested is not None else self._names
        resolved = select_columns(flat_columns(self.item_type), wanted)
        self._columns = resolved
        return resolved

    def _header(self) -> list[str] | None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None
        with open(self.path, encoding="utf-8", newline="") as file:
            first = next(csv.reader(file), None)
        if not first or "id" not in first:
            raise DatasetError(f"{self.path} does not start with a header naming an 'id' column")
        return first

    def _rows(self) -> Iterator[tuple[int, list[str], bytes]]:
        """(item id, row, raw bytes) of every complete row; a torn last row is cut off."""
        header = self._header()
        if header is None:
            return
        id_at = header.index("id")
        with open(self.path, "rb") as file:
            raw: list[bytes] = []

            def lines() -> Iterator[str]:
                for line in file:
                    raw.append(line)
                    yield line.decode("utf-8")

            reader = csv.reader(lines())
            next(reader)
            good = sum(len(part) for part in raw)
            raw.clear()
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error:
                    break  # an unterminated quote: the torn last row of a killed run
                record = b"".join(raw)
                raw.clear()
                if not record.endswith(b"\n") or len(row) != len(header):
                    break
                try:
                    item_id = int(row[id_at])
                except ValueError:
                    raise DatasetError(
                        f"{self.path}: row {reader.line_num} has id {row[id_at]!r}, not an integer"
                    ) from None
                good += len(record)
                yield item_id, row, record
        _cut(self.path, good)

    def existing_ids(self) -> set[int]:
        """Ids of the rows in the file (a torn last row, left by a killed run, is removed)."""
        return {item_id for item_id, _, _ in self._rows()}

    def records(self) -> Iterator[dict[str, Any]]:
        """Every row, as a mapping of column name to text."""
        header = self._header() or []
        for _, row, _ in self._rows():
            yield dict(zip(header, row, strict=True))

    def _line(self, values: Sequence[Any]) -> bytes:
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerow([_csv_text(v) for v in values])
        return text.getvalue().encode("utf-8")

    def _prologue(self) -> bytes:
        return b"" if self._header() is not None else self._line(self.columns_wanted())

    def _encode(self, item: Any) -> bytes:
        return self._line(flatten(as_record(item), self._resolve()))

    def replace(self, updated: Mapping[int, Any], removed: Collection[int]) -> tuple[int, int]:
        """Rewrite the file with ``updated`` items in place of theirs and ``removed`` ids dropped.

        Returns
        -------
        tuple[int, int]
            How many rows were replaced and how many removed.
        """
        self._close_file()
        replaced = dropped = 0
        header = self._header()
        with atomic_rewrite(self.path) as out:
            if header is not None:
                out.write(self._line(header))
            for item_id, _, record in self._rows():
                if item_id in removed:
                    dropped += 1
                elif item_id in updated:
                    out.write(self._encode(updated[item_id]))
                    replaced += 1
                else:
                    out.write(record)
        return replaced, dropped
