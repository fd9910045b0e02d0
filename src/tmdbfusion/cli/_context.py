"""What every command shares: exit codes, the error that carries one, the context of a run."""

from __future__ import annotations

import argparse
import os
from typing import Any

from tmdbfusion._client import TMDBClient
from tmdbfusion._constants import ACCESS_TOKEN_ENV, API_KEY_ENV, DEFAULT_BASE_URL
from tmdbfusion._pacing_redis import RedisPacingBudget
from tmdbfusion.cli._output import Output

__all__ = [
    "BAD_INPUT",
    "EXIT_CODES",
    "FAILED",
    "INTERRUPTED",
    "NOT_FOUND",
    "NO_CREDENTIALS",
    "NO_CREDENTIALS_MESSAGE",
    "OK",
    "PARTIAL",
    "CLIError",
    "Context",
    "global_options",
]

OK, FAILED, BAD_INPUT, NO_CREDENTIALS, NOT_FOUND, PARTIAL, INTERRUPTED = 0, 1, 2, 3, 4, 5, 130
#: Every exit code and what it means.
EXIT_CODES = {
    OK: "done",
    FAILED: "TMDB or the network failed",
    BAD_INPUT: "bad input",
    NO_CREDENTIALS: "no credentials, or TMDB refused them",
    NOT_FOUND: "not found",
    PARTIAL: "partly done: some ids failed",
    INTERRUPTED: "interrupted",
}

NO_CREDENTIALS_MESSAGE = (
    f"no TMDB credentials: set {ACCESS_TOKEN_ENV} (an API Read Access Token) or {API_KEY_ENV} "
    "(a v3 API key); both are on https://www.themoviedb.org/settings/api"
)


class CLIError(Exception):
    """A failure to report with a message and an exit code, without a traceback."""

    def __init__(self, message: str, code: int = BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


class Context:
    """What every command gets: the parsed arguments, the output, and a client on demand."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.output = Output(as_json=args.json, progress=not args.no_progress)

    def client(self, **options: Any) -> TMDBClient:
        """A client from the environment's credentials and the global options."""
        if not (os.environ.get(ACCESS_TOKEN_ENV) or os.environ.get(API_KEY_ENV)):
            raise CLIError(NO_CREDENTIALS_MESSAGE, NO_CREDENTIALS)
        settings: dict[str, Any] = {
            "base_url": self.args.base_url,
            "timeout": self.args.timeout,
            "max_retries": self.args.max_retries,
            "language": self.args.language,
            "rate_limit": self.args.rate_limit,
            "cache": self.args.cache,
        }
        shared = getattr(self.args, "shared_rate", None)
        if shared is not None:
            if self.args.rate_limit is None:
                raise CLIError("--shared-rate needs --rate-limit: the rate all processes share")
            try:
                settings["pacing"] = RedisPacingBudget(shared, rate=self.args.rate_limit)
            except (TypeError, ValueError) as exc:
                raise CLIError(f"--shared-rate: {exc}") from None
            settings["rate_limit"] = None
        settings.update(options)
        return TMDBClient(**settings)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0; got {text}")
    return value


def global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The options every command takes, before or after its name."""

    def default(value: Any) -> Any:
        # On a command's parser, an option left out must not undo one given before the command.
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options")
    group.add_argument(
        "--base-url",
        default=default(DEFAULT_BASE_URL),
        help=f"scheme and host of the API (default: {DEFAULT_BASE_URL})",
    )
    group.add_argument(
        "--json", action="store_true", default=default(False), help="print JSON for machines"
    )
    group.add_argument(
        "--no-progress", action="store_true", default=default(False), help="no progress bars"
    )
    group.add_argument("--language", default=default(None), help="e.g. en-US")
    group.add_argument(
        "--rate-limit",
        type=_positive_float,
        default=default(None),
        metavar="PER_SECOND",
        help="requests per second at most (TMDB allows about 50)",
    )
    group.add_argument(
        "--shared-rate",
        default=default(None),
        metavar="REDIS_URL",
        help="share the --rate-limit budget with every process naming this redis:// URL",
    )
    group.add_argument(
        "--cache",
        default=default(None),
        metavar="WHERE",
        help='cache responses: "memory", an SQLite file, or a redis:// URL',
    )
    group.add_argument(
        "--timeout", type=_positive_float, default=default(30.0), help="seconds per request"
    )
    group.add_argument(
        "--max-retries", type=int, default=default(3), help="extra attempts on transient failures"
    )
