"""The browser tier: Debian's headless Chromium (chromium-headless-shell, installed by `make
browser`), driven by Playwright for Python, against `threadbot serve` on loopback.

Playwright's own browser download cannot work on these machines: the browser is the Debian
package, given by `executable_path`. If it cannot start, these tests are skipped on a
developer's machine and fail in CI (CI=true), as the end-to-end tier does. Screenshots are
kept in tests/browser/artifacts/ (ignored by git).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reading_room_archive import ArchiveFacts, add_judged_thread, build_archive

CHROMIUM = Path(os.environ.get("THREADBOT_CHROMIUM", "/usr/bin/chromium-headless-shell"))
ARGS = [
    "--no-sandbox",  # as root, in a container
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts"


def _unavailable(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message + " (run `make browser`)")


@pytest.fixture(scope="package")
def browser(server: str) -> Iterator[object]:
    """Started after the server and stopped with this package's tests: Playwright's
    synchronous API runs an event loop in this thread while it is started, and every other
    test that runs one of its own (asyncio.run, building the archive too) must not meet it."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as e:
        _unavailable(f"Playwright is not installed: {e}")
    if not CHROMIUM.is_file():
        _unavailable(f"no headless Chromium at {CHROMIUM}")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    except Error as e:
        manager.stop()
        _unavailable(f"headless Chromium did not start: {e}")
    yield chromium
    chromium.close()
    manager.stop()


@pytest.fixture(scope="package")
def archive(tmp_path_factory: pytest.TempPathFactory) -> ArchiveFacts:
    return add_judged_thread(build_archive(tmp_path_factory.mktemp("browser") / "archive.db"))


@pytest.fixture(scope="package")
def server(archive: ArchiveFacts) -> Iterator[str]:
    """`threadbot serve` on a free loopback port, as a reader's browser meets it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**environ, "THREADBOT_DB": str(archive.path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                error = process.stderr.read() if process.stderr else ""
                raise RuntimeError(f"threadbot serve did not start: {error}") from None
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """Where this test's screenshots go (kept after the run)."""
    folder = ARTIFACTS / request.node.name.replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
