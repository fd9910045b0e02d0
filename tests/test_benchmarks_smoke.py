"""Every benchmark runs in a tiny quick mode, so the harness cannot rot between releases.

The numbers of a quick run mean nothing; these tests check that each measurement runs end to
end, compares what it claims to compare, and reports figures the table can print.  Figures that
need the bench-only packages (pydantic, datamodel-code-generator, tmdbsimple) are skipped when
those are not installed, as in the test environment.
"""

from __future__ import annotations

import math
import subprocess
import sys

import httpx
import msgspec
import pytest

from benchmarks import (
    decoding,
    import_time,
    memory,
    nginx,
    per_request,
    throughput,
    unknown_fields,
)
from benchmarks.__main__ import main
from benchmarks.handwritten import HANDWRITTEN, check_lossless
from benchmarks.payloads import OPERATIONS, load_payloads, popular_pages
from benchmarks.report import Figure, RunInfo, at_least, at_most, below, render_results
from benchmarks.timing import QUICK
from tmdbfusion._decode import decoder_for


def assert_printable(figures: list[Figure], *, judged: int) -> None:
    assert sum(figure.target is not None for figure in figures) == judged
    for figure in figures:
        # A share of CPU time can measure 0 on a busy machine (noise is clamped, never negative).
        floor_ok = figure.value >= 0 if figure.unit == "%" else figure.value > 0
        assert math.isfinite(figure.value) and floor_ok, figure
        assert figure.result in {"PASS", "FAIL", "info"}
        assert figure.measured


def test_every_payload_is_an_example_decoded_by_its_generated_model() -> None:
    payloads = load_payloads()
    assert [payload.key for payload in payloads] == [key for key, _, _ in OPERATIONS]
    for payload in payloads:
        decoded = decoder_for(payload.model).decode(payload.body)
        assert type(decoded) is payload.model
        assert payload.schema.get("type") == "object"


def test_the_hand_written_structs_keep_every_field_of_their_example() -> None:
    for payload in load_payloads():
        check_lossless(payload.key, payload.body)


def test_a_struct_missing_a_field_is_caught_by_the_lossless_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Thin(msgspec.Struct):
        id: int

    monkeypatch.setitem(HANDWRITTEN, "movie_details", Thin)
    payload = load_payloads()[0]
    with pytest.raises(AssertionError, match="do not hold every field"):
        check_lossless("movie_details", payload.body)


def test_popular_pages_hold_the_requested_number_of_distinct_movies() -> None:
    pages = popular_pages(45)
    movies = [movie for page in pages for movie in msgspec.json.decode(page)["results"]]
    assert len(movies) == 45
    assert len({movie["id"] for movie in movies}) == 45


def test_decoding_without_pydantic() -> None:
    figures = decoding.run(QUICK, with_pydantic=False)
    # json.loads and hand-written targets for each of the five payloads
    assert_printable(figures, judged=10)


def test_unknown_fields_cost_is_reported_for_every_payload() -> None:
    figures = unknown_fields.run(QUICK)
    assert len(figures) == len(OPERATIONS)
    assert_printable(figures, judged=0)
    assert all("unknown_fields='warn' / unknown_fields='ignore'" in f.name for f in figures)


def test_decoding_with_pydantic() -> None:
    pytest.importorskip("pydantic")
    pytest.importorskip("datamodel_code_generator")
    figures = decoding.run(QUICK)
    assert_printable(figures, judged=15)


needs_nginx = pytest.mark.skipif(
    nginx.nginx_binary() is None, reason="nginx is not installed (.ci/run installs it)"
)


@needs_nginx
def test_nginx_serves_the_examples_gzipped_and_counts_requests() -> None:
    bodies = nginx.Bodies(movie_details=b'{"id":550}', popular_movies=b'{"results":[]}')
    with nginx.running_nginx(bodies) as (url, stats), httpx.Client() as client:
        movie = client.get(f"{url}/3/movie/550")
        assert movie.json() == {"id": 550}
        assert movie.headers["content-encoding"] == "gzip"
        assert client.get(f"{url}/3/movie/popular").json() == {"results": []}
        assert client.get(f"{url}/3/nowhere").status_code == 404
    assert stats.requests == 3


@needs_nginx
def test_per_request_against_raw_httpx() -> None:
    figures, server = per_request.run(QUICK, with_tmdbsimple=False)
    assert_printable(figures, judged=2)
    # nginx CPU is read in clock ticks (10 ms): a quick run may show none.
    assert server.requests > 0 and server.cpu_seconds >= 0


@needs_nginx
def test_per_request_against_tmdbsimple() -> None:
    pytest.importorskip("tmdbsimple")
    figures, _server = per_request.run(QUICK)
    assert_printable(figures, judged=6)


@needs_nginx
def test_async_throughput() -> None:
    pytest.importorskip("aiohttp")
    figures, server = throughput.run(rounds=1, seconds=0.5)
    # per concurrency: httpx backend target, plus the aiohttp target at c=50 and c=200
    assert_printable(figures, judged=6)
    assert server.requests > 0


def test_import_time() -> None:
    figures = import_time.run(1)
    assert_printable(figures, judged=1)


def test_memory() -> None:
    figures = memory.run(40, 1)
    assert_printable(figures, judged=1)
    structs_over_dicts, floor, containers = (figure.value for figure in figures)
    assert containers < floor < structs_over_dicts
    assert figures[0].limit is not None and f"{floor:.2f}x" in figures[0].limit


def test_tagged_union_payloads_get_a_diagnostic_row_explaining_their_limit() -> None:
    figures = decoding.run(QUICK, with_pydantic=False)
    diagnostics = [figure for figure in figures if "moved first" in figure.name]
    assert [figure.name.split(",")[0] for figure in diagnostics] == [
        "person combined credits",
        "search multi",
    ]
    explained = [figure for figure in figures if figure.limit is not None]
    assert len(explained) == 2
    assert all("media_type" in figure.limit for figure in explained if figure.limit)


def test_targets_follow_the_issue_wording() -> None:
    assert at_most(0.35).met_by(0.35) and not at_most(0.35).met_by(0.36)
    assert at_least(0.9).met_by(0.9) and not at_least(0.9).met_by(0.89)
    assert below(1.0).met_by(0.99) and not below(1.0).met_by(1.0)
    assert str(at_most(1.15)) == "≤ 1.15x"


def test_results_page_has_the_table_the_machine_and_the_command() -> None:
    figures = [
        Figure("Import", "a / b", 1.2, at_most(1.15), "12 ms vs 10 ms"),
        Figure("Import", "first access", 4.0, None, "4 ms", unit="ms"),
    ]
    page = render_results(figures, RunInfo("nox -s bench", quick=False, seconds=90), ["note"])
    assert "| Import | a / b | 1.20x | ≤ 1.15x | FAIL | 12 ms vs 10 ms |" in page
    assert "| Import | first access | 4.0 ms | — | info | 4 ms |" in page
    assert "0 of 1 targets met" in page
    assert "## Targets missed\n\n- a / b = 1.20x (target ≤ 1.15x): no known bound" in page
    assert "Machine: " in page and "Python" in page
    assert "```bash\nnox -s bench\n```" in page


def test_the_command_line_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick", "--only", "memory"]) == 0
    printed = capsys.readouterr().out
    assert "| Memory | " in printed
    assert "targets met" in printed


def test_import_tmdbfusion_defers_asyncio_resources_and_models() -> None:
    # What keeps the import figure low: a namespace's module and the models load on first use.
    script = (
        "import sys, tmdbfusion\n"
        "def loaded():\n"
        "    return sorted(m for m in sys.modules if m == 'asyncio' or m.startswith(\n"
        "        ('tmdbfusion.models', 'tmdbfusion.resources.')))\n"
        "print(loaded())\n"
        "tmdbfusion.TMDBClient(api_key='benchmark-not-a-real-key').movies\n"
        "print(loaded())\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    after_import, after_movies = finished.stdout.splitlines()
    assert after_import == "[]"
    assert after_movies == "['tmdbfusion.models', 'tmdbfusion.resources.movies']"
