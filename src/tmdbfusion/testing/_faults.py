"""Faults the fake server can inject, and the rules that say which requests get them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

JSON_TYPE = "application/json;charset=utf-8"

__all__ = ["Fault", "FaultRule", "RateLimitForm", "path_pattern"]

RateLimitForm = Literal["seconds", "http-date", "reset", "none"]

HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><h1>Bad Gateway</h1><p>The proxy could not reach TMDB.</p></body></html>\n"
)
INVALID_JSON = b'{"id": 550, "title": "Fight Club", "runtime": 139,, }'


@dataclass(frozen=True)
class Fault:
    """Something going wrong with one response.  Build one with the class methods.

    Attributes
    ----------
    kind : str
        What goes wrong; one of the class method names (``"status"``,
        ``"rate_limit"``, ``"reset"``, ``"reset_mid_body"``, ``"stall"``,
        ``"body"``, ``"truncated_json"``, ``"content_type"``, ``"wrong_shape"``,
        ``"large_page"``).
    """

    kind: str
    http_status: int = 200
    seconds: float = 0.0
    retry_after: float | None = None
    form: RateLimitForm = "seconds"
    content: bytes | None = None
    content_type: str = JSON_TYPE
    json_path: str | None = None
    value: Any = None
    results: int = 0

    @classmethod
    def status(cls, status: int, *, retry_after: float | None = None) -> Fault:
        """Answer with this HTTP status and TMDB's error body for it.

        Parameters
        ----------
        status : int
            E.g. 500, 502, 503, 504, 404, 401.
        retry_after : float or None
            Also send ``Retry-After`` with this many seconds (0 makes a client
            that honours it retry at once).
        """
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError(f"status must be an HTTP error status (400-599); got {status!r}")
        if retry_after is not None:
            retry_after = _non_negative("retry_after", retry_after)
        return cls("status", http_status=status, retry_after=retry_after)

    @classmethod
    def rate_limit(cls, wait: float = 0.0, *, form: RateLimitForm = "seconds") -> Fault:
        """Answer 429, telling the client to wait ``wait`` seconds.

        Parameters
        ----------
        wait : float
            Seconds to wait; whole seconds for the ``"http-date"`` and ``"reset"`` forms.
        form : {"seconds", "http-date", "reset", "none"}
            How the wait is told: ``Retry-After: 2``, ``Retry-After: <HTTP date>``,
            ``X-RateLimit-Reset: <Unix time>``, or not at all.
        """
        if form not in ("seconds", "http-date", "reset", "none"):
            raise ValueError(f"form must be seconds, http-date, reset or none; got {form!r}")
        return cls("rate_limit", http_status=429, seconds=_non_negative("wait", wait), form=form)

    @classmethod
    def reset(cls) -> Fault:
        """Reset the connection (TCP RST) after reading the request, before any response."""
        return cls("reset")

    @classmethod
    def reset_mid_body(cls) -> Fault:
        """Send the headers and half the body, then reset the connection."""
        return cls("reset_mid_body")

    @classmethod
    def stall(cls, seconds: float) -> Fault:
        """Send nothing for ``seconds`` (or until the server stops), then answer normally."""
        return cls("stall", seconds=_non_negative("seconds", seconds))

    @classmethod
    def body(
        cls,
        content: bytes,
        *,
        status: int = 200,
        content_type: str = JSON_TYPE,
    ) -> Fault:
        """Answer with exactly this body, status and content type."""
        if not isinstance(content, bytes):
            raise TypeError(f"content must be bytes; got {type(content).__name__}")
        return cls("body", http_status=status, content=content, content_type=content_type)

    @classmethod
    def html_page(cls, status: int = 200) -> Fault:
        """Answer with an HTML error page (what a proxy in the way sends), status 200 by default."""
        return cls.body(HTML_ERROR_PAGE, status=status, content_type="text/html; charset=utf-8")

    @classmethod
    def invalid_json(cls) -> Fault:
        """Answer 200 with a body that is not JSON at all."""
        return cls.body(INVALID_JSON)

    @classmethod
    def empty_body(cls, status: int = 200) -> Fault:
        """Answer with no body at all."""
        return cls.body(b"", status=status)

    @classmethod
    def truncated_json(cls) -> Fault:
        """Answer 200 with the first half of the normal body (a correct Content-Length)."""
        return cls("truncated_json")

    @classmethod
    def wrong_content_type(cls, content_type: str = "text/plain") -> Fault:
        """Answer with the normal body, labelled with another content type."""
        return cls("content_type", content_type=content_type)

    @classmethod
    def wrong_shape(cls, json_path: str | None = None, value: Any = "not a list") -> Fault:
        """Answer with the normal body, one field replaced by a value of the wrong shape.

        Parameters
        ----------
        json_path : str or None
            Dotted path of the field, e.g. ``"genres"`` or ``"results.0.genre_ids"``;
            by default the first top-level field holding a list.
        value : Any
            What to put there instead; a string by default.
        """
        return cls("wrong_shape", json_path=json_path, value=value)

    @classmethod
    def large_page(cls, results: int = 10_000) -> Fault:
        """Answer a list endpoint with one page holding this many results."""
        if isinstance(results, bool) or not isinstance(results, int) or results < 1:
            raise ValueError(f"results must be an int of 1 or more; got {results!r}")
        return cls("large_page", results=results)

    def __repr__(self) -> str:
        details = {
            "status": f"{self.http_status}",
            "rate_limit": f"{self.seconds:g} s as {self.form}",
            "stall": f"{self.seconds:g} s",
            "body": f"{self.http_status}, {self.content_type}, {len(self.content or b'')} bytes",
            "content_type": self.content_type,
            "wrong_shape": f"{self.json_path or 'first list'} = {self.value!r}",
            "large_page": f"{self.results} results",
        }.get(self.kind, "")
        return f"Fault.{self.kind}({details})"


def _non_negative(name: str, seconds: float) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
        raise ValueError(f"{name} must be a number of seconds, 0 or more; got {seconds!r}")
    return float(seconds)


def path_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a request path pattern.

    ``{name}`` matches one path segment, ``*`` matches anything (slashes
    included), everything else matches itself: ``"/3/movie/{movie_id}"``,
    ``"/3/movie/550"``, ``"/3/search/*"``, ``"*"``.
    """
    if not isinstance(pattern, str) or not pattern:
        raise ValueError(f"path pattern must be a non-empty str; got {pattern!r}")
    parts = re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\}|\*)", pattern)
    regex = "".join(
        "[^/]+" if part.startswith("{") else ".*" if part == "*" else re.escape(part)
        for part in parts
    )
    return re.compile(regex)


@dataclass
class FaultRule:
    """Which requests get a fault; returned by :meth:`FakeTMDB.inject`.

    Attributes
    ----------
    fault : Fault
        What goes wrong.
    pattern : str
        Paths it applies to (see :func:`path_pattern`).
    method : str or None
        HTTP method it applies to; None for any.
    times : int or None
        How many matching requests get the fault; None for all of them.
    calls : frozenset[int] or None
        Instead of ``times``: the numbers (from 1) of the matching requests
        that get it.
    matched : int
        Requests seen so far that matched ``pattern`` and ``method``.
    fired : int
        Requests that got the fault.
    """

    fault: Fault
    pattern: str
    method: str | None
    times: int | None
    calls: frozenset[int] | None
    matched: int = 0
    fired: int = 0
    _regex: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._regex = path_pattern(self.pattern)

    @classmethod
    def build(
        cls,
        fault: Fault,
        *,
        path: str,
        method: str | None,
        times: int | None,
        calls: Iterable[int] | None,
    ) -> FaultRule:
        """Check the arguments of :meth:`FakeTMDB.inject` and make the rule."""
        if not isinstance(fault, Fault):
            raise TypeError(f"fault must be a Fault; got {type(fault).__name__}")
        chosen: frozenset[int] | None = None
        if calls is not None:
            chosen = frozenset(calls)
            if not chosen or any(
                isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in chosen
            ):
                raise ValueError("calls must be call numbers, ints from 1")
            times = None
        elif times is not None and (
            isinstance(times, bool) or not isinstance(times, int) or times < 1
        ):
            raise ValueError(f"times must be an int of 1 or more, or None; got {times!r}")
        return cls(fault, path, method.upper() if method else None, times, chosen)

    def consider(self, method: str, path: str) -> bool:
        """Count a request if it matches; tell whether it should get the fault."""
        if self.method is not None and self.method != method:
            return False
        if self._regex.fullmatch(path) is None:
            return False
        self.matched += 1
        if self.calls is not None:
            return self.matched in self.calls
        return self.times is None or self.fired < self.times
