"""What a reader of the archive may not see, and how that is enforced.

The daemon keeps its working state in the archive file beside the archive itself: which
reporters it watches and how far it read them, the score it gave every thread it saw
(threads it decided not to archive among them, and authors who opted out), its job runs
with internal errors, the items it keeps failing on, its cursors, and for each request who
asked, the conversation the reply goes into, which worker holds it and why it failed. None
of that is for the public. Neither are the archived bytes (`blobs`) as a table: they are
served one document at a time by the document route, with headers that keep a hostile file
harmless.

Two locks, because Datasette offers two ways in:
- `permission_allowed` refuses Datasette's table and row pages of the private tables (and
  leaves them out of its listings);
- `reader_authorizer`, installed on every reader connection of the archive, refuses to
  compile any SQL that reads a column of a private table or a private column, whoever wrote
  the SQL: a reader's own query, a canned query, a page (counting a table's rows is allowed:
  Datasette does it for its listings). It is called once per statement while SQLite
  prepares it, so it costs nothing per row.

Requests are public only as the columns in PUBLIC_COLUMNS (the `public_requests` view shows
exactly those). A table is public unless it is listed here: a new table of the daemon's must
be added to PRIVATE_TABLES, and tests/integration/test_privacy.py fails for a table that is
in neither list.
"""

from __future__ import annotations

import sqlite3

PRIVATE_TABLES = frozenset(
    {"blobs", "watched_accounts", "candidates", "job_runs", "item_failures", "cursors"}
)
# Tables readers may read only some columns of; "" is a read of no column (count(*)).
PUBLIC_COLUMNS = {
    "requests": frozenset(
        {"", "rowid", "id", "platform", "created_at", "command", "status", "thread_id"}
    )
}
# Every other table a threadbot archive has, public as a whole (FTS tables go by suffix).
PUBLIC_TABLES = frozenset(
    {
        "accounts",
        "threads",
        "posts",
        "post_versions",
        "links",
        "images",
        "documents",
        "dockets",
        "annotations",
        "judges",
        "cases",
        # the federal judges register judges were checked against: public records
        "judge_register",
        "register_judges",
        "register_services",
        "public_requests",
    }
)
FTS_SUFFIXES = ("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config", "_fts_content")

# Statements that change a schema, attach a file or build statistics: a reader's SQL is a
# SELECT (Datasette checks), so these can only come from a way around that check. Writes to
# the main database fail on the read-only connection anyway.
REFUSED_ACTIONS = frozenset(
    {
        sqlite3.SQLITE_CREATE_INDEX,
        sqlite3.SQLITE_CREATE_TABLE,
        sqlite3.SQLITE_CREATE_TEMP_INDEX,
        sqlite3.SQLITE_CREATE_TEMP_TABLE,
        sqlite3.SQLITE_CREATE_TEMP_TRIGGER,
        sqlite3.SQLITE_CREATE_TEMP_VIEW,
        sqlite3.SQLITE_CREATE_TRIGGER,
        sqlite3.SQLITE_CREATE_VIEW,
        sqlite3.SQLITE_CREATE_VTABLE,
        sqlite3.SQLITE_DROP_INDEX,
        sqlite3.SQLITE_DROP_TABLE,
        sqlite3.SQLITE_DROP_TEMP_INDEX,
        sqlite3.SQLITE_DROP_TEMP_TABLE,
        sqlite3.SQLITE_DROP_TEMP_TRIGGER,
        sqlite3.SQLITE_DROP_TEMP_VIEW,
        sqlite3.SQLITE_DROP_TRIGGER,
        sqlite3.SQLITE_DROP_VIEW,
        sqlite3.SQLITE_DROP_VTABLE,
        sqlite3.SQLITE_ALTER_TABLE,
        sqlite3.SQLITE_ATTACH,
        sqlite3.SQLITE_DETACH,
        sqlite3.SQLITE_REINDEX,
        sqlite3.SQLITE_ANALYZE,
    }
)


def is_private_table(table: str) -> bool:
    """Whether Datasette's table and row pages of `table` are refused (requests too: only its
    public view is served)."""
    name = table.lower()
    return name in PRIVATE_TABLES or name in PUBLIC_COLUMNS


def is_classified(table: str) -> bool:
    """Whether this module says whether `table` is public (every table of an archive must be)."""
    name = table.lower()
    return (
        name in PRIVATE_TABLES
        or name in PUBLIC_COLUMNS
        or name in PUBLIC_TABLES
        or name.startswith("sqlite_")
        or name.endswith(FTS_SUFFIXES)
    )


def reader_authorizer(
    action: int, arg1: str | None, arg2: str | None, database: str | None, source: str | None
) -> int:
    """sqlite3's authorizer callback for a reader connection: SQLITE_DENY for a read of a
    private table or column and for schema changes, SQLITE_OK otherwise.

    The view or trigger a read comes through (`source`) is deliberately not trusted: a
    common table expression can carry any name, including a view's.

    >>> read = sqlite3.SQLITE_READ
    >>> reader_authorizer(read, "blobs", "content", "main", None) == sqlite3.SQLITE_DENY
    True
    >>> reader_authorizer(read, "requests", "status", "main", None) == sqlite3.SQLITE_OK
    True
    >>> reader_authorizer(read, "requests", "claimed_by", "main", "public_requests")
    1
    """
    if action == sqlite3.SQLITE_READ:
        table, column = (arg1 or "").lower(), (arg2 or "").lower()
        if table in PRIVATE_TABLES:
            # A read of no column is a count: Datasette counts every table for its pages,
            # and how many rows a table has is all a reader learns from it.
            return sqlite3.SQLITE_OK if column == "" else sqlite3.SQLITE_DENY
        public = PUBLIC_COLUMNS.get(table)
        if public is not None and column not in public:
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK
    if action in REFUSED_ACTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def guard_connection(conn: sqlite3.Connection) -> None:
    """Install `reader_authorizer` on a reader connection of the archive."""
    conn.set_authorizer(reader_authorizer)
