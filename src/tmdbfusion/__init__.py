"""tmdbfusion: typed, fast sync and async client for The Movie Database (TMDB) API.

>>> from tmdbfusion import TMDBClient, NotFoundError
>>> with TMDBClient() as tmdb:  # doctest: +SKIP
...     movie = tmdb.movies.details(550)

The exception classes of :mod:`tmdbfusion.exceptions` are importable from here too.
"""

from tmdbfusion._client import AsyncTMDBClient, TMDBClient
from tmdbfusion.exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    MissingCredentialsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    TMDBError,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncTMDBClient",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "ServerError",
    "TMDBClient",
    "TMDBError",
    "__version__",
]

__version__ = "0.2.0"
