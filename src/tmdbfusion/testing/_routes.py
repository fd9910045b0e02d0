"""Routes of the fake TMDB: path templates matched segment by segment."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import unquote

from tmdbfusion.testing._operations import Operation, sdk_operations
from tmdbfusion.testing._responses import Handler

__all__ = ["Route", "operation_routes", "split_segments"]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    segments: tuple[str, ...]
    # A route you add answers with its handler; a built-in one is answered from its operation.
    handler: Handler | None = None
    operation: Operation | None = None

    def match(self, method: str, segments: list[str]) -> dict[str, str] | None:
        if method != self.method or len(segments) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for expected, actual in zip(self.segments, segments, strict=True):
            if expected.startswith("{") and expected.endswith("}"):
                if not actual:
                    return None
                params[expected[1:-1]] = actual
            elif expected != actual:
                return None
        return params

    def specificity(self) -> tuple[int, ...]:
        # Literal segments win over placeholders, position by position:
        # /3/movie/popular before /3/movie/{movie_id}.
        return tuple(1 if part.startswith("{") else 0 for part in self.segments)


@functools.cache
def operation_routes() -> tuple[tuple[Route, ...], dict[str, dict[str, Operation]]]:
    """Routes answering the SDK's operations, most specific first, and their appendable parts.

    The parts of ``/3/movie/{movie_id}`` are the GET operations right below it
    (``credits``, ``watch/providers``): what ``append_to_response`` may name.
    """
    operations = sdk_operations()
    routes = [
        Route(op.method, op.path, tuple(op.path.split("/")), operation=op) for op in operations
    ]
    appendable: dict[str, dict[str, Operation]] = {}
    for operation in operations:
        prefix = operation.path + "/"
        parts = {
            other.path.removeprefix(prefix): other
            for other in operations
            if operation.method == other.method == "GET"
            and other.path.startswith(prefix)
            and "{" not in other.path.removeprefix(prefix)
        }
        if parts:
            appendable[operation.path] = parts
    return tuple(sorted(routes, key=Route.specificity)), appendable


def split_segments(path: str) -> list[str]:
    return [unquote(part) for part in path.split("/")]
