"""Name every operation from its path (TMDB's operationIds are unreliable).

``/3/movie/{movie_id}/credits`` is ``movies.credits``; a bare ``/{id}`` is ``details``; write
operations get a verb (``add_rating``, ``delete_rating``, ``add_favorite``, ``create``,
``delete``). Exceptions live in the ``operations`` section of the overrides file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .overrides import Overrides

# First path word -> namespace. Unlisted words are an error: a new TMDB area needs a decision.
NAMESPACE_BY_WORD = {
    "account": "account",
    "auth": "auth",  # v4
    "authentication": "authentication",
    "certification": "certifications",
    "collection": "collections",
    "company": "companies",
    "configuration": "configuration",
    "credit": "credits",
    "discover": "discover",
    "find": "find",
    "genre": "genres",
    "guest_session": "guest_sessions",
    "keyword": "keywords",
    "list": "lists",
    "movie": "movies",
    "network": "networks",
    "person": "people",
    "review": "reviews",
    "search": "search",
    "trending": "trending",
    "tv": "tv",
    "watch": "watch_providers",
}

# Path words that only say which namespace we are in, never part of a method name.
NAMESPACE_WORDS = {
    "tv_seasons": ("season",),
    "tv_episodes": ("season", "episode"),
    "tv_episode_groups": ("episode_group",),
    "watch_providers": ("providers",),
}

# The entity a namespace's objects are, for model names (MovieDetails, TvSeasonCredits...).
ENTITY_BY_NAMESPACE = {
    "account": "Account",
    "auth": "",
    "authentication": "",
    "certifications": "Certification",
    "changes": "",
    "collections": "Collection",
    "companies": "Company",
    "configuration": "Configuration",
    "credits": "Credit",
    "discover": "",
    "find": "Find",
    "genres": "Genre",
    "guest_sessions": "GuestSession",
    "keywords": "Keyword",
    "lists": "List",
    "movies": "Movie",
    "networks": "Network",
    "people": "Person",
    "reviews": "Review",
    "search": "",
    "trending": "",
    "tv": "TvSeries",
    "tv_seasons": "TvSeason",
    "tv_episodes": "TvEpisode",
    "tv_episode_groups": "TvEpisodeGroup",
    "watch_providers": "WatchProvider",
}

VERB_BY_METHOD = {"POST": "add", "DELETE": "delete", "PUT": "update"}


class NamingError(Exception):
    """A path cannot be named by the rules and has no override."""


@dataclass(frozen=True)
class OperationName:
    """Where an operation lives in the SDK."""

    namespace: str
    method: str


def _namespace(literals: list[str], path: str) -> str:
    first = literals[0]
    if first in ("movie", "person", "tv") and literals[1:] == ["changes"] and "{" not in path:
        return "changes"
    if first == "tv" and len(literals) > 1:
        if "episode_group" in literals:
            return "tv_episode_groups"
        if "episode" in literals:
            return "tv_episodes"
        if "season" in literals:
            return "tv_seasons"
    if first not in NAMESPACE_BY_WORD:
        raise NamingError(f"no namespace for {path!r}: add it to NAMESPACE_BY_WORD or overrides")
    return NAMESPACE_BY_WORD[first]


def name_operation(method: str, path: str, overrides: Overrides) -> OperationName:
    """Apply the naming rule (and any override) to one operation."""
    segments = [s for s in path.split("/") if s][1:]  # drop the "3" or "4" version segment
    literals = [s for s in segments if not s.startswith("{")]
    namespace = _namespace(literals, path)
    entry = overrides.find("operations", f"{method} {path}")
    if entry is not None and "name" in entry.data:
        return OperationName(entry.data.get("namespace", namespace), str(entry.data["name"]))
    skip = {literals[0], *NAMESPACE_WORDS.get(namespace, ())}
    words = [w for w in literals[1:] if w not in skip] if namespace != "changes" else literals[:1]
    if len(words) > 1 and words[-1] == "list":
        words = words[:-1]  # certification/movie/list -> movie
    base = "_".join(words)
    if method == "GET":
        name = base or "details"
    elif not base:
        name = {"DELETE": "delete", "PUT": "update", "PATCH": "update"}.get(method, "create")
    elif re.match(r"^(add|remove|clear|create|delete)(_|$)", base):
        name = base
    else:
        name = f"{VERB_BY_METHOD.get(method, method.lower())}_{base}"
    return OperationName(namespace, name)
