"""The Chinese edition: the catalog is complete and keeps its placeholders, the strings the code marks are all
in it, and a Chinese page speaks Chinese (its interface words, its dates and numbers, its ``lang``)."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis import paths
from analysis.report import i18n
from analysis.report.commentary import CommentaryError, read_commentary
from analysis.report.text import figure_text, goal_text, plain_date

from .conftest import FIRST_ID

CATALOG = i18n.catalog_path("zh")


def test_the_chinese_catalog_is_complete_and_keeps_every_placeholder() -> None:
    assert i18n.problems(CATALOG) == []


def test_problems_name_a_missing_translation_and_a_lost_placeholder(tmp_path: Path) -> None:
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Of {n} targets"\nmsgstr "共有目标"\n\n'
                  'msgid "Sources"\nmsgstr ""\n\n'
                  '#, fuzzy\nmsgid "Money"\nmsgstr "钱"\n', encoding="utf-8")
    found = i18n.problems(po)
    assert len(found) == 3, found
    assert any("placeholders ['{n}'] in the original, [] in the translation" in p for p in found)
    assert any(p.startswith(f"{po}:") and "no translation: 'Sources'" in p for p in found)
    assert any("fuzzy" in p and "'Money'" in p for p in found)


def test_every_string_the_code_marks_is_in_the_catalog(tmp_path: Path) -> None:
    """``pybabel extract`` over the library, templates and notebooks finds nothing the catalog lacks (run
    ``make translations`` after adding a string)."""
    pot = tmp_path / "messages.pot"
    result = subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F",
                             str(i18n.LOCALE / "babel.cfg"), "-o", str(pot), "--no-wrap", "."],
                            cwd=paths.PROJ_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    from babel.messages.pofile import read_po

    with pot.open("rb") as fh:
        wanted = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(fh) if m.id}
    missing = sorted(wanted - set(i18n.catalog("zh")))
    assert not missing, f"not translated (run 'make translations', then translate): {missing[:5]}"
    assert any(w.startswith("## ") for w in wanted), "the notebooks' headings are extracted too"


def test_numbers_dates_and_goals_read_as_chinese() -> None:
    import pandas as pd

    goal = {"target_value": 10000.0, "target_max": float("nan"), "unit": "factories", "comparator": "at-least"}
    with i18n.use("zh"):
        assert figure_text(2_000_000_000, "more-than", "connections") == "超过20亿个连接"
        assert figure_text(350000, "about", "enterprises") == "约35万家企业"
        assert figure_text(71.5, "exact", "%") == "71.5%"
        assert goal_text(goal) == "不少于1万家工厂"
        assert goal_text({**goal, "unit": "% increase", "target_value": 20.0}) == "提高不少于20%"
        assert plain_date(pd.Timestamp("2025-12-01"), "month") == "2025年12月"
        assert plain_date(pd.Timestamp("2025-12-03"), "day") == "2025年12月3日"
        assert i18n.gettext("Targets") == "目标"
    assert figure_text(2_000_000_000, "more-than", "connections") == "more than 2 billion connections"
    assert goal_text(goal) == "at least 10,000 factories"


def test_a_language_outside_the_list_is_refused() -> None:
    with pytest.raises(i18n.LanguageError, match="language must be one of en, zh, got 'fr'"):
        i18n.activate("fr")


def test_a_commentary_block_in_a_language_the_briefing_does_not_build_names_its_line(tmp_path: Path) -> None:
    md = tmp_path / "x.md"
    md.write_text("::: findings\nEnglish.\n:::\n\n::: findings zh\n中文。\n:::\n", encoding="utf-8")
    assert [b.language for b in read_commentary(md, languages=("en", "zh")).blocks] == ["en", "zh"]
    with pytest.raises(CommentaryError) as info:
        read_commentary(md, languages=("en",))
    assert info.value.problems == [f"{md}:5: a block in 'zh', but the briefing is built only in en (its 'language' "
                                   "in reports/briefings.yml: both builds en and zh)"]
    md.write_text("::: findings\nOne.\n:::\n::: findings\nTwo.\n:::\n", encoding="utf-8")
    with pytest.raises(CommentaryError, match=r"x.md:4: a second block for 'findings' in 'en'"):
        read_commentary(md)


def test_a_section_without_a_chinese_block_shows_the_english_one() -> None:
    from analysis.report.commentary import Block, Commentary

    en, zh = Block("findings", 1, "English", (), ()), Block("targets", 5, "中文", (), (), "zh")
    c = Commentary(Path("x.md"), (en, zh, Block("targets", 9, "English", (), ())), "")
    assert c.of("findings", "zh") == [en]
    assert c.of("targets", "zh") == [zh]
    assert [b.text for b in c.of("targets", "en")] == ["English"]


# -- a real Chinese edition ----------------------------------------------------------------------------

ALLOWED = {"PDF", "CSV", "Excel", "BibTeX", "CSL-JSON", "Zotero", "Pandoc", "CC", "BY", "ZIP", "KB", "MB", "make",
           "reports", "English", "edition", "facts.json", "json", "on", "off", "track"}
"""Latin words a Chinese page may show outside English text: names of formats and tools."""


class _Untagged(HTMLParser):
    """Text outside any ``lang="en"`` element (and outside code and the citation formats), with Latin words."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                       "wbr"):  # HTML's void elements have no end tag
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag: str) -> None:
        if any(t == tag for t, _ in self.stack):  # an end tag closes its element and any left open inside it
            while self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        if any(tag in ("style", "script", "code", "pre", "svg", "title", "summary") for tag, _ in self.stack):
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), "")
        if lang.startswith("en"):
            return
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z.-]+", re.sub(r"\b[0-9a-f]{8}\b", "", data)) if w not in ALLOWED]
        if words:
            self.found.append(data.strip())


def test_the_chinese_page_tags_every_english_word_and_links_the_other_edition(first_build) -> None:
    assert first_build["result"].returncode == 0, first_build["result"].stdout
    folder = first_build["root"] / "reports" / FIRST_ID
    page = (folder / f"{FIRST_ID}.zh.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page
    assert f'<link href="{FIRST_ID}.html" hreflang="en" rel="alternate"/>' in page
    assert f'href="{FIRST_ID}.zh.pdf"' in page and 'href="../index.zh.html"' in page
    english = (folder / f"{FIRST_ID}.html").read_text(encoding="utf-8")
    assert f'<link href="{FIRST_ID}.zh.html" hreflang="zh-Hans" rel="alternate"/>' in english
    assert "状态截至" in page and "2026年11月23日" in page and "## " not in page
    parser = _Untagged()
    parser.feed(page[page.index("<body"):])
    assert parser.found == [], parser.found[:10]


def test_the_chinese_pdf_reads_as_a_chinese_document(first_build) -> None:
    """No English interface string in the PDF's text: every English message of three words or more is absent
    (the data's own English, marked, and the sources' names aside)."""
    pdf = first_build["root"] / "reports" / FIRST_ID / f"{FIRST_ID}.zh.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    assert "关键数据" in flat and "引用本简报" in flat and re.search(r"第 \d+ 页，共 \d+ 页", flat)
    from babel.messages.pofile import read_po

    with CATALOG.open("rb") as fh:
        english = [m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(fh) if m.id]
    plain = [re.sub(r"\s+", " ", e) for e in english if "{" not in e and "%(" not in e and "<" not in e]
    leaked = [e for e in plain if len(e.split()) >= 3 and e.strip(" #") in flat]
    assert leaked == [], leaked
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJKsc" in fonts and "CJKjp" not in fonts


def test_the_front_page_has_both_languages(first_build) -> None:
    reports = first_build["root"] / "reports"
    zh = (reports / "index.zh.html").read_text(encoding="utf-8")
    en = (reports / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in zh and '<html lang="en">' in en
    assert 'hreflang="zh-Hans" href="index.zh.html"' in en and 'hreflang="en" href="index.html"' in zh
    assert f'href="{FIRST_ID}/{FIRST_ID}.zh.html"' in zh and f'href="{FIRST_ID}/{FIRST_ID}.html"' in en
    assert "各政策简报" in zh and "工业互联网发展行动计划" in zh  # the edition's own title
    parser = _Untagged()
    parser.feed(zh[zh.index("<body"):])
    assert parser.found == [], parser.found[:10]


def test_a_section_with_an_english_and_a_chinese_block_gets_one_comment_cell(tmp_path: Path) -> None:
    import nbformat

    from analysis.pipeline.splice import Additions, splice

    md = tmp_path / "x.md"
    md.write_text("::: after targets\nEnglish.\n:::\n\n::: after targets zh\n中文。\n:::\n", encoding="utf-8")
    cells = [nbformat.v4.new_markdown_cell("## Targets"), nbformat.v4.new_code_cell("b.targets_table()"),
             nbformat.v4.new_markdown_cell("## Sources")]
    out = splice(cells, Additions(read_commentary(md), None), "x")
    assert [c.source.count("'targets'") for c in out if "commentary-by-build" in c.metadata.get("tags", [])] == [1]
