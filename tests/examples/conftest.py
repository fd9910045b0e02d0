"""Fixtures for running the examples and the docs' code against TMDB's own response examples.

The responses are the pinned OpenAPI document's examples, loaded by path at test time (see
``tests/operations/conftest.py``); nothing from the document is stored in the repository.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import respx

from codegen.heal import example_values, iter_operations, success_media
from tests.operations.conftest import healed_document, pinned_document, pinned_path

__all__ = ["healed_document", "pinned_document", "pinned_path"]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# Shaped like a v4 read access token (a JWT), but not a real one.
ACCESS_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJleGFtcGxlcyJ9.ZXhhbXBsZS1zaWduYXR1cmU"
# A host that is not TMDB's, so a test proves the example honours --base-url.
BASE_URL = "http://tmdb.test"


def example_body(document: dict[str, Any], key: str) -> Any:
    """The document's first success example of ``"GET /3/..."``, as JSON values."""
    method, path = key.split(" ", 1)
    media = success_media(document["paths"][path][method.lower()])
    assert media is not None, key
    values = example_values(media)
    assert values, f"the document has no example for {key}"
    return values[0]


def path_regex(template: str) -> str:
    """``/3/movie/{movie_id}`` -> a regex matching ``/3/movie/550`` (and naming the part)."""
    return "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$"


@pytest.fixture(autouse=True)
def token_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give the examples a credential the way a user would: in the environment."""
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", ACCESS_TOKEN)
    monkeypatch.delenv("TMDB_API_KEY", raising=False)


@pytest.fixture(autouse=True)
def auto_backend_is_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    # respx mocks httpx only; the docs' AsyncTMDBClient() would otherwise pick aiohttp.
    monkeypatch.setattr("tmdbfusion._backends.aiohttp_installed", lambda: False)


@pytest.fixture
def tmdb() -> Iterator[respx.MockRouter]:
    """TMDB at ``BASE_URL``: every route must be called, and nothing unmocked may be."""
    with respx.mock(base_url=BASE_URL, assert_all_called=True, assert_all_mocked=True) as router:
        yield router


@pytest.fixture(scope="session")
def document_routes(healed_document: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """Every operation with an example: (method, path template, body), literal paths first."""
    routes = []
    for method, path, operation in iter_operations(healed_document):
        values = example_values(success_media(operation) or {})
        if values:
            routes.append((method, path, values[0]))
    # /3/movie/popular must be tried before /3/movie/{movie_id} would swallow it.
    return sorted(routes, key=lambda route: (route[1].count("{"), route[1], route[0]))


@pytest.fixture
def whole_tmdb(document_routes: list[tuple[str, str, Any]]) -> Iterator[respx.MockRouter]:
    """TMDB at its real address, answering every documented operation with its example."""
    with respx.mock(
        base_url="https://api.themoviedb.org", assert_all_called=False, assert_all_mocked=True
    ) as router:
        for method, template, body in document_routes:
            router.route(method=method, path__regex=path_regex(template)).mock(
                return_value=httpx.Response(200, json=body)
            )
        yield router


def load_example(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` as a fresh module."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def run_example(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, list[str], str]]:
    """Run an example's ``main`` with these arguments; return (status, stdout lines, stderr)."""

    def run(name: str, *args: str, base_url: str | None = BASE_URL) -> tuple[int, list[str], str]:
        argv = list(args) if base_url is None else ["--base-url", base_url, *args]
        status = load_example(name).main(argv)
        captured = capsys.readouterr()
        return status, captured.out.splitlines(), captured.err

    return run
