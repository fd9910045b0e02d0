"""What ``unknown_fields="warn"`` costs over the default ``"ignore"``, decoding through the flow.

Both variants run the SDK's sans-IO request flow on the same response (no network), so the ratio
is the check alone: ``"ignore"`` tests one attribute, ``"warn"`` also decodes the body to plain
values and walks it against the model (its warnings fire once per client, so the timed calls only
walk).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import httpx

from benchmarks.payloads import Payload, load_payloads
from benchmarks.report import Figure, compare
from benchmarks.timing import Effort, interleaved
from tmdbfusion._actions import Send
from tmdbfusion._config import ClientConfig, make_config
from tmdbfusion._flow import request_flow
from tmdbfusion._request import prepare_request

__all__ = ["flow_decode", "run"]

SECTION = "Unknown fields"
IGNORE = "unknown_fields='ignore'"
WARN = "unknown_fields='warn'"
_BASE_URL = "https://api.themoviedb.org"


def _config(unknown_fields: str) -> ClientConfig:
    return make_config(
        None,
        api_key="benchmark-not-a-real-key",
        access_token=None,
        base_url=_BASE_URL,
        language=None,
        region=None,
        timeout=30.0,
        max_retries=0,
        environ={},
        unknown_fields=unknown_fields,
    )


def flow_decode(config: ClientConfig, payload: Payload) -> Callable[[], Any]:
    """A no-argument call that runs one request's flow, answered with the payload's body."""
    # The path only labels the request: the flow decodes whatever body answers it.
    prepared = prepare_request(config, "GET", "/3/movie/550")
    response = httpx.Response(200, content=payload.body, request=prepared.request)
    response.read()

    def call() -> Any:
        flow = request_flow(config, prepared, payload.model)
        reply: Any = None
        try:
            while True:
                action = flow.send(reply)
                reply = response if isinstance(action, Send) else None
        except StopIteration as finished:
            return finished.value

    return call


def run(effort: Effort) -> list[Figure]:
    """One figure per payload: warn's time over ignore's."""
    figures = []
    for payload in load_payloads():
        ignoring = flow_decode(_config("ignore"), payload)
        warning = flow_decode(_config("warn"), payload)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warning()  # the once-per-client warnings, outside the timing
        samples = interleaved({IGNORE: ignoring, WARN: warning}, effort)
        figures.append(
            compare(
                SECTION,
                f"{payload.label}: {WARN} / {IGNORE}",
                samples,
                WARN,
                IGNORE,
                None,
            )
        )
    return figures
