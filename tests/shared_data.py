"""Where the shared real responses are: never in the repository, found by path at test time."""

from __future__ import annotations

import os
from pathlib import Path

#: Names the folder of real responses when it is not ``../shared/real-responses``.
REAL_RESPONSES_ENV = "TMDBFUSION_REAL_RESPONSES_DIR"
# Beside the checkout: tests/ is one level below the repository's root.
_BESIDE_THE_CHECKOUT = Path(__file__).resolve().parents[2] / "shared" / "real-responses"

#: The real responses (``MANIFEST.json`` and the files it lists).  The mutation run
#: (python -m mutation) runs the tests from a copy one folder deeper, in mutants/, and sets
#: the variable to the folder beside the checkout.
REAL_RESPONSES = Path(os.environ.get(REAL_RESPONSES_ENV) or _BESIDE_THE_CHECKOUT)

#: True when the tests run under python -m mutation: mutmut's copy of the package lives in
#: mutants/, and its trampoline frames (outside tmdbfusion) sit in every call's stack.
RUN_BY_MUTMUT = Path(__file__).resolve().parents[1].name == "mutants"
