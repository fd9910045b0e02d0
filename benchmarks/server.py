"""A small, fast HTTP/1.1 server on 127.0.0.1 answering with canned JSON, in its own process.

Per-request figures compare clients, so the server must cost little and must not share the
client's interpreter: it is a bare ``asyncio.Protocol`` (no framework, responses prebuilt as
bytes) running in a child process, with keep-alive, so each client reuses its connections unless
it asks to close them.  It reads request heads only (the benchmarks send no bodies) and answers
``/3/movie/popular`` with the popular page and ``/3/movie/<id>`` with the movie details example;
anything else gets TMDB's 404 body.  On stop it reports how many requests it served and the CPU
time it spent, so the benchmarks can show the server was not the bottleneck.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

import msgspec

_NOT_FOUND = (
    b'{"success":false,"status_code":34,"status_message":"The resource you requested could not '
    b'be found."}'
)
_MOVIE = re.compile(rb"/3/movie/[0-9]+")
_END_OF_HEAD = b"\r\n\r\n"


def _response(status: bytes, body: bytes, *, close: bool) -> bytes:
    connection = b"Connection: close\r\n" if close else b""
    return (
        b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json;charset=utf-8\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n" + connection + b"\r\n" + body
    )


class Routes(msgspec.Struct, frozen=True):
    """The bodies served: the movie details example and the popular movies page."""

    movie_details: bytes
    popular_movies: bytes

    def resolve(self, path: bytes) -> tuple[bytes, bytes, bytes]:
        """Route name, status line and body for a request path (without its query string)."""
        if path == b"/3/movie/popular":
            return path, b"200 OK", self.popular_movies
        if _MOVIE.fullmatch(path):
            return b"/3/movie/{id}", b"200 OK", self.movie_details
        return b"not found", b"404 Not Found", _NOT_FOUND


class _Connection(asyncio.Protocol):
    """One client connection: parse request heads, answer each, keep the connection open."""

    def __init__(self, server: _Server) -> None:
        self._server = server
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while self._transport is not None:
            end = self._buffer.find(_END_OF_HEAD)
            if end < 0:
                return
            head, self._buffer = self._buffer[:end], self._buffer[end + len(_END_OF_HEAD) :]
            request_line, _, headers = head.partition(b"\r\n")
            target = request_line.split(b" ", 2)[1] if request_line.count(b" ") >= 2 else b""
            close = b"connection: close" in headers.lower()
            self._transport.write(self._server.respond(target.split(b"?", 1)[0], close=close))
            if close:
                self._transport.close()
                self._transport = None

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None


class _Server:
    """Prebuilt responses and the count of requests served."""

    def __init__(self, routes: Routes) -> None:
        self._routes = routes
        self._prebuilt: dict[tuple[bytes, bool], bytes] = {}
        self.served = 0

    def respond(self, path: bytes, *, close: bool) -> bytes:
        """The whole response to a request for ``path``, built once per route."""
        self.served += 1
        route, status, body = self._routes.resolve(path)
        response = self._prebuilt.get((route, close))
        if response is None:
            response = self._prebuilt[route, close] = _response(status, body, close=close)
        return response


async def _serve_until_stopped(routes: Routes, control_in: BinaryIO, control_out: TextIO) -> None:
    loop = asyncio.get_running_loop()
    state = _Server(routes)
    server = await loop.create_server(
        lambda: _Connection(state), "127.0.0.1", 0, backlog=1024, reuse_address=True
    )
    stopped: asyncio.Future[None] = loop.create_future()

    def stop() -> None:
        if not stopped.done():
            stopped.set_result(None)

    loop.add_reader(control_in.fileno(), stop)
    cpu_at_start = time.process_time()
    print(server.sockets[0].getsockname()[1], file=control_out, flush=True)
    await stopped  # the parent wrote "stop" or went away
    loop.remove_reader(control_in.fileno())
    print(state.served, time.process_time() - cpu_at_start, file=control_out, flush=True)
    server.close()
    await server.wait_closed()


def main() -> None:
    """Serve the bodies read from stdin until told to stop; print the port, then the stats."""
    size = int(sys.stdin.buffer.readline())
    routes = msgspec.msgpack.decode(sys.stdin.buffer.read(size), type=Routes)
    asyncio.run(_serve_until_stopped(routes, sys.stdin.buffer, sys.stdout))


@dataclass
class ServerStats:
    """What the server reported when stopped."""

    requests: int = 0
    cpu_seconds: float = 0.0

    @property
    def cpu_per_request(self) -> float:
        """Server CPU seconds per request served."""
        return self.cpu_seconds / self.requests if self.requests else 0.0


@contextmanager
def running_server(routes: Routes) -> Iterator[tuple[str, ServerStats]]:
    """Run the server in a child process; yield its base URL and the stats it reports on exit."""
    encoded = msgspec.msgpack.encode(routes)
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server"],
        cwd=Path(__file__).resolve().parent.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=False,
    )
    assert child.stdin is not None and child.stdout is not None
    stats = ServerStats()
    try:
        child.stdin.write(b"%d\n" % len(encoded) + encoded)
        child.stdin.flush()
        port_line = child.stdout.readline()
        if not port_line:
            raise RuntimeError("the benchmark server exited before it started listening")
        yield f"http://127.0.0.1:{int(port_line)}", stats
        child.stdin.write(b"stop\n")
        child.stdin.flush()
        served, cpu_seconds = child.stdout.readline().split()
        stats.requests, stats.cpu_seconds = int(served), float(cpu_seconds)
    finally:
        child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        child.stdout.close()


if __name__ == "__main__":
    main()
