"""The layout's rules, checked on the source: platforms stay inside bot/sources/, SQL inside
bot/store/. A module that breaks them makes a second platform an edit of many files again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
PLATFORM_SDKS = ("atproto", "atproto_client", "atproto_core", "tweepy")
# shapes only a platform's connector may know
PLATFORM_SHAPES = ("at://", "app.bsky.", "api.twitter.com", "richtext.facet")


def modules(outside: str) -> list[Path]:
    return sorted(p for p in BOT.rglob("*.py") if not p.is_relative_to(BOT / outside))


def code_strings(tree: ast.AST) -> list[str]:
    """String constants that are code, not documentation (docstrings left out)."""
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            docstrings.add(id(first.value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


@pytest.mark.parametrize("path", modules("sources"), ids=lambda p: str(p.relative_to(BOT)))
def test_platform_sdks_and_shapes_stay_in_sources(path: Path) -> None:
    tree = ast.parse(path.read_text())
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [m for m in imported if m.split(".")[0] in PLATFORM_SDKS]
    shapes = [s for s in code_strings(tree) for shape in PLATFORM_SHAPES if shape in s]
    assert not shapes


# The web layer's SQL limits run SQL on the reader's connection by design (they check what a
# query would cost); every other read and write of the archive goes through bot/store/.
SQL_ELSEWHERE = {BOT / "web" / "sql_limits.py"}


@pytest.mark.parametrize(
    "path",
    [p for p in modules("store") if p not in SQL_ELSEWHERE],
    ids=lambda p: str(p.relative_to(BOT)),
)
def test_sql_stays_in_the_store(path: Path) -> None:
    tree = ast.parse(path.read_text())
    calls = [
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("execute", "executemany", "executescript")
    ]
    assert not calls


def test_the_rules_see_a_module_that_breaks_them(tmp_path: Path) -> None:
    # the checks above would pass on nothing; here they must catch a leak
    tree = ast.parse('import atproto\nURI = "at://did:plc:x/app.bsky.feed.post/1"\n"""doc"""\n')
    assert any("at://" in s for s in code_strings(tree))
    assert "doc" not in code_strings(ast.parse('"""doc"""\n'))
