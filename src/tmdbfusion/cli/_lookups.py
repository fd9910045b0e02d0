"""Look-up commands: ``movie``, ``tv``, ``person``, ``search``, ``discover``, ``trending``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from tmdbfusion.cli._context import OK, CLIError, Context

__all__ = ["register"]

Add = Callable[..., argparse.ArgumentParser]
SEARCH_KINDS = ("multi", "movie", "tv", "person")


def _id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"an id is a whole number; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"an id is 0 or more; got {value}")
    return value


def _limit(text: str) -> int:
    # Not through _id: its messages speak of ids, and this is a count.
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a limit is a whole number; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more; got {value}")
    return value


def _param(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` with the value read as a bool, int, float or text, in that order."""
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(
            f"a parameter is NAME=VALUE, e.g. with_genres=18; got {text!r}"
        )
    value: Any = raw
    if raw in ("true", "false"):
        value = raw == "true"
    else:
        for kind in (int, float):
            try:
                value = kind(raw)
                break
            except ValueError:
                continue
    return name.replace("-", "_").replace(".", "_"), value


def _details(kind: str) -> Callable[[Context], int]:
    def command(context: Context) -> int:
        args = context.args
        with context.client() as client:
            resource = {"movie": client.movies, "tv": client.tv, "person": client.people}[kind]
            options: dict[str, Any] = {}
            if args.append:
                options["append_to_response"] = args.append
            item = resource.details(args.id, **options)  # type: ignore[attr-defined]
        context.output.item(item)
        return OK

    return command


def _search(context: Context) -> int:
    args = context.args
    words: list[str] = args.words
    kind = "multi"
    if len(words) > 1 and words[0] in SEARCH_KINDS:
        kind, words = words[0], words[1:]
    query = " ".join(words).strip()
    if not query:
        raise CLIError("the search query is empty; give some words to search for")
    with context.client() as client:
        find = getattr(client.search, kind)
        found = list(find(query=query).iter_items(max_items=args.limit))
    context.output.items(found, title=f"search {kind}: {query}")
    return OK


def _discover(context: Context) -> int:
    args = context.args
    options = dict(args.param or [])
    if args.sort_by:
        options["sort_by"] = args.sort_by
    if args.with_genres:
        options["with_genres"] = args.with_genres
    if args.year is not None:
        options["primary_release_year" if args.kind == "movie" else "first_air_date_year"] = (
            args.year
        )
    with context.client() as client:
        discover = getattr(client.discover, args.kind)
        try:
            page = discover(**options)
        except TypeError as error:
            raise CLIError(
                f"{error}; see the discover parameters in `tmdbfusion discover -h`"
            ) from None
        found = list(page.iter_items(max_items=args.limit))
    context.output.items(found, title=f"discover {args.kind}")
    return OK


def _trending(context: Context) -> int:
    args = context.args
    with context.client() as client:
        methods: dict[str, Callable[..., Any]] = {
            "all": client.trending.all,
            "movie": client.trending.movies,
            "tv": client.trending.tv,
            "person": client.trending.people,
        }
        method = methods[args.kind]
        found = list(method(args.window).iter_items(max_items=args.limit))
    context.output.items(found, title=f"trending {args.kind} this {args.window}")
    return OK


def register(add: Add) -> None:
    """Add the look-up commands to the parser."""
    for kind, noun in (("movie", "a movie"), ("tv", "a TV series"), ("person", "a person")):
        sub = add(kind, f"show {noun} by its TMDB id")
        sub.add_argument("id", type=_id, help="the TMDB id, e.g. 550")
        sub.add_argument(
            "--append", nargs="+", metavar="PART", help="append_to_response parts, e.g. credits"
        )
        sub.set_defaults(handler=_details(kind))

    sub = add("search", "search movies, TV series and people (multi, the default) or one kind")
    sub.add_argument(
        "words",
        nargs="+",
        metavar="[multi|movie|tv|person] QUERY",
        help="what to search (multi when left out), then the words to search for",
    )
    sub.add_argument("--limit", type=_limit, default=20, help="results to show (default 20)")
    sub.set_defaults(handler=_search)

    sub = add("discover", "find movies or TV series by filters")
    sub.add_argument("kind", choices=("movie", "tv"))
    sub.add_argument("--sort-by", help="e.g. popularity.desc, vote_average.desc")
    sub.add_argument("--with-genres", help="genre ids, e.g. 18 or 18,35")
    sub.add_argument("--year", type=int, help="year of release (movies) or first air date (tv)")
    sub.add_argument(
        "--param",
        type=_param,
        action="append",
        metavar="NAME=VALUE",
        help="any other discover parameter, e.g. vote_count_gte=100 (repeatable)",
    )
    sub.add_argument("--limit", type=_limit, default=20, help="results to show (default 20)")
    sub.set_defaults(handler=_discover)

    sub = add("trending", "what is trending today or this week")
    sub.add_argument("kind", nargs="?", default="all", choices=("all", "movie", "tv", "person"))
    sub.add_argument("--window", choices=("day", "week"), default="day")
    sub.add_argument("--limit", type=_limit, default=20, help="results to show (default 20)")
    sub.set_defaults(handler=_trending)
