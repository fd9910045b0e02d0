"""A tiny HTTP/1.1 server on 127.0.0.1 that answers every request with scripted bytes.

:class:`tmdbfusion.testing.FakeTMDB` always sends a body in one piece with a correct
``Content-Length``; this one sends exactly the pieces it is given, with a short pause between
them, so a client sees a body arrive in several reads, without ``Content-Length``, or over TLS.
It runs in the test's own event loop (``async with ScriptedServer(...) as server``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from types import TracebackType

# Long enough for each piece to reach the client as its own read, short enough to be quick.
PIECE_GAP = 0.01


def response_head(status: int = 200, headers: dict[str, str] | None = None) -> bytes:
    """An HTTP/1.1 status line and headers, ending with the blank line."""
    lines = [f"HTTP/1.1 {status} Scripted"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


class ScriptedServer:
    """Answer each request with ``pieces``, sent one at a time, then close the connection.

    Parameters
    ----------
    pieces : list[bytes]
        The whole answer (head and body), split where the client should see separate reads.
    tls : ssl.SSLContext or None
        A server-side TLS context to serve HTTPS with.
    """

    def __init__(self, pieces: list[bytes], *, tls: ssl.SSLContext | None = None) -> None:
        self._pieces = pieces
        self._tls = tls
        self._server: asyncio.Server | None = None
        #: The request heads received (request line and headers), oldest first.
        self.heads: list[bytes] = []

    @property
    def url(self) -> str:
        """Base URL of the server, e.g. ``http://127.0.0.1:49152``."""
        assert self._server is not None, "use the server in an async with block"
        port = self._server.sockets[0].getsockname()[1]
        return f"{'https' if self._tls else 'http'}://127.0.0.1:{port}"

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._answer, "127.0.0.1", 0, ssl=self._tls)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            self.heads.append(await reader.readuntil(b"\r\n\r\n"))
            for number, piece in enumerate(self._pieces):
                if number:
                    await asyncio.sleep(PIECE_GAP)
                writer.write(piece)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away (e.g. it stopped reading at its size limit)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError):
                await writer.wait_closed()
