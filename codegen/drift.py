"""Compare two TMDB documents and report what changes for the SDK's users.

``python -m codegen drift`` compares a base document (default: the pinned one, verified against
its sha256) with an upstream one (default: the pinned URL, downloaded) in two ways:

1. **The SDK surface.** Both documents are healed and planned exactly as ``generate`` does, and
   the plans are compared: operations (by HTTP method and path, with their Python method names),
   their parameters and request body fields, their response types, and every model and union with
   its fields. This is what would change in the generated SDK.
2. **The raw documents.** Both are walked side by side. Differences under ``description``,
   ``summary``, ``example``, ``examples``, ``title`` or ``externalDocs`` (and in ``info``) are
   documentation-only: counted, and listed only on request. Other differences are *absorbed by
   healing* when the two healed documents agree at that location (a ``default: null`` healing
   drops, new keys of a country map, fields a union variant already had from the examples), and
   *without effect* when they survive healing but the operation's method and models come out the
   same (or lie in parts of the document the generator does not read, such as ``servers``).
   The rest are what caused the SDK changes of their operation.

``drift_surface`` does the first, ``drift_raw`` the second; ``drift_report`` holds what they find
and ``drift_render`` prints it. This module puts them together.

Operations are labelled ``GET /3/movie/{movie_id}`` -> ``movies.details``. A model is shared by
the operations that return it, so its field changes are reported once, under the model, with the
operations that use it.

Every SDK change is classified for SDK users:

- **breaking**: an operation removed; a method renamed; a response type changed; a parameter or
  body field removed, renamed, become required, added as required, retyped to a narrower type, or
  moved to or from the path (positional <-> keyword); an enum value removed; a model or union
  removed; a response field removed, renamed, become nullable or optional (``str`` ->
  ``str | None = None``) or retyped (including ``Any`` becoming
  a Struct: code that indexed a dict breaks); a union losing a member; a tagged model's tag changed.
- **non-breaking**: an operation, model, union or response field added; an optional parameter or
  body field added; a parameter become optional, widened (``int`` -> ``int | str``, an enum ->
  ``str``) or moved between query and body (both are keyword arguments); an enum value added;
  TMDB's documented default of a parameter changed (the SDK sends nothing when a parameter is
  omitted, so this is TMDB's behaviour, shown in the docstring); a response field no longer
  nullable or become plain, narrowed, or with a new default; a union gaining a member (as an
  enum value would).

The report's exit status for the command line: 0 when the upstream bytes are the base's, 1 when
they differ (even in formatting only: the pin must follow, or ``fetch`` fails), 2 on an error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .drift_raw import node_at, raw_differences
from .drift_render import render_json, render_markdown, render_text
from .drift_report import Absorbed, DriftReport, Source
from .drift_surface import compare_surfaces, plan_or_explain
from .overrides import Overrides, load_overrides
from .spec import load_document, parse_document, read_bytes, read_pin, sha256_hex

__all__ = ["RENDERERS", "compare_documents", "drift", "read_document", "read_pinned"]


def compare_documents(
    base: dict[str, Any],
    upstream: dict[str, Any],
    *,
    base_source: Source,
    upstream_source: Source,
    overrides: Callable[[], Overrides] = load_overrides,
    observations: dict[str, Any] | None = None,
) -> DriftReport:
    """Compare two parsed documents; ``overrides`` loads a fresh set for each (they record use).

    Both are healed with the same ``observations`` (default: the committed real-response facts),
    as ``generate`` heals the pinned one.

    A structural raw difference is absorbed *by healing* when the healed documents agree at its
    location; one that survives healing is absorbed *without effect* when its operation's method
    and models came out unchanged (or when it lies outside the operations); otherwise it is what
    caused the SDK changes reported for that operation.
    """
    old = plan_or_explain(base, overrides(), base_source, observations)
    new = plan_or_explain(upstream, overrides(), upstream_source, observations)
    operations, models = compare_surfaces(old, new)
    report = DriftReport(base_source, upstream_source, operations, models)
    report.stale_overrides = [s for s in new.stale_overrides if s not in old.stale_overrides]
    touched = {op.key for op in operations} | {key for model in models for key in model.operations}
    methods = old.method_names() | new.method_names()
    absorbed: dict[str, Absorbed] = {}
    for difference in raw_differences(base, upstream):
        if difference.documentation:
            report.documentation.append(difference)
            continue
        entry = absorbed.setdefault(
            difference.where, Absorbed(difference.where, methods.get(difference.where, ""))
        )
        if node_at(old.healed, difference.pointer) == node_at(new.healed, difference.pointer):
            entry.by_healing.append(difference)
        elif difference.where not in touched:
            entry.without_effect.append(difference)
    report.absorbed = [
        entry for _, entry in sorted(absorbed.items()) if entry.by_healing or entry.without_effect
    ]
    return report


def read_document(source: str | Path) -> tuple[dict[str, Any], Source, bytes]:
    """Read and parse one document from a path or URL."""
    data = read_bytes(source)
    document = parse_document(data, source=str(source))
    return document, Source(str(source), sha256_hex(data)), data


def read_pinned() -> tuple[dict[str, Any], Source]:
    """Read the pinned document, verified against the pin's sha256."""
    pin = read_pin()
    return load_document(), Source(f"{pin.filename} (pinned)", pin.sha256)


def drift(
    base: str | Path | None = None,
    upstream: str | None = None,
    *,
    save_upstream: Path | None = None,
) -> DriftReport:
    """Compare ``base`` (default: the pinned document) with ``upstream`` (default: the pinned URL).

    ``save_upstream`` keeps a copy of the upstream bytes, for ``update --spec`` to pin afterwards.
    """
    if base is None:
        base_document, base_source = read_pinned()
    else:
        base_document, base_source, _ = read_document(base)
    upstream_document, upstream_source, data = read_document(upstream or read_pin().url)
    if save_upstream is not None:
        save_upstream.parent.mkdir(parents=True, exist_ok=True)
        save_upstream.write_bytes(data)
    if upstream_source.sha256 == base_source.sha256:
        return DriftReport(base_source, upstream_source)  # the same bytes: nothing to plan
    return compare_documents(
        base_document, upstream_document, base_source=base_source, upstream_source=upstream_source
    )


RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
