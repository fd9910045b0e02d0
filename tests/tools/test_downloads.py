"""Image downloads against a local image host: sizes, concurrency, skipping, atomic writes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tmdbfusion import bulk, downloads
from tmdbfusion.datasets import open_dataset
from tmdbfusion.testing import FakeTMDB

from .imagehost import ImageHost, image_bytes


@pytest.fixture
def host() -> Iterator[ImageHost]:
    with ImageHost().running() as server:
        yield server


def test_downloads_at_the_size_and_skips_what_is_there(host: ImageHost, tmp_path: Path) -> None:
    paths = [f"/poster{i}.jpg" for i in range(12)] + ["/poster3.jpg"]
    report = downloads.download_images(
        paths, tmp_path / "posters", size="w342", base_url=host.base_url, concurrency=4
    )
    assert report.complete and report.skipped == 0
    assert report.downloaded == [f"poster{i}.jpg" for i in range(12)]
    for i in range(12):
        assert (tmp_path / "posters" / f"poster{i}.jpg").read_bytes() == image_bytes(
            "w342", f"poster{i}.jpg"
        )
    assert report.bytes == 12 * len(image_bytes("w342", "x"))
    assert sorted(host.requests) == sorted(f"/t/p/w342/poster{i}.jpg" for i in range(12))
    # No temporary files left behind.
    assert sorted(p.name for p in (tmp_path / "posters").iterdir()) == sorted(report.downloaded)

    (tmp_path / "posters" / "poster5.jpg").unlink()
    again = downloads.download_images(
        paths, tmp_path / "posters", size="w342", base_url=host.base_url
    )
    assert again.downloaded == ["poster5.jpg"] and again.skipped == 11
    assert len(host.requests) == 13


def test_concurrency_is_bounded(host: ImageHost, tmp_path: Path) -> None:
    in_flight = peak = 0
    lock = threading.Lock()
    import httpx

    def track(request: httpx.Request) -> None:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)

    def untrack(response: httpx.Response) -> None:
        nonlocal in_flight
        response.read()
        with lock:
            in_flight -= 1

    with httpx.Client(event_hooks={"request": [track], "response": [untrack]}) as client:
        report = downloads.download_images(
            [f"/b{i}.jpg" for i in range(20)],
            tmp_path,
            kind="backdrop",
            size="w780",
            base_url=host.base_url,
            concurrency=3,
            http_client=client,
        )
    assert len(report.downloaded) == 20 and 1 <= peak <= 3


def test_a_failed_image_is_reported_and_leaves_no_file(host: ImageHost, tmp_path: Path) -> None:
    host.missing.add("gone.jpg")
    progress: list[bulk.BulkProgress] = []
    report = downloads.download_images(
        ["/ok.jpg", "/gone.jpg"],
        tmp_path,
        kind="profile",
        size="h632",
        base_url=host.base_url,
        on_progress=progress.append,
    )
    assert report.downloaded == ["ok.jpg"] and list(report.failed) == ["/gone.jpg"]
    assert "HTTP 404" in report.failed["/gone.jpg"] and not report.complete
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.jpg"]
    assert progress[-1].done == 2 and progress[-1].failed == 1


def test_bad_sizes_and_paths_are_refused_before_any_request(
    host: ImageHost, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="'w500' is not a profile size; valid sizes: w45"):
        downloads.download_images(
            ["/a.jpg"], tmp_path, kind="profile", size="w500", base_url=host.base_url
        )
    with pytest.raises(ValueError, match="one file name"):
        downloads.download_images(["/../../etc/passwd"], tmp_path, base_url=host.base_url)
    with pytest.raises(ValueError, match="kind must be one of: poster, backdrop, profile"):
        downloads.download_images(["/a.jpg"], tmp_path, kind="logo", base_url=host.base_url)
    assert host.requests == []


def test_posters_of_a_harvested_dataset(host: ImageHost, tmp_path: Path) -> None:
    with FakeTMDB() as fake, fake.client() as client:
        bulk.harvest(client.movies.details, [1, 2, 3], tmp_path / "movies.jsonl")
    with open_dataset(tmp_path / "movies.jsonl") as dataset:
        paths = list(downloads.image_paths(dataset.records(), "poster"))
    assert len(paths) == 3 and all(p.startswith("/") for p in paths)
    report = downloads.download_images(paths, tmp_path / "img", base_url=host.base_url)
    assert len(report.downloaded) == 3
