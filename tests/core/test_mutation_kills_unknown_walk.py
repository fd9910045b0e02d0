"""Finding the keys no model declares: every container, tags, odd keys and their JSON paths.

Each test starts from an empty table of walk plans.  mutmut forks every mutant from the process
that ran its stats run, so plans cached there (built by the real code) would hide every change
to the code that builds them: without a fresh table the builder's mutants could not be caught.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union

import msgspec
import pytest

from tmdbfusion import _unknown_walk
from tmdbfusion._unknown_walk import UnknownField, find_unknown_fields, format_path
from tmdbfusion.exceptions import ResponseValidationError
from tmdbfusion.testing import FakeTMDB


@pytest.fixture(autouse=True)
def fresh_plans(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(_unknown_walk, "_PLANS", {})
    yield


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


# --- TMDB-shaped models: a movie with appended parts, search/multi, watch providers -----------


class Genre(msgspec.Struct):
    id: int
    name: str


class Collection(msgspec.Struct):
    id: int
    name: str
    poster_path: str | None = None


class CastMember(msgspec.Struct):
    id: int
    name: str
    character: str = ""


class CrewMember(msgspec.Struct):
    id: int
    name: str
    job: str = ""


class Credits(msgspec.Struct):
    cast: list[CastMember] = []
    crew: list[CrewMember] = []


class Provider(msgspec.Struct):
    provider_id: int
    provider_name: str


class CountryProviders(msgspec.Struct):
    link: str
    flatrate: list[Provider] | None = None
    rent: list[Provider] | None = None


class WatchProviders(msgspec.Struct):
    results: dict[str, CountryProviders] = {}


class MovieDetails(msgspec.Struct, omit_defaults=True):
    id: int
    title: str
    genres: list[Genre] = []
    belongs_to_collection: Collection | None = None
    release_date: str | None = None
    credits: Credits | None = None
    watch_providers: WatchProviders | None = msgspec.field(name="watch/providers", default=None)


class MovieResult(msgspec.Struct, tag_field="media_type", tag="movie"):
    id: int
    title: str = ""
    genre_ids: list[int] = []


class TvResult(msgspec.Struct, tag_field="media_type", tag="tv"):
    id: int
    name: str = ""
    origin_country: list[str] = []


class PersonResult(msgspec.Struct, tag_field="media_type", tag="person"):
    id: int
    name: str = ""
    known_for: list[MovieResult | TvResult] = []


class MultiPage(msgspec.Struct):
    page: int
    results: list[MovieResult | TvResult | PersonResult]
    total_pages: int
    total_results: int


def test_a_movie_with_appended_parts_is_reported_in_document_order() -> None:
    body = (
        b'{"id":550,"tagline_v2":"x","title":"Fight Club",'
        b'"genres":[{"id":18,"name":"Drama"},{"id":53,"name":"Thriller","slug":"thriller"}],'
        b'"belongs_to_collection":{"id":1,"name":"C","poster_path":null,"backdrop":"/b.jpg"},'
        b'"release_date":null,'
        b'"credits":{"cast":[{"id":1,"name":"E","character":"N"},{"id":2,"name":"B","order":1}],'
        b'"crew":[{"id":3,"name":"D","job":"Director","department":"Directing"}],'
        b'"guest_stars":[]},'
        b'"watch/providers":{"results":{"US":{"link":"https://x","flatrate":[{"provider_id":8,'
        b'"provider_name":"Netflix","display_priority":1}],"rent":null},"DE":{"link":"https://y",'
        b'"buy":[]}}},'
        b'"watch_providers":{}}'
    )
    assert found(body, MovieDetails) == [
        ("MovieDetails", "$.tagline_v2", "tagline_v2"),
        ("Genre", "$.genres[1].slug", "slug"),
        ("Collection", "$.belongs_to_collection.backdrop", "backdrop"),
        ("CastMember", "$.credits.cast[1].order", "order"),
        ("CrewMember", "$.credits.crew[0].department", "department"),
        ("Credits", "$.credits.guest_stars", "guest_stars"),
        (
            "Provider",
            '$["watch/providers"].results.US.flatrate[0].display_priority',
            "display_priority",
        ),
        ("CountryProviders", '$["watch/providers"].results.DE.buy', "buy"),
        # The Python name of a renamed field is not the key TMDB sends.
        ("MovieDetails", "$.watch_providers", "watch_providers"),
    ]
    known = (
        b'{"id":550,"title":"Fight Club","genres":[{"id":18,"name":"Drama"}],'
        b'"belongs_to_collection":null,"release_date":"1999-10-15","credits":null,'
        b'"watch/providers":{"results":{"US":{"link":"https://x","flatrate":null}}}}'
    )
    assert find_unknown_fields(known, MovieDetails) == []
    # omit_defaults changes what is encoded, not what is declared.
    encoded = msgspec.json.encode(MovieDetails(id=1, title="A"))
    assert find_unknown_fields(encoded, MovieDetails) == []


def test_search_multi_is_walked_by_media_type_and_skips_what_it_cannot_tell() -> None:
    body = (
        b'{"page":1,"results":['
        b'{"media_type":"movie","id":1,"title":"A","genre_ids":[18],"video":false},'
        b'{"media_type":"tv","id":2,"name":"B","origin_country":["US"],"first_air_date":""},'
        b'{"media_type":"person","id":3,"name":"C","gender":2,"known_for":['
        b'{"media_type":"tv","id":4,"name":"D","vote":1},'
        b'{"media_type":"movie","id":5,"title":"E","vote":2},'
        b'{"media_type":"collection","id":6,"odd":1},{"id":7,"odd":2},[1]]},'
        b'{"media_type":"collection","id":8,"odd":3},{"id":9,"odd":4},null,3],'
        b'"total_pages":1,"total_results":9,"cursor":"n"}'
    )
    assert found(body, MultiPage) == [
        ("MovieResult", "$.results[0].video", "video"),
        ("TvResult", "$.results[1].first_air_date", "first_air_date"),
        ("PersonResult", "$.results[2].gender", "gender"),
        ("TvResult", "$.results[2].known_for[0].vote", "vote"),
        ("MovieResult", "$.results[2].known_for[1].vote", "vote"),
        ("MultiPage", "$.cursor", "cursor"),
    ]


def test_a_tag_that_no_model_could_have_is_left_to_the_typed_decode() -> None:
    # A tag is a string or an int; a list there is unhashable and must not break the walk.
    for tag in (b'["movie"]', b'{"a":1}', b"true", b"1", b"null"):
        result = b'{"media_type":' + tag + b',"id":1,"odd":0}'
        body = b'{"page":1,"results":[' + result + b'],"total_pages":1,"total_results":1}'
        assert find_unknown_fields(body, MultiPage) == [], tag


def test_a_malformed_tag_fails_as_the_typed_decode_says_in_every_mode() -> None:
    body = {
        "page": 1,
        "results": [{"media_type": ["movie"], "id": 1}],
        "total_pages": 1,
        "total_results": 1,
    }
    with FakeTMDB() as tmdb:
        tmdb.add_route("GET", "/3/search/multi", body)
        for mode in ("ignore", "warn", "error"):
            with tmdb.client(unknown_fields=mode) as client:
                with pytest.raises(ResponseValidationError) as got:
                    client.search.multi("Arrow")
                assert "at $.results[0].media_type: Expected `str`" in str(got.value), mode


class ByNumber(msgspec.Struct, tag_field="kind", tag=1):
    id: int


class ByOtherNumber(msgspec.Struct, tag_field="kind", tag=2):
    id: int
    extra: int = 0


class Numbered(msgspec.Struct):
    items: list[ByNumber | ByOtherNumber] = []
    one: ByNumber | None = None


def test_int_tags_pick_their_model_and_a_bool_is_no_int_tag() -> None:
    body = (
        b'{"items":[{"kind":2,"id":1,"extra":3,"a":0},{"kind":1,"id":2,"extra":3},'
        b'{"kind":true,"id":3,"b":0},{"kind":"1","id":4,"c":0}],'
        b'"one":{"kind":1,"id":5,"d":0}}'
    )
    assert found(body, Numbered) == [
        ("ByOtherNumber", "$.items[0].a", "a"),
        ("ByNumber", "$.items[1].extra", "extra"),
        ("ByNumber", "$.one.d", "d"),
    ]


class Loose(msgspec.Struct):
    anything: Any = None
    raw: msgspec.Raw = msgspec.Raw()
    json_value: int | str | float | bool | None = None
    labels: dict[str, str] = {}
    free: dict[str, Any] = {}
    any_items: list[Any] = []
    objects: list[dict[str, Any]] = []
    pair: tuple[int, dict[str, Any]] | None = None
    by_year: dict[str, list[Cast]] = {}
    grid: list[list[Cast]] | None = None


def test_keys_of_free_dicts_and_any_values_are_data_not_unknown_fields() -> None:
    body = (
        b'{"anything":{"x":{"y":1}},"raw":{"z":[{"w":1}]},"json_value":{"v":1},'
        b'"labels":{"en":"a","pt-BR":"b"},"free":{"k":{"deep":1}},'
        b'"any_items":[{"q":1},2],"objects":[{"r":1}],"pair":[1,{"s":1}],'
        b'"by_year":{"2024":[{"id":1},{"id":2,"t":0}],"y1999":[]},'
        b'"grid":[[],[{"id":1},{"id":2,"u":0}]],'
        b'"new":1}'
    )
    assert found(body, Loose) == [
        ("Cast", '$.by_year["2024"][1].t', "t"),
        ("Cast", "$.grid[1][1].u", "u"),
        ("Loose", "$.new", "new"),
    ]
    assert find_unknown_fields(b'{"k":{"deep":1}}', dict[str, Any]) == []
    assert find_unknown_fields(b'[{"q":1}]', list[dict[str, int]]) == []


class Camel(msgspec.Struct, rename="camel"):
    release_date: str = ""
    vote_count: int = 0
    poster: str = msgspec.field(name="poster_path", default="")


def test_renamed_fields_are_known_by_their_encoded_names_only() -> None:
    body = b'{"releaseDate":"","voteCount":1,"poster_path":"/p","release_date":"","poster":""}'
    assert found(body, Camel) == [
        ("Camel", "$.release_date", "release_date"),
        ("Camel", "$.poster", "poster"),
    ]


class Described(msgspec.Struct):
    items: Annotated[list[Cast], msgspec.Meta(description="a list")] | None = None
    one: Annotated[Cast, msgspec.Meta(description="one")] | None = None
    by_country: Annotated[dict[str, Cast], msgspec.Meta(title="countries")] | None = None
    always: Annotated[list[Cast], msgspec.Meta(description="never null")] = []


def test_fields_and_union_members_with_a_description_are_walked_like_bare_ones() -> None:
    body = (
        b'{"items":[{"id":1,"a":0}],"one":{"id":2,"b":0},"by_country":{"US":{"id":3,"c":0}},'
        b'"always":[{"id":4,"d":0}]}'
    )
    assert found(body, Described) == [
        ("Cast", "$.items[0].a", "a"),
        ("Cast", "$.one.b", "b"),
        ("Cast", "$.by_country.US.c", "c"),
        ("Cast", "$.always[0].d", "d"),
    ]
