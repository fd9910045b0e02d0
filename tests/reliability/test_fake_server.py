"""The fake TMDB server itself: routes, bodies, recording, fault rules, starting and stopping."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx
import msgspec
import pytest

import tmdbfusion.models as models
from tmdbfusion import TMDBClient
from tmdbfusion.exceptions import APIError, AuthenticationError, NotFoundError, ServerError
from tmdbfusion.testing import (
    FAKE_API_KEY,
    FakeResponse,
    FakeTMDB,
    Fault,
    RecordedRequest,
    sample_json,
    tmdb_error,
)

from .conftest import run_async

API_KEY = "3fa1c0de9b8e4d2f8a7b6c5d4e3f2a1b"


@pytest.mark.slow
def test_every_sdk_operation_is_answered_with_a_body_its_type_decodes(tmdb: FakeTMDB) -> None:
    operations = tmdb.operations
    assert len(operations) == 152
    with tmdb.client(max_retries=0) as client:
        for operation in operations:
            names = [part[1:-1] for part in operation.path.split("/") if part.startswith("{")]
            result = client._request(
                operation.method,
                operation.path,
                path_params={name: 7 for name in names},
                cast_to=operation.cast_to,
            )
            assert result is not None, operation.sdk_method
    assert {request.route for request in tmdb.requests} == {op.path for op in operations}


def test_ids_in_the_path_come_back_in_the_body(tmdb: FakeTMDB) -> None:
    with tmdb.client() as client:
        movie = client.movies.details(550)
        show = client.tv.details(1399)
        episode = client.tv_episodes.details(1399, 2, 5)
    assert (movie.id, movie.title) == (550, "Movie 550")
    assert (show.id, show.name) == (1399, "Tv 1399")
    assert (episode.season_number, episode.episode_number) == (2, 5)
    assert movie.genres and movie.genres[0].name == "Genre 1"
    assert movie.poster_path is not None and movie.poster_path.endswith(".jpg")


def test_lists_page_through_total_pages(tmdb: FakeTMDB) -> None:
    with tmdb.client() as client:
        first = client.movies.popular()
        ids = [movie.id for movie in first]
    assert first.total_pages == 3
    assert ids == list(range(1, 61))
    assert [request.query.get("page") for request in tmdb.requests] == [None, "2", "3"]


def test_search_results_carry_the_query_and_cycle_through_the_union(tmdb: FakeTMDB) -> None:
    with tmdb.client() as client:
        page = client.search.multi(query="Alien")
    kinds = [type(item).__name__ for item in page.results[:3]]
    assert kinds == ["MovieResult", "PersonResult", "TvSeriesResult"]
    first = page.results[0]
    assert isinstance(first, models.MovieResult)
    assert first.title == "Alien 1"


def test_append_to_response_adds_only_the_parts_asked_for(tmdb: FakeTMDB) -> None:
    with tmdb.client() as client:
        plain = client.movies.details(550)
        rich = client.movies.details(550, append_to_response=["credits", "videos"])
    assert plain.credits is None and plain.videos is None
    assert rich.credits is not None and rich.credits.id == 550
    assert rich.videos is not None
    assert rich.images is None


def test_pages_outside_tmdbs_range_and_unknown_paths_get_tmdbs_errors(tmdb: FakeTMDB) -> None:
    with tmdb.client(max_retries=0) as client:
        with pytest.raises(NotFoundError) as missing:
            client._request("GET", "/3/movie/550/nothing", cast_to=dict[str, Any])
        # The SDK refuses page 501 itself, so ask with httpx directly.
        beyond = httpx.get(f"{tmdb.url}/3/movie/popular?page=501&api_key={FAKE_API_KEY}")
    assert missing.value.tmdb_status_code == 34
    assert beyond.status_code == 400
    assert beyond.json() == tmdb_error(400)
    assert beyond.json()["status_code"] == 22


def test_credentials_are_required_and_checked(tmdb: FakeTMDB) -> None:
    anonymous = httpx.get(f"{tmdb.url}/3/movie/550")
    assert anonymous.status_code == 401
    assert anonymous.json() == {
        "success": False,
        "status_code": 7,
        "status_message": "Invalid API key: You must be granted a valid key.",
    }
    with FakeTMDB(api_key=API_KEY) as strict:
        with (
            strict.client(api_key="0" * 32, max_retries=0) as wrong,
            pytest.raises(AuthenticationError, match=r"TMDB code 7"),
        ):
            wrong.movies.details(550)
        with strict.client() as right:
            assert right.movies.details(550).id == 550
        # A credential passed positionally-by-name is the caller's: none is added beside it.
        with strict.client(credential=API_KEY) as given:
            assert given.movies.details(551).id == 551
        assert [request.auth for request in strict.requests] == ["api_key"] * 3


def test_requests_are_recorded_with_secrets_masked() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ0ZXN0In0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
    session = "2629f70fb498edc263a0adb99118ac41f0053e8c"
    with FakeTMDB() as tmdb:
        with tmdb.client(api_key=API_KEY, access_token=token) as client:
            client.movies.add_rating(550, value=8.5, session_id=session)
            client.guest_sessions.rated_movies("1ce82ec1223641636ad4a60b07de3581")
        rating, guest = tmdb.requests
    assert isinstance(rating, RecordedRequest)
    assert (rating.number, rating.method, rating.path) == (1, "POST", "/3/movie/550/rating")
    assert rating.route == "/3/movie/{movie_id}/rating"
    assert rating.path_params == {"movie_id": "550"}
    assert rating.query == {"session_id": "***", "api_key": "***"}
    assert rating.headers["authorization"] == "Bearer ***"
    assert rating.json() == {"value": 8.5}
    assert rating.auth == "access_token+api_key"
    assert rating.fault is None
    assert guest.path == "/3/guest_session/***/rated/movies"
    assert guest.path_params == {"guest_session_id": "***"}
    everything = repr(tmdb.requests)
    for secret in (API_KEY, token, session, "1ce82ec1223641636ad4a60b07de3581"):
        assert secret not in everything


def test_routes_added_by_the_user_win_and_receive_the_request(tmdb: FakeTMDB) -> None:
    fight_club = sample_json(models.MovieDetails, seed=550, title="Fight Club", runtime=139)
    tmdb.add_route("GET", "/3/movie/550", fight_club)
    tmdb.add_route(
        "GET",
        "/3/movie/{movie_id}/keywords",
        lambda request: {"id": int(request.path_params["movie_id"]), "keywords": []},
    )
    tmdb.add_route(
        "DELETE",
        "/3/movie/{movie_id}/rating",
        FakeResponse(
            status=200, json={"success": True, "status_code": 13, "status_message": "Deleted."}
        ),
    )
    with tmdb.client() as client:
        movie = client.movies.details(550)
        other = client.movies.details(551)
        keywords = client.movies.keywords(603)
        deleted = client.movies.delete_rating(550, session_id="abc")
    assert (movie.title, movie.runtime) == ("Fight Club", 139)
    assert other.title == "Movie 551"
    assert keywords.id == 603
    assert deleted.status_code == 13


def test_a_failing_route_handler_is_reported_to_the_client(tmdb: FakeTMDB) -> None:
    def broken(request: RecordedRequest) -> Any:
        raise LookupError("no such fixture")

    tmdb.add_route("GET", "/3/movie/{movie_id}", broken)
    with (
        tmdb.client(max_retries=0) as client,
        pytest.raises(ServerError, match="raised LookupError: no such fixture"),
    ):
        client.movies.details(550)


@pytest.mark.parametrize(
    ("fault", "path"),
    [(Fault.large_page(), "/3/movie/550"), (Fault.wrong_shape("genres.7.name"), "/3/movie/550")],
    ids=["a page fault on a details answer", "a path the answer lacks"],
)
def test_a_fault_that_does_not_fit_the_answer_says_so(
    tmdb: FakeTMDB, fault: Fault, path: str
) -> None:
    tmdb.inject(fault, path=path)
    with (
        tmdb.client(max_retries=0) as client,
        pytest.raises(ServerError, match=r"the fake server could not apply Fault\."),
    ):
        client.movies.details(550)


def test_fault_rules_count_matching_requests(tmdb: FakeTMDB) -> None:
    first_two = tmdb.inject(Fault.status(500), path="/3/movie/{movie_id}", times=2)
    second_call = tmdb.inject(Fault.status(502), path="/3/tv/*", calls=[2])
    only_posts = tmdb.inject(Fault.status(503), method="POST", times=None)
    with tmdb.client(max_retries=0) as client:
        outcomes = []
        for call in (
            lambda: client.movies.details(1),
            lambda: client.movies.details(2),
            lambda: client.movies.details(3),
            lambda: client.tv.details(1),
            lambda: client.tv.details(2),
            lambda: client.tv.details(3),
            lambda: client.movies.add_rating(1, value=7.0),
            lambda: client.movies.add_rating(1, value=7.0),
        ):
            try:
                call()
            except APIError as error:
                outcomes.append(error.http_status)
            else:
                outcomes.append(200)
    assert outcomes == [500, 500, 200, 200, 502, 200, 503, 503]
    assert (first_two.matched, first_two.fired) == (3, 2)
    assert (second_call.matched, second_call.fired) == (3, 1)
    assert (only_posts.matched, only_posts.fired) == (2, 2)
    assert [str(request.fault) for request in tmdb.requests][:3] == [
        "Fault.status(500)",
        "Fault.status(500)",
        "None",
    ]


def test_reset_forgets_requests_and_faults(tmdb: FakeTMDB) -> None:
    tmdb.inject(Fault.status(500), times=None)
    with tmdb.client(max_retries=0) as client:
        with pytest.raises(ServerError, match="HTTP 500"):
            client.movies.details(1)
        tmdb.reset()
        assert tmdb.requests == []
        assert client.movies.details(1).id == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Fault.status(200), "status must be an HTTP error status"),
        (lambda: Fault.rate_limit(-1), "wait must be a number of seconds"),
        (lambda: Fault.rate_limit(1, form="minutes"), "form must be seconds, http-date"),
        (lambda: Fault.stall(float("nan")), "seconds must be a number of seconds"),
        (lambda: Fault.large_page(0), "results must be an int of 1 or more"),
    ],
)
def test_faults_are_checked_when_made(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_fault_rules_are_checked_when_injected(tmdb: FakeTMDB) -> None:
    with pytest.raises(ValueError, match="times must be an int of 1 or more"):
        tmdb.inject(Fault.reset(), times=0)
    with pytest.raises(ValueError, match="calls must be call numbers"):
        tmdb.inject(Fault.reset(), calls=[0])
    with pytest.raises(TypeError, match="fault must be a Fault"):
        tmdb.inject("reset")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="path pattern must be a non-empty str"):
        tmdb.inject(Fault.reset(), path="")


def test_the_server_is_usable_only_while_running() -> None:
    server = FakeTMDB()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
    with server:
        with pytest.raises(RuntimeError, match="already running"):
            server.start()
        url = server.url
    server.stop()  # stopping twice is harmless
    with pytest.raises(httpx.ConnectError), httpx.Client() as client:
        client.get(url + "/3/movie/550")


def test_stopping_ends_stalls_and_open_connections_at_once() -> None:
    with FakeTMDB() as tmdb:
        tmdb.inject(Fault.stall(60))
        # A raw keep-alive connection left idle, and a request stalled for a minute.
        idle = socket.create_connection(("127.0.0.1", int(tmdb.url.rsplit(":", 1)[1])))
        stalled_client = httpx.Client(timeout=30)
        outcome: list[BaseException] = []

        def stalled_call() -> None:
            try:
                stalled_client.get(f"{tmdb.url}/3/movie/550?api_key=x")
            except httpx.HTTPError as error:
                outcome.append(error)

        worker = threading.Thread(target=stalled_call)
        worker.start()
        while not tmdb.requests:
            time.sleep(0.005)
        started = time.monotonic()
    stopped_in = time.monotonic() - started
    worker.join(5)
    idle.close()
    stalled_client.close()
    assert stopped_in < 1.0
    assert not worker.is_alive()
    # The stalled request ends as a broken connection (no answer), not a timeout.
    assert len(outcome) == 1 and isinstance(outcome[0], httpx.TransportError)
    assert not isinstance(outcome[0], httpx.TimeoutException)


def test_the_server_works_as_an_async_context_manager() -> None:
    async def main() -> list[int]:
        async with FakeTMDB() as tmdb, tmdb.async_client() as client:
            movies = [await client.movies.details(movie_id) for movie_id in (550, 551)]
        return [movie.id for movie in movies]

    assert run_async(main()) == [550, 551]


def test_client_helpers_point_at_the_server_and_supply_a_key(tmdb: FakeTMDB) -> None:
    with tmdb.client() as client:
        assert isinstance(client, TMDBClient)
        assert repr(client) == f"TMDBClient(base_url='{tmdb.url}', auth='api_key')"
    with FakeTMDB(access_token="eyJhbGciOiJub25lIn0.eyJ9.c2ln") as token_only:
        with token_only.client() as client:
            assert client.movies.details(1).id == 1
        assert token_only.requests[0].auth == "access_token"


def test_sample_json_decodes_into_its_type_and_takes_field_values() -> None:
    for cast_to in (models.MovieDetails, models.MediaResultPage, list[models.Genre]):
        value = sample_json(cast_to, seed=42)
        msgspec.json.decode(msgspec.json.encode(value), type=cast_to)
    movie = sample_json(models.MovieDetails, seed=550, title="Fight Club")
    assert (movie["id"], movie["title"]) == (550, "Fight Club")
    with pytest.raises(TypeError, match="only object types take field values"):
        sample_json(list[models.Genre], name="Drama")
