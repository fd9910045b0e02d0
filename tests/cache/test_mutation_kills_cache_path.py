"""Where ``cache=True`` keeps its file on each platform, from the environment it reads."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tmdbfusion._cache.backend import default_cache_path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("LOCALAPPDATA", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


def test_windows_uses_local_app_data(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert (
        default_cache_path()
        == home / "AppData" / "Local" / "tmdbfusion" / "Cache" / "responses.sqlite"
    )
    monkeypatch.setenv("LOCALAPPDATA", "/appdata/me")
    assert default_cache_path() == Path("/appdata/me/tmdbfusion/Cache/responses.sqlite")
    monkeypatch.setenv("LOCALAPPDATA", "")
    assert (
        default_cache_path()
        == home / "AppData" / "Local" / "tmdbfusion" / "Cache" / "responses.sqlite"
    )


def test_macos_uses_library_caches(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")  # not read on macOS
    assert default_cache_path() == home / "Library" / "Caches" / "tmdbfusion" / "responses.sqlite"


def test_linux_uses_an_absolute_xdg_cache_home_or_dot_cache(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("LOCALAPPDATA", "/appdata/me")  # not read on Linux
    assert default_cache_path() == home / ".cache" / "tmdbfusion" / "responses.sqlite"
    monkeypatch.setenv("XDG_CACHE_HOME", "  /xdg/cache  ")
    assert default_cache_path() == Path("/xdg/cache/tmdbfusion/responses.sqlite")
    for ignored in ("relative/cache", "   ", ""):
        monkeypatch.setenv("XDG_CACHE_HOME", ignored)
        assert default_cache_path() == home / ".cache" / "tmdbfusion" / "responses.sqlite"
