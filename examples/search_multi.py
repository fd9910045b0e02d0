"""Search movies, TV series and people at once, and tell the results apart with ``match``.

``search.multi`` returns a tagged union: each result is a ``MovieResult``, a ``TvSeriesResult`` or
a ``PersonResult``, decided by its ``media_type``::

    python examples/search_multi.py "Star Wars" --limit 10
"""

from __future__ import annotations

import argparse
import sys

from tmdbfusion import TMDBClient
from tmdbfusion.exceptions import MissingCredentialsError
from tmdbfusion.models import MediaResult, MovieResult, PersonResult, TvSeriesResult


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Search movies, TV series and people.")
    parser.add_argument("query", nargs="?", default="Star Wars", help="what to search for")
    parser.add_argument("--base-url", default="https://api.themoviedb.org", help="API host")
    parser.add_argument("--limit", type=int, default=10, help="how many results to show")
    return parser.parse_args(argv)


def describe(result: MediaResult) -> str:
    """One line about a result, whichever kind it is."""
    match result:
        case MovieResult(title=title, release_date=released):
            return f"movie  {result.id}: {title} ({released or 'unreleased'})"
        case TvSeriesResult(name=name, first_air_date=first_aired):
            return f"tv     {result.id}: {name} (first aired {first_aired or 'never'})"
        case PersonResult(name=name, known_for_department=department):
            return f"person {result.id}: {name} ({department or 'unknown department'})"


def main(argv: list[str] | None = None) -> int:
    """Print the first ``--limit`` results; return the exit status."""
    args = parse_args(argv)
    try:
        client = TMDBClient(base_url=args.base_url)
    except MissingCredentialsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with client:
        for result in client.search.multi(query=args.query).take(args.limit):
            print(describe(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
