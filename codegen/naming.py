"""Turning TMDB's path words and JSON keys into the names a person would choose."""

from __future__ import annotations

import keyword
import re

_IRREGULAR_SINGULARS = {
    "people": "person",
    "series": "series",
    "movies": "movie",
    "companies": "company",
    "countries": "country",
    "aliases": "alias",
    "statuses": "status",
    "cast": "cast",
    "crew": "crew",
    "news": "news",
    "details": "details",
    "credits": "credit",
}


def singular(word: str) -> str:
    """Return the singular of an English plural as TMDB uses them (``genres`` -> ``genre``)."""
    head, _, last = word.rpartition("_")
    lowered = last.lower()
    if lowered in _IRREGULAR_SINGULARS:
        result = _IRREGULAR_SINGULARS[lowered]
    elif lowered.endswith("ies") and len(lowered) > 4:
        result = lowered[:-3] + "y"
    elif lowered.endswith(("ches", "shes", "sses", "xes")):
        result = lowered[:-2]
    elif lowered.endswith("s") and not lowered.endswith(("ss", "us", "is")):
        result = lowered[:-1]
    else:
        result = lowered
    return f"{head}_{result}" if head else result


def pascal(text: str) -> str:
    """``production_companies`` -> ``ProductionCompanies``; ``tv`` -> ``Tv``."""
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", text) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts)


def snake(text: str) -> str:
    """Turn any JSON key or path word into a lower_snake identifier."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower()
    return text or "value"


def python_identifier(key: str) -> str:
    """A valid, non-keyword Python attribute name for a JSON key (``type`` stays ``type``)."""
    name = snake(key)
    if key.startswith("_"):
        name = f"internal_{name}"  # TMDB's "_id" is an internal id, distinct from "id"
    if name[0].isdigit():
        name = f"n{name}"
    if keyword.iskeyword(name) or name in ("self",):
        name = f"{name}_"
    return name


def words(name: str) -> str:
    """``MovieDetails`` -> ``movie details``, for docstrings."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return spaced.lower().replace("tv ", "TV ")
