"""The end-to-end tier: a real local AT Protocol network (PLC, PDS, AppView on loopback).

Started once per test session by scripts/sandbox (install it with `make sandbox`). If it
cannot start, these tests are skipped on a developer's machine and fail in CI (CI=true).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "sandbox"))

from network import LocalNetwork, SandboxError  # noqa: E402
from seed import PostedThread, post_sample_thread  # noqa: E402
from web import SandboxWeb  # noqa: E402


@pytest.fixture(scope="session")
def network() -> Iterator[LocalNetwork]:
    net = LocalNetwork()
    try:
        net.start()
    except (SandboxError, OSError, TimeoutError) as e:
        message = f"the local AT Protocol network did not start: {e}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message + " (run `make sandbox`)")
    yield net
    net.stop()


@pytest.fixture(scope="session")
def web() -> Iterator[SandboxWeb]:
    """The loopback CourtListener, news site and shortener the sample thread links to."""
    with SandboxWeb() as sites:
        yield sites


@pytest.fixture(scope="session")
def sample(network: LocalNetwork, web: SandboxWeb) -> PostedThread:
    links = {name: web.url(name) for name in ("order", "docket", "story", "short")}
    return post_sample_thread(network.pds, network.appview, suffix="-e2e", links=links)


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def threadbot(network: LocalNetwork, web: SandboxWeb, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run the real command line against the local network, the loopback sites and an
    archive in tmp_path."""
    env = {
        **os.environ,
        **web.threadbot_env(),
        "THREADBOT_BLUESKY_SERVICE": network.appview,
        "THREADBOT_DB": str(tmp_path / "archive.db"),
        "THREADBOT_PUBLIC_URL": "http://archive.example",
    }
    env.pop("THREADBOT_CONFIG", None)

    def run(*args: str, **extra_env: str) -> Run:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env={**env, **extra_env},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    run.db = tmp_path / "archive.db"  # type: ignore[attr-defined]
    return run
