"""Annotations and the judges register: what the annotators found, saved per thread or
document in one transaction (replacing what an older annotator found there), and the
register they checked judges against.

A thread or document records the annotator version it was annotated with
(`annotated_with`); one annotated by older rules or an older register is due again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import Annotation, Link, Post, RegisterRows
from bot.store.db import Store
from bot.timestamps import utc_now


@dataclass(frozen=True)
class ThreadToAnnotate:
    id: int
    posts: list[Post]  # text, time and links: what the annotators read
    court_ids: tuple[str, ...]  # courts of the dockets its links led to
    docket_assigned_to: str  # the judge of its (first) linked docket, as CourtListener has it
    docket_court_id: str


@dataclass(frozen=True)
class DocumentToAnnotate:
    id: int
    text: str
    fetched_at: str | None
    court_id: str
    docket_assigned_to: str
    docket_court_id: str


def threads_due(store: Store, version: str, limit: int | None = None) -> list[int]:
    """Threads never annotated, or annotated by other rules or another register."""
    if not store.exists:
        return []
    rows = store.conn.execute(
        "select id from threads where annotated_with is not ? order by id limit ?",
        [version, -1 if limit is None else limit],
    ).fetchall()
    return [int(r[0]) for r in rows]


def documents_due(store: Store, version: str, limit: int | None = None) -> list[int]:
    if not store.exists:
        return []
    rows = store.conn.execute(
        "select id from documents where annotated_with is not ? order by id limit ?",
        [version, -1 if limit is None else limit],
    ).fetchall()
    return [int(r[0]) for r in rows]


def thread_to_annotate(store: Store, thread_id: int) -> ThreadToAnnotate:
    conn = store.conn
    posts = []
    for post_id, platform, author_id, text, created_at in conn.execute(
        "select id, platform, author_id, text, created_at from posts "
        "where thread_id = ? and status in ('ok', 'deleted') order by position",
        [thread_id],
    ):
        links = [
            Link(url=row[0], origin="facet")
            for row in conn.execute(
                "select coalesce(resolved_url, url) from links where post_id = ? order by position",
                [post_id],
            )
        ]
        posts.append(
            Post(
                id=post_id,
                platform=platform,
                author_id=author_id,
                text=text or "",
                created_at=created_at,
                links=links,
            )
        )
    dockets = conn.execute(
        """
        select distinct k.court_id, coalesce(k.assigned_to, '') from links l
        join posts p on p.id = l.post_id join dockets k on k.id = l.docket_id
        where p.thread_id = ? order by k.id
        """,
        [thread_id],
    ).fetchall()
    return ThreadToAnnotate(
        id=thread_id,
        posts=posts,
        court_ids=tuple(str(d[0]) for d in dockets if d[0]),
        docket_assigned_to=next((str(d[1]) for d in dockets if d[1]), ""),
        docket_court_id=next((str(d[0]) for d in dockets if d[0]), ""),
    )


def document_to_annotate(store: Store, document_id: int, max_text: int) -> DocumentToAnnotate:
    row = store.conn.execute(
        """
        select d.id, substr(coalesce(d.text, ''), 1, ?), d.fetched_at, coalesce(d.court_id, ''),
               coalesce(k.assigned_to, ''), coalesce(k.court_id, '')
        from documents d left join dockets k on k.id = d.docket_id where d.id = ?
        """,
        [max_text, document_id],
    ).fetchone()
    return DocumentToAnnotate(*row)


def save_thread_annotations(
    store: Store,
    thread_id: int,
    post_ids: Sequence[str],
    found: Sequence[Sequence[Annotation]],
    version: str,
) -> int:
    """Replace the thread's posts' annotations with `found` (one list per post)."""
    rows = [_row(a, thread_id) for annotations in found for a in annotations]
    with store.transaction() as conn:
        _delete(conn, "post", post_ids)
        _insert(conn, rows)
        conn.execute("update threads set annotated_with = ? where id = ?", [version, thread_id])
    return len(rows)


def save_document_annotations(
    store: Store, document_id: int, found: Sequence[Annotation], version: str
) -> int:
    rows = [_row(a, None) for a in found]
    with store.transaction() as conn:
        _delete(conn, "document", [str(document_id)])
        _insert(conn, rows)
        conn.execute("update documents set annotated_with = ? where id = ?", [version, document_id])
    return len(rows)


def _delete(conn: sqlite3.Connection, subject_type: str, ids: Sequence[str]) -> None:
    conn.executemany(
        "delete from annotations where subject_type = ? and subject_id = ?",
        [(subject_type, i) for i in ids],
    )


def _insert(conn: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    conn.executemany(
        """
        insert into annotations (subject_type, subject_id, kind, value, start, "end", source,
                                 created_at, normalized, confidence, annotator,
                                 register_version, details, thread_id)
        values (?, ?, ?, ?, ?, ?, 'threadbot', ?, ?, ?, ?, ?, ?, ?)
        """,
        rows,
    )


def _row(a: Annotation, thread_id: int | None) -> tuple[object, ...]:
    details = a.details or {}
    register = details.get("register") if isinstance(details.get("register"), str) else None
    return (
        a.subject_type,
        a.subject_id,
        a.kind,
        a.value,
        a.start,
        a.end,
        utc_now(),
        a.normalized,
        a.confidence,
        a.annotator,
        register,
        json.dumps(details, ensure_ascii=False, default=str) if details else None,
        thread_id,
    )


# --- the register ------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredRegister:
    version: str
    data: bytes


def current_register(store: Store) -> StoredRegister | None:
    """The register the archive's annotations are checked against, if one was loaded."""
    if not store.exists:
        return None
    row = store.conn.execute(
        "select version, data from judge_register order by loaded_at desc, rowid desc limit 1"
    ).fetchone()
    return StoredRegister(row[0], bytes(row[1])) if row else None


def save_register(store: Store, register: RegisterRows) -> None:
    """Make `register` the one in use: its judges replace the ones held before."""
    with store.transaction() as conn:
        conn.execute(
            """
            insert into judge_register (version, as_of, source, source_url, inputs, loaded_at,
                                        data)
            values (?, ?, ?, ?, ?, ?, ?)
            on conflict (version) do update set loaded_at = excluded.loaded_at,
              data = excluded.data, inputs = excluded.inputs
            """,
            [
                register.version,
                register.as_of,
                register.source,
                register.source_url,
                register.inputs,
                utc_now(),
                register.data,
            ],
        )
        conn.execute("delete from register_services")
        conn.execute("delete from register_judges")
        conn.executemany("insert into register_judges values (?, ?, ?, ?, ?, ?)", register.judges)
        conn.executemany(
            "insert into register_services values (?, ?, ?, ?, ?, ?, ?, ?)", register.services
        )
