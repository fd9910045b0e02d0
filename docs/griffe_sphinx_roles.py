"""Griffe extension for the docs build: show Sphinx roles in docstrings as inline code.

The package's docstrings point at other objects the Sphinx way (:class:`~tmdbfusion.TMDBClient`,
:meth:`close`), which Markdown would print literally. This rewrites each role to a code span of
the name Sphinx would show (``TMDBClient``; a leading ``~`` keeps only the last part).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:attr|class|data|exc|func|meth|mod|obj):`(~?)([^`]+)`")


def _as_code(match: re.Match[str]) -> str:
    short, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if short else target}`"


def sphinx_roles_as_code(text: str) -> str:
    """Rewrite every Sphinx cross-reference role in ``text`` as a Markdown code span."""
    return _ROLE.sub(_as_code, text)


class SphinxRolesAsCode(griffe.Extension):
    """Rewrite Sphinx roles in every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite the roles in one object's docstring."""
        if obj.docstring is not None:
            obj.docstring.value = sphinx_roles_as_code(obj.docstring.value)
