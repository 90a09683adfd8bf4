"""``analysis add-source``: a checked row in sources.csv and, when asked, the page's text in the archive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analysis.data.validate import check

NEW_ID = "example-2026-11-20-platforms"


def add(data_dir: Path, *extra: str, source_id: str = NEW_ID) -> subprocess.CompletedProcess[str]:
    args = ["--id", source_id, "--title", "[Example page]", "--publisher", "Example Publisher",
            "--url", "https://example.org/platforms", "--published", "2026-11-20", "--grade", "weak", *extra]
    return subprocess.run([sys.executable, "-m", "analysis", "add-source", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=60)


def test_adds_a_checked_row_and_archives_the_text(data, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("将建设40个示范平台。\n", encoding="utf-8")
    archive = tmp_path / "archive"
    archive.mkdir()
    before = data.path("sources").read_text(encoding="utf-8")
    result = add(data.dir, "--snapshot", str(page), "--archive", str(archive), "--accessed", "2026-11-21")
    assert result.returncode == 0, result.stderr
    after = data.path("sources").read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before):] == (f"{NEW_ID},[Example page],Example Publisher,2026-11-20,2026-11-21,"
                                   "https://example.org/platforms,en,weak,\n")
    line = data.line_of("sources", NEW_ID)
    assert f"added source '{NEW_ID}'" in result.stdout and f"(line {line})" in result.stdout
    assert (archive / f"{NEW_ID}.txt").read_bytes() == page.read_bytes()
    report = check(data.dir)
    assert report.errors == [] and report.row_counts["sources"] == before.count("\n")
    assert any(NEW_ID in p.message for p in report.warnings)  # nothing cites it yet: a warning, not an error


def test_language_follows_the_title_and_accessed_defaults_to_today(data) -> None:
    result = subprocess.run([sys.executable, "-m", "analysis", "add-source", "--data-dir", str(data.dir), "--id",
                             "example-zh", "--title", "示例页面", "--publisher", "示例", "--grade", "secondary"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "language: zh-Hans (from the title" in result.stdout
    row = data.lines("sources")[data.line_of("sources", "example-zh") - 1]
    assert ",zh-Hans,secondary," in row


@pytest.mark.parametrize(("args", "source_id", "column"), [
    ((), "Example_Bad", "id"),
    ((), "xinhua-2017-11-28-industrial-internet-guideline", "id"),
    (("--published", "2026-02-30"), NEW_ID, "published"),
    (("--url", "not a web address"), NEW_ID, "url"),
])
def test_a_bad_row_is_refused_and_nothing_written(data, args: tuple[str, ...], source_id: str, column: str) -> None:
    before = data.path("sources").read_bytes()
    new_line = len(data.lines("sources"))  # the line the row would have taken (the file ends in a newline)
    message = f"sources.csv:{new_line}:{column}:"
    result = add(data.dir, *args, source_id=source_id)
    assert result.returncode == 1
    assert message in result.stderr and "nothing was written" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert data.path("sources").read_bytes() == before


def test_snapshot_problems_are_refused(data, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    html = tmp_path / "page.html"
    html.write_text("<!DOCTYPE html><html><body>40</body></html>", encoding="utf-8")
    result = add(data.dir, "--snapshot", str(html), "--archive", str(archive))
    assert result.returncode == 1 and "looks like HTML" in result.stderr
    page = tmp_path / "page.txt"
    page.write_text("text\n", encoding="utf-8")
    inside = add(data.dir, "--snapshot", str(page), "--archive", "data")
    assert inside.returncode == 1 and "inside the project" in inside.stderr
    (archive / f"{NEW_ID}.txt").write_text("another page\n", encoding="utf-8")
    taken = add(data.dir, "--snapshot", str(page), "--archive", str(archive))
    assert taken.returncode == 1 and "already exists with other text" in taken.stderr
    alone = add(data.dir, "--snapshot", str(page))
    assert alone.returncode == 1 and "--snapshot and --archive go together" in alone.stderr
    assert NEW_ID not in data.path("sources").read_text(encoding="utf-8")
    assert (archive / f"{NEW_ID}.txt").read_text(encoding="utf-8") == "another page\n"
