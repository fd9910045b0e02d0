"""What every dataset format shares: the file it appends to, one whole record per write."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import msgspec

from tmdbfusion.exceptions import TMDBError

__all__ = ["Dataset", "DatasetError", "as_record", "encode_line"]

_encoder = msgspec.json.Encoder()


class DatasetError(TMDBError):
    """A dataset file cannot be read or resumed: a bad line, other columns, a missing extra."""


def encode_line(item: Any) -> bytes:
    """An item (a Struct or JSON values) as one line of JSON."""
    line = bytearray()
    _encoder.encode_into(item, line)
    line += b"\n"
    return bytes(line)


def as_record(item: Any) -> Mapping[str, Any]:
    """An item as JSON values (a Struct is converted; a mapping is taken as is)."""
    if isinstance(item, Mapping):
        return item
    record = msgspec.to_builtins(item)
    if not isinstance(record, dict):
        raise TypeError(f"a dataset item must be an object; got {type(item).__name__}")
    return record


class Dataset:
    """A dataset file that items are appended to, one complete record per write.

    Each record is written with a single unbuffered ``write``, so a process killed mid-run
    leaves whole records plus at most one torn one, which :meth:`existing_ids` cuts off.
    Use :func:`tmdbfusion.datasets.open_dataset` to make one.
    """

    format = ""

    def __init__(
        self, path: Path, columns: Sequence[str] | None, item_type: type[Any] | None
    ) -> None:
        self.path = path
        self.requested = list(columns) if columns is not None else None
        self.item_type = item_type
        self._file: IO[bytes] | None = None

    def existing_ids(self) -> set[int]:
        """Ids of the items already in the file."""
        raise NotImplementedError

    def records(self) -> Iterator[dict[str, Any]]:
        """Every item in the file, as JSON values (CSV: text by column)."""
        raise NotImplementedError

    def replace(self, updated: Mapping[int, Any], removed: Collection[int]) -> tuple[int, int]:
        """Rewrite the file with ``updated`` items in place of theirs, ``removed`` ids dropped."""
        raise NotImplementedError

    def _encode(self, item: Any) -> bytes:
        raise NotImplementedError

    def _prologue(self) -> bytes:
        """What goes before the first record of a new file (a CSV header)."""
        return b""

    def write(self, item: Any) -> None:
        """Append one item (a msgspec Struct, or a mapping of JSON values)."""
        data = self._encode(item)
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = self._prologue() + data
            self._file = open(self.path, "ab", buffering=0)  # noqa: SIM115 - kept open for appends
        view = memoryview(data)
        while view:  # an unbuffered write may take less than all of it
            view = view[self._file.write(view) or 0 :]

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def close(self) -> None:
        """Finish writing; the file is complete and readable afterwards."""
        self._close_file()

    def __enter__(self) -> Dataset:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"
