"""Walking a decoded body against the field tables of its type, to find keys no model declares.

The tables are built once per type from :mod:`msgspec.inspect` (Structs by their JSON names and the
tag key of tagged ones, lists, dicts, unions and tagged unions) and cached.  Only a client made
with ``unknown_fields="warn"`` or ``"error"`` walks anything.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import msgspec
import msgspec.inspect as mi

__all__ = ["UnknownField", "find_unknown_fields", "format_path"]


class UnknownField(NamedTuple):
    """One key of a response that the model at its place does not declare."""

    model: str
    json_path: str
    key: str


class _Node:
    """How to walk the JSON value at one place of a type; None where nothing can be unknown."""

    __slots__ = ()

    def walk(self, value: Any, path: list[str], found: list[UnknownField]) -> None:
        raise NotImplementedError


class _Object(_Node):
    """A Struct: its JSON keys, each with the node of its value."""

    __slots__ = ("fields", "model")

    def __init__(self, model: str) -> None:
        self.model = model
        self.fields: dict[str, _Node | None] = {}

    def walk(self, value: Any, path: list[str], found: list[UnknownField]) -> None:
        if not isinstance(value, dict):
            return  # a shape the typed decode reports itself
        fields = self.fields
        for key, item in value.items():
            if key not in fields:
                found.append(UnknownField(self.model, format_path([*path, _segment(key)]), key))
                continue
            node = fields[key]
            if node is not None:
                path.append(_segment(key))
                node.walk(item, path, found)
                path.pop()


class _Tagged(_Node):
    """Tagged Structs told apart by the value of one key (``media_type``)."""

    __slots__ = ("by_tag", "tag_field")

    def __init__(self, tag_field: str, by_tag: dict[object, _Object]) -> None:
        self.tag_field = tag_field
        self.by_tag = by_tag

    def walk(self, value: Any, path: list[str], found: list[UnknownField]) -> None:
        if isinstance(value, dict):
            tag = value.get(self.tag_field)
            # Tags are str or int; anything else (a list, a bool) is for the typed decode to refuse.
            chosen = self.by_tag.get(tag) if type(tag) in (str, int) else None
            if chosen is not None:
                chosen.walk(value, path, found)


class _Array(_Node):
    """A list (or set, or tuple of any length) of one kind of value."""

    __slots__ = ("item",)

    def __init__(self, item: _Node) -> None:
        self.item = item

    def walk(self, value: Any, path: list[str], found: list[UnknownField]) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                path.append(f"[{index}]")
                self.item.walk(item, path, found)
                path.pop()


class _Mapping(_Node):
    """A dict: its keys are data (country codes), its values have a type."""

    __slots__ = ("value",)

    def __init__(self, value: _Node) -> None:
        self.value = value

    def walk(self, value: Any, path: list[str], found: list[UnknownField]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                path.append(_segment(str(key)))
                self.value.walk(item, path, found)
                path.pop()


class _Either(_Node):
    """A union: an object goes to its object member, an array to its array member."""

    __slots__ = ("array", "object")

    def __init__(self, object_node: _Node | None, array_node: _Node | None) -> None:
        self.object = object_node
        self.array = array_node

    def walk(self, value: Any, path: list[str], found: list[UnknownField]) -> None:
        node = self.object if isinstance(value, dict) else self.array
        if node is not None:
            node.walk(value, path, found)


def _segment(key: str) -> str:
    return f".{key}" if key.isidentifier() else f"[{msgspec.json.encode(key).decode()}]"


def format_path(segments: list[str]) -> str:
    """Join path segments into a JSON path such as ``$.results[3].foo``."""
    return "$" + "".join(segments)


class _Builder:
    """Builds the nodes of one type; Structs met again (recursive models) reuse their node."""

    def __init__(self) -> None:
        self._structs: dict[type, _Object] = {}

    def node(self, info: mi.Type) -> _Node | None:
        if isinstance(info, mi.StructType):
            return self._struct(info)
        if isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
            item = self.node(info.item_type)
            return _Array(item) if item is not None else None
        if isinstance(info, mi.DictType):
            value = self.node(info.value_type)
            return _Mapping(value) if value is not None else None
        if isinstance(info, mi.UnionType):
            return self._union(info)
        if isinstance(info, mi.Metadata):
            return self.node(info.type)
        # Scalars, Any, and shapes the models do not use (fixed tuples, dataclasses).
        return None

    def _struct(self, info: mi.StructType) -> _Object:
        known = self._structs.get(info.cls)
        if known is not None:
            return known
        node = self._structs[info.cls] = _Object(info.cls.__qualname__)
        if info.tag_field is not None:
            node.fields[info.tag_field] = None
        for field in info.fields:
            node.fields[field.encode_name] = self.node(field.type)
        return node

    def _union(self, info: mi.UnionType) -> _Node | None:
        # A member annotated with a description or title comes wrapped in its Metadata.
        members = [m.type if isinstance(m, mi.Metadata) else m for m in info.types]
        structs = [member for member in members if isinstance(member, mi.StructType)]
        object_node: _Node | None
        if len(structs) > 1:
            # msgspec allows several Structs in a union only when they are tagged on one field.
            tag_field = structs[0].tag_field
            assert tag_field is not None
            object_node = _Tagged(tag_field, {s.tag: self._struct(s) for s in structs})
        elif structs:
            object_node = self._struct(structs[0])
        else:
            mappings = [member for member in members if isinstance(member, mi.DictType)]
            object_node = self.node(mappings[0]) if mappings else None
        arrays = [
            member
            for member in members
            if isinstance(member, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType))
        ]
        array_node = self.node(arrays[0]) if arrays else None
        if object_node is None and array_node is None:
            return None
        return _Either(object_node, array_node)


# One walk plan per decoded type, like the decoders themselves.
_PLANS: dict[object, _Node | None] = {}


def _plan_for(cast_to: object) -> _Node | None:
    try:
        return _PLANS[cast_to]
    except KeyError:
        plan = _PLANS[cast_to] = _Builder().node(mi.type_info(cast_to))
        return plan


def find_unknown_fields(body: bytes, cast_to: object) -> list[UnknownField]:
    """List every key of a JSON body that the models of ``cast_to`` do not declare.

    Parameters
    ----------
    body : bytes
        A JSON document.
    cast_to : type
        The type the body decodes into.

    Returns
    -------
    list[UnknownField]
        In document order; empty when the body is not JSON (the typed decode reports that).
    """
    plan = _plan_for(cast_to)
    if plan is None:
        return []
    try:
        value = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return []
    found: list[UnknownField] = []
    plan.walk(value, [], found)
    return found
