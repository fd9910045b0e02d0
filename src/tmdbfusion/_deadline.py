"""A deadline for each sync attempt as a whole: connect, TLS, send and reads within ``timeout``.

httpx bounds each socket operation by its own timeout, so a server that trickles a byte just
inside the read timeout could hold a call for ever.  The async client wraps the attempt in
``asyncio.wait_for``; a blocking call cannot be interrupted that way, so instead every socket
operation of the attempt is given what is left of the attempt's deadline as its timeout, and one
that starts after the deadline fails at once.  No thread, no signal: the connection fails as on
any timeout and httpcore closes it.

The deadline is a context variable set around the attempt by :func:`attempt_deadline`, so every
thread (and context) has its own; outside an attempt the wrapped streams behave as httpcore's.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar(
    "tmdbfusion_attempt_deadline", default=None
)


@contextlib.contextmanager
def attempt_deadline(timeout: float) -> Iterator[None]:
    """Bound every socket operation inside the block by what is left of ``timeout`` seconds."""
    token = _DEADLINE.set((time.monotonic() + timeout, timeout))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _bounded(timeout: float | None, error: type[httpcore.TimeoutException]) -> float | None:
    """The timeout for one socket operation: its own, or what is left of the attempt if less."""
    current = _DEADLINE.get()
    if current is None:
        return timeout
    deadline, whole = current
    left = deadline - time.monotonic()
    if left <= 0:
        raise error(f"the whole attempt took longer than timeout={whole} s")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """httpcore's socket stream, each operation bounded by the attempt's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Opens connections whose streams honour the attempt's deadline."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, bounded, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def bound_attempts(client: httpx.Client) -> bool:
    """Give the connection pools of a client the SDK created deadline-bounded sockets.

    Every transport httpx made for it is covered, the proxies it found in the environment
    included.  httpx has no public hook for a network backend, so this reaches into its
    transports; with a layout it does not know it leaves them as they are (each read is then
    still bounded, and the attempt checked between reads).

    Returns
    -------
    bool
        Whether every transport was covered.
    """
    transports = [client._transport, *(t for t in client._mounts.values() if t is not None)]
    covered = True
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, _DeadlineBackend):
            continue
        if not isinstance(pool, httpcore.ConnectionPool) or backend is None:
            covered = False
            continue
        pool._network_backend = _DeadlineBackend(backend)
    return covered
