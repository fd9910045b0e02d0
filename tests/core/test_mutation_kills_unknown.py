"""unknown_fields='warn' and 'error': exact wording, once per key, where a warning points."""

from __future__ import annotations

import sys
import warnings
from types import FrameType
from typing import cast

import msgspec
import pytest

from tests.shared_data import RUN_BY_MUTMUT
from tmdbfusion._unknown import UnknownFieldReporter, make_reporter
from tmdbfusion._warn import stack_level_outside_tmdbfusion
from tmdbfusion.exceptions import UnknownFieldError, UnknownFieldWarning

ADVICE = (
    "Record such responses and regenerate the models from them "
    "(python -m codegen observe --corpus DIR, then python -m codegen generate; see the models "
    "guide), or report it to tmdbfusion"
)


class Genre(msgspec.Struct):
    id: int
    name: str


class Movie(msgspec.Struct):
    id: int
    genres: list[Genre]


class Other(msgspec.Struct):
    id: int


def test_the_error_names_the_first_key_counts_the_others_and_keeps_a_preview() -> None:
    body = (
        b'{"id":550,"rating":7,"genres":[{"id":18,"name":"Drama","slug":"drama"}],'
        + b'"padding":"'
        + b"x" * 5000
        + b'"}'
    )
    with pytest.raises(UnknownFieldError) as caught:
        UnknownFieldReporter("error").check(body, Movie)
    error = caught.value
    assert str(error) == (
        "TMDB's response has the key 'rating' at $.rating, which Movie does not declare "
        f"(and 2 more unknown keys); unknown_fields='error' refuses to drop it. {ADVICE}; "
        "unknown_fields='warn' reports such keys without failing."
    )
    assert error.type_name == "Movie"
    assert error.json_path == "$.rating"
    assert error.model == "Movie"
    assert error.key == "rating"
    assert error.unknown == (
        ("Movie", "$.rating", "rating"),
        ("Genre", "$.genres[0].slug", "slug"),
        ("Movie", "$.padding", "padding"),
    )
    assert error.body == body[:4096]


def test_a_single_unknown_key_is_not_counted() -> None:
    with pytest.raises(UnknownFieldError) as caught:
        UnknownFieldReporter("error").check(b'{"id":1,"genres":[],"extra":true}', Movie)
    assert str(caught.value).startswith(
        "TMDB's response has the key 'extra' at $.extra, which Movie does not declare; "
        "unknown_fields='error' refuses"
    )
    assert caught.value.body == b'{"id":1,"genres":[],"extra":true}'


def test_two_unknown_keys_count_one_more() -> None:
    with pytest.raises(UnknownFieldError, match=r"declare \(and 1 more unknown keys\);"):
        UnknownFieldReporter("error").check(b'{"id":1,"genres":[],"a":1,"b":2}', Movie)


def test_a_body_with_nothing_unknown_passes_in_both_modes() -> None:
    body = b'{"id":1,"genres":[{"id":2,"name":"x"}]}'
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        UnknownFieldReporter("error").check(body, Movie)  # neither raises nor warns
        UnknownFieldReporter("warn").check(body, Movie)


def test_warn_says_what_was_dropped_once_per_model_and_key_and_points_at_the_caller() -> None:
    reporter = UnknownFieldReporter("warn")
    body = (
        b'{"id":1,"rating":2,"genres":'
        b'[{"id":2,"name":"x","slug":"y"},{"id":3,"name":"z","slug":"w"}]}'
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reporter.check(body, Movie)
        reporter.check(body, Movie)
    assert [type(w.message) for w in caught] == [UnknownFieldWarning, UnknownFieldWarning]
    first, second = (w.message for w in caught)
    assert str(first) == (
        "TMDB sent the key 'rating' at $.rating, which Movie does not declare, so it was "
        f"dropped; reported once per client (unknown_fields='warn'). {ADVICE}."
    )
    assert isinstance(first, UnknownFieldWarning) and isinstance(second, UnknownFieldWarning)
    assert (first.model, first.json_path, first.key) == ("Movie", "$.rating", "rating")
    assert (second.model, second.json_path, second.key) == ("Genre", "$.genres[0].slug", "slug")


# Under python -m mutation, mutmut's trampoline (a frame outside tmdbfusion) sits between the
# reporter and its caller, so where a warning points can only be checked in a plain run.
@pytest.mark.skipif(
    RUN_BY_MUTMUT,
    reason="mutmut's trampoline frames change the stack a warning's stacklevel counts",
)
def test_a_warning_points_at_the_callers_line_not_at_tmdbfusion() -> None:
    reporter = UnknownFieldReporter("warn")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        reporter.check(b'{"id":1,"genres":[],"extra":1}', Movie)
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line)]


def frame_inside(*modules: str) -> FrameType:
    """The innermost frame of calls made through functions of these modules, outermost first."""
    call = None
    for module in reversed(modules):
        namespace: dict[str, object] = {"__name__": module, "sys": sys, "inner": call}
        exec("def call():\n    return inner() if inner else sys._getframe()\n", namespace)
        call = namespace["call"]
    assert callable(call)
    return cast(FrameType, call())


@pytest.mark.parametrize(
    ("modules", "level"),
    [
        # Each tmdbfusion frame adds a level; the test's own frame is where the warning points.
        (("tmdbfusion.a", "tmdbfusion.b", "tmdbfusion.c"), 4),
        (("tmdbfusion",), 2),
        # The walk stops at the first frame outside tmdbfusion, whatever lies beyond it.
        (("tmdbfusion.a", "user_code", "tmdbfusion.c"), 2),
        (("user_code",), 1),
        # Only the package itself counts, not a module whose name merely starts the same.
        (("tmdbfusionx.a",), 1),
        (("tests.tmdbfusion",), 1),
    ],
)
def test_the_stack_level_counts_the_tmdbfusion_frames_out_to_the_first_other_one(
    modules: tuple[str, ...], level: int
) -> None:
    assert stack_level_outside_tmdbfusion(frame_inside(*modules)) == level


class FakeFrame:
    """The two attributes of a frame the walk reads."""

    def __init__(self, module: str | None, back: FakeFrame | None) -> None:
        self.f_globals = {} if module is None else {"__name__": module}
        self.f_back = back


def test_the_stack_level_stops_at_the_outermost_frame_and_at_frames_without_a_module() -> None:
    only_tmdbfusion = FakeFrame("tmdbfusion.a", FakeFrame("tmdbfusion.b", None))
    assert stack_level_outside_tmdbfusion(cast(FrameType, only_tmdbfusion)) == 2
    nameless = FakeFrame("tmdbfusion.a", FakeFrame(None, FakeFrame("tmdbfusion.c", None)))
    assert stack_level_outside_tmdbfusion(cast(FrameType, nameless)) == 2


def test_the_same_key_of_another_model_is_reported_separately() -> None:
    reporter = UnknownFieldReporter("warn")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reporter.check(b'{"id":1,"genres":[],"extra":1}', Movie)
        reporter.check(b'{"id":1,"extra":1}', Other)
        reporter.check(b'{"id":1,"extra":1}', Other)
    assert [str(w.message).split(",")[1] for w in caught] == [
        " which Movie does not declare",
        " which Other does not declare",
    ]


def test_make_reporter_maps_each_mode() -> None:
    assert make_reporter("ignore") is None
    warn = make_reporter("warn")
    error = make_reporter("error")
    assert warn is not None and warn.mode == "warn"
    assert error is not None and error.mode == "error"
    assert repr(error) == "UnknownFieldReporter('error')"


def test_make_reporter_refuses_a_non_str_naming_its_type() -> None:
    with pytest.raises(TypeError) as caught:
        make_reporter(True)
    assert str(caught.value) == (
        "unknown_fields must be one of 'ignore', 'warn', 'error'; got bool True"
    )


def test_make_reporter_refuses_an_unknown_mode_explaining_each() -> None:
    with pytest.raises(ValueError) as caught:
        make_reporter("raise")
    assert str(caught.value) == (
        "unknown_fields must be 'ignore' (drop keys the models do not declare, the default), "
        "'warn' (warn once per model and key) or 'error' (raise ResponseValidationError); "
        "got 'raise'"
    )
