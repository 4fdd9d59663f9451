"""Reading a watched account's feed back to where the last poll stopped (new_roots), on a
feed that changes between polls the way the AppView's does. The feed is a list in memory:
new_roots only pages through `author_feed`, which is all this stand-in implements."""

from __future__ import annotations

from bot.daemon.watch import new_roots
from bot.models import FeedPage, Post

ACCOUNT = "did:plc:reporter"


class Feed:
    """An account's feed, newest first, two posts a page."""

    def __init__(self, posts: list[Post]) -> None:
        self.posts = posts

    def author_feed(self, account_id: str, cursor: str | None, limit: int) -> FeedPage:
        start = int(cursor or 0)
        page = self.posts[start : start + 2]
        more = start + 2 < len(self.posts)
        return FeedPage(posts=page, cursor=str(start + 2) if more else None)


def post(name: str, at: str, root: str | None = None) -> Post:
    return Post(
        id=f"at://{ACCOUNT}/app.bsky.feed.post/{name}",
        platform="bluesky",
        author_id=ACCOUNT,
        created_at=at,
        indexed_at=at,
        reply_root_id=f"at://{ACCOUNT}/app.bsky.feed.post/{root}" if root else None,
        reply_root_author_id=ACCOUNT if root else None,
    )


def ids(roots: dict[str, str]) -> set[str]:
    return {r.rsplit("/", 1)[1] for r in roots}


def test_a_post_that_reaches_the_feed_late_is_found_on_the_next_poll() -> None:
    late = post("a", "2026-02-03T14:00:00.000Z")  # written first, in the feed only later
    newer = post("b", "2026-02-03T14:00:05.000Z")
    since = "2026-02-03T13:00:00.000Z"
    roots, position, capped = new_roots(Feed([newer]), ACCOUNT, since, 200)  # type: ignore[arg-type]
    assert (ids(roots), position, capped) == ({"b"}, newer.created_at, False)
    assert position is not None
    roots, again, _ = new_roots(Feed([newer, late]), ACCOUNT, position, 200)  # type: ignore[arg-type]
    assert "a" in ids(roots)
    assert again is None  # nothing newer than the position: it stays where it was


def test_the_reading_stops_an_index_lag_before_the_position() -> None:
    posts = [
        post("c2", "2026-02-03T14:30:00.000Z", root="c1"),
        post("c1", "2026-02-03T14:29:00.000Z"),
        post("old", "2026-02-03T13:00:00.000Z"),  # an hour before the position: not read
        post("older", "2026-02-03T12:00:00.000Z"),
    ]
    feed = Feed(posts)
    roots, position, capped = new_roots(feed, ACCOUNT, "2026-02-03T14:25:00.000Z", 200)  # type: ignore[arg-type]
    assert ids(roots) == {"c1"} and position == "2026-02-03T14:30:00.000Z" and not capped


def test_the_cap_says_it_stopped_the_reading() -> None:
    posts = [post(f"p{i}", f"2026-02-03T14:{59 - i:02d}:00.000Z") for i in range(6)]
    roots, position, capped = new_roots(Feed(posts), ACCOUNT, "2026-02-03T13:00:00.000Z", 4)  # type: ignore[arg-type]
    assert len(roots) == 4 and capped and position == "2026-02-03T14:59:00.000Z"


def test_what_an_account_posted_after_its_first_failed_poll_is_not_backfill() -> None:
    # its first polls failed; by the time one works it has posted more than the backfill cap
    posts = [post(f"p{i}", f"2026-02-03T14:{59 - i:02d}:00.000Z") for i in range(6)]
    posts.append(post("before", "2026-02-03T13:30:00.000Z"))
    roots, _, capped = new_roots(
        Feed(posts),  # type: ignore[arg-type]
        ACCOUNT,
        "2026-01-27T14:00:00.000Z",
        2,
        first_tried="2026-02-03T14:00:00.000Z",
    )
    assert ids(roots) == {f"p{i}" for i in range(6)} and capped  # "before" is backfill
