"""The command line without a network: clear one-line errors, exit codes, configuration."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def threadbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**environ, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "url, message",
    [
        ("not-a-url", "not a URL: 'not-a-url'"),
        ("https://bsky.app/profile/court.test", "not a Bluesky post URL"),
        ("https://example.com/news/story", "not a post URL of a platform threadbot reads"),
        ("at://did:plc:abc/app.bsky.feed.like/3k", "not an at:// URI of a post"),
        ("https://bsky.app/profile/bad_handle!/post/3k", "not a valid Bluesky handle"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, url: str, message: str
) -> None:
    run = threadbot(tmp_path, "archive", url)
    assert run.returncode == 2
    assert run.stderr.startswith("threadbot: error: ") and message in run.stderr
    assert run.stderr.count("\n") == 1
    assert not (tmp_path / "archive.db").exists()


def test_every_url_is_checked_before_any_work(tmp_path: Path) -> None:
    good = "https://bsky.app/profile/court.test/post/3kabc2defgh2x"
    run = threadbot(
        tmp_path,
        "archive",
        good,
        "nonsense",
        THREADBOT_BLUESKY_SERVICE=f"http://127.0.0.1:{closed_port()}",
    )
    assert run.returncode == 2
    assert "not a URL: 'nonsense'" in run.stderr


def test_an_unreachable_service_is_exit_1_and_writes_nothing(tmp_path: Path) -> None:
    port = closed_port()
    run = threadbot(
        tmp_path,
        "archive",
        "https://bsky.app/profile/court.test/post/3kabc2defgh2x",
        THREADBOT_BLUESKY_SERVICE=f"http://127.0.0.1:{port}",
    )
    assert run.returncode == 1
    assert run.stderr == (
        f"threadbot: error: cannot reach the Bluesky service at http://127.0.0.1:{port}\n"
    )
    assert not (tmp_path / "archive.db").exists()


def test_config_shows_effective_settings_with_secrets_masked(tmp_path: Path) -> None:
    (tmp_path / "threadbot.toml").write_text(
        'db = "court.db"\n[bluesky]\nwatch = ["a.test"]\n[fetch]\nmax_bytes = 1000\n'
    )
    run = threadbot(
        tmp_path,
        "config",
        THREADBOT_FETCH_MAX_BYTES="2000",
        THREADBOT_BLUESKY_PASSWORD="hunter2-app-password",
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert 'db = "court.db"' in lines
    assert 'bluesky.watch = ["a.test"]' in lines
    assert "fetch.max_bytes = 2000" in lines  # the environment beats the file
    assert 'bluesky.password = "********"' in lines
    assert "hunter2" not in run.stdout + run.stderr


def test_a_secret_in_the_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "threadbot.toml").write_text('[bluesky]\npassword = "oops"\n')
    run = threadbot(tmp_path, "config")
    assert run.returncode == 2
    assert "set THREADBOT_BLUESKY_PASSWORD in the environment" in run.stderr
    assert "oops" not in run.stderr


def test_a_missing_config_file_is_bad_usage(tmp_path: Path) -> None:
    run = threadbot(tmp_path, "--config", "nowhere.toml", "config")
    assert run.returncode == 2
    assert run.stderr == "threadbot: error: configuration file not found: nowhere.toml\n"


def test_serve_without_an_archive_says_what_to_do(tmp_path: Path) -> None:
    run = threadbot(tmp_path, "serve")
    assert run.returncode == 2
    assert "no archive at archive.db: archive a thread first" in run.stderr


@pytest.mark.parametrize(
    "content",
    [b"these are my notes, not a database\n" * 50, "sqlite: another program's"],
    ids=["not SQLite", "another program's SQLite"],
)
def test_serve_and_archive_refuse_a_file_that_is_not_an_archive_and_leave_it(
    tmp_path: Path, content: bytes | str
) -> None:
    path = tmp_path / "archive.db"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with sqlite3.connect(path) as conn:
            conn.execute("create table notes (body text)")
            conn.execute("insert into notes values ('mine')")
        conn.close()
    before = path.read_bytes()
    for args in (("serve",), ("archive", "https://bsky.app/profile/a.test/post/3k"), ("status",)):
        run = threadbot(tmp_path, *args)
        assert run.returncode == 2, (args, run.stderr)
        assert "is not a threadbot archive" in run.stderr and run.stderr.count("\n") == 1
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db"]


def test_serve_answers_over_http(tmp_path: Path) -> None:
    import time

    import httpx
    from factories import sample_thread

    from bot.store import Store
    from bot.store.threads import save_thread

    save_thread(Store(tmp_path / "archive.db"), sample_thread(3))
    port = closed_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        env=environ,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/archive/thread.json?id=1&_shape=array"
        for _ in range(200):
            try:
                rows = httpx.get(url, timeout=2).json()
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.1)
        assert [r["position"] for r in rows] == [1, 2, 3]
    finally:
        server.terminate()
        server.wait(10)
