"""What both clients share: configuration, pacing, state and request preparation.

The shells in ``_client.py`` add only their I/O (blocking or awaiting).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Collection, Generator, Mapping
from typing import Any, TypeVar

from tmdbfusion._actions import Action, PauseAll, Reply
from tmdbfusion._cache.policy import TTLSetting
from tmdbfusion._cache.setup import build_cache
from tmdbfusion._config import make_config
from tmdbfusion._flow import request_flow
from tmdbfusion._limits import check_max_response_bytes
from tmdbfusion._pacing import PacingBudget, TokenBucket
from tmdbfusion._redact import install_httpx_log_redaction
from tmdbfusion._request import PreparedRequest, RequestDefaults, prepare_request
from tmdbfusion._unknown import UnknownFields
from tmdbfusion._user import act_as_user
from tmdbfusion.exceptions import ClientClosedError

T = TypeVar("T")
_CoreT = TypeVar("_CoreT", bound="ClientCore")


class ClientCore:
    """Configuration, state and request preparation shared by both clients."""

    def __init__(
        self,
        credential: str | None,
        *,
        api_key: str | None,
        access_token: str | None,
        base_url: str,
        language: str | None,
        region: str | None,
        timeout: float,
        max_retries: int,
        rate_limit: float | None,
        pacing: PacingBudget | None,
        cache: object,
        cache_ttl: TTLSetting,
        max_response_bytes: int,
        unknown_fields: UnknownFields,
    ) -> None:
        self._config = make_config(
            credential,
            api_key=api_key,
            access_token=access_token,
            base_url=base_url,
            language=language,
            region=region,
            timeout=timeout,
            max_retries=max_retries,
            environ=os.environ,
            unknown_fields=unknown_fields,
        )
        self._closed = False
        self._owns_http = False
        self._request_defaults: RequestDefaults | None = None
        self._pacing = _make_pacing(rate_limit, pacing)
        self._max_response_bytes = check_max_response_bytes(max_response_bytes)
        self._cache_settings, self._cache_guard, self._cache_counters = build_cache(
            cache, cache_ttl
        )
        # Copies made by with_access_token() share the cache; only this client closes it.
        self._cache_owner = id(self)
        install_httpx_log_redaction()

    def _ensure_open(self) -> None:
        if self._closed:
            raise ClientClosedError(
                f"This {type(self).__name__} has been closed; create a new client to make "
                "more requests (or keep all the requests inside its `with` block)."
            )

    def _ensure_sendable(self, http_closed: bool) -> None:
        # Checked before every attempt, not only when a call starts: the client may
        # be closed (by another thread or task) while a call waits to retry.
        self._ensure_open()
        if http_closed:
            raise ClientClosedError(
                "The httpx client given as http_client= has been closed; keep it open while "
                f"this {type(self).__name__} is in use."
            )

    def _prepare(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        choices: Mapping[str, Collection[str]] | None,
        idempotent: bool = False,
    ) -> PreparedRequest:
        self._ensure_open()
        config = self._config
        defaults = self._request_defaults
        if defaults is None or defaults.config is not config:
            # Made on the first call and again whenever the configuration is replaced
            # (with_access_token's copies, an http_client's headers).
            defaults = self._request_defaults = RequestDefaults(config)
        return prepare_request(
            config,
            method,
            path,
            path_params=path_params,
            query=query,
            body=body,
            choices=choices,
            idempotent=idempotent,
            defaults=defaults,
        )

    def _flow(
        self,
        method: str,
        path: str,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        cast_to: type[T],
        choices: Mapping[str, Collection[str]] | None,
        idempotent: bool,
    ) -> Generator[Action, Reply, T]:
        prepared = self._prepare(
            method,
            path,
            path_params=path_params,
            query=query,
            body=body,
            choices=choices,
            idempotent=idempotent,
        )
        return request_flow(self._config, prepared, cast_to, self._cache_settings)

    def with_access_token(self: _CoreT, access_token: str) -> _CoreT:
        """Return a client acting as the user whose access token this is.

        It has this client's settings and shares its connection pool; it sends only the
        user's token. Close this client (not the returned one) to release the pool.
        """
        self._ensure_open()
        return act_as_user(self, access_token)

    def _pace(self, action: Action) -> float:
        """Perform an Acquire or PauseAll action; return the seconds the shell must wait."""
        if isinstance(action, PauseAll):
            self._pacing.pause(action.seconds)
            return 0.0
        return self._pacing.reserve()

    def __del__(self, _warn: Any = warnings.warn) -> None:
        # Like an open file or aiohttp session: the pool's sockets would leak silently.
        owns = getattr(self, "_owns_http", False) and "_http" in vars(self)
        if owns and not getattr(self, "_closed", True):
            _warn(
                f"unclosed {type(self).__name__}; call close() (or use it in a `with` block) "
                "to release its connections",
                ResourceWarning,
                source=self,
            )

    def _mark_closed(self) -> bool:
        """Mark the client closed; tell whether its own httpx client must be closed now."""
        if self._closed:
            return False
        self._closed = True
        return self._owns_http

    def __repr__(self) -> str:
        closed = ", closed" if self._closed else ""
        return (
            f"{type(self).__name__}(base_url={self._config.base_url!r}, "
            f"auth={self._config.auth.kind!r}{closed})"
        )


def _make_pacing(rate_limit: float | None, pacing: PacingBudget | None) -> PacingBudget:
    if pacing is None:
        return TokenBucket(rate_limit)
    if rate_limit is not None:
        raise ValueError(
            "pass rate_limit= or pacing=, not both: the budget given as pacing= sets its own rate"
        )
    if not isinstance(pacing, PacingBudget):
        raise TypeError(
            "pacing must have reserve() and pause(seconds) methods (see tmdbfusion.PacingBudget); "
            f"got {type(pacing).__name__}"
        )
    return pacing
