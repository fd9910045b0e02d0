"""Full image URLs from the file paths TMDB returns.

TMDB responses carry only file paths such as ``/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg``;
an image URL is ``secure_base_url + size + path``.  The base URL and the
sizes each kind of image comes in are part of TMDB's ``/configuration``.
They rarely change, so the values TMDB publishes are built in and no request
is needed; ``refresh()`` fetches the current ones when that matters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import msgspec

if TYPE_CHECKING:
    from tmdbfusion._client import AsyncTMDBClient, TMDBClient

__all__ = ["AsyncImageURLs", "ImageURLs"]

ORIGINAL = "original"


# What refresh() accepts, so a broken configuration is refused instead of breaking every URL: an
# https base URL, and at least one size per kind, each like "w500", "h632" or "original".
_BaseURL = Annotated[str, msgspec.Meta(pattern=r"^https://[^\s/]+/\S*$")]
_Size = Annotated[str, msgspec.Meta(pattern=r"^(?:[wh][1-9][0-9]{0,4}|original)$")]
_Sizes = Annotated[tuple[_Size, ...], msgspec.Meta(min_length=1)]


class _ImagesConfiguration(msgspec.Struct, frozen=True):
    """The ``images`` part of TMDB's ``/configuration`` response."""

    secure_base_url: _BaseURL
    backdrop_sizes: _Sizes
    logo_sizes: _Sizes
    poster_sizes: _Sizes
    profile_sizes: _Sizes
    still_sizes: _Sizes


class _Configuration(msgspec.Struct, frozen=True):
    """TMDB's ``/configuration`` response, reduced to what image URLs need."""

    images: _ImagesConfiguration


# As published by TMDB's /3/configuration.
DEFAULT_CONFIGURATION = _ImagesConfiguration(
    secure_base_url="https://image.tmdb.org/t/p/",
    backdrop_sizes=("w300", "w780", "w1280", ORIGINAL),
    logo_sizes=("w45", "w92", "w154", "w185", "w300", "w500", ORIGINAL),
    poster_sizes=("w92", "w154", "w185", "w342", "w500", "w780", ORIGINAL),
    profile_sizes=("w45", "w185", "h632", ORIGINAL),
    still_sizes=("w92", "w185", "w300", ORIGINAL),
)


class _ImageURLBuilder:
    """URL building shared by :class:`ImageURLs` and :class:`AsyncImageURLs`."""

    def __init__(self) -> None:
        self._config = DEFAULT_CONFIGURATION

    @property
    def secure_base_url(self) -> str:
        """The HTTPS prefix of every image URL, ending in ``/``."""
        return self._config.secure_base_url

    def sizes(self, kind: str) -> tuple[str, ...]:
        """Return the sizes one kind of image comes in.

        Parameters
        ----------
        kind : str
            One of ``"backdrop"``, ``"logo"``, ``"poster"``, ``"profile"``, ``"still"``.

        Returns
        -------
        tuple[str, ...]
            The sizes, smallest first, ``"original"`` last.
        """
        by_kind = {
            "backdrop": self._config.backdrop_sizes,
            "logo": self._config.logo_sizes,
            "poster": self._config.poster_sizes,
            "profile": self._config.profile_sizes,
            "still": self._config.still_sizes,
        }
        if kind not in by_kind:
            raise ValueError(f"kind must be one of: {', '.join(by_kind)}; got {kind!r}")
        return by_kind[kind]

    def _all_sizes(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for kind in ("backdrop", "logo", "poster", "profile", "still"):
            seen.update(dict.fromkeys(self.sizes(kind)))
        return tuple(seen)

    def _build(self, path: str | None, size: str, kind: str, valid: tuple[str, ...]) -> str | None:
        if not isinstance(size, str):
            raise TypeError(f"size must be a str such as 'w500'; got {type(size).__name__}")
        if size != ORIGINAL and size not in valid:
            raise ValueError(f"{size!r} is not a {kind} size; valid sizes: {', '.join(valid)}")
        if path is None or path == "":
            return None
        if not isinstance(path, str):
            raise TypeError(f"path must be a str or None; got {type(path).__name__}")
        return f"{self._config.secure_base_url}{size}/{path.lstrip('/')}"

    def url(self, path: str | None, size: str) -> str | None:
        """Build an image URL with any size TMDB offers for some kind of image.

        Parameters
        ----------
        path : str or None
            File path from a response, e.g. ``"/abc.jpg"``; a missing leading
            slash is added.
        size : str
            ``"original"`` or any size listed for posters, backdrops, logos,
            profiles or stills.

        Returns
        -------
        str or None
            The URL, or None when ``path`` is None or empty.
        """
        return self._build(path, size, "TMDB image", self._all_sizes())

    def poster_url(self, path: str | None, size: str = "w500") -> str | None:
        """Build a poster URL; see :meth:`url` for the arguments and result."""
        return self._build(path, size, "poster", self.sizes("poster"))

    def backdrop_url(self, path: str | None, size: str = "w1280") -> str | None:
        """Build a backdrop URL; see :meth:`url` for the arguments and result."""
        return self._build(path, size, "backdrop", self.sizes("backdrop"))

    def profile_url(self, path: str | None, size: str = "w185") -> str | None:
        """Build a profile photo URL; see :meth:`url` for the arguments and result."""
        return self._build(path, size, "profile", self.sizes("profile"))

    def still_url(self, path: str | None, size: str = "w300") -> str | None:
        """Build an episode still URL; see :meth:`url` for the arguments and result."""
        return self._build(path, size, "still", self.sizes("still"))

    def logo_url(self, path: str | None, size: str = "w300") -> str | None:
        """Build a logo URL; see :meth:`url` for the arguments and result."""
        return self._build(path, size, "logo", self.sizes("logo"))

    def _apply(self, configuration: _Configuration) -> None:
        images = configuration.images
        base = images.secure_base_url
        self._config = msgspec.structs.replace(
            images, secure_base_url=base if base.endswith("/") else base + "/"
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(secure_base_url={self.secure_base_url!r})"


class ImageURLs(_ImageURLBuilder):
    """Image URL builder of a :class:`~tmdbfusion.TMDBClient`, as ``client.images``.

    Parameters
    ----------
    client : TMDBClient
        Used by :meth:`refresh` only.
    """

    def __init__(self, client: TMDBClient) -> None:
        super().__init__()
        self._client = client

    def refresh(self) -> None:
        """Fetch TMDB's current image configuration and use it from now on.

        Raises
        ------
        ResponseValidationError
            When the configuration has no https base URL or no real sizes (``"w500"``,
            ``"h632"``, ``"original"``); the configuration in use is kept.
        """
        configuration = self._client._request("GET", "/3/configuration", cast_to=_Configuration)
        self._apply(configuration)


class AsyncImageURLs(_ImageURLBuilder):
    """Image URL builder of an :class:`~tmdbfusion.AsyncTMDBClient`, as ``client.images``.

    Parameters
    ----------
    client : AsyncTMDBClient
        Used by :meth:`refresh` only.
    """

    def __init__(self, client: AsyncTMDBClient) -> None:
        super().__init__()
        self._client = client

    async def refresh(self) -> None:
        """Fetch TMDB's current image configuration and use it from now on.

        Raises
        ------
        ResponseValidationError
            When the configuration has no https base URL or no real sizes (``"w500"``,
            ``"h632"``, ``"original"``); the configuration in use is kept.
        """
        configuration = await self._client._request(
            "GET", "/3/configuration", cast_to=_Configuration
        )
        self._apply(configuration)
