"""Write X data exports as X does (for tests, the demo and benchmarks). Standard library only.

    from x_export import Owner, generated_tweets, sample_thread_tweets, write_export
    owner = Owner("1500000000000000001", "dana_whitlock", "Dana Whitlock")
    tweets, notes = sample_thread_tweets(owner)
    write_export(path, owner, tweets, notes, zip_file=True)

The layout is a real export's: `data/manifest.js` (`window.__THAR_CONFIG = {...}`) lists
`data/tweets.js`, `data/tweets-part1.js` … (`window.YTD.tweets.partN = [ {"tweet": …}, … ]`,
pretty-printed with X's `" : "`) and `data/note-tweet.js` for long posts; numbers are
strings, times like "Tue Mar 19 14:05:17 +0000 2019", text HTML-escaped, links t.co.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from sample_thread import POSTS, READING_ORDER, REAL_LINKS

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Owner:
    id: str
    username: str
    name: str


def export_time(when: datetime) -> str:
    """'Tue Mar 19 14:05:17 +0000 2019', as exports write times."""
    when = when.astimezone(UTC)
    return (
        f"{WEEKDAYS[when.weekday()]} {MONTHS[when.month - 1]} {when.day:02d} "
        f"{when:%H:%M:%S} +0000 {when.year}"
    )


def tweet(
    owner: Owner,
    tweet_id: str,
    text: str,
    when: datetime,
    links: list[tuple[str, str]] = (),  # type: ignore[assignment]
    reply_to: tuple[str, str, str] | None = None,  # (status id, user id, screen name)
    media: list[str] = (),  # type: ignore[assignment]
    tco: Any = None,
) -> dict[str, Any]:
    """One `{"tweet": …}` element; each (shown, url) link's shown text becomes a t.co."""
    tco = tco or itertools.count(1)
    urls: list[dict[str, Any]] = []
    for shown, url in links:
        short = f"https://t.co/{next(tco):010d}"
        text = text.replace(shown, short, 1)
        urls.append({"url": short, "expanded_url": url, "display_url": shown})
    for entity in urls:
        start = text.index(entity["url"])
        entity["indices"] = [str(start), str(start + len(entity["url"]))]
    body: dict[str, Any] = {
        "edit_info": {
            "initial": {
                "editTweetIds": [tweet_id],
                "editableUntil": (when + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "editsRemaining": "5",
                "isEditEligible": True,
            }
        },
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": urls},
        "display_text_range": ["0", str(len(text))],
        "favorite_count": "3",
        "id_str": tweet_id,
        "truncated": False,
        "retweet_count": "1",
        "id": tweet_id,
        "created_at": export_time(when),
        "favorited": False,
        "full_text": text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        "lang": "en",
    }
    if reply_to is not None:
        status, user, name = reply_to
        body.update(
            {
                "in_reply_to_status_id_str": status,
                "in_reply_to_status_id": status,
                "in_reply_to_user_id": user,
                "in_reply_to_user_id_str": user,
                "in_reply_to_screen_name": name,
            }
        )
        if user != owner.id:
            # a reply to someone else starts with their handle, which X does not display
            prefix = f"@{name} "
            body["full_text"] = prefix + body["full_text"]
            body["entities"]["user_mentions"].append(
                {
                    "name": name,
                    "screen_name": name,
                    "indices": ["0", str(len(name) + 1)],
                    "id_str": user,
                    "id": user,
                }
            )
            for entity in urls:
                entity["indices"] = [str(int(i) + len(prefix)) for i in entity["indices"]]
            body["display_text_range"] = [str(len(prefix)), str(len(prefix) + len(text))]
    if media:
        short = f"https://t.co/{next(tco):010d}"
        start = len(body["full_text"]) + 1
        body["full_text"] += " " + short
        items = []
        for n, alt in enumerate(media, start=1):
            items.append(
                {
                    "expanded_url": f"https://x.com/{owner.username}/status/{tweet_id}/photo/{n}",
                    "indices": [str(start), str(start + len(short))],
                    "url": short,
                    "media_url": f"http://pbs.twimg.com/media/F{tweet_id}{n}.jpg",
                    "id_str": f"{tweet_id}{n}",
                    "id": f"{tweet_id}{n}",
                    "media_url_https": f"https://pbs.twimg.com/media/F{tweet_id}{n}.jpg",
                    "sizes": {
                        "large": {"w": "2048", "h": "1152", "resize": "fit"},
                        "small": {"w": "680", "h": "383", "resize": "fit"},
                    },
                    "type": "photo",
                    "display_url": f"pic.x.com/{short.rsplit('/', 1)[1]}",
                    "ext_alt_text": alt,
                }
            )
        body["entities"]["media"] = items[:1]
        body["extended_entities"] = {"media": items}
    return {"tweet": body}


def note(
    tweet_element: dict[str, Any],
    full_text: str,
    links: list[tuple[str, str]] | tuple[()] = (),
) -> dict[str, Any]:
    """The note-tweet.js element holding a long post's full text."""
    body = tweet_element["tweet"]
    created = datetime.strptime(body["created_at"], "%a %b %d %H:%M:%S %z %Y")
    urls = []
    text = full_text
    for n, (shown, url) in enumerate(links, start=1):
        short = f"https://t.co/n{int(body['id_str']) % 10**8:08d}{n}"
        text = text.replace(shown, short, 1)
        start = text.index(short)
        urls.append(
            {
                "shortUrl": short,
                "expandedUrl": url,
                "displayUrl": shown,
                "fromIndex": str(start),
                "toIndex": str(start + len(short)),
            }
        )
    return {
        "noteTweet": {
            "noteTweetId": str(int(body["id_str"]) + 7),
            "updatedAt": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "lifecycle": {"value": "Created", "name": "Created", "originalNoteTweetId": ""},
            "createdAt": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "core": {
                "styletags": [],
                "urls": urls,
                "text": text,
                "mentions": [],
                "cashtags": [],
                "hashtags": [],
            },
        }
    }


def sample_thread_tweets(
    owner: Owner, links: dict[str, str] | None = None, start: datetime | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sample court thread (scripts/sandbox/sample_thread.py) as export elements,
    newest first as exports list them; no long posts, so no notes."""
    links = {**REAL_LINKS, **(links or {})}
    when = start or datetime(2026, 2, 3, 15, 0, tzinfo=UTC)
    tco = itertools.count(1)
    ids = [str(1_886_000_000_000_000_000 + 1000 * i) for i in range(len(POSTS))]
    elements = []
    for i, sample in enumerate(POSTS):
        parent = None if i == 0 else i - 1 if sample.parent is None else sample.parent
        elements.append(
            tweet(
                owner,
                ids[i],
                sample.text,
                when + timedelta(minutes=i),
                links=[(shown, links[name]) for shown, name in sample.links],
                reply_to=(ids[parent], owner.id, owner.username) if parent is not None else None,
                media=[sample.image_alt] if sample.image_alt else [],
                tco=tco,
            )
        )
    assert len(READING_ORDER) == len(elements)
    return elements[::-1], []


def generated_tweets(
    owner: Owner, count: int, seed: int = 1, start: datetime | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` posts like a court reporter's: threads of 2–12 posts, replies to others,
    reposts, images, links, long posts (with notes), emoji, CJK and "&" — newest first."""
    rng = random.Random(seed)
    when = start or datetime(2019, 3, 19, 14, 5, 17, tzinfo=UTC)
    tco = itertools.count(1)
    words = [
        "judge",
        "ruled",
        "order",
        "injunction",
        "docket",
        "motion",
        "appeal",
        "circuit",
        "court",
        "filing",
        "hearing",
        "plaintiffs",
        "government",
        "statute",
        "agency",
        "brief",
        "opinion",
        "dissent",
        "counsel",
        "record",
    ]
    extras = ["🧵", "⚖️", "ルール", "규칙", "&", "—", "“quoted”", "<b>"]
    elements: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    next_id = itertools.count(1_100_000_000_000_000_000, 1_048_576)
    thread_left = 0
    previous: str | None = None
    while len(elements) < count:
        tweet_id = str(next(next_id))
        when += timedelta(seconds=rng.randint(20, 900))
        text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 30)))
        text += " " + rng.choice(extras)
        links = []
        if rng.random() < 0.4:
            case = rng.randint(1000000, 9999999)
            url = f"https://www.courtlistener.com/docket/{case}/some-case-v-another-party/"
            shown = f"courtlistener.com/docket/{str(case)[:4]}…"
            text += f" Docket: {shown}"
            links.append((shown, url))
        reply_to = None
        if thread_left > 0 and previous is not None:
            reply_to = (previous, owner.id, owner.username)
            thread_left -= 1
        elif rng.random() < 0.15:
            reply_to = (str(rng.randint(10**17, 10**18)), "987654321", "other_reporter")
        elif rng.random() < 0.25:
            thread_left = rng.randint(1, 11)
        if rng.random() < 0.05:
            text = f"RT @other_reporter: {text}"
        media = ["A page of the order, highlighted."] if rng.random() < 0.1 else []
        element = tweet(owner, tweet_id, text, when, links, reply_to, media, tco)
        if text.startswith("RT @"):
            element["tweet"]["entities"]["user_mentions"].append(
                {
                    "name": "Other Reporter",
                    "screen_name": "other_reporter",
                    "indices": ["3", "18"],
                    "id_str": "987654321",
                    "id": "987654321",
                }
            )
        if rng.random() < 0.02 and not text.startswith("RT @"):
            full = text + " " + " ".join(rng.choice(words) for _ in range(80))
            element["tweet"]["full_text"] = element["tweet"]["full_text"][:270] + "…"
            notes.append(note(element, full, links))
        elements.append(element)
        previous = tweet_id if not text.startswith("RT @") else previous
    return elements[::-1], notes


def _js(global_name: str, elements: list[dict[str, Any]]) -> str:
    """A part file as X writes it: `window.YTD.<name> = [` pretty-printed objects `]`."""
    if not elements:
        return f"window.{global_name} = [ ]"
    body = ",\n".join(
        "  "
        + json.dumps(e, indent=2, ensure_ascii=False, separators=(",", " : ")).replace("\n", "\n  ")
        for e in elements
    )
    return f"window.{global_name} = [\n{body}\n]"


def write_export(
    path: Path,
    owner: Owner,
    tweets: list[dict[str, Any]],
    notes: list[dict[str, Any]] = (),  # type: ignore[assignment]
    per_file: int = 50_000,
    zip_file: bool = False,
    manifest: bool = True,
) -> Path:
    """An export at `path` (a folder, or a .zip when `zip_file`): tweets split into
    tweets.js, tweets-part1.js … of `per_file` posts each. Returns the path."""
    files: dict[str, str] = {}
    parts = [tweets[i : i + per_file] for i in range(0, len(tweets), per_file)] or [[]]
    listed = []
    for n, part in enumerate(parts):
        name = "data/tweets.js" if n == 0 else f"data/tweets-part{n}.js"
        files[name] = _js(f"YTD.tweets.part{n}", part)
        listed.append(
            {"fileName": name, "globalName": f"YTD.tweets.part{n}", "count": str(len(part))}
        )
    if notes:
        files["data/note-tweet.js"] = _js("YTD.note_tweet.part0", list(notes))
    files["data/account.js"] = _js(
        "YTD.account.part0",
        [
            {
                "account": {
                    "accountId": owner.id,
                    "username": owner.username,
                    "accountDisplayName": owner.name,
                }
            }
        ],
    )
    if manifest:
        config = {
            "userInfo": {
                "accountId": owner.id,
                "userName": owner.username,
                "displayName": owner.name,
            },
            "archiveInfo": {
                "sizeBytes": "0",
                "generationDate": "2026-02-03T15:00:00.000Z",
                "isPartialArchive": False,
            },
            "readmeInfo": {
                "fileName": "data/README.txt",
                "directory": "data/",
                "name": "README.txt",
            },
            "dataTypes": {
                "tweets": {"files": listed},
                "noteTweet": {
                    "files": [
                        {
                            "fileName": "data/note-tweet.js",
                            "globalName": "YTD.note_tweet.part0",
                            "count": str(len(notes)),
                        }
                    ]
                    if notes
                    else []
                },
            },
        }
        files["data/manifest.js"] = "window.__THAR_CONFIG = " + json.dumps(config, indent=2)
    if zip_file:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                archive.writestr(name, text)
        return path
    for name, text in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return path
