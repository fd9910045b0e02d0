"""Download posters, backdrops and profile photos at a size, many at once, atomically.

>>> from tmdbfusion import downloads
>>> report = downloads.download_images(  # doctest: +SKIP
...     ["/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"], "posters/", kind="poster", size="w342"
... )

Each image is written to a temporary file beside its target and renamed into place when
complete, so an interrupted run never leaves a half image under a real name; a file already
there is skipped, so a rerun downloads only what is missing.  At most ``concurrency``
downloads run at once (threads, through :func:`tmdbfusion.bulk.fetch_many`).  The image host
asks for no credentials, and TMDB does not rate limit it as it does the API.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from tmdbfusion.bulk import DEFAULT_CONCURRENCY, ProgressCallback, fetch_many
from tmdbfusion.exceptions import TMDBError
from tmdbfusion.images import DEFAULT_CONFIGURATION, _ImageURLBuilder

__all__ = [
    "IMAGE_FIELDS",
    "DownloadReport",
    "ImageDownloadError",
    "ImageKind",
    "download_images",
    "image_paths",
]

ImageKind = Literal["poster", "backdrop", "profile"]
#: The field of an item that holds each kind of image's path.
IMAGE_FIELDS: dict[str, str] = {
    "poster": "poster_path",
    "backdrop": "backdrop_path",
    "profile": "profile_path",
}
_CHUNK = 64 * 1024


class ImageDownloadError(TMDBError):
    """One image could not be downloaded (the host answered an error, or the connection failed)."""


@dataclass
class DownloadReport:
    """What an image download run did.

    Attributes
    ----------
    directory : Path
        Where the images are.
    downloaded : list[str]
        File names written by this run, in input order.
    skipped : int
        Images already there, not downloaded again.
    failed : dict[str, str]
        Image paths that could not be downloaded, with the reason.
    bytes : int
        Bytes written by this run.
    """

    directory: Path
    downloaded: list[str] = field(default_factory=list)
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    bytes: int = 0

    @property
    def complete(self) -> bool:
        """True when no image failed."""
        return not self.failed


def image_paths(items: Iterable[Any], kind: str = "poster") -> Iterator[str]:
    """The image paths of one kind found in items (Structs or JSON objects), without repeats.

    Parameters
    ----------
    items : Iterable
        e.g. :meth:`tmdbfusion.datasets.Dataset.records` of a harvest, or search results.
    kind : {"poster", "backdrop", "profile"}
        Which image: reads ``poster_path``, ``backdrop_path`` or ``profile_path``.
    """
    name = _field_of(kind)
    seen: set[str] = set()
    for item in items:
        value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
        if isinstance(value, str) and value and value not in seen:
            seen.add(value)
            yield value


def _field_of(kind: str) -> str:
    if kind not in IMAGE_FIELDS:
        raise ValueError(f"kind must be one of: {', '.join(IMAGE_FIELDS)}; got {kind!r}")
    return IMAGE_FIELDS[kind]


def _file_name(path: str) -> str:
    name = path.lstrip("/")
    # A path from TMDB is one file name; anything else could write outside the directory.
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise ValueError(f"an image path is one file name like '/abc.jpg'; got {path!r}")
    return name


def _check_size(kind: str, size: str) -> None:
    _field_of(kind)
    valid = _ImageURLBuilder().sizes(kind)
    if size not in valid:
        raise ValueError(f"{size!r} is not a {kind} size; valid sizes: {', '.join(valid)}")


def _save(client: httpx.Client, url: str, target: Path) -> int:
    """Stream ``url`` into ``target`` through a temporary file; the bytes written."""
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    written = 0
    try:
        with os.fdopen(handle, "wb") as file, client.stream("GET", url) as response:
            if response.status_code != 200:
                raise ImageDownloadError(f"HTTP {response.status_code} for {url}")
            for chunk in response.iter_bytes(_CHUNK):
                written += file.write(chunk)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return written


def download_images(
    paths: Iterable[str],
    directory: str | os.PathLike[str],
    *,
    kind: str = "poster",
    size: str = "w500",
    base_url: str = DEFAULT_CONFIGURATION.secure_base_url,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = 30.0,
    http_client: httpx.Client | None = None,
    on_progress: ProgressCallback | None = None,
) -> DownloadReport:
    """Download images by their TMDB paths into ``directory``, skipping those already there.

    Parameters
    ----------
    paths : Iterable[str]
        Image paths from responses, e.g. ``"/abc.jpg"`` (see :func:`image_paths`); repeats
        are downloaded once.
    directory : str or PathLike
        Where to write them, each under its own file name; created when missing.
    kind : {"poster", "backdrop", "profile"}
        What the images are; it decides which sizes are valid.
    size : str
        A size TMDB offers for ``kind``, e.g. ``"w342"``, or ``"original"``.
    base_url : str
        The image host's prefix, ending before the size (TMDB's ``secure_base_url``).
    concurrency : int
        Most downloads at once.
    timeout : float
        Seconds allowed for connecting and for each read; 30 by default.
    http_client : httpx.Client or None
        Client to download with (not closed here); a new one by default.
    on_progress : Callable[[BulkProgress], object] or None
        Called after every image downloaded (not for skipped ones).

    Returns
    -------
    DownloadReport
        The files written, how many were skipped, and what failed.

    Raises
    ------
    ValueError
        Before any download, for a size ``kind`` does not come in or a path that is not one
        file name.
    """
    _check_size(kind, size)
    target = Path(directory)
    names = list(dict.fromkeys(_file_name(path) for path in paths))
    report = DownloadReport(target)
    todo = []
    for name in names:
        if (target / name).is_file():
            report.skipped += 1
        else:
            todo.append(name)
    if not todo:
        return report
    target.mkdir(parents=True, exist_ok=True)
    prefix = f"{base_url.rstrip('/')}/{size}/"
    client = http_client or httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
    )

    def fetch(index: int) -> int:
        name = todo[index]
        try:
            return _save(client, prefix + name, target / name)
        except httpx.HTTPError as exc:
            raise ImageDownloadError(f"{type(exc).__name__} for {prefix + name}: {exc}") from None

    try:
        results = fetch_many(
            fetch, range(len(todo)), concurrency=concurrency, on_progress=on_progress
        )
        for result in results:
            name = todo[result.id]
            if result.item is not None:
                report.downloaded.append(name)
                report.bytes += result.item
            else:
                report.failed["/" + name] = str(result.error)
    finally:
        if http_client is None:
            client.close()
    return report
