"""Facets and totals of a search (bot/store/reading/search.py): counted over the newest
FACET_SAMPLE matches of each kind, in SQL, so that only the counts cross into Python; the
totals stop at COUNT_CAP."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field

from bot.store.reading.search import (
    COUNT_CAP,
    DOCUMENTS_JOIN,
    FACET_SAMPLE,
    NO_FILTERS,
    POSTS_JOIN,
    Filters,
    Kind,
    document_filters,
    post_filters,
)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facets:
    platform: tuple[FacetValue, ...] = ()
    author: tuple[FacetValue, ...] = ()
    court: tuple[FacetValue, ...] = ()
    kind: tuple[FacetValue, ...] = ()
    judge: tuple[FacetValue, ...] = ()  # judges the sampled posts and documents name
    # how many matches of each kind they were counted over (FACET_SAMPLE at most)
    posts_sampled: int = 0
    documents_sampled: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # posts, documents (COUNT_CAP at most)


def search_facets(
    conn: sqlite3.Connection,
    query: str,
    *,
    filters: Filters = NO_FILTERS,
    kind: Kind = "all",
    sample: int = FACET_SAMPLE,
    cap: int = COUNT_CAP,
) -> Facets:
    """Facet counts over the newest `sample` matches of each kind, and how many matches
    there are (counted up to `cap`)."""
    want_posts = kind in ("all", "posts") and not filters.on_documents
    want_documents = kind in ("all", "documents") and not filters.on_posts
    platform: Counter[str] = Counter()
    author: Counter[str] = Counter()
    court: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    judges: Counter[str] = Counter()
    totals: dict[str, int] = {}
    posts_sampled = documents_sampled = 0
    if want_posts:
        where, params = post_filters(filters)
        posts_sampled, platform, author, named = _sample(conn, POSTS, query, where, params, sample)
        judges += named
        totals["posts"] = _total(
            conn, "posts_fts", POSTS_JOIN, query, where, params, posts_sampled, sample, cap
        )
    if want_documents:
        where, params = document_filters(filters)
        documents_sampled, court, kinds, named = _sample(
            conn, DOCUMENTS, query, where, params, sample
        )
        judges += named
        totals["documents"] = _total(
            conn,
            "documents_fts",
            DOCUMENTS_JOIN,
            query,
            where,
            params,
            documents_sampled,
            sample,
            cap,
        )
    return Facets(
        platform=_values(platform),
        author=_labelled(conn, author, "accounts", "handle"),
        court=_values(court),
        kind=_values(kinds),
        judge=_labelled(conn, judges, "register_judges", "name"),
        posts_sampled=posts_sampled,
        documents_sampled=documents_sampled,
        counts=totals,
    )


@dataclass(frozen=True)
class _Sampled:
    """What facets count in the matches of one kind: two columns, and the judges named."""

    fts: str
    join: str
    first: str
    second: str
    subject_type: str  # annotations.subject_type
    subject_id: str  # annotations.subject_id, as an expression on the row


POSTS = _Sampled("posts_fts", POSTS_JOIN, "p.platform", "p.author_id", "post", "p.id")
DOCUMENTS = _Sampled(
    "documents_fts", DOCUMENTS_JOIN, "d.court", "d.kind", "document", "cast(d.id as text)"
)


def _sample(
    conn: sqlite3.Connection,
    what: _Sampled,
    query: str,
    where: str,
    params: dict[str, object],
    sample: int,
) -> tuple[int, Counter[str], Counter[str], Counter[str]]:
    """How many matches the sample holds (the newest `sample`); the counts of the values of
    each of two columns in it (the eleven commonest of the second), and of the judges the
    matches name (the eleven commonest). One statement, one pass over the index; counted in
    SQL, so that only the counts cross into Python."""
    fts = what.fts
    rows = conn.execute(
        f"""
        with m as materialized (
          select coalesce({what.first}, '') as a, coalesce({what.second}, '') as b,
                 {what.subject_id} as s
          from {fts} join {what.join}
          where {fts} match :q {where}
          order by {fts}.rowid desc limit :n
        )
        select 0, '', count(*) from m
        union all
        select 1, a, count(*) from m group by a
        union all
        select * from (select 2, b, count(*) as n from m group by b order by n desc limit 11)
        union all
        select * from (
          -- m first (CROSS JOIN keeps the order): the index finds each match's annotations;
          -- the other way round would read every judge annotation of the archive
          select 3, j.normalized, count(distinct m.s) as n from m
          cross join annotations j on j.subject_type = '{what.subject_type}' and j.subject_id = m.s
          where j.kind = 'judge' and j.normalized is not null
          group by j.normalized order by n desc limit 11)
        """,
        {**params, "q": query, "n": sample},
    ).fetchall()
    size = 0
    counts: tuple[Counter[str], Counter[str], Counter[str]] = (Counter(), Counter(), Counter())
    for which, value, n in rows:
        if which == 0:
            size = int(n)
        else:
            counts[which - 1][value] = int(n)
    return size, *counts


def _total(
    conn: sqlite3.Connection,
    fts: str,
    join: str,
    query: str,
    where: str,
    params: dict[str, object],
    sampled: int,
    sample: int,
    cap: int,
) -> int:
    """Matches, counted up to `cap`: the sample, if it held them all; else from the index
    alone, unless a filter needs the rows."""
    if sampled < sample:
        return sampled
    source = f"{fts} join {join}" if where else fts
    row = conn.execute(
        f"select count(*) from (select 1 from {source} where {fts} match :q {where} limit :cap)",
        {**params, "q": query, "cap": cap},
    ).fetchone()
    return int(row[0])


def _labelled(
    conn: sqlite3.Connection, counts: Counter[str], table: str, label: str
) -> tuple[FacetValue, ...]:
    """The ten commonest ids, most first (then by label), each labelled with `label` of its
    row in `table` (looked up for those ten only), or with itself if there is none."""
    top = [(v, n) for v, n in counts.most_common(11) if v][:10]
    if not top:
        return ()
    marks = ",".join("?" * len(top))
    rows = conn.execute(
        f"select id, {label} from {table} where id in ({marks})", [v for v, _ in top]
    )
    labels = {r[0]: r[1] for r in rows}
    values = [FacetValue(value=v, label=labels.get(v) or v, count=n) for v, n in top]
    return tuple(sorted(values, key=lambda f: (-f.count, f.label)))


def _values(counter: Counter[str]) -> tuple[FacetValue, ...]:
    """The ten commonest values; matches without one (a document with no court) are no
    value to narrow down to."""
    counter.pop("", None)
    return tuple(FacetValue(value=v, label=v, count=n) for v, n in counter.most_common(10))
