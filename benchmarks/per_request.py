"""Per-request cost, blocking: the SDK against raw httpx + msgspec, raw requests and tmdbsimple.

All of them talk to the same nginx (:mod:`benchmarks.nginx`) over kept-alive connections
and end with the same thing in hand: ``movies.details(550)`` and the first page of
``movies.popular()``, decoded.  Raw httpx decodes into the SDK's own generated type, so the ratio
isolates what the SDK adds per request (argument checks, request building, the retry-aware flow,
error mapping) rather than decoding, which :mod:`benchmarks.decoding` covers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
import msgspec

from benchmarks.nginx import Bodies, ServerStats, running_nginx
from benchmarks.payloads import load_payload
from benchmarks.report import Figure, at_most, below, compare
from benchmarks.timing import Effort, Samples, interleaved
from tmdbfusion import TMDBClient

SECTION = "Per request (sync)"
#: Sent by every client as a v3 ``api_key``; the local server accepts anything.
FAKE_API_KEY = "benchmark-not-a-real-key"
MOVIE_ID = 550

SDK = "tmdbfusion"
RAW = "raw httpx + msgspec"
REQUESTS = "raw requests + msgspec"
TMDBSIMPLE = "tmdbsimple"


@contextmanager
def bench_server() -> Iterator[tuple[str, ServerStats]]:
    """Run nginx serving the movie details example and the popular page; base URL and stats."""
    bodies = Bodies(
        movie_details=load_payload("movie_details").body,
        popular_movies=load_payload("popular_movies").body,
    )
    with running_nginx(bodies) as running:
        yield running


class RawRequests:
    """What a user would write with requests and msgspec alone."""

    def __init__(self, base_url: str, details_type: type[Any], page_type: type[Any]) -> None:
        import requests

        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        self._base_url = base_url
        self._details = msgspec.json.Decoder(details_type)
        self._page = msgspec.json.Decoder(page_type)

    def get(self, path: str, decoder: msgspec.json.Decoder[Any]) -> Any:
        """GET a path with the API key, fail on an error status, decode the body."""
        response = self.session.get(self._base_url + path, params={"api_key": FAKE_API_KEY})
        response.raise_for_status()
        return decoder.decode(response.content)

    def details(self, movie_id: int) -> Any:
        """Movie details, decoded."""
        return self.get(f"/3/movie/{movie_id}", self._details)

    def popular(self) -> Any:
        """The first page of popular movies, decoded."""
        return self.get("/3/movie/popular", self._page)


class RawHttpx:
    """What a user would write with httpx and msgspec alone, decoding into the SDK's types."""

    def __init__(self, base_url: str, details_type: type[Any], page_type: type[Any]) -> None:
        self.http = httpx.Client(base_url=base_url, headers={"Accept": "application/json"})
        self._details = msgspec.json.Decoder(details_type)
        self._page = msgspec.json.Decoder(page_type)

    def get(self, path: str, decoder: msgspec.json.Decoder[Any]) -> Any:
        """GET a path with the API key, fail on an error status, decode the body."""
        response = self.http.get(path, params={"api_key": FAKE_API_KEY})
        response.raise_for_status()
        return decoder.decode(response.content)

    def details(self, movie_id: int) -> Any:
        """Movie details, decoded."""
        return self.get(f"/3/movie/{movie_id}", self._details)

    def popular(self) -> Any:
        """The first page of popular movies, decoded."""
        return self.get("/3/movie/popular", self._page)


class TmdbSimple:
    """tmdbsimple pointed at the local server, with a shared ``requests.Session``.

    tmdbsimple builds its URLs from a ``base_uri`` set in each object's constructor, so each new
    object is pointed at the server.  It also sends ``Connection: close`` on every request, which
    would make it open a new TCP connection each time; that header is dropped so it reuses its
    connections like the other clients and the comparison is of client cost alone.
    """

    def __init__(self, base_url: str) -> None:
        import requests
        import tmdbsimple

        self._module = tmdbsimple
        self._base_uri = f"{base_url}/3"
        tmdbsimple.API_KEY = FAKE_API_KEY
        tmdbsimple.REQUESTS_SESSION = self.session = requests.Session()

    def _pointed(self, resource: Any) -> Any:
        resource.base_uri = self._base_uri
        resource.headers.pop("Connection", None)
        return resource

    def details(self, movie_id: int) -> dict[str, Any]:
        """Movie details, as tmdbsimple returns them (a dict)."""
        result: dict[str, Any] = self._pointed(self._module.Movies(movie_id)).info()
        return result

    def popular(self) -> dict[str, Any]:
        """The first page of popular movies (a dict)."""
        result: dict[str, Any] = self._pointed(self._module.Movies()).popular()
        return result


def _as_builtins(result: object) -> dict[str, Any]:
    data = result if isinstance(result, dict) else msgspec.to_builtins(result)
    assert isinstance(data, dict)
    return data


def _check_answers(
    details: dict[str, Callable[[], object]],
    popular: dict[str, Callable[[], object]],
    expected_title: str,
    expected_results: int,
) -> None:
    """Fail unless every client got the example's movie and the whole popular page."""
    for name, call in details.items():
        title = _as_builtins(call()).get("title")
        if title != expected_title:
            raise AssertionError(f"{name} returned {title!r}, not {expected_title!r}")
    for name, call in popular.items():
        if len(_as_builtins(call())["results"]) != expected_results:
            raise AssertionError(f"{name} did not return the whole popular page")


def _figures(label: str, samples: Samples) -> list[Figure]:
    sdk_cpu, raw_cpu = samples.cpu_median(SDK), samples.cpu_median(RAW)
    rows = [
        compare(
            SECTION,
            f"{label}: tmdbfusion / raw httpx + msgspec",
            samples,
            SDK,
            RAW,
            at_most(1.05),
            f" per request; CPU {sdk_cpu * 1e6:.0f} vs {raw_cpu * 1e6:.0f} µs",
        ),
        Figure(
            SECTION,
            f"{label}: CPU per request, tmdbfusion / raw httpx + msgspec",
            sdk_cpu / raw_cpu,
            None,
            f"{sdk_cpu * 1e6:.0f} vs {raw_cpu * 1e6:.0f} µs; the SDK's share of its CPU: "
            f"{max(sdk_cpu - raw_cpu, 0.0) / sdk_cpu:.0%}",
        ),
    ]
    if REQUESTS in samples.seconds:
        rows.append(
            compare(
                SECTION,
                f"{label}: tmdbfusion / raw requests + msgspec",
                samples,
                SDK,
                REQUESTS,
                below(1.0),
                " per request",
            )
        )
    if TMDBSIMPLE in samples.seconds:
        rows.append(
            compare(
                SECTION,
                f"{label}: tmdbfusion / tmdbsimple",
                samples,
                SDK,
                TMDBSIMPLE,
                below(1.0),
                " per request",
            )
        )
    return rows


def run(effort: Effort, *, with_tmdbsimple: bool = True) -> tuple[list[Figure], ServerStats]:
    """Measure both endpoints; ``with_tmdbsimple=False`` leaves tmdbsimple out (it is optional)."""
    details_payload = load_payload("movie_details")
    page_payload = load_payload("popular_movies")
    with ExitStack() as cleanup:
        base_url, stats = cleanup.enter_context(bench_server())
        sdk = cleanup.enter_context(TMDBClient(api_key=FAKE_API_KEY, base_url=base_url))
        raw = RawHttpx(base_url, details_payload.model, page_payload.model)
        cleanup.callback(raw.http.close)
        details: dict[str, Callable[[], object]] = {
            SDK: lambda: sdk.movies.details(MOVIE_ID),
            RAW: lambda: raw.details(MOVIE_ID),
        }
        popular: dict[str, Callable[[], object]] = {
            SDK: lambda: sdk.movies.popular().data,
            RAW: raw.popular,
        }
        if with_tmdbsimple:
            plain = RawRequests(base_url, details_payload.model, page_payload.model)
            cleanup.callback(plain.session.close)
            details[REQUESTS] = lambda: plain.details(MOVIE_ID)
            popular[REQUESTS] = plain.popular
            simple = TmdbSimple(base_url)
            cleanup.callback(simple.session.close)
            details[TMDBSIMPLE] = lambda: simple.details(MOVIE_ID)
            popular[TMDBSIMPLE] = simple.popular
        _check_answers(
            details,
            popular,
            details_payload.value["title"],
            len(page_payload.value["results"]),
        )
        figures = _figures(f"movies.details({MOVIE_ID})", interleaved(details, effort))
        figures += _figures("movies.popular() first page", interleaved(popular, effort))
    return figures, stats
