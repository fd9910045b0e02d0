"""The caller's arguments: checking path, query and body values and encoding them for the wire.

Every bad argument is refused here, with a message that says what to pass,
before anything is sent.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

import msgspec

from tmdbfusion._config import ClientConfig, check_language, check_region
from tmdbfusion._constants import MAX_APPENDED_RESPONSES, MAX_PAGE
from tmdbfusion._redact import is_secret_name

#: Longest single value put in a URL; servers and proxies refuse URLs past about 8 KB.
MAX_URL_VALUE_LENGTH = 2048
_REGION_PARAMS = ("region", "watch_region")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SCALAR_KINDS = "a str, int, float, bool or datetime.date"


def _encode_path_param(name: str, value: object) -> str:
    if type(value) is int and value >= 0:  # the usual id: no other check applies
        return str(value)
    shown = "***" if is_secret_name(name) else repr(value)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(
            f"path parameter {name} must be an int or a str; got {type(value).__name__}"
        )
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"path parameter {name} must be 0 or more; got {shown}")
        return str(value)
    if not value.strip():
        raise ValueError(f"path parameter {name} must be a non-empty str; got {shown}")
    _check_sendable_text(f"path parameter {name}", value)
    encoded = quote(value, safe="")
    # "." and ".." are dot segments: URL normalization would drop them and send
    # the request to another endpoint (/3/find/.. is /3).
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def _check_sendable_text(what: str, value: str) -> None:
    if len(value) > MAX_URL_VALUE_LENGTH:
        raise ValueError(
            f"{what} is {len(value):,} characters long; values sent in the URL may have at "
            f"most {MAX_URL_VALUE_LENGTH:,}"
        )
    if value.isascii():
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"{what} contains {value[exc.start]!r}, a lone surrogate that cannot be sent as "
            "UTF-8; check how the text was decoded"
        ) from None


class _PathTemplate:
    """A path template split once: literal text around each placeholder's name."""

    __slots__ = ("literals", "names", "secret")

    def __init__(self, template: str) -> None:
        pieces = _PLACEHOLDER.split(template)
        self.literals = tuple(pieces[0::2])
        self.names = tuple(pieces[1::2])
        self.secret = tuple(is_secret_name(name) for name in self.names)


# The generated resources use a few hundred templates; a caller building paths by hand
# could make endless ones, so only so many are kept.
_TEMPLATES: dict[str, _PathTemplate] = {}
_MAX_TEMPLATES = 2048


def _compiled(template: str) -> _PathTemplate:
    compiled = _TEMPLATES.get(template)
    if compiled is None:
        compiled = _PathTemplate(template)
        if len(_TEMPLATES) < _MAX_TEMPLATES:
            _TEMPLATES[template] = compiled
    return compiled


def render_path(template: str, path_params: Mapping[str, object] | None) -> tuple[str, str]:
    """Fill a path template such as ``/3/movie/{movie_id}``.

    Parameters
    ----------
    template : str
        The path with ``{name}`` placeholders.
    path_params : Mapping[str, object] or None
        Values for the placeholders: ints of 0 or more, or non-empty strs
        (percent-encoded, slashes included).

    Returns
    -------
    tuple[str, str]
        The path to request, and the same path with secret parameters shown
        as ``***`` for logs and error messages.
    """
    compiled = _compiled(template)
    names = compiled.names
    params = path_params or {}
    if len(params) > len(names) or any(name not in names for name in params):
        unexpected = sorted(set(params) - set(names))
        raise TypeError(f"{template} has no path parameter(s) {', '.join(unexpected)}")
    literals = compiled.literals
    path = [literals[0]]
    shown = [literals[0]]
    for index, name in enumerate(names):
        value = params.get(name)
        if value is None:
            raise TypeError(f"path parameter {name} is required for {template}")
        encoded = _encode_path_param(name, value)
        path += (encoded, literals[index + 1])
        shown += ("***" if compiled.secret[index] else encoded, literals[index + 1])
    return "".join(path), "".join(shown)


def _serialize_scalar(name: str, value: object) -> str:
    if isinstance(value, enum.Enum):
        return _serialize_scalar(name, value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"query parameter {name} must be a finite number; got {value!r}")
        # repr() is the shortest exact form, but it switches to exponents
        # ("1e-05") that TMDB does not parse; Decimal spells those out.
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, datetime):
        # TMDB's date filters take calendar dates; a silent truncation could
        # shift the day across time zones, so make the caller choose.
        raise TypeError(
            f"query parameter {name} takes a datetime.date, not a datetime; pass value.date()"
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        _check_sendable_text(f"query parameter {name}", value)
        return str.__str__(value)
    raise TypeError(
        f"query parameter {name} must be {_SCALAR_KINDS}, or a list or tuple of those; "
        f"got {type(value).__name__}"
    )


def _elements(value: object) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _check_page(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"page must be an int from 1 to {MAX_PAGE}; got {type(value).__name__}")
    if not 1 <= value <= MAX_PAGE:
        raise ValueError(f"page must be from 1 to {MAX_PAGE} (TMDB's limit); got {value}")


def _check_search_text(value: object) -> None:
    if value is None:
        raise ValueError("query (the text to search for) is required")
    if not isinstance(value, str):
        raise TypeError(f"query (the text to search for) must be a str; got {type(value).__name__}")
    if not value.strip():
        raise ValueError("query (the text to search for) must contain something besides spaces")


def check_choices(name: str, value: object, allowed: Collection[str]) -> None:
    for element in _elements(value):
        text = _serialize_scalar(name, element)
        if text not in allowed:
            valid = ", ".join(sorted(allowed))
            parts = text.split(",")
            # "credits,videos" is what TMDB's own URLs show; the SDK wants a list and joins it.
            hint = f"; pass several as a list: {parts!r}" if len(parts) > 1 else ""
            raise ValueError(f"{name} must be one of: {valid}; got {text!r}{hint}")


def _serialize_value(name: str, value: object) -> str | None:
    if isinstance(value, (list, tuple)):
        parts = [_serialize_scalar(name, element) for element in value]
        return ",".join(parts) if parts else None
    return _serialize_scalar(name, value)


def serialize_query(
    query: Mapping[str, object] | None,
    *,
    config: ClientConfig,
    choices: Mapping[str, Collection[str]] | None,
) -> list[tuple[str, str]]:
    """Check the caller's query parameters and turn them into strings.

    Parameters
    ----------
    query : Mapping[str, object] or None
        Parameter values; None means "not given" and is left out, except for
        ``language`` and ``region``, which then take the client's defaults.
    config : ClientConfig
        Supplies the ``language`` / ``region`` defaults.
    choices : Mapping[str, Collection[str]] or None
        Allowed values for parameters that take one from a fixed set.

    Returns
    -------
    list[tuple[str, str]]
        Parameters to send, in the given order.
    """
    defaults = {"language": config.language, "region": config.region}
    allowed_values = choices or {}
    params: list[tuple[str, str]] = []
    for name, given in (query or {}).items():
        if not isinstance(name, str):
            raise TypeError(f"query parameter names must be str; got {type(name).__name__}")
        if name == "query":
            _check_search_text(given)
        value = defaults.get(name) if given is None else given
        if value is None:
            continue
        text = _serialize_value(name, value)
        if name == "page":
            _check_page(value)
        if name == "language" and isinstance(value, str):
            check_language(name, value)
        if name in _REGION_PARAMS and isinstance(value, str):
            check_region(name, value)
        if name == "append_to_response" and text is not None:
            count = len(text.split(","))
            if count > MAX_APPENDED_RESPONSES:
                raise ValueError(
                    f"append_to_response takes at most {MAX_APPENDED_RESPONSES} items; got {count}"
                )
        if name in allowed_values:
            check_choices(name, value, allowed_values[name])
        if text is not None:
            params.append((name, text))
    return params


def encode_body(body: Mapping[str, object] | None) -> bytes | None:
    """Encode a request body as a JSON object, leaving out None values.

    Parameters
    ----------
    body : Mapping[str, object] or None
        Fields to send; None sends no body at all.

    Returns
    -------
    bytes or None
        The JSON document, or None for no body.
    """
    if body is None:
        return None
    fields = {name: value for name, value in body.items() if value is not None}
    for name, value in fields.items():
        if isinstance(value, float) and not math.isfinite(value):
            # JSON has no NaN or infinity; the encoder would send null.
            raise ValueError(f"body field {name} must be a finite number; got {value!r}")
    try:
        return msgspec.json.encode(fields)
    except (TypeError, msgspec.EncodeError):
        for name, value in fields.items():
            try:
                msgspec.json.encode(value)
            except (TypeError, msgspec.EncodeError):
                raise TypeError(
                    f"body field {name} cannot be sent as JSON: {type(value).__name__}"
                ) from None
        raise


def _shown(name: str, value: object) -> str:
    """How a refused value appears in a message: its type, and its repr unless secret or long."""
    kind = type(value).__name__
    article = "an" if kind[:1] in "aeiou" else "a"
    if is_secret_name(name):
        return f"{article} {kind}"
    text = repr(value)
    if len(text) > 40:
        return f"{article} {kind} of {len(text):,} characters"
    return f"the {kind} {text}"


def _int_hint(value: object) -> str:
    if isinstance(value, str) and value.isascii() and value.strip().isdigit():
        # An id read from a URL or a file: say exactly what to pass rather than guess.
        return f"pass {int(value)}, not {value!r} (int(...) converts it)"
    if isinstance(value, float) and value.is_integer():
        return f"pass {int(value)}"
    return "pass an int, e.g. 550"


def _float_hint(value: object) -> str:
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return "pass a number, e.g. 7.5"
        return f"pass {number!r}, not {value!r} (float(...) converts it)"
    return "pass a number, e.g. 7.5"


def _str_hint(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"pass {str(value)!r}"
    if isinstance(value, (list, tuple)) and value:
        parts = [str(part) for part in value]
        # TMDB's list parameters are one string: "," means all of them, "|" any of them.
        return f"pass {','.join(parts)!r} (all of them) or {'|'.join(parts)!r} (any)"
    return "pass a str"


def _is_item_list(value: object) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(item, Mapping) for item in value)


class _Kind(msgspec.Struct, frozen=True):
    """What one annotation accepts at run time, and what to tell a caller who passed else."""

    wanted: str  # "an int", said in the message
    exact: frozenset[type]  # types accepted at once (the common case costs one set lookup)
    accepts: Callable[[object], bool]  # the full test, for subclasses and containers
    hint: Callable[[object], str]


def _not_bool(*types: type) -> Callable[[object], bool]:
    return lambda value: isinstance(value, types) and not isinstance(value, bool)


#: The run-time kinds the generator may name, one per parameter annotation it writes.
KINDS: dict[str, _Kind] = {
    "int": _Kind("an int", frozenset({int}), _not_bool(int), _int_hint),
    "float": _Kind("a number", frozenset({float, int}), _not_bool(int, float), _float_hint),
    "bool": _Kind(
        "a bool", frozenset({bool}), lambda v: isinstance(v, bool), lambda v: "pass True or False"
    ),
    "str": _Kind("a str", frozenset({str}), lambda v: isinstance(v, str), _str_hint),
    "date": _Kind(
        "a datetime.date or a str like '2024-01-31'",
        frozenset({str, date}),
        lambda v: isinstance(v, (str, date)),
        lambda v: "pass datetime.date(2024, 1, 31) or '2024-01-31'",
    ),
    "items": _Kind(
        "a list of mappings",
        frozenset(),
        _is_item_list,
        lambda v: "pass a list of dicts, e.g. [{'media_type': 'movie', 'media_id': 550}]",
    ),
}


class ArgumentTypes:
    """The expected types of one operation's arguments, worked out once at import.

    The generated methods call :meth:`check` with their arguments in the order given here,
    so a wrong type is refused before anything is built or sent; None (not given) always
    passes.

    Parameters
    ----------
    operation : str
        What the caller called, e.g. ``"movies.details"``, for messages.
    **kinds : str
        Each argument's kind, a key of :data:`KINDS`.
    """

    __slots__ = ("_exact", "_kinds", "_operation")

    def __init__(self, operation: str, **kinds: str) -> None:
        self._operation = operation
        self._kinds = tuple((name, KINDS[kind]) for name, kind in kinds.items())
        # One set lookup per argument in the common case: None or exactly the annotated type.
        self._exact = tuple(kind.exact | {type(None)} for _, kind in self._kinds)

    def check(self, *values: object) -> None:
        """Refuse a value whose type is not its parameter's.

        Raises
        ------
        TypeError
            Naming the parameter, what was given and what to pass.
        """
        for value, exact in zip(values, self._exact, strict=True):
            if type(value) not in exact:
                self._check_slowly(values)
                return

    def _check_slowly(self, values: tuple[object, ...]) -> None:
        # Subclasses (an IntEnum, a str subclass) and containers are accepted here.
        for value, (name, kind) in zip(values, self._kinds, strict=True):
            if value is None or kind.accepts(value):
                continue
            # A secret's value never reaches a message, not even inside the hint.
            hint = f"pass {kind.wanted}" if is_secret_name(name) else kind.hint(value)
            raise TypeError(
                f"{self._operation}() takes {kind.wanted} for {name}; got "
                f"{_shown(name, value)}; {hint}"
            )
