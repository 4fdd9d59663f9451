"""`threadbot status` only reads: on an archive its user cannot write, beside a running
writer, and on an archive made by an older threadbot, it reports and changes nothing — not
the file, not its schema, no -wal or -shm left beside it.

The tests run as root, for whom file modes mean nothing, so status runs as "nobody" (a real
user without rights on the archive) through subprocess's `user=`.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import sample_thread

import bot
from bot.store import Store
from bot.store.jobs import record_job_run
from bot.store.threads import save_thread

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "archive-v4.sql"
# where this interpreter finds threadbot and its dependencies, for another interpreter
PACKAGE_PATHS = [
    str(Path(bot.__file__).resolve().parents[1]),
    *dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib")),
]


def status_as(user: str | None, folder: Path) -> subprocess.CompletedProcess[str]:
    """`threadbot status` on folder/archive.db, run as `user` (None: as ourselves)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    env["THREADBOT_DB"] = "archive.db"
    python = python_for(user)
    if python != sys.executable:  # another interpreter: give it this checkout's packages
        env["PYTHONPATH"] = os.pathsep.join(PACKAGE_PATHS)
    return subprocess.run(
        [python, "-m", "bot", "status"],
        cwd=folder,
        env=env,
        user=user,
        capture_output=True,
        text=True,
        timeout=60,
    )


def python_for(user: str | None) -> str:
    """An interpreter `user` may run: ours, unless it lives where they cannot reach (pyenv
    under /root), then the system's Python of the same version."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, f"/usr/bin/{version}", shutil.which(version) or ""):
        if python and _runs(python, user):
            return python
    pytest.fail(f"no {version} that the user {user} can run", pytrace=False)


def _runs(python: str, user: str | None) -> bool:
    try:
        done = subprocess.run([python, "-c", "import sqlite3"], user=user, capture_output=True)
    except OSError:
        return False
    return done.returncode == 0


def other_user() -> str | None:
    """Someone without rights on our files: "nobody" when we are root, else ourselves."""
    return "nobody" if os.geteuid() == 0 else None


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder outside pytest's tmp_path (which only root may enter)."""
    path = Path(tempfile.mkdtemp(prefix="threadbot-status-"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def make_archive(path: Path) -> None:
    store = Store(path)
    save_thread(store, sample_thread(3))
    record_job_run(store, "watch", "2026-02-03T18:00:00.000Z", 1.25, "ok", "1 archived", None)
    store.close()  # the last connection: WAL checkpointed, no -wal left


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file in the folder: its sha256 and mtime."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


@pytest.mark.parametrize("folder_writable", [False, True], ids=["read-only-folder", "own-folder"])
def test_status_reports_on_an_archive_its_user_cannot_write(
    folder: Path, folder_writable: bool
) -> None:
    user = other_user()
    make_archive(folder / "archive.db")
    os.chmod(folder / "archive.db", 0o444)
    if folder_writable and user is not None:
        # where files could be created: status must still not leave -wal or -shm behind
        account = pwd.getpwnam(user)
        os.chown(folder, account.pw_uid, account.pw_gid)
    before = fingerprint(folder)

    run = status_as(user, folder)

    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert "watch     2026-02-03T18:00:00.000Z  ok" in run.stdout
    assert "archive: 1 threads, 3 posts, 0 documents" in run.stdout
    assert "queues: 3 links pending" in run.stdout
    assert fingerprint(folder) == before  # same bytes, same mtime, nothing beside it


def test_status_beside_a_writer_sees_its_newest_rows(folder: Path) -> None:
    make_archive(folder / "archive.db")
    writer = Store(folder / "archive.db")  # a daemon at work: its newest rows in its -wal
    try:
        save_thread(writer, sample_thread(5))
        assert (folder / "archive.db-wal").stat().st_size > 0
        run = status_as(None, folder)
    finally:
        writer.close()
    assert run.returncode == 0, run.stderr
    assert "archive: 1 threads, 5 posts" in run.stdout


def test_status_does_not_migrate_an_archive_made_by_an_older_threadbot(folder: Path) -> None:
    with sqlite3.connect(folder / "archive.db") as conn:
        conn.executescript(FIXTURE.read_text())
    before = fingerprint(folder)

    run = status_as(None, folder)  # as ourselves: we could write, and must not

    assert run.returncode == 0, run.stderr
    assert "has schema version 4" in run.stdout
    assert "the next threadbot archive or run upgrades it" in run.stdout
    assert fingerprint(folder) == before
    with sqlite3.connect(folder / "archive.db") as conn:
        assert conn.execute("pragma user_version").fetchone() == (4,)
