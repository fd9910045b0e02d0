"""The testing guide's code runs: every ``py`` block of docs/guides/testing.md, under pytest.

The guide's blocks are complete pytest modules (or scripts); they are written to files and run by
pytest in a subprocess, the way a user would run them.  (They are fenced ``py`` rather than
``python`` because the docs test runs ``python`` blocks inside a respx mock of TMDB, which would
intercept the fake server's traffic.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guides" / "testing.md"
_BLOCK = re.compile(r"(?ms)^```py\n(.*?)^```\n")


def test_the_guide_has_code_for_both_ways() -> None:
    blocks = _BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    assert any("respx.mock" in block for block in blocks)
    assert any("Fault." in block for block in blocks)
    assert any("async with FakeTMDB()" in block for block in blocks)


@pytest.mark.slow
def test_every_block_of_the_guide_runs(tmp_path: Path) -> None:
    blocks = _BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    for number, block in enumerate(blocks, start=1):
        (tmp_path / f"test_guide_block_{number:02d}.py").write_text(block, encoding="utf-8")
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("TMDB_")
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error::ResourceWarning",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b(\d+) passed\b", result.stdout), result.stdout
