"""`threadbot export THREAD --format md|json`: the thread as a file to keep or paste, read from
the archive without writing to it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reading_room_archive import HOSTILE_TEXT, ArchiveFacts, build_archive


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> ArchiveFacts:
    return build_archive(tmp_path_factory.mktemp("export") / "archive.db")


def export(facts: ArchiveFacts, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "export", *args],
        env={
            **environ,
            "THREADBOT_DB": str(facts.path),
            "THREADBOT_PUBLIC_URL": "https://archive.example/",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_markdown_is_the_whole_thread_with_every_link(facts: ArchiveFacts) -> None:
    run = export(facts, str(facts.sample_thread))
    assert run.returncode == 0, run.stderr
    md = run.stdout
    assert md.startswith("# NEW: Judge Marisol Ortega has blocked")
    assert f"- Archived: <https://archive.example/thread/{facts.sample_thread}>" in md
    headings = [line for line in md.splitlines() if line.startswith("### ")]
    assert [h.split(".")[0] for h in headings] == [f"### {n}" for n in range(1, 10)]
    assert f"[archived copy](https://archive.example/document/{facts.pdf_document}/archived)" in md
    assert (
        f"case: [Tri-County Water Authority v. Department of Agriculture](https://archive.example/case/{facts.docket})"
        in md
    )
    assert "*Post 8 was deleted since it was archived (the text we archived is kept).*" in md
    assert "- Image: Page 31 of the order" in md


def test_json_is_the_same_thread_as_data(facts: ArchiveFacts) -> None:
    run = export(
        facts,
        f"https://archive.example/archive/thread?id={facts.sample_thread}",
        "--format",
        "json",
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["thread"]["page"] == f"https://archive.example/thread/{facts.sample_thread}"
    assert [p["position"] for p in data["posts"]] == list(range(1, 10))
    assert data["posts"][0]["links"][0]["document"]["archived_copy"] == (
        f"https://archive.example/document/{facts.pdf_document}/archived"
    )
    assert data["cases"][0]["assigned_to"] == "Marisol Ortega"


def test_a_hostile_post_is_escaped_in_markdown_and_kept_as_is_in_json(facts: ArchiveFacts) -> None:
    md = export(facts, str(facts.hostile_thread)).stdout
    assert "<script>" not in md and "\\<script\\>alert" in md
    data = json.loads(export(facts, str(facts.hostile_thread), "--format", "json").stdout)
    assert data["posts"][0]["text"] == HOSTILE_TEXT


@pytest.mark.parametrize(
    "args, message",
    [
        (["999"], "there is no thread 999 in the archive"),
        (["twelve"], "'twelve' names no thread"),
        (["1", "--format", "pdf"], "Invalid value for '--format'"),
    ],
)
def test_a_thread_that_is_not_there_is_one_line_exit_2(
    facts: ArchiveFacts, args: list[str], message: str
) -> None:
    run = export(facts, *args)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_export_does_not_write_to_the_archive(facts: ArchiveFacts, tmp_path: Path) -> None:
    before = facts.path.stat().st_mtime_ns
    facts.path.chmod(0o444)
    try:
        assert export(facts, str(facts.sample_thread)).returncode == 0
    finally:
        facts.path.chmod(0o644)
    assert facts.path.stat().st_mtime_ns == before
