"""The look-up commands in this process, asserted the way a user sees them: exact queries sent,
exact results, titles, messages and exit codes (each assertion stands for a mutant it kills)."""

from __future__ import annotations

import json

import pytest

from tmdbfusion.testing import FakeTMDB

from .conftest import flat, last_line

pytestmark = pytest.mark.usefixtures("in_tmp_path")

KEY_ONLY = {"api_key": "***"}


# --- movie, tv, person ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "item_id", "path", "first_line"),
    [
        ("movie", "550", "/3/movie/550", "Movie 550 (1999)"),
        ("tv", "1399", "/3/tv/1399", "Tv 1399 (1999)"),
        ("person", "287", "/3/person/287", "Person 287"),
    ],
)
def test_details_of_each_kind(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, kind: str, item_id: str, path: str, first_line: str
) -> None:
    code, out, err = main(kind, item_id)
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == first_line
    (request,) = fake.requests
    assert (request.method, request.path, dict(request.query)) == ("GET", path, KEY_ONLY)
    code, out, err = main(kind, item_id, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["id"] == int(item_id)


def test_details_append_sends_every_part_and_none_without_it(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = main("movie", "550", "--append", "credits", "images", "--json")
    assert code == 0
    body = json.loads(out)
    assert body["credits"]["id"] == 550 and body["images"] is not None
    assert dict(fake.requests[-1].query) == {**KEY_ONLY, "append_to_response": "credits,images"}
    code, out, _ = main("movie", "550", "--json")
    assert code == 0 and json.loads(out)["credits"] is None
    assert dict(fake.requests[-1].query) == KEY_ONLY


def test_the_language_option_reaches_the_query(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    assert main("--language", "de-DE", "movie", "550")[0] == 0
    assert dict(fake.requests[-1].query) == {**KEY_ONLY, "language": "de-DE"}
    # A global option after the command's name counts too.
    assert main("movie", "550", "--language", "fr-FR")[0] == 0
    assert fake.requests[-1].query["language"] == "fr-FR"


def test_id_zero_is_an_id(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = main("movie", "0", "--json")
    assert code == 0 and json.loads(out)["id"] == 0
    assert fake.requests[-1].path == "/3/movie/0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fifty", "an id is a whole number; got 'fifty'"),
        ("5.5", "an id is a whole number; got '5.5'"),
        ("-1", "an id is 0 or more; got -1"),
    ],
)
def test_bad_ids_are_bad_input(main, fake: FakeTMDB, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = main("tv", text)
    assert (code, out) == (2, "")
    assert last_line(err) == f"tmdbfusion tv: error: argument id: {message}"
    assert fake.requests == []


def test_a_missing_id_is_bad_input(main) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main("person")
    assert code == 2
    assert last_line(err) == "tmdbfusion person: error: the following arguments are required: id"


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "route", "query"),
    [
        (["fight", "club"], "/3/search/multi", "fight club"),
        # One word that names a kind is the query, not the kind.
        (["movie"], "/3/search/multi", "movie"),
        (["multi", "fight"], "/3/search/multi", "fight"),
        (["movie", "fight"], "/3/search/movie", "fight"),
        (["movie", "fight", "club"], "/3/search/movie", "fight club"),
        (["tv", "lost"], "/3/search/tv", "lost"),
        (["person", "brad", "pitt"], "/3/search/person", "brad pitt"),
        (["  fight  "], "/3/search/multi", "fight"),
        (["Movie", "x"], "/3/search/multi", "Movie x"),
    ],
)
def test_search_kind_and_query(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, words: list[str], route: str, query: str
) -> None:
    code, out, err = main("search", *words, "--limit", "1", "--json")
    assert (code, err) == (0, "")
    assert len(json.loads(out)) == 1
    (request,) = fake.requests
    assert request.path == route
    assert dict(request.query) == {**KEY_ONLY, "query": query}


def test_search_readable_table_has_its_title_and_a_type_column(main) -> None:  # type: ignore[no-untyped-def]
    code, out, err = main("search", "fight", "club", "--limit", "3")
    assert (code, err) == (0, "")
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0] == "search multi: fight club"
    assert lines[2] == "┃ id ┃ type   ┃ title        ┃ date       ┃ popularity ┃"
    assert lines[4:7] == [
        "│  1 │ movie  │ fight club 1 │ 1999-10-15 │       61.4 │",
        "│  2 │ person │ fight club 2 │            │       61.4 │",
        "│  3 │ tv     │ fight club 3 │ 1999-10-15 │       61.4 │",
    ]
    code, out, _ = main("search", "movie", "fight", "--limit", "2")
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0] == "search movie: fight"
    assert lines[2] == "┃ id ┃ title   ┃ date       ┃ popularity ┃"


def test_search_limit_default_and_paging(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = main("search", "fight", "--json")
    assert code == 0
    results = json.loads(out)
    assert [r["id"] for r in results] == list(range(1, 21))
    assert len(fake.requests) == 1  # 20 is one page
    fake.reset()
    code, out, _ = main("search", "fight", "--limit", "21", "--json")
    assert code == 0 and len(json.loads(out)) == 21
    assert [r.query.get("page") for r in fake.requests] == [None, "2"]


@pytest.mark.parametrize("words", [[" "], ["movie", " "], ["tv", "  ", " "]])
def test_an_empty_search_is_bad_input(main, fake: FakeTMDB, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    code, out, err = main("search", *words)
    assert (code, out) == (2, "")
    assert err == "error: the search query is empty; give some words to search for\n"
    assert fake.requests == []


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("0", "must be 1 or more; got 0"),
        ("-2", "must be 1 or more; got -2"),
        ("many", "a limit is a whole number; got 'many'"),
    ],
)
@pytest.mark.parametrize("command", [["search", "x"], ["discover", "movie"], ["trending"]])
def test_bad_limits(main, fake: FakeTMDB, command: list[str], limit: str, message: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main(*command, "--limit", limit)
    assert code == 2
    assert last_line(err) == f"tmdbfusion {command[0]}: error: argument --limit: {message}"
    assert fake.requests == []


# --- discover -------------------------------------------------------------------------------


def test_discover_sends_nothing_it_was_not_given(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, out, err = main("discover", "movie", "--json")
    assert (code, err) == (0, "")
    assert [r["id"] for r in json.loads(out)] == list(range(1, 21))
    (request,) = fake.requests
    assert request.path == "/3/discover/movie" and dict(request.query) == KEY_ONLY
    code, out, _ = main("discover", "movie", "--limit", "2")
    assert code == 0
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0] == "discover movie"
    assert lines[2] == "┃ id ┃ title   ┃ date       ┃ popularity ┃"
    assert lines[4] == "│  1 │ Movie 1 │ 1999-10-15 │       61.4 │"
    # TV results carry a media_type (the fake fills it in), so they get a type column.
    code, out, _ = main("discover", "tv", "--limit", "1")
    assert code == 0
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0] == "discover tv"
    assert lines[4] == "│  1 │ media type 1 │ Tv 1  │ 1999-10-15 │       61.4 │"
    assert fake.requests[-1].path == "/3/discover/tv"


def test_discover_filters(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main(
        "discover",
        "movie",
        "--sort-by",
        "vote_average.desc",
        "--with-genres",
        "18,35",
        "--year",
        "1999",
        "--limit",
        "1",
    )
    assert (code, err) == (0, "")
    assert dict(fake.requests[-1].query) == {
        **KEY_ONLY,
        "sort_by": "vote_average.desc",
        "with_genres": "18,35",
        "primary_release_year": "1999",
    }
    code, _, err = main("discover", "tv", "--year", "2010", "--limit", "1")
    assert (code, err) == (0, "")
    assert dict(fake.requests[-1].query) == {**KEY_ONLY, "first_air_date_year": "2010"}


def test_discover_params_are_typed_from_their_text(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main(
        "discover",
        "tv",
        "--param",
        "include_adult=true",
        "--param",
        "include_null_first_air_dates=false",
        "--param",
        "with_runtime.gte=90",
        "--param",
        "vote-average.gte=7.5",
        "--param",
        "vote_count_gte=100",
        "--param",
        "with_status=0|3",
        "--param",
        "with_keywords=1=2",
        "--limit",
        "1",
    )
    assert (code, err) == (0, "")
    assert dict(fake.requests[-1].query) == {
        **KEY_ONLY,
        "include_adult": "true",
        "include_null_first_air_dates": "false",
        "with_runtime.gte": "90",
        "vote_average.gte": "7.5",
        "vote_count.gte": "100",
        "with_status": "0|3",
        "with_keywords": "1=2",  # the first "=" ends the name
    }


def test_a_param_of_the_wrong_type_or_name_is_bad_input(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main("discover", "movie", "--param", "no_such_filter=1")
    assert code == 2
    message = flat(err)
    assert message.startswith("error: ") and "Traceback" not in err
    assert message.endswith(
        "got an unexpected keyword argument 'no_such_filter'; "
        "see the discover parameters in `tmdbfusion discover -h`"
    )
    # A number where TMDB wants a bool: the value's type came from its text.
    code, _, err = main("discover", "movie", "--param", "include_adult=1")
    assert code == 2 and "include_adult" in err
    assert fake.requests == []


@pytest.mark.parametrize("text", ["with_genres", "=18", ""])
def test_a_param_without_name_or_value_is_bad_input(main, fake: FakeTMDB, text: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main("discover", "movie", "--param", text)
    assert code == 2
    assert last_line(err) == (
        "tmdbfusion discover: error: argument --param: a parameter is NAME=VALUE, "
        f"e.g. with_genres=18; got {text!r}"
    )
    assert fake.requests == []


def test_discover_bad_year_and_kind(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main("discover", "movie", "--year", "nineteen")
    assert code == 2
    assert last_line(err) == (
        "tmdbfusion discover: error: argument --year: invalid int value: 'nineteen'"
    )
    code, _, err = main("discover", "person")
    assert code == 2 and "argument kind: invalid choice: 'person'" in err
    assert fake.requests == []


# --- trending -------------------------------------------------------------------------------


def test_trending_defaults_to_all_of_today(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, out, err = main("trending")
    assert (code, err) == (0, "")
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0] == "trending all this day"
    assert lines[2] == "┃ id ┃ type   ┃ title     ┃ date       ┃ popularity ┃"
    assert len(lines) == 5 + 20  # title, 3 header lines, 20 rows, bottom
    (request,) = fake.requests
    assert request.path == "/3/trending/all/day" and dict(request.query) == KEY_ONLY


@pytest.mark.parametrize(
    ("kind", "window", "path", "title", "first"),
    [
        ("all", "week", "/3/trending/all/week", "trending all this week", "Movie 1"),
        ("movie", "day", "/3/trending/movie/day", "trending movie this day", "Movie 1"),
        ("tv", "week", "/3/trending/tv/week", "trending tv this week", "Tv 1"),
        ("person", "day", "/3/trending/person/day", "trending person this day", "Person 1"),
    ],
)
def test_trending_kinds_and_windows(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, kind: str, window: str, path: str, title: str, first: str
) -> None:
    code, out, _ = main("trending", kind, "--window", window, "--limit", "3")
    assert code == 0
    assert out.splitlines()[0].rstrip() == title
    assert f" {first} " in out.splitlines()[4]
    assert [r.path for r in fake.requests] == [path]
    code, out, _ = main("trending", kind, "--window", window, "--limit", "3", "--json")
    assert [r["id"] for r in json.loads(out)] == [1, 2, 3]


def test_trending_bad_window(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main("trending", "--window", "month")
    assert code == 2 and "argument --window: invalid choice: 'month'" in err
    assert fake.requests == []
