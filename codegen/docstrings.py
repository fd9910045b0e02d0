"""NumPy-style docstrings for generated methods, written from the document's own text."""

from __future__ import annotations

import re
import textwrap

from .ir import OperationPlan, ParamPlan

WIDTH = 88


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
    """Describe a parameter in one line, naming the allowed values when there is a closed set."""
    description = param.description or _default_description(param.name, param.location)
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
    return lines


def _default_description(name: str, location: str) -> str:
    if location == "path":
        return f"The ``{name}`` path parameter"
    if location == "body":
        return f"The ``{name}`` field of the request body"
    return f"The ``{name}`` query parameter"
