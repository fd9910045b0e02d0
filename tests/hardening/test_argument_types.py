"""Item 8: a value of the wrong type for a typed parameter is refused before sending.

Every generated method checks its path, query and body arguments against its annotations (worked
out once per operation by the generator), sync and async alike; the message names the argument,
what was given and what to pass.  Numeric strings such as ``"550"`` are refused with the fix
rather than guessed at: the annotation says int, and the type checker agrees with the run time.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Callable
from typing import Any

import pytest

import tmdbfusion.resources
import tmdbfusion.resources.v4
from tmdbfusion import AsyncTMDBClient
from tmdbfusion._params import ArgumentTypes
from tmdbfusion.testing import FakeTMDB

from .conftest import run_async

SESSION = "2f8b4a6c0e1d3f5a7b9c8d6e4f2a0b1c3d5e7f90"
Call = Callable[[Any], Any]

# (call on a client's namespaces, what the message must say); each is refused before sending.
WRONG: list[tuple[str, Call, str]] = [
    (
        "str for an int path parameter",
        lambda c: c.movies.details("abc"),
        r"movies\.details\(\) takes an int for movie_id; got the str 'abc'; pass an int",
    ),
    (
        "numeric str for an int",
        lambda c: c.movies.details("550"),
        r"got the str '550'; pass 550, not '550'",
    ),
    ("bool for an int", lambda c: c.movies.details(True), r"movie_id; got the bool True"),
    ("float for an int", lambda c: c.movies.details(550.0), r"got the float 550\.0; pass 550"),
    (
        "str for an int query parameter",
        lambda c: c.movies.popular(page="2"),
        r"movies\.popular\(\) takes an int for page; got the str '2'; pass 2",
    ),
    (
        "int for a bool query parameter",
        lambda c: c.discover.movie(include_adult=1),
        r"takes a bool for include_adult; got the int 1; pass True or False",
    ),
    (
        "str for a number query parameter",
        lambda c: c.discover.movie(vote_average_gte="7.5"),
        r"takes a number for vote_average_gte; got the str '7\.5'; pass 7\.5",
    ),
    (
        "list for a str query parameter",
        lambda c: c.discover.movie(with_genres=[28, 12]),
        r"takes a str for with_genres; got the list \[28, 12\]; pass '28,12' \(all of them\) "
        r"or '28\|12' \(any\)",
    ),
    (
        "int for a str query parameter",
        lambda c: c.movies.details(550, language=5),
        r"takes a str for language; got the int 5; pass '5'",
    ),
    (
        "int for a date",
        lambda c: c.movies.changes(550, start_date=20240131),
        r"takes a datetime\.date or a str like '2024-01-31' for start_date",
    ),
    (
        "str for a number body field",
        lambda c: c.movies.add_rating(550, value="8.5", session_id=SESSION),
        r"movies\.add_rating\(\) takes a number for value; got the str '8\.5'; pass 8\.5",
    ),
    (
        "int for a bool body field",
        lambda c: c.account.add_favorite(
            1, media_type="movie", media_id=550, favorite=1, session_id=SESSION
        ),
        r"account\.add_favorite\(\) takes a bool for favorite",
    ),
    (
        "a mapping for a list of items",
        lambda c: c.v4.lists.add_items(1, items={"media_type": "movie", "media_id": 550}),
        r"v4\.lists\.add_items\(\) takes a list of mappings for items; got the dict",
    ),
    (
        "a long value is not repeated",
        lambda c: c.movies.details("x" * 100_000),
        r"got a str of 100,002 characters; pass an int",
    ),
]


async def _acall(client: AsyncTMDBClient, call: Call) -> None:
    # A coroutine checks when awaited; a list method (an AsyncPager) when called.
    result = call(client)
    if inspect.iscoroutine(result):
        await result


@pytest.mark.parametrize(("what", "call", "message"), WRONG, ids=[w[0] for w in WRONG])
def test_a_wrong_type_is_refused_before_sending(
    tmdb: FakeTMDB, what: str, call: Call, message: str
) -> None:
    with (
        tmdb.client(access_token="eyJ" + "a" * 40) as client,
        pytest.raises(TypeError, match=message),
    ):
        call(client)

    async def main() -> None:
        async with tmdb.async_client(access_token="eyJ" + "a" * 40) as client:
            with pytest.raises(TypeError, match=message):
                await _acall(client, call)

    run_async(main())
    assert tmdb.requests == []


def test_a_secret_of_the_wrong_type_is_not_shown(tmdb: FakeTMDB) -> None:
    with tmdb.client() as client, pytest.raises(TypeError) as caught:
        client.movies.account_states(550, session_id=8_675_309_123)
    assert str(caught.value) == (
        "movies.account_states() takes a str for session_id; got an int; pass a str"
    )
    assert tmdb.requests == []


def test_values_of_the_annotated_types_are_sent(tmdb: FakeTMDB) -> None:
    with tmdb.client() as client:
        client.movies.changes(550, start_date=datetime.date(2024, 1, 1), end_date="2024-01-10")
        client.movies.add_rating(550, value=8, session_id=SESSION)  # an int is a number
        client.discover.movie(include_adult=False, vote_average_gte=7, with_genres="28|12")

    async def main() -> None:
        async with tmdb.async_client() as client:
            await client.movies.add_rating(550, value=7.5, session_id=SESSION)

    run_async(main())
    changes, rating, discover, async_rating = tmdb.requests
    assert changes.query["start_date"] == "2024-01-01"
    assert json.loads(rating.body) == {"value": 8}
    assert discover.query["with_genres"] == "28|12"
    assert discover.query["vote_average.gte"] == "7"
    assert json.loads(async_rating.body) == {"value": 7.5}


def _resource_modules() -> list[Any]:
    modules = []
    for package in (tmdbfusion.resources, tmdbfusion.resources.v4):
        for info in pkgutil.iter_modules(package.__path__):
            if not info.ispkg:
                modules.append(importlib.import_module(f"{package.__name__}.{info.name}"))
    return modules


def test_every_generated_method_checks_every_argument_without_a_closed_set() -> None:
    checked = 0
    for module in _resource_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for name, method in inspect.getmembers(cls, inspect.isfunction):
                # mutmut (python -m mutation) adds its mutants of the base class's methods.
                if name.startswith("_") or "__mutmut_" in name:
                    continue
                source = inspect.getsource(method)
                parameters = [p for p in inspect.signature(method).parameters if p != "self"]
                # A closed set (Literal) is checked against its choices instead.
                literal = {
                    p
                    for p, annotation in method.__annotations__.items()
                    if "Literal[" in str(annotation)
                }
                typed = [p for p in parameters if p not in literal]
                found = re.search(r"(_\w+_ARGUMENTS)\.check\(", source)
                if not typed:
                    assert found is None, f"{cls.__name__}.{name}"
                    continue
                assert found, f"{cls.__name__}.{name} does not check its argument types"
                spec: ArgumentTypes = getattr(module, found.group(1))
                assert [n for n, _ in spec._kinds] == typed, f"{cls.__name__}.{name}"
                checked += 1
    assert checked > 250  # every namespace, sync and async
