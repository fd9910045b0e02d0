"""The stored form of a cached response, and of a generation counter.

An entry holds the response body exactly as TMDB sent it (JSON, which holds no credential: only
responses of operations that cannot carry one are stored), when it stops being fresh, its ETag
for revalidation, and the generations it was stored under.
"""

from __future__ import annotations

import secrets

import msgspec

from tmdbfusion._cache.keys import KEY_VERSION

__all__ = ["CachedEntry", "decode_entry", "encode_entry", "generation_key", "new_generation"]


class CachedEntry(msgspec.Struct, frozen=True, array_like=True):
    """A cached response.

    Attributes
    ----------
    body : bytes
        The response body.
    stored_at : float
        Unix time it was stored.
    fresh_until : float
        Unix time after which it must be revalidated or fetched again.
    etag : str or None
        The response's ``ETag``, sent back as ``If-None-Match`` once stale.
    generations : tuple[str, ...]
        The generation tokens current when it was stored, in the order of its dependencies.
    """

    body: bytes
    stored_at: float
    fresh_until: float
    etag: str | None = None
    generations: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"CachedEntry({len(self.body)} bytes, fresh_until={self.fresh_until:.0f})"


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(CachedEntry)


def encode_entry(entry: CachedEntry) -> bytes:
    """Serialize an entry for a store."""
    return _ENCODER.encode(entry)


def decode_entry(data: bytes) -> CachedEntry | None:
    """Read an entry back; None for anything unreadable (an older format, a damaged value)."""
    try:
        return _DECODER.decode(data)
    except (msgspec.DecodeError, TypeError, ValueError):
        return None


def generation_key(name: str) -> str:
    """Store key of a generation, e.g. ``tmdbfusion:1|gen|scope:<digest>``."""
    return f"{KEY_VERSION}|gen|{name}"


def new_generation() -> bytes:
    """A fresh generation token: random, so concurrent bumps never collide."""
    return secrets.token_hex(8).encode("ascii")
