"""Keep a harvested dataset fresh: refresh exactly the movies TMDB changed since a date.

TMDB's ``/3/movie/changes`` lists the ids changed in at most 14 days per call; longer spans
are split for you.  Only ids both changed and already in the dataset are fetched again, and
the file is rewritten atomically::

    python examples/sync_changes.py --dataset movies.jsonl --since 2024-05-01
"""

from __future__ import annotations

import argparse
import datetime
import sys

from tmdbfusion import TMDBClient, changes
from tmdbfusion.exceptions import MissingCredentialsError


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    yesterday = datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=1)
    parser = argparse.ArgumentParser(description="Refresh the changed movies of a dataset.")
    parser.add_argument("--base-url", default="https://api.themoviedb.org", help="API host")
    parser.add_argument("--dataset", default="movies.jsonl", help="a .jsonl or .csv dataset")
    parser.add_argument("--since", default=yesterday.isoformat(), help="YYYY-MM-DD")
    parser.add_argument("--until", default=None, help="YYYY-MM-DD (default: today)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Sync; print what was refreshed and removed; return the exit status."""
    args = parse_args(argv)
    try:
        client = TMDBClient(base_url=args.base_url, rate_limit=20)
    except MissingCredentialsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with client:
        report = changes.sync_changes(client, "movie", args.dataset, args.since, args.until)
    print(f"{report.changed} movies changed on TMDB since {args.since}")
    print(f"refreshed: {', '.join(map(str, report.refreshed)) or 'none'}")
    print(f"removed: {', '.join(map(str, report.removed)) or 'none'}")
    return 0 if report.complete else 1


if __name__ == "__main__":
    sys.exit(main())
