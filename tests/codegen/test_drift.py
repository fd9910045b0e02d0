"""``python -m codegen drift``: the real 2025-10 -> 2026-05 changes, mutations, the CLI."""

from __future__ import annotations

import copy
import http.server
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from codegen import spec
from codegen.__main__ import main
from codegen.drift import compare_documents, read_document
from codegen.drift_raw import DOCUMENT
from codegen.drift_render import render_json, render_markdown, render_text
from codegen.drift_report import BREAKING, NON_BREAKING, Absorbed, Change, DriftReport, Source
from codegen.heal import operation_key
from codegen.overrides import Overrides, parse_overrides
from codegen.spec import SpecError, locate_pinned

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
OLDER_SNAPSHOT = "tmdb-api-v3.2025-10.json"


# --- the real documents ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pinned_path() -> Path:
    return locate_pinned()


@pytest.fixture(scope="module")
def older_path(pinned_path: Path) -> Path:
    older = pinned_path.parent / OLDER_SNAPSHOT
    assert older.is_file(), f"the older snapshot {older} is needed beside the pinned one"
    return older


@pytest.fixture(scope="module")
def real_report(older_path: Path, pinned_path: Path) -> DriftReport:
    base, base_source, _ = read_document(older_path)
    upstream, upstream_source, _ = read_document(pinned_path)
    # The documents' own drift: the committed real-response evidence heals both snapshots alike
    # and would hide what TMDB changed in its document (see the test with evidence below).
    return compare_documents(
        base, upstream, base_source=base_source, upstream_source=upstream_source, observations={}
    )


def test_real_drift_with_the_committed_evidence(older_path: Path, pinned_path: Path) -> None:
    """With evidence, fields the old document lacked but the API sent are no news to users."""
    base, base_source, _ = read_document(older_path)
    upstream, upstream_source, _ = read_document(pinned_path)
    report = compare_documents(
        base, upstream, base_source=base_source, upstream_source=upstream_source
    )
    changes = {(model.name, c.name, c.kind) for model in report.models for c in model.changes} | {
        (op.key, c.name, c.kind) for op in report.operations for c in op.changes
    }
    assert ("GET /3/find/{external_id}", "external_source", "values removed") in changes
    # The recordings show belongs_to_collection as an object in both snapshots' era.
    assert ("MovieDetails", "belongs_to_collection", "retyped") not in changes


def _operation_changes(report: DriftReport, key: str) -> list[Change]:
    found = [op for op in report.operations if op.key == key]
    assert len(found) == 1, f"{key} should be reported once: {[op.key for op in report.operations]}"
    return found[0].changes


def _model_changes(report: DriftReport, name: str) -> list[Change]:
    found = [model for model in report.models if model.name == name]
    assert len(found) == 1, f"{name} should be reported once: {[m.name for m in report.models]}"
    return found[0].changes


def _absorbed_paths(report: DriftReport, where: str) -> list[str]:
    found = [item for item in report.absorbed if item.where == where]
    assert len(found) == 1, f"{where} should be absorbed: {[a.where for a in report.absorbed]}"
    return _descriptions(found[0])


def test_real_drift_finds_exactly_the_sdk_changes(real_report: DriftReport) -> None:
    """Every SDK change between the snapshots, classified; nothing else."""
    found = {
        (op.key, c.impact, c.subject, c.name, c.kind)
        for op in real_report.operations
        for c in op.changes
    } | {
        (model.name, c.impact, c.subject, c.name, c.kind)
        for model in real_report.models
        for c in model.changes
    }
    find, credit, query = (
        "GET /3/find/{external_id}",
        "GET /3/credit/{credit_id}",
        "query parameter",
    )
    assert found == {
        (find, BREAKING, query, "external_source", "values removed"),
        (find, NON_BREAKING, query, "language", "TMDB's default changed"),
        (credit, NON_BREAKING, query, "language", "added, optional"),
        ("MovieDetails", BREAKING, "field", "belongs_to_collection", "retyped"),
        ("MovieDetails", NON_BREAKING, "field", "origin_country", "added"),
        ("BelongsToCollection", NON_BREAKING, "model", "", "added"),
    }
    counts = real_report.counts()
    assert (counts[BREAKING], counts[NON_BREAKING], counts["operations"], counts["models"]) == (
        2,
        4,
        2,
        2,
    )


def test_real_new_query_parameter(real_report: DriftReport) -> None:
    (change,) = _operation_changes(real_report, "GET /3/credit/{credit_id}")
    assert change == Change(
        NON_BREAKING, "query parameter", "language", "added, optional", None, "str"
    )
    credits = next(op for op in real_report.operations if op.key == "GET /3/credit/{credit_id}")
    assert credits.method == "credits.details"


def test_real_removed_enum_value_and_changed_default(real_report: DriftReport) -> None:
    changes = _operation_changes(real_report, "GET /3/find/{external_id}")
    removed = next(c for c in changes if c.name == "external_source")
    assert (removed.impact, removed.kind, removed.before) == (BREAKING, "values removed", "''")
    default = next(c for c in changes if c.name == "language")
    assert (default.impact, default.before, default.after) == (NON_BREAKING, "null", '"en-US"')


def test_real_schema_from_empty_to_object(real_report: DriftReport) -> None:
    """``belongs_to_collection`` was ``{}`` (null in the example), now a documented object."""
    changes = {c.name: c for c in _model_changes(real_report, "MovieDetails")}
    retyped = changes["belongs_to_collection"]
    assert (retyped.impact, retyped.before, retyped.after) == (
        BREAKING,
        "Any | None",
        "BelongsToCollection | None",
    )
    assert (changes["origin_country"].impact, changes["origin_country"].after) == (
        NON_BREAKING,
        "list[str]",
    )
    (added,) = _model_changes(real_report, "BelongsToCollection")
    assert added.after == "fields: id, name, poster_path, backdrop_path"
    details = next(m for m in real_report.models if m.name == "MovieDetails")
    assert "movies.details" in details.used_by
    assert "GET /3/movie/{movie_id}" in details.operations


def _descriptions(item: Absorbed) -> list[str]:
    return [d.describe() for d in item.by_healing]


def test_real_changes_the_healing_absorbs(real_report: DriftReport, pinned_path: Path) -> None:
    # TMDB added `default: null` to every account_id: healing drops null defaults.
    document, _, _ = read_document(pinned_path)
    with_account_id = {
        operation_key(method, path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if any(p["name"] == "account_id" for p in operation.get("parameters", []))
    }
    default_added = "parameters/account_id (path)/schema/default added"
    absorbed_default = {
        item.where for item in real_report.absorbed if default_added in _descriptions(item)
    }
    assert absorbed_default == with_account_id and len(with_account_id) == 11
    assert _absorbed_paths(real_report, "GET /3/account/{account_id}") == [default_added]
    # Response defaults changed (true -> "false"): healing strips defaults from responses.
    assert _absorbed_paths(real_report, "GET /3/movie/{movie_id}") == [
        "responses/200/application/json/schema.adult/default changed",
        "responses/200/application/json/schema.video/default changed",
    ]
    # search/multi now documents fields the examples already showed on TV results.
    assert _absorbed_paths(real_report, "GET /3/search/multi") == [
        "responses/200/application/json/schema.results[].name added",
        "responses/200/application/json/schema.results[].original_name added",
    ]
    # New countries in a country-keyed object: one map type either way.
    providers = _absorbed_paths(
        real_report, "GET /3/tv/{series_id}/season/{season_number}/watch/providers"
    )
    assert "responses/200/application/json/schema.results.AD added" in providers
    assert all(not a.without_effect for a in real_report.absorbed)


def test_real_rewritten_examples_are_documentation(real_report: DriftReport) -> None:
    paths = {(d.where, d.path, d.kind) for d in real_report.documentation}
    assert (
        "GET /3/movie/{movie_id}",
        "responses/200/application/json/examples/OK",
        "added",
    ) in paths
    assert (
        "GET /3/movie/{movie_id}",
        "responses/200/application/json/schema.title/example",
        "changed",
    ) in paths
    assert all(d.documentation for d in real_report.documentation)
    assert len(real_report.documentation) > 100  # TMDB rewrote the movie and providers examples


def test_reports_put_breaking_changes_first(real_report: DriftReport) -> None:
    markdown = render_markdown(real_report)
    breaking, non_breaking = markdown.index("## Breaking"), markdown.index("## Non-breaking")
    assert breaking < markdown.index("values removed: `''`") < non_breaking
    assert markdown.index("`origin_country` added") > non_breaking
    assert "### `GET /3/credit/{credit_id}` -> `credits.details`" in markdown
    assert "### model `MovieDetails` (used by `movies.details`, `movies.latest`)" in markdown
    assert "## Absorbed by the generator" in markdown
    # Documentation changes: counted, listed only on request.
    assert "schema.title/example" not in markdown
    assert "schema.title/example" in render_markdown(real_report, show_documentation=True)
    text = render_text(real_report)
    assert "`" not in text
    assert "schema.title/example" not in text
    assert "schema.title/example changed" in render_text(real_report, show_documentation=True)
    assert text.index("BREAKING: GET /3/find/{external_id} -> find.by_id") < text.index(
        "NON-BREAKING:"
    )
    data = json.loads(render_json(real_report))
    assert data["changed"] is True
    assert data["counts"][BREAKING] == 2
    assert "documentation" not in data
    listed = json.loads(render_json(real_report, show_documentation=True))["documentation"]
    assert len(listed) == len(real_report.documentation)


def test_a_document_compared_with_itself(pinned_path: Path) -> None:
    document, source, _ = read_document(pinned_path)
    report = compare_documents(
        document, copy.deepcopy(document), base_source=source, upstream_source=source
    )
    assert not report.changed
    assert report.groups() == [] and report.absorbed == [] and report.documentation == []
    assert report.summary().startswith("No change")


# --- synthetic mutations of the golden document --------------------------------------------------


def _golden_overrides() -> Overrides:
    return parse_overrides(yaml.safe_load((GOLDEN / "overrides.yaml").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((GOLDEN / "document.json").read_text(encoding="utf-8"))
    return document


def _drift(base: dict[str, Any], mutate: Callable[[dict[str, Any]], None]) -> DriftReport:
    upstream = copy.deepcopy(base)
    mutate(upstream)
    return compare_documents(
        base,
        upstream,
        base_source=Source("base", "a" * 64),
        upstream_source=Source("upstream", "b" * 64),
        overrides=_golden_overrides,
        observations={},  # the golden document's mutations alone, no real-response evidence
    )


def _operation(document: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][path][method]
    return operation


def _edit_example(document: dict[str, Any], path: str, edit: Callable[[Any], None]) -> None:
    """Change the (JSON-text) response example the way TMDB would."""
    example = _operation(document, path)["responses"]["200"]["content"]["application/json"]
    entry = example["examples"]["Result"]
    value = json.loads(entry["value"])
    edit(value)
    entry["value"] = json.dumps(value, indent=2)


def _details_schema(document: dict[str, Any]) -> dict[str, Any]:
    media = _operation(document, "/3/movie/{movie_id}")["responses"]["200"]["content"]
    schema: dict[str, Any] = media["application/json"]["schema"]
    return schema


def _summary(report: DriftReport) -> set[tuple[str, str, str, str]]:
    return {(c.impact, c.subject, c.name, c.kind) for c in report.changes()}


def test_removed_operation_is_breaking(golden: dict[str, Any]) -> None:
    report = _drift(golden, lambda d: d["paths"].pop("/3/search/movie"))
    changes = _operation_changes(report, "GET /3/search/movie")
    assert changes == [Change(BREAKING, "operation", "", "removed")]
    assert next(op.method for op in report.operations if op.key == "GET /3/search/movie") == (
        "search.movie"
    )


def test_new_operation_is_not_breaking(golden: dict[str, Any]) -> None:
    def add_top_rated(document: dict[str, Any]) -> None:
        document["paths"]["/3/movie/top_rated"] = copy.deepcopy(
            document["paths"]["/3/movie/popular"]
        )

    report = _drift(golden, add_top_rated)
    (change,) = _operation_changes(report, "GET /3/movie/top_rated")
    assert (change.impact, change.kind) == (NON_BREAKING, "added")
    assert report.changes(BREAKING) == []


def test_renamed_field_is_breaking(golden: dict[str, Any]) -> None:
    def rename(document: dict[str, Any]) -> None:
        properties = _details_schema(document)["properties"]
        properties["name"] = properties.pop("title")
        _edit_example(document, "/3/movie/{movie_id}", lambda v: v.update(name=v.pop("title")))

    report = _drift(golden, rename)
    assert _summary(report) == {
        (BREAKING, "field", "title", "removed"),
        (NON_BREAKING, "field", "name", "added"),
    }
    model = report.models[0]
    assert (model.name, model.used_by) == ("MovieDetails", ["movies.details"])


def test_field_type_change_is_breaking(golden: dict[str, Any]) -> None:
    def retype(document: dict[str, Any]) -> None:
        _details_schema(document)["properties"]["budget"] = {"type": "string"}
        _edit_example(document, "/3/movie/{movie_id}", lambda v: v.update(budget="63000000"))

    report = _drift(golden, retype)
    (change,) = report.changes()
    assert (change.impact, change.name, change.kind) == (BREAKING, "budget", "retyped")
    assert (change.before, change.after) == ("int | None", "str | None")


def test_field_that_became_nullable_is_breaking(golden: dict[str, Any]) -> None:
    report = _drift(
        golden, lambda d: _edit_example(d, "/3/movie/{movie_id}", lambda v: v.update(genres=None))
    )
    (change,) = report.changes()
    assert (change.impact, change.name, change.kind) == (BREAKING, "genres", "became nullable")
    assert (change.before, change.after) == ("list[Genre]", "list[Genre] | None")


def test_new_enum_value_is_not_breaking(golden: dict[str, Any]) -> None:
    def add_value(document: dict[str, Any]) -> None:
        source = _operation(document, "/3/find/{external_id}")["parameters"][1]
        source["schema"]["enum"].append("letterboxd_id")

    report = _drift(golden, add_value)
    (change,) = report.changes()
    assert change == Change(
        NON_BREAKING, "query parameter", "external_source", "values added", None, "'letterboxd_id'"
    )


def test_new_required_parameter_is_breaking(golden: dict[str, Any]) -> None:
    def require_region(document: dict[str, Any]) -> None:
        parameters = _operation(document, "/3/movie/popular")["parameters"]
        parameters.append(
            {
                "name": "certification_country",
                "in": "query",
                "required": True,
                "schema": {"type": "string"},
            }
        )
        next(p for p in parameters if p["name"] == "region")["required"] = True

    report = _drift(golden, require_region)
    assert _summary(report) == {
        (BREAKING, "query parameter", "certification_country", "added, required"),
        (BREAKING, "query parameter", "region", "became required"),
    }


def test_parameter_changes_are_classified(golden: dict[str, Any]) -> None:
    def change_parameters(document: dict[str, Any]) -> None:
        search = _operation(document, "/3/search/movie")["parameters"]
        search.append({"name": "region", "in": "query", "schema": {"type": "string"}})
        search[:] = [p for p in search if p["name"] != "year"]
        next(p for p in search if p["name"] == "page")["schema"]["type"] = "string"
        next(p for p in search if p["name"] == "query")["required"] = False
        find = _operation(document, "/3/find/{external_id}")["parameters"][1]
        del find["schema"]["enum"]  # any string now

    report = _drift(golden, change_parameters)
    assert _summary(report) == {
        (NON_BREAKING, "query parameter", "region", "added, optional"),
        (BREAKING, "query parameter", "year", "removed"),
        (BREAKING, "query parameter", "page", "retyped"),
        (NON_BREAKING, "query parameter", "query", "became optional"),
        (NON_BREAKING, "query parameter", "external_source", "widened"),
    }


def test_request_body_fields(golden: dict[str, Any]) -> None:
    def body(document: dict[str, Any]) -> None:
        media = _operation(document, "/3/movie/{movie_id}/rating", "post")["requestBody"]
        example = media["content"]["application/json"]["examples"]["Request Example"]
        example["value"] = json.dumps({"value": 8.5, "comment": "Held up"})

    report = _drift(golden, body)
    assert _summary(report) == {(BREAKING, "body field", "comment", "added, required")}


def test_example_only_change_is_documentation(golden: dict[str, Any]) -> None:
    def rewrite(document: dict[str, Any]) -> None:
        _details_schema(document)["properties"]["title"]["example"] = "Se7en"
        _operation(document, "/3/movie/{movie_id}")["summary"] = "Movie details"
        _edit_example(document, "/3/movie/{movie_id}", lambda v: v.update(title="Se7en", id=807))

    report = _drift(golden, rewrite)
    assert report.changed and report.groups() == [] and report.absorbed == []
    assert sorted(d.path for d in report.documentation) == [
        "responses/200/application/json/examples/Result/value",
        "responses/200/application/json/schema.title/example",
        "summary",
    ]
    assert "3 changes to descriptions, summaries or examples only" in report.summary()


def test_a_field_named_description_is_not_documentation(golden: dict[str, Any]) -> None:
    def add_description(document: dict[str, Any]) -> None:
        _details_schema(document)["properties"]["description"] = {"type": "string"}

    report = _drift(golden, add_description)
    assert _summary(report) == {(NON_BREAKING, "field", "description", "added")}
    assert report.documentation == []


def test_absorbed_changes_are_reported(golden: dict[str, Any]) -> None:
    def absorbed(document: dict[str, Any]) -> None:
        details = _operation(document, "/3/movie/{movie_id}")
        details["parameters"][0]["schema"]["default"] = None  # healing drops null defaults
        document["servers"] = [{"url": "https://api.themoviedb.org"}]  # the generator ignores it

    report = _drift(golden, absorbed)
    assert report.groups() == []
    by_where = {item.where: item for item in report.absorbed}
    assert [d.path for d in by_where["GET /3/movie/{movie_id}"].by_healing] == [
        "parameters/movie_id (path)/schema/default"
    ]
    assert [d.path for d in by_where[DOCUMENT].without_effect] == ["servers"]
    assert "healing absorbs 1 difference" in render_markdown(report)


def test_removed_model_and_union_member(golden: dict[str, Any]) -> None:
    def drop_tv(document: dict[str, Any]) -> None:
        _edit_example(
            document,
            "/3/search/multi",
            lambda v: v.update(results=[r for r in v["results"] if r["media_type"] != "tv"]),
        )

    report = _drift(golden, drop_tv)
    kinds = {(m.name, c.impact, c.subject, c.kind) for m in report.models for c in m.changes}
    assert ("TvSeriesResult", BREAKING, "model", "removed") in kinds
    assert any(impact == BREAKING and subject == "union" for _, impact, subject, _ in kinds)


# --- the command line ----------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, bytes]]] = {}

    def do_GET(self) -> None:
        status, body = self.routes.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(older_path: Path, pinned_path: Path) -> Iterator[str]:
    """A local HTTP server standing in for TMDB (the tests never touch the internet)."""
    _Handler.routes = {
        "/older.json": (200, older_path.read_bytes()),
        "/pinned.json": (200, pinned_path.read_bytes()),
        "/maintenance.html": (200, b"<html>Down for maintenance</html>"),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_cli_reports_changes_from_a_url(
    server: str, older_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "upstream" / "tmdb-api-v3.2026-05.json"
    status = main(
        [
            "drift",
            "--base",
            str(older_path),
            "--upstream",
            f"{server}/pinned.json",
            "--format",
            "json",
            "--show-docs-changes",
            "--save-upstream",
            str(saved),
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert status == 1
    assert data["counts"][BREAKING] == 1  # with the evidence: only find.by_id's removed value
    assert len(data["documentation"]) == data["counts"]["documentation"] > 0
    assert data["upstream"]["label"] == f"{server}/pinned.json"
    assert saved.read_bytes() == locate_pinned().read_bytes()


def test_cli_defaults_to_the_pin_and_exits_0_without_change(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "report.md"
    status = main(["drift", "--upstream", f"{server}/pinned.json", "--format", "markdown",
                   "--output", str(output)])  # fmt: skip
    assert status == 0
    assert capsys.readouterr().out.startswith("No change")
    assert output.read_text(encoding="utf-8").startswith("No change")


@pytest.mark.parametrize(
    ("upstream", "message"),
    [
        ("{server}/maintenance.html", "is not JSON"),
        ("{server}/gone.json", "HTTP Error 404"),
        ("http://127.0.0.1:{closed}/tmdb-api.json", "Could not download"),
        ("{tmp}/swagger.json", "is not an OpenAPI 3 document"),
        ("{tmp}/missing.json", "No such file"),
    ],
)
def test_cli_errors_are_one_line(
    upstream: str,
    message: str,
    server: str,
    older_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "swagger.json").write_text('{"swagger": "2.0", "paths": {}}', encoding="utf-8")
    source = upstream.format(server=server, closed=_closed_port(), tmp=tmp_path)
    status = main(["drift", "--base", str(older_path), "--upstream", source])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("error: ")
    assert message in captured.err


def test_cli_base_that_does_not_match_the_pin(
    older_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(spec.SPEC_FILE_ENV, str(older_path))  # "the pinned document" is another one
    assert main(["drift", "--upstream", str(older_path)]) == 2
    assert "sha256 mismatch" in capsys.readouterr().err


def test_cli_error_in_a_real_process_has_no_traceback(older_path: Path, tmp_path: Path) -> None:
    not_json = tmp_path / "tmdb-api.json"
    not_json.write_text("<html>502 Bad Gateway</html>", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "drift", "--base", str(older_path), "--upstream",
         str(not_json)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )  # fmt: skip
    lines = result.stderr.splitlines()
    assert result.returncode == 2
    assert len(lines) == 1 and lines[0].startswith(f"error: {not_json} is not JSON: "), lines


def test_an_unplannable_document_is_a_clear_error(golden: dict[str, Any]) -> None:
    def unknown_area(document: dict[str, Any]) -> None:
        document["paths"]["/3/podcast/{podcast_id}"] = copy.deepcopy(
            document["paths"]["/3/movie/{movie_id}"]
        )

    with pytest.raises(SpecError, match=r"cannot plan upstream \(NamingError: no namespace"):
        _drift(golden, unknown_area)
