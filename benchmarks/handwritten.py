"""The baseline for the generated models: minimal msgspec Structs a person would write by hand.

One Struct per object in each benchmarked example: the same fields, plain types, required unless
the example leaves a field out, ``| None`` only where the example holds a null or the API sends
one for missing images, and the same ``media_type`` tagged unions the generator builds.  Comparing
the generated models with these shows what healing (every field optional, append_to_response
fields, renames) costs on top of msgspec itself.  :func:`check_lossless` proves each of them keeps
every field of its example, so none wins by skipping data.
"""

from __future__ import annotations

from typing import Any

import msgspec

# --- movie details ---------------------------------------------------------------------------


class Collection(msgspec.Struct):
    """The collection a movie belongs to."""

    id: int
    name: str
    poster_path: str | None
    backdrop_path: str | None


class Genre(msgspec.Struct):
    """A genre."""

    id: int
    name: str


class Company(msgspec.Struct):
    """A production company."""

    id: int
    logo_path: str | None
    name: str
    origin_country: str


class Country(msgspec.Struct):
    """A production country."""

    iso_3166_1: str
    name: str


class Language(msgspec.Struct):
    """A spoken language."""

    english_name: str
    iso_639_1: str
    name: str


class MovieDetails(msgspec.Struct):
    """``GET /3/movie/{movie_id}``."""

    adult: bool
    backdrop_path: str | None
    belongs_to_collection: Collection | None
    budget: int
    genres: list[Genre]
    homepage: str
    id: int
    imdb_id: str | None
    origin_country: list[str]
    original_language: str
    original_title: str
    overview: str
    popularity: float
    poster_path: str | None
    production_companies: list[Company]
    production_countries: list[Country]
    release_date: str
    revenue: int
    runtime: int
    spoken_languages: list[Language]
    status: str
    tagline: str
    title: str
    video: bool
    vote_average: float
    vote_count: int


# --- popular movies page ---------------------------------------------------------------------


class Movie(msgspec.Struct):
    """A movie in a list."""

    adult: bool
    backdrop_path: str | None
    genre_ids: list[int]
    id: int
    original_language: str
    original_title: str
    overview: str
    popularity: float
    poster_path: str | None
    release_date: str
    title: str
    video: bool
    vote_average: float
    vote_count: int


class MoviePage(msgspec.Struct):
    """``GET /3/movie/popular``."""

    page: int
    results: list[Movie]
    total_pages: int
    total_results: int


# --- tv series details -----------------------------------------------------------------------


class Creator(msgspec.Struct):
    """A creator of a series."""

    id: int
    credit_id: str
    name: str
    gender: int
    profile_path: str | None


class Episode(msgspec.Struct):
    """An episode (last or next to air)."""

    id: int
    name: str
    overview: str
    vote_average: float
    vote_count: int
    air_date: str
    episode_number: int
    production_code: str
    runtime: int | None
    season_number: int
    show_id: int
    still_path: str | None


class Network(msgspec.Struct):
    """A television network."""

    id: int
    logo_path: str | None
    name: str
    origin_country: str


class Season(msgspec.Struct):
    """A season of a series."""

    air_date: str | None
    episode_count: int
    id: int
    name: str
    overview: str
    poster_path: str | None
    season_number: int
    vote_average: float


class TvSeriesDetails(msgspec.Struct):
    """``GET /3/tv/{series_id}``."""

    adult: bool
    backdrop_path: str | None
    created_by: list[Creator]
    episode_run_time: list[int]
    first_air_date: str
    genres: list[Genre]
    homepage: str
    id: int
    in_production: bool
    languages: list[str]
    last_air_date: str
    last_episode_to_air: Episode | None
    name: str
    next_episode_to_air: Episode | None
    networks: list[Network]
    number_of_episodes: int
    number_of_seasons: int
    origin_country: list[str]
    original_language: str
    original_name: str
    overview: str
    popularity: float
    poster_path: str | None
    production_companies: list[Company]
    production_countries: list[Country]
    seasons: list[Season]
    spoken_languages: list[Language]
    status: str
    tagline: str
    type: str
    vote_average: float
    vote_count: int


# --- person combined credits -----------------------------------------------------------------


class MovieCast(msgspec.Struct, tag_field="media_type", tag="movie"):
    """A movie acting credit."""

    adult: bool
    backdrop_path: str | None
    genre_ids: list[int]
    id: int
    original_language: str
    original_title: str
    overview: str
    popularity: float
    poster_path: str | None
    release_date: str
    title: str
    video: bool
    vote_average: float
    vote_count: int
    character: str
    credit_id: str
    order: int


class TvCast(msgspec.Struct, tag_field="media_type", tag="tv"):
    """A series acting credit."""

    adult: bool
    backdrop_path: str | None
    genre_ids: list[int]
    id: int
    origin_country: list[str]
    original_language: str
    original_name: str
    overview: str
    popularity: float
    poster_path: str | None
    first_air_date: str
    name: str
    vote_average: float
    vote_count: int
    character: str
    credit_id: str
    episode_count: int


class MovieCrew(msgspec.Struct, tag_field="media_type", tag="movie"):
    """A movie crew credit."""

    adult: bool
    backdrop_path: str | None
    genre_ids: list[int]
    id: int
    original_language: str
    original_title: str
    overview: str
    popularity: float
    poster_path: str | None
    release_date: str
    title: str
    video: bool
    vote_average: float
    vote_count: int
    credit_id: str
    department: str
    job: str


# omit_defaults: the missing episode_count stays missing when checked by check_lossless.
class TvCrew(msgspec.Struct, tag_field="media_type", tag="tv", omit_defaults=True):
    """A series crew credit."""

    adult: bool
    backdrop_path: str | None
    genre_ids: list[int]
    id: int
    origin_country: list[str]
    original_language: str
    original_name: str
    overview: str
    popularity: float
    poster_path: str | None
    first_air_date: str
    name: str
    vote_average: float
    vote_count: int
    credit_id: str
    department: str
    job: str
    episode_count: int | None = None  # missing on some crew credits


class CombinedCredits(msgspec.Struct):
    """``GET /3/person/{person_id}/combined_credits``."""

    cast: list[MovieCast | TvCast]
    crew: list[MovieCrew | TvCrew]
    id: int


# --- search multi ----------------------------------------------------------------------------


class MovieResult(msgspec.Struct, tag_field="media_type", tag="movie"):
    """A movie found by multi search."""

    adult: bool
    backdrop_path: str | None
    id: int
    title: str
    original_language: str
    original_title: str
    overview: str
    poster_path: str | None
    genre_ids: list[int]
    popularity: float
    release_date: str
    video: bool
    vote_average: float
    vote_count: int


class TvResult(msgspec.Struct, tag_field="media_type", tag="tv"):
    """A series found by multi search."""

    adult: bool
    backdrop_path: str | None
    id: int
    name: str
    original_language: str
    original_name: str
    overview: str
    poster_path: str | None
    genre_ids: list[int]
    popularity: float
    first_air_date: str
    vote_average: float
    vote_count: int
    origin_country: list[str]


class PersonResult(msgspec.Struct, tag_field="media_type", tag="person"):
    """A person found by multi search."""

    adult: bool
    id: int
    name: str
    original_name: str
    popularity: float
    gender: int
    known_for_department: str
    profile_path: str | None
    known_for: list[dict[str, Any]]


class MultiSearchPage(msgspec.Struct):
    """``GET /3/search/multi``."""

    page: int
    results: list[MovieResult | TvResult | PersonResult]
    total_pages: int
    total_results: int


#: The hand-written type of each payload, by :data:`benchmarks.payloads.OPERATIONS` key.
HANDWRITTEN: dict[str, type[Any]] = {
    "movie_details": MovieDetails,
    "popular_movies": MoviePage,
    "tv_details": TvSeriesDetails,
    "combined_credits": CombinedCredits,
    "search_multi": MultiSearchPage,
}


def check_lossless(key: str, body: bytes) -> None:
    """Fail unless the hand-written type of ``key`` decodes ``body`` keeping every value.

    Raises
    ------
    AssertionError
        When a field of the example is missing from the Struct or decodes differently.
    """
    decoded = msgspec.json.decode(body, type=HANDWRITTEN[key])
    if msgspec.to_builtins(decoded) != msgspec.json.decode(body):
        raise AssertionError(
            f"the hand-written {key} Structs do not hold every field of the example"
        )
