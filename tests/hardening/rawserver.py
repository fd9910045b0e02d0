"""A raw-socket HTTP server on 127.0.0.1 that answers every request with a scripted stream."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from types import TracebackType

Script = Callable[[], Iterator[bytes]]


class RawServer:
    """Answers each connection with the bytes ``script()`` yields (headers included)."""

    def __init__(self, script: Script, tls: ssl.SSLContext | None = None) -> None:
        self.script = script
        self.tls = tls
        self.requests = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self._sock.getsockname()[1]}"

    def _serve(self) -> None:
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
        except OSError:
            conn.close()
            return
        with conn:
            try:
                conn.recv(65536)
                self.requests += 1
                for part in self.script():
                    if self._stop.is_set():
                        return
                    conn.sendall(part)
            except OSError:
                return

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()


def headers(extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n{extra}\r\n"
    ).encode()
