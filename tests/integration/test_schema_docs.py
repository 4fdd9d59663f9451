"""docs/schema.md is the public interface: every example query runs on a real archive, and
an archive made by an older threadbot is migrated to the current schema."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from factories import thread_linking

from bot.config import load_settings
from bot.links.stage import resolve_due_links
from bot.store import Store
from bot.store.threads import save_thread

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "sandbox"))
from web import SandboxWeb  # noqa: E402


def example_queries() -> list[str]:
    text = (ROOT / "docs" / "schema.md").read_text()
    queries = []
    for block in re.findall(r"```sql\n(.*?)```", text, re.S):
        for statement in block.split(";"):
            body = "\n".join(
                line for line in statement.splitlines() if not line.strip().startswith("--")
            ).strip()
            if body:
                queries.append(body)
    return queries


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docs") / "archive.db"
    store = Store(path)
    with SandboxWeb() as web:
        save_thread(store, thread_linking([web.url(n) for n in ("order", "docket", "story")]))
        asyncio.run(resolve_due_links(store, load_settings(environ=web.threadbot_env())))
    store.close()
    return path


@pytest.mark.parametrize("query", example_queries())
def test_every_documented_query_runs(archive: Path, query: str) -> None:
    with sqlite3.connect(archive) as conn:
        conn.execute(query).fetchall()


def test_the_documented_joins_find_the_archived_case(archive: Path) -> None:
    with sqlite3.connect(archive) as conn:
        cited = conn.execute(
            "select k.case_name, count(distinct p.thread_id) from dockets k "
            "join links l on l.docket_id = k.id join posts p on p.id = l.post_id group by k.id"
        ).fetchall()
    assert cited == [("Tri-County Water Authority v. Department of Agriculture", 1)]
