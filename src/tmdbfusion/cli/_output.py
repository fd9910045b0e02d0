"""What the CLI prints: JSON for machines, rich tables and trees for people, progress bars."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import msgspec
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.tree import Tree

from tmdbfusion.bulk import BulkProgress

__all__ = ["Output"]

# Shown first in a detail view, in this order, when present; the rest follow as they come.
_FIRST_FIELDS = (
    "id",
    "media_type",
    "tagline",
    "release_date",
    "first_air_date",
    "birthday",
    "deathday",
    "known_for_department",
    "place_of_birth",
    "status",
    "runtime",
    "number_of_seasons",
    "number_of_episodes",
    "genres",
    "vote_average",
    "vote_count",
    "popularity",
    "original_language",
    "original_title",
    "original_name",
    "imdb_id",
    "homepage",
)
# Left out of the human views: long or of little use on a terminal (the JSON has everything).
_SKIPPED_FIELDS = frozenset({"overview", "biography", "title", "name"})
_LIST_PREVIEW = 8


def _label(record: Mapping[str, Any]) -> str:
    """What a person calls an item: its title or name, with its year when known."""
    title = record.get("title") or record.get("name") or f"#{record.get('id', '?')}"
    date = record.get("release_date") or record.get("first_air_date") or ""
    return f"{title} ({date[:4]})" if isinstance(date, str) and len(date) >= 4 else str(title)


def _brief(value: Any) -> str:
    """A one-line text of a value: names of a list of objects, ``key=value`` of an object."""
    if isinstance(value, list):
        shown = [_brief_item(item) for item in value[:_LIST_PREVIEW]]
        more = len(value) - len(shown)
        return ", ".join(shown) + (f", … (+{more})" if more > 0 else "")
    if isinstance(value, dict):
        return ", ".join(f"{k}={_brief_item(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _brief_item(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("name", "title", "english_name", "iso_3166_1", "iso_639_1", "id"):
            if item.get(key) not in (None, ""):
                return str(item[key])
        return "{…}"
    return _brief(item) if isinstance(item, (list, float)) else str(item)


class Output:
    """Prints results: JSON on stdout with ``--json``, else rich views; messages on stderr."""

    def __init__(self, *, as_json: bool, progress: bool = True) -> None:
        self.as_json = as_json
        self.out = Console(soft_wrap=False, highlight=False)
        self.err = Console(stderr=True, highlight=False)
        self._progress = progress and not as_json and self.err.is_terminal

    # --- machines ---------------------------------------------------------------------------

    def json(self, value: Any) -> None:
        """Print a value (a Struct, a dataclass's dict, JSON values) as indented JSON."""
        data = msgspec.json.format(msgspec.json.encode(value), indent=2)
        sys.stdout.write(data.decode("utf-8") + "\n")
        sys.stdout.flush()

    # --- people -----------------------------------------------------------------------------

    def message(self, text: str) -> None:
        """A line for people, on stderr (stdout stays clean for pipes)."""
        self.err.print(text)

    def error(self, text: str) -> None:
        """An error message on stderr, without a traceback."""
        self.err.print(f"[bold red]error:[/] {escape(text)}")

    def item(self, value: Any) -> None:
        """One item: JSON, or a tree of its title and fields."""
        if self.as_json:
            self.json(value)
            return
        record = msgspec.to_builtins(value)
        tree = Tree(f"[bold]{escape(_label(record))}[/]")
        text = record.get("overview") or record.get("biography")
        if text:
            tree.add(escape(text if len(text) <= 400 else text[:399] + "…"), style="italic")
        table = Table.grid(padding=(0, 2))
        table.add_column(style="cyan", no_wrap=True)
        table.add_column()
        keys = [k for k in _FIRST_FIELDS if k in record]
        keys += [k for k in record if k not in keys and k not in _SKIPPED_FIELDS]
        for key in keys:
            value_at = record[key]
            if value_at in (None, "", [], {}) or key in _SKIPPED_FIELDS:
                continue
            table.add_row(key, escape(_brief(value_at)))
        tree.add(table)
        self.out.print(tree)

    def items(self, values: Sequence[Any], *, title: str) -> None:
        """A list of results: JSON, or a table with id, kind, title and date."""
        records = [msgspec.to_builtins(value) for value in values]
        if self.as_json:
            self.json(records)
            return
        # Mixed results (multi search, trending all) say what each is; one kind needs no column.
        mixed = any(record.get("media_type") for record in records)
        table = Table()
        table.add_column("id", justify="right")
        if mixed:
            table.add_column("type")
        table.add_column("title")
        table.add_column("date")
        table.add_column("popularity", justify="right")
        for record in records:
            date = record.get("release_date") or record.get("first_air_date") or ""
            cells = [
                str(record.get("id", "")),
                escape(str(record.get("title") or record.get("name") or "")),
                str(date),
                _brief(record.get("popularity", "")),
            ]
            if mixed:
                cells.insert(1, str(record.get("media_type") or ""))
            table.add_row(*cells)
        self._titled(title, table)
        if not records:
            self.message("no results")

    def summary(self, title: str, rows: Mapping[str, Any]) -> None:
        """A report of a long run: JSON, or a two-column table."""
        if self.as_json:
            self.json(dict(rows))
            return
        table = Table(show_header=False)
        table.add_column(style="cyan")
        table.add_column()
        for key, value in rows.items():
            table.add_row(key, escape(_brief(value) if value not in (None, "") else "-"))
        self._titled(title, table)

    def _titled(self, title: str, table: Table) -> None:
        # Not the table's own title: rich wraps that at the table's width, and a narrow
        # report would show "keyword:" / "2024-05-15 →" / "2024-05-16" on three lines.
        self.out.print(escape(title), style="table.title")
        self.out.print(table)

    @contextlib.contextmanager
    def progress(self, description: str, total: int | None) -> Iterator[Any]:
        """A progress bar on stderr (when it is a terminal); yields the bulk progress callback."""
        if not self._progress:
            yield None
            return
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.err,
            transient=False,
        )
        task = bar.add_task(description, total=total, failed=0)

        def on_progress(counts: BulkProgress) -> None:
            bar.update(task, completed=counts.done, failed=counts.failed)

        with bar:
            yield on_progress
