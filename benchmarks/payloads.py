"""The response bodies the benchmarks decode and serve: the pinned document's own examples.

The document is read where ``codegen.spec.locate_pinned`` finds it (never copied into the
repository), healed exactly as the generator heals it, and each benchmarked operation's first
success example is serialized compactly, as TMDB sends it.  The generated model of each operation
is looked up through the generator's plan, so the benchmarks decode with the same type the SDK
method does.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import tmdbfusion.models
from codegen.heal import example_values, heal_document, success_media
from codegen.overrides import load_overrides
from codegen.plan import build_plan
from codegen.spec import load_document

# (key, label, path) of the GET operations whose examples are benchmarked.
OPERATIONS = (
    ("movie_details", "movie details", "/3/movie/{movie_id}"),
    ("popular_movies", "popular movies page", "/3/movie/popular"),
    ("tv_details", "tv series details", "/3/tv/{series_id}"),
    ("combined_credits", "person combined credits", "/3/person/{person_id}/combined_credits"),
    ("search_multi", "search multi", "/3/search/multi"),
)


@dataclass(frozen=True)
class Payload:
    """One operation's example response, ready to decode.

    Attributes
    ----------
    key : str
        Short identifier, e.g. ``"movie_details"``.
    label : str
        How tables name it, e.g. ``"movie details"``.
    path : str
        The operation's path template.
    body : bytes
        The example as compact UTF-8 JSON.
    schema : dict
        The operation's healed response schema (JSON Schema).
    model : type
        The generated msgspec type the SDK decodes this response into.
    """

    key: str
    label: str
    path: str
    body: bytes
    schema: dict[str, Any]
    model: type[Any]

    @property
    def value(self) -> Any:
        """The example as plain Python values."""
        return json.loads(self.body)


def compact_json(value: Any) -> bytes:
    """Serialize like TMDB does: no whitespace, UTF-8 rather than escapes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@functools.cache
def _healed_and_models() -> tuple[dict[str, Any], dict[str, str]]:
    overrides = load_overrides()
    healed, _report = heal_document(load_document(), overrides)
    plan = build_plan(healed, overrides)
    models = {
        operation.path: operation.cast_to
        for namespace in plan.namespaces
        for operation in namespace.operations
        if operation.http_method == "GET"
    }
    return healed, models


def load_payload(key: str) -> Payload:
    """Build the :class:`Payload` of one benchmarked operation by its key."""
    healed, models = _healed_and_models()
    for known_key, label, path in OPERATIONS:
        if known_key == key:
            media = success_media(healed["paths"][path]["get"])
            if media is None:
                raise LookupError(f"GET {path} has no JSON success response in the document")
            values = example_values(media)
            if not values:
                raise LookupError(f"GET {path} has no usable example in the document")
            model = getattr(tmdbfusion.models, models[path])
            return Payload(key, label, path, compact_json(values[0]), media["schema"], model)
    raise KeyError(f"no benchmarked operation {key!r}; known: {[op[0] for op in OPERATIONS]}")


def load_payloads() -> list[Payload]:
    """Every benchmarked operation's payload, in table order."""
    return [load_payload(key) for key, _label, _path in OPERATIONS]


def popular_pages(movie_count: int) -> list[bytes]:
    """Pages of popular movies built from the example page, holding ``movie_count`` movies.

    Each page repeats the example's results with ids and page numbers made distinct, the way
    walking ``movies.popular()`` page after page yields different movies of the same shape.
    """
    example = load_payload("popular_movies").value
    per_page = len(example["results"])
    pages = []
    for page_index in range(-(-movie_count // per_page)):
        wanted = min(per_page, movie_count - page_index * per_page)
        results = [
            {**movie, "id": movie["id"] + 10_000_000 * (page_index + 1)}
            for movie in example["results"][:wanted]
        ]
        pages.append(compact_json({**example, "page": page_index + 1, "results": results}))
    return pages
