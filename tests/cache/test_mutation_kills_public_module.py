"""``tmdbfusion.cache`` hands out the SQLite and Redis stores on first use, and nothing else."""

from __future__ import annotations

import pytest

import tmdbfusion.cache


def test_the_stores_behind_the_lazy_names_are_the_real_classes() -> None:
    from tmdbfusion._cache.redis import RedisCache
    from tmdbfusion._cache.sqlite import SQLiteCache

    assert tmdbfusion.cache.SQLiteCache is SQLiteCache
    assert tmdbfusion.cache.RedisCache is RedisCache


def test_an_unknown_name_raises_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError) as caught:
        _ = tmdbfusion.cache.MongoCache  # type: ignore[attr-defined]
    assert str(caught.value) == "module 'tmdbfusion.cache' has no attribute 'MongoCache'"
    assert not hasattr(tmdbfusion.cache, "sqlitecache")
