"""Log a TMDB user in with the v4 API, then manage one of their lists as them.

Needs your API Read Access Token (v4 calls accept only a Bearer token) in TMDB_ACCESS_TOKEN::

    python examples/v4_login.py --movie 38 --tv 1396

The script prints the page where the user approves the login and waits for Enter; then it acts
as that user: creates a list, adds the titles, reads the list back, deletes it, gets a v3
session id from the user's token (for v3's account endpoints), and logs out.
"""

from __future__ import annotations

import argparse
import sys

from tmdbfusion import TMDBClient
from tmdbfusion.exceptions import AccessTokenRequiredError, MissingCredentialsError
from tmdbfusion.login import TMDB_SITE, approval_url
from tmdbfusion.models.v4 import MovieListItem


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="The v4 user login, and a list made as the user.")
    parser.add_argument("--base-url", default="https://api.themoviedb.org", help="API host")
    parser.add_argument("--site", default=TMDB_SITE, help="website with the approval page")
    parser.add_argument("--redirect-to", help="where TMDB sends the user after approving")
    parser.add_argument("--movie", type=int, action="append", default=[], help="movie id to add")
    parser.add_argument("--tv", type=int, action="append", default=[], help="TV show id to add")
    parser.add_argument("--list-name", default="Made with tmdbfusion", help="name of the list")
    return parser.parse_args(argv)


def login(app: TMDBClient, args: argparse.Namespace) -> tuple[str, str]:
    """Run the three login steps; return the user's access token and account object id."""
    pending = app.v4.auth.create_request_token(redirect_to=args.redirect_to)
    if pending.request_token is None:
        raise RuntimeError("TMDB answered without a request token")
    url = approval_url(pending.request_token, site=args.site)
    input(f"Open {url} , approve, then press Enter: ")
    granted = app.v4.auth.create_access_token(request_token=pending.request_token)
    if granted.access_token is None or granted.account_id is None:
        raise RuntimeError("TMDB answered without an access token")
    return granted.access_token, granted.account_id


def main(argv: list[str] | None = None) -> int:
    """Log in, manage a list as the user, log out; return the exit status."""
    args = parse_args(argv)
    try:
        app = TMDBClient(base_url=args.base_url)
        with app:
            access_token, account_id = login(app, args)
            print(f"logged in: account {account_id}")
            user = app.with_access_token(access_token)  # shares app's connection pool
            created = user.v4.lists.create(name=args.list_name, iso_639_1="en", public=False)
            if created.id is None:
                raise RuntimeError("TMDB answered without the new list's id")
            items = [{"media_type": "movie", "media_id": m} for m in args.movie]
            items += [{"media_type": "tv", "media_id": t} for t in args.tv]
            if items:
                added = user.v4.lists.add_items(created.id, items=items)
                print(f"added {sum(bool(r.success) for r in added.results)} of {len(items)}")
            page = user.v4.lists.details(created.id)
            print(f"list {created.id}: {page.data.name!r}, {page.total_results} items")
            for item in page:  # every item, across pages
                title = item.title if isinstance(item, MovieListItem) else item.name
                print(f"  {type(item).__name__} {item.id}: {title}")
            user.v4.lists.delete(created.id)
            session = user.authentication.create_session_from_v4_token(access_token=access_token)
            print(f"v3 session: {'yes' if session.session_id else 'no'}")
            user.v4.auth.logout(access_token=access_token)
            print("logged out")
    except (MissingCredentialsError, AccessTokenRequiredError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
