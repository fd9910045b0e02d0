"""Without the ``[cli]`` extra the command says which extra to install, and nothing else."""

from __future__ import annotations

import sys

import pytest

from tmdbfusion.cli import main


def test_a_missing_rich_names_the_extra_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)  # import rich now raises ImportError
    assert main(["movie", "550"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        "error: the tmdbfusion command line needs its extra: pip install 'tmdbfusion-sdk[cli]'\n",
    )
