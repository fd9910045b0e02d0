"""Decoding a 2xx body: the exact messages of each failure, the preview, the type names."""

from __future__ import annotations

from typing import Optional, Union

import msgspec
import pytest

from tmdbfusion._decode import _body_preview, decode_success, decoder_for, type_display_name
from tmdbfusion._reply import HTTPReply
from tmdbfusion.exceptions import ResponseValidationError

NOT_JSON_ADVICE = (
    "This is usually a passing fault of TMDB or of a proxy between you and TMDB; try again "
    "later, and check the client's base_url if it keeps happening."
)


class Genre(msgspec.Struct):
    id: int
    name: str


class Movie(msgspec.Struct):
    id: int
    genres: list[Genre] = []


class Success(msgspec.Struct):
    success: bool


def reply(content: bytes, status: int = 200, **headers: str) -> HTTPReply:
    return HTTPReply(status, {k.replace("_", "-"): v for k, v in headers.items()}, content)


def failure(content: bytes, cast_to: object, method: str = "GET", **headers: str) -> str:
    with pytest.raises(ResponseValidationError) as caught:
        decode_success(reply(content, **headers), cast_to, method)  # type: ignore[arg-type]
    return str(caught.value)


def test_a_field_of_the_wrong_type_names_type_path_and_problem_exactly() -> None:
    body = b'{"id":1,"genres":[{"id":2,"name":"x"},{"id":"3","name":"y"}]}'
    with pytest.raises(ResponseValidationError) as caught:
        decode_success(reply(body), Movie)
    assert str(caught.value) == (
        "TMDB's response does not fit Movie at $.genres[1].id: Expected `int`, got `str`. "
        "TMDB may have changed this endpoint; please report it to tmdbfusion."
    )
    assert caught.value.type_name == "Movie"
    assert caught.value.json_path == "$.genres[1].id"
    assert caught.value.body == body
    assert isinstance(caught.value.__cause__, msgspec.ValidationError)


def test_a_problem_at_the_top_is_at_dollar() -> None:
    assert failure(b'{"genres":[]}', Movie) == (
        "TMDB's response does not fit Movie at $: Object missing required field `id`. "
        "TMDB may have changed this endpoint; please report it to tmdbfusion."
    )


def test_the_kept_body_of_a_mismatch_is_cut_at_4096_bytes() -> None:
    body = b'{"id":"' + b"x" * 9000 + b'"}'
    with pytest.raises(ResponseValidationError) as caught:
        decode_success(reply(body), Movie)
    assert caught.value.body == body[:4096]


def test_a_body_nested_too_deeply_is_a_validation_error_with_advice() -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(ResponseValidationError) as caught:
        decode_success(reply(body), list[object])
    assert str(caught.value) == (
        "TMDB's response is nested too deeply to decode as list[object]; no real TMDB answer "
        f"is. {NOT_JSON_ADVICE}"
    )
    assert caught.value.json_path is None
    assert caught.value.type_name == "list[object]"
    assert caught.value.body == body[:4096]
    assert caught.value.__cause__ is None


def test_an_empty_body_of_a_get_names_status_and_content_type() -> None:
    with pytest.raises(ResponseValidationError) as caught:
        decode_success(reply(b" \r\n", content_type="application/json"), Movie)
    assert str(caught.value) == (
        "TMDB sent an empty body (HTTP 200, content-type 'application/json') where JSON for "
        f"Movie was expected. {NOT_JSON_ADVICE}"
    )
    assert caught.value.body == b" \r\n"
    assert caught.value.json_path is None
    assert caught.value.type_name == "Movie"


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_an_empty_body_answers_a_write_successfully(method: str) -> None:
    assert decode_success(reply(b"", 204), Success, method) == Success(success=True)
    assert decode_success(reply(b"  ", 200), Success, method) == Success(success=True)


def test_a_write_with_a_body_decodes_that_body() -> None:
    assert decode_success(reply(b'{"success":false}'), Success, "POST") == Success(False)


def test_a_body_that_is_not_json_is_shown_in_a_short_redacted_preview() -> None:
    body = b"<html>api_key=0123456789abcdef " + b"y" * 300
    message = failure(body, Movie, content_type="text/html")
    assert message == (
        "TMDB sent a body that is not valid JSON (JSON is malformed: invalid character "
        "(byte 0)) where Movie was expected: HTTP 200, content-type 'text/html', body starts "
        f"with {_body_preview(body)!r}. {NOT_JSON_ADVICE}"
    )
    assert "0123456789abcdef" not in message
    with pytest.raises(ResponseValidationError) as caught:
        decode_success(reply(body), list[Genre])
    assert caught.value.type_name == "list[Genre]"
    assert caught.value.json_path is None
    assert caught.value.body == body


def test_the_preview_collapses_whitespace_hides_control_characters_and_cuts_at_80() -> None:
    assert _body_preview(b"  <p>\n\n  down \t for\x07 now </p> ") == "<p> down for? now </p>"
    exact = b"a" * 80
    assert _body_preview(exact) == "a" * 80
    assert _body_preview(b"a" * 81) == "a" * 80 + "..."
    # Short once spaces are collapsed, but more than four times the limit was sent.
    spaced = b"a" + b" " * 400
    assert _body_preview(spaced) == "a..."
    assert _body_preview(b"a" + b" " * 319) == "a"
    assert _body_preview(b"a" + b" " * 330) == "a..."  # 331 bytes: over 320
    # Only the first 320 bytes are read for the preview.
    assert _body_preview(b" " * 319 + b"b" * 81) == "b..."
    assert _body_preview(b"token=abc&x=1") == "token=***&x=1"


def test_bytes_that_are_not_utf8_are_shown_as_replacement_characters() -> None:
    assert _body_preview(b"\xff\xfeoops") == "\ufffd\ufffdoops"
    message = failure(b"\xffnot json", Movie)
    assert "body starts with '\ufffdnot json'" in message


def test_type_names_read_as_written() -> None:
    assert type_display_name(type(None)) == "None"
    assert type_display_name(Movie) == "Movie"
    assert type_display_name(list[Genre]) == "list[Genre]"
    assert type_display_name(dict[str, list[int]]) == "dict[str, list[int]]"
    assert type_display_name(Union[Genre, Movie]) == "Genre | Movie"  # noqa: UP007
    assert type_display_name(Optional[int]) == "int | None"  # noqa: UP045
    assert type_display_name(Genre | None) == "Genre | None"
    assert type_display_name("Movie") == "Movie"


def test_one_decoder_per_type_is_built_and_kept() -> None:
    # A type made here, so no earlier test (or process) has its decoder cached yet.
    class Fresh(msgspec.Struct):
        id: int

    first = decoder_for(Fresh)
    assert decoder_for(Fresh) is first
    assert first.decode(b'{"id":1}') == Fresh(1)
    with pytest.raises(msgspec.ValidationError):
        first.decode(b'{"id":"1"}')
