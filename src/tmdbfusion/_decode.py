"""Decoding successful responses into the requested types, with cached decoders.

A body that is empty, not JSON, or of the wrong shape becomes a
:class:`~tmdbfusion.exceptions.ResponseValidationError` that says where and why.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, TypeVar, Union

import msgspec

from tmdbfusion._dates import BodyDecoder, tolerant_decoder
from tmdbfusion._redact import redact_text
from tmdbfusion._reply import HTTPReply
from tmdbfusion.exceptions import ResponseValidationError

T = TypeVar("T")

# Building a Decoder compiles the type; building one per response would waste that.
_DECODERS: dict[object, BodyDecoder[Any]] = {}


def decoder_for(cast_to: type[T]) -> BodyDecoder[T]:
    """Return the cached JSON decoder for a type."""
    decoder = _DECODERS.get(cast_to)
    if decoder is None:
        decoder = _DECODERS[cast_to] = tolerant_decoder(cast_to)  # TMDB's "" dates: None
    return decoder


def type_display_name(cast_to: object) -> str:
    """Name a type for messages: ``MovieDetails``, ``list[Genre]``."""
    if cast_to is type(None):
        return "None"
    origin = typing.get_origin(cast_to)
    if origin is None:
        return str(getattr(cast_to, "__qualname__", None) or cast_to)
    args = [type_display_name(arg) for arg in typing.get_args(cast_to)]
    if origin is Union or origin is types.UnionType:
        return " | ".join(args)
    return f"{type_display_name(origin)}[{', '.join(args)}]"


_AT_PATH = r" - at `(?P<path>\$[^`]*)`$"


# What to do about a body that is not JSON: it comes from outages and from proxies
# or captive portals answering in TMDB's place, not from a change to the API.
_NOT_JSON_ADVICE = (
    "This is usually a passing fault of TMDB or of a proxy between you and TMDB; try again "
    "later, and check the client's base_url if it keeps happening."
)


def _body_preview(content: bytes, limit: int = 80) -> str:
    text = redact_text(content[: limit * 4].decode("utf-8", errors="replace"))
    text = " ".join(text.split())
    text = "".join(char if char.isprintable() else "?" for char in text)
    return text if len(text) <= limit and len(content) <= limit * 4 else text[:limit] + "..."


_EMPTY_WRITE_SUCCESS = b'{"success": true}'
#: A failed decode keeps this much of the body on the exception, not all of it.
BODY_PREVIEW_BYTES = 4096


def decode_success(response: HTTPReply, cast_to: type[T], method: str = "GET") -> T:
    """Decode a 2xx response's JSON body into ``cast_to``.

    Parameters
    ----------
    response : HTTPReply
        The response.
    cast_to : type
        A msgspec-decodable type.
    method : str
        The request's HTTP method: an empty body answers a write successfully.

    Returns
    -------
    T
        The decoded value.

    Raises
    ------
    ResponseValidationError
        When the body is empty, not JSON, or does not match ``cast_to``.
    """
    content = response.content
    if not content.strip() and method != "GET":
        # A write answered 204 (or 200 with nothing) did what it was asked: that is a
        # success, reported as TMDB's usual envelope would report it.
        content = _EMPTY_WRITE_SUCCESS
    try:
        return decoder_for(cast_to).decode(content)
    except RecursionError:
        type_name = type_display_name(cast_to)
        raise ResponseValidationError(
            f"TMDB's response is nested too deeply to decode as {type_name}; no real TMDB "
            f"answer is. {_NOT_JSON_ADVICE}",
            type_name=type_name,
            json_path=None,
            body=content[:BODY_PREVIEW_BYTES],
        ) from None
    except msgspec.ValidationError as exc:
        # Messages are built only on failure: the success path is every request's hot path.
        type_name = type_display_name(cast_to)
        problem = str(exc)
        located = re.search(_AT_PATH, problem)
        json_path = located.group("path") if located else "$"
        problem = re.sub(_AT_PATH, "", problem)
        raise ResponseValidationError(
            f"TMDB's response does not fit {type_name} at {json_path}: {problem}. "
            "TMDB may have changed this endpoint; please report it to tmdbfusion.",
            type_name=type_name,
            json_path=json_path,
            body=content[:BODY_PREVIEW_BYTES],
        ) from exc
    except msgspec.DecodeError as exc:
        type_name = type_display_name(cast_to)
        received = (
            f"HTTP {response.status_code}, "
            f"content-type {response.headers.get('content-type', 'missing')!r}"
        )
        if not content.strip():
            message = (
                f"TMDB sent an empty body ({received}) where JSON for {type_name} was expected. "
                f"{_NOT_JSON_ADVICE}"
            )
            raise ResponseValidationError(
                message, type_name=type_name, json_path=None, body=content
            ) from None
        raise ResponseValidationError(
            f"TMDB sent a body that is not valid JSON ({exc}) where {type_name} was expected: "
            f"{received}, body starts with {_body_preview(content)!r}. {_NOT_JSON_ADVICE}",
            type_name=type_name,
            json_path=None,
            body=content[:BODY_PREVIEW_BYTES],
        ) from exc
