"""Redaction: what counts as a secret, and scrubbing secrets out of text and log records.

Used by everything that shows a request to a person: error messages, logs, reprs.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

_SECRET_NAME_PARTS = ("session", "token", "password")


def is_secret_name(name: str) -> bool:
    """Tell whether a parameter with this name carries a secret value."""
    lowered = name.lower()
    return lowered == "api_key" or any(part in lowered for part in _SECRET_NAME_PARTS)


# Patterns outside the per-request path are kept as text and compiled by `re` on
# first use (it caches them): compiling them at import would add more than a
# millisecond to every `import tmdbfusion`.
_SECRET_KEY = r"(?:api_key|[a-z_]*session[a-z_]*|[a-z_]*token[a-z_]*|password)"
_REDACTIONS = (
    # ?api_key=...&session_id=... in URLs and form bodies
    (rf"(?i)\b({_SECRET_KEY}=)[^&\s\"'#]+", r"\1***"),
    # "session_id": "..." in JSON, also when the closing quote was cut off
    (rf"(?i)(\"{_SECRET_KEY}\"\s*:\s*\")[^\"]*", r"\1***"),
    # Authorization: Bearer ...
    (r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+", r"\1***"),
    # guest session ids are path segments, not parameters
    (r"(/guest_session/)[^/?#\s\"']+", r"\1***"),
)


def redact_text(text: str) -> str:
    """Replace anything that looks like a credential or session id in ``text`` by ``***``."""
    for pattern, replacement in _REDACTIONS:
        text = re.sub(pattern, replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Logging filter that scrubs credentials out of records before they are emitted.

    httpx logs every request URL at INFO level, and v3 API keys travel in the
    query string, so without this a plain ``logging.basicConfig(level=INFO)``
    would print the key.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; never drops a record."""
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


#: Loggers that see our requests.  Filters do not apply to records of child loggers, so
#: httpcore's are listed one by one: at DEBUG they print raw headers (tokens, session ids).
_HTTP_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


def install_httpx_log_redaction() -> None:
    """Attach :class:`RedactSecretsFilter` to httpx's and httpcore's loggers, once each."""
    for name in _HTTP_LOGGERS:
        http_logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactSecretsFilter) for existing in http_logger.filters):
            http_logger.addFilter(RedactSecretsFilter())


def redacted_url(url: str) -> str:
    """``url`` with its password, if any, shown as ``***`` (for reprs, warnings and errors)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()
