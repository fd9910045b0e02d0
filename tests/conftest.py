"""Fixtures for the whole suite."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.shared_data import RUN_BY_MUTMUT


@pytest.fixture
def set_local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set the process's local time zone (``TZ``, e.g. ``"JST-9"``); restored after the test."""

    def set_zone(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def _own_user_cache_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``cache=True`` keeps its SQLite file in the user cache directory: give each test its own.

    Otherwise a test's cached answers outlive it in ~/.cache and answer a later test (or a
    later run) whose fake server happens to get the same port.
    """
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


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
