"""`threadbot run` as a real child process, for tests that signal it or start a second one:
its stderr is read line by line as it comes, so a test can wait for what the daemon says.

    with DaemonProcess(folder, {"THREADBOT_DAEMON_RESOLVE_INTERVAL": "0.2"}) as daemon:
        daemon.wait_for("daemon started")
        daemon.terminate()
        assert daemon.wait() == 0
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without any THREADBOT_* variable, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    env.update(settings)
    return env


class DaemonProcess:
    def __init__(self, folder: Path, settings: dict[str, str], *args: str) -> None:
        self.folder = folder
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "-v", "run", *args],
            env=clean_environment(THREADBOT_DB="archive.db", **settings),
            cwd=folder,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._ended = False  # stderr closed: the daemon has exited
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def stderr(self) -> str:
        with self._changed:
            return "".join(self.lines)

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for(self, text: str, timeout: float = 60, after: int = 0) -> str:
        """The first stderr line containing `text` (from line number `after` on); fails if
        the daemon ends or says nothing of the kind within `timeout` seconds."""

        def match() -> str | None:
            return next((line for line in self.lines[after:] if text in line), None)

        with self._changed:
            found = self._changed.wait_for(lambda: match() is not None or self._ended, timeout)
            line = match()
            if not found or line is None:
                raise AssertionError(f"the daemon never said {text!r}; it said:\n{self.stderr}")
            return line

    def line_count(self) -> int:
        with self._changed:
            return len(self.lines)

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout)
        self._reader.join(10)
        return code

    def running(self) -> bool:
        return self.process.poll() is None

    def __enter__(self) -> DaemonProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
