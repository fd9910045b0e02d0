"""The ``tmdbfusion`` (also ``tmdbf``) command line: look-ups, harvests, exports, changes, images.

Install with the ``cli`` extra (``pip install 'tmdbfusion-sdk[cli]'``); run ``tmdbfusion -h``.
The exit codes are listed in :mod:`tmdbfusion.cli._app` and ``docs/guides/cli.md``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (``sys.argv[1:]`` by default); returns the exit code."""
    try:
        import rich  # noqa: F401 - only to tell a missing extra apart
    except ImportError:
        sys.stderr.write(
            "error: the tmdbfusion command line needs its extra: "
            "pip install 'tmdbfusion-sdk[cli]'\n"
        )
        return 2
    from tmdbfusion.cli._app import run

    return run(argv)
