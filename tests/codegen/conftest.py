"""Shared setup for the generator's tests.

``codegen`` lives at the repository root and is not part of the installed wheel, so a plain
``pytest`` (as opposed to ``python -m pytest`` from the root) would not find it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
