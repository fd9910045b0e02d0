"""What a new user meets first: imports, call forms, docstrings, FakeTMDB from the command line."""

from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import tmdbfusion
import tmdbfusion.exceptions
import tmdbfusion.resources
from codegen.docstrings import UNDESCRIBED, repeats_name
from tests.shared_data import REAL_RESPONSES
from tmdbfusion import NotFoundError, ResponseValidationError
from tmdbfusion.testing import FakeResponse, FakeTMDB

ROOT = Path(__file__).resolve().parents[2]


def _resource_classes() -> list[type]:
    classes = []
    for path in sorted((ROOT / "src" / "tmdbfusion" / "resources").glob("[!_]*.py")):
        module = importlib.import_module(f"tmdbfusion.resources.{path.stem}")
        classes += [getattr(module, name) for name in module.__all__]
    return classes


def _methods() -> list[tuple[str, object]]:
    return [
        (f"{cls.__name__}.{name}", member)
        for cls in _resource_classes()
        for name, member in vars(cls).items()
        if inspect.isfunction(member) and not name.startswith("_")
    ]


METHODS = _methods()


def test_distribution_and_version_agree() -> None:
    assert importlib.metadata.version("tmdbfusion-sdk") == tmdbfusion.__version__
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "tmdbfusion-sdk"' in text
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert f"## {tmdbfusion.__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_every_exception_is_importable_from_the_package() -> None:
    for name in tmdbfusion.exceptions.__all__:
        assert getattr(tmdbfusion, name) is getattr(tmdbfusion.exceptions, name), name
        assert name in tmdbfusion.__all__


def test_a_404_is_caught_with_the_top_level_class() -> None:
    with FakeTMDB() as fake, fake.client(max_retries=0) as client:
        fake.add_route("GET", "/3/movie/{movie_id}", FakeResponse(404, json={"status_code": 34}))
        with pytest.raises(NotFoundError):
            client.movies.details(movie_id=0)


def test_path_parameters_by_position_or_keyword() -> None:
    with FakeTMDB() as fake, fake.client() as client:
        assert client.movies.details(550).id == 550
        assert client.movies.details(movie_id=550).id == 550
        by_position = client.tv_episodes.details(1399, 1, 2)
        by_keyword = client.tv_episodes.details(series_id=1399, season_number=1, episode_number=2)
        assert by_position == by_keyword
        paths = [request.path for request in fake.requests]
    assert paths[-2:] == ["/3/tv/1399/season/1/episode/2"] * 2


def test_search_query_by_position_or_keyword() -> None:
    with FakeTMDB() as fake, fake.client() as client:
        positional = client.search.movie("Alien", year=1979)
        keyword = client.search.movie(query="Alien", year=1979)
        assert positional.results == keyword.results
        assert [r.query["query"] for r in fake.requests] == ["Alien", "Alien"]
        with pytest.raises(TypeError):
            client.search.movie("Alien", "1979")  # type: ignore[misc]  # the rest keyword-only


def test_async_calls_take_the_same_forms() -> None:
    async def run() -> list[int]:
        async with FakeTMDB() as fake, fake.async_client() as client:
            first = await client.movies.details(550)
            second = await client.movies.details(movie_id=550)
            page = await client.search.movie("Alien")
            return [first.id, second.id, len(page.results)]

    assert asyncio.run(run()) == [550, 550, 20]


@pytest.mark.parametrize(("name", "method"), METHODS, ids=[name for name, _ in METHODS])
def test_every_method_says_what_it_raises(name: str, method: object) -> None:
    doc = inspect.getdoc(method) or ""
    assert "\nRaises\n------\n" in doc, name
    raises = doc.split("\nRaises\n------\n", 1)[1]
    listed = re.findall(r"(?m)^(\w+)$", raises)
    assert {"AuthenticationError", "RateLimitError", "ServerError"} <= set(listed), name
    for exception in listed:
        assert exception in {"ValueError", "TypeError"} or hasattr(tmdbfusion, exception), exception
    signature = inspect.signature(method)  # type: ignore[arg-type]
    path_template = re.search(r"``[A-Z]+ (\S+)``", doc)
    assert path_template, name
    if "{" in path_template.group(1):
        assert "NotFoundError" in listed, name
    if len(signature.parameters) > 1:
        assert {"ValueError", "TypeError"} <= set(listed), name


def _parameter_descriptions(doc: str) -> dict[str, str]:
    section = doc.split("\nParameters\n----------\n", 1)
    if len(section) == 1:
        return {}
    body = section[1].split("\n\n", 1)[0]
    found: dict[str, str] = {}
    for match in re.finditer(r"(?m)^(\w+) : [^\n]*\n((?:    [^\n]*\n?)+)", body + "\n"):
        found[match.group(1)] = " ".join(match.group(2).split())
    return found


@pytest.mark.parametrize(("name", "method"), METHODS, ids=[name for name, _ in METHODS])
def test_no_parameter_description_only_repeats_its_name(name: str, method: object) -> None:
    doc = inspect.getdoc(method) or ""
    described = _parameter_descriptions(doc)
    signature = inspect.signature(method)  # type: ignore[arg-type]
    assert set(described) == set(signature.parameters) - {"self"}, name
    for parameter, text in described.items():
        assert not repeats_name(text, parameter), f"{name}({parameter}): {text}"
        assert UNDESCRIBED not in text, f"{name}({parameter}) needs openapi/parameters.yaml"


def test_the_name_only_check_can_fail() -> None:
    assert repeats_name("The ``movie_id`` path parameter.", "movie_id")
    assert repeats_name("The ``value`` field of the request body.", "value")
    assert repeats_name("The ``page`` query parameter. TMDB's default: ``1``.", "page")
    assert not repeats_name("TMDB's id of the movie, e.g. 550.", "movie_id")
    assert _parameter_descriptions("S.\n\nParameters\n----------\nx : int\n    The x.\n") == {
        "x": "The x."
    }


def test_reference_tables_keep_identifiers_whole() -> None:
    css = (ROOT / "docs" / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    rule = re.search(r"\.md-typeset table:not\(\[class\]\) code \{([^}]*)\}", css)
    assert rule and "white-space: nowrap" in rule.group(1) and "word-break: normal" in rule.group(1)
    assert "stylesheets/extra.css" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def _recorded_image_configurations() -> list[dict[str, object]]:
    bodies = []
    for path in sorted(REAL_RESPONSES.glob("configuration__*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        bodies.append(body.get("body", body)["images"])
    return bodies


def test_fake_tmdb_serves_tmdb_s_real_image_configuration() -> None:
    with FakeTMDB() as fake, fake.client() as client:
        images = httpx.get(f"{fake.url}/3/configuration?api_key=k").json()["images"]
        client.images.refresh()
        url = client.images.poster_url("/abc.jpg", "w342")
    recorded = _recorded_image_configurations()
    if not recorded:
        pytest.skip("no recorded TMDB configuration in ../shared/real-responses")
    assert any(images == body for body in recorded) or all(
        images["secure_base_url"] == body["secure_base_url"]
        and images["base_url"] == body["base_url"]
        and set(body["poster_sizes"]) <= set(images["poster_sizes"])  # type: ignore[arg-type]
        for body in recorded
    )
    assert url == "https://image.tmdb.org/t/p/w342/abc.jpg"


@pytest.mark.parametrize(
    "images",
    [
        {"poster_sizes": ["poster sizes 1"]},
        {"poster_sizes": []},
        {"secure_base_url": "secure base url 1"},
    ],
)
def test_refresh_refuses_a_configuration_without_real_sizes(images: dict[str, object]) -> None:
    real = {
        "secure_base_url": "https://image.tmdb.org/t/p/",
        "backdrop_sizes": ["w300", "original"],
        "logo_sizes": ["w45", "original"],
        "poster_sizes": ["w92", "original"],
        "profile_sizes": ["w45", "h632", "original"],
        "still_sizes": ["w92", "original"],
    }
    body = {"images": {**real, **images}, "change_keys": []}
    with FakeTMDB() as fake, fake.client() as client:
        fake.add_route("GET", "/3/configuration", FakeResponse(200, json=body))
        with pytest.raises(ResponseValidationError, match=r"images"):
            client.images.refresh()
        assert client.images.poster_url("/a.jpg", "w500") == "https://image.tmdb.org/t/p/w500/a.jpg"


def _serve_from_the_command_line() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tmdbfusion.testing", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    assert match, line
    return process, match.group(0)


def test_fake_tmdb_from_the_command_line_runs_the_readme_quickstart() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    offline = re.search(r"(?ms)^```python\n(# Against FakeTMDB.*?)^```\n", readme)
    assert offline, "README has no quickstart against FakeTMDB"
    process, url = _serve_from_the_command_line()
    try:
        code = offline.group(1).replace("http://127.0.0.1:8765", url)
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
        )
    finally:
        process.terminate()
        status = process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()
    assert status == 0  # SIGTERM stops it cleanly
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Movie 550")
    assert len(lines) == 6
