"""The attempt deadline's wrappers: each socket operation gets what is left, or fails at once.

The sync client's pools only ever connect over TCP, so the other operations of httpcore's
network interface (Unix sockets, TLS on a stream, the backend's sleep) are checked here directly,
against httpcore's real backend and a recording stand-in.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpcore
import pytest

from tmdbfusion._deadline import _DeadlineBackend, _DeadlineStream, attempt_deadline


class RecordingStream(httpcore.NetworkStream):
    """Records each call and the timeout it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.calls.append(("read", (max_bytes, timeout)))
        return b"data"

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.calls.append(("write", (buffer, timeout)))

    def close(self) -> None:
        self.calls.append(("close", ()))

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        self.calls.append(("start_tls", (ssl_context, server_hostname, timeout)))
        return RecordingStream()

    def get_extra_info(self, info: str) -> Any:
        self.calls.append(("get_extra_info", (info,)))
        return f"info:{info}"


class RecordingBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.stream = RecordingStream()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        self.calls.append(("connect_tcp", (host, port, timeout, local_address, socket_options)))
        return self.stream

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        self.calls.append(("connect_unix_socket", (path, timeout, socket_options)))
        return self.stream

    def sleep(self, seconds: float) -> None:
        self.calls.append(("sleep", (seconds,)))


OPTIONS = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


def test_outside_an_attempt_every_call_passes_through_with_its_own_timeout() -> None:
    backend = RecordingBackend()
    wrapped = _DeadlineBackend(backend)
    stream = wrapped.connect_unix_socket("/run/tmdb.sock", 7.0, OPTIONS)
    assert isinstance(stream, _DeadlineStream)
    assert wrapped.connect_tcp("127.0.0.1", 8080, 6.0, "127.0.0.2", OPTIONS) is not None
    wrapped.sleep(0.25)
    assert backend.calls == [
        ("connect_unix_socket", ("/run/tmdb.sock", 7.0, OPTIONS)),
        ("connect_tcp", ("127.0.0.1", 8080, 6.0, "127.0.0.2", OPTIONS)),
        ("sleep", (0.25,)),
    ]
    tls = stream.start_tls("context", "api.themoviedb.org", 5.0)
    assert isinstance(tls, _DeadlineStream)
    assert stream.read(10, 4.0) == b"data"
    stream.write(b"GET", 3.0)
    assert stream.get_extra_info("ssl_object") == "info:ssl_object"
    stream.close()
    assert backend.stream.calls == [
        ("start_tls", ("context", "api.themoviedb.org", 5.0)),
        ("read", (10, 4.0)),
        ("write", (b"GET", 3.0)),
        ("get_extra_info", ("ssl_object",)),
        ("close", ()),
    ]


def test_inside_an_attempt_each_operation_gets_at_most_what_is_left() -> None:
    backend = RecordingBackend()
    wrapped = _DeadlineBackend(backend)
    with attempt_deadline(2.0):
        stream = wrapped.connect_unix_socket("/run/tmdb.sock", 30.0)
        stream.start_tls("context", "api.themoviedb.org", None)
        stream.read(1, 0.5)  # its own timeout is shorter than what is left: kept
    (_, (path, unix_timeout, options)) = backend.calls[0]
    assert (path, options) == ("/run/tmdb.sock", None)
    assert 1.5 < unix_timeout <= 2.0
    (_, (context, hostname, tls_timeout)), (_, read_args) = backend.stream.calls
    assert (context, hostname) == ("context", "api.themoviedb.org")
    assert 1.5 < tls_timeout <= 2.0  # None becomes what is left
    assert read_args == (1, 0.5)


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        (lambda backend, stream: backend.connect_unix_socket("/run/tmdb.sock"), "ConnectTimeout"),
        (lambda backend, stream: backend.connect_tcp("127.0.0.1", 80), "ConnectTimeout"),
        (lambda backend, stream: stream.start_tls("context", "host"), "ConnectTimeout"),
        (lambda backend, stream: stream.read(1), "ReadTimeout"),
        (lambda backend, stream: stream.write(b"x"), "WriteTimeout"),
    ],
    ids=["unix", "tcp", "tls", "read", "write"],
)
def test_an_operation_starting_after_the_deadline_fails_at_once_with_its_timeout_error(
    operation: Any, error: str
) -> None:
    backend = RecordingBackend()
    wrapped = _DeadlineBackend(backend)
    stream = _DeadlineStream(backend.stream)
    with attempt_deadline(0.0), pytest.raises(httpcore.TimeoutException) as caught:
        operation(wrapped, stream)
    assert type(caught.value).__name__ == error
    assert str(caught.value) == "the whole attempt took longer than timeout=0.0 s"
    assert backend.calls == [] and backend.stream.calls == []  # nothing reached the socket


def test_the_backend_really_sleeps() -> None:
    wrapped = _DeadlineBackend(httpcore.SyncBackend())
    started = time.monotonic()
    wrapped.sleep(0.05)
    assert time.monotonic() - started >= 0.05


class _Trickle(socketserver.StreamRequestHandler):
    """Answers one HTTP request; with a stall, sends the body a byte every 0.2 s."""

    stall = False

    def handle(self) -> None:
        while self.rfile.readline() not in (b"\r\n", b""):
            pass
        body = b'{"id":550}'
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
        try:
            for byte in body:
                if self.stall:
                    time.sleep(0.2)
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        except BrokenPipeError:
            pass  # the client gave up at its deadline, as it should


@pytest.fixture
def unix_server(tmp_path: Path) -> Iterator[tuple[str, type[_Trickle]]]:
    path = str(tmp_path / "tmdb.sock")

    class Handler(_Trickle):
        pass

    server = socketserver.ThreadingUnixStreamServer(path, Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield path, Handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_real_unix_socket_connection_answers_and_honours_the_deadline(
    unix_server: tuple[str, type[_Trickle]],
) -> None:
    path, handler = unix_server
    backend = _DeadlineBackend(httpcore.SyncBackend())
    with httpcore.ConnectionPool(uds=path, network_backend=backend) as pool:
        with attempt_deadline(5.0):
            response = pool.request("GET", "http://localhost/3/movie/550")
        assert (response.status, response.content) == (200, b'{"id":550}')
    handler.stall = True
    with httpcore.ConnectionPool(uds=path, network_backend=backend) as pool:
        started = time.monotonic()
        with attempt_deadline(0.5), pytest.raises(httpcore.ReadTimeout):
            pool.request("GET", "http://localhost/3/movie/550")
        assert time.monotonic() - started < 1.5  # the body alone would take 2 s
