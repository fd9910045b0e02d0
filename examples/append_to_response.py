"""One request for a movie, its cast and its videos, with ``append_to_response``.

Each appended part arrives as a typed field of the same name on the result (``movie.credits``,
``movie.videos``), or None if TMDB left it out::

    python examples/append_to_response.py --movie-id 550
"""

from __future__ import annotations

import argparse
import sys

from tmdbfusion import TMDBClient
from tmdbfusion.exceptions import MissingCredentialsError


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="A movie with its cast and trailers.")
    parser.add_argument("--base-url", default="https://api.themoviedb.org", help="API host")
    parser.add_argument("--movie-id", type=int, default=550, help="TMDB id of a movie")
    parser.add_argument("--cast", type=int, default=5, help="how many cast members to show")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Print a movie, its top-billed cast and its YouTube trailers; return the exit status."""
    args = parse_args(argv)
    try:
        client = TMDBClient(base_url=args.base_url)
    except MissingCredentialsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with client:
        movie = client.movies.details(args.movie_id, append_to_response=["credits", "videos"])
    print(f"{movie.title} ({movie.release_date})")
    if movie.credits is not None:
        for member in movie.credits.cast[: args.cast]:
            print(f"  cast: {member.name} as {member.character}")
    if movie.videos is not None:
        for video in movie.videos.results:
            if video.site == "YouTube" and video.type == "Trailer":
                print(f"  trailer: {video.name}: https://www.youtube.com/watch?v={video.key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
