r"""One harvest split across processes (or machines) that share a Redis cache and rate budget.

Start one process per shard with the same ids, Redis and total rate; shard K of N takes the ids
with ``id % N == K - 1``, so the shards never overlap, and each writes its own dataset (resumable
on its own: rerun a shard that stopped).  All of them send through one
``tmdbfusion.RedisPacingBudget``, so together they stay under ``--rate`` requests a second, and
share one response cache, so a shard redoing work (or a second harvest) is served from Redis::

    for k in 1 2 3 4; do
        python examples/sharded_harvest.py --ids-file ids.txt --shard $k/4 --rate 40 \
            --redis redis://127.0.0.1:6379/0 --out movies-$k.jsonl &
    done; wait
    cat movies-*.jsonl > movies.jsonl

``--per-process-rate`` paces each process alone at ``rate / N`` instead (no shared budget).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from tmdbfusion import RedisPacingBudget, TMDBClient, bulk
from tmdbfusion.exceptions import MissingCredentialsError


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Harvest one shard of the ids.")
    parser.add_argument("--base-url", default="https://api.themoviedb.org", help="API host")
    parser.add_argument("--ids-file", help="one movie id a line (default: --ids)")
    parser.add_argument("--ids", default="550,13,680,155", help="comma-separated movie ids")
    parser.add_argument("--shard", default="1/1", help="K/N: this process takes shard K of N")
    parser.add_argument("--redis", help="redis:// URL of the shared cache and rate budget")
    parser.add_argument("--rate", type=float, default=40.0, help="requests a second, all shards")
    parser.add_argument("--per-process-rate", action="store_true", help="no shared budget")
    parser.add_argument("--out", default="movies-1.jsonl", help="this shard's dataset")
    return parser.parse_args(argv)


def shard_ids(args: argparse.Namespace, k: int, n: int) -> Iterator[int]:
    """The ids of shard K of N, read lazily."""
    if args.ids_file:
        with open(args.ids_file, encoding="utf-8") as file:
            lines = [line.strip() for line in file]
    else:
        lines = args.ids.split(",")
    for line in lines:
        if line and int(line) % n == k - 1:
            yield int(line)


def pacing_options(args: argparse.Namespace, shards: int) -> dict[str, Any]:
    """One budget in Redis for every shard; else each process paces alone at its share."""
    if args.redis and not args.per_process_rate:
        return {"pacing": RedisPacingBudget(args.redis, rate=args.rate)}
    return {"rate_limit": args.rate / shards}


def main(argv: list[str] | None = None) -> int:
    """Harvest this shard; print what it wrote; return the exit status."""
    args = parse_args(argv)
    k, _, n = args.shard.partition("/")
    shard, shards = int(k), int(n)
    try:
        client = TMDBClient(
            base_url=args.base_url, cache=args.redis, **pacing_options(args, shards)
        )
    except MissingCredentialsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with client:
        report = bulk.harvest(client.movies.details, shard_ids(args, shard, shards), args.out)
        hits = client.cache.stats().hits if args.redis else 0
    print(
        f"shard {shard}/{shards}: wrote {report.written}, skipped {report.skipped}, "
        f"cache hits {hits}"
    )
    return 0 if report.complete else 1


if __name__ == "__main__":
    sys.exit(main())
