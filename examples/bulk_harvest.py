"""A resumable harvest: fetch many movies into a dataset, paced, and run it again to resume.

The ids come from ``--ids`` or from TMDB's daily export of every movie id (``--export DATE``).
The dataset's suffix chooses its format (``.jsonl``, ``.csv``, ``.parquet``); rerunning fetches
only what is not in it yet, so a run stopped half-way loses nothing::

    python examples/bulk_harvest.py --ids 550,13,680 --out movies.jsonl --rate-limit 20
    python examples/bulk_harvest.py --export 2024-05-15 --out movies.csv
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from tmdbfusion import TMDBClient, bulk, exports
from tmdbfusion.exceptions import MissingCredentialsError
from tmdbfusion.models import MovieDetails


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Harvest movies into a dataset, resumably.")
    parser.add_argument("--base-url", default="https://api.themoviedb.org", help="API host")
    parser.add_argument("--ids", default="550,13,680", help="comma-separated movie ids")
    parser.add_argument("--export", metavar="DATE", help="take every id of that day's export")
    parser.add_argument("--exports-url", default=exports.DEFAULT_EXPORTS_URL)
    parser.add_argument("--out", default="movies.jsonl", help=".jsonl, .csv or .parquet")
    parser.add_argument("--rate-limit", type=float, default=20.0, help="requests per second")
    return parser.parse_args(argv)


def movie_ids(args: argparse.Namespace) -> Iterable[int]:
    """The ids to harvest: from the export of a day, or the --ids list."""
    if args.export is None:
        return [int(part) for part in args.ids.split(",") if part.strip()]
    path = exports.download_export(
        "movie", args.export, Path(args.out).parent, base_url=args.exports_url
    )
    return exports.read_export_ids(path, "movie")


def main(argv: list[str] | None = None) -> int:
    """Harvest; print what was written and skipped; return the exit status."""
    args = parse_args(argv)
    try:
        client = TMDBClient(base_url=args.base_url, rate_limit=args.rate_limit)
    except MissingCredentialsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with client:
        report = bulk.harvest(
            client.movies.details,
            movie_ids(args),
            args.out,
            item_type=MovieDetails,
            columns=["title", "release_date", "runtime", "vote_average"],
            concurrency=4,
        )
    print(f"wrote {report.written}, skipped {report.skipped} already in {report.path.name}")
    if report.missing:
        print(f"not on TMDB: {', '.join(map(str, report.missing))}")
    for item_id, reason in report.failed.items():
        print(f"failed {item_id}: {reason}", file=sys.stderr)
    return 0 if report.complete else 1


if __name__ == "__main__":
    sys.exit(main())
