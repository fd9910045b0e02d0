"""tmdbfusion: typed, fast sync and async client for The Movie Database (TMDB) API.

>>> from tmdbfusion import TMDBClient, NotFoundError
>>> with TMDBClient() as tmdb:  # doctest: +SKIP
...     movie = tmdb.movies.details(550)

The exception classes of :mod:`tmdbfusion.exceptions` are importable from here too.
"""

from tmdbfusion import exceptions as _exceptions
from tmdbfusion._client import AsyncTMDBClient, TMDBClient
from tmdbfusion._pacing import PacingBudget, TokenBucket
from tmdbfusion._pacing_redis import RedisPacingBudget
from tmdbfusion.exceptions import *  # noqa: F403  (every exception class, by its __all__)

__all__ = [
    "AsyncTMDBClient",
    "PacingBudget",
    "RedisPacingBudget",
    "TMDBClient",
    "TokenBucket",
    "__version__",
]
__all__ += _exceptions.__all__

__version__ = "0.2.0"
