"""Choosing what sends a client's requests: an httpx client, or aiohttp for the async client.

The clients create their HTTP machinery here, so the choice (``http_backend``), the shared TLS
context, the pool limits and the headers kept from a user's own ``http_client`` are decided in
one place for the sync and async clients.
"""

from __future__ import annotations

import dataclasses
import functools
import ssl
from typing import Any, Literal, TypeAlias

import httpx

from tmdbfusion._aiohttp import AiohttpSender, aiohttp_installed
from tmdbfusion._config import ClientConfig

HttpBackend: TypeAlias = Literal["auto", "httpx", "aiohttp"]
_BACKENDS = ("auto", "httpx", "aiohttp")


#: What :class:`~tmdbfusion.AsyncTMDBClient` sends with: an httpx client or the aiohttp sender.
AsyncSender: TypeAlias = httpx.AsyncClient | AiohttpSender


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """The verifying TLS context of every HTTP client the SDK creates itself.

    Loading the CA bundle takes about 25 ms, which httpx would pay again for every client; an
    ``SSLContext`` is safe to share between clients and threads. Like httpx's default, it honours
    ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` as set when the first client is created.
    """
    return httpx.create_ssl_context()


def check_pool_limits(max_connections: int | None, max_keepalive_connections: int | None) -> None:
    """Refuse pool limits below 1 (0 would make every call wait for a connection forever)."""
    for name, value in (
        ("max_connections", max_connections),
        ("max_keepalive_connections", max_keepalive_connections),
    ):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise ValueError(f"{name} must be an int of 1 or more, or None; got {value!r}")


def http_options(
    timeout: float,
    max_connections: int | None,
    max_keepalive_connections: int | None,
) -> dict[str, Any]:
    """Keyword arguments for the httpx client a TMDB client creates (sync and async alike)."""
    check_pool_limits(max_connections, max_keepalive_connections)
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_keepalive_connections
    )
    return {"timeout": timeout, "limits": limits, "verify": shared_ssl_context()}


def with_client_headers(
    config: ClientConfig, http_client: httpx.Client | httpx.AsyncClient | None
) -> ClientConfig:
    """The configuration, keeping the headers a user's own ``http_client`` has now."""
    if http_client is None:
        return config
    headers = tuple((name.lower(), value) for name, value in http_client.headers.items())
    return dataclasses.replace(config, client_headers=headers)


def async_sender(
    http_backend: object,
    http_client: httpx.AsyncClient | None,
    *,
    timeout: float,
    max_connections: int | None,
    max_keepalive_connections: int | None,
) -> AsyncSender:
    """Create what an async client sends with, as ``http_backend`` asks.

    Raises
    ------
    ValueError
        When ``http_backend`` is not one of ``"auto"``, ``"httpx"``, ``"aiohttp"``, or asks
        for aiohttp together with an httpx ``http_client``.
    ImportError
        When ``"aiohttp"`` is asked for and aiohttp is not installed.
    """
    if http_backend not in _BACKENDS:
        raise ValueError(
            f"http_backend must be one of {', '.join(_BACKENDS)}; got {http_backend!r}"
        )
    if http_client is not None:
        if http_backend == "aiohttp":
            raise ValueError(
                "http_backend='aiohttp' sends with aiohttp, not with the given http_client; "
                "drop one of them"
            )
        return http_client
    check_pool_limits(max_connections, max_keepalive_connections)
    use_aiohttp = http_backend == "aiohttp" or (http_backend == "auto" and aiohttp_installed())
    if use_aiohttp:
        if not aiohttp_installed():
            raise ImportError(
                "http_backend='aiohttp' needs aiohttp: pip install 'tmdbfusion-sdk[aiohttp]'"
            )
        return AiohttpSender(
            timeout=timeout, max_connections=max_connections, ssl_context=shared_ssl_context()
        )
    return httpx.AsyncClient(**http_options(timeout, max_connections, max_keepalive_connections))
