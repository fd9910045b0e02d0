"""Memory: popular-page movies held as the generated Structs against the same movies as dicts.

Both sides decode the same pages (built by :func:`benchmarks.payloads.popular_pages` from the
pinned example) and keep only the movies, in one list.  ``tracemalloc`` counts every byte still
allocated afterwards: the containers (Struct or dict) and the values they hold (strings, numbers,
``genre_ids`` lists), which both sides hold alike and which therefore set a floor on the ratio.
That floor is reported alongside, as are the bytes per movie of the containers alone.
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

from benchmarks.payloads import load_payload, popular_pages
from benchmarks.report import Figure, at_most, format_bytes
from tmdbfusion._decode import decoder_for

SECTION = "Memory"


def _retained(build: Callable[[], list[Any]]) -> tuple[int, list[Any]]:
    """Bytes still allocated by ``build`` once it returns, and what it built."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        held = build()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return after - before, held


def _allocated_bytes(value: Any) -> int:
    """Bytes allocated for a decoded JSON value, not counting CPython's shared singletons."""
    if value is None or isinstance(value, bool):
        return 0
    if isinstance(value, int) and -5 <= value <= 256:  # the small-int cache
        return 0
    if isinstance(value, str) and len(value) <= 1 and value <= "\xff":  # one-character cache
        return 0
    if isinstance(value, list):
        return sys.getsizeof(value) + sum(_allocated_bytes(item) for item in value)
    return sys.getsizeof(value)


def _leaf_bytes(movie: dict[str, Any]) -> int:
    """Bytes of the values a movie holds: what any container must keep alive."""
    return sum(_allocated_bytes(value) for value in movie.values())


def run(movie_count: int, repeats: int) -> list[Figure]:
    """Hold ``movie_count`` movies each way, ``repeats`` times; report the median sizes."""
    pages = popular_pages(movie_count)
    decode_page = decoder_for(load_payload("popular_movies").model).decode

    def as_structs() -> list[Any]:
        movies: list[Any] = []
        for page in pages:
            movies.extend(decode_page(page).results)
        return movies

    def as_dicts() -> list[Any]:
        movies: list[Any] = []
        for page in pages:
            movies.extend(json.loads(page)["results"])
        return movies

    struct_sizes, dict_sizes = [], []
    for _ in range(repeats):
        size, movies = _retained(as_structs)
        struct_sizes.append(size)
        del movies
        size, movies = _retained(as_dicts)
        dict_sizes.append(size)
    structs, dicts = statistics.median(struct_sizes), statistics.median(dict_sizes)
    if len(movies) != movie_count:
        raise AssertionError(f"built {len(movies)} movies, not {movie_count}")
    leaves = sum(_leaf_bytes(movie) for movie in movies)
    floor = leaves / dicts
    containers = (structs - leaves) / (dicts - leaves)
    return [
        Figure(
            SECTION,
            f"{movie_count:,} popular movies: Structs / dicts (tracemalloc)",
            structs / dicts,
            at_most(0.5),
            f"{format_bytes(structs)} vs {format_bytes(dicts)} "
            f"({structs / movie_count:,.0f} vs {dicts / movie_count:,.0f} B per movie)",
            limit=(
                f"the field values (strings, floats, lists) that Structs and dicts both hold "
                f"come to {floor:.2f}x of the dicts' total by themselves, so no container can "
                f"go below that; the Struct objects alone take {containers:.2f}x of the "
                "memory of the dict objects alone."
            ),
        ),
        Figure(
            SECTION,
            "floor for any container: field values / dicts",
            floor,
            None,
            f"{format_bytes(leaves)} of values ({leaves / movie_count:,.0f} B per movie)",
        ),
        Figure(
            SECTION,
            "containers alone: Struct objects / dict objects",
            containers,
            None,
            f"{(structs - leaves) / movie_count:,.0f} vs {(dicts - leaves) / movie_count:,.0f} "
            "B per movie",
        ),
    ]
