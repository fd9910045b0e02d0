"""The fake TMDB's HTTP/1.1 plumbing: replies on the wire, the threaded server, its handler."""

from __future__ import annotations

import contextlib
import email.utils
import http.server
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from tmdbfusion._redact import redact_text
from tmdbfusion.testing._faults import JSON_TYPE, Fault
from tmdbfusion.testing._responses import usual_phrase

__all__ = ["STOP_TIMEOUT", "Exchange", "HTTPServer", "Reply", "RequestHandler", "json_reply"]

logger = logging.getLogger("tmdbfusion.testing")

#: Longest a server thread may take to finish once the server is stopping.
STOP_TIMEOUT = 5.0


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    # Whole seconds, like the Date header, so waits computed from it come out exact.
    date: int = field(default_factory=lambda: int(time.time()))

    def encode(self, *, keep_alive: bool) -> bytes:
        lines = [
            f"HTTP/1.1 {self.status} {usual_phrase(self.status)}",
            f"Date: {email.utils.formatdate(self.date, usegmt=True)}",
            f"Content-Type: {self.content_type}",
            f"Content-Length: {len(self.body)}",
        ]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if not keep_alive:
            lines.append("Connection: close")
        head = "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("latin-1") + self.body


def json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, msgspec.json.encode(value))


#: Records one request (method, target, headers, body) and works out its fault and reply.
Exchange = Callable[[str, str, Iterable[tuple[str, str]], bytes], tuple[Fault | None, Reply]]


class HTTPServer(http.server.ThreadingHTTPServer):
    """Keeps track of its connections and threads, so stopping leaves nothing behind."""

    # Clients open many connections at once under load; the default backlog of 5 would
    # make the kernel drop some and the clients wait a second before trying again.
    request_queue_size = 128
    daemon_threads = True
    block_on_close = False

    def __init__(
        self, address: tuple[str, int], exchange: Exchange, stopping: threading.Event
    ) -> None:
        super().__init__(address, RequestHandler)
        self.exchange = exchange
        # Set while the server stops: stalled answers wake up and give up.
        self.stopping = stopping
        self._connections: set[socket.socket] = set()
        self._connection_threads: set[threading.Thread] = set()
        self._tracking = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="FakeTMDB connection",
            daemon=True,
        )
        with self._tracking:
            self._connections.add(request)
            self._connection_threads = {
                known for known in self._connection_threads if known.is_alive()
            }
            self._connection_threads.add(thread)
        thread.start()

    def forget(self, connection: socket.socket) -> None:
        """Stop tracking a connection that is about to be closed."""
        with self._tracking:
            self._connections.discard(connection)

    def shutdown_request(self, request: Any) -> None:
        self.forget(request)
        super().shutdown_request(request)

    def stop_connections(self) -> None:
        """Wake every connection thread and wait until each has finished."""
        with self._tracking:
            # Under the lock no connection is being closed, so each socket is still open.
            for connection in self._connections:
                with contextlib.suppress(OSError):  # the client closed it already
                    connection.shutdown(socket.SHUT_RDWR)
            threads = list(self._connection_threads)
        deadline = time.monotonic() + STOP_TIMEOUT
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [thread for thread in threads if thread.is_alive()]
        if stuck:
            raise RuntimeError(f"{len(stuck)} fake TMDB connection thread(s) did not stop")

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-answer is normal here (timeouts, faults); not worth a traceback.
        logger.debug("fake TMDB connection ended with an error", exc_info=True)


class RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: HTTPServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        fault, reply = self.server.exchange(self.command, self.path, self.headers.items(), body)
        kind = fault.kind if fault is not None else None
        if kind == "reset":
            self._reset()
            return
        if kind == "stall" and fault is not None and self.server.stopping.wait(fault.seconds):
            self.close_connection = True
            return
        data = reply.encode(keep_alive=not self.close_connection)
        if kind == "reset_mid_body":
            self.wfile.write(data[: len(data) - len(reply.body) // 2])
            # Give the client time to start reading the body before the reset.
            self.server.stopping.wait(0.02)
            self._reset()
            return
        self.wfile.write(data)

    # The names http.server dispatches each method to.
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815

    def _reset(self) -> None:
        # With a zero linger time, closing sends RST instead of FIN: a reset connection.
        self.close_connection = True
        self.server.forget(self.connection)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fake TMDB: %s", redact_text(format % args))
