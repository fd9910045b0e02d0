"""Every generated method, sync and async, sends the right request and decodes TMDB's example.

Parametrized over the operation table the generator plans from the pinned document, so a new TMDB
operation is tested the moment it is generated.
"""

from __future__ import annotations

import asyncio
import datetime
import json
from typing import Any

import httpx
import pytest
import respx

import tmdbfusion.models as models
from codegen.heal import example_values, iter_operations, operation_key, success_media
from codegen.ir import OperationPlan, ParamPlan, Plan
from tests.contract import BOGUS_EXAMPLES
from tmdbfusion import AsyncTMDBClient, TMDBClient
from tmdbfusion._decode import decoder_for
from tmdbfusion.pagination import AsyncPage, SyncPage
from tmdbfusion.testing import sample_json

BASE = "https://api.themoviedb.org"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ0ZXN0In0.c2lnbmF0dXJl"


def _operations(plan: Plan) -> list[OperationPlan]:
    return [op for ns in plan.namespaces for op in ns.operations]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "operation" in metafunc.fixturenames:
        from codegen.pipeline import plan_document
        from codegen.spec import load_document

        operations = _operations(plan_document(load_document())[0])
        metafunc.parametrize(
            "operation", operations, ids=[f"{op.namespace}.{op.name}" for op in operations]
        )


def _sample(param: ParamPlan, body_example: dict[str, Any]) -> tuple[Any, str]:
    """A realistic argument for ``param`` and how it must appear on the wire."""
    if param.location == "body":
        value = body_example[param.json_name]
        return value, json.dumps(value)
    if param.choices:
        return param.choices[-1], param.choices[-1]
    samples: dict[str, tuple[Any, str]] = {
        "int": (550, "550"),
        "float": (7.5, "7.5"),
        "bool": (True, "true"),
        "str | datetime.date": (datetime.date(2024, 5, 17), "2024-05-17"),
    }
    if param.json_name == "page":
        return 2, "2"
    if param.annotation in samples:
        return samples[param.annotation]
    known = {"query": "Alien", "external_id": "tt0137523", "language": "en-US"}
    known |= {"region": "US", "watch_region": "DE"}
    text = known.get(param.json_name, "abc123")
    return text, text


def _call_plan(
    operation: OperationPlan, healed: dict[str, Any]
) -> tuple[list[Any], dict[str, Any], str, dict[str, str], dict[str, Any] | None]:
    body_example: dict[str, Any] = {}
    for method, path, raw in iter_operations(healed):
        if operation_key(method, path) == f"{operation.http_method} {operation.path}":
            media = raw.get("requestBody", {}).get("content", {}).get("application/json", {})
            values = example_values(media) if media else []
            body_example = values[0] if values else {}
    args, kwargs, query, body = [], {}, {}, {}
    path = operation.path
    for param in operation.params:
        value, wire = _sample(param, body_example)
        if param.location == "path":
            args.append(value)
            path = path.replace("{" + param.json_name + "}", wire)
        elif param.location == "query":
            kwargs[param.name] = value
            query[param.json_name] = wire
        else:
            kwargs[param.name] = value
            body[param.json_name] = value
    return args, kwargs, path, query, body or None


def _example(operation: OperationPlan, healed: dict[str, Any]) -> Any:
    where = f"{operation.http_method} {operation.path}"
    if where in BOGUS_EXAMPLES and not operation.paginated:
        # TMDB's example is not API output (tests/contract.py says why): a body of the type.
        return sample_json(_expected_type(operation))
    for method, path, raw in iter_operations(healed):
        if operation_key(method, path) == where:
            values = example_values(success_media(raw) or {})
            return values[0] if values else {}
    raise AssertionError("operation not in document")


def _page_example(value: Any) -> Any:
    if isinstance(value, dict) and "page" in value:
        return value
    return {"page": 1, "results": [], "total_pages": 1, "total_results": 0}


def _check_request(
    route: respx.Route, method: str, path: str, query: dict[str, str], body: Any
) -> None:
    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == method
    assert request.url.path == path
    assert dict(request.url.params) == query
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    if body is None:
        assert request.content == b""
    else:
        assert json.loads(request.content) == body


def _expected_type(operation: OperationPlan) -> Any:
    return eval(operation.cast_to, vars(models))


def test_sync_operation(operation: OperationPlan, healed_document: dict[str, Any]) -> None:
    args, kwargs, path, query, body = _call_plan(operation, healed_document)
    example = _example(operation, healed_document)
    if operation.paginated:
        example = _page_example(example)
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as mock:
        route = mock.route(method=operation.http_method, path=path).mock(
            return_value=httpx.Response(200, json=example)
        )
        with TMDBClient(TOKEN, max_retries=0) as client:
            method = getattr(getattr(client, operation.namespace), operation.name)
            result = method(*args, **kwargs)
    _check_request(route, operation.http_method, path, query, body)
    expected = _expected_type(operation)
    if operation.paginated:
        assert isinstance(result, SyncPage)
        assert isinstance(result.data, expected)
        assert result.page == example["page"]
        assert len(result.results) == len(example["results"])
    else:
        assert result == decoder_for(expected).decode(json.dumps(example).encode())


def test_async_operation(operation: OperationPlan, healed_document: dict[str, Any]) -> None:
    args, kwargs, path, query, body = _call_plan(operation, healed_document)
    example = _example(operation, healed_document)
    if operation.paginated:
        example = _page_example(example)

    async def run() -> Any:
        async with AsyncTMDBClient(TOKEN, max_retries=0, http_backend="httpx") as client:
            method = getattr(getattr(client, operation.namespace), operation.name)
            return await method(*args, **kwargs)

    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as mock:
        route = mock.route(method=operation.http_method, path=path).mock(
            return_value=httpx.Response(200, json=example)
        )
        result = asyncio.run(run())
    _check_request(route, operation.http_method, path, query, body)
    expected = _expected_type(operation)
    if operation.paginated:
        assert isinstance(result, AsyncPage)
        assert isinstance(result.data, expected)
    else:
        assert result == decoder_for(expected).decode(json.dumps(example).encode())


def test_operation_table_covers_the_document(pinned_plan: Plan) -> None:
    operations = _operations(pinned_plan)
    assert len(operations) == 152
    names = {f"{op.namespace}.{op.name}" for op in operations}
    for required in (
        "movies.details",
        "movies.popular",
        "movies.now_playing",
        "movies.latest",
        "tv.details",
        "tv_seasons.details",
        "tv_episodes.details",
        "search.movie",
        "search.multi",
        "discover.movie",
        "trending.all",
        "trending.movies",
        "find.by_id",
        "networks.images",
        "configuration.details",
        "authentication.validate_key",
        "account.add_favorite",
        "movies.add_rating",
        "lists.create",
        "authentication.create_session",
    ):
        assert required in names
    assert not any(p.json_name == "RAW_BODY" for op in operations for p in op.params)
