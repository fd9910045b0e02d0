"""``client.with_access_token(token)``: a client acting as one logged-in user.

The new client is the same class with the same settings, retry rules and hooks, and it sends
through the original client's httpx client, so both share one connection pool. It sends only the
user's token. Closing it closes nothing shared; closing the original closes the pool for both.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, TypeVar

from tmdbfusion._auth import user_auth

ClientT = TypeVar("ClientT")

# Set per client instance; the clone gets fresh values.
_OWN_STATE = ("_config", "_closed", "_owns_http")


def _cached_attributes(cls: type) -> set[str]:
    """Names of the lazily built attributes (namespaces, ``images``, ``v4``), one client each."""
    return {
        name
        for klass in cls.__mro__
        for name, value in vars(klass).items()
        if isinstance(value, functools.cached_property)
    }


def act_as_user(client: ClientT, access_token: str) -> ClientT:
    """Return a copy of ``client`` that authenticates with ``access_token`` only."""
    state: dict[str, Any] = vars(client)
    auth = user_auth(access_token)
    skipped = _cached_attributes(type(client)) | set(_OWN_STATE)
    clone = object.__new__(type(client))
    vars(clone).update({name: value for name, value in state.items() if name not in skipped})
    vars(clone).update(
        _config=dataclasses.replace(state["_config"], auth=auth), _closed=False, _owns_http=False
    )
    return clone
