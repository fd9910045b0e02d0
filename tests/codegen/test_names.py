"""Operation names from paths, and the identifier helpers behind model and field names."""

from __future__ import annotations

import pytest

from codegen.names import NamingError, OperationName, name_operation
from codegen.naming import pascal, python_identifier, singular, snake, words
from codegen.overrides import Overrides, parse_overrides

NO_OVERRIDES = Overrides()


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/3/movie/{movie_id}", ("movies", "details")),
        ("GET", "/3/movie/{movie_id}/credits", ("movies", "credits")),
        ("GET", "/3/movie/{movie_id}/watch/providers", ("movies", "watch_providers")),
        ("GET", "/3/movie/popular", ("movies", "popular")),
        ("GET", "/3/movie/latest", ("movies", "latest")),
        ("GET", "/3/person/{person_id}/movie_credits", ("people", "movie_credits")),
        ("GET", "/3/tv/{series_id}", ("tv", "details")),
        ("GET", "/3/tv/{series_id}/season/{season_number}", ("tv_seasons", "details")),
        (
            "GET",
            "/3/tv/{series_id}/season/{season_number}/credits",
            ("tv_seasons", "credits"),
        ),
        (
            "GET",
            "/3/tv/{series_id}/season/{season_number}/episode/{episode_number}",
            ("tv_episodes", "details"),
        ),
        (
            "GET",
            "/3/tv/{series_id}/season/{season_number}/episode/{episode_number}/images",
            ("tv_episodes", "images"),
        ),
        ("GET", "/3/tv/episode_group/{tv_episode_group_id}", ("tv_episode_groups", "details")),
        ("GET", "/3/tv/season/{season_id}/changes", ("tv_seasons", "changes")),
        ("GET", "/3/movie/changes", ("changes", "movie")),
        ("GET", "/3/tv/changes", ("changes", "tv")),
        ("GET", "/3/person/changes", ("changes", "person")),
        ("GET", "/3/movie/{movie_id}/changes", ("movies", "changes")),
        ("GET", "/3/certification/movie/list", ("certifications", "movie")),
        ("GET", "/3/genre/tv/list", ("genres", "tv")),
        ("GET", "/3/search/multi", ("search", "multi")),
        ("GET", "/3/watch/providers/regions", ("watch_providers", "regions")),
        ("POST", "/3/movie/{movie_id}/rating", ("movies", "add_rating")),
        ("DELETE", "/3/movie/{movie_id}/rating", ("movies", "delete_rating")),
        ("POST", "/3/account/{account_id}/favorite", ("account", "add_favorite")),
        ("POST", "/3/list", ("lists", "create")),
        ("DELETE", "/3/list/{list_id}", ("lists", "delete")),
        ("POST", "/3/list/{list_id}/add_item", ("lists", "add_item")),
        ("POST", "/3/list/{list_id}/remove_item", ("lists", "remove_item")),
        ("POST", "/3/list/{list_id}/clear", ("lists", "clear")),
    ],
)
def test_name_operation(method: str, path: str, expected: tuple[str, str]) -> None:
    assert name_operation(method, path, NO_OVERRIDES) == OperationName(*expected)


def test_override_wins_and_is_marked_used() -> None:
    overrides = parse_overrides(
        {
            "operations": [
                {
                    "at": "GET /3/find/{external_id}",
                    "name": "by_id",
                    "reason": "find.by_id reads as what it does",
                },
                {
                    "at": "GET /3/trending/movie/{time_window}",
                    "namespace": "trending",
                    "name": "movies",
                    "reason": "plural like the other trending lists",
                },
            ]
        }
    )
    assert name_operation("GET", "/3/find/{external_id}", overrides) == OperationName(
        "find", "by_id"
    )
    assert overrides.unused()[0].at == "GET /3/trending/movie/{time_window}"
    assert name_operation("GET", "/3/trending/movie/{time_window}", overrides) == OperationName(
        "trending", "movies"
    )
    assert overrides.unused() == []
    # Without the override the rule would have said "details".
    assert name_operation("GET", "/3/find/{external_id}", NO_OVERRIDES).method == "details"


def test_override_only_matches_its_method() -> None:
    overrides = parse_overrides(
        {"operations": [{"at": "POST /3/movie/{movie_id}/rating", "name": "rate", "reason": "r"}]}
    )
    assert name_operation("DELETE", "/3/movie/{movie_id}/rating", overrides).method == (
        "delete_rating"
    )
    assert name_operation("POST", "/3/movie/{movie_id}/rating", overrides).method == "rate"


def test_unknown_first_path_word_raises() -> None:
    with pytest.raises(NamingError, match="/3/podcast/\\{podcast_id\\}"):
        name_operation("GET", "/3/podcast/{podcast_id}", NO_OVERRIDES)


def test_put_on_a_bare_resource_is_not_named_delete() -> None:
    assert name_operation("PUT", "/3/list/{list_id}", NO_OVERRIDES).method == "update"


def test_post_on_a_bare_resource_is_not_named_delete() -> None:
    assert name_operation("POST", "/3/list/{list_id}", NO_OVERRIDES).method != "delete"


# --- naming helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plural", "expected"),
    [
        ("genres", "genre"),
        ("production_companies", "production_company"),
        ("production_countries", "production_country"),
        ("spoken_languages", "spoken_language"),
        ("people", "person"),
        ("movies", "movie"),
        ("series", "series"),
        ("credits", "credit"),
        ("cast", "cast"),
        ("crew", "crew"),
        ("aliases", "alias"),
        ("statuses", "status"),
        ("status", "status"),
        ("matches", "match"),
        ("boxes", "box"),
        ("classes", "class"),
        ("lies", "lie"),
        ("videos", "video"),
        ("results", "result"),
        ("keyword", "keyword"),
    ],
)
def test_singular(plural: str, expected: str) -> None:
    assert singular(plural) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("production_companies", "ProductionCompanies"),
        ("tv", "Tv"),
        ("watch_providers", "WatchProviders"),
        ("iso_3166_1", "Iso31661"),
        ("belongs-to collection", "BelongsToCollection"),
        ("movieDetails", "MovieDetails"),
    ],
)
def test_pascal(text: str, expected: str) -> None:
    assert pascal(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("release_date", "release_date"),
        ("releaseDate", "release_date"),
        ("ISO-3166-1", "iso_3166_1"),
        ("Content-Type", "content_type"),
        ("US", "us"),
        ("__", "value"),
        ("", "value"),
    ],
)
def test_snake(text: str, expected: str) -> None:
    assert snake(text) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("title", "title"),
        ("type", "type"),
        ("iso_639_1", "iso_639_1"),
        ("_id", "internal_id"),
        ("id", "id"),
        ("class", "class_"),
        ("from", "from_"),
        ("None", "none"),
        ("self", "self_"),
        ("1080p", "n1080p"),
        ("3d", "n3d"),
        ("releaseDate", "release_date"),
    ],
)
def test_python_identifier(key: str, expected: str) -> None:
    name = python_identifier(key)
    assert name == expected
    assert name.isidentifier()


def test_words_for_docstrings() -> None:
    assert words("MovieDetails") == "movie details"
    assert words("TvSeasonCredits") == "TV season credits"
