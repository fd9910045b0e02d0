"""The documentation: every public name is in the reference, and the code in it runs.

Every ``python`` block of the README and the hand-written docs pages that imports tmdbfusion is run
against TMDB served from the pinned document's examples, so the docs cannot show code that fails.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import logging
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import tmdbfusion
import tmdbfusion.resources
import tmdbfusion.resources.v4

from .conftest import ROOT

DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"
# Written by the generator; its own tests cover them, and they hold no runnable code.
GENERATED = {
    REFERENCE / "endpoints.md",
    REFERENCE / "models.md",
    REFERENCE / "namespaces",
    REFERENCE / "v4",
}

# The reference page that must document each public module's names.
PAGES = {
    "tmdbfusion": REFERENCE / "client.md",
    "tmdbfusion.exceptions": REFERENCE / "exceptions.md",
    "tmdbfusion.pagination": REFERENCE / "pagination.md",
    "tmdbfusion.images": REFERENCE / "images.md",
    "tmdbfusion.models": REFERENCE / "models.md",
    "tmdbfusion.testing": REFERENCE / "testing.md",
    "tmdbfusion.login": REFERENCE / "client.md",
    "tmdbfusion.models.v4": REFERENCE / "v4" / "models.md",
    "tmdbfusion.resources.v4": REFERENCE / "client.md",
}


def _public_modules() -> dict[str, Path]:
    modules = {
        name: page for name, page in PAGES.items() if importlib.util.find_spec(name) is not None
    }
    for info in pkgutil.iter_modules(tmdbfusion.resources.__path__):
        if not info.ispkg:
            modules[f"tmdbfusion.resources.{info.name}"] = (
                REFERENCE / "namespaces" / f"{info.name}.md"
            )
    for info in pkgutil.iter_modules(tmdbfusion.resources.v4.__path__):
        page = REFERENCE / "v4" / "namespaces" / f"{info.name}.md"
        modules[f"tmdbfusion.resources.v4.{info.name}"] = page
    return modules


def _documents(name: str, module: str, page: str) -> bool:
    """Whether ``page`` documents ``module.name``: an mkdocstrings directive, a heading, or code."""
    return bool(
        re.search(rf"(?m)^::: {re.escape(module)}(\.{re.escape(name)})?\s*$", page)
        or re.search(rf"(?m)^#+ {re.escape(name)}\b", page)
        or f"`{name}`" in page
        or f"`{module}.{name}`" in page
    )


def test_every_public_name_is_in_the_reference() -> None:
    modules = _public_modules()
    assert "tmdbfusion.resources.movies" in modules
    missing = []
    for module_name, page_path in sorted(modules.items()):
        module = importlib.import_module(module_name)
        page = page_path.read_text(encoding="utf-8")
        names = getattr(module, "__all__", None)
        assert names, f"{module_name} has no __all__ to say what is public"
        missing += [
            f"{module_name}.{name} (expected in {page_path.relative_to(ROOT)})"
            for name in names
            if not _documents(name, module_name, page)
        ]
    assert missing == []


def test_the_name_check_can_fail() -> None:
    page = "::: tmdbfusion.exceptions.APIError\n\n## Other\n"
    assert _documents("APIError", "tmdbfusion.exceptions", page)
    assert not _documents("NotFoundError", "tmdbfusion.exceptions", page)
    assert _documents("Fault", "tmdbfusion.testing", "::: tmdbfusion.testing\n")
    assert not _documents("Fault", "tmdbfusion.testing", "::: tmdbfusion.testing.FakeTMDB\n")


def _hand_written_pages() -> list[Path]:
    pages = [ROOT / "README.md"]
    for path in sorted(DOCS.rglob("*.md")):
        if not any(path == g or g in path.parents for g in GENERATED):
            pages.append(path)
    return pages


_BLOCK = re.compile(r"(?ms)^```python\n(.*?)^```\n")


def _runnable_blocks() -> list[tuple[str, str]]:
    blocks = []
    for path in _hand_written_pages():
        text = path.read_text(encoding="utf-8")
        for number, match in enumerate(_BLOCK.finditer(text), start=1):
            code = match.group(1)
            # Included example scripts are run by test_examples; fragments without imports are
            # signatures and excerpts, not programs.
            if "--8<--" in code or "tmdbfusion" not in code:
                continue
            blocks.append((f"{path.relative_to(ROOT)}#{number}", code))
    return blocks


RUNNABLE = _runnable_blocks()


def test_docs_have_runnable_code() -> None:
    where = {label.split("#")[0] for label, _ in RUNNABLE}
    assert "README.md" in where
    assert "docs/getting-started.md" in where
    assert len(RUNNABLE) >= 15


@pytest.fixture
def quiet_loggers() -> Iterator[None]:
    """Undo the logging configuration a snippet makes."""
    loggers = [logging.getLogger(name) for name in ("tmdbfusion", "httpx")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.mark.parametrize(("label", "code"), RUNNABLE, ids=[label for label, _ in RUNNABLE])
@pytest.mark.usefixtures("whole_tmdb", "quiet_loggers")
def test_docs_code_runs(label: str, code: str) -> None:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, label, "exec"), {"__name__": "__docs__"})
    if "print(" in code:
        assert output.getvalue().strip(), f"{label} printed nothing"


@pytest.mark.parametrize("path", _hand_written_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_included_files_exist(path: Path) -> None:
    # A snippet path may end in :start or :start:end, the lines to include.
    for included in re.findall(r'--8<-- "([^":]+)(?::\d+)*"', path.read_text(encoding="utf-8")):
        # The benchmark table is written by `nox -s bench`; the docs build fails without it.
        if included != "benchmarks/RESULTS.md":
            assert (ROOT / included).is_file(), f"{path.name} includes missing {included}"
