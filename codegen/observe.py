"""Observe: distil recorded TMDB responses into facts about each response field.

This stage runs only when a maintainer refreshes the evidence (``python -m codegen observe``):
it reads a corpus of recorded responses and writes ``openapi/observations.json``, which is
committed and reviewed like any other input. ``generate`` never needs the corpus.

A corpus is a folder with a ``MANIFEST.json`` list; each entry names a ``file`` (a JSON body) and
its ``method`` and ``path_template`` (as in TMDB's document), with optional ``http_status`` (error
bodies, skipped), ``recorded_year`` and ``confidence``. Users can record their own responses and
feed them the same way; several corpora are merged.

What is kept, per operation (``"GET /3/movie/{movie_id}"``) and JSON path (``results[].title``):

- ``seen``: how many objects at that place had the key; ``absent``: how many lacked it;
- ``null``: how many of the ``seen`` values were ``null``; ``types``: JSON kinds and their counts;
- ``item_types``: for lists, the JSON kinds of their items;
- ``formats``: for strings, ``date`` (``YYYY-MM-DD``), ``datetime`` (ISO 8601 with a time),
  ``empty`` (``""``) or ``text``;
- ``values``: for a small closed vocabulary only (at most ``MAX_VOCABULARY`` short code-like
  strings, each seen twice on average, such as ``media_type`` or a video's ``type``), the values
  and their counts;
- ``absent_years``: the recording years in which the key was missing (an old recording may predate
  a field TMDB added later).

Facts, never bodies: no free text, name, title or overview is ever written, because values are kept
only for keys outside ``FREE_TEXT_KEYS`` and not named like an id, name or title, whose every
value looks like a code. Country-keyed objects collapse to one ``{country}`` segment, the parts
``append_to_response`` added to a body are observed as bodies of the operation that serves each
part on its own (``split_appended``), and items of mixed-media lists are split by their
``media_type`` (``results[movie]``), so a field that only movies carry is not counted as absent.
Values listed in ``EDITED_RECORDINGS`` (bodies a source rewrote) are left out.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}| UTC)?$"
)
COUNTRY_KEY = re.compile(r"^[A-Z]{2}(-[A-Z]{2})?$")
CODE_VALUE = re.compile(r"^[A-Za-z][A-Za-z0-9_ &-]{0,23}$")
# Keys whose values are people's words or names: never recorded, whatever they look like.
FREE_TEXT_KEYS = frozenset(
    {
        "biography", "character", "content", "description", "homepage", "key", "name",
        "original_name", "original_title", "overview", "tagline", "title", "username",
        "also_known_as", "author", "comment", "file_path", "poster_path", "backdrop_path",
        "profile_path", "logo_path", "still_path", "avatar_path", "place_of_birth", "id",
        "credit_id", "imdb_id", "url", "job", "known_for_department", "department",
    }
)  # fmt: skip
# Keys named like identifiers, names or titles (``facebook_id``, ``provider_name``, ``media_title``)
# hold one value per thing, not a vocabulary.
NAME_LIKE_KEY = re.compile(r"(^|_)(id|ids|name|title|source|path|key|url)$")
# Values in recorded bodies of ../shared/real-responses that are not what TMDB sends, by file: the
# JSON paths of the edited values (``[]``: every item), and why. Observe leaves those values out
# (the rest of the body stays evidence), and the contract test removes them before decoding, after
# checking that each listed body still differs there. A user's corpus rarely needs any.
EDITED_RECORDINGS: dict[str, tuple[tuple[str, ...], str]] = {
    "account_account_id__2.json": (
        ("$.avatar",),
        "TMDB sends avatar as an object (gravatar, tmdb); this body is TMDB's 2012-2014 "
        "documentation example whose avatar block php-tmdb rewrote as a list",
    ),
    "movie_movie_id__7.json": (
        (
            "$.popularity",
            "$.images.backdrops[].vote_average",
            "$.images.posters[].vote_average",
            "$.releases",
            "$.similar_movies",
            "$.trailers",
        ),
        "a composite php-tmdb assembled (a 2014 body, parts spliced in up to 2021) with numbers "
        "as strings; TMDB sends popularity and vote_average as JSON numbers in every other "
        "recording, and has retired the releases, similar_movies and trailers appends",
    ),
    "person_person_id__13.json": (
        ("$.popularity",),
        "a body php-tmdb assembled (2014-2016) with popularity as a string; TMDB sends a JSON "
        "number in every other recording",
    ),
    "tv_series_id__7.json": (
        ("$.images.backdrops[].vote_average", "$.images.posters[].vote_average"),
        "a composite php-tmdb assembled (a 2014 body, parts spliced in up to 2021) with image "
        "votes as strings; TMDB sends vote_average as a JSON number since 2015",
    ),
    "tv_series_id_season_season_number__4.json": (
        ("$.images.posters[].vote_average",),
        "recorded in 2014, when TMDB sent an image's vote_average as a string; it sends a JSON "
        "number in every recording since 2015",
    ),
    "tv_series_id_season_season_number_episode_episode_number__4.json": (
        ("$.translations",),
        "php-tmdb spliced a bare translations list into this 2014 body in 2020; TMDB appends "
        "translations as an object holding the list",
    ),
}
MAX_VOCABULARY = 12
OBSERVATIONS_VERSION = 1
OBSERVATIONS = Path(__file__).resolve().parent.parent / "openapi" / "observations.json"


def json_kind(value: object) -> str:
    """The JSON kind of a decoded value: null, boolean, integer, number, string, array, object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def string_format(value: str) -> str:
    """Classify a string: ``empty``, ``date``, ``datetime`` or ``text``."""
    if value == "":
        return "empty"
    if DATE.match(value):
        return "date"
    if DATETIME.match(value):
        return "datetime"
    return "text"


@dataclass
class FieldFacts:
    """What the corpus showed about one key at one place of one operation's responses."""

    seen: int = 0
    absent: int = 0
    null: int = 0
    types: Counter[str] = field(default_factory=Counter)
    formats: Counter[str] = field(default_factory=Counter)
    values: Counter[str] = field(default_factory=Counter)
    item_types: Counter[str] = field(default_factory=Counter)
    vocabulary_open: bool = False
    absent_years: set[int] = field(default_factory=set)

    def add(self, key: str, value: object) -> None:
        """Count one occurrence of ``value`` under ``key``."""
        self.seen += 1
        kind = json_kind(value)
        self.types[kind] += 1
        if value is None:
            self.null += 1
        if isinstance(value, list):
            self.item_types.update(json_kind(item) for item in value)
        if isinstance(value, str):
            self.formats[string_format(value)] += 1
            if key in FREE_TEXT_KEYS or NAME_LIKE_KEY.search(key) or not CODE_VALUE.match(value):
                self.vocabulary_open = True
            elif not self.vocabulary_open:
                self.values[value] += 1
                if len(self.values) > MAX_VOCABULARY:
                    self.vocabulary_open = True
        elif value is not None:
            self.vocabulary_open = True

    def as_json(self) -> dict[str, Any]:
        """The committed form: sorted, without empty entries."""
        out: dict[str, Any] = {"seen": self.seen, "absent": self.absent, "null": self.null}
        out["types"] = dict(sorted(self.types.items()))
        if self.item_types:
            out["item_types"] = dict(sorted(self.item_types.items()))
        if self.formats:
            out["formats"] = dict(sorted(self.formats.items()))
        # A closed vocabulary repeats itself: values each seen about once are more likely names.
        repeats = sum(self.values.values()) >= 2 * len(self.values)
        if self.values and not self.vocabulary_open and repeats:
            out["values"] = dict(sorted(self.values.items()))
        if self.absent_years:
            out["absent_years"] = sorted(self.absent_years)
        return out


@dataclass
class OperationFacts:
    """The facts for one operation: how many responses, and per JSON path per key."""

    responses: int = 0
    fields: dict[str, dict[str, FieldFacts]] = field(default_factory=dict)


@dataclass
class Observations:
    """Facts gathered over one or more corpora."""

    operations: dict[str, OperationFacts] = field(default_factory=dict)
    sources: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def observe(self, operation: str, body: object, year: int | None) -> None:
        """Walk one response body of ``operation``."""
        facts = self.operations.setdefault(operation, OperationFacts())
        facts.responses += 1
        for place, obj in _objects(body, ""):
            keys = facts.fields.setdefault(place, {})
            for key, value in obj.items():
                keys.setdefault(key, FieldFacts()).add(key, value)
            for key, known in keys.items():
                if key not in obj:
                    known.absent += 1
                    if year is not None:
                        known.absent_years.add(year)

    def observe_all(self, bodies: list[tuple[str, object, int | None]]) -> None:
        """Walk ``(operation, body, year)`` triples, counting every key's absence in every object.

        Every key of every place is registered first, so a key that only a later body carries
        still counts as absent from the earlier ones.
        """
        for operation, body, _ in bodies:
            facts = self.operations.setdefault(operation, OperationFacts())
            for place, obj in _objects(body, ""):
                keys = facts.fields.setdefault(place, {})
                for key in obj:
                    keys.setdefault(key, FieldFacts())
        for operation, body, year in bodies:
            self.observe(operation, body, year)

    def as_json(self) -> dict[str, Any]:
        """The whole committed document, deterministic for the same inputs."""
        operations: dict[str, Any] = {}
        for name in sorted(self.operations):
            facts = self.operations[name]
            fields = {
                place: {
                    key: facts.fields[place][key].as_json() for key in sorted(facts.fields[place])
                }
                for place in sorted(facts.fields)
            }
            operations[name] = {"responses": facts.responses, "fields": fields}
        return {
            "version": OBSERVATIONS_VERSION,
            "sources": dict(sorted(self.sources.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "operations": operations,
        }


def _objects(value: object, place: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(path, object)`` for every JSON object in ``value``, outermost first."""
    if isinstance(value, dict):
        if value and all(COUNTRY_KEY.match(key) for key in value) and len(value) >= 3:
            for sub in value.values():
                yield from _objects(sub, f"{place}.{{country}}" if place else "{country}")
            return
        yield place, value
        for key, sub in value.items():
            yield from _objects(sub, f"{place}.{key}" if place else key)
    elif isinstance(value, list):
        for item in value:
            tag = item.get("media_type") if isinstance(item, dict) else None
            segment = f"[{tag}]" if isinstance(tag, str) and tag else "[]"
            yield from _objects(item, place + segment)


def load_manifest(corpus: Path) -> list[dict[str, Any]]:
    """Read ``MANIFEST.json`` of a corpus folder, with a clear error when it is not a list."""
    manifest_path = corpus / "MANIFEST.json"
    try:
        entries = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ValueError(f"{corpus} has no MANIFEST.json: see codegen/observe.py") from error
    if not isinstance(entries, list):
        raise ValueError(f"{manifest_path} must hold a JSON list of entries")
    return entries


def observe_corpora(corpora: Iterable[Path]) -> Observations:
    """Gather the facts of every successful v3 response in ``corpora``."""
    observations = Observations()
    for corpus in corpora:
        entries = load_manifest(corpus)
        bodies: list[tuple[str, object, int | None]] = []
        for entry in entries:
            template = str(entry.get("path_template", ""))
            if entry.get("http_status") is not None:
                observations.skipped["error bodies"] += 1
                continue
            if not template.startswith("/3/"):
                observations.skipped["not v3"] += 1
                continue
            body = json.loads((corpus / str(entry["file"])).read_text(encoding="utf-8"))
            if str(entry["file"]) in EDITED_RECORDINGS:
                observations.skipped["edited bodies trimmed"] += 1
                body = without_paths(body, EDITED_RECORDINGS[str(entry["file"])][0])
            year = entry.get("recorded_year")
            operation = f"{str(entry.get('method', 'GET')).upper()} {template}"
            year = year if isinstance(year, int) else None
            for part_operation, part_body in split_appended(
                operation, body, str(entry.get("request_path") or "")
            ):
                bodies.append((part_operation, part_body, year))
            observations.sources[str(entry.get("source_repo", corpus.name))] += 1
        observations.observe_all(bodies)
    return observations


def without_paths(body: object, paths: Iterable[str]) -> object:
    """A copy of ``body`` without the values at ``paths`` (``$.images.posters[].vote_average``)."""
    result = json.loads(json.dumps(body))
    for path in paths:
        parts = re.findall(r"[^.\[\]$]+|\[\]", path)
        _drop(result, parts)
    return result


def _drop(value: object, parts: list[str]) -> None:
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    if head == "[]":
        for item in value if isinstance(value, list) else []:
            _drop(item, rest)
    elif isinstance(value, dict) and head in value:
        if rest:
            _drop(value[head], rest)
        else:
            del value[head]


def appended_parts(request_path: str) -> list[str]:
    """The ``append_to_response`` names of a recorded request path."""
    query = parse_qs(urlsplit(request_path).query)
    return [part for value in query.get("append_to_response", []) for part in value.split(",")]


def split_appended(operation: str, body: object, request_path: str) -> list[tuple[str, object]]:
    """Split a body into its own part and the parts ``append_to_response`` added to it.

    Each appended part is attributed to the operation that serves it on its own: the ``credits``
    of ``GET /3/movie/{movie_id}`` are a body of ``GET /3/movie/{movie_id}/credits`` (and
    ``watch/providers`` one of ``.../watch/providers``), so what an appended body lacks counts
    against the type both share. A requested name the body lacks (TMDB ignores names it does not
    know) adds nothing.
    """
    parts = [part for part in appended_parts(request_path) if part]
    if not parts or not isinstance(body, dict) or not operation.startswith("GET "):
        return [(operation, body)]
    found = [part for part in dict.fromkeys(parts) if part in body]
    own = {key: value for key, value in body.items() if key not in found}
    split: list[tuple[str, object]] = [(operation, own)]
    return split + [(f"{operation}/{part}", body[part]) for part in found]


def write_observations(observations: Observations, out: Path) -> None:
    """Write the observations with one field per line, so a refresh reviews as a readable diff."""
    document = observations.as_json()
    lines = ["{"]
    lines.append(f' "version": {document["version"]},')
    lines.append(f' "sources": {json.dumps(document["sources"], sort_keys=True)},')
    lines.append(f' "skipped": {json.dumps(document["skipped"], sort_keys=True)},')
    lines.append(' "operations": {')
    operation_items = list(document["operations"].items())
    for index, (name, facts) in enumerate(operation_items):
        lines.append(f"  {json.dumps(name)}: {{")
        lines.append(f'   "responses": {facts["responses"]},')
        lines.append('   "fields": {')
        places = list(facts["fields"].items())
        for place_index, (place, keys) in enumerate(places):
            lines.append(f"    {json.dumps(place)}: {{")
            key_items = list(keys.items())
            for key_index, (key, key_facts) in enumerate(key_items):
                comma = "," if key_index < len(key_items) - 1 else ""
                lines.append(f"     {json.dumps(key)}: {json.dumps(key_facts)}{comma}")
            lines.append("    }" + ("," if place_index < len(places) - 1 else ""))
        lines.append("   }")
        lines.append("  }" + ("," if index < len(operation_items) - 1 else ""))
    lines.append(" }")
    lines.append("}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_observations(path: Path) -> dict[str, Any]:
    """Read a committed observations file (an empty one when it does not exist yet)."""
    if not path.exists():
        return {"version": OBSERVATIONS_VERSION, "sources": {}, "skipped": {}, "operations": {}}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
