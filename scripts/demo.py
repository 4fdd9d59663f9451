"""`make demo`: the main job on the local sandbox, end to end.

Starts the local AT Protocol network and the loopback stand-ins for CourtListener, a news
site and a link shortener, posts the sample reporter thread, archives it into archive.db with
`threadbot archive` (the thread, then the order's PDF, the docket, the articles), stops the
sandbox and serves the archive with `threadbot serve` on http://127.0.0.1:8001 until Ctrl-C.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "sandbox"))

from network import LocalNetwork  # noqa: E402
from seed import post_sample_thread  # noqa: E402
from web import SandboxWeb  # noqa: E402

THREADBOT = [sys.executable, "-m", "bot"]


def main() -> int:
    port = os.environ.get("DEMO_PORT", "8001")
    print("starting the local AT Protocol network (about 10 s)…", flush=True)
    with LocalNetwork() as network, SandboxWeb() as web:
        links = {name: web.url(name) for name in ("order", "docket", "story", "short")}
        thread = post_sample_thread(network.pds, network.appview, links=links)
        print(f"posted the sample thread: {thread.url}", flush=True)
        env = {
            **os.environ,
            **web.threadbot_env(),
            "THREADBOT_BLUESKY_SERVICE": network.appview,
        }
        archived = subprocess.run([*THREADBOT, "archive", thread.url], env=env, cwd=ROOT)
        if archived.returncode != 0:
            return archived.returncode
    print(f"serving the archive on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        return subprocess.run([*THREADBOT, "serve", "--port", port], cwd=ROOT).returncode
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
