"""Whatever a reader types into the search box becomes an FTS5 query that runs."""

import sqlite3

import pytest

from bot.store.reading.search import MAX_TERMS, fts_query

NASTY = [
    '"',
    '""',
    '"""',
    "'",
    "(",
    ")",
    "()",
    "*",
    "**",
    "-",
    "+",
    "^",
    ":",
    "NOT",
    "AND",
    "OR",
    "NEAR",
    "NEAR(a b)",
    "a OR b",
    "a AND NOT b",
    "text:a",
    "{text}: a",
    '"a" OR "b"',
    "a*b",
    "*a",
    "a**",
    '"a',
    'a"',
    'a"b',
    "\\",
    "\x00",
    "\u200b",
    "⚖️",
    "ルール",
    "col:*",
    "-a",
    "a -b",
    "(a OR b) AND c",
    "a NEAR/3 b",
    "a" * 5000,
]


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table f using fts5(text, tokenize='porter')")
    conn.execute("insert into f values ('the judge ruled a b c ルール NOT OR near text')")
    return conn


@pytest.mark.parametrize("typed", NASTY)
def test_every_query_runs(fts: sqlite3.Connection, typed: str) -> None:
    query = fts_query(typed)
    if query is not None:
        fts.execute("select count(*) from f where f match ?", [query]).fetchone()


def test_words_are_all_required_and_stemmed(fts: sqlite3.Connection) -> None:
    def hits(typed: str) -> int:
        return fts.execute("select count(*) from f where f match ?", [fts_query(typed)]).fetchone()[
            0
        ]

    assert hits("rule judge") == 1  # "rule" finds "ruled"
    assert hits("judge missing") == 0
    assert hits('"judge ruled"') == 1 and hits('"ruled judge"') == 0
    assert hits("jud*") == 1
    assert hits("OR NOT") == 1  # searched as words, not operators


def test_a_very_long_query_keeps_its_first_terms() -> None:
    query = fts_query(" ".join(f"w{i}" for i in range(100)))
    assert query is not None and query.count('"w') == MAX_TERMS
