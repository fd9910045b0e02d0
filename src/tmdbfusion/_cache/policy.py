"""What is cached and for how long: pure rules over path templates and response headers.

Every GET operation falls in one :class:`Kind`, read from its path template.  Each kind has a
default lifetime; ``cache_ttl=`` overrides them with one number or with a mapping by namespace
(``"movies"``) or operation (``"movies.details"``).

Writes never touch entries directly.  An entry records the *generations* it depends on (the
user scope for account data, the list for a list's contents); a write bumps those generations,
and every entry recorded under an older one stops matching at once, in every process that shares
the store.  That keeps invalidation one small write, whatever the number of cached variants.
"""

from __future__ import annotations

import collections
import difflib
import enum
import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_TTLS",
    "Kind",
    "TTLPolicy",
    "TTLSetting",
    "classify",
    "dependencies",
    "freshness_from_headers",
    "invalidated_by",
    "retention",
]

MINUTE = 60.0
HOUR = 60 * MINUTE
DAY = 24 * HOUR


class Kind(enum.Enum):
    """How quickly a response goes out of date, and who may see it."""

    #: Authentication: answers hold request tokens and guest session ids. Never cached.
    NEVER = "never"
    #: Answers that depend on the user: account data, account states, rated lists, all of v4.
    SCOPED = "scoped"
    #: Configuration, genres, certifications, watch provider lists: change over days.
    REFERENCE = "reference"
    #: Search, discover, trending, charts, changes, user lists: change over minutes.
    LISTING = "listing"
    #: Details of one movie, show, person... and their parts: change over hours.
    DETAILS = "details"


#: Default lifetimes in seconds; 0 means not cached.  Details get 4 hours: TMDB's own cache keeps
#: them up to about 8 (``x-memc-age`` plus ``x-memc-expires`` in recorded responses), so a cached
#: copy adds at most half again.  Scoped answers are not cached unless asked for: the user may
#: change them from the website or another device at any time.
DEFAULT_TTLS: Mapping[Kind, float] = {
    Kind.NEVER: 0.0,
    Kind.SCOPED: 0.0,
    Kind.REFERENCE: DAY,
    Kind.LISTING: 10 * MINUTE,
    Kind.DETAILS: 4 * HOUR,
}

_NEVER = re.compile(r"^/\d+/auth(?:entication)?(?:/|$)|^/4/list/\{list_id\}/clear$")
# Every v4 read acts as a user (a v4 list may be private to its owner), so all of /4 is scoped.
_SCOPED = re.compile(r"/account(?:_states)?(?:/|$)|/guest_session/|^/4/")
#: GETs that change something: TMDB clears a v4 list with a GET.
_WRITING_GETS = frozenset({"/4/list/{list_id}/clear"})
_REFERENCE = re.compile(r"^/3/(?:configuration|genre|certification|watch/providers)(?:/|$)")
_LISTING = re.compile(
    r"^/3/(?:search|discover|trending)/"
    r"|/changes$|/latest$"
    r"|^/3/(?:movie|tv|person)/(?:popular|top_rated|now_playing|upcoming|airing_today|on_the_air)$"
    r"|^/3/list/\{list_id\}"
)
_LIST_ID = re.compile(r"^/[34]/list/(?P<list_id>[^/?#]+)")


@functools.lru_cache(maxsize=1024)
def classify(template: str) -> Kind:
    """Tell which kind of data a GET of this path template returns.

    Parameters
    ----------
    template : str
        Path template, e.g. ``/3/movie/{movie_id}``.

    Returns
    -------
    Kind
        Its kind; anything not recognised is :attr:`Kind.DETAILS`.
    """
    if _NEVER.search(template):
        return Kind.NEVER
    if _SCOPED.search(template):
        return Kind.SCOPED
    if _REFERENCE.search(template):
        return Kind.REFERENCE
    if _LISTING.search(template):
        return Kind.LISTING
    return Kind.DETAILS


def _unknown_name_message(name: str, gets: list[tuple[str, str]], namespaces: set[str]) -> str:
    """Say that ``name`` is no namespace or GET operation; suggest the likeliest one."""
    # The namespaces with the most cacheable operations make the best examples; one whose
    # answers are never cached (authentication) would be a poor one.
    counts = collections.Counter(
        sdk.split(".", 1)[0] for path, sdk in gets if classify(path) is not Kind.NEVER
    )
    examples = ", ".join(sorted(counts, key=lambda namespace: (-counts[namespace], namespace))[:4])
    message = (
        f"cache_ttl has {name!r}, which is neither a namespace (such as {examples}) "
        "nor a GET operation such as 'movies.details'"
    )
    candidates = sorted(namespaces | {sdk for _, sdk in gets})
    close = difflib.get_close_matches(name, candidates, n=1)
    return f"{message}; did you mean {close[0]!r}?" if close else message


#: What ``cache_ttl=`` accepts: seconds for everything, or seconds by namespace or operation.
TTLSetting = float | Mapping[str, float] | None


def _seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds; got {type(value).__name__}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number of seconds, 0 or more; got {value!r}")
    return float(value)


@dataclass(frozen=True)
class TTLPolicy:
    """Lifetimes by path template, resolved once when the client is built.

    Attributes
    ----------
    by_template : Mapping[str, float]
        Lifetimes the caller set for single operations or namespaces, by path template.
    everything : float or None
        One lifetime for every cacheable operation, when ``cache_ttl=`` was a number.
    """

    by_template: Mapping[str, float]
    everything: float | None = None
    # Lifetimes already worked out, by template: every call asks, the answer never changes.
    _resolved: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(
        cls, setting: TTLSetting, operations: Iterable[tuple[str, str, str]] = ()
    ) -> TTLPolicy:
        """Check ``cache_ttl=`` and resolve its names to path templates.

        Parameters
        ----------
        setting : float, Mapping[str, float] or None
            None for the defaults; a number for every operation; or a mapping from a namespace
            (``"movies"``) or an operation (``"movies.details"``) to seconds.  An operation's
            entry wins over its namespace's.
        operations : Iterable[tuple[str, str, str]]
            ``(method, path template, sdk method)`` of every operation, to resolve names.

        Returns
        -------
        TTLPolicy
            The resolved lifetimes.

        Raises
        ------
        TypeError, ValueError
            When a value is not a number of seconds or a name is not a namespace or a GET
            operation of the SDK.
        """
        if setting is None:
            return cls(by_template={})
        if not isinstance(setting, Mapping):
            return cls(by_template={}, everything=_seconds("cache_ttl", setting))
        gets = [(path, sdk) for method, path, sdk in operations if method == "GET"]
        namespaces = {sdk.split(".", 1)[0] for _, sdk in gets}
        by_namespace: dict[str, float] = {}
        by_operation: dict[str, float] = {}
        for name, value in setting.items():
            if not isinstance(name, str):
                raise TypeError(f"cache_ttl keys must be str; got {type(name).__name__}")
            seconds = _seconds(f"cache_ttl[{name!r}]", value)
            named = [path for path, sdk in gets if sdk == name or sdk.startswith(f"{name}.")]
            if seconds > 0 and named and all(classify(path) is Kind.NEVER for path in named):
                raise ValueError(
                    f"cache_ttl names {name!r}, whose answers hold request tokens or session "
                    "ids; they are never cached"
                )
            if name in namespaces:
                by_namespace[name] = seconds
            elif any(sdk == name for _, sdk in gets):
                by_operation[name] = seconds
            else:
                raise ValueError(_unknown_name_message(name, gets, namespaces))
        by_template: dict[str, float] = {}
        for path, sdk in gets:
            namespace = sdk.split(".", 1)[0]
            if sdk in by_operation:
                by_template[path] = by_operation[sdk]
            elif namespace in by_namespace:
                by_template[path] = by_namespace[namespace]
        return cls(by_template=by_template)

    def ttl_for(self, method: str, template: str) -> float:
        """Seconds a response of this operation stays fresh; 0 when it is not cached."""
        if method != "GET":
            return 0.0
        resolved = self._resolved.get(template)
        if resolved is None:
            resolved = self._resolved[template] = self._resolve(template)
        return resolved

    def _resolve(self, template: str) -> float:
        kind = classify(template)
        if kind is Kind.NEVER:
            return 0.0
        chosen = self.by_template.get(template)
        if chosen is not None:
            return chosen
        if self.everything is not None and kind is not Kind.SCOPED:
            # One number means "cache what is safe to share": scoped calls stay opt-in by name.
            return self.everything
        return DEFAULT_TTLS[kind]


def dependencies(template: str, path: str, scope: str | None) -> tuple[str, ...]:
    """Generations an entry depends on: writes that bump one make the entry stale.

    Parameters
    ----------
    template : str
        Path template of the cached GET.
    path : str
        The real path requested.
    scope : str or None
        The request's scope digest.

    Returns
    -------
    tuple[str, ...]
        Generation names, e.g. ``("scope:<digest>",)`` or ``("list:8224",)``.
    """
    names: list[str] = []
    if classify(template) is Kind.SCOPED and scope is not None:
        names.append(f"scope:{scope}")
    listed = _LIST_ID.match(path) if template.startswith(("/3/list/", "/4/list/")) else None
    if listed is not None:
        names.append(f"list:{listed.group('list_id')}")
    return tuple(names)


def invalidated_by(method: str, template: str, path: str, scope: str | None) -> tuple[str, ...]:
    """Generations a write bumps: what it obviously changes.

    A write made in a user's scope (rating, favourite, watchlist, list edits, ending a session)
    changes that user's account data; a write to a list changes the list.

    Parameters
    ----------
    method : str
        HTTP method of the write.
    template : str
        Its path template.
    path : str
        The real path.
    scope : str or None
        Its scope digest.

    Returns
    -------
    tuple[str, ...]
        Generation names to bump; empty for reads.
    """
    if method in ("GET", "HEAD", "OPTIONS") and template not in _WRITING_GETS:
        return ()
    names: list[str] = []
    if scope is not None:
        names.append(f"scope:{scope}")
    listed = _LIST_ID.match(path) if template.startswith(("/3/list/", "/4/list/")) else None
    if listed is not None:
        names.append(f"list:{listed.group('list_id')}")
    return tuple(names)


_DIRECTIVE = re.compile(r"\s*([A-Za-z-]+)\s*(?:=\s*\"?([^\",]*)\"?)?\s*(?:,|$)")


def _directives(cache_control: str) -> dict[str, str]:
    return {name.lower(): value for name, value in _DIRECTIVE.findall(cache_control) if name}


def freshness_from_headers(ttl: float, cache_control: str | None) -> float | None:
    """Seconds to keep a response fresh, given our lifetime and TMDB's ``Cache-Control``.

    TMDB sends ``public, max-age=N`` on GETs, where N is what is left of its own cached copy
    (it equals ``x-memc-expires``), not how long the data stays right; so a positive max-age
    does not shorten our lifetime.  ``no-store`` and ``private`` are obeyed (not stored), and
    ``no-cache`` or ``max-age=0`` store the response for revalidation only.

    Parameters
    ----------
    ttl : float
        Our lifetime for the operation, greater than 0.
    cache_control : str or None
        The response's header.

    Returns
    -------
    float or None
        Seconds fresh (0 means revalidate before each use), or None for "do not store".
    """
    if not cache_control:
        return ttl
    directives = _directives(cache_control)
    if "no-store" in directives or "private" in directives:
        return None
    if "no-cache" in directives or directives.get("max-age", "").strip() == "0":
        return 0.0
    return ttl


def retention(fresh_for: float, has_validator: bool) -> float:
    """Seconds a store keeps an entry: past freshness only when an ETag can revalidate it."""
    if not has_validator:
        return fresh_for
    # A stale entry with an ETag is worth a conditional request; keep it as long again.
    return max(fresh_for, min(max(2 * fresh_for, HOUR), 7 * DAY))
