"""SQLite cannot add a foreign key to a table in place: a migration rebuilds the table. Part
of the schema's migrations (bot/store/schema.py), inside their transaction."""

from __future__ import annotations

import sqlite3


def rebuild_with_references(
    conn: sqlite3.Connection, table: str, references: dict[str, str]
) -> None:
    """Rebuild `table` with `column REFERENCES target` for each of `references`, keeping its
    columns, types, primary key, rows (and so rowids), other constraints' columns, indexes,
    triggers and the views. For tables with a one-column primary key and no other table
    constraint."""
    info = conn.execute(f"pragma table_info([{table}])").fetchall()
    if sum(1 for row in info if row[5]) > 1:
        raise ValueError(f"{table}: a composite primary key is not rebuilt here")
    kept = {
        row[3]: f"[{row[2]}]([{row[4]}])"
        for row in conn.execute(f"pragma foreign_key_list([{table}])")
    }
    kept.update(references)
    specs = []
    for _, name, type_, notnull, default, pk in info:
        spec = f"[{name}] {type_}".rstrip()
        if pk:
            spec += " PRIMARY KEY"
        if notnull:
            spec += " NOT NULL"
        if default is not None:
            spec += f" DEFAULT {default}"
        if name in kept:
            spec += f" REFERENCES {kept[name]}"
        specs.append(spec)
    names = ", ".join(f"[{row[1]}]" for row in info)
    # explicit indexes and triggers (automatic indexes have no SQL and come back by themselves)
    again = [
        row[0]
        for row in conn.execute(
            "select sql from sqlite_master where tbl_name = ? and type in ('index', 'trigger') "
            "and sql is not null order by type, name",
            [table],
        )
    ]
    # views: the RENAME checks every view against the schema, and one reading the table
    # would name a table that is gone at that moment
    views = list(conn.execute("select name, sql from sqlite_master where type = 'view'"))
    for name, _ in views:
        conn.execute(f"DROP VIEW [{name}]")
    new = f"{table}_rebuilt"
    conn.execute(f"CREATE TABLE [{new}] ({', '.join(specs)})")
    conn.execute(f"INSERT INTO [{new}] ({names}) SELECT {names} FROM [{table}]")
    conn.execute(f"DROP TABLE [{table}]")
    conn.execute(f"ALTER TABLE [{new}] RENAME TO [{table}]")
    for sql in again:
        conn.execute(sql)
    for _, sql in views:
        conn.execute(sql)
