"""Fixed facts about TMDB and the SDK: the API's URL, environment variable names, TMDB's limits.

Nothing here computes anything; every other core module may import from it.
"""

from __future__ import annotations

DEFAULT_BASE_URL = "https://api.themoviedb.org"
ACCESS_TOKEN_ENV = "TMDB_ACCESS_TOKEN"
API_KEY_ENV = "TMDB_API_KEY"

#: TMDB refuses ``page`` values above this, whatever ``total_pages`` says.
MAX_PAGE = 500
#: TMDB ignores (or rejects) ``append_to_response`` lists longer than this.
MAX_APPENDED_RESPONSES = 20
#: Statuses worth another try: rate limiting and transient server failures.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
