"""Developer sessions: ``nox`` runs lint, typecheck, tests, check-generated and docs."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "tests", "check-generated", "docs"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Run ruff's linter and formatter check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """Run mypy --strict over src/ and codegen/."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite."""
    # The Parquet dataset tests need the optional extra.
    session.install("-e", ".[test,parquet]")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def generate(session: nox.Session) -> None:
    """Regenerate models, resources and reference docs from the pinned document."""
    session.install("-e", ".[codegen]")
    session.run("python", "-m", "codegen", "generate", *session.posargs)


@nox.session(name="check-generated", python=PYTHON)
def check_generated(session: nox.Session) -> None:
    """Fail if the committed generated code differs from a fresh generation."""
    session.install("-e", ".[codegen]")
    session.run("python", "-m", "codegen", "check", *session.posargs)


@nox.session(python=PYTHON)
def update(session: nox.Session) -> None:
    """Re-pin to a new TMDB document and regenerate: ``nox -s update -- --spec PATH_OR_URL``."""
    session.install("-e", ".[dev]")
    session.run("python", "-m", "codegen", "update", *session.posargs)


@nox.session(python=PYTHON)
def drift(session: nox.Session) -> None:
    """Report what changed upstream since the pin: ``nox -s drift -- [--upstream URL_OR_PATH]``."""
    session.install("-e", ".[codegen]")
    session.run("python", "-m", "codegen", "drift", *session.posargs, success_codes=[0, 1])


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks against json/pydantic/httpx/tmdbsimple, printed as ratios with targets."""
    session.install("-e", ".", "-r", "benchmarks/requirements.txt")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the MkDocs site strictly (any warning fails)."""
    session.install("-e", ".", "-r", "docs/requirements.txt")
    # Silence the theme's banner about MkDocs 2; real warnings still fail the strict build.
    session.env.update({"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"})
    session.run("mkdocs", "build", "--strict", "--site-dir", ".nox/site")
