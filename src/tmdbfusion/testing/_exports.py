"""Daily ID export files served by the fake TMDB, as TMDB's file host serves them.

The real files live at ``https://files.tmdb.org/p/exports/<kind>_ids_MM_DD_YYYY.json.gz``:
gzipped JSON lines, no credentials asked.  :meth:`FakeExports.publish` makes such a file from
the items you give; the fake then serves it at ``<fake.url>/p/exports/<name>`` and answers
403 for any other name there, as TMDB's host does for a file it does not have.
"""

from __future__ import annotations

import datetime
import gzip
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from tmdbfusion.exports import export_file_name

__all__ = ["EXPORTS_PREFIX", "FakeExports"]

#: Path under which the fake serves export files.
EXPORTS_PREFIX = "/p/exports/"


class FakeExports:
    """Export files the fake TMDB serves at ``/p/exports/``, one per kind and day.

    Use ``f"{fake.url}/p/exports"`` as the ``base_url`` of :mod:`tmdbfusion.exports`.
    """

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def publish(
        self, kind: str, day: str | datetime.date, items: Iterable[Mapping[str, Any]]
    ) -> str:
        """Serve an export of ``kind`` for ``day`` holding ``items`` (JSON objects with an ``id``).

        Returns
        -------
        str
            The file's name, e.g. ``movie_ids_05_15_2024.json.gz``.
        """
        name = export_file_name(kind, day)
        lines = b"".join(msgspec.json.encode(dict(item)) + b"\n" for item in items)
        self.publish_bytes(name, gzip.compress(lines, mtime=0))
        return name

    def publish_bytes(self, name: str, content: bytes) -> None:
        """Serve ``content`` as the file ``name`` exactly (e.g. a broken file, for a test)."""
        with self._lock:
            self._files[name] = content

    def answer(self, path: str) -> tuple[int, bytes, str] | None:
        """(status, body, content type) for a path under ``/p/exports/``; None for other paths."""
        if not path.startswith(EXPORTS_PREFIX):
            return None
        with self._lock:
            content = self._files.get(path.removeprefix(EXPORTS_PREFIX))
        if content is None:
            return 403, b"<Error><Code>AccessDenied</Code></Error>", "application/xml"
        return 200, content, "application/octet-stream"
