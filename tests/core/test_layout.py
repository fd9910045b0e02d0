"""The sans-IO core stays importable without asyncio, so sync-only code never pays for it."""

from __future__ import annotations

import subprocess
import sys

import pytest

PURE_MODULES = [
    "tmdbfusion._constants",
    "tmdbfusion._redact",
    "tmdbfusion._auth",
    "tmdbfusion._retry",
    "tmdbfusion._config",
    "tmdbfusion._params",
    "tmdbfusion._request",
    "tmdbfusion._decode",
    "tmdbfusion._errors",
    "tmdbfusion._actions",
    "tmdbfusion._flow",
]


def imports_asyncio(module: str) -> bool:
    """Import ``module`` in a fresh interpreter and tell whether asyncio got imported."""
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "print('asyncio' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip() == "True"


@pytest.mark.slow
@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_does_not_import_asyncio(module: str) -> None:
    # Importing a submodule runs tmdbfusion/__init__.py first, which imports the client
    # shells; they must not import asyncio either (it is imported when an async client is made).
    assert not imports_asyncio(module), f"importing {module} imported asyncio"


def test_probe_sees_asyncio() -> None:
    assert imports_asyncio("asyncio")
