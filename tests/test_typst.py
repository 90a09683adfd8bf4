"""The PDF through typst: the sections' HTML as typst (escaped, so nothing from the data becomes code), the
print design (badges that stay in their column and read in greyscale), and the real PDF of a build against
its HTML page: the same sections, charts and sources, tagged, fonts embedded, the same bytes twice."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.status_rules import STATUSES
from analysis.report.exporters import TEMPLATES, BriefingPDFExporter, compile_typst, pdf_pages
from analysis.report.typst import escape, to_typst

from .conftest import FIRST_ID

PREAMBLE = (TEMPLATES / "briefing" / "briefing.typ").read_text(encoding="utf-8")
FONTS = '#set text(font: latin, size: 9pt)\n'


def pdf_text(pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def typeset(html: str, width: str = "100%") -> bytes:
    return compile_typst(PREAMBLE + FONTS + f"#block(width: {width})[" + to_typst(html) + "]")


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp")),
               min_size=1, max_size=40))
def test_any_text_prints_as_itself(text: str) -> None:
    """Typst's markup characters (# * _ $ < > @ [ ] ` ~ / = - + \\ ") are text, never code."""
    source = PREAMBLE + FONTS + "#block[" + escape(text) + "]"
    compile_typst(source)  # no error: nothing in the text was read as code


def test_markup_characters_survive_the_round_trip(tmp_path: Path) -> None:
    hostile = 'a//b #let x = 1 *bold* _em_ $x$ <lbl> @ref [c] `r` ~ = - + \\ "q" -- 2018-2020'
    text = pdf_text(typeset(f"<p>{hostile.replace('<', '&lt;').replace('>', '&gt;')}</p>"), tmp_path)
    assert "".join(hostile.split()) in "".join(text.split())


def test_a_long_word_wraps_inside_its_column(tmp_path: Path) -> None:
    word = "x" * 300
    html = (f'<table class="data targets"><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>{word}</td>'
            '<td>next</td></tr></tbody></table>')
    boxes = _words(pdf_text(typeset(html), tmp_path, "-bbox"))
    next_x = next(b for b in boxes if b[0] == "next")[1]
    assert all(x_max <= next_x for w, _, x_max in boxes if set(w) == {"x"})


def _words(bbox_html: str) -> list[tuple[str, float, float]]:
    return [(m.group(3), float(m.group(1)), float(m.group(2)))
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                                 bbox_html)]


@pytest.fixture(scope="module")
def built(first_build) -> dict[str, Any]:
    import nbformat

    out = first_build["root"] / "reports" / FIRST_ID
    nb = nbformat.read(out / f"{FIRST_ID}.ipynb", as_version=4)
    return {"out": out, "nb": nb, "html": (out / f"{FIRST_ID}.html").read_text(encoding="utf-8"),
            "pdf": (out / f"{FIRST_ID}.pdf").read_bytes()}


def test_the_longest_status_word_stays_in_its_column(built, tmp_path: Path) -> None:
    """The real Targets table with "claimed, no figure", the longest status word, in its Status column: the
    words end before the next column starts (at the width the PDF gives the column)."""
    from analysis.report.briefing import Briefing

    from .conftest import FIXTURE_DATA

    b = Briefing(data_dir=FIXTURE_DATA, title="t", policies=[FIRST_ID], as_of="2026-11-23")
    html = re.sub(r"status status-[a-z-]+'>[^<]*<", "status status-claimed'>claimed, no figure<", str(b.targets_table()))
    _assert_in_column(_words(pdf_text(typeset(html), tmp_path, "-bbox")), "What")


@pytest.mark.parametrize("points", [40, 56, 70])
def test_a_badge_wraps_inside_a_column_too_narrow_for_it(tmp_path: Path, points: int) -> None:
    """Every status badge, as the converter writes it in a table cell, in a column narrower than the badge
    on one line: it wraps inside its cell."""
    html = ('<table class="data"><thead><tr><th>Status</th><th>Next</th></tr></thead><tbody>'
            + "".join(f"<tr><td><span class='status status-{s}'>{_word(s)}</span></td><td>Next</td></tr>"
                      for s in STATUSES) + "</tbody></table>")
    source = to_typst(html).replace("#housetable(columns: 2,", f"#housetable(columns: ({points}pt, 1fr),")
    assert f"({points}pt, 1fr)" in source and "#cellbadge(" in source
    _assert_in_column(_words(pdf_text(compile_typst(PREAMBLE + FONTS + source), tmp_path, "-bbox")), "Next")


def _assert_in_column(boxes: list[tuple[str, float, float]], next_header: str) -> None:
    limit = min(x for w, x, _ in boxes if w == next_header)  # where the next column starts
    status = min(x for w, x, _ in boxes if w == "Status")
    words = {w.replace("\xad", "") for s in STATUSES for w in _word(s).split()}
    # The badges' words: all of them in a table of badges only (the next column holds one word), those that
    # start in the Status column of a real table.
    only_badges = {w for w, _, _ in boxes} <= words | {"Status", next_header, "●", "◇", "◐", "✕", "✚", "▶", "▽", "△",
                                                        "▲", "◆", "○", "□"} | {w for w, _, _ in boxes if "\xad" in w}
    placed = [(w, x_max) for w, x, x_max in boxes if (only_badges or status - 1 <= x < limit)
              and (w.replace("\xad", "") in words or w.endswith("\xad"))]
    assert "claimed," in {w for w, _ in placed}
    assert all(x_max <= limit - 1 for _, x_max in placed), [(w, x) for w, x in placed if x > limit - 1]


def _word(status: str) -> str:
    from analysis.report.text import STATUS_TEXT

    return STATUS_TEXT[status]


def test_every_status_has_its_own_mark_for_greyscale() -> None:
    marks = dict(re.findall(r'"([a-z-]+)": "(.)"', PREAMBLE[PREAMBLE.index("#let status-mark"):]))
    assert set(marks) == set(STATUSES)
    assert len(set(marks.values())) == len(STATUSES)  # a shape each, not a colour alone


def test_the_pdf_carries_the_pages_sections_charts_and_sources(built, tmp_path: Path) -> None:
    from pypdf import PdfReader

    html, pdf = built["html"], built["pdf"]
    reader = PdfReader(built["out"] / f"{FIRST_ID}.pdf")
    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2 id=\"[^\"]+\">(.*?)</h2>", html, re.S)]
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    assert outline == headings  # bookmarks are the page's headings, in order
    text = " ".join(pdf_text(pdf, tmp_path).split())
    pages = pdf_pages(pdf)
    assert pages == len(reader.pages) and all(f"page {n} of {pages}" in text for n in range(1, pages + 1))
    _, resources = BriefingPDFExporter().from_notebook_node(built["nb"])
    assert resources["typst_source"].count("#chart(") == html.count('<figure class="chart"')
    numbers = re.findall(r'<li id="source-(\d+)"', html)
    assert numbers
    for n in numbers:  # every source of the page, under its number, with its publisher
        assert f"{n}." in text
    for publisher in re.findall(r"</a>\. ([^<,]+?)(?:, \d{4}|\. <span)", html)[:10]:
        assert " ".join(publisher.split()) in text, publisher
    assert "工业互联网发展行动计划" in text


def test_the_same_notebook_gives_the_same_bytes(built) -> None:
    again, _ = BriefingPDFExporter().from_notebook_node(built["nb"])
    assert again == built["pdf"]


def test_jupyter_nbconvert_makes_the_pdf(built, tmp_path: Path) -> None:
    import shutil
    import sys

    notebook = tmp_path / "b.ipynb"
    shutil.copy(built["out"] / f"{FIRST_ID}.ipynb", notebook)
    jupyter = Path(sys.executable).with_name("jupyter")
    subprocess.run([str(jupyter), "nbconvert", "--to", "briefing_pdf", str(notebook)], check=True,
                   capture_output=True, timeout=120)
    assert (tmp_path / "b.pdf").read_bytes() == built["pdf"]


def test_nested_and_unknown_elements_add_no_stray_characters(tmp_path: Path) -> None:
    html = ('<p><span class="unknown"><strong>a</strong> b</span>(c) <span lang="zh-Hans">工业</span>[d]'
            '<em>e</em>.f</p>')
    text = " ".join(pdf_text(typeset(html), tmp_path).split())
    assert text == "a b(c) 工业[d]e.f"
