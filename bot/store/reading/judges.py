"""Judges as the reading room shows them: where a thread's posts name one, and a judge's page
(the register's entry, what posts claimed about the appointment where it differs from the
register, the cases and threads that name them). From the annotations and the register
tables (bot/store/schema.py, v6); indexed lookups by thread or by judge."""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from bot.store.reading.rows import (
    CASE_COLUMNS,
    CITING_COLUMNS,
    THREAD_COLUMNS,
    THREAD_FROM,
    case_summary,
    citing_post,
    thread_summary,
)
from bot.store.reading.views import (
    AppointmentClaim,
    CaseSummary,
    JudgeLine,
    JudgeMark,
    JudgeService,
    JudgeView,
)

LIST_LIMIT = 500  # threads, cases and claims listed on one page


def judge_id(register_number: int) -> str:
    """The annotations' id of the judge the register numbers so.

    >>> judge_id(1393651)
    'fjc:1393651'
    """
    return f"fjc:{register_number}"


def thread_judges(
    conn: sqlite3.Connection, thread_id: int
) -> tuple[tuple[JudgeLine, ...], dict[str, tuple[JudgeMark, ...]]]:
    """The judges thread `thread_id`'s posts name (first named first), and where each post
    names them, by post id."""
    marks: dict[str, list[JudgeMark]] = defaultdict(list)
    first_seen: dict[str, str] = {}  # judge id → the name to show
    for post_id, start, end, normalized, name, value in conn.execute(
        """
        select a.subject_id, a.start, a."end", a.normalized, coalesce(r.name, ''),
               coalesce(a.value, '')
        from annotations a
        join posts p on p.id = a.subject_id
        left join register_judges r on r.id = a.normalized
        where a.thread_id = ? and a.subject_type = 'post' and a.kind = 'judge'
        order by p.position, a.start
        """,
        [thread_id],
    ):
        if normalized is None:
            continue
        if start is not None and end is not None:
            marks[post_id].append(JudgeMark(int(start), int(end), normalized, name))
        first_seen.setdefault(normalized, name or value or normalized)
    presidents = _appointed_by(conn, list(first_seen))
    lines = tuple(
        JudgeLine(judge_id=j, name=name, appointed_by=presidents.get(j, ""))
        for j, name in first_seen.items()
    )
    return lines, {post_id: tuple(m) for post_id, m in marks.items()}


def case_judges(conn: sqlite3.Connection, case_links: str, docket_id: int) -> tuple[JudgeLine, ...]:
    """The register's judges named in the posts citing case `docket_id` (`case_links`: the
    condition on links `l` that says a link cites it) or in its documents, most named first."""
    rows = conn.execute(
        f"""
        with subjects (type, id) as (
            select 'post', l.post_id from links l where {case_links}
            union
            select 'document', cast(id as text) from documents where docket_id = :id)
        -- subjects first (CROSS JOIN keeps the order): their annotations by the index
        select a.normalized, coalesce(r.name, ''), count(*) as n from subjects
        cross join annotations a on a.subject_type = subjects.type and a.subject_id = subjects.id
        join register_judges r on r.id = a.normalized
        where a.kind = 'judge'
        group by a.normalized order by n desc, r.name limit :limit
        """,
        {"id": docket_id, "limit": LIST_LIMIT},
    ).fetchall()
    presidents = _appointed_by(conn, [r[0] for r in rows])
    return tuple(JudgeLine(r[0], r[1], presidents.get(r[0], "")) for r in rows)


def _appointed_by(conn: sqlite3.Connection, judge_ids: list[str]) -> dict[str, str]:
    if not judge_ids:
        return {}
    marks = ", ".join("?" * len(judge_ids))
    return {
        row[0]: row[1]
        for row in conn.execute(
            f"""
            select judge_id, group_concat(appointed_by, ', ') from (
                select distinct judge_id, appointed_by from register_services
                where judge_id in ({marks}) and coalesce(appointed_by, '') != ''
                order by judge_id, start)
            group by judge_id
            """,
            judge_ids,
        )
    }


def judge_view(conn: sqlite3.Connection, register_number: int) -> JudgeView | None:
    """The judge the register numbers `register_number`, if the register knows them."""
    key = judge_id(register_number)
    row = conn.execute("select coalesce(name, '') from register_judges where id = ?", [key])
    found = row.fetchone()
    if found is None:
        return None
    services = tuple(
        JudgeService(*(value or "" for value in r))
        for r in conn.execute(
            """
            select court, court_id, title, appointed_by, start, senior, "end"
            from register_services where judge_id = ? order by start, court
            """,
            [key],
        )
    )
    params = {"judge": key, "limit": LIST_LIMIT}
    named = """
        select thread_id from annotations
        where kind = 'judge' and normalized = :judge and thread_id is not null
    """
    threads = tuple(
        thread_summary(r)
        for r in conn.execute(
            f"""
            select {THREAD_COLUMNS} from {THREAD_FROM} where t.id in ({named})
            order by t.updated_at desc, t.id desc limit :limit
            """,
            params,
        )
    )
    mentions = conn.execute(
        "select count(*) from annotations where kind = 'judge' and normalized = ?", [key]
    ).fetchone()[0]
    return JudgeView(
        judge_id=key,
        name=found[0],
        services=services,
        claims=tuple(_claims(conn, params)),
        cases=tuple(_cases(conn, named, params)),
        docket_numbers=tuple(_docket_numbers(conn, params)),
        threads=threads,
        mentions=int(mentions),
    )


def _cases(conn: sqlite3.Connection, named: str, params: dict[str, object]) -> list[CaseSummary]:
    """Dockets the threads naming the judge link to, and those of documents naming them."""
    rows = conn.execute(
        f"""
        select {CASE_COLUMNS} from dockets k
        where k.id in (
            select l.docket_id from links l join posts p on p.id = l.post_id
            where p.thread_id in ({named}) and l.docket_id is not null
            union
            select d.docket_id from annotations a join documents d on d.id = a.subject_id
            where a.kind = 'judge' and a.normalized = :judge and a.subject_type = 'document'
              and d.docket_id is not null)
        order by k.date_filed desc, k.id desc limit :limit
        """,
        params,
    )
    return [c for r in rows if (c := case_summary(r)) is not None]


def _docket_numbers(conn: sqlite3.Connection, params: dict[str, object]) -> list[str]:
    """Docket numbers named in the same posts as the judge that no archived docket carries."""
    rows = conn.execute(
        """
        select distinct n.normalized from annotations j
        join annotations n on n.subject_type = j.subject_type and n.subject_id = j.subject_id
        where j.kind = 'judge' and j.normalized = :judge and n.kind = 'docket_number'
          and not exists (select 1 from dockets k where k.docket_number = n.normalized)
        order by n.normalized limit :limit
        """,
        params,
    )
    return [r[0] for r in rows if r[0]]


def _claims(conn: sqlite3.Connection, params: dict[str, object]) -> list[AppointmentClaim]:
    """Posts naming another appointing president than the register's, oldest first: in the
    threads naming the judge (a claim is about a judge its thread names), by thread."""
    rows = conn.execute(
        f"""
        select coalesce(a.normalized, ''), coalesce(a.value, ''), {CITING_COLUMNS}
        from (select distinct thread_id from annotations
              where kind = 'judge' and normalized = :judge) named
        -- the threads first (CROSS JOIN keeps the order), their annotations by the index
        cross join annotations a on a.thread_id = named.thread_id
        join posts p on p.id = a.subject_id
        join threads t on t.id = p.thread_id
        left join accounts acc on acc.id = p.author_id
        where a.kind = 'appointed_by' and a.subject_type = 'post'
          and json_extract(a.details, '$.judge') = :judge
          and json_extract(a.details, '$.conflict') = 1
        order by p.created_at, p.id limit :limit
        """,
        params,
    )
    return [AppointmentClaim(claimed=r[0], written=r[1], post=citing_post(r, 2)) for r in rows]
