from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codegen.heal import heal_document
from codegen.ir import Plan
from codegen.observe import OBSERVATIONS, load_observations
from codegen.overrides import load_overrides
from codegen.pipeline import plan_document
from codegen.spec import load_document, locate_pinned


@pytest.fixture(scope="session")
def pinned_path() -> Path:
    return locate_pinned()


@pytest.fixture(scope="session")
def pinned_document(pinned_path: Path) -> dict[str, Any]:
    return load_document()


@pytest.fixture(scope="session")
def healed_document(pinned_document: dict[str, Any]) -> dict[str, Any]:
    return heal_document(pinned_document, load_overrides(), load_observations(OBSERVATIONS))[0]


@pytest.fixture(scope="session")
def pinned_plan(pinned_document: dict[str, Any]) -> Plan:
    return plan_document(pinned_document)[0]
