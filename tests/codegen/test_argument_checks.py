"""The planner gives every parameter annotation it writes a run-time check (or its choices)."""

from __future__ import annotations

import pytest

from codegen.plan import ANNOTATION_CHECKS, _annotation_check
from tmdbfusion._params import KINDS


def test_every_planned_check_is_a_kind_the_sdk_knows() -> None:
    assert set(ANNOTATION_CHECKS.values()) <= set(KINDS)


def test_a_closed_set_is_left_to_its_choices() -> None:
    assert _annotation_check("Literal['day', 'week']", ["day", "week"]) is None


def test_an_annotation_without_a_check_stops_the_generator() -> None:
    with pytest.raises(ValueError, match="no run-time type check"):
        _annotation_check("dict[str, int]", None)
