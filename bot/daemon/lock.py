"""One daemon per archive: `threadbot run` holds an exclusive lock on `<archive>.lock` for as
long as it runs, and a second one started beside it (by cron, by hand) exits at once.

The lock is an flock(2) on a file of its own, never on the archive itself (SQLite's own
locks there must stay untouched); the kernel releases it when the process dies, however it
dies, so a killed daemon never leaves a stale lock behind. The file holds the owner's pid,
for the message the second daemon prints.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from bot.errors import ThreadbotError


class AlreadyRunning(ThreadbotError):
    exit_code = 1


class DaemonLock:
    def __init__(self, archive: Path) -> None:
        self.path = archive.with_name(archive.name + ".lock")
        self._fd: int | None = None

    def __enter__(self) -> DaemonLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise AlreadyRunning(
                f"another threadbot run (pid {owner}) is already working on {self.path.stem}; "
                "this one exits"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock
            self._fd = None
