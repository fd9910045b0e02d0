"""Fetch many movies at once with the asyncio client, at most N requests in flight.

A semaphore bounds the requests this program has open, and the client's connection pool is sized
to match, so a long list of ids never turns into a burst TMDB answers with HTTP 429::

    python examples/async_concurrent.py 11 550 603 680 13 --concurrency 4
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from tmdbfusion import AsyncTMDBClient
from tmdbfusion.exceptions import MissingCredentialsError, NotFoundError
from tmdbfusion.models import MovieDetails


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Fetch many movies concurrently.")
    parser.add_argument("movie_ids", type=int, nargs="*", default=[11, 550, 603, 680, 13])
    parser.add_argument("--base-url", default="https://api.themoviedb.org", help="API host")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="most requests in flight at once"
    )
    return parser.parse_args(argv)


async def fetch_movies(
    client: AsyncTMDBClient, movie_ids: list[int], concurrency: int
) -> list[MovieDetails | None]:
    """Fetch every movie, ``concurrency`` at a time; None for ids TMDB does not know."""
    semaphore = asyncio.Semaphore(concurrency)

    async def fetch(movie_id: int) -> MovieDetails | None:
        async with semaphore:
            try:
                return await client.movies.details(movie_id)
            except NotFoundError:
                return None

    # gather keeps the order of the ids, whatever order the answers arrive in.
    return await asyncio.gather(*(fetch(movie_id) for movie_id in movie_ids))


async def run(args: argparse.Namespace) -> int:
    """Fetch and print the movies; return the exit status."""
    try:
        client = AsyncTMDBClient(base_url=args.base_url, max_connections=args.concurrency)
    except MissingCredentialsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    async with client:
        movies = await fetch_movies(client, args.movie_ids, args.concurrency)
    for movie_id, movie in zip(args.movie_ids, movies, strict=True):
        if movie is None:
            print(f"{movie_id}: not found")
        else:
            print(f"{movie_id}: {movie.title} ({movie.release_date})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the example; return the exit status."""
    args = parse_args(argv)
    if args.concurrency < 1:
        print("error: --concurrency must be 1 or more", file=sys.stderr)
        return 2
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
