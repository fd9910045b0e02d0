"""Serve FakeTMDB from the command line: ``python -m tmdbfusion.testing --port 8765``.

It prints the URL to give clients (``TMDBClient("any-key", base_url=URL)``) and serves until
interrupted (Ctrl+C) or terminated.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from tmdbfusion.testing._server import FakeTMDB


def main(argv: Sequence[str] | None = None) -> int:
    """Run FakeTMDB until interrupted; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m tmdbfusion.testing",
        description="Serve a fake TMDB API on 127.0.0.1 with made-up, well-formed answers.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    parser.add_argument("--api-key", help="accept only this API key (default: any credential)")
    parser.add_argument("--total-pages", type=int, default=3, help="pages of each list endpoint")
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        fake = FakeTMDB(port=args.port, api_key=args.api_key, total_pages=args.total_pages)
        fake.start()
    except (OSError, ValueError) as error:
        print(f"cannot serve FakeTMDB on port {args.port}: {error}", file=sys.stderr)
        return 2
    try:
        print(f"FakeTMDB serving at {fake.url} (Ctrl+C stops it)", flush=True)
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
