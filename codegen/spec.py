"""Locate, verify and load TMDB's OpenAPI document.

The project never contains the document itself, only its pin (``openapi/pin.json``): the upstream
URL, the sha256 of the exact bytes and the capture date. The document is found, in order, at an
explicit path, in the directory named by ``TMDBFUSION_OPENAPI_DIR``, or in the git-ignored cache
that ``python -m codegen fetch`` fills.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PIN_FILE = ROOT / "openapi" / "pin.json"
CACHE_DIR = ROOT / ".cache" / "openapi"
SPEC_DIR_ENV = "TMDBFUSION_OPENAPI_DIR"
SPEC_FILE_ENV = "TMDBFUSION_OPENAPI_SPEC"


class SpecError(Exception):
    """The document could not be found, fetched, verified or parsed."""


@dataclass(frozen=True)
class Pin:
    """Which upstream document the project generates from."""

    url: str
    sha256: str
    captured: str
    filename: str

    def to_json(self) -> str:
        """Serialize the pin as the stable JSON text stored in ``openapi/pin.json``."""
        data = {
            "url": self.url,
            "sha256": self.sha256,
            "captured": self.captured,
            "filename": self.filename,
        }
        return json.dumps(data, indent=2) + "\n"


def read_pin(pin_file: Path = PIN_FILE) -> Pin:
    """Read the pin file."""
    data = json.loads(pin_file.read_text(encoding="utf-8"))
    return Pin(
        url=data["url"], sha256=data["sha256"], captured=data["captured"], filename=data["filename"]
    )


def sha256_hex(data: bytes) -> str:
    """Return the hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def cache_path(pin: Pin) -> Path:
    """Where ``fetch`` stores the pinned document."""
    return CACHE_DIR / f"tmdb-api-{pin.sha256[:16]}.json"


def _candidates(pin: Pin) -> list[Path]:
    found: list[Path] = []
    explicit_file = os.environ.get(SPEC_FILE_ENV)
    if explicit_file:
        found.append(Path(explicit_file))
    spec_dir = os.environ.get(SPEC_DIR_ENV)
    if spec_dir:
        found.append(Path(spec_dir) / pin.filename)
    found.append(cache_path(pin))
    # A checkout next to the team's shared folder works with no configuration at all.
    found.append(ROOT.parent / "shared" / "openapi" / pin.filename)
    return found


def locate_pinned(pin: Pin | None = None) -> Path:
    """Find the pinned document on disk, or explain how to provide it."""
    pin = pin or read_pin()
    candidates = _candidates(pin)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise SpecError(
        f"The pinned TMDB OpenAPI document was not found (tried: {tried}). Set {SPEC_DIR_ENV} to "
        f"the folder holding {pin.filename}, pass --spec PATH, or run `python -m codegen fetch`."
    )


def read_bytes(source: str | Path, *, timeout: float = 60.0) -> bytes:
    """Read a document from a local path or an http(s) URL."""
    text = str(source)
    if text.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(text, timeout=timeout) as response:
                body: bytes = response.read()
                return body
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SpecError(f"Could not download {text}: {exc}") from exc
    path = Path(text)
    if not path.is_file():
        raise SpecError(f"No such file: {path}")
    return path.read_bytes()


def parse_document(data: bytes, *, source: str) -> dict[str, Any]:
    """Parse bytes as an OpenAPI 3 document, with one clear error when they are not one."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError(f"{source} is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise SpecError(f"{source} is not an OpenAPI document: top level is not an object")
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise SpecError(f"{source} is not an OpenAPI 3 document (openapi: {version!r})")
    if not isinstance(document.get("paths"), dict):
        raise SpecError(f"{source} is not an OpenAPI document: it has no 'paths' object")
    return document


def verify(data: bytes, expected_sha256: str, *, source: str) -> None:
    """Raise SpecError when ``data`` does not hash to the pinned sha256."""
    actual = sha256_hex(data)
    if actual != expected_sha256:
        raise SpecError(
            f"sha256 mismatch for {source}: expected {expected_sha256} (the pin), got {actual}. "
            "The upstream document changed: run `python -m codegen drift` to see how, and "
            "`python -m codegen update --spec ...` to re-pin."
        )


def load_document(path: str | Path | None = None, *, check_pin: bool = True) -> dict[str, Any]:
    """Load the document at ``path`` (default: the pinned one), verifying the pin when asked."""
    pin = read_pin()
    source = path if path is not None else locate_pinned(pin)
    data = read_bytes(source)
    if check_pin and path is None:
        verify(data, pin.sha256, source=str(source))
    return parse_document(data, source=str(source))


def write_pin(pin: Pin, pin_file: Path = PIN_FILE) -> None:
    """Write the pin file (``python -m codegen update`` does, after checking the document)."""
    pin_file.write_text(pin.to_json(), encoding="utf-8")


def store_in_cache(pin: Pin, data: bytes, *, source: str = "the document to cache") -> Path:
    """Keep the pinned document's bytes where ``locate_pinned`` looks for them (verified first)."""
    verify(data, pin.sha256, source=source)
    target = cache_path(pin)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def fetch(pin: Pin | None = None, *, url: str | None = None) -> Path:
    """Download the pinned document into the cache, verifying its sha256.

    A verified copy already in the cache is kept and nothing is downloaded (unless ``url`` is
    given): CI restores the cache, so it still builds after TMDB has changed the live document.
    """
    pin = pin or read_pin()
    cached = cache_path(pin)
    if url is None and cached.is_file() and sha256_hex(cached.read_bytes()) == pin.sha256:
        return cached
    source = url or pin.url
    return store_in_cache(pin, read_bytes(source), source=source)
