"""`make demo`: the main job on the local sandbox, end to end.

Starts the local AT Protocol network, a loopback X API and the loopback stand-ins for
CourtListener, a news site and a link shortener, posts the sample reporter thread on both
platforms, archives both into archive.db with `threadbot archive` (the threads, then the
order's PDF, the docket, the articles), lets the daemon (`threadbot run --once`) answer a
reader's mention on each platform, stops the sandbox and serves the archive with
`threadbot serve` on http://127.0.0.1:8001 until Ctrl-C (`--no-serve`: not).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "sandbox"))

from network import LocalNetwork  # noqa: E402
from seed import (  # noqa: E402
    PASSWORD,
    make_author,
    mention_bot,
    post_sample_thread,
    wait_for_mention,
)
from web import SandboxWeb  # noqa: E402
from x_api import XApiServer  # noqa: E402
from x_api import mention_bot as mention_bot_on_x  # noqa: E402
from x_api import post_sample_thread as post_sample_thread_on_x  # noqa: E402

THREADBOT = [sys.executable, "-m", "bot"]


def main() -> int:
    port = os.environ.get("DEMO_PORT", "8001")
    serve = "--no-serve" not in sys.argv[1:]  # tests run the demo without the server
    print("starting the local AT Protocol network (about 10 s)…", flush=True)
    with LocalNetwork() as network, SandboxWeb() as web, XApiServer() as x:
        links = {name: web.url(name) for name in ("order", "docket", "story", "short")}
        thread = post_sample_thread(network.pds, network.appview, links=links)
        on_x = post_sample_thread_on_x(x, links=links)
        print(f"posted the sample thread: {thread.url}", flush=True)
        print(f"posted it on the loopback X too: {on_x.url}", flush=True)
        env = {
            **os.environ,
            **web.threadbot_env(),
            **x.threadbot_env(),
            "THREADBOT_BLUESKY_SERVICE": network.appview,
        }
        archived = subprocess.run([*THREADBOT, "archive", thread.url, on_x.url], env=env, cwd=ROOT)
        if archived.returncode != 0:
            return archived.returncode

        # the daemon: a reader asks the bot, under the thread, to archive it
        bot = make_author(network.pds, network.appview, "threadbot.test")
        reader = make_author(network.pds, network.appview, "court-watcher.test")
        root, last = thread.refs[0], thread.refs[-1]
        ask = mention_bot(reader, bot, "archive please", last, root)
        print(f"@{reader.handle} asks: @{bot.handle} archive please", flush=True)
        x_reader = x.add_user("court_watcher", "Court Watcher")
        x_ask = mention_bot_on_x(x, x_reader, "unroll", reply_to=on_x.posted[-1])
        print(f"@{x_reader.username} asks on X: @{x.bot.username} unroll", flush=True)
        wait_for_mention(bot, ask.uri)
        env.update(
            THREADBOT_BLUESKY_PDS=network.pds,
            THREADBOT_BLUESKY_HANDLE=bot.handle,
            THREADBOT_BLUESKY_PASSWORD=PASSWORD,
        )
        ran = subprocess.run([*THREADBOT, "run", "--once"], env=env, cwd=ROOT)
        if ran.returncode != 0:
            return ran.returncode
        reply = bot_reply(network.appview, bot.did, ask.uri)
        print(f"@{bot.handle} replies: {reply}", flush=True)
        print(f"@{x.bot.username} replies on X: {x_reply(x, x_ask)}", flush=True)
    if not serve:
        return 0
    print(f"serving the archive on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        return subprocess.run([*THREADBOT, "serve", "--port", port], cwd=ROOT).returncode
    except KeyboardInterrupt:
        return 0


def x_reply(x: XApiServer, mention_id: str) -> str:
    """The bot's reply under the mention on the loopback X API."""
    for tweet in x.tweets.values():
        replied = [r["id"] for r in tweet.get("referenced_tweets", []) if r["type"] == "replied_to"]
        if tweet.get("author_id") == x.bot.id and mention_id in replied:
            return str(tweet["text"])
    return "(no reply)"


def bot_reply(appview: str, bot_did: str, mention_uri: str) -> str:
    """The bot's reply under the mention, as the AppView shows it."""
    from atproto import Client, models

    reader = Client(base_url=appview)
    for _ in range(50):
        view = reader.invoke_query(
            "app.bsky.feed.getPostThread",
            params=models.AppBskyFeedGetPostThread.Params(uri=mention_uri, depth=1),
        ).content["thread"]
        for item in view.get("replies") or []:
            if item["post"]["author"]["did"] == bot_did:
                return item["post"]["record"]["text"]
        time.sleep(0.2)
    return "(no reply yet)"


if __name__ == "__main__":
    sys.exit(main())
