from __future__ import annotations

import math

import pytest

from tmdbfusion._cache.policy import (
    DAY,
    DEFAULT_TTLS,
    HOUR,
    Kind,
    TTLPolicy,
    classify,
    dependencies,
    freshness_from_headers,
    invalidated_by,
    retention,
)
from tmdbfusion.testing import FakeTMDB

OPERATIONS = [(o.method, o.path, o.sdk_method) for o in FakeTMDB().operations]
GETS = {sdk: path for method, path, sdk in OPERATIONS if method == "GET"}


def test_every_get_of_the_sdk_has_the_kind_its_namespace_suggests() -> None:
    for sdk, path in GETS.items():
        namespace, name = sdk.split(".", 1)
        kind = classify(path)
        if namespace == "authentication":
            assert kind is Kind.NEVER, sdk
        elif namespace in ("account", "guest_sessions") or name.endswith("account_states"):
            assert kind is Kind.SCOPED, sdk
        elif namespace in ("configuration", "genres", "certifications", "watch_providers"):
            assert kind is Kind.REFERENCE, sdk
        elif namespace in ("search", "discover", "trending", "changes", "lists"):
            assert kind is Kind.LISTING, sdk
    assert classify(GETS["movies.details"]) is Kind.DETAILS
    assert classify(GETS["movies.popular"]) is Kind.LISTING
    assert classify(GETS["tv_seasons.details"]) is Kind.DETAILS


def test_defaults_are_a_day_for_configuration_hours_for_details_minutes_for_search() -> None:
    policy = TTLPolicy.build(None)
    assert policy.ttl_for("GET", GETS["configuration.details"]) == DAY
    assert 1 * HOUR <= policy.ttl_for("GET", GETS["movies.details"]) <= 12 * HOUR
    assert 60 <= policy.ttl_for("GET", GETS["search.movie"]) <= 30 * 60
    assert policy.ttl_for("GET", GETS["movies.account_states"]) == 0
    assert policy.ttl_for("GET", GETS["authentication.create_guest_session"]) == 0
    assert policy.ttl_for("POST", "/3/movie/{movie_id}/rating") == 0


def test_one_number_covers_what_is_safe_to_share_and_names_opt_in_scoped_calls() -> None:
    policy = TTLPolicy.build(120)
    assert policy.ttl_for("GET", GETS["movies.details"]) == 120
    assert policy.ttl_for("GET", GETS["configuration.details"]) == 120
    assert policy.ttl_for("GET", GETS["movies.account_states"]) == 0
    assert policy.ttl_for("GET", GETS["authentication.create_request_token"]) == 0
    scoped = TTLPolicy.build({"account": 30, "movies.account_states": 5}, OPERATIONS)
    assert scoped.ttl_for("GET", GETS["account.rated_movies"]) == 30
    assert scoped.ttl_for("GET", GETS["movies.account_states"]) == 5


def test_an_operation_wins_over_its_namespace() -> None:
    policy = TTLPolicy.build({"movies": 60, "movies.details": 600}, OPERATIONS)
    assert policy.ttl_for("GET", GETS["movies.details"]) == 600
    assert policy.ttl_for("GET", GETS["movies.credits"]) == 60
    assert policy.ttl_for("GET", GETS["tv.details"]) == DEFAULT_TTLS[Kind.DETAILS]
    assert policy.ttl_for("GET", GETS["configuration.details"]) == DAY


@pytest.mark.parametrize(
    ("setting", "error", "message"),
    [
        ({"movie": 60}, ValueError, "neither a namespace"),
        ({"movies.add_rating": 60}, ValueError, "neither a namespace"),
        ({"movies": -1}, ValueError, "0 or more"),
        ({"movies": math.inf}, ValueError, "finite"),
        ({"movies": "60"}, TypeError, "number of seconds"),
        (True, TypeError, "number of seconds"),
        ({1: 60}, TypeError, "keys must be str"),
        ({"authentication": 60}, ValueError, "never cached"),
        ({"authentication.create_guest_session": 60}, ValueError, "never cached"),
    ],
)
def test_bad_settings_say_what_is_wrong(
    setting: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        TTLPolicy.build(setting, OPERATIONS)  # type: ignore[arg-type]


def test_scoped_entries_depend_on_their_scope_and_list_entries_on_their_list() -> None:
    assert dependencies(
        "/3/movie/{movie_id}/account_states", "/3/movie/550/account_states", "s1"
    ) == ("scope:s1",)
    assert dependencies("/3/list/{list_id}", "/3/list/8224", None) == ("list:8224",)
    assert dependencies("/3/movie/{movie_id}", "/3/movie/550", "s1") == ()


def test_writes_bump_what_they_obviously_change() -> None:
    # Rating a movie in a session changes that session's account states.
    rate = invalidated_by("POST", "/3/movie/{movie_id}/rating", "/3/movie/550/rating", "s1")
    states = dependencies("/3/movie/{movie_id}/account_states", "/3/movie/550/account_states", "s1")
    assert set(states) <= set(rate)
    add = invalidated_by("POST", "/3/list/{list_id}/add_item", "/3/list/8224/add_item", "s1")
    assert "list:8224" in add
    assert invalidated_by("GET", "/3/movie/{movie_id}", "/3/movie/550", "s1") == ()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # What TMDB sends on a GET of movie details (recorded 2025): its own cache's countdown.
        ("public, max-age=6991", 3600.0),
        (None, 3600.0),
        ("public, max-age=0", 0.0),
        ("no-cache", 0.0),
        ("no-store", None),
        ("private, max-age=60", None),
    ],
)
def test_cache_control_is_obeyed_where_it_restricts(
    header: str | None, expected: float | None
) -> None:
    assert freshness_from_headers(3600.0, header) == expected


def test_entries_with_an_etag_are_kept_past_freshness_for_revalidation() -> None:
    assert retention(600, has_validator=False) == 600
    assert retention(600, has_validator=True) >= 1200
    assert retention(3 * DAY, has_validator=True) == 6 * DAY
    assert retention(30 * DAY, has_validator=True) == 30 * DAY


def test_v4_reads_act_as_a_user_and_clearing_a_list_by_get_is_a_write() -> None:
    assert classify("/4/list/{list_id}") is Kind.SCOPED
    assert classify("/4/account/{account_object_id}/movie/rated") is Kind.SCOPED
    assert classify("/4/auth/access_token") is Kind.NEVER
    assert classify("/4/list/{list_id}/clear") is Kind.NEVER
    assert TTLPolicy.build(600).ttl_for("GET", "/4/list/{list_id}") == 0
    assert "list:77" in invalidated_by("GET", "/4/list/{list_id}/clear", "/4/list/77/clear", "s")
    assert "list:77" in invalidated_by("PUT", "/4/list/{list_id}/items", "/4/list/77/items", None)
