"""Finding the keys no model declares: every container, tags, odd keys and their JSON paths."""

from __future__ import annotations

from typing import Annotated, Literal, Union

import msgspec

from tmdbfusion._unknown_walk import UnknownField, find_unknown_fields, format_path


class Cast(msgspec.Struct):
    id: int


class Movie(msgspec.Struct, tag_field="media_type", tag="movie"):
    id: int
    title: str = ""


class Show(msgspec.Struct, tag_field="media_type", tag="tv"):
    id: int
    name: str = ""


class Shapes(msgspec.Struct, kw_only=True):
    in_set: frozenset[int] = frozenset()
    in_tuple: tuple[Cast, ...] = ()
    in_list_set: set[int] = set()
    by_country: dict[str, Cast] = {}
    either: Union[Cast, list[Cast], None] = None  # noqa: UP007
    mapping_or_list: Union[dict[str, Cast], list[Cast], None] = None  # noqa: UP007
    only_list: Union[list[Cast], int, None] = None  # noqa: UP007
    sized: Annotated[list[Cast], msgspec.Meta(max_length=5)] = []
    plain: int | str = 0
    results: list[Union[Movie, Show]] = []  # noqa: UP007
    kind: Literal["a", "b"] = "a"
    scalars: dict[str, int] = {}


class Node(msgspec.Struct):
    id: int
    child: Node | None = None


def found(body: bytes, cast_to: object) -> list[tuple[str, str, str]]:
    return [tuple(f) for f in find_unknown_fields(body, cast_to)]  # type: ignore[misc]


def test_every_container_is_walked_with_its_path() -> None:
    body = (
        b'{"in_tuple":[{"id":1},{"id":2,"a":0}],'
        b'"by_country":{"DE":{"id":1,"b":0},"1x":{"id":2,"c":0}},'
        b'"either":[{"id":1,"d":0}],'
        b'"mapping_or_list":{"US":{"id":1,"e":0}},'
        b'"only_list":[{"id":1,"f":0}],'
        b'"sized":[{"id":1,"g":0}],'
        b'"plain":"x","kind":"b","scalars":{"x":1},"in_set":[1],"in_list_set":[2],'
        b'"results":[{"media_type":"tv","id":1,"h":0},{"media_type":"movie","id":2,"i":0},'
        b'{"media_type":"person","id":3,"j":0},"odd"],'
        b'"new key":1}'
    )
    assert found(body, Shapes) == [
        ("Cast", "$.in_tuple[1].a", "a"),
        ("Cast", "$.by_country.DE.b", "b"),
        ("Cast", '$.by_country["1x"].c', "c"),
        ("Cast", "$.either[0].d", "d"),
        ("Cast", "$.mapping_or_list.US.e", "e"),
        ("Cast", "$.only_list[0].f", "f"),
        ("Cast", "$.sized[0].g", "g"),
        ("Show", "$.results[0].h", "h"),
        ("Movie", "$.results[1].i", "i"),
        ("Shapes", '$["new key"]', "new key"),
    ]


def test_an_object_member_of_a_union_walks_objects_and_leaves_other_shapes() -> None:
    assert found(b'{"either":{"id":1,"z":0}}', Shapes) == [("Cast", "$.either.z", "z")]
    # Shapes the typed decode will refuse are left to it.
    assert found(b'{"either":5,"in_tuple":{"id":1},"by_country":[1]}', Shapes) == []
    assert found(b'{"only_list":{"id":1,"z":0}}', Shapes) == []
    assert found(b"[1]", Shapes) == []


def test_a_recursive_model_is_walked_to_any_depth() -> None:
    body = b'{"id":1,"child":{"id":2,"child":{"id":3,"deep":true}}}'
    assert find_unknown_fields(body, Node) == [UnknownField("Node", "$.child.child.deep", "deep")]


def test_types_with_nothing_to_walk_and_bodies_that_are_not_json_find_nothing() -> None:
    assert find_unknown_fields(b'{"a":1}', dict[str, int]) == []
    assert find_unknown_fields(b"[1,2]", list[int]) == []
    assert find_unknown_fields(b"{not json", Cast) == []
    assert find_unknown_fields(b'[{"id":1,"x":2}]', list[Cast]) == [
        UnknownField("Cast", "$[0].x", "x")
    ]


def test_format_path_joins_segments_after_the_root() -> None:
    assert format_path([]) == "$"
    assert format_path([".results", "[3]", ".id"]) == "$.results[3].id"
