"""Commands for data work: ``bulk``, ``exports download|diff``, ``changes``, ``images download``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from tmdbfusion import bulk, changes, downloads, exports
from tmdbfusion.cli._context import OK, PARTIAL, CLIError, Context, global_options
from tmdbfusion.datasets import format_of, open_dataset
from tmdbfusion.images import DEFAULT_CONFIGURATION

__all__ = ["read_ids", "register", "shard_of"]

Add = Callable[..., argparse.ArgumentParser]
#: The export holding every id of each kind ``bulk`` and ``changes`` know.
EXPORT_OF_KIND = {"movie": "movie", "tv": "tv_series", "person": "person"}


def read_ids(path: str) -> Iterator[int]:
    """The ids of an ids file (``-`` for stdin): one whole number a line; ``#`` starts a comment."""
    try:
        file = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        raise CLIError(f"cannot read the ids file {path}: {error.strerror}") from None
    with file:
        for number, line in enumerate(file, start=1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            try:
                value = int(text)
            except ValueError:
                value = -1
            if value < 0:
                raise CLIError(
                    f"{path}:{number}: {text!r} is not an id; an ids file has one whole number "
                    "(0 or more) a line"
                ) from None
            yield value


def shard_of(text: str) -> tuple[int, int]:
    """``K/N`` (the K-th of N shards, from 1) as a pair; for splitting a harvest."""
    part, sep, count = text.partition("/")
    try:
        k, n = int(part), int(count)
    except ValueError:
        k = n = 0
    if not sep or not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"a shard is K/N with 1 <= K <= N, e.g. 2/4; got {text!r}")
    return k, n


def _export_ids(context: Context, kind: str, day: str, directory: Path) -> Iterator[int]:
    args = context.args
    path = exports.download_export(EXPORT_OF_KIND[kind], day, directory, base_url=args.exports_url)
    return exports.read_export_ids(path, EXPORT_OF_KIND[kind])


def _bulk(context: Context) -> int:
    args = context.args
    out = Path(args.out)
    format_of(out)  # a bad suffix is bad input before anything is fetched
    if args.ids is not None:
        ids: Iterator[int] = read_ids(args.ids)
    else:
        ids = _export_ids(context, args.kind, args.export, Path(args.exports_dir or out.parent))
    if args.shard is not None:
        k, n = args.shard
        ids = (item_id for item_id in ids if item_id % n == k - 1)
    wanted = list(ids)
    with context.client() as client:
        fetch = changes.details_fetcher(client, args.kind, args.append)
        item_type = changes.ITEM_TYPES[args.kind]
        with context.output.progress(f"{args.kind} → {out.name}", len(wanted)) as on_progress:
            report = bulk.harvest(
                fetch,
                wanted,
                out,
                columns=args.columns,
                item_type=item_type,
                concurrency=args.concurrency,
                on_progress=on_progress,
            )
    context.output.summary(
        f"bulk {args.kind}",
        {
            "out": str(report.path),
            "written": report.written,
            "skipped": report.skipped,
            "missing": report.missing,
            "failed": report.failed,
        },
    )
    return OK if report.complete else PARTIAL


def _exports_download(context: Context) -> int:
    args = context.args
    path = exports.download_export(args.kind, args.date, args.dest, base_url=args.exports_url)
    count = sum(1 for _ in exports.read_export_ids(path, args.kind)) if args.count else None
    context.output.summary(f"{args.kind} export", {"path": str(path), "ids": count})
    return OK


def _exports_diff(context: Context) -> int:
    args = context.args
    files = [
        exports.download_export(args.kind, day, args.dest, base_url=args.exports_url)
        for day in (args.older, args.newer)
    ]
    diff = exports.diff_exports(files[0], files[1], args.kind)
    if context.output.as_json:
        context.output.json({"added": diff.added, "removed": diff.removed, "kept": diff.kept})
    else:
        context.output.summary(
            f"{args.kind}: {args.older} → {args.newer}",
            {"added": len(diff.added), "removed": len(diff.removed), "kept": diff.kept},
        )
        for label, ids in (("added", diff.added), ("removed", diff.removed)):
            if ids and args.list:
                context.output.out.print(f"{label}: " + " ".join(map(str, ids)))
    return OK


def _changes(context: Context) -> int:
    args = context.args
    since = args.since or exports.parse_export_date("yesterday").isoformat()
    with context.client() as client:
        if args.dataset is None:
            found = sorted(changes.changed_ids(client, args.kind, since, args.until))
            if context.output.as_json:
                context.output.json(found)
            else:
                context.output.summary(
                    f"{args.kind} changes since {since}", {"changed": len(found), "ids": found}
                )
            return OK
        with context.output.progress(f"sync {Path(args.dataset).name}", None) as on_progress:
            report = changes.sync_changes(
                client,
                args.kind,
                args.dataset,
                since,
                args.until,
                append=args.append,
                concurrency=args.concurrency,
                on_progress=on_progress,
            )
    context.output.summary(
        f"{args.kind} changes since {since}",
        {
            "dataset": str(report.path),
            "changed": report.changed,
            "refreshed": len(report.refreshed),
            "removed": report.removed,
            "failed": report.failed,
        },
    )
    return OK if report.complete else PARTIAL


def _image_paths(args: argparse.Namespace) -> list[str]:
    paths: list[str] = list(args.paths or [])
    if args.dataset is not None:
        with open_dataset(args.dataset) as dataset:
            paths += downloads.image_paths(dataset.records(), args.kind)
    if not paths:
        raise CLIError("no images to download: give image paths or --dataset FILE")
    return paths


def _images_download(context: Context) -> int:
    args = context.args
    paths = _image_paths(args)
    with context.output.progress(f"{args.kind}s {args.size}", len(paths)) as on_progress:
        report = downloads.download_images(
            paths,
            args.dest,
            kind=args.kind,
            size=args.size,
            base_url=args.images_url,
            concurrency=args.concurrency,
            timeout=args.timeout,
            on_progress=on_progress,
        )
    context.output.summary(
        f"{args.kind} images",
        {
            "directory": str(report.directory),
            "downloaded": len(report.downloaded),
            "skipped": report.skipped,
            "bytes": report.bytes,
            "failed": report.failed,
        },
    )
    return OK if report.complete else PARTIAL


def _concurrency(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--concurrency", type=int, default=8, help="requests at once (default 8)")


def _exports_url(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--exports-url",
        default=exports.DEFAULT_EXPORTS_URL,
        help=f"where the daily export files are (default: {exports.DEFAULT_EXPORTS_URL})",
    )


def register(add: Add) -> None:
    """Add the data commands to the parser."""
    sub = add("bulk", "fetch many ids into a dataset (.jsonl, .csv, .parquet); resumes when rerun")
    sub.add_argument("kind", choices=tuple(EXPORT_OF_KIND))
    source = sub.add_mutually_exclusive_group(required=True)
    source.add_argument("--ids", metavar="FILE", help="ids file: one id a line ('-' for stdin)")
    source.add_argument("--export", metavar="DATE", help="every id of that day's export")
    sub.add_argument("--out", required=True, metavar="FILE", help="the dataset to write")
    sub.add_argument("--append", nargs="+", metavar="PART", help="append_to_response parts")
    sub.add_argument("--columns", nargs="+", metavar="NAME", help="CSV/Parquet columns")
    sub.add_argument("--shard", type=shard_of, metavar="K/N", help="only ids with id %% N == K-1")
    sub.add_argument("--exports-dir", metavar="DIR", help="where to keep export files")
    _exports_url(sub)
    _concurrency(sub)
    sub.set_defaults(handler=_bulk)

    sub = add("exports", "TMDB's daily ID export files")
    actions = sub.add_subparsers(dest="action", metavar="ACTION", required=True)
    download = actions.add_parser("download", help="download one day's export")
    global_options(download, suppress=True)
    download.add_argument("kind", choices=exports.EXPORT_KINDS)
    download.add_argument("date", help="YYYY-MM-DD, today or yesterday (UTC)")
    download.add_argument("--dest", default=".", help="directory or .gz file (default: .)")
    download.add_argument("--count", action="store_true", help="also count the ids")
    _exports_url(download)
    download.set_defaults(handler=_exports_download)
    diff = actions.add_parser("diff", help="ids added and removed between two days")
    global_options(diff, suppress=True)
    diff.add_argument("kind", choices=exports.EXPORT_KINDS)
    diff.add_argument("older", help="the earlier date")
    diff.add_argument("newer", help="the later date")
    diff.add_argument("--dest", default=".", help="where the export files are kept")
    diff.add_argument("--list", action="store_true", help="print the ids too")
    _exports_url(diff)
    diff.set_defaults(handler=_exports_diff)

    sub = add("changes", "ids TMDB changed since a date; with --dataset, refresh those in it")
    sub.add_argument("kind", choices=changes.CHANGE_KINDS)
    sub.add_argument("--since", help="YYYY-MM-DD (default: yesterday, UTC)")
    sub.add_argument("--until", help="YYYY-MM-DD (default: today, UTC)")
    sub.add_argument("--dataset", metavar="FILE", help="a dataset to refresh (.jsonl or .csv)")
    sub.add_argument("--append", nargs="+", metavar="PART", help="append_to_response parts")
    _concurrency(sub)
    sub.set_defaults(handler=_changes)

    sub = add("images", "download posters, backdrops and profile photos")
    actions = sub.add_subparsers(dest="action", metavar="ACTION", required=True)
    images = actions.add_parser("download", help="download images at a size")
    global_options(images, suppress=True)
    images.add_argument("paths", nargs="*", metavar="PATH", help="image paths, e.g. /abc.jpg")
    images.add_argument("--dataset", metavar="FILE", help="take the paths from a dataset")
    images.add_argument("--kind", choices=tuple(downloads.IMAGE_FIELDS), default="poster")
    images.add_argument("--size", default="w500", help="e.g. w342, w780, h632, original")
    images.add_argument("--dest", required=True, metavar="DIR", help="directory to write to")
    images.add_argument(
        "--images-url", default=DEFAULT_CONFIGURATION.secure_base_url, metavar="URL"
    )
    _concurrency(images)
    images.set_defaults(handler=_images_download)
