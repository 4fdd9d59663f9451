"""Bounds on what one SQL query from the web can cost: memory, and time inside one SQLite step.

Anyone who reaches `threadbot serve` may run arbitrary SQL. Datasette stops a query after
`sql_time_limit_ms`, but only between SQLite steps, and only its wall clock: one step that
allocates a gigabyte (`randomblob(1000000000)`) or compares for minutes (`trim(x, y)` with a
long `y`) runs to its end, and a query may hold a thousand rows of large values.
`limit_connection` bounds each of those on one connection:

- no value longer than MAX_VALUE_BYTES (SQLite's LIMIT_LENGTH: `printf('%.*c', …)`, `||`,
  `group_concat`, `hex` and every other way to grow a value stops there with
  "string or blob too big");
- `randomblob` and `zeroblob` refuse more than MAX_GENERATED_BYTES the same way, and
  `printf`/`format` refuse a `%c` repeated more than MAX_VALUE_BYTES times (SQLite's loop
  went on for 9 s on `printf('%.*c', 1000000000, 'x')` after the value was already too long);
- `replace`, `instr`, `trim`, `ltrim` and `rtrim` with a second argument are SQLite's own
  search loops, quadratic in their arguments (a 100,000-character `trim` set over a 1 MB
  value took 9 minutes in one step, `instr` of a 1 MB needle in 2 MB 30 s): they are replaced
  by Python versions with the same results on str.find/str.replace/one regular-expression
  character class, linear here, and `replace` refuses a result that would be too long
  before building it;
- LIKE and GLOB patterns of at most MAX_LIKE_PATTERN characters (their cost is the value's
  length times the pattern's), statements of at most MAX_SQL_BYTES and MAX_COLUMNS result
  columns;
- at most MAX_RESULT_BYTES of values in the rows one query returns, text counted as each
  value is converted (so a wide row of long texts stops at the budget part way): past that
  the query ends with "query result over … MB".

Recursive CTEs that never end and cross joins of large tables take many steps, so Datasette's
time limit stops them; the bounds above keep each step short and small.

What is left, and why. SQLite computes a whole row before Python sees any of it, so one
row of MAX_COLUMNS distinct values of MAX_VALUE_BYTES is held once before the budget refuses
it (and blobs, which Python converts with no hook, are counted only once their row is whole):
MAX_COLUMNS × MAX_VALUE_BYTES (128 MB) per query is the bound for that. And Datasette checks
its time limit every 1000 SQLite steps: a row of many LIKEs, each at most MAX_LIKE_PATTERN
times a value's length, can overrun it by that many steps' work.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import weakref
from collections.abc import Callable
from typing import Any

# Reading a stored value longer than this fails too: the longest document text must fit.
MAX_VALUE_BYTES = 2 * 1024 * 1024
MAX_GENERATED_BYTES = 64 * 1024
MAX_RESULT_BYTES = 32 * 1024 * 1024
# Datasette's own pages look for a table's FTS index with LIKE patterns of 36 characters plus
# the table's name with its underscores escaped (detect_fts): 100 serves names of up to 64.
MAX_LIKE_PATTERN = 100
MAX_SQL_BYTES = 32 * 1024
MAX_COLUMNS = 64  # the widest table has 25; three joined tables fit

LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: MAX_LIKE_PATTERN,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL_BYTES,
    sqlite3.SQLITE_LIMIT_COLUMN: MAX_COLUMNS,
}

SqlValue = str | bytes | int | float | None

# What our functions return to refuse: SQLite checks a result's length against LIMIT_LENGTH
# before it copies it, so this ends the statement with SQLite's own "string or blob too big",
# at no cost (the zero pages are never touched) and without a traceback in the server's log,
# which raising an exception from a Python function would print.
TOO_BIG = bytes(MAX_VALUE_BYTES + 1)


def limit_connection(conn: sqlite3.Connection) -> None:
    """Apply every bound in the module docstring to `conn` (a read connection of the archive).

    Keeps the connection's own row and text factories (Datasette's sqlite3.Row and its
    lenient UTF-8 decoding) and wraps them.
    """
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
    budget = _ResultBudget(conn)
    conn.text_factory = budget.text
    conn.row_factory = budget.row
    for name, narg, function, deterministic in (
        ("randomblob", 1, randomblob, False),
        ("zeroblob", 1, zeroblob, False),
        ("printf", -1, printf, True),
        ("format", -1, printf, True),
        ("replace", 3, replace, True),
        ("instr", 2, instr, True),
        ("trim", 2, _trimmer("both"), True),
        ("ltrim", 2, _trimmer("left"), True),
        ("rtrim", 2, _trimmer("right"), True),
    ):
        conn.create_function(name, narg, function, deterministic=deterministic)


class ResultTooLarge(sqlite3.OperationalError):
    """Raised while rows are read: Datasette shows the message as the query's error."""


class _ResultBudget:
    """The bytes each cursor's rows have brought so far, and those of the row being read."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._make_text: Callable[[bytes], Any] = conn.text_factory
        self._make_row: Callable[[sqlite3.Cursor, tuple[Any, ...]], Any] | None = conn.row_factory
        self._spent: weakref.WeakKeyDictionary[sqlite3.Cursor, int] = weakref.WeakKeyDictionary()
        self._row_text = 0  # text converted for the row being read, before its row factory

    def text(self, raw: bytes) -> Any:
        # Python converts a row's values one by one and then calls the row factory: counting
        # here stops a wide row of long texts part way, before all of it is copied.
        self._row_text += len(raw)
        if self._row_text > MAX_RESULT_BYTES:
            self._row_text = 0
            raise _too_large()
        if self._make_text is str:  # sqlite3's default: strict UTF-8
            return raw.decode("utf-8")
        return self._make_text(raw)

    def row(self, cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Any:
        size = self._row_text + sum(
            len(v) if isinstance(v, bytes) else 8 for v in row if not isinstance(v, str)
        )
        self._row_text = 0
        total = self._spent.get(cursor, 0) + size
        if total > MAX_RESULT_BYTES:
            raise _too_large()
        self._spent[cursor] = total
        return row if self._make_row is None else self._make_row(cursor, row)


def _too_large() -> ResultTooLarge:
    return ResultTooLarge(
        f"query result over {MAX_RESULT_BYTES // (1024 * 1024)} MB: "
        "ask for fewer rows, fewer columns or shorter values (length(), substr())"
    )


# --- the functions, with SQLite's results ------------------------------------------------------


def randomblob(n: SqlValue) -> bytes:
    size = max(_integer(n), 1)
    return TOO_BIG if size > MAX_GENERATED_BYTES else os.urandom(size)


def zeroblob(n: SqlValue) -> bytes:
    size = max(_integer(n), 0)
    return TOO_BIG if size > MAX_GENERATED_BYTES else bytes(size)


# One conversion of a printf format: flags, width, precision, length, conversion letter.
FORMAT_SPEC = re.compile(r"%[-+ #0,!]*(\*|\d*)(?:\.(\*|\d*))?l{0,2}([a-zA-Z%])")
_formatter = threading.local()


def printf(*args: SqlValue) -> SqlValue:
    """SQLite's own printf, run on a connection of our own once the format is found harmless."""
    if args and isinstance(args[0], str) and _repeats_too_much(args[0], args[1:]):
        return TOO_BIG
    # The built-in is hidden on the archive's connection by this very function; a private
    # in-memory connection (one per thread, as sqlite3 connections are) still has it.
    conn = getattr(_formatter, "conn", None)
    if conn is None:
        conn = _formatter.conn = sqlite3.connect(":memory:")
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    sql = "select printf(" + ",".join("?" * len(args)) + ")"
    value: SqlValue = conn.execute(sql, args).fetchone()[0]
    return value


def _repeats_too_much(format_: str, args: tuple[SqlValue, ...]) -> bool:
    """Whether a `%c` asks for more repeats than a value may have (width and precision of any
    other conversion stop at the length limit on their own)."""
    next_arg = 0
    for spec in FORMAT_SPEC.finditer(format_):
        width, precision, conversion = spec.groups()
        if conversion == "%":
            continue
        if width == "*":
            next_arg += 1
        repeats = precision
        if precision == "*":
            repeats = str(_integer(args[next_arg])) if next_arg < len(args) else "0"
            next_arg += 1
        if conversion == "c" and repeats and int(repeats) > MAX_VALUE_BYTES:
            return True
        next_arg += 1
    return False


def replace(text: SqlValue, old: SqlValue, new: SqlValue) -> SqlValue:
    if text is None or old is None or new is None:
        return None
    pattern = _text(old)
    if pattern == "":
        return text  # SQLite returns the first argument as it is
    subject, replacement = _text(text), _text(new)
    # Refuse before building: replace(x, 'a', <4 MB>) on a long x would need terabytes.
    count = subject.count(pattern)
    grows = len(replacement.encode()) - len(pattern.encode())
    if count and grows > 0 and len(subject.encode()) + count * grows > MAX_VALUE_BYTES:
        return TOO_BIG
    return subject.replace(pattern, replacement)


def instr(haystack: SqlValue, needle: SqlValue) -> SqlValue:
    if haystack is None or needle is None:
        return None
    if isinstance(haystack, bytes) and isinstance(needle, bytes):
        return haystack.find(needle) + 1  # byte offsets for two blobs, as SQLite
    return _text(haystack).find(_text(needle)) + 1


def _trimmer(side: str) -> Callable[[SqlValue, SqlValue], str | None]:
    def trim(text: SqlValue, characters: SqlValue) -> str | None:
        if text is None or characters is None:
            return None
        subject, chars = _text(text), set(_text(characters))
        if not chars or not subject:
            return subject
        # One character class: a linear scan in C, however many characters the set has.
        run = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]*")
        start = run.match(subject).end() if side in ("both", "left") else 0  # type: ignore[union-attr]
        end = len(subject)
        if side in ("both", "right"):
            end -= run.match(subject[::-1]).end()  # type: ignore[union-attr]
        return subject[start:end] if start < end else ""

    return trim


def _text(value: SqlValue) -> str:
    """A value as SQLite's text functions read it."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, float):
        return _real_text(value)
    return str(value)


def _real_text(value: float) -> str:
    # SQLite writes a REAL with "%!.15g": always a decimal point, "1.0e+20" rather than "1e+20".
    text = f"{value:.15g}"
    if "inf" in text:
        return text.replace("inf", "Inf")
    if "." in text or "nan" in text:
        return text
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}.0{e}{exponent}"


def _integer(value: SqlValue) -> int:
    """A value as SQLite's sqlite3_value_int64 reads it (text: its leading number, else 0)."""
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value:  # NaN
            return 0
        return int(max(min(value, 2.0**63 - 1024), -(2.0**63)))  # SQLite clamps to 64 bits
    if isinstance(value, str | bytes):
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        match = re.match(r"\s*[+-]?\d+(\.\d*)?([eE][+-]?\d+)?", text)
        return _integer(float(match.group())) if match else 0
    return 0
