"""cache_ttl='s exact messages, and which methods count as writes for invalidation."""

from __future__ import annotations

import pytest

from tmdbfusion._cache.policy import DAY, HOUR, freshness_from_headers, invalidated_by, retention
from tmdbfusion._cache.setup import build_cache
from tmdbfusion._cache.steps import MISS


def test_a_lifetime_of_zero_is_allowed() -> None:
    settings, guard, _ = build_cache("memory", 0)
    assert settings is not None and guard is not None
    settings, _, _ = build_cache("memory", {"movies.details": 0})
    assert settings is not None


@pytest.mark.parametrize(
    ("cache_ttl", "error", "message"),
    [
        (-1, ValueError, "cache_ttl must be a finite number of seconds, 0 or more; got -1"),
        (
            float("nan"),
            ValueError,
            "cache_ttl must be a finite number of seconds, 0 or more; got nan",
        ),
        ("60", TypeError, "cache_ttl must be a number of seconds; got str"),
        (True, TypeError, "cache_ttl must be a number of seconds; got bool"),
        (
            {"movies.details": None},
            TypeError,
            "cache_ttl['movies.details'] must be a number of seconds; got NoneType",
        ),
        (
            {"movies.details": -0.5},
            ValueError,
            "cache_ttl['movies.details'] must be a finite number of seconds, 0 or more; got -0.5",
        ),
    ],
)
def test_a_bad_cache_ttl_says_what_was_wrong(
    cache_ttl: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        build_cache("memory", cache_ttl)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_cache_ttl_without_a_cache_says_what_to_pass() -> None:
    with pytest.raises(ValueError) as caught:
        build_cache(None, 60)
    assert str(caught.value) == (
        'cache_ttl= has no effect without cache=; pass cache="memory", a file path, '
        "True or a Redis URL as well"
    )
    assert build_cache(None, None)[:2] == (None, None)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_reads_invalidate_nothing(method: str) -> None:
    assert invalidated_by(method, "/3/list/{list_id}", "/3/list/7", "scope-digest") == ()


def test_writes_invalidate_the_scope_and_the_list() -> None:
    assert invalidated_by("POST", "/3/list/{list_id}/add_item", "/3/list/7/add_item", "s") == (
        "scope:s",
        "list:7",
    )
    assert invalidated_by("POST", "/3/movie/{movie_id}/rating", "/3/movie/7/rating", None) == ()
    assert invalidated_by("GET", "/4/list/{list_id}/clear", "/4/list/9/clear", None) == ("list:9",)


def test_the_miss_marker_reads_as_such() -> None:
    assert repr(MISS) == "MISS"


def test_cache_control_without_max_age_keeps_our_lifetime() -> None:
    assert freshness_from_headers(600.0, "public") == 600.0
    assert freshness_from_headers(600.0, "public, max-age=0") == 0
    assert freshness_from_headers(600.0, "public, max-age=20") == 600.0


def test_an_entry_with_an_etag_is_kept_at_most_a_week() -> None:
    assert retention(30 * DAY, True) == 30 * DAY
    assert retention(5 * DAY, True) == 7 * DAY
    assert retention(60.0, True) == HOUR
    assert retention(2 * HOUR, True) == 4 * HOUR
    assert retention(60.0, False) == 60.0
