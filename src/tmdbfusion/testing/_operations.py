"""The SDK's own table of TMDB operations: method, path template and response type.

Read from the generated resource classes themselves, by calling every method
against a stand-in client that hands back the request it is asked to make
instead of making it.  The generated code stays the one place that says what
each endpoint returns.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from dataclasses import dataclass
from typing import Any

from tmdbfusion._namespaces import SyncNamespaces

__all__ = ["Operation", "sdk_operations"]


@dataclass(frozen=True)
class Operation:
    """One TMDB operation as the SDK calls it.

    Attributes
    ----------
    method : str
        HTTP method, upper case.
    path : str
        Path template, e.g. ``/3/movie/{movie_id}``.
    cast_to : Any
        The type the SDK decodes the response into.
    sdk_method : str
        Where users find it, e.g. ``movies.details``.
    """

    method: str
    path: str
    cast_to: Any
    sdk_method: str


class _RecordingClient(SyncNamespaces):
    """Stands in for a client: hands back the request it is asked to make instead of making it."""

    def _request(self, method: str, path: str, **options: Any) -> Operation:
        return Operation(method, path, options["cast_to"], sdk_method="")

    _request_page = _request


@functools.cache
def sdk_operations() -> tuple[Operation, ...]:
    """Every operation of the generated SDK, in namespace and method order."""
    client = _RecordingClient()
    operations: list[Operation] = []
    for namespace, attribute in sorted(vars(SyncNamespaces).items()):
        if not isinstance(attribute, functools.cached_property):
            continue
        resource = getattr(client, namespace)
        # Only the generated class's own methods are operations; what its base class
        # carries (and what tools such as mutmut attach to it) is not.
        for name, function in sorted(vars(type(resource)).items()):
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            method = getattr(resource, name)
            # The stand-in never looks at the arguments, so None serves for each required one.
            required = [
                parameter
                for parameter in inspect.signature(method).parameters.values()
                if parameter.default is inspect.Parameter.empty
            ]
            by_position = (
                inspect.Parameter.POSITIONAL_ONLY,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
            )
            positional = [None for p in required if p.kind in by_position]
            keywords = {p.name: None for p in required if p.kind is p.KEYWORD_ONLY}
            call = method(*positional, **keywords)
            if not isinstance(call, Operation):
                raise RuntimeError(f"{namespace}.{name} made no request")
            operations.append(dataclasses.replace(call, sdk_method=f"{namespace}.{name}"))
    return tuple(operations)
