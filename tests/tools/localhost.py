"""A small HTTP host on 127.0.0.1 whose every GET a test answers its own way (redirects, stalls)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Answer = Callable[[http.server.BaseHTTPRequestHandler], None]


@contextmanager
def serving(answer: Answer) -> Iterator[tuple[str, list[str]]]:
    """Serve every GET with ``answer``; yields the host's URL and the paths asked for, in order."""
    paths: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            paths.append(self.path)
            answer(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", paths
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def send(
    handler: http.server.BaseHTTPRequestHandler, status: int, body: bytes, **headers: str
) -> None:
    """Answer with ``status``, ``body`` and ``headers`` (``Content_Type=`` for Content-Type)."""
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def redirect_to(base_url: str) -> Answer:
    """An answer moving every request to the same last path segment under ``base_url``."""

    def moved(handler: http.server.BaseHTTPRequestHandler) -> None:
        send(handler, 301, b"", Location=f"{base_url.rstrip('/')}/{handler.path.rsplit('/', 1)[1]}")

    return moved
