"""Decoding: generated models vs json.loads, pydantic v2, untyped msgspec, hand-written Structs.

Every variant decodes the same bytes (an example of the pinned document) into its own result:
``json.loads`` into dicts (what dict-returning wrappers give), pydantic's ``model_validate_json``
on models generated from the same healed schema, ``msgspec.json.decode`` with no type, the
minimal hand-written Structs of :mod:`benchmarks.handwritten`, and the SDK's generated Structs
through the same cached ``msgspec.json.Decoder`` the SDK uses.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from typing import Any

import msgspec

from benchmarks.handwritten import HANDWRITTEN, check_lossless
from benchmarks.payloads import Payload, compact_json, load_payloads
from benchmarks.report import Figure, at_most, compare
from benchmarks.timing import Effort, Samples, interleaved
from tmdbfusion._decode import decoder_for

SECTION = "Decoding"

GENERATED = "generated"
JSON_LOADS = "json.loads"
PYDANTIC = "pydantic v2"
UNTYPED = "msgspec untyped"
HAND = "hand-written Struct"


def variants_for(payload: Payload, pydantic_model: Any | None) -> dict[str, Callable[[], object]]:
    """The decoders compared on one payload, each a no-argument call decoding its bytes."""
    body = payload.body
    variants: dict[str, Callable[[], object]] = {
        GENERATED: functools.partial(decoder_for(payload.model).decode, body),
        JSON_LOADS: functools.partial(json.loads, body),
        UNTYPED: functools.partial(msgspec.json.Decoder().decode, body),
        HAND: functools.partial(msgspec.json.Decoder(HANDWRITTEN[payload.key]).decode, body),
    }
    if pydantic_model is not None:
        variants[PYDANTIC] = functools.partial(pydantic_model.model_validate_json, body)
    return variants


def tag_cost(samples: Samples, diagnostic: Figure) -> str:
    """What bounds the json.loads ratio of a payload of tagged unions, with its numbers."""
    return (
        f"the hand-written Structs with the same tagged unions take "
        f"{samples.ratio(HAND, JSON_LOADS):.2f}x of json.loads and msgspec with no type at all "
        f"{samples.ratio(UNTYPED, JSON_LOADS):.2f}x, while the same data with `media_type` "
        f"moved first decodes at {diagnostic.value:.2f}x: msgspec reads an object twice (to "
        "find its tag, then to decode it) when the tag is not its first key, and TMDB sends "
        "`media_type` last or midway."
    )


def figures_for(
    payload: Payload, samples: Samples, diagnostic: Figure | None = None
) -> list[Figure]:
    """The rows of one payload: generated against each alternative.

    ``diagnostic`` is the payload's :func:`tag_position_figure`, when it has tagged unions.
    """

    def row(other: str, target_bound: float | None) -> Figure:
        return compare(
            SECTION,
            f"{payload.label} ({len(payload.body) / 1000:.1f} kB): generated / {other}",
            samples,
            GENERATED,
            other,
            at_most(target_bound) if target_bound is not None else None,
        )

    rows = [row(JSON_LOADS, 0.35)]
    if diagnostic is not None:
        rows[0] = dataclasses.replace(rows[0], limit=tag_cost(samples, diagnostic))
    if PYDANTIC in samples.seconds:
        rows.append(row(PYDANTIC, 0.5))
    rows.append(row(HAND, 1.15))
    rows.append(row(UNTYPED, None))
    if diagnostic is not None:
        rows.append(diagnostic)
    return rows


def tag_first(value: Any) -> Any:
    """A copy of a JSON value with ``media_type`` moved to the front of every object holding it."""
    if isinstance(value, list):
        return [tag_first(item) for item in value]
    if not isinstance(value, dict):
        return value
    moved = {key: tag_first(item) for key, item in value.items()}
    if "media_type" in moved:
        moved = {"media_type": moved.pop("media_type"), **moved}
    return moved


def tag_position_figure(payload: Payload, effort: Effort) -> Figure:
    """Diagnostic: the same payload with each ``media_type`` first, generated / json.loads.

    msgspec finds a tagged union's variant from its tag; when the tag is not an object's first
    key (TMDB sends it last or midway) it skips ahead to it and then parses the object again.
    """
    body = compact_json(tag_first(payload.value))
    samples = interleaved(
        {
            GENERATED: functools.partial(decoder_for(payload.model).decode, body),
            JSON_LOADS: functools.partial(json.loads, body),
        },
        effort,
    )
    return compare(
        SECTION,
        f"{payload.label}, media_type moved first (diagnostic): generated / json.loads",
        samples,
        GENERATED,
        JSON_LOADS,
        None,
    )


def run(effort: Effort, *, with_pydantic: bool = True) -> list[Figure]:
    """Measure every payload; ``with_pydantic=False`` leaves pydantic out (it is optional)."""
    payloads = load_payloads()
    models: dict[str, Any] = {}
    if with_pydantic:
        from benchmarks.pydantic_models import pydantic_models

        models = pydantic_models(payloads)
    figures = []
    for payload in payloads:
        check_lossless(payload.key, payload.body)
        model = models.get(payload.key)
        if model is not None:
            # Decoded once outside the timing: a schema it rejected would fail every call.
            model.model_validate_json(payload.body)
        samples = interleaved(variants_for(payload, model), effort)
        diagnostic = (
            tag_position_figure(payload, effort) if b'"media_type"' in payload.body else None
        )
        figures.extend(figures_for(payload, samples, diagnostic))
    return figures
