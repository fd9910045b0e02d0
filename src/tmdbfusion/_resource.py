"""Base classes of the generated resource classes (``client.movies`` and so on)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tmdbfusion._client import AsyncTMDBClient, TMDBClient

__all__ = ["AsyncResource", "SyncResource"]


class SyncResource:
    """A group of TMDB endpoints called through a :class:`~tmdbfusion.TMDBClient`.

    Parameters
    ----------
    client : TMDBClient
        The client whose ``_request`` / ``_request_page`` the methods call.
    """

    def __init__(self, client: TMDBClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


class AsyncResource:
    """A group of TMDB endpoints called through an :class:`~tmdbfusion.AsyncTMDBClient`.

    Parameters
    ----------
    client : AsyncTMDBClient
        The client whose ``_request`` / ``_request_page`` the methods call.
    """

    def __init__(self, client: AsyncTMDBClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"
