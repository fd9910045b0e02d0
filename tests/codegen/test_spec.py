"""Finding, verifying and parsing the document."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from codegen import spec
from codegen.spec import (
    Pin,
    SpecError,
    load_document,
    locate_pinned,
    parse_document,
    read_bytes,
    read_pin,
    verify,
)

DOCUMENT = {"openapi": "3.1.0", "info": {"title": "t", "version": "3"}, "paths": {}}
DOCUMENT_BYTES = json.dumps(DOCUMENT).encode()


def _pin(filename: str = "tmdb-api-v3.test.json") -> Pin:
    return Pin(
        url="https://example.invalid/tmdb-api.json",
        sha256=hashlib.sha256(DOCUMENT_BYTES).hexdigest(),
        captured="2026-01",
        filename=filename,
    )


@pytest.fixture(autouse=True)
def _no_spec_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(spec.SPEC_DIR_ENV, raising=False)
    monkeypatch.delenv(spec.SPEC_FILE_ENV, raising=False)


# --- verify ----------------------------------------------------------------------------------


def test_verify_accepts_the_pinned_bytes() -> None:
    verify(DOCUMENT_BYTES, _pin().sha256, source="doc.json")


def test_verify_rejects_other_bytes() -> None:
    with pytest.raises(SpecError, match=r"sha256 mismatch for doc\.json") as caught:
        verify(DOCUMENT_BYTES + b" ", _pin().sha256, source="doc.json")
    assert _pin().sha256 in str(caught.value)


# --- parse_document --------------------------------------------------------------------------


def test_parse_document_accepts_openapi_3() -> None:
    assert parse_document(DOCUMENT_BYTES, source="doc.json") == DOCUMENT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html>Service Unavailable</html>", "is not JSON"),
        (b"\xff\xfe\x00", "is not JSON"),
        (b"[1, 2]", "top level is not an object"),
        (b'"openapi"', "top level is not an object"),
        (b'{"swagger": "2.0", "paths": {}}', "not an OpenAPI 3 document"),
        (b'{"openapi": 3.1, "paths": {}}', "not an OpenAPI 3 document"),
        (b'{"paths": {}}', "not an OpenAPI 3 document"),
        (b'{"openapi": "3.1.0"}', "no 'paths' object"),
        (b'{"openapi": "3.1.0", "paths": []}', "no 'paths' object"),
    ],
)
def test_parse_document_rejects(data: bytes, message: str) -> None:
    with pytest.raises(SpecError, match=message) as caught:
        parse_document(data, source="doc.json")
    assert str(caught.value).startswith("doc.json ")


# --- reading and locating --------------------------------------------------------------------


def test_read_bytes_reads_a_local_file(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(DOCUMENT_BYTES)
    assert read_bytes(path) == DOCUMENT_BYTES
    assert read_bytes(str(path)) == DOCUMENT_BYTES


def test_read_bytes_on_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="No such file"):
        read_bytes(tmp_path / "missing.json")
    with pytest.raises(SpecError, match="No such file"):
        read_bytes(tmp_path)  # a directory is not a document


def test_locate_pinned_honours_the_directory_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin = _pin()
    (tmp_path / pin.filename).write_bytes(DOCUMENT_BYTES)
    (tmp_path / "tmdb-api-v3.other.json").write_bytes(DOCUMENT_BYTES)
    monkeypatch.setenv(spec.SPEC_DIR_ENV, str(tmp_path))
    assert locate_pinned(pin) == tmp_path / pin.filename


def test_locate_pinned_prefers_the_explicit_file_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin = _pin()
    (tmp_path / pin.filename).write_bytes(DOCUMENT_BYTES)
    explicit = tmp_path / "elsewhere.json"
    explicit.write_bytes(DOCUMENT_BYTES)
    monkeypatch.setenv(spec.SPEC_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(spec.SPEC_FILE_ENV, str(explicit))
    assert locate_pinned(pin) == explicit


def test_locate_pinned_explains_what_it_tried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin = _pin(filename="tmdb-api-v3.nowhere-to-be-found.json")
    monkeypatch.setenv(spec.SPEC_DIR_ENV, str(tmp_path))
    with pytest.raises(SpecError, match=spec.SPEC_DIR_ENV) as caught:
        locate_pinned(pin)
    assert str(tmp_path / pin.filename) in str(caught.value)


def test_pin_round_trips_through_its_file(tmp_path: Path) -> None:
    pin = _pin()
    path = tmp_path / "pin.json"
    path.write_text(pin.to_json(), encoding="utf-8")
    assert read_pin(path) == pin
    assert pin.to_json().endswith("}\n")


def test_the_committed_pin_is_well_formed() -> None:
    pin = read_pin()
    assert len(pin.sha256) == 64
    assert pin.filename.endswith(".json")
    assert pin.url.startswith("https://")


def test_load_document_from_an_explicit_path_skips_the_pin(tmp_path: Path) -> None:
    path = tmp_path / "any-name.json"
    path.write_bytes(DOCUMENT_BYTES)  # not the pinned bytes, and that is fine for --spec
    assert load_document(path) == DOCUMENT
