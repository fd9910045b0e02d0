"""Heal with observations: what real recorded responses showed, beyond the document's examples.

``openapi/observations.json`` (written by ``codegen observe``) holds, per operation and JSON path,
how often each key was present, absent and null, and its JSON kinds. Two rules use it:

- ``evidence_examples``: the facts become skeleton example values (one with every key that was
  ever null set to ``null``, one without), which the heal stage merges like the document's own
  examples. So a key the API sends but the document lacks becomes a field with its observed kind,
  a key seen null becomes nullable, and an integer seen as a float widens, through the same rules.
- ``mark_present``: a key becomes *present* (``x-present`` on its object schema, planned as a
  plain field without ``| None``) when the evidence agrees it is always there and never null.

The minimum support is ``MIN_SUPPORT`` objects, counting the document's examples and the real
recordings together, at least one of them real. Three is the smallest number that needs more than
the one example TMDB documents per operation plus one recording: a key that a single real response
happens to carry is not promised to every user, while the 2-3 recordings most operations have
(and the dozens that list items have) are enough to trust the ids, names and dates the API always
sends. A key absent or null even once stays optional, and so does a key that any operation's
responses showed as null (``keys_seen_null``): ``poster_path`` is null for some movie in one
list, so it is promised nowhere, however many posters another list happened to show.

A model shared by several operations pools their support (``x-support``, summed by
``merge_schemas``; decided by ``pooled_present``): the one recording of a guest session's rated
movies adds to the dozens of search and list results instead of vetoing them, while one absence
or null anywhere still keeps the key optional. ``fields:`` overrides force a field either way.
"""

from __future__ import annotations

from typing import Any

from .schema import Schema, base_type, is_nullable

MIN_SUPPORT = 3
COUNTRY_SAMPLES = ("DE", "GB", "US")
PRESENT = "x-present"
# Per object schema: how many objects the evidence saw there and, per key, how often it was seen,
# seen null and seen in a real response. ``merge_schemas`` sums it when one model is shared.
SUPPORT = "x-support"
# Per object schema: keys this evidence refuses to promise whatever the counts say (a key seen null
# in another operation; the root keys of an appended body). ``merge_schemas`` joins them.
OPTIONAL = "x-optional"
SCALAR_SAMPLES: dict[str, Any] = {"integer": 0, "number": 0.5, "string": "", "boolean": False}

Facts = dict[str, dict[str, dict[str, Any]]]  # place -> key -> facts


def keys_seen_null(observations: dict[str, Any]) -> frozenset[str]:
    """Every key that was ``null`` somewhere in the recorded responses, whatever the operation."""
    return frozenset(
        key
        for facts in observations.get("operations", {}).values()
        for keys in facts.get("fields", {}).values()
        for key, key_facts in keys.items()
        if key_facts.get("null", 0)
    )


def _child(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key


def _item_places(fields: Facts, place: str) -> list[tuple[str, str | None]]:
    """The places of a list's items: ``x[]`` and the tagged ``x[movie]``, with their tags."""
    found: list[tuple[str, str | None]] = []
    for candidate in sorted(fields):
        if candidate == f"{place}[]":
            found.append((candidate, None))
        elif candidate.startswith(f"{place}[") and candidate.endswith("]"):
            tag = candidate[len(place) + 1 : -1]
            if "[" not in tag and "." not in tag:
                found.append((candidate, tag))
    return found


def _skeleton(fields: Facts, place: str, with_nulls: bool) -> dict[str, Any]:
    return {
        key: _value(fields, _child(place, key), facts, with_nulls)
        for key, facts in fields.get(place, {}).items()
    }


def _value(fields: Facts, place: str, facts: dict[str, Any], with_nulls: bool) -> Any:
    kinds = {kind: count for kind, count in facts.get("types", {}).items() if kind != "null"}
    if not kinds or (with_nulls and facts.get("null", 0)):
        return None
    if "number" in kinds and set(kinds) <= {"integer", "number"}:
        return 0.5
    if len(kinds) > 1:
        # A change record's ``value`` is a string in one entry and an object in the next: such a
        # key is only known to exist; its type is what the document (or an override) says.
        return None
    kind = next(iter(kinds))
    if kind == "object":
        if f"{place}.{{country}}" in fields:
            value = _skeleton(fields, f"{place}.{{country}}", with_nulls)
            return {country: value for country in COUNTRY_SAMPLES}
        return _skeleton(fields, place, with_nulls)
    if kind == "array":
        scalars = {
            name: count
            for name, count in facts.get("item_types", {}).items()
            if name in SCALAR_SAMPLES
        }
        if len(scalars) == 1:
            return [SCALAR_SAMPLES[next(iter(scalars))]]
        items = []
        for item_place, tag in _item_places(fields, place):
            item = _skeleton(fields, item_place, with_nulls)
            if tag is not None:
                item["media_type"] = tag
            items.append(item)
        return items
    return SCALAR_SAMPLES.get(kind)


def evidence_examples(fields: Facts) -> list[Any]:
    """Skeleton example values of one operation's response, built from its observed facts."""
    if "" not in fields:
        return []
    return [_skeleton(fields, "", with_nulls=False), _skeleton(fields, "", with_nulls=True)]


def _support(facts: list[dict[str, Any]], objects: int) -> tuple[int, int, int]:
    seen = sum(f.get("seen", 0) for f in facts)
    null = sum(f.get("null", 0) for f in facts)
    return seen, objects - seen, null


def _objects_at(fields: Facts, places: list[str]) -> int:
    """How many objects were seen at these places (every key of a place is counted in each)."""
    total = 0
    for place in places:
        keys = fields.get(place, {})
        total += max((f.get("seen", 0) + f.get("absent", 0) for f in keys.values()), default=0)
    return total


def mark_present(
    schema: Schema,
    real: Facts,
    documented: Facts,
    place: str = "",
    places: list[str] | None = None,
    never_plain: frozenset[str] = frozenset(),
) -> tuple[Schema, list[str]]:
    """Return ``schema`` with ``x-present`` set on its objects; also the JSON paths made present.

    ``real`` holds the facts of the recorded responses, ``documented`` those of the document's
    examples, both for the same operation. A key is present when it was seen at least
    ``MIN_SUPPORT`` times over both, at least once in a real response, never absent and never null,
    and the healed schema does not admit null for it.
    """
    places = places if places is not None else [place]
    kind = base_type(schema)
    marked: list[str] = []
    if "oneOf" in schema:
        variants = []
        for variant in schema["oneOf"]:
            tag = variant.get("properties", {}).get("media_type", {}).get("enum", [None])[0]
            own = [p for p in places if p.endswith(f"[{tag}]")]
            own += [p[:-2] + f"[{tag}]" for p in places if p.endswith("[]")]
            healed, found = mark_present(
                variant, real, documented, place, sorted(set(own)), never_plain
            )
            variants.append(healed)
            marked += found
        return {**schema, "oneOf": variants}, marked
    if kind == "array" and isinstance(schema.get("items"), dict):
        item_places = [
            item for p in places for item, _ in _item_places(real, p) + _item_places(documented, p)
        ]
        item_places = sorted(set(item_places)) or [f"{p}[]" for p in places]
        items, marked = mark_present(
            schema["items"], real, documented, f"{place}[]", item_places, never_plain
        )
        return {**schema, "items": items}, marked
    if kind != "object":
        return schema, marked
    result = dict(schema)
    if isinstance(schema.get("additionalProperties"), dict):
        value_places = [f"{p}.{{country}}" for p in places]
        result["additionalProperties"], found = mark_present(
            schema["additionalProperties"], real, documented, place, value_places, never_plain
        )
        marked += found
    properties = schema.get("properties", {})
    if not properties:
        return result, marked
    real_objects = _objects_at(real, places)
    documented_objects = _objects_at(documented, places)
    present = []
    new_properties = {}
    support: dict[str, Any] = {"objects": real_objects + documented_objects, "keys": {}}
    for key, sub in properties.items():
        real_facts = [real[p][key] for p in places if key in real.get(p, {})]
        documented_facts = [documented[p][key] for p in places if key in documented.get(p, {})]
        objects = real_objects + documented_objects
        seen, absent, null = _support(real_facts + documented_facts, objects)
        real_seen = sum(f.get("seen", 0) for f in real_facts)
        if seen:
            support["keys"][key] = {"seen": seen, "null": null, "real": real_seen}
        if (
            real_objects
            and real_seen
            and seen >= MIN_SUPPORT
            and absent == 0
            and null == 0
            and not is_nullable(sub)
            and key not in never_plain
        ):
            present.append(key)
            marked.append(_child(place, key))
        child_places = [_child(p, key) for p in places]
        new_properties[key], found = mark_present(
            sub, real, documented, _child(place, key), child_places, never_plain
        )
        marked += found
    result["properties"] = new_properties
    if present:
        result[PRESENT] = sorted(present)
    else:
        result.pop(PRESENT, None)
    result.pop(SUPPORT, None)
    if support["objects"]:
        result[SUPPORT] = support
    refused = sorted(never_plain & set(properties))
    if refused:
        result[OPTIONAL] = sorted({*result.get(OPTIONAL, []), *refused})
    return result, marked


def refuse_root_keys(schema: Schema) -> Schema:
    """Return ``schema`` with none of its own keys promised (an appended body may lack them)."""
    result = {key: value for key, value in schema.items() if key != PRESENT}
    if result.get("properties"):
        result[OPTIONAL] = sorted({*result.get(OPTIONAL, []), *result["properties"]})
    return result


def pooled_present(schema: Schema) -> list[str]:
    """The keys of a (possibly shared) object schema that its pooled evidence promises.

    One model often serves several operations (``MovieSummary`` lists search results, popular
    movies and a guest session's rated movies). ``merge_schemas`` sums their ``x-support``, and a
    key is promised when the pooled counts pass the rule of ``mark_present``: seen in at least
    ``MIN_SUPPORT`` objects, at least one of them real, never absent from an object seen at any
    of those places and never null, not refused (``x-optional``) and not nullable in the merged
    schema. So an operation with one recording that agrees adds its support instead of vetoing
    what the dozens of objects of the other operations showed, while one object without the key,
    or one null, anywhere still keeps it optional. An operation with no evidence at a place adds
    nothing either way: the entity is the same wherever the name is used.
    """
    support = schema.get(SUPPORT, {})
    objects = int(support.get("objects", 0))
    refused = set(schema.get(OPTIONAL, ()))
    promised = []
    for key, sub in schema.get("properties", {}).items():
        facts = support.get("keys", {}).get(key)
        if facts is None or key in refused or is_nullable(sub):
            continue
        seen, null, real_seen = facts["seen"], facts["null"], facts["real"]
        if real_seen and seen >= MIN_SUPPORT and seen == objects and null == 0:
            promised.append(key)
    return sorted(promised)


def without_support(schema: Any) -> Any:
    """A copy of ``schema`` without evidence counts (a copied schema must not count them twice)."""
    if isinstance(schema, dict):
        return {k: without_support(v) for k, v in schema.items() if k != SUPPORT}
    if isinstance(schema, list):
        return [without_support(v) for v in schema]
    return schema
