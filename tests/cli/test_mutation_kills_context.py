"""The command line's frame in this process: global options and their defaults, credentials
from the environment, help texts, and every error turned into its exit code and message."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tmdbfusion import bulk
from tmdbfusion._client import TMDBClient
from tmdbfusion.cli import _context
from tmdbfusion.cli import main as cli_main
from tmdbfusion.cli._app import build_parser
from tmdbfusion.testing import FAKE_API_KEY, FakeTMDB, Fault

from .conftest import flat, last_line

pytestmark = pytest.mark.usefixtures("in_tmp_path")

NO_CREDENTIALS = (
    "error: no TMDB credentials: set TMDB_ACCESS_TOKEN (an API Read Access Token) or "
    "TMDB_API_KEY (a v3 API key); both are on https://www.themoviedb.org/settings/api"
)


@pytest.fixture
def client_settings(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The settings of every client the command line makes (the clients still work)."""
    seen: list[dict[str, Any]] = []

    class Recording(TMDBClient):
        def __init__(self, *args: Any, **settings: Any) -> None:
            seen.append(settings)
            super().__init__(*args, **settings)

    monkeypatch.setattr(_context, "TMDBClient", Recording)
    return seen


# --- global options -------------------------------------------------------------------------


def test_the_client_gets_the_defaults(main, fake: FakeTMDB, client_settings) -> None:  # type: ignore[no-untyped-def]
    assert main("movie", "550")[0] == 0
    assert client_settings == [
        {
            "base_url": fake.url,
            "timeout": 30.0,
            "max_retries": 3,
            "language": None,
            "rate_limit": None,
            "cache": None,
        }
    ]


def test_the_client_gets_every_option(main, fake: FakeTMDB, client_settings) -> None:  # type: ignore[no-untyped-def]
    code, _, err = main(
        "--timeout",
        "2.5",
        "--max-retries",
        "1",
        "--language",
        "fr-FR",
        "--rate-limit",
        "40",
        "--cache",
        "memory",
        "movie",
        "550",
    )
    assert (code, err) == (0, "")
    assert client_settings[-1] == {
        "base_url": fake.url,
        "timeout": 2.5,
        "max_retries": 1,
        "language": "fr-FR",
        "rate_limit": 40.0,
        "cache": "memory",
    }


def test_global_options_after_the_command_and_not_undone_by_it(  # type: ignore[no-untyped-def]
    main, client_settings
) -> None:
    assert main("tv", "1", "--timeout", "0.5", "--max-retries", "0", "--rate-limit", "0.5")[0] == 0
    assert client_settings[-1]["timeout"] == 0.5
    assert client_settings[-1]["max_retries"] == 0
    assert client_settings[-1]["rate_limit"] == 0.5
    # Given before the command's name, left out after it: the command's parser keeps it.
    assert main("--timeout", "7", "--language", "it-IT", "person", "1")[0] == 0
    assert client_settings[-1]["timeout"] == 7.0
    assert client_settings[-1]["language"] == "it-IT"


def test_the_parsed_defaults() -> None:
    args = build_parser().parse_args(["movie", "550"])
    seen = {
        name: getattr(args, name)
        for name in (
            "base_url",
            "json",
            "no_progress",
            "language",
            "rate_limit",
            "shared_rate",
            "cache",
            "timeout",
            "max_retries",
            "append",
            "id",
            "command",
        )
    }
    assert seen == {
        "base_url": "https://api.themoviedb.org",
        "json": False,
        "no_progress": False,
        "language": None,
        "rate_limit": None,
        "shared_rate": None,
        "cache": None,
        "timeout": 30.0,
        "max_retries": 3,
        "append": None,
        "id": 550,
        "command": "movie",
    }
    flags = build_parser().parse_args(["--json", "--no-progress", "tv", "1"])
    assert (flags.json, flags.no_progress) == (True, True)
    flags = build_parser().parse_args(["tv", "1", "--json", "--no-progress"])
    assert (flags.json, flags.no_progress) == (True, True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "0"], "argument --timeout: must be more than 0; got 0"),
        (["--timeout", "-1"], "argument --timeout: must be more than 0; got -1"),
        (["--timeout", "soon"], "argument --timeout: not a number: 'soon'"),
        (["--rate-limit", "0"], "argument --rate-limit: must be more than 0; got 0"),
        (["--rate-limit", "fast"], "argument --rate-limit: not a number: 'fast'"),
        (["--max-retries", "many"], "argument --max-retries: invalid int value: 'many'"),
    ],
)
def test_bad_global_options(main, fake: FakeTMDB, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = main(*args, "movie", "550")
    assert (code, out) == (2, "")
    assert last_line(err) == f"tmdbfusion: error: {message}"
    code, _, err = main("movie", "550", *args)
    assert code == 2 and last_line(err) == f"tmdbfusion movie: error: {message}"
    assert fake.requests == []


def test_no_command_is_bad_input(main) -> None:  # type: ignore[no-untyped-def]
    code, out, err = main()
    assert (code, out) == (2, "")
    assert err.startswith("usage: tmdbfusion [-h]")
    assert last_line(err) == "tmdbfusion: error: the following arguments are required: COMMAND"
    code, _, err = main("film", "550")
    assert code == 2 and "argument COMMAND: invalid choice: 'film'" in err


def test_max_retries_counts_the_extra_attempts(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    fake.inject(Fault.status(503, retry_after=0), path="/3/movie/2", times=None)
    code, out, err = main("--max-retries", "0", "movie", "2")
    assert (code, out) == (1, "")
    assert flat(err) == (
        "error: TMDB server error: GET /3/movie/2 returned HTTP 503 (TMDB code 9: Service "
        "offline: This service is temporarily offline, try again later.). This is on TMDB's "
        "side; try again later."
    )
    assert len(fake.requests) == 1
    fake.reset()
    fake.inject(Fault.status(503, retry_after=0), path="/3/movie/2", times=None)
    code, _, err = main("movie", "2")
    assert code == 1 and "after 4 attempts" in flat(err)
    assert len(fake.requests) == 4


def test_the_timeout_is_per_request(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    fake.inject(Fault.stall(0.6), path="/3/movie/3", times=None)
    code, out, err = main("--timeout", "0.2", "--max-retries", "0", "movie", "3")
    assert (code, out) == (1, "")
    assert flat(err) == (
        "error: Timed out waiting for TMDB: GET /3/movie/3 failed (ReadTimeout: timed out). "
        "Check your network, or give the client a larger timeout= (seconds)."
    )


def test_an_sqlite_cache_answers_the_second_run(main, fake: FakeTMDB, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    where = str(tmp_path / "cache.sqlite")
    first = main("--cache", where, "movie", "550", "--json")
    assert first[0] == 0 and len(fake.requests) == 1
    again = main("--cache", where, "movie", "550", "--json")
    assert again == first
    assert len(fake.requests) == 1  # answered from the file
    assert main("movie", "550", "--json")[0] == 0
    assert len(fake.requests) == 2  # no cache without --cache


# --- credentials ----------------------------------------------------------------------------


def test_an_access_token_alone_is_enough(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TMDB_API_KEY")
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", "fake-access-token")
    code, _, err = main("movie", "550")
    assert (code, err) == (0, "")
    assert fake.requests[-1].auth == "access_token"


def test_an_api_key_alone_is_enough(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    assert main("movie", "550")[0] == 0
    assert fake.requests[-1].auth == "api_key"


@pytest.mark.parametrize(
    "environment",
    [
        {},
        {"TMDB_API_KEY": ""},
        {"TMDB_ACCESS_TOKEN": "", "TMDB_API_KEY": ""},
        # Set, but blank: the client finds no credential in it.
        {"TMDB_API_KEY": "   "},
        {"TMDB_ACCESS_TOKEN": " "},
    ],
)
def test_no_credentials(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    monkeypatch.delenv("TMDB_API_KEY")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    code, out, err = main("movie", "550")
    assert (code, out) == (3, "")
    assert flat(err) == NO_CREDENTIALS
    assert fake.requests == []


def test_a_mangled_key_is_bad_input_and_not_shown(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMDB_API_KEY", f"{FAKE_API_KEY} x")
    code, out, err = main("movie", "550")
    assert (code, out) == (2, "")
    assert flat(err) == (
        "error: TMDB_API_KEY contains spaces, control or non-ASCII characters; copy it again "
        "from https://www.themoviedb.org/settings/api"
    )
    assert FAKE_API_KEY not in err and fake.requests == []


# --- errors and exit codes ------------------------------------------------------------------


def test_refused_credentials(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    fake.inject(Fault.status(401), path="/3/movie/1", times=None)
    code, out, err = main("movie", "1")
    assert (code, out) == (3, "")
    assert flat(err) == (
        "error: TMDB refused the credentials (Not authenticated: GET /3/movie/1 returned HTTP "
        "401 (TMDB code 7: Invalid API key: You must be granted a valid key.). Check your API "
        "key or read access token (TMDB_API_KEY / TMDB_ACCESS_TOKEN), and the session id for "
        "account endpoints.); check TMDB_ACCESS_TOKEN/TMDB_API_KEY"
    )


def test_not_found(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    fake.inject(Fault.status(404), path="/3/tv/9", times=None)
    code, out, err = main("tv", "9")
    assert (code, out) == (4, "")
    assert flat(err) == (
        "error: Not found: GET /3/tv/9 returned HTTP 404 (TMDB code 34: The resource you "
        "requested could not be found.). Check that the id or path exists on TMDB."
    )


def test_ctrl_c_is_130(  # type: ignore[no-untyped-def]
    main, fake: FakeTMDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(bulk, "harvest", interrupted)
    ids = tmp_path / "ids.txt"
    ids.write_text("1\n")
    code, out, err = main("bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / "o.jsonl"))
    assert (code, out) == (130, "")
    assert err == "error: interrupted; a bulk run resumes where it stopped when run again\n"


def test_an_error_message_is_not_read_as_markup(main, fake: FakeTMDB, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = tmp_path / "ids.txt"
    ids.write_text("[bold]\n")
    code, _, err = main("bulk", "movie", "--ids", str(ids), "--out", str(tmp_path / "o.jsonl"))
    assert code == 2
    assert flat(err) == (
        f"error: {ids}:1: '[bold]' is not an id; an ids file has one whole number (0 or more) "
        "a line"
    )


def test_without_the_cli_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)  # import rich raises ImportError
    assert cli_main(["movie", "550"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "error: the tmdbfusion command line needs its extra: pip install 'tmdbfusion-sdk[cli]'\n"
    )


# --- help -----------------------------------------------------------------------------------

GLOBAL_HELP = [
    "global options:",
    "--base-url BASE_URL scheme and host of the API (default: https://api.themoviedb.org)",
    "--json print JSON for machines",
    "--no-progress no progress bars",
    "--language LANGUAGE e.g. en-US",
    "--rate-limit PER_SECOND requests per second at most (TMDB allows about 50)",
    "--shared-rate REDIS_URL share the --rate-limit budget with every process naming this "
    "redis:// URL",
    '--cache WHERE cache responses: "memory", an SQLite file, or a redis:// URL',
    "--timeout TIMEOUT seconds per request",
    "--max-retries MAX_RETRIES extra attempts on transient failures",
]


def test_the_main_help(main) -> None:  # type: ignore[no-untyped-def]
    code, out, err = main("-h")
    assert (code, err) == (0, "")
    assert out.startswith("usage: tmdbfusion [-h] [--base-url BASE_URL] [--json]")
    text = flat(out)
    for part in [
        "The Movie Database (TMDB) from the command line. Credentials come from "
        "TMDB_ACCESS_TOKEN or TMDB_API_KEY.",
        "COMMAND ...",
        "movie show a movie by its TMDB id",
        "tv show a TV series by its TMDB id",
        "person show a person by its TMDB id",
        "search search movies, TV series and people (multi, the default) or one kind",
        "discover find movies or TV series by filters",
        "trending what is trending today or this week",
        *GLOBAL_HELP,
    ]:
        assert part in text, part
    assert text.endswith(
        "exit codes: 0 done; 1 TMDB or the network failed; 2 bad input; 3 no credentials, or "
        "TMDB refused them; 4 not found; 5 partly done: some ids failed; 130 interrupted"
    )


@pytest.mark.parametrize(
    ("command", "parts"),
    [
        (
            ["movie"],
            [
                "usage: tmdbfusion movie [-h]",
                "show a movie by its TMDB id",
                "id the TMDB id, e.g. 550",
                "--append PART [PART ...] append_to_response parts, e.g. credits",
            ],
        ),
        (["tv"], ["usage: tmdbfusion tv [-h]", "show a TV series by its TMDB id"]),
        (["person"], ["usage: tmdbfusion person [-h]", "show a person by its TMDB id"]),
        (
            ["search"],
            [
                "search movies, TV series and people (multi, the default) or one kind",
                "[multi|movie|tv|person] QUERY what to search (multi when left out), then the "
                "words to search for",
                "--limit LIMIT results to show (default 20)",
            ],
        ),
        (
            ["discover"],
            [
                "find movies or TV series by filters",
                "{movie,tv}",
                "--sort-by SORT_BY e.g. popularity.desc, vote_average.desc",
                "--with-genres WITH_GENRES genre ids, e.g. 18 or 18,35",
                "--year YEAR year of release (movies) or first air date (tv)",
                "--param NAME=VALUE any other discover parameter, e.g. vote_count_gte=100 "
                "(repeatable)",
                "--limit LIMIT results to show (default 20)",
            ],
        ),
        (
            ["trending"],
            [
                "what is trending today or this week",
                "[{all,movie,tv,person}]",
                "--window {day,week}",
                "--limit LIMIT results to show (default 20)",
            ],
        ),
    ],
)
def test_the_look_up_commands_help(main, command: list[str], parts: list[str]) -> None:  # type: ignore[no-untyped-def]
    code, out, err = main(*command, "-h")
    assert (code, err) == (0, "")
    text = flat(out)
    for part in [*parts, *GLOBAL_HELP]:
        assert part in text, part
