"""Pages of results, and walking through them.

TMDB lists come a page at a time (``page``, ``results``, ``total_pages``,
``total_results``).  :class:`SyncPage` and :class:`AsyncPage` wrap one decoded
page and fetch the following ones lazily, with the same parameters except
``page``.  :class:`AsyncPager` is what async list methods return: await it for
the first page, or ``async for`` over it to walk every item.

When to stop is decided in one place, :func:`next_page_number`; the sync and
async classes differ only in whether they await the fetch.
"""

from __future__ import annotations

from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Mapping,
    Sequence,
)
from typing import Any, Generic, Protocol, TypeVar, cast

from tmdbfusion._constants import MAX_PAGE

__all__ = ["AsyncPage", "AsyncPager", "PageData", "SyncPage", "next_page_number"]


class PageData(Protocol):
    """The fields every decoded TMDB page has."""

    @property
    def page(self) -> int:
        """Number of this page, from 1."""

    @property
    def results(self) -> Sequence[object]:
        """The items on this page."""

    @property
    def total_pages(self) -> int:
        """How many pages the whole list has."""

    @property
    def total_results(self) -> int:
        """How many items the whole list has."""


PageT = TypeVar("PageT", bound=PageData)
ItemT = TypeVar("ItemT")


def next_page_number(data: PageData) -> int | None:
    """Return the number of the page after ``data``, or None when the walk is over.

    The walk ends after the last page, after a page with no results (TMDB's
    totals can overstate what it will actually return), and at page 500,
    beyond which TMDB refuses to serve pages at all.
    """
    if not data.results or data.page >= data.total_pages or data.page >= MAX_PAGE:
        return None
    return data.page + 1


def query_for_page(query: Mapping[str, object] | None, page: int) -> dict[str, object]:
    """Return the same query parameters asking for another page."""
    return {**(query or {}), "page": page}


def check_count(name: str, count: int) -> int:
    """Check a number of items to take: an int of 0 or more."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"{name} must be an int of 0 or more; got {type(count).__name__}")
    if count < 0:
        raise ValueError(f"{name} must be 0 or more; got {count}")
    return count


def check_item_limit(limit: int | None) -> int | None:
    """Check a ``max_items`` argument: None (no limit) or an int of 0 or more."""
    return None if limit is None else check_count("max_items", limit)


class _PageBase(Generic[PageT, ItemT]):
    """What sync and async pages share: the data and its fields."""

    def __init__(self, data: PageT) -> None:
        self.data = data

    @property
    def page(self) -> int:
        """Number of this page, from 1."""
        return self.data.page

    @property
    def results(self) -> list[ItemT]:
        """The items on this page."""
        # The generated method's return annotation is what ties ItemT to the
        # page's results type; nothing at runtime can check that.
        return cast("list[ItemT]", self.data.results)

    @property
    def total_pages(self) -> int:
        """How many pages the whole list has."""
        return self.data.total_pages

    @property
    def total_results(self) -> int:
        """How many items the whole list has."""
        return self.data.total_results

    def has_next_page(self) -> bool:
        """Tell whether another page follows this one."""
        return next_page_number(self.data) is not None

    def __getattr__(self, name: str) -> Any:
        # Forward fields some lists add (e.g. ``dates`` on now-playing movies).
        # Private names and ``data`` itself are never forwarded, so copying or
        # unpickling a half-built page cannot recurse forever.
        if name.startswith("_") or name == "data":
            raise AttributeError(name)
        try:
            return getattr(self.data, name)
        except AttributeError:
            raise AttributeError(
                f"{type(self).__name__} and its {type(self.data).__name__} have no "
                f"attribute {name!r}"
            ) from None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(page={self.page}, total_pages={self.total_pages}, "
            f"total_results={self.total_results}, results={len(self.data.results)})"
        )


class SyncPage(_PageBase[PageT, ItemT]):
    """One page of a TMDB list, able to fetch the pages after it.

    Iterating over it yields every item from this page onward, fetching
    further pages only as they are needed.

    Parameters
    ----------
    data : PageT
        The decoded page.
    fetch : Callable[[int], PageT]
        Fetches another page of the same list by number.

    Attributes
    ----------
    data : PageT
        The decoded page; its extra fields are also readable on the page.
    """

    def __init__(self, data: PageT, fetch: Callable[[int], PageT]) -> None:
        super().__init__(data)
        self._fetch = fetch

    def next_page(self) -> SyncPage[PageT, ItemT] | None:
        """Fetch the following page, or return None if this is the last one."""
        number = next_page_number(self.data)
        if number is None:
            return None
        return SyncPage(self._fetch(number), self._fetch)

    def iter_pages(self) -> Iterator[SyncPage[PageT, ItemT]]:
        """Yield this page, then each following page as it is fetched."""
        page: SyncPage[PageT, ItemT] | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def iter_items(self, max_items: int | None = None) -> Iterator[ItemT]:
        """Yield the items from this page onward.

        Parameters
        ----------
        max_items : int or None
            Stop after this many items; no page is fetched beyond the one
            holding the last item wanted.

        Returns
        -------
        Iterator[ItemT]
            The items, lazily.
        """
        return self._items(check_item_limit(max_items))

    def _items(self, limit: int | None) -> Iterator[ItemT]:
        if limit == 0:
            return
        count = 0
        for page in self.iter_pages():
            for item in page.results:
                yield item
                count += 1
                if count == limit:
                    return

    def __iter__(self) -> Iterator[ItemT]:
        return self.iter_items()

    def take(self, n: int) -> list[ItemT]:
        """Return the first ``n`` items from this page onward, fetching only the pages needed."""
        return list(self._items(check_count("n", n)))


class AsyncPage(_PageBase[PageT, ItemT]):
    """One page of a TMDB list, able to fetch the pages after it asynchronously.

    ``async for`` over it yields every item from this page onward, fetching
    further pages only as they are needed.

    Parameters
    ----------
    data : PageT
        The decoded page.
    fetch : Callable[[int], Awaitable[PageT]]
        Fetches another page of the same list by number.

    Attributes
    ----------
    data : PageT
        The decoded page; its extra fields are also readable on the page.
    """

    def __init__(self, data: PageT, fetch: Callable[[int], Awaitable[PageT]]) -> None:
        super().__init__(data)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[PageT, ItemT] | None:
        """Fetch the following page, or return None if this is the last one."""
        number = next_page_number(self.data)
        if number is None:
            return None
        return AsyncPage(await self._fetch(number), self._fetch)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[PageT, ItemT]]:
        """Yield this page, then each following page as it is fetched."""
        page: AsyncPage[PageT, ItemT] | None = self
        while page is not None:
            yield page
            page = await page.next_page()

    def iter_items(self, max_items: int | None = None) -> AsyncIterator[ItemT]:
        """Yield the items from this page onward.

        Parameters
        ----------
        max_items : int or None
            Stop after this many items; no page is fetched beyond the one
            holding the last item wanted.

        Returns
        -------
        AsyncIterator[ItemT]
            The items, lazily.
        """
        return self._items(check_item_limit(max_items))

    async def _items(self, limit: int | None) -> AsyncIterator[ItemT]:
        if limit == 0:
            return
        count = 0
        async for page in self.iter_pages():
            for item in page.results:
                yield item
                count += 1
                if count == limit:
                    return

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self.iter_items()

    async def take(self, n: int) -> list[ItemT]:
        """Return the first ``n`` items from this page onward, fetching only the pages needed."""
        return [item async for item in self._items(check_count("n", n))]


class AsyncPager(Generic[PageT, ItemT]):
    """What async list methods return: await it, or iterate it directly.

    ``await pager`` fetches the first page (once; later awaits reuse it) and
    returns an :class:`AsyncPage`.  ``async for item in pager`` walks every
    item, fetching pages as needed.

    Parameters
    ----------
    fetch_first : Callable[[], Awaitable[PageT]]
        Fetches the page the caller asked for.
    fetch : Callable[[int], Awaitable[PageT]]
        Fetches another page of the same list by number.
    """

    def __init__(
        self,
        fetch_first: Callable[[], Awaitable[PageT]],
        fetch: Callable[[int], Awaitable[PageT]],
    ) -> None:
        self._fetch_first = fetch_first
        self._fetch = fetch
        self._first: AsyncPage[PageT, ItemT] | None = None

    async def first_page(self) -> AsyncPage[PageT, ItemT]:
        """Fetch the first page, or return it if it was already fetched."""
        if self._first is None:
            self._first = AsyncPage(await self._fetch_first(), self._fetch)
        return self._first

    def __await__(self) -> Generator[Any, None, AsyncPage[PageT, ItemT]]:
        return self.first_page().__await__()

    async def iter_pages(self) -> AsyncIterator[AsyncPage[PageT, ItemT]]:
        """Yield the first page, then each following page as it is fetched."""
        first = await self.first_page()
        async for page in first.iter_pages():
            yield page

    def iter_items(self, max_items: int | None = None) -> AsyncIterator[ItemT]:
        """Yield every item of the list, starting from the first page.

        Parameters
        ----------
        max_items : int or None
            Stop after this many items, fetching no further page.

        Returns
        -------
        AsyncIterator[ItemT]
            The items, lazily.
        """
        return self._items(check_item_limit(max_items))

    async def _items(self, limit: int | None) -> AsyncIterator[ItemT]:
        first = await self.first_page()
        async for item in first.iter_items(limit):
            yield item

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self.iter_items()

    async def take(self, n: int) -> list[ItemT]:
        """Return the first ``n`` items of the list, fetching only the pages needed."""
        check_count("n", n)
        first = await self.first_page()
        return await first.take(n)

    def __repr__(self) -> str:
        if self._first is None:
            return "AsyncPager(first page not fetched yet)"
        return f"AsyncPager(first={self._first!r})"
