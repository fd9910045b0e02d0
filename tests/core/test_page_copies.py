"""Pages copy and pickle like plain data, and say exactly what is missing."""

from __future__ import annotations

import asyncio
import copy
import pickle

import msgspec
import pytest

from tmdbfusion.pagination import AsyncPage, AsyncPager, SyncPage

from .fakes import MoviePage, MovieSummary, NowPlayingPage, page_json


def fetch_page(number: int) -> MoviePage:
    """A module-level fetch, so a page holding it can be pickled."""
    return msgspec.convert(page_json(number), MoviePage)


async def fetch_page_async(number: int) -> MoviePage:
    return fetch_page(number)


def first_page() -> SyncPage[MoviePage, MovieSummary]:
    return SyncPage(fetch_page(1), fetch_page)


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy], ids=["copy", "deepcopy"])
def test_a_page_copies_with_its_data_and_still_walks(duplicate: object) -> None:
    page = first_page()
    copied = duplicate(page)  # type: ignore[operator]
    assert copied is not page
    assert copied.data == page.data
    assert repr(copied) == "SyncPage(page=1, total_pages=3, total_results=6, results=2)"
    assert [movie.id for movie in copied] == [1, 2, 3, 4, 5, 6]


def test_a_page_pickles_and_unpickles() -> None:
    restored = pickle.loads(pickle.dumps(first_page()))
    assert restored.data == fetch_page(1)
    assert [movie.id for movie in restored.take(3)] == [1, 2, 3]


def test_an_async_page_copies_and_pickles() -> None:
    page = AsyncPage(fetch_page(2), fetch_page_async)
    for duplicate in (copy.copy(page), copy.deepcopy(page), pickle.loads(pickle.dumps(page))):
        assert duplicate.data == page.data
        assert asyncio.run(duplicate.take(5)) == fetch_page(2).results + fetch_page(3).results


def test_a_half_built_page_has_no_attributes_rather_than_recursing() -> None:
    # What copy and pickle see before the page's state is restored.
    bare = SyncPage.__new__(SyncPage)
    with pytest.raises(AttributeError) as missing_data:
        bare.data  # noqa: B018
    assert str(missing_data.value) == "data"
    with pytest.raises(AttributeError) as missing_field:
        bare.dates  # noqa: B018
    assert str(missing_field.value) == "data"


def test_private_names_are_never_forwarded_to_the_data() -> None:
    page = SyncPage(msgspec.convert({**page_json(1), "dates": DATES}, NowPlayingPage), fetch_page)
    assert page.dates.minimum == "2026-11-01"  # a public extra field is forwarded
    with pytest.raises(AttributeError) as private:
        page._total  # noqa: B018
    assert str(private.value) == "_total"
    with pytest.raises(AttributeError) as unknown:
        page.genre_ids  # noqa: B018
    assert str(unknown.value) == "SyncPage and its NowPlayingPage have no attribute 'genre_ids'"


DATES = {"maximum": "2026-11-30", "minimum": "2026-11-01"}


def test_take_names_its_argument_in_every_error() -> None:
    sync_page = first_page()
    async_page = AsyncPage(fetch_page(1), fetch_page_async)
    pager: AsyncPager[MoviePage, MovieSummary] = AsyncPager(
        lambda: fetch_page_async(1), fetch_page_async
    )
    for take in (sync_page.take, async_page.take, pager.take):
        with pytest.raises(ValueError) as negative:
            result = take(-1)
            if asyncio.iscoroutine(result):
                asyncio.run(result)
        assert str(negative.value) == "n must be 0 or more; got -1"
        with pytest.raises(TypeError) as not_int:
            result = take("3")  # type: ignore[arg-type]
            if asyncio.iscoroutine(result):
                asyncio.run(result)
        assert str(not_int.value) == "n must be an int of 0 or more; got str"
