"""The caller's arguments: exact messages of each refusal, and the exact wire form of each value."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from typing import Any

import pytest

from tmdbfusion._config import make_config
from tmdbfusion._params import (
    ArgumentTypes,
    check_choices,
    encode_body,
    render_path,
    serialize_query,
)

from .fakes import API_KEY

CONFIG = make_config(
    None,
    api_key=API_KEY,
    access_token=None,
    base_url="https://api.themoviedb.org",
    language="de-DE",
    region="DE",
    timeout=30.0,
    max_retries=0,
    environ={},
)


class Sort(enum.Enum):
    POPULAR = "popularity.desc"


def query(values: dict[str, Any], choices: Any = None) -> list[tuple[str, str]]:
    return serialize_query(values, config=CONFIG, choices=choices)


def test_scalars_take_the_form_tmdb_reads() -> None:
    assert query(
        {
            "include_adult": False,
            "include_video": True,
            "year": 1999,
            "vote_average.gte": 7.5,
            "tiny": 1e-05,
            "big": 1e16,
            "release_date.gte": date(1999, 10, 15),
            "sort_by": Sort.POPULAR,
            "with_genres": (18, 53),
            "without_genres": [],
        }
    ) == [
        ("include_adult", "false"),
        ("include_video", "true"),
        ("year", "1999"),
        ("vote_average.gte", "7.5"),
        ("tiny", "0.00001"),
        ("big", "10000000000000000"),
        ("release_date.gte", "1999-10-15"),
        ("sort_by", "popularity.desc"),
        ("with_genres", "18,53"),
    ]


def test_none_leaves_a_parameter_out_but_language_and_region_take_the_defaults() -> None:
    assert query({"language": None, "region": None, "watch_region": None, "page": None}) == [
        ("language", "de-DE"),
        ("region", "DE"),
    ]
    assert query({"language": "fr-FR", "region": "FR"}) == [("language", "fr-FR"), ("region", "FR")]
    assert query({}) == []
    assert serialize_query(None, config=CONFIG, choices=None) == []


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ({"page": 0}, ValueError, "page must be from 1 to 500 (TMDB's limit); got 0"),
        ({"page": 501}, ValueError, "page must be from 1 to 500 (TMDB's limit); got 501"),
        ({"page": 2.0}, TypeError, "page must be an int from 1 to 500; got float"),
        ({"query": None}, ValueError, "query (the text to search for) is required"),
        ({"query": 5}, TypeError, "query (the text to search for) must be a str; got int"),
        (
            {"query": " \t"},
            ValueError,
            "query (the text to search for) must contain something besides spaces",
        ),
        (
            {"vote_average.gte": float("inf")},
            ValueError,
            "query parameter vote_average.gte must be a finite number; got inf",
        ),
        (
            {"with_genres": object()},
            TypeError,
            "query parameter with_genres must be a str, int, float, bool or datetime.date, or a "
            "list or tuple of those; got object",
        ),
        (
            {"with_keywords": "x" * 2049},
            ValueError,
            "query parameter with_keywords is 2,049 characters long; values sent in the URL may "
            "have at most 2,048",
        ),
        (
            {"with_keywords": "a\ud800b"},
            ValueError,
            "query parameter with_keywords contains '\\ud800', a lone surrogate that cannot be "
            "sent as UTF-8; check how the text was decoded",
        ),
        (
            {"append_to_response": ["credits"] * 21},
            ValueError,
            "append_to_response takes at most 20 items; got 21",
        ),
        ({2: "x"}, TypeError, "query parameter names must be str; got int"),
    ],
)
def test_each_bad_query_value_is_refused_with_its_exact_message(
    values: dict[Any, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        query(values)
    assert str(caught.value) == message


def test_the_limits_themselves_pass() -> None:
    assert query({"page": 1}) == [("page", "1")]
    assert query({"page": 500}) == [("page", "500")]
    assert query({"append_to_response": ["credits"] * 20})[0][1].count(",") == 19
    assert query({"with_keywords": "é" * 2048}) == [("with_keywords", "é" * 2048)]


def test_a_choice_outside_the_set_lists_the_set_and_suggests_a_list() -> None:
    choices = {"append_to_response": {"videos", "credits", "images"}}
    with pytest.raises(ValueError) as caught:
        query({"append_to_response": "credits,videos"}, choices)
    assert str(caught.value) == (
        "append_to_response must be one of: credits, images, videos; got 'credits,videos'; "
        "pass several as a list: ['credits', 'videos']"
    )
    with pytest.raises(ValueError) as single:
        check_choices("sort_by", "rating", {"b", "a"})
    assert str(single.value) == "sort_by must be one of: a, b; got 'rating'"
    assert query({"append_to_response": ["credits", "videos"]}, choices) == [
        ("append_to_response", "credits,videos")
    ]


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        ({"movie_id": -1}, ValueError, "path parameter movie_id must be 0 or more; got -1"),
        (
            {"movie_id": False},
            TypeError,
            "path parameter movie_id must be an int or a str; got bool",
        ),
        ({"movie_id": ""}, ValueError, "path parameter movie_id must be a non-empty str; got ''"),
        ({}, TypeError, "path parameter movie_id is required for /3/movie/{movie_id}"),
        (
            {"movie_id": 1, "b": 2, "a": 3},
            TypeError,
            "/3/movie/{movie_id} has no path parameter(s) a, b",
        ),
        (
            {"movie_id": "x" * 2049},
            ValueError,
            "path parameter movie_id is 2,049 characters long; values sent in the URL may have "
            "at most 2,048",
        ),
    ],
)
def test_each_bad_path_value_is_refused_with_its_exact_message(
    params: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        render_path("/3/movie/{movie_id}", params)
    assert str(caught.value) == message


def test_a_secret_path_value_is_never_shown() -> None:
    with pytest.raises(ValueError) as caught:
        render_path("/3/guest_session/{guest_session_id}/rated", {"guest_session_id": " "})
    assert str(caught.value) == ("path parameter guest_session_id must be a non-empty str; got ***")
    assert render_path(
        "/3/guest_session/{guest_session_id}/rated/{kind}",
        {"guest_session_id": "g/1", "kind": "tv"},
    ) == ("/3/guest_session/g%2F1/rated/tv", "/3/guest_session/***/rated/tv")


def test_path_values_are_encoded_and_dot_segments_kept() -> None:
    assert render_path("/3/find/{external_id}", {"external_id": ".."}) == (
        "/3/find/%2E%2E",
        "/3/find/%2E%2E",
    )
    assert render_path("/3/find/{external_id}", {"external_id": "."})[0] == "/3/find/%2E"
    assert render_path("/3/find/{external_id}", {"external_id": "a.b"})[0] == "/3/find/a.b"
    assert render_path("/3/movie/{movie_id}", {"movie_id": 0})[0] == "/3/movie/0"
    assert render_path("/3/configuration", None) == ("/3/configuration", "/3/configuration")


def test_a_body_leaves_out_none_and_refuses_what_json_cannot_hold() -> None:
    assert encode_body(None) is None
    assert encode_body({"value": 8.5, "note": None}) == b'{"value":8.5}'
    with pytest.raises(ValueError) as infinite:
        encode_body({"value": float("nan")})
    assert str(infinite.value) == "body field value must be a finite number; got nan"
    with pytest.raises(TypeError) as unsendable:
        encode_body({"ok": 1, "when": {1, 2}.__iter__()})
    assert str(unsendable.value) == "body field when cannot be sent as JSON: set_iterator"


def test_a_wrong_argument_type_names_operation_value_and_what_to_pass() -> None:
    types = ArgumentTypes("movies.details", movie_id="int", rating="float", name="str")

    def refused(*values: object) -> str:
        with pytest.raises(TypeError) as caught:
            types.check(*values)
        return str(caught.value)

    assert refused(" 550 ", None, None) == (
        "movies.details() takes an int for movie_id; got the str ' 550 '; "
        "pass 550, not ' 550 ' (int(...) converts it)"
    )
    assert refused(550.0, None, None) == (
        "movies.details() takes an int for movie_id; got the float 550.0; pass 550"
    )
    assert refused("x" * 50, None, None) == (
        "movies.details() takes an int for movie_id; got a str of 52 characters; "
        "pass an int, e.g. 550"
    )
    assert refused(None, "7.5", None) == (
        "movies.details() takes a number for rating; got the str '7.5'; "
        "pass 7.5, not '7.5' (float(...) converts it)"
    )
    assert refused(None, "high", None) == (
        "movies.details() takes a number for rating; got the str 'high'; pass a number, e.g. 7.5"
    )
    assert refused(None, None, [18, 53]) == (
        "movies.details() takes a str for name; got the list [18, 53]; "
        "pass '18,53' (all of them) or '18|53' (any)"
    )
    assert (
        refused(None, None, 18)
        == "movies.details() takes a str for name; got the int 18; pass '18'"
    )
    assert refused(None, None, True).endswith("got the bool True; pass a str")
    assert refused(None, None, 10**45) == (
        f"movies.details() takes a str for name; got an int of 46 characters; pass '{10**45}'"
    )
    assert (
        refused(None, None, ())
        == "movies.details() takes a str for name; got the tuple (); pass a str"
    )
    types.check(550, 7, "Fight Club")
    types.check(None, None, None)


class Kind(enum.IntEnum):
    NONE = 0
    FIVE = 5


def test_a_fresh_template_is_split_once_and_hides_its_secret_placeholders() -> None:
    # A template no earlier test rendered, so it is split here and not found ready.
    template = f"/3/t{uuid.uuid4().hex}/{{movie_id}}/with/{{session_id}}/end"
    prefix = template.split("/{")[0]
    assert render_path(template, {"movie_id": 550, "session_id": "s3"}) == (
        f"{prefix}/550/with/s3/end",
        f"{prefix}/550/with/***/end",
    )
    assert render_path(template, {"movie_id": 1, "session_id": "s4"})[0] == (
        f"{prefix}/1/with/s4/end"
    )


def test_an_int_enum_path_value_is_sent_as_its_number_and_zero_is_allowed() -> None:
    assert render_path("/3/movie/{movie_id}", {"movie_id": Kind.NONE})[0] == "/3/movie/0"
    assert render_path("/3/movie/{movie_id}", {"movie_id": Kind.FIVE})[0] == "/3/movie/5"


def test_an_unknown_path_name_is_named_even_when_the_count_fits() -> None:
    with pytest.raises(TypeError) as caught:
        render_path("/3/movie/{movie_id}", {"tv_id": 1})
    assert str(caught.value) == "/3/movie/{movie_id} has no path parameter(s) tv_id"


def test_language_and_region_refusals_name_the_parameter() -> None:
    with pytest.raises(ValueError) as language:
        query({"language": "english"})
    assert str(language.value).startswith("language must be an ISO 639-1 code")
    with pytest.raises(ValueError) as region:
        query({"watch_region": "germany"})
    assert str(region.value) == (
        "watch_region must be an ISO 3166-1 country code such as 'US' or 'DE'; got 'germany'"
    )


def test_a_bad_element_or_choice_is_named_by_its_parameter() -> None:
    with pytest.raises(ValueError) as listed:
        query({"with_genres": [18, float("nan")]})
    assert str(listed.value) == "query parameter with_genres must be a finite number; got nan"
    with pytest.raises(ValueError) as chosen:
        check_choices("sort_by", float("inf"), {"a"})
    assert str(chosen.value) == "query parameter sort_by must be a finite number; got inf"
    with pytest.raises(ValueError) as enumerated:
        query({"vote_average.gte": Rating.BAD})
    assert str(enumerated.value) == (
        "query parameter vote_average.gte must be a finite number; got nan"
    )


class Rating(enum.Enum):
    BAD = float("nan")


def test_one_wrong_argument_alone_is_refused() -> None:
    single = ArgumentTypes("movies.details", movie_id="int")
    with pytest.raises(TypeError, match="takes an int for movie_id; got the str '550'"):
        single.check("550")
    single.check(Kind.FIVE)  # an IntEnum is an int


def test_the_slow_check_accepts_subclasses_beside_wrong_values() -> None:
    types = ArgumentTypes("movies.details", movie_id="int", rating="float", items="items")
    types.check(Kind.FIVE, 7, [{"media_type": "movie", "media_id": 550}])
    with pytest.raises(TypeError) as caught:
        types.check(1, True, None)
    assert str(caught.value) == (
        "movies.details() takes a number for rating; got the bool True; pass a number, e.g. 7.5"
    )
    with pytest.raises(TypeError) as listed:
        types.check(1, [7], None)
    assert str(listed.value).endswith("got the list [7]; pass a number, e.g. 7.5")
    with pytest.raises(TypeError) as items:
        types.check(1, None, [1])
    assert str(items.value) == (
        "movies.details() takes a list of mappings for items; got the list [1]; "
        "pass a list of dicts, e.g. [{'media_type': 'movie', 'media_id': 550}]"
    )
    with pytest.raises(TypeError):
        types.check(1, None, {"media_type": "movie"})


def test_a_secret_argument_of_the_wrong_type_shows_neither_value_nor_hint() -> None:
    secret = ArgumentTypes("account.details", session_id="str")
    with pytest.raises(TypeError) as caught:
        secret.check(12345)
    assert (
        str(caught.value) == "account.details() takes a str for session_id; got an int; pass a str"
    )


def test_a_value_shown_up_to_40_characters_then_by_its_length() -> None:
    types = ArgumentTypes("movies.details", movie_id="int")
    with pytest.raises(TypeError) as forty:
        types.check("x" * 38)  # repr is 40 characters
    assert f"got the str '{'x' * 38}'; " in str(forty.value)
    with pytest.raises(TypeError) as forty_one:
        types.check("x" * 39)
    assert "got a str of 41 characters; " in str(forty_one.value)
