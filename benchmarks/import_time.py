"""Import time: ``import tmdbfusion`` vs ``import httpx, msgspec``; the first ``client.movies``.

Each sample is a fresh interpreter that times only the import statement (``time.perf_counter``
around it), so interpreter start-up, which both sides pay alike and which would flatter the ratio,
is left out.  The runs alternate between the statements; the figure is the median over runs of
the ratio of the two import times.
Bytecode is cached in a private ``PYTHONPYCACHEPREFIX`` directory warmed before timing, for both
sides alike, as an installed package would have it (``PYTHONDONTWRITEBYTECODE`` would otherwise
make tmdbfusion's modules compile from source on every run while httpx's came precompiled).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.report import Figure, at_most, compare, format_seconds
from benchmarks.timing import Samples, rotated

SECTION = "Import"

_TIME_STATEMENT = (
    "import time\nstart = time.perf_counter()\n{statement}\nprint(time.perf_counter() - start)\n"
)

_FIRST_ACCESS = (
    "import time\n"
    "from tmdbfusion import TMDBClient\n"
    "client = TMDBClient(api_key='benchmark-not-a-real-key')\n"
    "start = time.perf_counter()\n"
    "client.movies\n"
    "elapsed = time.perf_counter() - start\n"
    "client.close()\n"
    "print(elapsed)\n"
)

SDK = "import tmdbfusion"
BASELINE = "import httpx, msgspec"
FIRST_ACCESS = "first client.movies"


def _environment(pycache: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment["PYTHONPYCACHEPREFIX"] = str(pycache)
    return environment


def _seconds(script: str, environment: dict[str, str]) -> float:
    finished = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
    )
    return float(finished.stdout.strip().splitlines()[-1])


def measure(runs: int) -> Samples:
    """Seconds of each import statement and of the first ``client.movies`` access, per run."""
    scripts = {
        SDK: _TIME_STATEMENT.format(statement="import tmdbfusion"),
        BASELINE: _TIME_STATEMENT.format(statement="import httpx, msgspec"),
        FIRST_ACCESS: _FIRST_ACCESS,
    }
    with tempfile.TemporaryDirectory(prefix="tmdbfusion-bench-pycache-") as pycache:
        environment = _environment(Path(pycache))
        for script in scripts.values():  # compiles and caches the bytecode of both sides
            _seconds(script, environment)
        seconds: dict[str, list[float]] = {name: [] for name in scripts}
        for run_index in range(runs):
            for name in rotated(list(scripts), run_index):
                seconds[name].append(_seconds(scripts[name], environment))
    return Samples(seconds)


def run(runs: int) -> list[Figure]:
    """Time each statement ``runs`` times in fresh interpreters."""
    samples = measure(runs)
    first_access = samples.median(FIRST_ACCESS)
    return [
        compare(SECTION, f"{SDK} / {BASELINE}", samples, SDK, BASELINE, at_most(1.15)),
        Figure(
            SECTION,
            "first client.movies access (loads the movies resource and the models)",
            first_access * 1e3,
            None,
            format_seconds(first_access),
            unit="ms",
        ),
    ]
