"""Fixtures for the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.shared_data import RUN_BY_MUTMUT


@pytest.fixture(autouse=True)
def _empty_module_caches() -> Iterator[None]:
    """Under the mutation run, start each test with the core's module-level caches empty.

    mutmut forks every mutant's test run from the process of its first, unmutated run, whose
    tables (decoders, path templates, walk plans) the real code filled: a mutant of the code
    that fills them would never run, and would count as survived.  (Functions under
    ``functools.cache`` are not mutated: mutmut leaves decorated functions alone.)  Outside the
    mutation run the caches behave as in production, kept for the process's life.
    """
    if RUN_BY_MUTMUT:
        from tmdbfusion import _decode, _params, _unknown_walk

        for table in (_params._TEMPLATES, _decode._DECODERS, _unknown_walk._PLANS):
            table.clear()
    yield
