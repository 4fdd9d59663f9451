"""The functions the archive's connections replace give SQLite's own answers on ordinary input,
and refuse or finish quickly on hostile input (see bot/web/sql_limits.py)."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterator

import pytest

from bot.web.sql_limits import MAX_VALUE_BYTES, limit_connection


@pytest.fixture
def limited() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    limit_connection(conn)
    yield conn
    conn.close()


@pytest.fixture
def plain() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    yield conn
    conn.close()


SAME_AS_SQLITE = [
    "replace('abcabc', 'b', 'XY')",
    "replace('abc', '', 'X')",
    "replace(NULL, 'a', 'b')",
    "replace('abc', NULL, 'b')",
    "replace('abc', 'b', NULL)",
    "replace(12345, 3, 'x')",
    "replace(1.5, '.', ',')",
    "replace(100.0, '0', '1')",
    "replace(x'616263', 'b', 'B')",
    "replace('ééé', 'é', 'e')",
    "replace('aaaa', 'aa', 'b')",
    "typeof(replace(5, '', 'x'))",
    "instr('hello', 'll')",
    "instr('hello', 'z')",
    "instr('hello', '')",
    "instr('', '')",
    "instr('héllo', 'l')",
    "instr(x'00ff01', x'01')",
    "instr(12345, 34)",
    "instr(NULL, 'a')",
    "instr('a', NULL)",
    "trim('xxhixx', 'x')",
    "ltrim('xxhixx', 'x')",
    "rtrim('xxhixx', 'x')",
    "trim('abcba', 'ab')",
    "trim('aaa', 'a')",
    "trim('', 'a')",
    "trim('abc', '')",
    "trim('  hi  ')",
    "trim(NULL, 'a')",
    "trim('abc', NULL)",
    "trim(12300, '0')",
    "trim('[*]x[*]', '[*]')",
    "trim('ßxß', 'ß')",
    "printf('%d-%5.2f-%s-%.*c-%%', 7, 3.14159, 'abc', 3, 'z')",
    "printf('%q %Q %w', 'it''s', NULL, 'a\"b')",
    "printf('%.3c', 'q')",
    "printf('%*d|%-*d', 5, 42, 4, 7)",
    "printf('%,d', 1234567)",
    "printf('%x %X %o', 255, 255, 8)",
    "printf('%e %g', 12345.678, 0.0001)",
    "printf('no conversions')",
    "printf('%s')",
    "printf(NULL)",
    "printf()",
    "format('%s and %s', 'a', 'b')",
    "length(randomblob(16))",
    "length(randomblob(0))",
    "length(randomblob(-5))",
    "length(randomblob('32'))",
    "zeroblob(4)",
    "length(zeroblob(-1))",
    "length(zeroblob(2.9))",
]


@pytest.mark.parametrize("expression", SAME_AS_SQLITE)
def test_replaced_functions_answer_as_sqlite_does(
    limited: sqlite3.Connection, plain: sqlite3.Connection, expression: str
) -> None:
    sql = f"select {expression}"
    assert limited.execute(sql).fetchall() == plain.execute(sql).fetchall()


@pytest.mark.parametrize(
    "expression",
    [
        "randomblob(1000000000)",
        "zeroblob(1000000000)",
        "randomblob(65537)",
        "printf('%.*c', 1000000000, 'x')",
        "format('%.*c', 1000000000, 'x')",
        "printf('%!.*c', 1000000000, 'x')",
        "printf('%s %.*c', 'a', 5000000, 'x')",
        "printf('%.5000000c', 'x')",
        "replace(printf('%.*c', 1000, 'x'), 'x', printf('%.*c', 5000, 'y'))",
        f"printf('%.*c', {MAX_VALUE_BYTES + 1}, 'x') || ''",
        "printf('%.*c', 1500000, 'x') || printf('%.*c', 1500000, 'x')",
        "hex(printf('%.*c', 1500000, 'x'))",
    ],
)
def test_values_past_the_limit_are_refused(limited: sqlite3.Connection, expression: str) -> None:
    with pytest.raises(sqlite3.DataError, match="string or blob too big"):
        limited.execute(f"select {expression}").fetchall()


def test_values_up_to_the_limit_are_made(limited: sqlite3.Connection) -> None:
    # printf keeps a byte for its terminating NUL: its longest result is one byte shorter
    sql = (
        f"select length(printf('%.*c', {MAX_VALUE_BYTES - 1}, 'x')),"
        f" length(printf('%.*c', {MAX_VALUE_BYTES // 2}, 'x') || printf('%.*c', 100, 'x')),"
        " length(randomblob(65536))"
    )
    assert limited.execute(sql).fetchone() == (
        MAX_VALUE_BYTES - 1,
        MAX_VALUE_BYTES // 2 + 100,
        65536,
    )


def test_a_long_like_pattern_is_refused(limited: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.OperationalError, match="LIKE or GLOB pattern too complex"):
        limited.execute("select 'a' like ?", ("%" + "a" * 200,)).fetchall()
    assert limited.execute("select 'judge' like '%dg%'").fetchone() == (1,)


# Inputs on which SQLite's own loops take minutes in one step; the replacements are linear.
A = "a" * 1_000_000


@pytest.mark.parametrize(
    ("sql", "args", "expected"),
    [
        ("select length(trim(?, ?))", (A, "b" * 100_000 + "a"), 0),
        ("select length(ltrim(?, ?))", (A + "c", "b" * 100_000 + "a"), 1),
        ("select length(rtrim(?, ?))", ("c" + A, "b" * 100_000 + "a"), 1),
        ("select instr(?, ?)", (A * 2, "a" * 1_000_000 + "b"), 0),
        ("select instr(?, ?)", ("a" * 1_500_000 + "b", "a" * 1_000_000 + "b"), 500_001),
        ("select length(replace(?, ?, 'c'))", (A * 2, "a" * 1_000_000 + "b"), 2_000_000),
    ],
)
def test_quadratic_searches_finish_with_the_right_answer(
    limited: sqlite3.Connection, sql: str, args: tuple[str, ...], expected: int
) -> None:
    assert limited.execute(sql, args).fetchone() == (expected,)


def test_a_result_over_the_budget_ends_the_query_with_a_clear_message(
    limited: sqlite3.Connection,
) -> None:
    rows = (
        "with recursive r(n) as (select 1 union all select n + 1 from r limit 100)"
        " select n, printf('%.*c', 1000000, 'x') from r"
    )
    with pytest.raises(sqlite3.OperationalError, match=r"query result over 32 MB: ask for fewer"):
        limited.execute(rows).fetchall()
    # each statement has its own budget: the next query is not refused for the last one's rows
    assert limited.execute("select 1").fetchall() == [(1,)]
    small = rows.replace("limit 100", "limit 20")
    assert len(limited.execute(small).fetchall()) == 20


def test_one_wide_row_is_refused_as_its_columns_are_read(limited: sqlite3.Connection) -> None:
    one = "(select printf('%.*c', 2000000, 'x') as s)"
    wide = "select " + ", ".join(f"s as c{i}" for i in range(60)) + f" from {one}"
    with pytest.raises(sqlite3.OperationalError, match=r"query result over 32 MB"):
        limited.execute(wide).fetchall()


def test_too_many_result_columns_are_refused(limited: sqlite3.Connection) -> None:
    columns = ", ".join(f"{i} as c{i}" for i in range(65))
    with pytest.raises(sqlite3.OperationalError, match="too many columns in result set"):
        limited.execute(f"select {columns}").fetchall()


def test_the_connections_own_row_and_text_factories_are_kept() -> None:
    conn = sqlite3.connect(":memory:")
    # as Datasette sets them before the plugin's hook runs
    conn.row_factory = sqlite3.Row
    conn.text_factory = lambda raw: str(raw, "utf-8", "replace")
    limit_connection(conn)
    assert conn.execute("select cast(x'ff41' as text)").fetchone()[0] == "\ufffdA"
    row = conn.execute("select 1 as a, 'x' as b").fetchone()
    assert (row["a"], row["b"]) == (1, "x")


def test_a_limited_connection_is_freed_when_dropped() -> None:
    def open_connections() -> int:
        gc.collect()
        return sum(isinstance(o, sqlite3.Connection) for o in gc.get_objects())

    before = open_connections()
    for _ in range(5):
        conn = sqlite3.connect(":memory:")
        limit_connection(conn)
        conn.execute("select printf('%d', 1)").fetchall()
        del conn
    assert open_connections() == before
