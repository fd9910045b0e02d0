"""Image downloads, as a user sees them: exact messages, file names, URLs, timeouts, redirects.

Each test pins behaviour that an earlier suite left open (found by mutation testing): the
messages of refusals and failures, the temporary file beside its target, nested directories,
a base URL kept as given, the timeout and redirects of the client made here, and which image
paths :func:`tmdbfusion.downloads.image_paths` yields.
"""

from __future__ import annotations

import contextlib
import http.server
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest

from tmdbfusion import downloads
from tmdbfusion.testing import FakeTMDB

from .imagehost import ImageHost, image_bytes
from .localhost import redirect_to, send, serving

BAD_PATH = "an image path is one file name like '/abc.jpg'; got {!r}"


@pytest.fixture
def host() -> Iterator[ImageHost]:
    with ImageHost().running() as server:
        yield server


def test_a_size_the_kind_does_not_come_in_names_every_valid_size(
    host: ImageHost, tmp_path: Path
) -> None:
    with pytest.raises(ValueError) as refused:
        downloads.download_images(
            ["/a.jpg"], tmp_path, kind="profile", size="w500", base_url=host.base_url
        )
    assert str(refused.value) == (
        "'w500' is not a profile size; valid sizes: w45, w185, h632, original"
    )
    assert host.requests == []


@pytest.mark.parametrize("path", ["/", "", "/.", "/..", "/a\\b.jpg", "\\a.jpg", "/w500/a.jpg"])
def test_a_path_that_is_not_one_file_name_is_refused_before_any_request(
    host: ImageHost, tmp_path: Path, path: str
) -> None:
    target = tmp_path / "posters"
    with pytest.raises(ValueError) as refused:
        downloads.download_images(["/fine.jpg", path], target, base_url=host.base_url)
    assert str(refused.value) == BAD_PATH.format(path)
    assert host.requests == [] and not target.exists()


def test_a_file_name_keeps_every_character_after_the_leading_slash(
    host: ImageHost, tmp_path: Path
) -> None:
    report = downloads.download_images(
        ["/XxJ8vQ.jpg", "//Xa.jpg"], tmp_path, size="w92", base_url=host.base_url
    )
    assert report.downloaded == ["XxJ8vQ.jpg", "Xa.jpg"]
    assert sorted(host.requests) == ["/t/p/w92/Xa.jpg", "/t/p/w92/XxJ8vQ.jpg"]
    assert (tmp_path / "XxJ8vQ.jpg").read_bytes() == image_bytes("w92", "XxJ8vQ.jpg")


def test_missing_parent_directories_are_made_and_the_report_names_the_directory(
    host: ImageHost, tmp_path: Path
) -> None:
    target = tmp_path / "images" / "movies" / "w342"
    report = downloads.download_images(["/p1.jpg"], target, size="w342", base_url=host.base_url)
    assert report.directory == target
    assert sorted(p.name for p in target.iterdir()) == ["p1.jpg"]
    again = downloads.download_images(["/p1.jpg"], str(target), size="w342", base_url="unused")
    assert again == downloads.DownloadReport(target, downloaded=[], skipped=1, failed={}, bytes=0)


def test_an_image_streams_into_a_hidden_part_file_beside_its_target(
    host: ImageHost, tmp_path: Path
) -> None:
    target = tmp_path / "posters"
    listings: list[list[str]] = []

    def look(response: httpx.Response) -> None:
        # Headers are in, the body is not: the partial file exists, the real name does not.
        listings.append(sorted(p.name for p in target.iterdir()))

    with httpx.Client(event_hooks={"response": [look]}) as client:
        report = downloads.download_images(
            ["/abc.jpg"], target, size="w342", base_url=host.base_url, http_client=client
        )
    ((partial,),) = listings
    assert re.fullmatch(r"\.abc\.jpg\.[a-z0-9_]{8}\.part", partial), partial
    assert report.downloaded == ["abc.jpg"]
    assert sorted(p.name for p in target.iterdir()) == ["abc.jpg"]


def test_a_failure_is_reported_even_when_its_partial_file_is_already_gone(
    host: ImageHost, tmp_path: Path
) -> None:
    host.missing.add("gone.jpg")

    def sweep(response: httpx.Response) -> None:
        for partial in tmp_path.glob("*.part"):  # someone cleaning up meanwhile
            partial.unlink()

    with httpx.Client(event_hooks={"response": [sweep]}) as client:
        report = downloads.download_images(
            ["/gone.jpg"],
            tmp_path,
            kind="profile",
            size="h632",
            base_url=host.base_url,
            http_client=client,
        )
    assert report.failed == {"/gone.jpg": f"HTTP 404 for {host.base_url}h632/gone.jpg"}
    assert report.downloaded == [] and report.bytes == 0 and list(tmp_path.iterdir()) == []


def test_a_connection_failure_names_the_error_and_the_url(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port of 127.0.0.1 that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    report = downloads.download_images(
        ["/a.jpg"], tmp_path, size="w92", base_url=f"http://127.0.0.1:{port}/t/p/"
    )
    (message,) = report.failed.values()
    url = f"http://127.0.0.1:{port}/t/p/w92/a.jpg"
    assert list(report.failed) == ["/a.jpg"]
    assert message.startswith(f"ConnectError for {url}: ") and message.endswith("refused")
    assert list(tmp_path.iterdir()) == []


def test_the_timeout_bounds_each_read(tmp_path: Path) -> None:
    release = threading.Event()

    def hold(handler: http.server.BaseHTTPRequestHandler) -> None:
        release.wait(3)  # longer than the timeout below, shorter than httpx's own default
        with contextlib.suppress(OSError):  # the client has given up and closed by now
            send(handler, 200, b"late image")

    try:
        with serving(hold) as (url, paths):
            report = downloads.download_images(
                ["/slow.jpg"], tmp_path, size="w92", base_url=url, timeout=0.2
            )
            release.set()
    finally:
        release.set()
    assert report.failed == {"/slow.jpg": f"ReadTimeout for {url}/w92/slow.jpg: timed out"}
    assert paths == ["/w92/slow.jpg"] and list(tmp_path.iterdir()) == []


def test_redirects_are_followed_and_the_base_url_is_kept_as_given(
    host: ImageHost, tmp_path: Path
) -> None:
    with serving(redirect_to(host.base_url + "w154")) as (mirror, asked):
        report = downloads.download_images(
            ["/r1.jpg", "/r2.jpg"], tmp_path, size="w154", base_url=f"{mirror}/cdn/pX//"
        )
    assert sorted(asked) == ["/cdn/pX/w154/r1.jpg", "/cdn/pX/w154/r2.jpg"]
    assert sorted(host.requests) == ["/t/p/w154/r1.jpg", "/t/p/w154/r2.jpg"]
    assert report.downloaded == ["r1.jpg", "r2.jpg"] and report.complete
    assert (tmp_path / "r2.jpg").read_bytes() == image_bytes("w154", "r2.jpg")
    assert report.bytes == 2 * len(image_bytes("w154", "r1.jpg"))


def test_image_paths_of_structs_and_json_objects_once_each_without_gaps() -> None:
    with FakeTMDB() as fake, fake.client(max_retries=0) as client:
        first, second = client.movies.details(1), client.movies.details(2)
        person = client.people.details(3)
    assert first.poster_path and second.poster_path and person.profile_path
    no_poster = msgspec.structs.replace(first, id=4, poster_path=None)
    items = [
        first,
        {"id": 5, "poster_path": first.poster_path},  # a repeat, as a JSON object
        {"id": 6, "poster_path": None},
        {"id": 7, "poster_path": ""},
        {"id": 8, "title": "no poster field"},
        person,  # a Struct without the field at all
        no_poster,
        second,
        first,
    ]
    assert list(downloads.image_paths(items)) == [first.poster_path, second.poster_path]
    profiles = [first, {"profile_path": person.profile_path}, person, {"profile_path": None}]
    assert list(downloads.image_paths(profiles, "profile")) == [person.profile_path]
    backdrops = list(downloads.image_paths([second, first, second], kind="backdrop"))
    assert backdrops == [second.backdrop_path, first.backdrop_path]


def test_connections_are_kept_for_reuse_up_to_the_concurrency(tmp_path: Path) -> None:
    # 24 downloads at once (more than httpx's default of 20 kept-alive connections). The host
    # holds the first 24 requests until all have arrived, so 24 connections open; it holds the
    # first image until the next 47 are done, so 23 connections sit idle; then it holds the
    # next 24 until all have arrived. Kept for reuse, the 24 connections serve everything.
    concurrency = 24
    first_wave = threading.Barrier(concurrency, timeout=5)
    second_wave = threading.Barrier(concurrency, timeout=5)
    done = threading.Condition()
    answered = 0
    connections: set[tuple[str, int]] = set()

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        nonlocal answered
        number = int(handler.path.rsplit("/", 1)[1].removeprefix("i").removesuffix(".jpg"))
        with done:
            connections.add(handler.client_address[:2])
        if number < concurrency:
            first_wave.wait()
        if number == 0:
            with done:
                assert done.wait_for(lambda: answered >= 2 * concurrency - 1, timeout=5)
        elif 2 * concurrency <= number < 3 * concurrency:
            second_wave.wait()
        send(handler, 200, image_bytes("w92", f"i{number}.jpg")[:2048])
        with done:
            answered += 1
            done.notify_all()

    with serving(answer) as (url, asked):
        report = downloads.download_images(
            [f"/i{n}.jpg" for n in range(4 * concurrency)],
            tmp_path,
            size="w92",
            base_url=url,
            concurrency=concurrency,
        )
    assert report.complete and len(report.downloaded) == len(asked) == 4 * concurrency
    assert len(connections) == concurrency


def test_the_documented_default_timeouts(
    host: ImageHost, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the docstrings promise when a call gives no timeout: 30 s for an image, 60 s for an
    # export file (a day's file is tens of megabytes). Read from the clients they make.
    from tmdbfusion import exports
    from tmdbfusion.testing import FakeTMDB

    made: list[object] = []
    real_client = httpx.Client

    def recording(**options: object) -> httpx.Client:
        made.append(options["timeout"])
        return real_client(**options)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx, "Client", recording)
    downloads.download_images(["/a.jpg"], tmp_path / "posters", base_url=host.base_url)
    with FakeTMDB() as fake:
        fake.exports.publish("keyword", "2024-05-15", [{"id": 1, "name": "k"}])
        exports.download_export("keyword", "2024-05-15", tmp_path, base_url=f"{fake.url}/p/exports")
    assert made == [30.0, 60.0]
