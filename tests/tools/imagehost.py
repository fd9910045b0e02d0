"""A tiny image host on 127.0.0.1: made-up image bytes at /t/p/{size}/{name}; counts requests."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def image_bytes(size: str, name: str) -> bytes:
    """Made-up image content, different for every size and name (and big enough to stream)."""
    seed = hashlib.sha256(f"{size}/{name}".encode()).digest()
    return b"\x89PNG\r\n\x1a\n" + seed * 3000


class ImageHost:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.missing: set[str] = set()
        self._lock = threading.Lock()
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with host._lock:
                    host.requests.append(self.path)
                parts = self.path.split("/")
                if len(parts) != 5 or parts[1:3] != ["t", "p"] or parts[4] in host.missing:
                    body, status = b"not found", 404
                else:
                    body, status = image_bytes(parts[3], parts[4]), 200
                self.send_response(status)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/t/p/"

    @contextmanager
    def running(self) -> Iterator[ImageHost]:
        thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()
