"""nginx on 127.0.0.1 serving TMDB's example bodies: a fast server that is not Python.

Per-request and throughput figures compare clients, so the server must cost little and must not
share the client's interpreter.  nginx (Debian's ``nginx`` package; ``nox -s bench`` installs it
when missing) runs one worker on a free port from a temporary directory holding the bodies, each
also precompressed with gzip so the server spends nothing compressing (``gzip_static``), as
TMDB's CDN serves them compressed.  It answers ``/3/movie/popular`` with the popular page,
``/3/movie/<id>`` with the movie details example and anything else with TMDB's 404 body, over
kept-alive connections.  On stop the harness reports how many requests nginx served (its
``stub_status`` page, whose own requests are subtracted) and the CPU time its worker spent.
"""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

NOT_FOUND = (
    b'{"success":false,"status_code":34,"status_message":"The resource you requested could not '
    b'be found."}'
)

_CONFIG = """\
worker_processes 1;
daemon off;
master_process on;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
    gzip_static on;
    gzip_vary on;
    etag off;
    server_tokens off;
    default_type "application/json;charset=utf-8";
    types {{ }}
    server {{
        listen 127.0.0.1:{port} backlog=4096 reuseport;
        root {root}/www;
        error_page 404 /not_found.json;
        location = /not_found.json {{ internal; }}
        location = /nginx_status {{ stub_status; }}
        location = /3/movie/popular {{ try_files /popular.json =404; }}
        location ~ "^/3/movie/[0-9]+$" {{ try_files /movie.json =404; }}
        location / {{ return 404; }}
    }}
}}
"""


@dataclass(frozen=True)
class Bodies:
    """The bodies served: the movie details example and the popular movies page."""

    movie_details: bytes
    popular_movies: bytes


@dataclass
class ServerStats:
    """What the server reported when stopped."""

    requests: int = 0
    cpu_seconds: float = 0.0

    @property
    def cpu_per_request(self) -> float:
        """Server CPU seconds per request served."""
        return self.cpu_seconds / self.requests if self.requests else 0.0


def nginx_binary() -> str | None:
    """Path of the nginx executable, or None when it is not installed."""
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _write_site(root: Path, bodies: Bodies, port: int) -> None:
    www = root / "www"
    www.mkdir()
    (root / "tmp").mkdir()
    for name, body in (
        ("movie.json", bodies.movie_details),
        ("popular.json", bodies.popular_movies),
        ("not_found.json", NOT_FOUND),
    ):
        (www / name).write_bytes(body)
        (www / f"{name}.gz").write_bytes(gzip.compress(body, 6, mtime=0))
    (root / "nginx.conf").write_text(_CONFIG.format(root=root, port=port), encoding="utf-8")
    # nginx started as root serves from unprivileged workers; they must read the site.
    for path in (root, www, *www.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _worker_cpu_seconds(master_pid: int) -> float:
    """User plus system CPU of the master's children (the worker), from /proc."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _served(base_url: str) -> int:
    """Requests served so far, not counting this status request."""
    with urllib.request.urlopen(f"{base_url}/nginx_status", timeout=5) as reply:
        lines = reply.read().decode().splitlines()
    return int(lines[2].split()[2]) - 1


def _wait_until_listening(child: subprocess.Popen[bytes], port: int, root: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if child.poll() is not None:
            log = (root / "error.log").read_text(errors="replace") if root.exists() else ""
            raise RuntimeError(f"nginx exited before it started listening: {log.strip()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("nginx did not start listening within 10 s")


@contextmanager
def running_nginx(bodies: Bodies) -> Iterator[tuple[str, ServerStats]]:
    """Run nginx on a free port; yield its base URL and the stats it reports on exit.

    Raises
    ------
    RuntimeError
        When nginx is not installed or does not start.
    """
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed; `apt-get install -y nginx` (nox -s bench does)")
    with tempfile.TemporaryDirectory(prefix="tmdbfusion-bench-") as directory:
        root = Path(directory)
        port = _free_port()
        _write_site(root, bodies, port)
        child = subprocess.Popen(
            [binary, "-p", str(root), "-c", str(root / "nginx.conf")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        stats = ServerStats()
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_listening(child, port, root)
            served_before = _served(base_url)
            cpu_before = _worker_cpu_seconds(child.pid)
            yield base_url, stats
            stats.requests = _served(base_url) - served_before - 1
            stats.cpu_seconds = _worker_cpu_seconds(child.pid) - cpu_before
        finally:
            child.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            assert child.stderr is not None
            child.stderr.close()
