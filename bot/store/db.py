"""The archive file: recognise it, open it, migrate it, and the one place that begins,
commits and rolls back a transaction.

Writes are plain SQL on a connection in autocommit mode with explicit BEGIN/COMMIT, one
transaction per unit of work (a thread, a link, a request): sqlite-utils' insert methods
commit on their own (`with conn:`), which would break that rule.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import BadInput, ConfigError, ServiceError, ThreadbotError
from bot.store.schema import APPLICATION_ID, MIGRATIONS, REBUILT_TABLES, SCHEMA_VERSION

log = logging.getLogger(__name__)

CHECKPOINT_BYTES = 40 << 20  # WAL size that starts a checkpoint
OPEN_ATTEMPTS = 20
# Tables every threadbot archive has had since its first schema: an archive made before
# archives carried an application id is recognised by them.
CORE_TABLES = frozenset({"threads", "posts", "accounts"})


class Store:
    """The archive file. It is opened (and created) on first use, so a run that fails
    before it has anything to save leaves no file behind.

    `readonly`: for commands that only read (status, serve): never creates, migrates or
    writes, and works on a file the user cannot write.
    `shared`: used from the daemon's job thread as well (callers serialise access).
    """

    def __init__(self, path: str | Path, *, readonly: bool = False, shared: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self._shared = shared
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    @property
    def exists(self) -> bool:
        return self._conn is not None or self.path.exists()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("pragma user_version").fetchone()[0])

    def check(self) -> None:
        """Refuse now, before any other work, a file that is not an archive or cannot be
        written; a missing file is fine (it is created when there is something to save)."""
        if self.path.exists():
            recognise(self.path)
            if not self.readonly:
                _check_writable(self.path)

    def close_after_check(self) -> None:
        """Open the archive (recognising it, migrating it if writable) and close it again."""
        self.conn  # noqa: B018 - opening is the check
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; any exception rolls the whole unit back.

        A COMMIT that fails (the disk is full, the file went away) is rolled back too, so
        the connection is usable for the next unit instead of stuck in a transaction.
        """
        conn = self.conn
        try:
            conn.execute("begin immediate")
        except sqlite3.OperationalError as e:
            raise _service_error(self.path, e) from None
        try:
            yield conn
        except BaseException:
            _rollback(conn)
            raise
        try:
            conn.execute("commit")
        except sqlite3.Error as e:
            _rollback(conn)
            raise _service_error(self.path, e) from None

    # --- opening ----------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self.readonly:
            if not self.path.is_file():
                raise BadInput(
                    f"no archive at {self.path}: archive a thread first (threadbot archive URL)"
                )
            recognise(self.path)
            # A WAL archive opened mode=ro creates -wal and -shm files beside it (left there,
            # owned by whoever ran `status`: a daemon run by another user then cannot use
            # them), or fails in a folder it cannot write. With no -wal beside it nothing is
            # being written: read the file as it is (immutable). With one, a writer is at work
            # and its newest pages are in its -wal: read through it, as SQLite does.
            wal = Path(f"{self.path}-wal").exists()
            flags = "mode=ro" if wal else "mode=ro&immutable=1"
            return self._connect(f"file:{_uri_path(self.path)}?{flags}", uri=True)
        if self.path.exists():
            recognise(self.path)
            _check_writable(self.path)
        elif not os.access(self.path.parent if str(self.path.parent) else ".", os.W_OK):
            raise BadInput(f"cannot create the archive {self.path}: its folder is not writable")
        # Two processes creating or upgrading the same archive at one moment can meet a lock
        # SQLite reports at once instead of waiting for (switching a new file to WAL, say):
        # the loser tries again, and then finds the work done.
        for attempt in range(OPEN_ATTEMPTS):
            conn = self._connect(str(self.path))
            try:
                _prepare(conn)
                return conn
            except sqlite3.OperationalError as e:
                conn.close()
                if "locked" not in str(e) or attempt == OPEN_ATTEMPTS - 1:
                    raise _service_error(self.path, e) from None
                time.sleep(0.05 * (attempt + 1))
            except sqlite3.Error as e:
                conn.close()
                raise _service_error(self.path, e) from None
            except BaseException:
                conn.close()
                raise
        raise AssertionError("unreachable")

    def _connect(self, target: str, uri: bool = False) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                target,
                uri=uri,
                isolation_level=None,
                timeout=30,
                check_same_thread=not self._shared,
            )
            # Saving a thread writes index and FTS pages all over the file: a 64 MB cache
            # makes saves ~20% faster.
            conn.execute("pragma cache_size = -65536")
            conn.execute("pragma temp_store = memory")
            conn.execute("pragma foreign_keys = on")
        except sqlite3.Error as e:
            raise _service_error(self.path, e) from None
        return conn


def _prepare(conn: sqlite3.Connection) -> None:
    # A post row with its raw JSON is ~1.5 KB: two fit a 4 KB page with a quarter of it left
    # empty, five fit 8 KB. A new archive is ~15% smaller and saves ~7% faster (fewer WAL
    # frames); an existing one keeps the page size it was made with.
    conn.execute("pragma page_size = 8192")
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = normal")
    page_size = conn.execute("pragma page_size").fetchone()[0]
    conn.execute(f"pragma wal_autocheckpoint = {CHECKPOINT_BYTES // page_size}")
    migrate(conn)


def recognise(path: Path) -> None:
    """Refuse (BadInput, exit 2) a file that is not a threadbot archive, reading it only.

    An empty file, or a SQLite file without tables, is a new archive. A SQLite file is an
    archive if it carries threadbot's application id, or (made before archives carried one)
    has threadbot's core tables.
    """
    if path.stat().st_size == 0:
        return
    # immutable: read the file as it is, without locks, journals or a -shm file beside it,
    # so a file that turns out not to be ours is left exactly as it was. An archive's newest
    # pages may still be in its -wal file, so with one beside it, read through it.
    try:
        app_id, version, tables = _identity(path, immutable=True)
    except BadInput:
        # read without locks while another process writes the file, a page can come torn
        # ("malformed"): read again the ordinary way, which waits for the writer
        app_id, version, tables = _identity(path, immutable=False)
    if app_id != APPLICATION_ID and Path(f"{path}-wal").exists():
        app_id, version, tables = _identity(path, immutable=False)
    if app_id == 0 and not tables:
        return  # an empty SQLite file (another threadbot may be creating it this instant)
    if app_id != APPLICATION_ID and (app_id != 0 or not tables >= CORE_TABLES or version < 1):
        raise BadInput(
            f"{path} is not a threadbot archive (another program's SQLite database); left unchanged"
        )
    if version > SCHEMA_VERSION:
        raise ConfigError(
            f"the archive has schema version {version}, newer than this threadbot "
            f"({SCHEMA_VERSION}): upgrade threadbot"
        )


def _identity(path: Path, immutable: bool) -> tuple[int, int, set[str]]:
    """(application id, schema version, table names) of a SQLite file."""
    flags = "mode=ro&immutable=1" if immutable else "mode=ro"
    try:
        probe = sqlite3.connect(f"file:{_uri_path(path)}?{flags}", uri=True)
    except sqlite3.Error as e:
        raise BadInput(f"{path} is not a threadbot archive ({e})") from None
    try:
        app_id = probe.execute("pragma application_id").fetchone()[0]
        version = probe.execute("pragma user_version").fetchone()[0]
        rows = probe.execute("select name from sqlite_master where type = 'table'")
        return int(app_id), int(version), {str(r[0]) for r in rows}
    except sqlite3.DatabaseError as e:
        raise BadInput(f"{path} is not a threadbot archive ({e})") from None
    finally:
        probe.close()


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the database to SCHEMA_VERSION in one transaction per migration step.

    The version is read again inside the write lock: a second process that opened the same
    old archive waits for the first and then finds nothing left to do.
    """
    # Off while migrating, as SQLite's table-rebuild procedure asks (a rebuilt table's DROP
    # would otherwise check every row that references it); the rebuilt tables are checked
    # before each step commits. The pragma is a no-op inside a transaction, hence out here.
    enforced = conn.execute("pragma foreign_keys").fetchone()[0]
    conn.execute("pragma foreign_keys = off")
    try:
        _migrate_steps(conn)
    finally:
        conn.execute(f"pragma foreign_keys = {int(enforced)}")


def _migrate_steps(conn: sqlite3.Connection) -> None:
    while True:
        conn.execute("begin immediate")
        try:
            version = conn.execute("pragma user_version").fetchone()[0]
            if version >= SCHEMA_VERSION:
                conn.execute("commit")
                return
            log.info("migrating the archive to schema version %d", version + 1)
            step = MIGRATIONS[version]
            step(conn)
            for table in REBUILT_TABLES.get(step, ()):
                if conn.execute(f"pragma foreign_key_check([{table}])").fetchone():
                    raise ServiceError(
                        f"migrating the archive to schema version {version + 1} left rows "
                        f"of {table} pointing at nothing; the archive is left as it was"
                    )
            conn.execute(f"pragma user_version = {version + 1}")
            conn.execute(f"pragma application_id = {APPLICATION_ID}")
            conn.execute("commit")
        except BaseException:
            _rollback(conn)
            raise


def _check_writable(path: Path) -> None:
    if not os.access(path, os.W_OK):
        raise BadInput(f"the archive {path} is read-only: threadbot needs to write to it")
    if not os.access(path.parent if str(path.parent) else ".", os.W_OK):
        # WAL mode keeps archive.db-wal and -shm beside the file
        raise BadInput(f"the folder of the archive {path} is not writable")


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        try:
            conn.execute("rollback")
        except sqlite3.Error:
            log.warning("rollback failed", exc_info=True)


def _service_error(path: Path, error: sqlite3.Error) -> ThreadbotError:
    """An SQLite failure as one sentence: a read-only file is the user's to fix (exit 2);
    a full disk or a vanished file is a failure while working (exit 1)."""
    message = str(error) or type(error).__name__
    if "readonly" in message or "read-only" in message:
        return BadInput(f"the archive {path} is read-only: {message}")
    return ServiceError(f"the archive {path} failed: {message}")


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.absolute()))
