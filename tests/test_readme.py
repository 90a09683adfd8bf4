"""The front door: the README fits on a screen or two and every link in it and in docs/ resolves; the
analyst's guide's walkthrough runs word for word as a new user would, from the project folder."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from analysis.paths import PROJ_ROOT

GUIDE = PROJ_ROOT / "docs" / "analysts-guide.md"
PAGES = [PROJ_ROOT / "README.md", *sorted((PROJ_ROOT / "docs").glob("*.md"))]
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(page: Path) -> set[str]:
    """The anchors a Markdown page's headings get (GitHub's rule: lower case, punctuation dropped,
    spaces as hyphens), code blocks left out."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
            for h in re.findall(r"^#+ (.+)$", text, re.M)}


def test_the_readme_fits_on_a_screen_or_two() -> None:
    assert len((PROJ_ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 150


def test_every_link_in_the_readme_and_docs_resolves() -> None:
    broken = []
    for page in PAGES:
        for target in _LINK.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://")):
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists() or (anchor and anchor not in _anchors(dest)):
                broken.append(f"{page.relative_to(PROJ_ROOT)}: {target}")
    assert broken == []
    linked = {(PROJ_ROOT / t.partition("#")[0]).resolve() for t in _LINK.findall(PAGES[0].read_text(encoding="utf-8"))}
    assert {p.resolve() for p in PAGES[1:]} <= linked, "every page under docs/ is linked from the README"


def test_the_link_check_finds_a_broken_anchor(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("# Speed\n\n## Editions: what was sent\n", encoding="utf-8")
    assert _anchors(page) == {"speed", "editions-what-was-sent"}


def walkthrough() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Walkthrough", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert len(blocks) == 2, "the walkthrough should have its two shell blocks"
    return "".join(blocks)


def _contents() -> dict[str, bytes]:
    """The bytes of every file the walkthrough must leave alone: data/ and the list of briefings."""
    files = [*sorted((PROJ_ROOT / "data").iterdir()), PROJ_ROOT / "reports" / "briefings.yml"]
    return {f.name: f.read_bytes() for f in files if f.is_file()}


@pytest.mark.slow
def test_readme_walkthrough_runs_word_for_word() -> None:
    if not (PROJ_ROOT / ".venv" / "bin" / "analysis").exists():
        pytest.skip("needs make setup (.venv)")
    before = _contents()
    policy_line = (PROJ_ROOT / "data" / "policies.csv").read_text(encoding="utf-8").count("\n") + 1
    script = walkthrough() + '\necho "SCRATCH=$W"\n'
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=PROJ_ROOT, capture_output=True,
                            text=True, timeout=600)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    scratch = re.search(r"SCRATCH=(\S+)", result.stdout).group(1)
    try:
        # step 1: the source row and its archived text
        assert "added source 'example-2026-11-20-platforms'" in out
        # step 4: the typo is caught with the suggestion the README shows
        assert (f"{scratch}/data/policies.csv:{policy_line}:source_id: unknown source id "
                "'example-2026-11-20-platfroms': not in sources.csv; "
                "did you mean 'example-2026-11-20-platforms'?") in out
        assert "validate exit code: 1" in out
        assert "1 printed figures found in 1 archive snapshot(s)" in out
        # step 5: built twice, and the change is reported
        assert out.count("built    example in") == 2
        assert "goal was at least 40 platforms, now at least 45 platforms" in out
        pdf = subprocess.run(["pdftotext", f"{scratch}/reports/example/example.pdf", "-"], capture_output=True,
                             text=True, timeout=60)
        if pdf.returncode == 0:
            assert "Since 2026-11-23" in pdf.stdout
            assert "now at least 45 platforms" in " ".join(pdf.stdout.split())
    finally:
        subprocess.run(["rm", "-rf", scratch], check=False)
    assert _contents() == before, "the walkthrough touched data/ or reports/briefings.yml"
