"""Client configuration: the constructor's arguments, checked and frozen in a ClientConfig."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from tmdbfusion._auth import Auth, resolve_auth
from tmdbfusion._retry import RetryPolicy
from tmdbfusion._unknown import UnknownFieldReporter, make_reporter
from tmdbfusion._warn import warn_at_callers_line


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
    client_headers : tuple[tuple[str, str], ...]
        Headers of the user's own ``http_client`` (lower-case names), sent with every request;
        only authentication and ``User-Agent`` are set over them.
    unknown_fields : UnknownFieldReporter or None
        What reports keys the models do not declare; None (``unknown_fields="ignore"``) skips
        the check entirely.
    """

    base_url: str
    auth: Auth
    language: str | None
    region: str | None
    timeout: float
    retry: RetryPolicy
    client_headers: tuple[tuple[str, str], ...] = ()
    unknown_fields: UnknownFieldReporter | None = None

    @functools.cached_property
    def timeout_extension(self) -> dict[str, float | None]:
        """The ``timeout`` request extension httpx transports read, built once."""
        return {name: self.timeout for name in ("connect", "read", "write", "pool")}


_LANGUAGE = r"[a-z]{2}(-[A-Z]{2})?"
_REGION = r"[A-Z]{2}"
_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def check_language(name: str, value: str) -> str:
    """Refuse a ``language`` that is not ISO 639-1, optionally ``-`` ISO 3166-1 (``pt-BR``)."""
    if not re.fullmatch(_LANGUAGE, value):
        raise ValueError(
            f"{name} must be an ISO 639-1 code, optionally with an ISO 3166-1 country, "
            f"such as 'en' or 'pt-BR'; got {value!r}"
        )
    return value


def check_region(name: str, value: str) -> str:
    """Refuse a ``region`` that is not an upper-case ISO 3166-1 code (``US``, ``DE``)."""
    if not re.fullmatch(_REGION, value):
        raise ValueError(
            f"{name} must be an ISO 3166-1 country code such as 'US' or 'DE'; got {value!r}"
        )
    return value


def _check_optional_text(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty str or None; got {value!r}")
    return check_language(name, value) if name == "language" else check_region(name, value)


def check_base_url(base_url: object) -> str:
    """Check ``base_url``; drop a trailing ``/3`` (TMDB's docs give that URL) and slashes."""
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must be an http:// or https:// URL; got {base_url!r}")
    parts = urlsplit(base_url)
    # Tested on the text: an empty query or fragment ("...org/?") is still one.
    if "?" in base_url or "#" in base_url:
        raise ValueError(
            f"base_url must be a scheme and host only, without ?query or #fragment; "
            f"pass {parts.scheme}://{parts.netloc}"
        )
    host = parts.hostname
    if not host:
        raise ValueError(
            "base_url has no host name; pass the API's address, such as https://api.themoviedb.org"
        )
    url = base_url.rstrip("/")
    # Paths already start with /3 (or /4); keeping it would send /3/3/movie/550.
    url = re.sub(r"/[34]$", "", url)
    # Reserved names (RFC 2606/6761) never reach the internet: test doubles use them.
    reserved = host.endswith((".test", ".localhost", ".invalid", ".example"))
    if parts.scheme == "http" and host not in _LOOPBACK_HOSTS and not reserved:
        warn_at_callers_line(
            f"base_url {url} is plain http://: your TMDB credentials would travel in "
            "cleartext; use https:// unless this is a test server",
            UserWarning,
        )
    return url


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
    unknown_fields: object = "ignore",
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
    unknown_fields : {"ignore", "warn", "error"}
        What to do about keys of a response that the models do not declare.

    Returns
    -------
    ClientConfig
        The checked configuration.
    """
    base_url = check_base_url(base_url)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a number of seconds greater than 0; got {timeout!r}")
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(f"max_retries must be an int of 0 or more; got {max_retries!r}")
    auth = resolve_auth(credential, api_key=api_key, access_token=access_token, environ=environ)
    return ClientConfig(
        base_url=base_url,
        auth=auth,
        language=_check_optional_text("language", language),
        region=_check_optional_text("region", region),
        timeout=float(timeout),
        retry=RetryPolicy(max_retries=max_retries),
        unknown_fields=make_reporter(unknown_fields),
    )
