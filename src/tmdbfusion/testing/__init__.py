"""Test your code against a fake TMDB: a real HTTP server on 127.0.0.1 that misbehaves on demand.

:class:`FakeTMDB` answers every operation the SDK knows with made-up,
well-formed JSON, records each request (secrets masked), and injects
:class:`Fault` s into chosen answers: error statuses, rate limiting with any
form of ``Retry-After``, connection resets, stalls, broken or mis-shaped
bodies.  :func:`sample_json` builds the same kind of made-up JSON for use with
respx or any other mock.

>>> from tmdbfusion.testing import FakeTMDB, Fault
>>> with FakeTMDB() as tmdb, tmdb.client() as client:
...     _ = tmdb.inject(Fault.rate_limit(0), path="/3/movie/{movie_id}")
...     client.movies.details(550).id
550

It serves TMDB's v4 API too (``fake.v4``, a :class:`FakeV4`): the user login flow and lists
that exist until deleted; and TMDB's daily ID export files (``fake.exports``, a
:class:`FakeExports`), without credentials like TMDB's file host.  See
``docs/guides/testing.md`` and ``docs/guides/v4-login.md``.
"""

from tmdbfusion.testing._exports import FakeExports
from tmdbfusion.testing._faults import Fault, FaultRule
from tmdbfusion.testing._operations import Operation
from tmdbfusion.testing._responses import FakeResponse, RecordedRequest, tmdb_error
from tmdbfusion.testing._samples import sample_json
from tmdbfusion.testing._server import FAKE_API_KEY, FakeTMDB
from tmdbfusion.testing._v4 import FakeV4, FakeV4List

__all__ = [
    "FAKE_API_KEY",
    "FakeExports",
    "FakeResponse",
    "FakeTMDB",
    "FakeV4",
    "FakeV4List",
    "Fault",
    "FaultRule",
    "Operation",
    "RecordedRequest",
    "sample_json",
    "tmdb_error",
]
