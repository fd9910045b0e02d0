"""``python -m tmdbfusion.cli``: the same as the ``tmdbfusion`` command."""

import sys

from tmdbfusion.cli import main

sys.exit(main())
