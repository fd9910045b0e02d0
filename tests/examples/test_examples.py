"""Every script in ``examples/`` runs against TMDB's own examples and prints what it should.

Each test serves the pinned document's example responses (with respx) at a host that is not
TMDB's, passes it as ``--base-url``, and checks both the requests made and the printed lines.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from .conftest import ACCESS_TOKEN, EXAMPLES, example_body

Run = Callable[..., tuple[int, list[str], str]]

# Every example and the test that runs it; a new script without a test fails the first test.
TESTED = {
    "quickstart": "test_quickstart",
    "async_concurrent": "test_async_concurrent_fetch_is_bounded",
    "pagination": "test_pagination_takes_across_pages",
    "search_multi": "test_search_multi_matches_every_kind",
    "append_to_response": "test_append_to_response",
    "images": "test_images",
    "v4_login": "test_v4_login_against_fake_tmdb",
    "bulk_harvest": "test_bulk_harvest_resumes",
    "sync_changes": "test_sync_changes_refreshes_the_changed",
    "download_posters": "test_download_posters",
    "sharded_harvest": "test_sharded_harvest_one_process",
}


def test_every_example_has_a_test() -> None:
    scripts = sorted(path.stem for path in EXAMPLES.glob("*.py"))
    assert scripts == sorted(TESTED)
    for test_name in TESTED.values():
        assert callable(globals()[test_name])


@pytest.mark.parametrize("name", sorted(TESTED))
def test_missing_credentials_explain_what_to_do(
    name: str, run: Run, monkeypatch: pytest.MonkeyPatch, tmdb: respx.MockRouter
) -> None:
    monkeypatch.delenv("TMDB_ACCESS_TOKEN")
    status, out, err = run(name)
    assert status == 2
    assert out == []
    assert "TMDB_ACCESS_TOKEN" in err
    assert "TMDB_API_KEY" in err
    assert len(tmdb.calls) == 0


@pytest.fixture
def run(run_example: Run) -> Run:
    return run_example


def _authorized(request: httpx.Request) -> bool:
    return request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_quickstart(run: Run, tmdb: respx.MockRouter, healed_document: dict[str, Any]) -> None:
    movie = example_body(healed_document, "GET /3/movie/{movie_id}")
    found = example_body(healed_document, "GET /3/search/movie")
    details = tmdb.get(f"/3/movie/{movie['id']}").respond(json=movie)
    search = tmdb.get("/3/search/movie").respond(json=found)

    status, out, _ = run("quickstart", "--movie-id", str(movie["id"]), "--query", "Fight Club")

    assert status == 0
    genres = ", ".join(genre["name"] for genre in movie["genres"])
    assert out[0] == f"{movie['title']} ({movie['release_date']}), {movie['runtime']} min: {genres}"
    assert out[1:] == [
        f"found {item['id']}: {item['title']} ({item['release_date']})"
        for item in found["results"][:3]
    ]
    assert search.calls.last.request.url.params["query"] == "Fight Club"
    assert all(_authorized(call.request) for call in (*details.calls, *search.calls))


def test_async_concurrent_fetch_is_bounded(
    run: Run, tmdb: respx.MockRouter, healed_document: dict[str, Any]
) -> None:
    movie = example_body(healed_document, "GET /3/movie/{movie_id}")
    known = [11, 550, 603, 680, 13]
    missing = 9999999
    in_flight = 0
    most_in_flight = 0

    async def answer(request: httpx.Request, movie_id: str) -> httpx.Response:
        nonlocal in_flight, most_in_flight
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)
        await asyncio.sleep(0.01)  # long enough for the other tasks to pile up
        in_flight -= 1
        if int(movie_id) == missing:
            body = {"success": False, "status_code": 34, "status_message": "Not found."}
            return httpx.Response(404, json=body)
        return httpx.Response(200, json={**copy.deepcopy(movie), "id": int(movie_id)})

    route = tmdb.get(path__regex=r"^/3/movie/(?P<movie_id>\d+)$").mock(side_effect=answer)
    ids = [*known, missing]

    status, out, _ = run("async_concurrent", *map(str, ids), "--concurrency", "2")

    assert status == 0
    assert out == [
        *(f"{movie_id}: {movie['title']} ({movie['release_date']})" for movie_id in known),
        f"{missing}: not found",
    ]
    requested = sorted(int(call.request.url.path.rsplit("/", 1)[1]) for call in route.calls)
    assert requested == sorted(ids)
    assert most_in_flight == 2


def test_async_concurrent_rejects_no_concurrency(run: Run) -> None:
    status, out, err = run("async_concurrent", "550", "--concurrency", "0")
    assert status == 2
    assert out == []
    assert "--concurrency" in err


def test_pagination_takes_across_pages(
    run: Run, tmdb: respx.MockRouter, healed_document: dict[str, Any]
) -> None:
    first = example_body(healed_document, "GET /3/movie/popular")
    per_page = len(first["results"])
    limit = 2 * per_page + 5  # the first items of the third page

    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        return httpx.Response(200, json={**copy.deepcopy(first), "page": number})

    route = tmdb.get("/3/movie/popular").mock(side_effect=page)

    status, out, _ = run("pagination", "--limit", str(limit))

    assert status == 0
    assert out[0] == (
        f"{first['total_results']} popular movies on {first['total_pages']} pages; "
        f"the first {limit}:"
    )
    expected = [first["results"][index % per_page] for index in range(limit)]
    assert out[1:] == [
        f"{rank:>3}. {movie['title']} ({movie['release_date']})"
        for rank, movie in enumerate(expected, start=1)
    ]
    # Three pages and not one more: the rest of the list is never fetched.
    assert [call.request.url.params.get("page") for call in route.calls] == [None, "2", "3"]


def test_search_multi_matches_every_kind(
    run: Run, tmdb: respx.MockRouter, healed_document: dict[str, Any]
) -> None:
    found = copy.deepcopy(example_body(healed_document, "GET /3/search/multi"))
    # The document's multi search example holds movies and series; add its person search's
    # person, tagged the way multi search tags people, so all three kinds are matched.
    person = example_body(healed_document, "GET /3/search/person")["results"][0]
    found["results"].insert(1, {**copy.deepcopy(person), "media_type": "person"})
    route = tmdb.get("/3/search/multi").respond(json=found)
    limit = len(found["results"])

    status, out, _ = run("search_multi", "Star Wars", "--limit", str(limit))

    assert status == 0
    expected = []
    for item in found["results"]:
        if item["media_type"] == "movie":
            released = item.get("release_date") or "unreleased"
            expected.append(f"movie  {item['id']}: {item['title']} ({released})")
        elif item["media_type"] == "tv":
            aired = item.get("first_air_date") or "never"
            expected.append(f"tv     {item['id']}: {item['name']} (first aired {aired})")
        else:
            department = item.get("known_for_department") or "unknown department"
            expected.append(f"person {item['id']}: {item['name']} ({department})")
    assert out == expected
    assert {line.split()[0] for line in out} == {"movie", "tv", "person"}
    assert route.calls.last.request.url.params["query"] == "Star Wars"


def test_append_to_response(
    run: Run, tmdb: respx.MockRouter, healed_document: dict[str, Any]
) -> None:
    movie = dict(example_body(healed_document, "GET /3/movie/{movie_id}"))
    credits = example_body(healed_document, "GET /3/movie/{movie_id}/credits")
    videos = example_body(healed_document, "GET /3/movie/{movie_id}/videos")
    route = tmdb.get("/3/movie/550").respond(json={**movie, "credits": credits, "videos": videos})

    status, out, _ = run("append_to_response", "--movie-id", "550", "--cast", "3")

    assert status == 0
    trailers = [v for v in videos["results"] if v["site"] == "YouTube" and v["type"] == "Trailer"]
    assert trailers, "the document's videos example has trailers"
    assert out == [
        f"{movie['title']} ({movie['release_date']})",
        *(f"  cast: {m['name']} as {m['character']}" for m in credits["cast"][:3]),
        *(f"  trailer: {v['name']}: https://www.youtube.com/watch?v={v['key']}" for v in trailers),
    ]
    assert route.calls.last.request.url.params["append_to_response"] == "credits,videos"


@pytest.mark.parametrize("refresh", [False, True])
def test_images(
    run: Run, tmdb: respx.MockRouter, healed_document: dict[str, Any], refresh: bool
) -> None:
    movie = example_body(healed_document, "GET /3/movie/{movie_id}")
    gallery = example_body(healed_document, "GET /3/movie/{movie_id}/images")
    published = example_body(healed_document, "GET /3/configuration")
    configuration = published["images"]
    tmdb.get("/3/movie/550").respond(json=movie)
    tmdb.get("/3/movie/550/images").respond(json=gallery)
    if refresh:
        tmdb.get("/3/configuration").respond(json=published)

    status, out, _ = run("images", "--movie-id", "550", *(["--refresh"] if refresh else []))

    assert status == 0
    base = configuration["secure_base_url"]
    assert out == [
        f"poster sizes: {', '.join(configuration['poster_sizes'])}",
        f"{movie['title']}",
        f"  poster (w342): {base}w342{movie['poster_path']}",
        f"  backdrop (w1280): {base}w1280{movie['backdrop_path']}",
        *(
            f"  poster (original): {base}original{poster['file_path']}"
            for poster in gallery["posters"][:3]
        ),
    ]


def test_v4_login_against_fake_tmdb(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from tmdbfusion.testing import FakeTMDB

    opened: list[str] = []

    def user_approves(prompt: str) -> str:
        # What the user does in a browser: open the page the script points at.
        url = prompt.split("Open ", 1)[1].split(" ,", 1)[0]
        opened.append(url)
        httpx.get(url).raise_for_status()
        return ""

    monkeypatch.setattr("builtins.input", user_approves)
    with FakeTMDB() as fake:
        status, out, err = run(
            "v4_login", "--site", fake.url, "--movie", "38", "--tv", "1396", base_url=fake.url
        )
        assert fake.v4 is not None
        assert fake.v4.lists == {}  # the script deleted what it created
        requests = [(r.method, r.route or r.path) for r in fake.requests]
        site = fake.url
    assert status == 0, err
    assert opened and opened[0].startswith(f"{site}/auth/access?request_token=rt-")
    account = fake.v4.account_object_id
    assert out[0] == f"logged in: account {account}"
    assert out[1] == "added 2 of 2"
    assert out[2].endswith("'Made with tmdbfusion', 2 items")
    assert out[3:5] == ["  MovieListItem 38: Movie 38", "  TvSeriesListItem 1396: TV show 1396"]
    assert out[5:] == ["v3 session: yes", "logged out"]
    assert [path for _, path in requests][:3] == [
        "/4/auth/request_token",
        "/auth/access",
        "/4/auth/access_token",
    ]
    assert ("DELETE", "/4/auth/access_token") in requests


def test_v4_login_with_only_an_api_key_says_what_to_use(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmdb: respx.MockRouter
) -> None:
    monkeypatch.delenv("TMDB_ACCESS_TOKEN")
    monkeypatch.setenv("TMDB_API_KEY", "0123456789abcdef0123456789abcdef")
    status, out, err = run("v4_login")
    assert (status, out) == (2, [])
    assert "Bearer token" in err and "access_token=" in err
    assert "0123456789abcdef" not in err
    assert len(tmdb.calls) == 0


# The data tools' examples run against FakeTMDB (see tests/tools and tests/cli for the details).


def test_bulk_harvest_resumes(run: Run, tmp_path: Path) -> None:
    from tmdbfusion.testing import FakeTMDB

    out = tmp_path / "movies.csv"
    with FakeTMDB() as fake:
        fake.exports.publish("movie", "2024-05-15", [{"id": i} for i in (550, 13)])
        args = ["--ids", "550,13", "--out", str(out)]
        assert run("bulk_harvest", *args, base_url=fake.url)[:2] == (
            0,
            ["wrote 2, skipped 0 already in movies.csv"],
        )
        from_export = ["--export", "2024-05-15", "--exports-url", f"{fake.url}/p/exports"]
        status, out_lines, _ = run(
            "bulk_harvest", *from_export, "--out", str(out), base_url=fake.url
        )
    assert (status, out_lines) == (0, ["wrote 0, skipped 2 already in movies.csv"])
    assert out.read_text().splitlines()[0] == "id,title,release_date,runtime,vote_average"


def test_sync_changes_refreshes_the_changed(run: Run, tmp_path: Path) -> None:
    from tmdbfusion.testing import FakeTMDB

    dataset = tmp_path / "movies.jsonl"
    dataset.write_text('{"id": 1, "title": "old"}\n{"id": 2, "title": "old"}\n')
    page = {"page": 1, "results": [{"id": 2}], "total_pages": 1, "total_results": 1}
    with FakeTMDB() as fake:
        fake.add_route("GET", "/3/movie/changes", page)
        status, out, err = run(
            "sync_changes",
            "--dataset",
            str(dataset),
            "--since",
            "2024-05-01",
            "--until",
            "2024-05-02",
            base_url=fake.url,
        )
    assert status == 0, err
    assert out == ["1 movies changed on TMDB since 2024-05-01", "refreshed: 2", "removed: none"]
    assert '"title":"Movie 2"' in dataset.read_text()


def test_download_posters(run: Run, tmp_path: Path) -> None:
    from tmdbfusion.testing import FakeTMDB

    from ..tools.imagehost import ImageHost

    dest = tmp_path / "posters"
    with FakeTMDB() as fake, ImageHost().running() as host:
        args = ["--ids", "550,13", "--dest", str(dest), "--images-url", host.base_url]
        first = run("download_posters", *args, base_url=fake.url)
        again = run("download_posters", *args, base_url=fake.url)
    assert first[:2] == (0, [f"downloaded 2, skipped 0 already in {dest}"])
    assert again[:2] == (0, [f"downloaded 0, skipped 2 already in {dest}"])
    assert len(host.requests) == 2 and all(r.startswith("/t/p/w342/") for r in host.requests)


def test_sharded_harvest_one_process(run: Run, tmp_path: Path) -> None:
    from tmdbfusion.testing import FakeTMDB

    out = tmp_path / "part.jsonl"
    with FakeTMDB() as fake:
        status, lines, err = run(
            "sharded_harvest",
            "--ids",
            "1,2,3,4,5",
            "--shard",
            "2/2",
            "--out",
            str(out),
            base_url=fake.url,
        )
    assert status == 0, err
    assert lines == ["shard 2/2: wrote 3, skipped 0, cache hits 0"]
    assert sorted(json.loads(line)["id"] for line in out.read_text().splitlines()) == [1, 3, 5]
