"""NumPy-style docstrings for generated methods.

The summary and prose come from TMDB's document; parameter descriptions from our own table,
``openapi/parameters.yaml`` (TMDB's text where the table has no entry); the Raises section from
what the operation can fail with.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .ir import OperationPlan, ParamPlan
from .spec import ROOT

WIDTH = 88
PARAMETERS_FILE = ROOT / "openapi" / "parameters.yaml"
LOCATIONS = ("path", "query", "body")
# Starts the description of a parameter neither our table nor TMDB's document describes.
UNDESCRIBED = "Not yet described in openapi/parameters.yaml"


class ParameterTableError(Exception):
    """``openapi/parameters.yaml`` is malformed."""


@dataclass(frozen=True)
class ParameterEntry:
    """One row of the parameter table: what a parameter means, and where that applies."""

    name: str
    description: str
    location: str | None = None
    at: tuple[str, ...] = ()

    def rank(self, location: str, places: tuple[str, ...]) -> int | None:
        """How specifically this entry matches a parameter (higher wins), or None if it does not."""
        if self.location is not None and self.location != location:
            return None
        if self.at and not set(self.at) & set(places):
            return None
        return (2 if self.at else 0) + (1 if self.location else 0)


@dataclass(frozen=True)
class ParameterTable:
    """The descriptions of ``openapi/parameters.yaml``, looked up by name and place."""

    entries: tuple[ParameterEntry, ...] = ()

    def describe(self, name: str, location: str, places: tuple[str, ...]) -> str | None:
        """Return the most specific description for a parameter, or None when there is none.

        ``places`` are the names the parameter's operation goes by: its namespace (``search``),
        its method (``search.movie``) and its operation key (``GET /3/search/movie``).
        """
        best: tuple[int, str] | None = None
        for entry in self.entries:
            if entry.name != name:
                continue
            rank = entry.rank(location, places)
            if rank is not None and (best is None or rank > best[0]):
                best = (rank, entry.description)
        return None if best is None else best[1]


def parse_parameter_table(data: Any) -> ParameterTable:
    """Validate the YAML structure of the parameter table."""
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        raise ParameterTableError("parameters.yaml must be a mapping with a list under 'groups'")
    entries = []
    for number, group in enumerate(data["groups"], start=1):
        if not isinstance(group, dict) or not str(group.get("reason") or "").strip():
            raise ParameterTableError(f"group {number} of parameters.yaml needs a 'reason'")
        for raw in group.get("entries") or []:
            name, text = raw.get("name"), " ".join(str(raw.get("description") or "").split())
            if not isinstance(name, str) or not text:
                raise ParameterTableError(f"group {number}: every entry needs a name and a text")
            location = raw.get("in")
            if location is not None and location not in LOCATIONS:
                raise ParameterTableError(f"{name}: 'in' must be one of {', '.join(LOCATIONS)}")
            at = raw.get("at") or []
            entries.append(ParameterEntry(name, text, location, tuple(str(a) for a in at)))
    return ParameterTable(tuple(entries))


def load_parameter_table(path: Path = PARAMETERS_FILE) -> ParameterTable:
    """Load ``openapi/parameters.yaml`` (an absent file means an empty table)."""
    if not path.is_file():
        return ParameterTable()
    return parse_parameter_table(yaml.safe_load(path.read_text(encoding="utf-8")))


_FILLER_WORDS = {"the", "a", "an", "of", "path", "query", "parameter", "field", "request", "body"}


def repeats_name(description: str, name: str) -> bool:
    """Whether a description says no more than the parameter's name (and where it goes)."""
    text = re.sub(r"TMDB's default: ``[^`]*``\.?", "", description)
    words = set(re.findall(r"[a-z0-9]+", text.lower()))
    return not words - _FILLER_WORDS - set(re.findall(r"[a-z0-9]+", name.lower()))


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if text and text[-1] not in ".!?":
        text += "."
    return text


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH - len(indent), break_on_hyphens=False) or [""]


_LITERAL = re.compile(r"Literal\[[^\]]*\]")


def shown_type(annotation: str) -> str:
    """An annotation on one line, closed sets of values shown as ``str`` (the text lists them)."""
    return _LITERAL.sub("str", " ".join(annotation.split()))


def _param_type(annotation: str, required: bool) -> str:
    shown = re.sub(r"\s+", " ", annotation)
    return shown if required else f"{shown}, optional"


def operation_prose(op: OperationPlan) -> list[str]:
    """Return an operation's summary sentence, then its other paragraphs, each on one line.

    Shared by the method docstrings and the generated reference pages, so both say the same.
    """
    paragraphs = [" ".join(p.split()) for p in op.description.split("\n") if p.strip()]
    first = _sentence(paragraphs[0]) if paragraphs else ""
    # The summary line must be one short sentence that does not start with "This".
    if first and len(first) <= WIDTH - 11 and not first.startswith("This"):
        return [first, *(_sentence(p) for p in paragraphs[1:])]
    summary = _sentence(op.summary or op.name.replace("_", " ").capitalize())
    return [summary, *(_sentence(p) for p in paragraphs)]


def param_description(param: ParamPlan) -> str:
    """Describe a parameter in one line: its meaning, TMDB's default, the allowed values."""
    description = param.description
    if param.tmdb_default is not None:
        description = f"{_sentence(description)} TMDB's default: ``{param.tmdb_default}``"
    if param.choices:
        allowed = ", ".join(f"``{c}``" for c in param.choices)
        description = f"{_sentence(description)} One of {allowed}"
    return _sentence(description)


def operation_doc(op: OperationPlan, returns: str) -> list[str]:
    """Return the docstring lines (without quotes or indentation) for one operation."""
    summary, *paragraphs = operation_prose(op)
    lines = [summary]
    for paragraph in paragraphs:
        lines.append("")
        lines.extend(_wrap(paragraph))
    lines += ["", f"``{op.http_method} {op.path}``"]
    if op.params:
        lines += ["", "Parameters", "----------"]
        for param in op.params:
            lines.append(
                f"{param.name} : {_param_type(shown_type(param.annotation), param.required)}"
            )
            lines.extend(f"    {line}" for line in _wrap(param_description(param), "    "))
    lines += ["", "Returns", "-------", returns]
    if op.paginated:
        lines.extend(
            f"    {line}"
            for line in _wrap(
                "The requested page; iterating it walks every item across pages, fetching "
                "the next pages lazily.",
                "    ",
            )
        )
    lines += ["", "Raises", "------"]
    for exception, when in operation_raises(op):
        lines.append(exception)
        lines.extend(f"    {line}" for line in _wrap(when, "    "))
    return lines


_SESSION_PARAMETERS = {"session_id", "guest_session_id"}


def operation_raises(op: OperationPlan) -> list[tuple[str, str]]:
    """What one operation raises and when, most specific first.

    Shared by the method docstrings and the reference pages. The classes are those of
    ``tmdbfusion.exceptions`` (also importable from ``tmdbfusion``); ``ValueError`` and
    ``TypeError`` are raised before anything is sent.
    """
    names = {p.name for p in op.params}
    raises: list[tuple[str, str]] = []
    if op.path_params:
        ids = ", ".join(f"``{p.name}``" for p in op.path_params)
        raises.append(("NotFoundError", f"When TMDB has nothing for this {ids} (HTTP 404)."))
    credential = "When the API key or access token is missing, invalid or revoked"
    if names & _SESSION_PARAMETERS:
        credential += ", or the session is invalid or expired"
    raises.append(("AuthenticationError", f"{credential} (HTTP 401)."))
    if op.http_method != "GET" or names & _SESSION_PARAMETERS:
        denied = "When the credential may not act on this resource (HTTP 403)."
        raises.append(("PermissionDeniedError", denied))
    if op.query_params or op.body_params:
        raises.append(("BadRequestError", "When TMDB rejects a parameter value (HTTP 400 or 422)."))
    raises += [
        ("RateLimitError", "When TMDB still answers HTTP 429 after the client's ``max_retries``."),
        (
            "ServerError",
            "When TMDB fails (HTTP 5xx) after the retries; its subclasses "
            "``APIConnectionError`` and ``APITimeoutError`` mean TMDB could not be reached or did "
            "not answer in time.",
        ),
        (
            "ResponseValidationError",
            f"When a successful answer does not decode into ``{op.cast_to}``.",
        ),
        ("ClientClosedError", "When the client was closed before the call."),
    ]
    if op.params:
        raises += [
            (
                "ValueError",
                "Before sending, when an argument is out of range or not one of its allowed "
                "values.",
            ),
            ("TypeError", "Before sending, when an argument has the wrong type."),
        ]
    return raises
