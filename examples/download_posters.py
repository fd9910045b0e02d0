"""Download the posters of some movies at one size, a few at a time, skipping those already there.

Each file is written under a temporary name and renamed when complete, so a stopped run never
leaves half an image; run it again to fetch only what is missing::

    python examples/download_posters.py --ids 550,13,680 --size w342 --dest posters/
"""

from __future__ import annotations

import argparse
import sys

from tmdbfusion import TMDBClient, bulk, downloads
from tmdbfusion.exceptions import MissingCredentialsError
from tmdbfusion.images import DEFAULT_CONFIGURATION


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Download movie posters.")
    parser.add_argument("--base-url", default="https://api.themoviedb.org", help="API host")
    parser.add_argument("--images-url", default=DEFAULT_CONFIGURATION.secure_base_url)
    parser.add_argument("--ids", default="550,13,680", help="comma-separated movie ids")
    parser.add_argument("--size", default="w342", help="a poster size, e.g. w185, w342, original")
    parser.add_argument("--dest", default="posters", help="directory to write to")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Fetch the movies, then their posters; return the exit status."""
    args = parse_args(argv)
    try:
        client = TMDBClient(base_url=args.base_url)
    except MissingCredentialsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    ids = [int(part) for part in args.ids.split(",") if part.strip()]
    with client:
        movies = [r.item for r in bulk.fetch_many(client.movies.details, ids) if r.item]
    report = downloads.download_images(
        downloads.image_paths(movies, "poster"),
        args.dest,
        kind="poster",
        size=args.size,
        base_url=args.images_url,
        concurrency=4,
    )
    print(f"downloaded {len(report.downloaded)}, skipped {report.skipped} already in {args.dest}")
    for path, reason in report.failed.items():
        print(f"failed {path}: {reason}", file=sys.stderr)
    return 0 if report.complete else 1


if __name__ == "__main__":
    sys.exit(main())
