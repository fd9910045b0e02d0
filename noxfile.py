"""Developer sessions: ``nox`` runs lint, typecheck, tests, check-generated and docs."""

from __future__ import annotations

import os
import shutil
import subprocess

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "tests", "check-generated", "docs"]
nox.options.reuse_existing_virtualenvs = True
# A session whose Python is missing fails instead of being skipped.
nox.options.error_on_missing_interpreters = True

SUPPORTED = ("3.10", "3.11", "3.12", "3.13")


def _runs(version: str) -> bool:
    """Whether ``python3.X`` on PATH starts and is that version (pyenv shims may point nowhere)."""
    program = shutil.which(f"python{version}")
    if program is None:
        return False
    check = f"import sys; sys.exit(sys.version_info[:2] != ({version.replace('.', ', ')}))"
    return subprocess.run([program, "-c", check], capture_output=True, check=False).returncode == 0


FOUND = [version for version in SUPPORTED if _runs(version)]
# With none found, ask for every supported one anyway, so that nox fails instead of passing empty.
PYTHONS = FOUND or list(SUPPORTED)
# Sessions whose result does not depend on the interpreter run once, on the newest found.
NEWEST = PYTHONS[-1:]


@nox.session(python=NEWEST)
def lint(session: nox.Session) -> None:
    """Run ruff's linter and formatter check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHONS)
def typecheck(session: nox.Session) -> None:
    """Run mypy --strict over src/ and codegen/."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite."""
    # The Parquet dataset tests need the optional extra.
    session.install("-e", ".[test,parquet]")
    session.run("pytest", *session.posargs)


@nox.session(python=NEWEST)
def generate(session: nox.Session) -> None:
    """Regenerate models, resources and reference docs from the pinned document."""
    session.install("-e", ".[codegen]")
    session.run("python", "-m", "codegen", "generate", *session.posargs)


@nox.session(name="check-generated", python=NEWEST)
def check_generated(session: nox.Session) -> None:
    """Fail if the committed generated code differs from a fresh generation."""
    session.install("-e", ".[codegen]")
    session.run("python", "-m", "codegen", "check", *session.posargs)


@nox.session(python=NEWEST)
def update(session: nox.Session) -> None:
    """Re-pin to a new TMDB document and regenerate: ``nox -s update -- --spec PATH_OR_URL``."""
    session.install("-e", ".[dev]")
    session.run("python", "-m", "codegen", "update", *session.posargs)


@nox.session(python=NEWEST)
def drift(session: nox.Session) -> None:
    """Report what changed upstream since the pin: ``nox -s drift -- [--upstream URL_OR_PATH]``."""
    session.install("-e", ".[codegen]")
    session.run("python", "-m", "codegen", "drift", *session.posargs, success_codes=[0, 1])


@nox.session(python=NEWEST)
def bench(session: nox.Session) -> None:
    """Benchmarks against json/pydantic/httpx/tmdbsimple, printed as ratios with targets."""
    if not shutil.which("nginx") and not os.access("/usr/sbin/nginx", os.X_OK):
        # The benchmarks serve from nginx, a fast server that is not Python (Debian package).
        session.run("apt-get", "update", external=True)
        session.run("apt-get", "install", "-y", "nginx", external=True)
    session.install("-e", ".[aiohttp]", "-r", "benchmarks/requirements.txt")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session(python=NEWEST)
def mutation(session: nox.Session) -> None:
    """Mutation-test the hand-written core, scored per module (slow, not a default session).

    ``nox -s mutation -- [MODULE ...] [--reuse | --report] [--max-children N]``; see
    ``python -m mutation --help`` and the README's Contributing section.
    """
    session.install("-e", ".[mutation]")
    session.run("python", "-m", "mutation", *session.posargs)


@nox.session(python=NEWEST)
def docs(session: nox.Session) -> None:
    """Build the MkDocs site strictly (any warning fails)."""
    session.install("-e", ".", "-r", "docs/requirements.txt")
    # Silence the theme's banner about MkDocs 2; real warnings still fail the strict build.
    session.env.update({"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"})
    session.run("mkdocs", "build", "--strict", "--site-dir", ".nox/site")
