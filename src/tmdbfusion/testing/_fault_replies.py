"""How an injected fault changes the fake TMDB's reply: replaced, altered, or cut off."""

from __future__ import annotations

import email.utils
from typing import Any

import msgspec

from tmdbfusion.testing._faults import Fault
from tmdbfusion.testing._responses import tmdb_error
from tmdbfusion.testing._wire import Reply, json_reply

__all__ = [
    "CONNECTION_FAULTS",
    "REPLACING_FAULTS",
    "TRANSFORMING_FAULTS",
    "fault_reply",
    "transform",
]

# Faults that break the connection (the answer is sent late, partly or not at all); faults whose
# answer replaces the route's; faults that alter the route's answer.
CONNECTION_FAULTS = frozenset({"reset", "reset_mid_body", "stall"})
REPLACING_FAULTS = frozenset({"status", "rate_limit", "body"})
TRANSFORMING_FAULTS = frozenset({"truncated_json", "content_type", "wrong_shape", "large_page"})


def fault_reply(fault: Fault) -> Reply:
    if fault.kind == "body":
        return Reply(fault.http_status, fault.content or b"", fault.content_type)
    reply = json_reply(tmdb_error(fault.http_status), fault.http_status)
    now = reply.date
    if fault.kind == "status" and fault.retry_after is not None:
        reply.headers["Retry-After"] = f"{fault.retry_after:g}"
    elif fault.kind == "rate_limit":
        if fault.form == "seconds":
            reply.headers["Retry-After"] = f"{fault.seconds:g}"
        elif fault.form == "http-date":
            when = now + round(fault.seconds)
            reply.headers["Retry-After"] = email.utils.formatdate(when, usegmt=True)
        elif fault.form == "reset":
            reply.headers["X-RateLimit-Reset"] = str(now + round(fault.seconds))
    return reply


def transform(fault: Fault, reply: Reply) -> Reply:
    if fault.kind == "truncated_json":
        reply.body = reply.body[: len(reply.body) // 2]
    elif fault.kind == "content_type":
        reply.content_type = fault.content_type
    elif fault.kind == "wrong_shape":
        reply.body = msgspec.json.encode(
            replace_at(msgspec.json.decode(reply.body), fault.json_path, fault.value)
        )
    elif fault.kind == "large_page":
        reply.body = msgspec.json.encode(enlarge(msgspec.json.decode(reply.body), fault.results))
    return reply


def replace_at(document: Any, json_path: str | None, value: Any) -> Any:
    if json_path is None:
        if isinstance(document, dict):
            for key, current in document.items():
                if isinstance(current, list):
                    return {**document, key: value}
        return value
    node = document
    *parents, last = json_path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return document


def enlarge(document: Any, count: int) -> Any:
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, list) or not results:
        raise ValueError("Fault.large_page applies to list endpoints whose page has results")
    enlarged = []
    for index in range(count):
        item = results[index % len(results)]
        enlarged.append({**item, "id": index + 1} if isinstance(item, dict) else item)
    return {**document, "results": enlarged, "total_results": max(count, len(enlarged))}
