"""The archive's schema, created and migrated in order. The schema is a public interface:
people write SQL against it, so columns are added, never renamed or dropped.

Each migration is idempotent (tables `if not exists`, FTS replaced) and the schema version
(`PRAGMA user_version`) moves only after a migration finished, so a crash during one is
repaired by the next run.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _v1_core(db: sqlite_utils.Database) -> None:
    db["accounts"].create(
        {
            "id": str,  # DID on Bluesky
            "platform": str,
            "handle": str,
            "display_name": str,
            "avatar_url": str,
            "first_seen_at": str,
            "updated_at": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db["threads"].create(
        {
            "id": int,
            "platform": str,
            "root_post_id": str,
            "author_id": str,
            "title": str,  # first line of the root post
            "url": str,  # the root post on its platform
            "post_count": int,
            "link_count": int,
            "gap_count": int,
            "first_post_at": str,
            "last_post_at": str,
            "archived_at": str,  # first archived
            "updated_at": str,  # last archived
        },
        pk="id",
        foreign_keys=[("author_id", "accounts", "id")],
        if_not_exists=True,
    )
    db["posts"].create(
        {
            "id": str,  # at:// URI on Bluesky
            "platform": str,
            "thread_id": int,
            "position": int,  # 1-based reading order in the thread
            "author_id": str,
            "status": str,  # ok | not_found | blocked | deleted
            "cid": str,
            "url": str,
            "text": str,
            "created_at": str,
            "reply_parent_id": str,
            "reply_root_id": str,
            "quote_id": str,
            "langs": str,  # JSON list
            "archived_at": str,
            "updated_at": str,
            "deleted_at": str,
            "raw": str,  # the platform's JSON for the post, as received
        },
        pk="id",
        foreign_keys=[("thread_id", "threads", "id"), ("author_id", "accounts", "id")],
        if_not_exists=True,
    )
    db["post_versions"].create(
        {
            "id": int,
            "post_id": str,
            "cid": str,
            "text": str,
            "raw": str,
            "replaced_at": str,
        },
        pk="id",
        foreign_keys=[("post_id", "posts", "id")],
        if_not_exists=True,
    )
    db["links"].create(
        {
            "id": int,
            "post_id": str,
            "position": int,  # order within the post
            "origin": str,  # facet | card | text
            "display_text": str,  # as the reader saw it, often cut short with "…"
            "url": str,  # the full URL the post carries
            "byte_start": int,
            "byte_end": int,
            "title": str,  # link cards only
            "description": str,
            "resolved_url": str,  # final URL after redirects (link stage)
            "kind": str,  # courtlistener_document, article, … (link stage)
            "status": str,  # pending | ok | failed | blocked
            "error": str,
            "archived_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("post_id", "posts", "id")],
        if_not_exists=True,
    )
    db["images"].create(
        {
            "post_id": str,
            "position": int,
            "url": str,
            "thumb_url": str,
            "alt": str,
            "width": int,
            "height": int,
        },
        pk=("post_id", "position"),
        foreign_keys=[("post_id", "posts", "id")],
        if_not_exists=True,
    )
    db["blobs"].create(
        {"sha256": str, "size": int, "content_type": str, "content": bytes, "first_seen_at": str},
        pk="sha256",
        if_not_exists=True,
    )
    db["documents"].create(
        {
            "id": int,
            "kind": str,
            "url": str,
            "title": str,
            "text": str,
            "sha256": str,
            "court": str,
            "case_name": str,
            "docket_number": str,
            "fetched_at": str,
        },
        pk="id",
        foreign_keys=[("sha256", "blobs", "sha256")],
        if_not_exists=True,
    )
    db["annotations"].create(
        {
            "id": int,
            "subject_type": str,  # post | document
            "subject_id": str,
            "kind": str,  # judge, court, case, docket_number, citation, outcome, …
            "value": str,
            "start": int,
            "end": int,
            "source": str,
            "created_at": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db["requests"].create(
        {
            "id": int,
            "platform": str,
            "mention_post_id": str,
            "requester_id": str,
            "thread_id": int,
            "status": str,
            "reply_post_id": str,
            "error": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("thread_id", "threads", "id")],
        if_not_exists=True,
    )

    # Every index slows every save: only those a query needs now (the stages that query
    # links by URL or status add theirs).
    for table, columns, unique in [
        ("threads", ["root_post_id"], True),
        ("threads", ["updated_at"], False),
        ("posts", ["thread_id", "position"], False),
        ("posts", ["created_at"], False),  # Datasette's default sort of the posts table
        ("links", ["post_id", "position"], True),
        ("post_versions", ["post_id"], False),
        ("documents", ["url"], False),
        ("annotations", ["subject_type", "subject_id"], False),
        ("requests", ["mention_post_id"], True),
    ]:
        db[table].create_index(columns, unique=unique, if_not_exists=True)

    # Porter stemming: a search for "rule" finds "ruled" and "rules".
    db["posts"].enable_fts(["text"], create_triggers=True, tokenize="porter", replace=True)
    db["documents"].enable_fts(
        ["title", "text"], create_triggers=True, tokenize="porter", replace=True
    )


def _add_columns(db: sqlite_utils.Database, table: str, columns: dict[str, type]) -> None:
    existing = db[table].columns_dict
    for name, kind in columns.items():
        if name not in existing:
            db[table].add_column(name, kind)


def _v2_link_stage(db: sqlite_utils.Database) -> None:
    """Links resolved to their final URL; documents with their metadata; dockets."""
    _add_columns(
        db,
        "links",
        {
            "canonical_url": str,  # without tracking parameters, lowercase host
            "redirects": str,  # JSON list of the URLs visited after the first
            "http_status": int,
            "content_type": str,
            "attempts": int,
            "next_attempt_at": str,  # when a failed link is tried again
            "resolved_at": str,
            "document_id": int,  # the version of the document this link pointed to
            "docket_id": int,
        },
    )
    db["dockets"].create(
        {
            "id": int,
            "courtlistener_id": int,
            "court_id": str,  # as in PACER/RECAP paths: dcd, cand, ca9
            "court": str,  # the court's name
            "pacer_case_id": str,
            "case_name": str,
            "docket_number": str,
            "assigned_to": str,  # the judge
            "date_filed": str,
            "url": str,  # the docket on CourtListener
            "fetched_at": str,
            "updated_at": str,
        },
        pk="id",
        if_not_exists=True,
    )
    _add_columns(
        db,
        "documents",
        {
            "content_type": str,
            "size": int,
            "author": str,
            "published_at": str,
            "site_name": str,
            "page_count": int,
            "description": str,
            "docket_id": int,
            "court_id": str,
            "document_number": int,
            "attachment_number": int,
            "etag": str,  # validators for asking later whether the content changed
            "last_modified": str,
        },
    )
    for table, columns, unique in [
        ("links", ["status", "next_attempt_at"], False),
        ("links", ["canonical_url"], False),
        ("documents", ["url", "sha256"], True),
        ("documents", ["docket_id"], False),
        ("dockets", ["court_id", "pacer_case_id"], True),
        ("dockets", ["courtlistener_id"], True),
    ]:
        db[table].create_index(columns, unique=unique, if_not_exists=True)


def _v3_daemon(db: sqlite_utils.Database) -> None:
    """What the daemon remembers: watched accounts, scored threads, job runs, requests."""
    db["watched_accounts"].create(
        {
            "id": str,  # DID
            "handle": str,
            "newest_seen_at": str,  # the newest post seen in the account's feed
            "last_polled_at": str,
            "error": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db["candidates"].create(
        {
            "root_post_id": str,  # a thread seen in a watched feed
            "author_id": str,
            "score": float,  # court-ruling score
            "reasons": str,  # JSON list of why
            "decision": str,  # archive | skip
            "decided_at": str,
            "last_post_at": str,  # newest post of the thread when it was scored
            "thread_id": int,
        },
        pk="root_post_id",
        if_not_exists=True,
    )
    db["job_runs"].create(
        {
            "id": int,
            "job": str,
            "started_at": str,
            "finished_at": str,
            "duration": float,
            "status": str,  # ok | failed
            "summary": str,
            "error": str,
        },
        pk="id",
        if_not_exists=True,
    )
    _add_columns(
        db,
        "requests",
        {
            "command": str,  # archive | optout | optin
            "mention_cid": str,
            "target_post_id": str,
            "requester_handle": str,
            "reply_root": str,  # JSON {uri, cid}: the conversation to reply in
            "reply_text": str,  # the reply as intended, recorded before it is posted
            "reply_facets": str,  # JSON
            "status_after": str,  # what the request becomes once its reply is out
        },
    )
    db["job_runs"].create_index(["job", "started_at"], if_not_exists=True)
    db["requests"].create_index(["requester_id", "created_at"], if_not_exists=True)
    db["requests"].create_index(["status"], if_not_exists=True)


def _v4_partial_url_index(db: sqlite_utils.Database) -> None:
    """A link has a canonical URL only once resolved: index only those, so saving a thread
    (all its links new, none resolved) writes no entries to this index."""
    db.execute("drop index if exists idx_links_canonical_url")
    db.execute(
        "create index idx_links_canonical_url on links (canonical_url) "
        "where canonical_url is not null"
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_core,
    _v2_link_stage,
    _v3_daemon,
    _v4_partial_url_index,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database) -> None:
    """Bring the database to SCHEMA_VERSION; refuse a database from a newer threadbot."""
    version = db.execute("pragma user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        from bot.errors import ConfigError

        raise ConfigError(
            f"the archive has schema version {version}, newer than this threadbot "
            f"({SCHEMA_VERSION}): upgrade threadbot"
        )
    for number in range(version, SCHEMA_VERSION):
        MIGRATIONS[number](db)
        db.execute(f"pragma user_version = {number + 1}")
