"""Run the installed ``tmdbfusion`` console script as a subprocess against FakeTMDB."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tmdbfusion.testing import FAKE_API_KEY, FakeTMDB

BIN = Path(sys.executable).parent


def script(name: str = "tmdbfusion") -> str:
    """The console script installed beside this Python (``pip install -e .`` puts it there)."""
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"the {name} console script is not installed; run pip install -e '.[cli]'")
        return found
    return str(path)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without TMDB credentials, plus ``extra``; never a real key."""
    env = {k: v for k, v in os.environ.items() if k not in ("TMDB_API_KEY", "TMDB_ACCESS_TOKEN")}
    env.update(COLUMNS="120", NO_COLOR="1", **extra)
    return env


@pytest.fixture
def fake() -> Iterator[FakeTMDB]:
    with FakeTMDB() as server:
        yield server


@pytest.fixture
def cli(fake: FakeTMDB):  # type: ignore[no-untyped-def]
    """Run ``tmdbfusion --base-url <fake> ARGS``; returns the CompletedProcess."""

    def run(
        *args: str, credentials: bool = True, timeout: float = 30
    ) -> subprocess.CompletedProcess[str]:
        env = clean_env(TMDB_API_KEY=FAKE_API_KEY) if credentials else clean_env()
        return subprocess.run(
            [script(), "--base-url", fake.url, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    return run


@pytest.fixture
def main(fake: FakeTMDB, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the same command line in this process (quicker than a subprocess): (code, out, err)."""
    from tmdbfusion.cli import main as cli_main

    monkeypatch.delenv("TMDB_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("TMDB_API_KEY", FAKE_API_KEY)
    monkeypatch.setenv("COLUMNS", "120")
    # Plain text unless a test asks for a terminal (a CI runner may force colours).
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = cli_main(["--base-url", fake.url, *args])
        except SystemExit as exit:  # argparse's usage errors
            code = int(exit.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def flat(text: str) -> str:
    """``text`` with every run of whitespace one space: rich wraps long messages at the width."""
    return " ".join(text.split())


def last_line(text: str) -> str:
    """The last non-blank line, without trailing spaces (argparse's error line, for one)."""
    return [line.rstrip() for line in text.splitlines() if line.strip()][-1]


@pytest.fixture
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in ``tmp_path``: what a command writes to a relative path (or a mutant) lands there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
