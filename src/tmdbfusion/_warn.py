"""Warnings that point at the user's line, from wherever in tmdbfusion they are raised.

A fixed ``stacklevel`` breaks as soon as a call path gains or loses a frame (sync and async
clients, the cache and pacing steps reach the same warning through different depths), so the
level is counted: the first frame, walking out, whose module is not tmdbfusion's.
"""

from __future__ import annotations

import sys
import warnings
from types import FrameType

__all__ = ["stack_level_outside_tmdbfusion", "warn_at_callers_line"]


def stack_level_outside_tmdbfusion(frame: FrameType) -> int:
    """The ``stacklevel`` that makes a warning raised in ``frame`` point at the user's line.

    The walk starts at a frame it is given rather than at its own caller so that nothing
    between the two, such as a test tool's wrapper, changes the count.
    """
    level = 1
    while frame.f_back is not None and frame.f_globals.get("__name__", "").partition(".")[0] == (
        "tmdbfusion"
    ):
        frame = frame.f_back
        level += 1
    return level


def warn_at_callers_line(message: str | Warning, category: type[Warning] | None = None) -> None:
    """``warnings.warn`` pointed at the first line outside tmdbfusion: the user's call."""
    warnings.warn(message, category, stacklevel=stack_level_outside_tmdbfusion(sys._getframe()))
