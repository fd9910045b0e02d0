"""``client.v4`` and ``client.with_access_token(token)``: TMDB's v4 API, and acting as a user.

The new client is the same class with the same settings, retry rules and hooks, and it sends
through the original client's httpx client, so both share one connection pool. It sends only the
user's token. Closing it closes nothing shared; closing the original closes the pool for both.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING, Any, TypeVar, cast

from tmdbfusion._auth import user_auth

if TYPE_CHECKING:
    from tmdbfusion._client import AsyncTMDBClient, TMDBClient
    from tmdbfusion.resources.v4 import V4, AsyncV4

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


class SyncUserAccess:
    """``client.v4`` of :class:`~tmdbfusion.TMDBClient`."""

    @functools.cached_property
    def v4(self) -> V4:
        """TMDB's v4 API: ``v4.auth``, ``v4.account`` and ``v4.lists`` (Bearer token only)."""
        from tmdbfusion.resources.v4 import V4  # on first use: keeps `import tmdbfusion` light

        return V4(cast("TMDBClient", self))


class AsyncUserAccess:
    """``client.v4`` of :class:`~tmdbfusion.AsyncTMDBClient`."""

    @functools.cached_property
    def v4(self) -> AsyncV4:
        """TMDB's v4 API: ``v4.auth``, ``v4.account`` and ``v4.lists`` (Bearer token only)."""
        from tmdbfusion.resources.v4 import AsyncV4

        return AsyncV4(cast("AsyncTMDBClient", self))
