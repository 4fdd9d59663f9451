"""The archive's schema, created and migrated in order. The schema is a public interface:
people write SQL against it, so columns are added, never renamed or dropped.

Each migration is plain SQL run inside one transaction together with the move of the schema
version (`PRAGMA user_version`), so a migration either happened completely or not at all,
and two processes that open an old archive at once take turns on SQLite's write lock: the
second finds the work done. (sqlite-utils' table helpers commit on their own, which is why
migrations do not use them.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from bot.store.rebuild import rebuild_with_references

# "TBOT": marks a SQLite file as a threadbot archive (PRAGMA application_id), so threadbot
# never mistakes another program's database for its own.
APPLICATION_ID = 0x54424F54


def _v1_core(conn: sqlite3.Connection) -> None:
    _script(
        conn,
        """
        CREATE TABLE [accounts] (
           [id] TEXT PRIMARY KEY, [platform] TEXT, [handle] TEXT, [display_name] TEXT,
           [avatar_url] TEXT, [first_seen_at] TEXT, [updated_at] TEXT
        );
        CREATE TABLE [threads] (
           [id] INTEGER PRIMARY KEY, [platform] TEXT, [root_post_id] TEXT,
           [author_id] TEXT REFERENCES [accounts]([id]), [title] TEXT, [url] TEXT,
           [post_count] INTEGER, [link_count] INTEGER, [gap_count] INTEGER,
           [first_post_at] TEXT, [last_post_at] TEXT, [archived_at] TEXT, [updated_at] TEXT
        );
        CREATE TABLE [posts] (
           [id] TEXT PRIMARY KEY, [platform] TEXT,
           [thread_id] INTEGER REFERENCES [threads]([id]), [position] INTEGER,
           [author_id] TEXT REFERENCES [accounts]([id]), [status] TEXT, [cid] TEXT,
           [url] TEXT, [text] TEXT, [created_at] TEXT, [reply_parent_id] TEXT,
           [reply_root_id] TEXT, [quote_id] TEXT, [langs] TEXT, [archived_at] TEXT,
           [updated_at] TEXT, [deleted_at] TEXT, [raw] TEXT
        );
        CREATE TABLE [post_versions] (
           [id] INTEGER PRIMARY KEY, [post_id] TEXT REFERENCES [posts]([id]), [cid] TEXT,
           [text] TEXT, [raw] TEXT, [replaced_at] TEXT
        );
        CREATE TABLE [links] (
           [id] INTEGER PRIMARY KEY, [post_id] TEXT REFERENCES [posts]([id]),
           [position] INTEGER, [origin] TEXT, [display_text] TEXT, [url] TEXT,
           [byte_start] INTEGER, [byte_end] INTEGER, [title] TEXT, [description] TEXT,
           [resolved_url] TEXT, [kind] TEXT, [status] TEXT, [error] TEXT,
           [archived_at] TEXT, [updated_at] TEXT
        );
        CREATE TABLE [images] (
           [post_id] TEXT REFERENCES [posts]([id]), [position] INTEGER, [url] TEXT,
           [thumb_url] TEXT, [alt] TEXT, [width] INTEGER, [height] INTEGER,
           PRIMARY KEY ([post_id], [position])
        );
        CREATE TABLE [blobs] (
           [sha256] TEXT PRIMARY KEY, [size] INTEGER, [content_type] TEXT, [content] BLOB,
           [first_seen_at] TEXT
        );
        CREATE TABLE [documents] (
           [id] INTEGER PRIMARY KEY, [kind] TEXT, [url] TEXT, [title] TEXT, [text] TEXT,
           [sha256] TEXT REFERENCES [blobs]([sha256]), [court] TEXT, [case_name] TEXT,
           [docket_number] TEXT, [fetched_at] TEXT
        );
        CREATE TABLE [annotations] (
           [id] INTEGER PRIMARY KEY, [subject_type] TEXT, [subject_id] TEXT, [kind] TEXT,
           [value] TEXT, [start] INTEGER, [end] INTEGER, [source] TEXT, [created_at] TEXT
        );
        CREATE TABLE [requests] (
           [id] INTEGER PRIMARY KEY, [platform] TEXT, [mention_post_id] TEXT,
           [requester_id] TEXT, [thread_id] INTEGER REFERENCES [threads]([id]),
           [status] TEXT, [reply_post_id] TEXT, [error] TEXT, [created_at] TEXT,
           [updated_at] TEXT
        );
        -- Every index slows every save: only those a query needs.
        CREATE UNIQUE INDEX [idx_threads_root_post_id] ON [threads] ([root_post_id]);
        CREATE INDEX [idx_threads_updated_at] ON [threads] ([updated_at]);
        CREATE INDEX [idx_posts_thread_id_position] ON [posts] ([thread_id], [position]);
        -- Datasette's default sort of the posts table
        CREATE INDEX [idx_posts_created_at] ON [posts] ([created_at]);
        CREATE UNIQUE INDEX [idx_links_post_id_position] ON [links] ([post_id], [position]);
        CREATE INDEX [idx_post_versions_post_id] ON [post_versions] ([post_id]);
        CREATE INDEX [idx_documents_url] ON [documents] ([url]);
        CREATE INDEX [idx_annotations_subject_type_subject_id]
            ON [annotations] ([subject_type], [subject_id]);
        CREATE UNIQUE INDEX [idx_requests_mention_post_id] ON [requests] ([mention_post_id]);
        """,
    )
    # Porter stemming: a search for "rule" finds "ruled" and "rules".
    _fts(conn, "posts", ["text"])
    _fts(conn, "documents", ["title", "text"])


def _v2_link_stage(conn: sqlite3.Connection) -> None:
    """Links resolved to their final URL; documents with their metadata; dockets."""
    _add_columns(
        conn,
        "links",
        "canonical_url TEXT, redirects TEXT, http_status INTEGER, content_type TEXT, "
        "attempts INTEGER, next_attempt_at TEXT, resolved_at TEXT, document_id INTEGER, "
        "docket_id INTEGER",
    )
    _script(
        conn,
        """
        CREATE TABLE [dockets] (
           [id] INTEGER PRIMARY KEY, [courtlistener_id] INTEGER, [court_id] TEXT,
           [court] TEXT, [pacer_case_id] TEXT, [case_name] TEXT, [docket_number] TEXT,
           [assigned_to] TEXT, [date_filed] TEXT, [url] TEXT, [fetched_at] TEXT,
           [updated_at] TEXT
        );
        """,
    )
    _add_columns(
        conn,
        "documents",
        "content_type TEXT, size INTEGER, author TEXT, published_at TEXT, site_name TEXT, "
        "page_count INTEGER, description TEXT, docket_id INTEGER, court_id TEXT, "
        "document_number INTEGER, attachment_number INTEGER, etag TEXT, last_modified TEXT",
    )
    _script(
        conn,
        """
        CREATE INDEX [idx_links_status_next_attempt_at] ON [links] ([status], [next_attempt_at]);
        CREATE INDEX [idx_links_canonical_url] ON [links] ([canonical_url]);
        CREATE UNIQUE INDEX [idx_documents_url_sha256] ON [documents] ([url], [sha256]);
        CREATE INDEX [idx_documents_docket_id] ON [documents] ([docket_id]);
        CREATE UNIQUE INDEX [idx_dockets_court_id_pacer_case_id]
            ON [dockets] ([court_id], [pacer_case_id]);
        CREATE UNIQUE INDEX [idx_dockets_courtlistener_id] ON [dockets] ([courtlistener_id]);
        """,
    )


def _v3_daemon(conn: sqlite3.Connection) -> None:
    """What the daemon remembers: watched accounts, scored threads, job runs, requests."""
    _script(
        conn,
        """
        CREATE TABLE [watched_accounts] (
           [id] TEXT PRIMARY KEY, [handle] TEXT, [newest_seen_at] TEXT,
           [last_polled_at] TEXT, [error] TEXT
        );
        CREATE TABLE [candidates] (
           [root_post_id] TEXT PRIMARY KEY, [author_id] TEXT, [score] FLOAT,
           [reasons] TEXT, [decision] TEXT, [decided_at] TEXT, [last_post_at] TEXT,
           [thread_id] INTEGER
        );
        CREATE TABLE [job_runs] (
           [id] INTEGER PRIMARY KEY, [job] TEXT, [started_at] TEXT, [finished_at] TEXT,
           [duration] FLOAT, [status] TEXT, [summary] TEXT, [error] TEXT
        );
        """,
    )
    _add_columns(
        conn,
        "requests",
        "command TEXT, mention_cid TEXT, target_post_id TEXT, requester_handle TEXT, "
        "reply_root TEXT, reply_text TEXT, reply_facets TEXT, status_after TEXT",
    )
    _script(
        conn,
        """
        CREATE INDEX [idx_job_runs_job_started_at] ON [job_runs] ([job], [started_at]);
        CREATE INDEX [idx_requests_requester_id_created_at]
            ON [requests] ([requester_id], [created_at]);
        CREATE INDEX [idx_requests_status] ON [requests] ([status]);
        """,
    )


def _v4_partial_url_index(conn: sqlite3.Connection) -> None:
    """A link has a canonical URL only once resolved: index only those, so saving a thread
    (all its links new, none resolved) writes no entries to this index."""
    _script(
        conn,
        """
        DROP INDEX IF EXISTS idx_links_canonical_url;
        CREATE INDEX idx_links_canonical_url ON links (canonical_url)
            WHERE canonical_url IS NOT NULL;
        """,
    )


def _v5_faults(conn: sqlite3.Connection) -> None:
    """Each failure on its own row; requests claimed and retried; cursors; document numbers
    as text (appellate numbers keep their leading zeros); why a document's text is partial."""
    _add_columns(
        conn,
        "requests",
        "attempts INTEGER, next_attempt_at TEXT, claimed_by TEXT, claimed_until TEXT, "
        "reply_links TEXT",
    )
    # Requests recorded before v5 keep their conversation as {uri, cid} of its root, beside
    # the mention's own cid: the platform-neutral form names parent and root. A reply that
    # was being posted is composed again (its old facets are not the new links); the bot's
    # reply already under the mention, if any, is found before anything is posted twice.
    _script(
        conn,
        """
        UPDATE requests SET reply_root = json_object(
            'parent_uri', mention_post_id, 'parent_cid', mention_cid,
            'root_uri', json_extract(reply_root, '$.uri'),
            'root_cid', json_extract(reply_root, '$.cid'))
        WHERE json_valid(reply_root) AND json_extract(reply_root, '$.uri') IS NOT NULL;
        UPDATE requests SET status = 'archived' WHERE status = 'replying';
        UPDATE requests SET attempts = 0 WHERE attempts IS NULL;
        """,
    )
    _add_columns(conn, "watched_accounts", "platform TEXT")
    _script(
        conn,
        """
        CREATE TABLE IF NOT EXISTS [item_failures] (
           [job] TEXT, [item] TEXT, [attempts] INTEGER, [error] TEXT,
           [next_attempt_at] TEXT, [first_failed_at] TEXT, [last_failed_at] TEXT,
           PRIMARY KEY ([job], [item])
        );
        CREATE TABLE IF NOT EXISTS [cursors] (
           [name] TEXT PRIMARY KEY, [value] TEXT, [updated_at] TEXT
        );
        CREATE INDEX IF NOT EXISTS [idx_requests_status_next_attempt_at]
            ON [requests] ([status], [next_attempt_at]);
        """,
    )
    _documents_with_text_numbers(conn)


def _documents_with_text_numbers(conn: sqlite3.Connection) -> None:
    """Rebuild `documents` with document_number and attachment_number as TEXT (a column's
    type cannot be altered in SQLite). Ids stay, so documents_fts stays valid."""
    columns = [row[1] for row in conn.execute("pragma table_info([documents])")]
    if "text_complete" in columns:
        return
    types = {row[1]: row[2] for row in conn.execute("pragma table_info([documents])")}
    types.update(
        id="INTEGER PRIMARY KEY",
        sha256="TEXT REFERENCES [blobs]([sha256])",
        document_number="TEXT",
        attachment_number="TEXT",
    )
    spec = ", ".join(f"[{c}] {types[c]}" for c in columns)
    keep = ", ".join(f"[{c}]" for c in columns)
    _script(
        conn,
        f"""
        CREATE TABLE [documents_v5] ({spec}, [text_complete] INTEGER, [text_note] TEXT);
        INSERT INTO [documents_v5] ({keep}, [text_complete])
            SELECT {keep}, 1 FROM [documents];
        DROP TABLE [documents];
        ALTER TABLE [documents_v5] RENAME TO [documents];
        CREATE INDEX [idx_documents_url] ON [documents] ([url]);
        CREATE UNIQUE INDEX [idx_documents_url_sha256] ON [documents] ([url], [sha256]);
        CREATE INDEX [idx_documents_docket_id] ON [documents] ([docket_id]);
        """,
    )
    _fts_triggers(conn, "documents", ["title", "text"])


def _v6_annotations(conn: sqlite3.Connection) -> None:
    """Annotations with what they stand for and who made them; the judges register the
    annotator checked judges against; views that gather judges and cases."""
    _add_columns(
        conn,
        "annotations",
        "normalized TEXT, confidence FLOAT, annotator TEXT, register_version TEXT, "
        "details TEXT, thread_id INTEGER",
    )
    _add_columns(conn, "threads", "annotated_with TEXT")
    _add_columns(conn, "documents", "annotated_with TEXT")
    _script(
        conn,
        """
        CREATE INDEX IF NOT EXISTS [idx_annotations_kind_normalized]
            ON [annotations] ([kind], [normalized]);
        CREATE INDEX IF NOT EXISTS [idx_annotations_thread_id] ON [annotations] ([thread_id]);
        CREATE TABLE IF NOT EXISTS [judge_register] (
           [version] TEXT PRIMARY KEY, [as_of] TEXT, [source] TEXT, [source_url] TEXT,
           [inputs] TEXT, [loaded_at] TEXT, [data] BLOB
        );
        CREATE TABLE IF NOT EXISTS [register_judges] (
           [id] TEXT PRIMARY KEY, [name] TEXT, [last] TEXT, [first] TEXT, [middle] TEXT,
           [suffix] TEXT
        );
        CREATE TABLE IF NOT EXISTS [register_services] (
           [judge_id] TEXT REFERENCES [register_judges]([id]), [court_id] TEXT, [court] TEXT,
           [title] TEXT, [appointed_by] TEXT, [start] TEXT, [senior] TEXT, [end] TEXT
        );
        CREATE INDEX IF NOT EXISTS [idx_register_services_judge_id]
            ON [register_services] ([judge_id]);
        """,
    )
    _script(conn, JUDGES_VIEW)
    _script(conn, CASES_VIEW)


# Every judge the archive's posts and documents name: resolved ones by their register id
# (with the register's name, courts and appointing presidents), the others by the name as
# written. `claimed_by` lists what posts said appointed them; `conflict` is 1 when a claim
# contradicts the register.
JUDGES_VIEW = """
CREATE VIEW IF NOT EXISTS [judges] AS
SELECT
  j.normalized AS id,
  coalesce(r.name, j.normalized) AS name,
  r.id IS NOT NULL AS in_register,
  (SELECT group_concat(DISTINCT s.court) FROM register_services s WHERE s.judge_id = r.id)
    AS courts,
  (SELECT group_concat(DISTINCT s.appointed_by) FROM register_services s
   WHERE s.judge_id = r.id AND s.appointed_by != '') AS appointed_by,
  (SELECT group_concat(DISTINCT a.normalized) FROM annotations a
   WHERE a.kind = 'appointed_by' AND json_extract(a.details, '$.judge') = j.normalized)
    AS claimed_by,
  coalesce((SELECT max(json_extract(a.details, '$.conflict')) FROM annotations a
   WHERE a.kind = 'appointed_by' AND json_extract(a.details, '$.judge') = j.normalized), 0)
    AS conflict,
  count(*) AS mentions,
  count(DISTINCT j.thread_id) AS threads,
  min((SELECT p.created_at FROM posts p WHERE p.id = j.subject_id)) AS first_named_at
FROM annotations j
LEFT JOIN register_judges r ON r.id = j.normalized
WHERE j.kind = 'judge'
GROUP BY j.normalized;
"""

# Every case the archive names, by its docket number in one spelling: case names, how many
# threads (naming it, or linking a document that does) and documents, from posts' and
# documents' annotations and the dockets CourtListener links gave.
CASES_VIEW = """
CREATE VIEW IF NOT EXISTS [cases] AS
SELECT
  a.normalized AS docket_number,
  (SELECT group_concat(DISTINCT c.normalized) FROM annotations c
   JOIN annotations d ON d.subject_type = c.subject_type AND d.subject_id = c.subject_id
   WHERE c.kind = 'case_name' AND d.kind = 'docket_number' AND d.normalized = a.normalized)
    AS case_names,
  (SELECT group_concat(DISTINCT k.case_name) FROM dockets k
   WHERE k.docket_number LIKE '%' || a.normalized || '%') AS docket_case_names,
  -- threads whose posts name it, or link to a document that does
  (SELECT count(DISTINCT t) FROM (
     SELECT n.thread_id AS t FROM annotations n
     WHERE n.kind = 'docket_number' AND n.normalized = a.normalized AND n.thread_id IS NOT NULL
     UNION
     SELECT p.thread_id FROM annotations n
     JOIN links l ON l.document_id = CAST(n.subject_id AS INTEGER)
     JOIN posts p ON p.id = l.post_id
     WHERE n.kind = 'docket_number' AND n.subject_type = 'document'
       AND n.normalized = a.normalized)) AS threads,
  count(DISTINCT CASE WHEN a.subject_type = 'document' THEN a.subject_id END) AS documents,
  min((SELECT p.created_at FROM posts p WHERE p.id = a.subject_id)) AS first_named_at
FROM annotations a
WHERE a.kind = 'docket_number'
GROUP BY a.normalized;
"""


def _v7_reading_room(conn: sqlite3.Connection) -> None:
    """Foreign keys where ids point at other rows (links → documents and dockets, documents →
    dockets), so Datasette labels and links them; the indexes the reading room's case,
    document and feed pages need; the public view of requests.

    SQLite cannot add a constraint to a table: `links` and `documents` are rebuilt, ids kept
    (documents_fts stays valid), their indexes and triggers recreated as they were. migrate()
    runs this with foreign keys off and checks them before it commits.
    """
    # An id left pointing at a row that is gone would fail the new constraints: it pointed
    # at nothing before either.
    _script(
        conn,
        """
        UPDATE links SET document_id = NULL
            WHERE document_id IS NOT NULL AND document_id NOT IN (SELECT id FROM documents);
        UPDATE links SET docket_id = NULL
            WHERE docket_id IS NOT NULL AND docket_id NOT IN (SELECT id FROM dockets);
        UPDATE documents SET docket_id = NULL
            WHERE docket_id IS NOT NULL AND docket_id NOT IN (SELECT id FROM dockets);
        """,
    )
    rebuild_with_references(conn, "documents", {"docket_id": "[dockets]([id])"})
    rebuild_with_references(
        conn, "links", {"document_id": "[documents]([id])", "docket_id": "[dockets]([id])"}
    )
    _script(
        conn,
        """
        CREATE INDEX IF NOT EXISTS [idx_links_document_id] ON [links] ([document_id])
            WHERE document_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS [idx_links_docket_id] ON [links] ([docket_id])
            WHERE docket_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS [idx_threads_archived_at] ON [threads] ([archived_at]);
        -- What a reader may see of a request: the rest (who asked, the reply's conversation,
        -- claims, errors) is the daemon's, and the web layer refuses to read it.
        CREATE VIEW IF NOT EXISTS [public_requests] AS
            SELECT id, platform, created_at, command, status, thread_id FROM requests;
        """,
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v1_core,
    _v2_link_stage,
    _v3_daemon,
    _v4_partial_url_index,
    _v5_faults,
    _v6_annotations,
    _v7_reading_room,
]
# Migrations that rebuild tables: migrate() runs them with foreign keys off (a DROP TABLE
# with them on would delete-check every referencing row) and checks these tables after.
REBUILT_TABLES = {_v7_reading_room: ("documents", "links")}
SCHEMA_VERSION = len(MIGRATIONS)


def _script(conn: sqlite3.Connection, sql: str) -> None:
    """Run statements one by one: `executescript` would COMMIT the migration's transaction."""
    for statement in _statements(sql):
        conn.execute(statement)


def _statements(sql: str) -> list[str]:
    """Split a script into statements, line by line, the way the sqlite3 shell does."""
    out: list[str] = []
    buffer = ""
    for line in sql.splitlines():
        if not buffer and (not line.strip() or line.strip().startswith("--")):
            continue
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip().rstrip(";"))
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {buffer[:80]}")
    return out


def _add_columns(conn: sqlite3.Connection, table: str, columns: str) -> None:
    """ALTER TABLE … ADD COLUMN for each column not there yet (an archive that an older
    threadbot migrated halfway may have some)."""
    existing = {row[1] for row in conn.execute(f"pragma table_info([{table}])")}
    for column in columns.split(","):
        name = column.split()[0]
        if name not in existing:
            conn.execute(f"ALTER TABLE [{table}] ADD COLUMN {column.strip()}")


def _fts(conn: sqlite3.Connection, table: str, columns: list[str]) -> None:
    """An external-content FTS5 index over `columns`, kept current by triggers."""
    cols = ", ".join(f"[{c}]" for c in columns)
    conn.execute(
        f"CREATE VIRTUAL TABLE [{table}_fts] USING FTS5 "
        f"({cols}, tokenize='porter', content=[{table}])"
    )
    _fts_triggers(conn, table, columns)


def _fts_triggers(conn: sqlite3.Connection, table: str, columns: list[str]) -> None:
    cols = ", ".join(f"[{c}]" for c in columns)
    new = ", ".join(f"new.[{c}]" for c in columns)
    old = ", ".join(f"old.[{c}]" for c in columns)
    fts = f"{table}_fts"
    _script(
        conn,
        f"""
        CREATE TRIGGER [{table}_ai] AFTER INSERT ON [{table}] BEGIN
          INSERT INTO [{fts}] (rowid, {cols}) VALUES (new.rowid, {new});
        END;
        CREATE TRIGGER [{table}_ad] AFTER DELETE ON [{table}] BEGIN
          INSERT INTO [{fts}] ([{fts}], rowid, {cols}) VALUES('delete', old.rowid, {old});
        END;
        CREATE TRIGGER [{table}_au] AFTER UPDATE ON [{table}] BEGIN
          INSERT INTO [{fts}] ([{fts}], rowid, {cols}) VALUES('delete', old.rowid, {old});
          INSERT INTO [{fts}] (rowid, {cols}) VALUES (new.rowid, {new});
        END;
        """,
    )
