"""Local AT Protocol network for tests and the demo (standard library only).

Usage from Python (add ``scripts/sandbox`` to ``sys.path``)::

    from network import LocalNetwork, create_account, wait_for_profile

    with LocalNetwork() as net:
        alice = create_account(net.pds, "alice.test", "hunter22")
        wait_for_profile(net.appview, alice["did"])
        ...

``LocalNetwork`` runs ``start.sh`` (PostgreSQL + @atproto/dev-env's PLC, PDS and
AppView on 127.0.0.1). Install first with ``scripts/sandbox/install.sh``.

From a shell: ``python scripts/sandbox/network.py`` starts the network, prints
the URLs and runs until Ctrl-C.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, TextIO

__all__ = [
    "SANDBOX_DIR",
    "LocalNetwork",
    "SandboxError",
    "SandboxNotInstalled",
    "XrpcError",
    "create_account",
    "wait_for_profile",
]

SANDBOX_DIR = Path(__file__).resolve().parent
START_SCRIPT = SANDBOX_DIR / "start.sh"
INSTALL_SCRIPT = SANDBOX_DIR / "install.sh"
STAMP_FILE = SANDBOX_DIR / "node_modules" / ".threadbot-sandbox-stamp"
HANDLE_DOMAIN = ".test"  # the dev-env PDS only serves handles under .test


class SandboxError(RuntimeError):
    """The local network could not be started or stopped."""


class SandboxNotInstalled(SandboxError):
    """install.sh has not been run (or the lockfile changed since)."""


class XrpcError(RuntimeError):
    """An XRPC call answered with an HTTP error."""

    def __init__(self, method: str, status: int, body: Any):
        self.method = method
        self.status = status
        self.body = body
        if isinstance(body, dict):
            detail = f"{body.get('error')}: {body.get('message')}"
        else:
            detail = str(body)[:500]
        super().__init__(f"{method} failed with HTTP {status}: {detail}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_installed() -> None:
    """Raise SandboxNotInstalled unless install.sh has completed for the current lockfile."""
    hint = (
        f"run {INSTALL_SCRIPT} first (needs the npm registry, a C/C++ toolchain and a few minutes)"
    )
    node = SANDBOX_DIR / ".node" / "bin" / "node"
    if not node.exists() or not STAMP_FILE.exists():
        raise SandboxNotInstalled(f"the local AT Protocol sandbox is not installed: {hint}")
    stamp = dict(part.split("=", 1) for part in STAMP_FILE.read_text().split() if "=" in part)
    lock = SANDBOX_DIR / "package-lock.json"
    pkg = SANDBOX_DIR / "package.json"
    if stamp.get("lock") != _sha256(lock) or stamp.get("pkg") != _sha256(pkg):
        raise SandboxNotInstalled(
            f"the sandbox install is out of date (package files changed): {hint}"
        )


class LocalNetwork:
    """A PLC + PDS + AppView network on loopback, run by start.sh.

    Fixed ports can be asked for (the demo uses them); otherwise free ports are
    chosen. Output of the services goes to ``log`` (a text stream) when given,
    to stderr when ``verbose``, and the last lines are kept for error messages.
    """

    def __init__(
        self,
        *,
        pds_port: int | None = None,
        appview_port: int | None = None,
        plc_port: int | None = None,
        verbose: bool = False,
        log: TextIO | None = None,
        env: dict[str, str] | None = None,
    ):
        self.pds_port = pds_port
        self.appview_port = appview_port
        self.plc_port = plc_port
        self.verbose = verbose
        self.log = log
        self.extra_env = dict(env or {})
        self.pds: str | None = None
        self.appview: str | None = None
        self.plc: str | None = None
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._tail: collections.deque[str] = collections.deque(maxlen=60)
        self._stderr_thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle
    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def urls(self) -> dict[str, str]:
        return {"pds": self.pds, "appview": self.appview, "plc": self.plc}  # type: ignore[dict-item]

    def start(self, timeout: float = 180) -> LocalNetwork:
        if self._proc is not None:
            raise SandboxError("this LocalNetwork is already started")
        check_installed()
        env = dict(os.environ)
        for name, port in (
            ("SANDBOX_PDS_PORT", self.pds_port),
            ("SANDBOX_APPVIEW_PORT", self.appview_port),
            ("SANDBOX_PLC_PORT", self.plc_port),
        ):
            if port is not None:
                env[name] = str(port)
        env.pop("SANDBOX_IGNORE_STDIN", None)  # our stdin pipe is the lifeline
        env.update(self.extra_env)

        began = time.monotonic()
        self._proc = subprocess.Popen(
            ["bash", str(START_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # a Ctrl-C here is handled by stop(), not by the children
        )
        self._stderr_thread = threading.Thread(
            target=self._pump_stderr, name="sandbox-stderr", daemon=True
        )
        self._stderr_thread.start()

        try:
            line = self._read_line(timeout)
        except BaseException:  # e.g. Ctrl-C while waiting: do not leave it running
            self.stop()
            raise
        try:
            urls = json.loads(line)
            self.pds, self.appview, self.plc = urls["pds"], urls["appview"], urls["plc"]
        except (ValueError, KeyError, TypeError) as err:
            self.stop()
            raise SandboxError(f"start.sh printed an unexpected line: {line!r}") from err
        self.startup_seconds = time.monotonic() - began
        return self

    def _read_line(self, timeout: float) -> str:
        assert self._proc is not None and self._proc.stdout is not None
        result: list[bytes] = []
        reader = threading.Thread(
            target=lambda: result.append(self._proc.stdout.readline()),  # type: ignore[union-attr]
            name="sandbox-stdout",
            daemon=True,
        )
        reader.start()
        reader.join(timeout)
        if reader.is_alive() or not result or not result[0].strip():
            exited = self._proc.poll()
            self.stop()
            reason = (
                f"start.sh exited with code {exited}"
                if exited is not None
                else f"no URLs after {timeout:.0f} s"
            )
            raise SandboxError(f"the local network did not start: {reason}\n{self.log_tail()}")
        return result[0].decode("utf-8", "replace").strip()

    def _pump_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        for raw in iter(self._proc.stderr.readline, b""):
            text = raw.decode("utf-8", "replace")
            self._tail.append(text.rstrip("\n"))
            for stream in (self.log, sys.stderr if self.verbose else None):
                if stream is not None:
                    try:
                        stream.write(text)
                        stream.flush()
                    except (OSError, ValueError):
                        pass

    def log_tail(self, lines: int = 40) -> str:
        """The last lines that the network wrote to stderr."""
        return "\n".join(list(self._tail)[-lines:])

    def stop(self, timeout: float = 60) -> int | None:
        """Stop the network: close its stdin, then SIGTERM, then SIGKILL. Returns the exit code."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None and proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()  # start.sh treats end of stdin as "shut down"
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if self._stderr_thread is not None:
            self._stderr_thread.join(5)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        return proc.returncode

    def __enter__(self) -> LocalNetwork:
        if self._proc is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ------------------------------------------------------------------ XRPC helpers
def _xrpc(
    base: str,
    method: str,
    *,
    params: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
    token: str | None = None,
    timeout: float = 30,
) -> dict[str, Any]:
    url = f"{base.rstrip('/')}/xrpc/{method}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            detail: Any = json.loads(raw)
        except ValueError:
            detail = raw.decode("utf-8", "replace")
        raise XrpcError(method, err.code, detail) from None
    return json.loads(payload) if payload else {}


def create_account(
    pds: str, handle: str, password: str, email: str | None = None
) -> dict[str, Any]:
    """Create an account on the sandbox PDS (no invite code needed).

    ``handle`` must end in ``.test``; a bare name such as ``"alice"`` gets it
    appended. Returns the createAccount answer: did, handle, accessJwt,
    refreshJwt (and didDoc).
    """
    if "." not in handle:
        handle += HANDLE_DOMAIN
    if email is None:
        email = f"{handle.split('.')[0]}@example.com"
    return _xrpc(
        pds,
        "com.atproto.server.createAccount",
        body={"handle": handle, "password": password, "email": email},
    )


def wait_for_profile(appview: str, actor: str, timeout: float = 30) -> dict[str, Any]:
    """Poll app.bsky.actor.getProfile on the AppView until it answers 200; return the profile."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while True:
        try:
            return _xrpc(appview, "app.bsky.actor.getProfile", params={"actor": actor}, timeout=10)
        except (XrpcError, urllib.error.URLError, OSError) as err:
            last = err
        if time.monotonic() >= deadline:
            raise TimeoutError(f"profile {actor!r} not on the AppView after {timeout} s: {last}")
        time.sleep(0.2)


# ------------------------------------------------------------------ __main__
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the local AT Protocol network until Ctrl-C.")
    parser.add_argument("--pds-port", type=int, default=_env_port("SANDBOX_PDS_PORT"))
    parser.add_argument("--appview-port", type=int, default=_env_port("SANDBOX_APPVIEW_PORT"))
    parser.add_argument("--plc-port", type=int, default=_env_port("SANDBOX_PLC_PORT"))
    parser.add_argument("--quiet", action="store_true", help="do not echo the network's log")
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args(argv)

    # Ctrl-C and SIGTERM both mean "stop cleanly" (even if SIGINT was ignored
    # by whoever started us, as for background jobs of a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)

    net = LocalNetwork(
        pds_port=args.pds_port,
        appview_port=args.appview_port,
        plc_port=args.plc_port,
        verbose=not args.quiet,
    )
    try:
        net.start(timeout=args.timeout)
    except SandboxError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted during start-up", file=sys.stderr)
        return 130
    print(f"PDS:     {net.pds}")
    print(f"AppView: {net.appview}")
    print(f"PLC:     {net.plc}")
    print(json.dumps(net.urls()))
    print(
        f"(up in {net.startup_seconds:.1f} s; handles end in {HANDLE_DOMAIN}; Ctrl-C to stop)",
        flush=True,
    )
    try:
        while net.running:
            time.sleep(0.5)
        print("the network stopped by itself:\n" + net.log_tail(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping ...", file=sys.stderr)
        return 0
    finally:
        net.stop()


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _env_port(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


if __name__ == "__main__":
    sys.exit(main())
