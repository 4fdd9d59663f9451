"""Post threads on the local AT Protocol network with the atproto SDK (demo, tests, benchmarks).

`post_sample_thread` writes the sample reporter thread: fictional, about a court ruling, with
shortened link facets, a link card, a quote post, an image with alt text, a self-reply
branch and a reader's reply that is not part of the thread.

    python scripts/sandbox/seed.py --pds URL --appview URL   # prints the thread's URL
"""

from __future__ import annotations

import argparse
import struct
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from atproto import Client, models

sys.path.insert(0, str(Path(__file__).parent))
from network import create_account, wait_for_profile
from sample_thread import (
    COLLEAGUE_POST,
    POSTS,
    READER_REPLY,
    READER_REPLY_PARENT,
    READING_ORDER,
    REAL_LINKS,
    SamplePost,
)

PASSWORD = "sandbox-password"


@dataclass
class Author:
    client: Client
    did: str
    handle: str


@dataclass
class PostedThread:
    url: str  # bsky.app URL of the root post
    uris: list[str] = field(default_factory=list)  # the thread's posts, in reading order
    others: list[str] = field(default_factory=list)  # other people's posts around it
    refs: list[models.ComAtprotoRepoStrongRef.Main] = field(default_factory=list)  # as posted


def make_author(pds: str, appview: str, handle: str) -> Author:
    """Create an account, wait until the AppView knows it, and log in at the PDS."""
    account = create_account(pds, handle, PASSWORD)
    wait_for_profile(appview, account["did"])
    client = Client(base_url=pds)
    client.login(account["handle"], PASSWORD)
    return Author(client=client, did=account["did"], handle=account["handle"])


def web_url(uri: str, handle: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[1]}"


def link(text: str, display: str, url: str) -> models.AppBskyRichtextFacet.Main:
    """A link facet over `display` in `text`, with UTF-8 byte offsets as the lexicon wants."""
    start = text.encode("utf-8").index(display.encode("utf-8"))
    return models.AppBskyRichtextFacet.Main(
        index=models.AppBskyRichtextFacet.ByteSlice(
            byte_start=start, byte_end=start + len(display.encode("utf-8"))
        ),
        features=[models.AppBskyRichtextFacet.Link(uri=url)],
    )


def post(
    author: Author,
    text: str,
    links: list[tuple[str, str]] = (),  # type: ignore[assignment]
    reply_to: tuple[models.ComAtprotoRepoStrongRef.Main, models.ComAtprotoRepoStrongRef.Main]
    | None = None,
    embed: object | None = None,
) -> models.ComAtprotoRepoStrongRef.Main:
    facets = [link(text, display, url) for display, url in links] or None
    reply = None
    if reply_to:
        reply = models.AppBskyFeedPost.ReplyRef(parent=reply_to[0], root=reply_to[1])
    created = author.client.send_post(text, facets=facets, reply_to=reply, embed=embed)
    return models.ComAtprotoRepoStrongRef.Main(uri=created.uri, cid=created.cid)


def wait_for_posts(appview: str, uris: list[str], timeout: float = 30) -> None:
    """Poll the AppView until it serves every post in `uris` (it indexes them in order)."""
    reader = Client(base_url=appview)
    deadline = time.monotonic() + timeout
    pending = list(uris)
    while pending:
        batch = pending[:25]
        found = {p.uri for p in reader.app.bsky.feed.get_posts({"uris": batch}).posts}
        pending = [u for u in pending if u not in found]
        if pending and time.monotonic() > deadline:
            raise TimeoutError(f"the AppView lacks {len(pending)} of {len(uris)} posts")
        if pending and not found:
            time.sleep(0.2)


def mention_bot(
    author: Author,
    bot: Author,
    text: str,
    parent: models.ComAtprotoRepoStrongRef.Main,
    root: models.ComAtprotoRepoStrongRef.Main,
) -> models.ComAtprotoRepoStrongRef.Main:
    """A reply under `parent` that starts with a mention of the bot (a proper mention facet)."""
    handle = f"@{bot.handle}"
    facet = models.AppBskyRichtextFacet.Main(
        index=models.AppBskyRichtextFacet.ByteSlice(byte_start=0, byte_end=len(handle.encode())),
        features=[models.AppBskyRichtextFacet.Mention(did=bot.did)],
    )
    created = author.client.send_post(
        f"{handle} {text}".strip(),
        facets=[facet],
        reply_to=models.AppBskyFeedPost.ReplyRef(parent=parent, root=root),
    )
    return models.ComAtprotoRepoStrongRef.Main(uri=created.uri, cid=created.cid)


def wait_for_mention(bot: Author, uri: str, timeout: float = 30) -> None:
    """Poll the bot's notifications until the mention `uri` is among them."""
    deadline = time.monotonic() + timeout
    while True:
        seen = bot.client.app.bsky.notification.list_notifications({"limit": 50})
        if any(n.uri == uri for n in seen.notifications):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot never saw {uri}")
        time.sleep(0.2)


def own_replies(bot: Author, mention_uri: str) -> list[str]:
    """The texts of the bot's posts replying to `mention_uri`, read from its own repository
    at the PDS: the record of what was posted, with no index in between that may lag."""
    texts, cursor = [], None
    while True:
        page = bot.client.com.atproto.repo.list_records(
            {"repo": bot.did, "collection": "app.bsky.feed.post", "limit": 100, "cursor": cursor}
        )
        for record in page.records:
            reply = getattr(record.value, "reply", None)
            if reply is not None and reply.parent.uri == mention_uri:
                texts.append(record.value.text)
        cursor = page.cursor
        if not cursor or not page.records:
            return texts


def tiny_png(width: int = 64, height: int = 40) -> bytes:
    """A small grey PNG, standing in for a screenshot of the order."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xd0\xd0\xd0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def post_sample_thread(
    pds: str, appview: str, suffix: str = "", links: dict[str, str] | None = None
) -> PostedThread:
    """The sample thread (sample_thread.py): 9 posts by a (fictional) court reporter, with
    every link shape, as a Bluesky client posts them: link facets over shortened text, a
    link card, a quote post, an image with alt text, a side branch, a reader's reply.

    `links` maps order, docket, story and short to the URLs to post (default REAL_LINKS).
    """
    links = {**REAL_LINKS, **(links or {})}
    reporter = make_author(pds, appview, f"dana-whitlock{suffix}.test")
    colleague = make_author(pds, appview, f"sam-okafor{suffix}.test")
    reader = make_author(pds, appview, f"river-reader{suffix}.test")
    doj = post(colleague, COLLEAGUE_POST)  # a colleague's earlier post the reporter quotes

    thread: list[models.ComAtprotoRepoStrongRef.Main] = []
    for sample in POSTS:
        reply_to = None
        if thread:
            reply_to = (thread[-1] if sample.parent is None else thread[sample.parent], thread[0])
        shown = [(text, links[name]) for text, name in sample.links]
        thread.append(
            post(reporter, sample.text, shown, reply_to, _embed(sample, reporter, doj, links))
        )
    reply = post(
        reader,
        READER_REPLY,
        reply_to=(thread[READER_REPLY_PARENT], thread[0]),
    )
    wait_for_posts(appview, [p.uri for p in thread] + [reply.uri])
    return PostedThread(
        url=web_url(thread[0].uri, reporter.handle),
        uris=[thread[i].uri for i in READING_ORDER],
        others=[doj.uri, reply.uri],
        refs=list(thread),
    )


def _embed(
    sample: SamplePost,
    reporter: Author,
    doj: models.ComAtprotoRepoStrongRef.Main,
    links: dict[str, str],
) -> object | None:
    if sample.image_alt:
        image = reporter.client.upload_blob(tiny_png()).blob
        return models.AppBskyEmbedImages.Main(
            images=[
                models.AppBskyEmbedImages.Image(
                    image=image,
                    alt=sample.image_alt,
                    aspect_ratio=models.AppBskyEmbedDefs.AspectRatio(width=64, height=40),
                )
            ]
        )
    if sample.quotes_colleague:
        return models.AppBskyEmbedRecord.Main(record=doj)
    if sample.card:
        title, description = sample.card
        return models.AppBskyEmbedExternal.Main(
            external=models.AppBskyEmbedExternal.External(
                uri=links[sample.links[0][1]], title=title, description=description
            )
        )
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pds", required=True)
    parser.add_argument("--appview", required=True)
    parser.add_argument("--suffix", default="", help="appended to handles, to seed twice")
    args = parser.parse_args()
    thread = post_sample_thread(args.pds, args.appview, args.suffix)
    print(thread.url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
