"""The command line's frame: global options, the commands' parsers, errors turned into exit codes.

Exit codes (also in ``docs/guides/cli.md``):

- 0: done.
- 1: TMDB or the network failed (after the client's retries), or an unexpected TMDB error.
- 2: bad input: arguments, an ids file, a dataset file, a date.
- 3: no credentials, or TMDB refused them.
- 4: not found: no such item, or the export of that day is not published.
- 5: partly done: a bulk run, change sync or image download finished with failed ids
  (run it again to retry only those).
- 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from tmdbfusion._constants import ACCESS_TOKEN_ENV, API_KEY_ENV
from tmdbfusion.cli import _data, _lookups
from tmdbfusion.cli._context import (
    BAD_INPUT,
    EXIT_CODES,
    FAILED,
    INTERRUPTED,
    NO_CREDENTIALS,
    NO_CREDENTIALS_MESSAGE,
    NOT_FOUND,
    CLIError,
    Context,
    global_options,
)
from tmdbfusion.datasets import DatasetError
from tmdbfusion.exceptions import (
    AuthenticationError,
    MissingCredentialsError,
    NotFoundError,
    TMDBError,
)
from tmdbfusion.exports import ExportError, ExportNotPublishedError

__all__ = ["build_parser", "run"]

Command = Callable[[Context], int]


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``tmdbfusion`` and all its commands."""
    epilog = "exit codes: " + "; ".join(f"{code} {what}" for code, what in EXIT_CODES.items())
    parser = argparse.ArgumentParser(
        prog="tmdbfusion",
        description="The Movie Database (TMDB) from the command line. Credentials come from "
        f"{ACCESS_TOKEN_ENV} or {API_KEY_ENV}.",
        epilog=epilog,
    )
    global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help: str, **kwargs: Any) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help, **kwargs)
        global_options(sub, suppress=True)
        return sub

    _lookups.register(add)
    _data.register(add)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, run the command, and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    context = Context(args)
    output = context.output
    command: Command = args.handler
    try:
        return command(context)
    except CLIError as error:
        output.error(str(error))
        return error.code
    except MissingCredentialsError:
        output.error(NO_CREDENTIALS_MESSAGE)
        return NO_CREDENTIALS
    except AuthenticationError as error:
        output.error(
            f"TMDB refused the credentials ({error}); check {ACCESS_TOKEN_ENV}/{API_KEY_ENV}"
        )
        return NO_CREDENTIALS
    except (NotFoundError, ExportNotPublishedError) as error:
        output.error(str(error))
        return NOT_FOUND
    except (DatasetError, ValueError, TypeError, OSError) as error:
        output.error(str(error))
        return BAD_INPUT
    except (ExportError, TMDBError) as error:
        output.error(str(error))
        return FAILED
    except KeyboardInterrupt:
        output.error("interrupted; a bulk run resumes where it stopped when run again")
        return INTERRUPTED
