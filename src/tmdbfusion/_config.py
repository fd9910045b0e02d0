"""Client configuration: the constructor's arguments, checked and frozen in a ClientConfig."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tmdbfusion._auth import Auth, resolve_auth
from tmdbfusion._retry import RetryPolicy


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client decided at construction time; safe to repr.

    Attributes
    ----------
    base_url : str
        Scheme and host of the API, without a trailing slash.
    auth : Auth
        The credentials to send.
    language, region : str or None
        Sent for ``language`` / ``region`` parameters the caller left as None.
    timeout : float
        Seconds allowed for connecting, and for each read and write.
    retry : RetryPolicy
        The retry rules.
    """

    base_url: str
    auth: Auth
    language: str | None
    region: str | None
    timeout: float
    retry: RetryPolicy


def _check_optional_text(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty str or None; got {value!r}")
    return value


def make_config(
    credential: str | None,
    *,
    api_key: str | None,
    access_token: str | None,
    base_url: str,
    language: str | None,
    region: str | None,
    timeout: float,
    max_retries: int,
    environ: Mapping[str, str],
) -> ClientConfig:
    """Check the client's constructor arguments and build its configuration.

    Parameters
    ----------
    credential, api_key, access_token, environ
        See :func:`resolve_auth`.
    base_url : str
        ``http://`` or ``https://`` URL of the API host.
    language, region : str or None
        Defaults for ``language`` and ``region`` parameters.
    timeout : float
        Seconds, greater than 0.
    max_retries : int
        Extra attempts, 0 or more.

    Returns
    -------
    ClientConfig
        The checked configuration.
    """
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must be an http:// or https:// URL; got {base_url!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a number of seconds greater than 0; got {timeout!r}")
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(f"max_retries must be an int of 0 or more; got {max_retries!r}")
    auth = resolve_auth(credential, api_key=api_key, access_token=access_token, environ=environ)
    return ClientConfig(
        base_url=base_url.rstrip("/"),
        auth=auth,
        language=_check_optional_text("language", language),
        region=_check_optional_text("region", region),
        timeout=float(timeout),
        retry=RetryPolicy(max_retries=max_retries),
    )
