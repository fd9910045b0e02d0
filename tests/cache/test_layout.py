"""Storage libraries are imported only by code that asks for their store."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("asyncio", "sqlite3", "redis")


def imported_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(done.stdout.split())


@pytest.mark.slow
@pytest.mark.parametrize(
    "code",
    [
        "import tmdbfusion",
        "import tmdbfusion._cache.steps, tmdbfusion._cache.keys, tmdbfusion._cache.policy",
        "import tmdbfusion.cache",
        "from tmdbfusion import TMDBClient; TMDBClient(api_key='k' * 32, cache='memory')",
    ],
)
def test_the_core_and_the_memory_cache_import_no_storage_library(code: str) -> None:
    assert imported_after(code) == set()


@pytest.mark.slow
def test_asking_for_a_store_imports_its_library() -> None:
    assert "sqlite3" in imported_after("from tmdbfusion.cache import SQLiteCache")
    assert "redis" in imported_after(
        "from tmdbfusion import TMDBClient; TMDBClient(api_key='k' * 32, cache='redis://127.0.0.1:1/0')"
    )
