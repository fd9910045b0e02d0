"""tmdbfusion: typed, fast sync and async client for The Movie Database (TMDB) API.

>>> from tmdbfusion import TMDBClient
>>> with TMDBClient() as tmdb:  # doctest: +SKIP
...     movie = tmdb.movies.details(550)

Exceptions live in :mod:`tmdbfusion.exceptions`.
"""

from tmdbfusion._client import AsyncTMDBClient, TMDBClient
from tmdbfusion._pacing import PacingBudget, TokenBucket

__all__ = ["AsyncTMDBClient", "PacingBudget", "TMDBClient", "TokenBucket", "__version__"]

__version__ = "0.1.0"
