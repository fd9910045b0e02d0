"""A hang fails its test with a traceback instead of stalling the whole suite.

The suite runs with pytest-timeout (``--timeout`` in pyproject's ``addopts``).  The
proof is a deliberately endless page walk (a server that never answers the request for
page 2), run by pytest in a subprocess under the project's own configuration: it must fail
with a timeout, quickly, and let the next test run.  (A server that echoes page 1 to every
request no longer makes a walk endless: the next page number comes from the one asked for.)
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ENDLESS_WALKS = '''
import asyncio
import time

from tmdbfusion.pagination import AsyncPage, SyncPage


class Page:
    """Page 1 of 2."""

    page = 1
    total_pages = 2
    total_results = 40
    results = list(range(20))


def never_answers(number):
    time.sleep(3600)
    return Page()


def test_endless_sync_walk():
    for _ in SyncPage(Page(), never_answers):
        pass


def test_endless_async_walk():
    async def fetch(number):
        await asyncio.sleep(3600)
        return Page()

    async def walk():
        async for _ in AsyncPage(Page(), fetch):
            pass

    asyncio.run(walk())


def test_after_the_hangs():
    assert True
'''


def test_the_default_run_has_a_per_test_timeout(request: pytest.FixtureRequest) -> None:
    addopts = " ".join(request.config.getini("addopts"))
    found = re.search(r"--timeout[= ](\d+(?:\.\d+)?)", addopts)
    assert found, f"pyproject's pytest addopts set no --timeout: {addopts!r}"
    # Long enough for the slowest legitimate test (seconds), short enough to fail a hang in CI.
    assert 10 <= float(found.group(1)) <= 120
    # The plugin is installed, and this run has a timeout (the configured one, or one given).
    assert request.config.getoption("timeout") > 0


def test_an_endless_page_walk_fails_within_the_timeout(tmp_path: Path) -> None:
    test_file = tmp_path / "test_endless_walk.py"
    test_file.write_text(textwrap.dedent(ENDLESS_WALKS), encoding="utf-8")
    seconds = 2
    started = time.monotonic()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            # The project's configuration (addopts, warnings as errors), with a shorter timeout.
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            "-p",
            "no:cacheprovider",
            f"--timeout={seconds}",
            str(test_file),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    # Each walk fails on its own; the suite goes on to the next test.
    assert "2 failed, 1 passed" in output, output
    # The summary names each walk and why it failed (the line is cut to the terminal's width).
    lines = output.splitlines()
    for name in ("test_endless_sync_walk", "test_endless_async_walk"):
        summary = f"FAILED test_endless_walk.py::{name} - Failed: Timeout"
        assert any(line.startswith(summary) for line in lines), output
    message = f"Failed: Timeout (>{seconds}.0s) from pytest-timeout."
    assert sum(line.startswith("E ") and line.endswith(message) for line in lines) == 2, output
    # The traceback points into the walk, where the time went.
    assert re.search(r"src/tmdbfusion/pagination\.py:\d+", output), output
    # Two 2-second timeouts plus interpreter start-up; generous for a shared machine.
    assert elapsed < 60, f"took {elapsed:.1f}s"
