"""The look-up commands: the required checks through the installed console script (a subprocess),
the rest through the same ``main`` in this process."""

from __future__ import annotations

import json
import subprocess

import pytest

from tmdbfusion.testing import FAKE_API_KEY, FakeTMDB, Fault

from .conftest import clean_env, script

# A subprocess imports the SDK afresh: several seconds each on a busy machine.
pytestmark = pytest.mark.timeout(180)


def test_movie_as_json(cli, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    result = cli("movie", "550", "--json")
    assert result.returncode == 0, result.stderr
    movie = json.loads(result.stdout)
    assert movie["id"] == 550 and movie["title"] == "Movie 550"
    (request,) = fake.requests
    assert request.route == "/3/movie/{movie_id}" and request.auth == "api_key"


def test_movie_readable_view_has_the_title(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("movie", "550")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("Movie 550 (")
    assert "runtime" in result.stdout and "Traceback" not in result.stderr


def test_no_credentials_names_both_variables(cli, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    result = cli("movie", "550", credentials=False)
    assert result.returncode == 3
    assert "TMDB_ACCESS_TOKEN" in result.stderr and "TMDB_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert fake.requests == []


def test_the_tmdbf_alias_is_installed(fake: FakeTMDB) -> None:
    result = subprocess.run(
        [script("tmdbf"), "movie", "550", "--json", "--base-url", fake.url],
        env=clean_env(TMDB_API_KEY=FAKE_API_KEY),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == 550


def test_tv_and_person_with_appended_parts(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = main("tv", "1399", "--append", "credits", "--json")
    assert code == 0
    body = json.loads(out)
    assert body["id"] == 1399 and "cast" in body["credits"]
    assert fake.requests[-1].query["append_to_response"] == "credits"
    code, out, _ = main("person", "287")
    assert code == 0 and out.startswith("Person 287")


def test_exit_codes(main, fake: FakeTMDB, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    fake.inject(Fault.status(404), path="/3/movie/9999999", times=None)
    code, _, err = main("movie", "9999999")
    assert code == 4 and "could not be found" in err
    code, _, err = main("movie", "fifty")
    assert code == 2 and "an id is a whole number" in err
    code, _, err = main("movie", "550", "--append")
    assert code == 2
    fake.inject(Fault.status(401), path="/3/movie/1", times=None)
    code, _, err = main("movie", "1")
    assert code == 3 and "refused" in err and "TMDB_API_KEY" in err
    fake.inject(Fault.status(503), path="/3/movie/2", times=None)
    code, _, err = main("--max-retries", "0", "movie", "2")
    assert code == 1 and "503" in err
    monkeypatch.delenv("TMDB_API_KEY")
    code, _, err = main("movie", "3")
    assert code == 3 and "TMDB_ACCESS_TOKEN" in err


def test_search_kinds_and_limit(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = main("search", "fight", "club", "--limit", "3", "--json")
    assert code == 0
    results = json.loads(out)
    assert len(results) == 3 and {r["media_type"] for r in results} <= {"movie", "tv", "person"}
    assert fake.requests[-1].route == "/3/search/multi"
    assert fake.requests[-1].query["query"] == "fight club"
    code, out, _ = main("search", "movie", "fight", "club", "--limit", "25")
    assert code == 0
    assert fake.requests[-1].route == "/3/search/movie"
    assert [r.query.get("page", "1") for r in fake.requests[-2:]] == ["1", "2"]
    assert "fight club 25" in out and "fight club 26" not in out
    assert main("search", "movie", " ")[0] == 2


def test_discover_and_trending(main, fake: FakeTMDB) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = main(
        "discover",
        "movie",
        "--year",
        "1999",
        "--sort-by",
        "vote_average.desc",
        "--param",
        "vote_count_gte=100",
        "--limit",
        "2",
        "--json",
    )
    assert code == 0
    assert len(json.loads(out)) == 2
    query = fake.requests[-1].query
    assert query["primary_release_year"] == "1999" and query["vote_count.gte"] == "100"
    assert query["sort_by"] == "vote_average.desc"
    code, _, err = main("discover", "movie", "--param", "no_such_filter=1")
    assert code == 2 and "no_such_filter" in err
    code, out, _ = main("trending", "person", "--window", "week", "--limit", "5")
    assert code == 0
    assert fake.requests[-1].path == "/3/trending/person/week"
    assert "Person 5" in out and "Person 6" not in out
