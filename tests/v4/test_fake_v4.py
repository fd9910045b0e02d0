"""The v4 login flow and lists, end to end against FakeTMDB (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tmdbfusion.exceptions import AuthenticationError, NotFoundError
from tmdbfusion.login import approval_url
from tmdbfusion.models.v4 import MovieListItem, TvSeriesListItem
from tmdbfusion.testing import FakeTMDB

APP_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJhcHAiOiJmYWtlIn0.YXBwLXNpZ25hdHVyZQ"


def test_login_flow_and_lists_end_to_end() -> None:
    with FakeTMDB(access_token=APP_TOKEN) as fake, fake.client(max_retries=0) as app:
        pending = app.v4.auth.create_request_token(redirect_to="https://app.example/done")
        assert pending.request_token
        # Not approved yet: the exchange is refused.
        with pytest.raises(AuthenticationError, match="approved"):
            app.v4.auth.create_access_token(request_token=pending.request_token)
        page = httpx.get(approval_url(pending.request_token, site=fake.url))
        assert page.status_code == 302 and page.headers["location"] == "https://app.example/done"
        granted = app.v4.auth.create_access_token(request_token=pending.request_token)
        assert fake.v4 is not None and granted.account_id == fake.v4.account_object_id
        assert granted.access_token and granted.account_id
        # An approval is good for one exchange.
        with pytest.raises(AuthenticationError):
            app.v4.auth.create_access_token(request_token=pending.request_token)

        user = app.with_access_token(granted.access_token)
        # The application's own token may read but not write a user's lists.
        with pytest.raises(AuthenticationError):
            app.v4.lists.create(name="Not mine", iso_639_1="en")
        created = user.v4.lists.create(name="Rainy", iso_639_1="en", public=False)
        assert created.id is not None
        list_id = created.id
        items = [{"media_type": "movie", "media_id": n} for n in range(1, 25)]
        items.append({"media_type": "tv", "media_id": 1396, "comment": "with Sam"})
        added = user.v4.lists.add_items(list_id, items=items)
        assert all(outcome.success for outcome in added.results)
        again = user.v4.lists.add_items(list_id, items=items[:1])
        assert [outcome.success for outcome in again.results] == [False]  # already there

        details = user.v4.lists.details(list_id)
        assert details.data.name == "Rainy" and details.data.public is False
        assert details.total_results == 25 and details.total_pages == 2
        every = list(details)  # walks both pages
        assert len(every) == 25
        assert all(isinstance(item, MovieListItem) for item in every[:24])
        assert isinstance(every[-1], TvSeriesListItem) and every[-1].id == 1396
        assert details.data.comments["tv:1396"] == "with Sam"
        with pytest.raises(NotFoundError):  # private: the app's token does not see it
            app.v4.lists.details(list_id)

        user.v4.lists.update_items(
            list_id, items=[{"media_type": "tv", "media_id": 1396, "comment": "rewatch"}]
        )
        user.v4.lists.update(list_id, name="Rainy Sundays", public=True, sort_by="title.desc")
        assert app.v4.lists.details(list_id).data.name == "Rainy Sundays"  # public now
        status = user.v4.lists.item_status(list_id, media_id=1396, media_type="tv")
        assert (status.media_id, status.media_type) == (1396, "tv")
        user.v4.lists.remove_items(list_id, items=[{"media_type": "tv", "media_id": 1396}])
        with pytest.raises(NotFoundError):
            user.v4.lists.item_status(list_id, media_id=1396, media_type="tv")

        mine = list(user.v4.account.lists(granted.account_id))
        assert [(entry.id, entry.number_of_items) for entry in mine] == [(list_id, 24)]
        assert user.v4.lists.clear(list_id).items_deleted == 24
        assert user.v4.lists.details(list_id).total_results == 0  # still exists, empty
        user.v4.lists.delete(list_id)
        with pytest.raises(NotFoundError):
            user.v4.lists.details(list_id)

        session = user.authentication.create_session_from_v4_token(
            access_token=granted.access_token
        )
        assert session.session_id
        user.v4.auth.logout(access_token=granted.access_token)
        with pytest.raises(AuthenticationError):  # the token is revoked
            user.v4.lists.create(name="After logout", iso_639_1="en")
        secrets_seen = [r for r in fake.requests if granted.access_token in repr(r)]
        assert secrets_seen == []


def test_async_login_flow() -> None:
    async def run() -> None:
        async with FakeTMDB(access_token=APP_TOKEN) as fake, fake.async_client() as app:
            pending = await app.v4.auth.create_request_token()
            assert pending.request_token and fake.v4 is not None
            fake.v4.approve(pending.request_token)
            granted = await app.v4.auth.create_access_token(request_token=pending.request_token)
            assert granted.access_token
            user = app.with_access_token(granted.access_token)
            created = await user.v4.lists.create(name="Async", iso_639_1="en")
            assert created.id is not None
            await user.v4.lists.add_items(
                created.id, items=[{"media_type": "movie", "media_id": 603}]
            )
            titles = [
                item.title
                async for item in user.v4.lists.details(created.id)
                if isinstance(item, MovieListItem)
            ]
            assert titles == ["Movie 603"]
            assert created.id in fake.v4.lists  # exists until deleted
            await user.v4.lists.delete(created.id)
            assert created.id not in fake.v4.lists

    asyncio.run(run())


def test_approving_an_unknown_token_is_refused() -> None:
    with FakeTMDB() as fake:
        assert fake.v4 is not None
        with pytest.raises(KeyError, match="unknown request token"):
            fake.v4.approve("rt-never-made")
        assert httpx.get(approval_url("rt-never-made", site=fake.url)).status_code == 404
