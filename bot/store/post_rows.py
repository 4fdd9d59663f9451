"""The rows a post becomes besides its own (its links, its images), and the post's own row,
written many rows a statement (bot/store/threads.py saves threads with them)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from itertools import chain

import orjson

from bot.models import Post

ROWS_PER_STATEMENT = 500  # rows per multi-row INSERT (x 17 variables, below the limit)


def save_links(
    conn: sqlite3.Connection, posts: list[Post], now: str, per: int = ROWS_PER_STATEMENT
) -> None:
    rows = []
    for post in posts:
        for position, link in enumerate(post.links, start=1):
            rows.append(
                (
                    post.id,
                    position,
                    link.origin,
                    link.display_text,
                    link.url,
                    link.byte_start,
                    link.byte_end,
                    link.title,
                    link.description,
                    now,
                    now,
                )
            )
    # A changed link URL starts its resolution over, with nothing of the old one (attempts,
    # document, docket); an unchanged one keeps it.
    insert_rows(
        conn,
        """
        insert into links (post_id, position, origin, display_text, url, byte_start,
                           byte_end, title, description, status, archived_at, updated_at)
        """,
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
        """
        on conflict (post_id, position) do update set
          origin = excluded.origin, display_text = excluded.display_text,
          byte_start = excluded.byte_start, byte_end = excluded.byte_end,
          title = excluded.title, description = excluded.description,
          updated_at = excluded.updated_at,
          url = excluded.url,
          status = iif(links.url = excluded.url, links.status, 'pending'),
          resolved_url = iif(links.url = excluded.url, links.resolved_url, null),
          kind = iif(links.url = excluded.url, links.kind, null),
          error = iif(links.url = excluded.url, links.error, null),
          canonical_url = iif(links.url = excluded.url, links.canonical_url, null),
          redirects = iif(links.url = excluded.url, links.redirects, null),
          http_status = iif(links.url = excluded.url, links.http_status, null),
          content_type = iif(links.url = excluded.url, links.content_type, null),
          attempts = iif(links.url = excluded.url, links.attempts, null),
          next_attempt_at = iif(links.url = excluded.url, links.next_attempt_at, null),
          resolved_at = iif(links.url = excluded.url, links.resolved_at, null),
          document_id = iif(links.url = excluded.url, links.document_id, null),
          docket_id = iif(links.url = excluded.url, links.docket_id, null)
        """,
        rows,
        per,
    )


def save_images(conn: sqlite3.Connection, posts: list[Post], per: int = ROWS_PER_STATEMENT) -> None:
    insert_rows(
        conn,
        "insert into images (post_id, position, url, thumb_url, alt, width, height)",
        "(?, ?, ?, ?, ?, ?, ?)",
        "",
        [
            (p.id, i, img.url, img.thumb_url, img.alt, img.width, img.height)
            for p in posts
            for i, img in enumerate(p.images, start=1)
        ],
        per,
    )


def insert_rows(
    conn: sqlite3.Connection,
    head: str,
    row: str,
    tail: str,
    rows: Sequence[tuple[object, ...]],
    per: int = ROWS_PER_STATEMENT,
) -> None:
    """INSERT many rows with one statement per chunk rather than one per row: FTS5 writes an
    index segment per statement, so this is what makes a large thread fast to save."""
    for i in range(0, len(rows), per):
        chunk = rows[i : i + per]
        values = ",".join([row] * len(chunk))
        conn.execute(f"{head} values {values} {tail}", list(chain.from_iterable(chunk)))


def post_row(post: Post, thread_id: int, position: int, now: str) -> tuple[object, ...]:
    return (
        post.id,
        post.platform,
        thread_id,
        position,
        post.author_id,
        post.status,
        post.cid,
        post.url,
        post.text,
        post.created_at,
        post.reply_parent_id,
        post.reply_root_id,
        post.quote_id,
        _langs(post.langs),
        now,
        now,
        post.raw_json if post.raw_json is not None else _raw(post.raw),
    )


_LANGS: dict[tuple[str, ...], str] = {}


def _langs(langs: tuple[str, ...]) -> str:
    # nearly every post has one of a few language lists: encode each once
    text = _LANGS.get(langs)
    if text is None:
        text = _json(list(langs))
        if len(_LANGS) < 1000:
            _LANGS[langs] = text
    return text


def _raw(value: object) -> bytes | str | None:
    if value is None:
        return None
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:  # integers beyond 64 bits: see _json
        return json.dumps(value, ensure_ascii=False)


def _json(value: object) -> str:
    # orjson: with the stdlib, serializing the raw JSON was a third of the cost of a save.
    # It refuses integers beyond 64 bits, which a hostile record may carry: fall back.
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False)
