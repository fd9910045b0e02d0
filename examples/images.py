"""Image URLs: turn the file paths in responses into links, in the sizes TMDB serves.

The sizes and base URL TMDB publishes are built in; ``--refresh`` asks TMDB's ``/configuration``
for the current ones first::

    python examples/images.py --movie-id 550 --refresh
"""

from __future__ import annotations

import argparse
import sys

from tmdbfusion import TMDBClient
from tmdbfusion.exceptions import MissingCredentialsError


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Poster, backdrop and image URLs of a movie.")
    parser.add_argument("--base-url", default="https://api.themoviedb.org", help="API host")
    parser.add_argument("--movie-id", type=int, default=550, help="TMDB id of a movie")
    parser.add_argument("--refresh", action="store_true", help="fetch TMDB's image configuration")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Print image URLs of one movie; return the exit status."""
    args = parse_args(argv)
    try:
        client = TMDBClient(base_url=args.base_url)
    except MissingCredentialsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with client:
        if args.refresh:
            client.images.refresh()
        images = client.images
        print(f"poster sizes: {', '.join(images.sizes('poster'))}")
        movie = client.movies.details(args.movie_id)
        print(f"{movie.title}")
        print(f"  poster (w342): {images.poster_url(movie.poster_path, size='w342')}")
        print(f"  backdrop (w1280): {images.backdrop_url(movie.backdrop_path)}")
        gallery = client.movies.images(args.movie_id)
        for poster in gallery.posters[:3]:
            print(f"  poster (original): {images.poster_url(poster.file_path, size='original')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
