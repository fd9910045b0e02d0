"""Planning: named, deduplicated models and method signatures from a tiny healed document."""

from __future__ import annotations

import ast
import json
from typing import Any

from codegen.docstrings import param_description
from codegen.heal import heal_document
from codegen.ir import FieldPlan, ModelPlan, OperationPlan, Plan
from codegen.overrides import parse_overrides
from codegen.plan import build_plan
from codegen.render import render_files

# --- building tiny documents -----------------------------------------------------------------


def _get(example: Any, *, schema: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A TMDB-like operation: a 200 response whose example is stored as JSON text."""
    media = {
        "schema": schema if schema is not None else {},
        "examples": {"Result": {"value": json.dumps(example)}},
    }
    return {
        "summary": extra.pop("summary", ""),
        "parameters": extra.pop("parameters", []),
        "responses": {"200": {"description": "200", "content": {"application/json": media}}},
        **extra,
    }


def _path_param(name: str, kind: str = "integer") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def _query(name: str, schema: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


def _plan(paths: dict[str, Any], overrides: dict[str, Any] | None = None) -> Plan:
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "3"}, "paths": paths}
    parsed = parse_overrides(overrides or {})
    healed, _ = heal_document(document, parsed)
    plan = build_plan(healed, parsed)
    assert [e.label() for e in parsed.unused()] == []
    return plan


def _models(plan: Plan) -> dict[str, ModelPlan]:
    return {m.name: m for m in plan.models}


def _operations(plan: Plan) -> dict[str, OperationPlan]:
    return {f"{ns.name}.{op.name}": op for ns in plan.namespaces for op in ns.operations}


def _fields(model: ModelPlan) -> dict[str, tuple[str, str | None]]:
    return {f.json_name: (f.annotation, f.default) for f in model.fields}


def _page(results: list[Any]) -> dict[str, Any]:
    return {"page": 1, "results": results, "total_pages": 7, "total_results": 140}


FIGHT_CLUB = {
    "adult": False,
    "genre_ids": [18, 53],
    "id": 550,
    "poster_path": "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg",
    "release_date": "1999-10-15",
    "title": "Fight Club",
    "vote_average": 8.4,
}
SE7EN = {**FIGHT_CLUB, "id": 807, "title": "Se7en", "poster_path": None, "genre_ids": [80]}

MOVIE_DETAILS = {
    "id": 550,
    "title": "Fight Club",
    "belongs_to_collection": {"id": 1, "name": "Fight Club Collection", "poster_path": None},
    "genres": [{"id": 18, "name": "Drama"}],
    "production_companies": [
        {
            "id": 508,
            "logo_path": "/7cxRWzi4LsVm4Utfpr1hfARNurT.png",
            "name": "Regency Enterprises",
            "origin_country": "US",
        }
    ],
    "runtime": 139,
    "vote_average": 8.433,
}

MULTI_SCHEMA = {
    "type": "object",
    "properties": {
        "page": {"type": "integer"},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "media_type": {"type": "string"},
                    "title": {"type": "string"},
                    "name": {"type": "string"},
                    "popularity": {"type": "number"},
                },
            },
        },
        "total_pages": {"type": "integer"},
        "total_results": {"type": "integer"},
    },
}
MULTI = _page(
    [
        {"id": 24428, "media_type": "movie", "title": "The Avengers", "popularity": 98.1},
        {"id": 1403, "media_type": "tv", "name": "Agents of S.H.I.E.L.D.", "popularity": 60.2},
    ]
)

PROVIDERS = {
    "id": 550,
    "results": {
        country: {
            "link": f"https://www.themoviedb.org/movie/550/watch?locale={country}",
            "flatrate": [{"provider_id": 8, "provider_name": "Netflix", "display_priority": 4}],
        }
        for country in ("US", "GB", "DE", "FR")
    },
}


def _videos(owner_id: int) -> dict[str, Any]:
    video = {"iso_639_1": "en", "key": "SUXWAEX2jlg", "site": "YouTube", "type": "Trailer"}
    return {"id": owner_id, "results": [video]}


# --- models ----------------------------------------------------------------------------------


def test_one_movie_summary_for_two_listings() -> None:
    plan = _plan(
        {
            "/3/movie/popular": {"get": _get(_page([FIGHT_CLUB]))},
            "/3/search/movie": {
                "get": _get(_page([SE7EN]), parameters=[_query("query", {"type": "string"})])
            },
        }
    )
    models = _models(plan)
    assert sorted(models) == ["MovieSummary", "MovieSummaryPage"]
    assert models["MovieSummary"].sources == ["GET /3/movie/popular", "GET /3/search/movie"]
    operations = _operations(plan)
    for key in ("movies.popular", "search.movie"):
        op = operations[key]
        assert op.paginated
        assert op.page_model == "MovieSummaryPage"
        assert op.item_annotation == "MovieSummary"
        assert op.cast_to == "MovieSummaryPage"
        assert op.return_annotation == "MovieSummaryPage, MovieSummary"


def test_field_defaults() -> None:
    plan = _plan({"/3/movie/popular": {"get": _get(_page([FIGHT_CLUB, SE7EN]))}})
    summary = _fields(_models(plan)["MovieSummary"])
    assert summary == {
        "adult": ("bool | None", "None"),
        "genre_ids": ("list[int]", "[]"),
        "id": ("int | None", "None"),
        "poster_path": ("str | None", "None"),
        "release_date": ("datetime.date | None", "None"),
        "title": ("str | None", "None"),
        "vote_average": ("float | None", "None"),
    }
    page = _fields(_models(plan)["MovieSummaryPage"])
    assert page == {
        "page": ("int", None),
        "results": ("list[MovieSummary]", "[]"),
        "total_pages": ("int", None),
        "total_results": ("int", None),
    }


def test_nested_objects_are_named_from_their_keys() -> None:
    plan = _plan(
        {"/3/movie/{movie_id}": {"get": _get(MOVIE_DETAILS, parameters=[_path_param("movie_id")])}}
    )
    models = _models(plan)
    assert sorted(models) == ["BelongsToCollection", "Genre", "MovieDetails", "ProductionCompany"]
    details = _fields(models["MovieDetails"])
    assert details["genres"] == ("list[Genre]", "[]")
    assert details["production_companies"] == ("list[ProductionCompany]", "[]")
    assert details["belongs_to_collection"] == ("BelongsToCollection | None", "None")
    assert details["vote_average"] == ("float | None", "None")
    assert _fields(models["ProductionCompany"])["logo_path"] == ("str | None", "None")
    # Only ever null in the examples: nothing is known about the type.
    assert _fields(models["BelongsToCollection"])["poster_path"] == ("Any | None", "None")
    assert _operations(plan)["movies.details"].cast_to == "MovieDetails"


def test_the_same_nested_entity_is_one_model_across_operations() -> None:
    genre_list = {"genres": [{"id": 28, "name": "Action"}, {"id": 18, "name": "Drama"}]}
    plan = _plan(
        {
            "/3/movie/{movie_id}": {
                "get": _get(MOVIE_DETAILS, parameters=[_path_param("movie_id")])
            },
            "/3/genre/movie/list": {"get": _get(genre_list)},
        }
    )
    models = _models(plan)
    assert models["Genre"].sources == ["GET /3/movie/{movie_id}", "GET /3/genre/movie/list"]
    assert _fields(models["GenreMovie"])["genres"] == ("list[Genre]", "[]")


def test_mixed_media_list_becomes_a_tagged_union() -> None:
    plan = _plan({"/3/search/multi": {"get": _get(MULTI, schema=MULTI_SCHEMA)}})
    (union,) = plan.unions
    assert union.name == "MovieOrTvSeriesResult"
    assert union.members == ["MovieResult", "TvSeriesResult"]
    models = _models(plan)
    movie, tv = models["MovieResult"], models["TvSeriesResult"]
    assert (movie.tag_field, movie.tag) == ("media_type", "movie")
    assert (tv.tag_field, tv.tag) == ("media_type", "tv")
    # The tag is msgspec's job, not a field; each variant has only its own fields.
    assert list(_fields(movie)) == ["id", "title", "popularity"]
    assert list(_fields(tv)) == ["id", "name", "popularity"]
    op = _operations(plan)["search.multi"]
    assert op.page_model == "MovieOrTvSeriesResultPage"
    assert op.item_annotation == "MovieOrTvSeriesResult"
    page = _fields(models["MovieOrTvSeriesResultPage"])
    assert page["results"] == ("list[MovieOrTvSeriesResult]", "[]")


def test_three_media_types_make_a_media_union() -> None:
    overrides = {
        "tagged_unions": [
            {
                "at": "GET /3/search/multi results[]",
                "tags": ["movie", "person", "tv"],
                "reason": "multi also returns people; the example shows none",
            }
        ]
    }
    plan = _plan({"/3/search/multi": {"get": _get(MULTI, schema=MULTI_SCHEMA)}}, overrides)
    (union,) = plan.unions
    assert union.name == "MediaResult"
    assert union.members == ["MovieResult", "PersonResult", "TvSeriesResult"]
    assert _models(plan)["PersonResult"].tag == "person"


def test_country_map_becomes_a_dict() -> None:
    plan = _plan(
        {
            "/3/movie/{movie_id}/watch/providers": {
                "get": _get(PROVIDERS, parameters=[_path_param("movie_id")])
            }
        }
    )
    models = _models(plan)
    providers = _fields(models["MovieWatchProviders"])
    assert providers["results"] == ("dict[str, WatchProvider]", "{}")
    assert _fields(models["WatchProvider"]) == {
        "link": ("str | None", "None"),
        "flatrate": ("list[Flatrate]", "[]"),
    }
    assert "US" not in models and "Us" not in models


def test_identical_wrappers_with_one_topic_fold_into_one_model() -> None:
    plan = _plan(
        {
            "/3/movie/{movie_id}/videos": {
                "get": _get(_videos(550), parameters=[_path_param("movie_id")])
            },
            "/3/tv/{series_id}/videos": {
                "get": _get(_videos(1399), parameters=[_path_param("series_id")])
            },
        }
    )
    models = _models(plan)
    assert sorted(models) == ["Video", "Videos"]
    assert _fields(models["Videos"]) == {
        "id": ("int | None", "None"),
        "results": ("list[Video]", "[]"),
    }
    assert "``GET /3/movie/{movie_id}/videos``, ``GET /3/tv/{series_id}/videos``" in (
        models["Videos"].doc
    )
    operations = _operations(plan)
    assert operations["movies.videos"].cast_to == "Videos"
    assert operations["tv.videos"].return_annotation == "Videos"


def test_folded_model_lists_every_source() -> None:
    plan = _plan(
        {
            "/3/movie/{movie_id}/videos": {
                "get": _get(_videos(550), parameters=[_path_param("movie_id")])
            },
            "/3/tv/{series_id}/videos": {
                "get": _get(_videos(1399), parameters=[_path_param("series_id")])
            },
        }
    )
    assert _models(plan)["Videos"].sources == [
        "GET /3/movie/{movie_id}/videos",
        "GET /3/tv/{series_id}/videos",
    ]


def test_different_shapes_under_one_name_get_distinct_names() -> None:
    review = {
        "id": "5b1c13b9",
        "author_details": {"name": "", "username": "msbreviews", "rating": 8},
    }
    other = {"id": 1, "author_details": {"iso_3166_1": "US", "iso_639_1": "en"}}
    plan = _plan(
        {
            "/3/review/{review_id}": {
                "get": _get(review, parameters=[_path_param("review_id", "string")])
            },
            "/3/movie/{movie_id}/reviews_meta": {
                "get": _get(other, parameters=[_path_param("movie_id")])
            },
        }
    )
    models = _models(plan)
    assert _fields(models["ReviewDetails"])["author_details"][0] == "AuthorDetails | None"
    assert "username" in _fields(models["AuthorDetails"])
    # The second shape shares no field with the first: it is prefixed with its entity.
    assert _fields(models["MovieReviewsMeta"])["author_details"][0] == ("MovieAuthorDetails | None")
    assert list(_fields(models["MovieAuthorDetails"])) == ["iso_3166_1", "iso_639_1"]


def test_model_name_overrides() -> None:
    credits = {
        "id": 550,
        "cast": [{"id": 819, "name": "Edward Norton", "character": "The Narrator"}],
        "crew": [{"id": 7467, "name": "David Fincher", "job": "Director"}],
    }
    overrides = {
        "model_names": [
            {"at": "key cast", "name": "CastMember", "reason": "cast holds cast members"},
            {"at": "rename Crew", "name": "CrewMember", "reason": "crew holds crew members"},
            {"at": "GET /3/movie/{movie_id}/credits", "name": "Credits", "reason": "shorter"},
        ]
    }
    plan = _plan(
        {
            "/3/movie/{movie_id}/credits": {
                "get": _get(credits, parameters=[_path_param("movie_id")])
            }
        },
        overrides,
    )
    models = _models(plan)
    assert sorted(models) == ["CastMember", "Credits", "CrewMember"]
    assert _fields(models["Credits"])["cast"] == ("list[CastMember]", "[]")
    assert _operations(plan)["movies.credits"].cast_to == "Credits"


def test_model_docstring_names_its_sources() -> None:
    plan = _plan({"/3/movie/popular": {"get": _get(_page([FIGHT_CLUB]))}})
    doc = _models(plan)["MovieSummary"].doc
    assert doc.startswith("Movie summary.\n\n")
    assert "``GET /3/movie/popular``" in doc


def test_python_names_of_json_keys() -> None:
    plan = _plan({"/3/movie/{movie_id}/misc": {"get": _get({"_id": "5e3a", "class": "A"})}})
    model = _models(plan)["MovieMisc"]
    assert [(f.name, f.json_name) for f in model.fields] == [
        ("internal_id", "_id"),
        ("class_", "class"),
    ]
    assert model.needs_rename
    assert isinstance(model.fields[0], FieldPlan)


def test_object_with_a_second_type_is_a_union_annotation() -> None:
    # account_states: "rated" is {"value": 8.0} for rated movies and false otherwise.
    states = {"id": 550, "favorite": False, "rated": {"value": 8.0}}
    overrides = {
        "schema": [
            {
                "at": "GET /3/movie/{movie_id}/account_states rated",
                "also": "boolean",
                "reason": "false when the movie is not rated",
            }
        ]
    }
    plan = _plan(
        {
            "/3/movie/{movie_id}/account_states": {
                "get": _get(states, parameters=[_path_param("movie_id")])
            }
        },
        overrides,
    )
    models = _models(plan)
    assert _fields(models["MovieAccountStates"])["rated"] == ("Rated | bool | None", "None")
    assert _fields(models["Rated"]) == {"value": ("float | None", "None")}


# --- operations and parameters ---------------------------------------------------------------

STATUS = {"success": True, "status_code": 1, "status_message": "Success."}


def _rating_operation(body_examples: dict[str, Any]) -> dict[str, Any]:
    operation = _get(
        STATUS,
        parameters=[
            _path_param("movie_id"),
            _query("guest_session_id", {"type": "string"}),
            {"name": "Content-Type", "in": "header", "schema": {"type": "string"}},
        ],
    )
    operation["requestBody"] = {
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"RAW_BODY": {"type": "string"}}},
                "examples": body_examples,
            }
        }
    }
    return operation


def test_request_body_fields_become_keyword_parameters() -> None:
    examples = {"Request Example": {"value": '{"value": 8.5}'}}
    plan = _plan({"/3/movie/{movie_id}/rating": {"post": _rating_operation(examples)}})
    op = _operations(plan)["movies.add_rating"]
    assert [(p.name, p.location, p.annotation, p.required) for p in op.params] == [
        ("movie_id", "path", "int", True),
        ("value", "body", "float", True),
        ("guest_session_id", "query", "str", False),
    ]
    assert op.cast_to == "StatusResponse"  # write operations share TMDB's status envelope
    assert [m.name for m in plan.models] == ["StatusResponse"]

    module = ast.parse(render_files(plan)["src/tmdbfusion/resources/movies.py"])
    (method, _) = [
        node
        for node in ast.walk(module)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "add_rating"
    ]
    assert method.args.posonlyargs == []
    assert [a.arg for a in method.args.args] == ["self", "movie_id"]  # by position or keyword
    assert [a.arg for a in method.args.kwonlyargs] == ["value", "guest_session_id"]
    assert method.args.kw_defaults[0] is None  # value is required


def test_list_body_fields_are_not_typed_as_strings() -> None:
    body = {"items": [{"media_type": "movie", "media_id": 550}]}
    examples = {"Request Example": {"value": json.dumps(body)}}
    plan = _plan({"/3/list/{list_id}/items": {"post": _rating_operation(examples)}})
    (param,) = [p for p in _operations(plan)["lists.add_items"].params if p.location == "body"]
    assert param.annotation == "Sequence[Mapping[str, str | int]]"
    assert "``media_type``, ``media_id``" in param.description


def test_query_enum_becomes_a_literal_with_choices() -> None:
    external_source = {"type": "string", "enum": ["imdb_id", "tvdb_id", "wikidata_id"]}
    operation = _get(
        {"movie_results": [], "tv_results": []},
        parameters=[
            _path_param("external_id", "string"),
            _query("language", {"type": "string"}),
            _query("external_source", external_source, required=True),
        ],
    )
    plan = _plan({"/3/find/{external_id}": {"get": operation}})
    op = _operations(plan)["find.details"]
    (choice,) = op.choice_params
    assert choice.annotation == "Literal['imdb_id', 'tvdb_id', 'wikidata_id']"
    assert choice.choices == ["imdb_id", "tvdb_id", "wikidata_id"]
    # Required keyword parameters come before optional ones.
    assert [p.name for p in op.params] == ["external_id", "external_source", "language"]
    assert plan.namespaces[0].typing_imports == ["Literal"]


def test_path_parameters_follow_the_path_order() -> None:
    operation = _get(
        {"id": 62085, "name": "Pilot", "episode_number": 1},
        parameters=[
            _path_param("episode_number"),
            _path_param("series_id"),
            _path_param("season_number"),
        ],
    )
    path = "/3/tv/{series_id}/season/{season_number}/episode/{episode_number}"
    plan = _plan({path: {"get": operation}})
    op = _operations(plan)["tv_episodes.details"]
    assert [p.name for p in op.path_params] == ["series_id", "season_number", "episode_number"]
    assert op.cast_to == "TvEpisodeDetails"


def test_parameter_annotations_and_defaults_in_descriptions() -> None:
    operation = _get(
        _page([FIGHT_CLUB]),
        parameters=[
            _query("include_adult", {"type": "boolean", "default": "false"}),
            _query("page", {"type": "integer", "default": 1}),
            _query("vote_average.gte", {"type": "number"}),
            _query("primary_release_date.gte", {"type": "string", "format": "date"}),
            {
                "name": "language",
                "in": "query",
                "description": "ISO 639-1 code.",
                "schema": {"type": "string", "default": "en-US"},
            },
        ],
    )
    plan = _plan({"/3/discover/movie": {"get": operation}})
    op = _operations(plan)["discover.movie"]
    params = {p.json_name: p for p in op.params}
    assert params["include_adult"].annotation == "bool"
    # Our table (openapi/parameters.yaml) describes it; TMDB's default is kept apart.
    assert params["include_adult"].description.startswith("Whether to include")
    assert params["include_adult"].tmdb_default == "false"
    assert param_description(params["include_adult"]).endswith("TMDB's default: ``false``.")
    assert params["page"].annotation == "int"
    assert params["vote_average.gte"].name == "vote_average_gte"
    assert params["vote_average.gte"].annotation == "float"
    assert params["primary_release_date.gte"].annotation == "str | datetime.date"
    assert params["language"].tmdb_default == "en-US"
    assert param_description(params["language"]).endswith(". TMDB's default: ``en-US``.")
    assert plan.namespaces[0].needs_datetime
    assert op.item_annotation == "MovieSummary"


def test_namespaces_and_operations_are_sorted() -> None:
    plan = _plan(
        {
            "/3/search/movie": {"get": _get(_page([FIGHT_CLUB]))},
            "/3/movie/{movie_id}": {
                "get": _get(MOVIE_DETAILS, parameters=[_path_param("movie_id")])
            },
            "/3/movie/popular": {"get": _get(_page([SE7EN]))},
        }
    )
    assert [ns.name for ns in plan.namespaces] == ["movies", "search"]
    movies = plan.namespaces[0]
    assert movies.class_name == "MoviesResource"
    assert [op.name for op in movies.operations] == ["details", "popular"]
    assert movies.model_imports == ["MovieDetails", "MovieSummary", "MovieSummaryPage"]
    assert [m.name for m in plan.models] == sorted(m.name for m in plan.models)


APPEND = {
    "name": "append_to_response",
    "in": "query",
    "description": "comma separated list of endpoints within this namespace, 20 items max",
    "schema": {"type": "string"},
}


def test_append_to_response_is_typed_from_the_sub_resources() -> None:
    credits = {"id": 550, "cast": [{"id": 819, "name": "Edward Norton"}]}
    plan = _plan(
        {
            "/3/movie/{movie_id}": {
                "get": _get(
                    {"id": 550, "title": "Fight Club"},
                    parameters=[_path_param("movie_id"), APPEND],
                )
            },
            "/3/movie/{movie_id}/credits": {
                "get": _get(credits, parameters=[_path_param("movie_id")])
            },
            "/3/movie/{movie_id}/watch/providers": {
                "get": _get(PROVIDERS, parameters=[_path_param("movie_id")])
            },
            "/3/movie/{movie_id}/rating": {
                "post": _rating_operation({"Request Example": {"value": '{"value": 8.5}'}})
            },
            "/3/movie/popular": {"get": _get(_page([FIGHT_CLUB]))},
        }
    )
    details = _operations(plan)["movies.details"]
    (append,) = [p for p in details.params if p.json_name == "append_to_response"]
    assert append.annotation == "Sequence[Literal['credits', 'watch/providers']]"
    assert append.choices == ["credits", "watch/providers"]
    fields = {f.json_name: f for f in _models(plan)["MovieDetails"].fields}
    assert (fields["credits"].name, fields["credits"].annotation) == (
        "credits",
        "MovieCredits | None",
    )
    assert (fields["watch/providers"].name, fields["watch/providers"].annotation) == (
        "watch_providers",
        "MovieWatchProviders | None",
    )
    movies = plan.namespaces[0]
    assert movies.needs_sequence
    assert "Literal" in movies.typing_imports


def test_append_to_response_without_sub_resources_still_renders_valid_python() -> None:
    plan = _plan(
        {
            "/3/movie/{movie_id}": {
                "get": _get(
                    {"id": 550, "title": "Fight Club"},
                    parameters=[_path_param("movie_id"), APPEND],
                )
            }
        }
    )
    source = render_files(plan)["src/tmdbfusion/resources/movies.py"]
    compile(source, "movies.py", "exec")
