"""Item 0 and the Done-when: no hand-written module is over 500 lines.

This covers the package, every subpackage included, and the tools beside it: the generator
(``codegen/``) and the mutation scoring (``mutation/``). Generated modules say so at the top.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tmdbfusion
from tests.shared_data import RUN_BY_MUTMUT

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(tmdbfusion.__file__).parent
LIMIT = 500
GENERATED = "python -m codegen generate"

pytestmark = pytest.mark.skipif(
    RUN_BY_MUTMUT,
    reason="under python -m mutation the package is mutmut's copy, many times the source's length",
)


def _hand_written(folder: Path) -> list[Path]:
    return [
        path for path in sorted(folder.rglob("*.py")) if GENERATED not in path.read_text()[:600]
    ]


def _over_the_limit(folder: Path, paths: list[Path]) -> dict[str, int]:
    sizes = {
        str(path.relative_to(folder.parent)): len(path.read_text().splitlines()) for path in paths
    }
    return {name: size for name, size in sizes.items() if size > LIMIT}


def test_no_hand_written_module_of_the_package_is_over_500_lines() -> None:
    hand_written = _hand_written(PACKAGE)
    assert len(hand_written) > 20  # the split pipeline: one module per job
    # The subpackages count too, and the generated modules (models, resources) are left out.
    folders = {path.parent.name for path in hand_written}
    assert {"_cache", "cli", "datasets", "testing"} <= folders
    assert len(hand_written) < len(list(PACKAGE.rglob("*.py")))
    assert _over_the_limit(PACKAGE, hand_written) == {}


@pytest.mark.parametrize(("folder", "at_least"), [("codegen", 20), ("mutation", 2)])
def test_no_hand_written_tool_module_is_over_500_lines(folder: str, at_least: int) -> None:
    hand_written = _hand_written(ROOT / folder)
    assert len(hand_written) >= at_least
    assert _over_the_limit(ROOT / folder, hand_written) == {}
