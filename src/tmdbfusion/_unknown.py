"""Unknown fields: keys TMDB sends that the models do not have, reported instead of dropped.

msgspec skips a key its Struct does not declare; that is what ``unknown_fields="ignore"`` (the
default) keeps, at no cost: the flow tests one attribute and nothing of this module runs.  With
``"warn"`` or ``"error"`` the client also decodes each successful body to plain JSON values and
walks it against the type it decodes into (:mod:`tmdbfusion._unknown_walk`).
"""

from __future__ import annotations

import threading
from typing import Literal

from tmdbfusion._decode import BODY_PREVIEW_BYTES, type_display_name
from tmdbfusion._unknown_walk import UnknownField, find_unknown_fields
from tmdbfusion._warn import warn_at_callers_line
from tmdbfusion.exceptions import UnknownFieldError, UnknownFieldWarning

__all__ = ["UnknownFieldReporter", "UnknownFields", "make_reporter"]

#: What a client does about a key that no model field takes.
UnknownFields = Literal["ignore", "warn", "error"]

#: Where the models guide explains how to turn reports into observations and regenerate.
_ADVICE = (
    "Record such responses and regenerate the models from them "
    "(python -m codegen observe --corpus DIR, then python -m codegen generate; see the models "
    "guide), or report it to tmdbfusion"
)


class UnknownFieldReporter:
    """A client's ``unknown_fields`` setting at work: warns once per model and key, or raises.

    Shared by the copies :meth:`~tmdbfusion.TMDBClient.with_access_token` makes, so a key is
    reported once for them all.
    """

    __slots__ = ("_lock", "_reported", "mode")

    def __init__(self, mode: Literal["warn", "error"]) -> None:
        self.mode = mode
        self._reported: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"UnknownFieldReporter({self.mode!r})"

    def check(self, body: bytes, cast_to: object) -> None:
        """Report the unknown keys of a successful body decoded into ``cast_to``.

        Raises
        ------
        UnknownFieldError
            In ``"error"`` mode, when the body has a key no model declares.
        """
        found = find_unknown_fields(body, cast_to)
        if not found:
            return
        if self.mode == "error":
            raise _error(found, body, cast_to)
        with self._lock:
            fresh = []
            for unknown in found:
                if (unknown.model, unknown.key) not in self._reported:
                    self._reported.add((unknown.model, unknown.key))
                    fresh.append(unknown)
        for unknown in fresh:
            warn_at_callers_line(
                UnknownFieldWarning(
                    f"TMDB sent the key {unknown.key!r} at {unknown.json_path}, which "
                    f"{unknown.model} does not declare, so it was dropped; reported once per "
                    f"client (unknown_fields='warn'). {_ADVICE}.",
                    model=unknown.model,
                    json_path=unknown.json_path,
                    key=unknown.key,
                )
            )


def _error(found: list[UnknownField], body: bytes, cast_to: object) -> UnknownFieldError:
    first = found[0]
    others = f" (and {len(found) - 1} more unknown keys)" if len(found) > 1 else ""
    return UnknownFieldError(
        f"TMDB's response has the key {first.key!r} at {first.json_path}, which {first.model} "
        f"does not declare{others}; unknown_fields='error' refuses to drop it. {_ADVICE}; "
        "unknown_fields='warn' reports such keys without failing.",
        type_name=type_display_name(cast_to),
        json_path=first.json_path,
        body=body[:BODY_PREVIEW_BYTES],
        model=first.model,
        key=first.key,
        unknown=tuple((f.model, f.json_path, f.key) for f in found),
    )


def make_reporter(unknown_fields: object) -> UnknownFieldReporter | None:
    """Check a client's ``unknown_fields`` argument; None for ``"ignore"`` (nothing to do).

    Raises
    ------
    TypeError
        When it is not a str.
    ValueError
        When it is not one of ``"ignore"``, ``"warn"``, ``"error"``.
    """
    if not isinstance(unknown_fields, str):
        raise TypeError(
            "unknown_fields must be one of 'ignore', 'warn', 'error'; "
            f"got {type(unknown_fields).__name__} {unknown_fields!r}"
        )
    if unknown_fields == "ignore":
        return None
    if unknown_fields == "warn":
        return UnknownFieldReporter("warn")
    if unknown_fields == "error":
        return UnknownFieldReporter("error")
    raise ValueError(
        "unknown_fields must be 'ignore' (drop keys the models do not declare, the default), "
        "'warn' (warn once per model and key) or 'error' (raise ResponseValidationError); "
        f"got {unknown_fields!r}"
    )
