"""Quickstart: a movie's details and a search, with the blocking client.

Reads your credentials from the TMDB_ACCESS_TOKEN (or TMDB_API_KEY) environment variable::

    python examples/quickstart.py --movie-id 11 --query "Fight Club"
"""

from __future__ import annotations

import argparse
import sys

from tmdbfusion import TMDBClient
from tmdbfusion.exceptions import MissingCredentialsError


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="A movie's details and a search.")
    parser.add_argument("--base-url", default="https://api.themoviedb.org", help="API host")
    parser.add_argument("--movie-id", type=int, default=11, help="TMDB id of a movie")
    parser.add_argument("--query", default="Fight Club", help="title to search for")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Print one movie and the first three search results; return the exit status."""
    args = parse_args(argv)
    try:
        client = TMDBClient(base_url=args.base_url)
    except MissingCredentialsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with client:
        movie = client.movies.details(args.movie_id)
        genres = ", ".join(genre.name for genre in movie.genres)
        print(f"{movie.title} ({movie.release_date}), {movie.runtime} min: {genres}")
        for result in client.search.movie(query=args.query).take(3):
            print(f"found {result.id}: {result.title} ({result.release_date})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
