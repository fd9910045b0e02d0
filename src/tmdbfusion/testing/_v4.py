"""FakeTMDB's v4 API: the user login flow, and lists that exist until they are deleted.

State lives in :class:`FakeV4` (``fake.v4``): request tokens, the users' access tokens, and the
lists with their items. The server hands it every v4 request no route of yours answered, with the
raw credentials (the recorded requests only ever hold masked ones).

The login works like TMDB's: ``POST /4/auth/request_token`` gives a pending token; the user
approves it by opening the approval page, here ``GET /auth/access?request_token=...`` on the
fake server itself (or :meth:`FakeV4.approve` in a test); ``POST /4/auth/access_token`` exchanges
it once for an access token acting as the fake user; ``DELETE /4/auth/access_token`` revokes it.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

__all__ = ["FakeV4", "FakeV4List"]

#: The account object id of the one user of the fake server.
FAKE_ACCOUNT_OBJECT_ID = "5f0c6b3ad5ddc8003a9c1e42"
PAGE_SIZE = 20
#: TMDB's approval page, served by the fake server too.
APPROVAL_PATH = "/auth/access"
SORTS = (
    "original_order.asc",
    "original_order.desc",
    "vote_average.asc",
    "vote_average.desc",
    "primary_release_date.asc",
    "primary_release_date.desc",
    "title.asc",
    "title.desc",
)
Answer = tuple[int, Any, Mapping[str, str]]


def _status(code: int, message: str, status: int = 200, **extra: Any) -> Answer:
    return (
        status,
        {"success": status < 300, "status_code": code, "status_message": message, **extra},
        {},
    )


def _error(status: int, code: int, message: str) -> Answer:
    return _status(code, message, status)


_NOT_FOUND = (404, 34, "The resource you requested could not be found.")
_NEEDS_USER = (401, 36, "This token hasn't been granted write permission by the user.")


@dataclass
class FakeV4List:
    """One list on the fake server: its fields and its items in the order added."""

    id: int
    name: str
    iso_639_1: str
    owner: str
    description: str = ""
    iso_3166_1: str = "US"
    public: bool = True
    sort_by: str = "original_order.asc"
    created_at: str = "2026-01-01 12:00:00 UTC"
    items: dict[tuple[str, int], str | None] = field(default_factory=dict)  # -> comment


def _item(media_type: str, media_id: int) -> dict[str, Any]:
    """A made-up movie or TV show for a list page, recognisable by its id."""
    common = {
        "media_type": media_type,
        "id": media_id,
        "adult": False,
        "backdrop_path": None,
        "genre_ids": [18],
        "original_language": "en",
        "overview": f"Made up by FakeTMDB for {media_type} {media_id}.",
        "popularity": round(10 + media_id % 90 + 0.5, 1),
        "poster_path": f"/{media_type}{media_id}.jpg",
        "vote_average": round(5 + media_id % 50 / 10, 1),
        "vote_count": 100 + media_id,
    }
    if media_type == "movie":
        title = f"Movie {media_id}"
        return {
            **common,
            "title": title,
            "original_title": title,
            "release_date": "2001-01-01",
            "video": False,
        }
    name = f"TV show {media_id}"
    return {
        **common,
        "name": name,
        "original_name": name,
        "first_air_date": "2001-01-01",
        "origin_country": ["US"],
    }


class FakeV4:
    """The v4 state of one :class:`~tmdbfusion.testing.FakeTMDB` (``fake.v4``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.account_object_id = FAKE_ACCOUNT_OBJECT_ID
        self._request_tokens: dict[str, bool] = {}  # token -> approved
        self._redirects: dict[str, str] = {}
        self._access_tokens: set[str] = set()
        self.lists: dict[int, FakeV4List] = {}
        self._next_list_id = 8_000_001

    # --- for tests ----------------------------------------------------------------------------

    def approve(self, request_token: str) -> None:
        """Approve a request token, as the user does on TMDB's approval page."""
        with self._lock:
            if request_token not in self._request_tokens:
                raise KeyError(
                    "unknown request token: create one with v4.auth.create_request_token"
                )
            self._request_tokens[request_token] = True

    def accepts(self, bearer: str | None) -> bool:
        """Tell whether ``bearer`` is a user access token this server issued and not revoked."""
        with self._lock:
            return bearer is not None and bearer in self._access_tokens

    # --- answering -----------------------------------------------------------------------------

    def answer(
        self,
        method: str,
        segments: list[str],
        query: Mapping[str, str],
        bearer: str | None,
        body: bytes,
    ) -> Answer | None:
        """Answer a v4 request (or the approval page); None when no v4 route matches."""
        parts = [s for s in segments if s]
        try:
            data = msgspec.json.decode(body) if body else {}
        except msgspec.DecodeError:
            return _error(400, 5, "Invalid parameters: Your request parameters are incorrect.")
        if not isinstance(data, dict):
            data = {}
        with self._lock:
            if parts == ["auth", "access"] and method == "GET":
                return self._approve_page(query.get("request_token", ""))
            if parts[:1] != ["4"]:
                return None
            if bearer is None:
                return _error(401, 7, "Invalid API key: v4 needs an Authorization: Bearer token.")
            user = bearer in self._access_tokens
            return self._route(method, parts[1:], query, data, bearer, user)

    def _route(
        self,
        method: str,
        parts: list[str],
        query: Mapping[str, str],
        data: dict[str, Any],
        bearer: str,
        user: bool,
    ) -> Answer | None:
        match method, parts:
            case "POST", ["auth", "request_token"]:
                token = f"rt-{secrets.token_hex(12)}"
                self._request_tokens[token] = False
                if isinstance(data.get("redirect_to"), str):
                    self._redirects[token] = data["redirect_to"]
                return _status(1, "Success.", request_token=token)
            case "POST", ["auth", "access_token"]:
                return self._exchange(str(data.get("request_token", "")))
            case "DELETE", ["auth", "access_token"]:
                token = str(data.get("access_token", ""))
                if token not in self._access_tokens:
                    return _error(401, 3, "Authentication failed: unknown or revoked token.")
                self._access_tokens.discard(token)
                return _status(13, "The item/record was deleted successfully.")
            case "GET", ["account", account, kind]:
                return self._account_lists(account, query) if kind == "lists" else None
            case "GET", [
                "account",
                account,
                ("movie" | "tv"),
                ("favorites" | "rated" | "recommendations" | "watchlist"),
            ]:
                # The fake user has marked and rated nothing: an empty page of the right shape.
                if account != self.account_object_id:
                    return _error(*_NOT_FOUND)
                return 200, {"page": 1, "results": [], "total_pages": 1, "total_results": 0}, {}
            case "POST", ["list"]:
                return self._create(data) if user else _error(*_NEEDS_USER)
            case _, ["list", list_id, *rest] if list_id.isdigit():
                return self._list_call(method, int(list_id), rest, query, data, user)
        return None

    def _approve_page(self, token: str) -> Answer:
        if token not in self._request_tokens:
            return _error(404, 34, "Unknown request token.")
        self._request_tokens[token] = True
        redirect = self._redirects.get(token)
        if redirect is not None:
            return 302, {"approved": True}, {"Location": redirect}
        return 200, {"approved": True, "request_token": token}, {}

    def _exchange(self, request_token: str) -> Answer:
        approved = self._request_tokens.get(request_token)
        if approved is None:
            return _error(
                401, 33, "Invalid request token: The request token is either expired or invalid."
            )
        if not approved:
            return _error(401, 36, "This request token hasn't been approved by the user.")
        del self._request_tokens[request_token]  # one exchange per approval
        access_token = (
            f"eyJhbGciOiJIUzI1NiJ9.{secrets.token_urlsafe(24)}.{secrets.token_urlsafe(8)}"
        )
        self._access_tokens.add(access_token)
        return _status(1, "Success.", account_id=self.account_object_id, access_token=access_token)

    def _account_lists(self, account: str, query: Mapping[str, str]) -> Answer:
        owned = [entry for entry in self.lists.values() if entry.owner == account]
        summaries = [
            {
                "id": entry.id,
                "name": entry.name,
                "description": entry.description,
                "account_object_id": entry.owner,
                "adult": 0,
                "average_rating": 0.0,
                "backdrop_path": None,
                "poster_path": None,
                "created_at": entry.created_at,
                "updated_at": entry.created_at,
                "featured": 0,
                "iso_3166_1": entry.iso_3166_1,
                "iso_639_1": entry.iso_639_1,
                "number_of_items": len(entry.items),
                "public": int(entry.public),
                "revenue": 0,
                "runtime": "0",
                "sort_by": SORTS.index(entry.sort_by) + 1,
            }
            for entry in owned
        ]
        return self._paged(summaries, query, {})

    def _paged(self, items: list[Any], query: Mapping[str, str], extra: dict[str, Any]) -> Answer:
        page_text = query.get("page", "1")
        page = int(page_text) if page_text.isdigit() else 0
        if not 1 <= page <= 500:
            return _error(400, 22, "Invalid page: Pages start at 1 and max at 500.")
        total_pages = max(1, -(-len(items) // PAGE_SIZE))
        start = (page - 1) * PAGE_SIZE
        body = {
            **extra,
            "page": page,
            "results": items[start : start + PAGE_SIZE],
            "total_pages": total_pages,
            "total_results": len(items),
        }
        return 200, body, {}

    def _create(self, data: dict[str, Any]) -> Answer:
        name, language = data.get("name"), data.get("iso_639_1")
        if not isinstance(name, str) or not name or not isinstance(language, str):
            return _error(422, 47, "The input is not valid: name and iso_639_1 are required.")
        list_id = self._next_list_id
        self._next_list_id += 1
        self.lists[list_id] = FakeV4List(
            id=list_id,
            name=name,
            iso_639_1=language,
            owner=self.account_object_id,
            description=str(data.get("description") or ""),
            iso_3166_1=str(data.get("iso_3166_1") or "US"),
            public=data.get("public", True) is not False,
        )
        return _status(1, "The item/record was created successfully.", 201, id=list_id)

    def _list_call(
        self,
        method: str,
        list_id: int,
        rest: list[str],
        query: Mapping[str, str],
        data: dict[str, Any],
        user: bool,
    ) -> Answer | None:
        entry = self.lists.get(list_id)
        if entry is None or (not entry.public and not user):
            return _error(*_NOT_FOUND)
        if method == "GET" and rest == []:
            return self._details(entry, query)
        if method == "GET" and rest == ["item_status"]:
            key = (query.get("media_type", ""), int(query.get("media_id", "0") or 0))
            if key not in entry.items:
                return _error(*_NOT_FOUND)
            return _status(1, "Success.", id=list_id, media_type=key[0], media_id=key[1])
        if not user:
            return _error(*_NEEDS_USER)
        match method, rest:
            case "PUT", []:
                for name in ("name", "description", "public", "sort_by"):
                    if name in data:
                        setattr(entry, name, data[name])
                return _status(12, "The item/record was updated successfully.", 201)
            case "DELETE", []:
                del self.lists[list_id]
                return _status(13, "The item/record was deleted successfully.")
            case "GET", ["clear"]:
                removed = len(entry.items)
                entry.items.clear()
                return _status(1, "Success.", id=list_id, items_deleted=removed)
            case (("POST" | "PUT" | "DELETE"), ["items"]):
                return self._items(entry, method, data.get("items"))
        return None

    def _items(self, entry: FakeV4List, method: str, items: Any) -> Answer:
        if not isinstance(items, list) or not items:
            return _error(422, 47, "The input is not valid: items must be a non-empty list.")
        outcomes = []
        for item in items:
            media_type, media_id = item.get("media_type"), item.get("media_id")
            if media_type not in ("movie", "tv") or not isinstance(media_id, int):
                return _error(
                    422, 47, "The input is not valid: each item needs media_type and media_id."
                )
            key = (media_type, media_id)
            present = key in entry.items
            if method == "POST":
                ok = not present
                if ok:
                    entry.items[key] = item.get("comment")
            elif method == "PUT":
                ok = present
                if ok:
                    entry.items[key] = item.get("comment")
            else:
                ok = present
                entry.items.pop(key, None)
            outcomes.append({"media_type": media_type, "media_id": media_id, "success": ok})
        return _status(1, "Success.", results=outcomes)

    def _details(self, entry: FakeV4List, query: Mapping[str, str]) -> Answer:
        keys = list(entry.items)
        field_name, _, direction = entry.sort_by.partition(".")
        if field_name != "original_order":
            shown = field_name.removeprefix("primary_")
            keys.sort(key=lambda key: (_item(*key).get(shown) or _item(*key).get("name"), key[1]))
        if direction == "desc":
            keys.reverse()
        labels = {key: f"{key[0]}:{key[1]}" for key in keys}
        extra = {
            "id": entry.id,
            "name": entry.name,
            "description": entry.description,
            "public": entry.public,
            "iso_639_1": entry.iso_639_1,
            "iso_3166_1": entry.iso_3166_1,
            "sort_by": entry.sort_by,
            "average_rating": 0.0,
            "backdrop_path": None,
            "poster_path": None,
            "revenue": 0,
            "runtime": 0,
            "created_by": {
                "id": entry.owner,
                "name": "Fake User",
                "username": "fake_user",
                "gravatar_hash": "0" * 32,
            },
            "comments": {labels[key]: entry.items[key] for key in keys},
            "object_ids": {labels[key]: f"{key[1]:024x}" for key in keys},
        }
        return self._paged([_item(*key) for key in keys], query, extra)
