"""The sharded-harvest recipe: real processes share a real redis-server's cache and rate budget.

How closely a shared budget holds its rate is measured in tests/cache/test_shared_pacing.py; here
the recipe runs as documented, its shards pacing through one ``RedisPacingBudget``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tmdbfusion.testing import FAKE_API_KEY, FakeTMDB

from ..cache.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "examples" / "sharded_harvest.py"
SHARDS = 4
pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def _run_shards(fake: FakeTMDB, redis_url: str, ids: Path, out: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TMDB_ACCESS_TOKEN",)}
    env["TMDB_API_KEY"] = FAKE_API_KEY
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                str(RECIPE),
                "--base-url",
                fake.url,
                "--ids-file",
                str(ids),
                "--shard",
                f"{k}/{SHARDS}",
                "--redis",
                redis_url,
                "--rate",
                "200",
                "--out",
                str(out / f"movies-{k}.jsonl"),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(1, SHARDS + 1)
    ]
    printed = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        printed.append(stdout.strip())
    return printed


def test_shards_split_the_ids_and_share_the_redis_cache(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    wanted = list(range(1, 81))
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"{i}\n" for i in wanted))
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    with FakeTMDB() as fake:
        printed = _run_shards(fake, redis_server.url, ids, first)
        asked = sorted(
            int(r.path_params["movie_id"])
            for r in fake.requests
            if r.route == "/3/movie/{movie_id}"
        )
        assert asked == wanted  # every id asked once, by exactly one shard
        assert printed == [
            f"shard {k}/{SHARDS}: wrote 20, skipped 0, cache hits 0" for k in range(1, SHARDS + 1)
        ]
        for k in range(1, SHARDS + 1):
            part = [
                json.loads(line)["id"]
                for line in (first / f"movies-{k}.jsonl").read_text().splitlines()
            ]
            assert sorted(part) == [i for i in wanted if i % SHARDS == k - 1]

        # A second harvest into new files: every answer comes from the shared Redis cache.
        fake.reset()
        printed = _run_shards(fake, redis_server.url, ids, second)
        assert [r for r in fake.requests if r.route == "/3/movie/{movie_id}"] == []
        assert printed == [
            f"shard {k}/{SHARDS}: wrote 20, skipped 0, cache hits 20" for k in range(1, SHARDS + 1)
        ]
    merged = sorted(
        json.loads(line)["id"]
        for part in sorted(second.glob("movies-*.jsonl"))
        for line in part.read_text().splitlines()
    )
    assert merged == wanted
