"""Walk a paginated list: the first N popular movies, however many pages that takes.

List methods return the first page; ``take(n)`` (or iterating the page) fetches the pages after it
only as they are needed::

    python examples/pagination.py --limit 45
"""

from __future__ import annotations

import argparse
import sys

from tmdbfusion import TMDBClient
from tmdbfusion.exceptions import MissingCredentialsError


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="The first N popular movies.")
    parser.add_argument("--base-url", default="https://api.themoviedb.org", help="API host")
    parser.add_argument("--limit", type=int, default=45, help="how many movies to list")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """List the first ``--limit`` popular movies; return the exit status."""
    args = parse_args(argv)
    try:
        client = TMDBClient(base_url=args.base_url)
    except MissingCredentialsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with client:
        first_page = client.movies.popular()
        print(
            f"{first_page.total_results} popular movies on {first_page.total_pages} pages; "
            f"the first {args.limit}:"
        )
        for rank, movie in enumerate(first_page.take(args.limit), start=1):
            print(f"{rank:>3}. {movie.title} ({movie.release_date})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
