"""Hostile and odd text, in the data and in the list of briefings, stays inert text in HTML and PDF; the
same inputs build the same bytes."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from analysis.data.validate import check

from .conftest import FIXTURE_DATA, copy_notebooks

POLICY = "ii-plan-2018-2020"
SCRIPT = '<script>alert("t")</script>'
IMG = "<img src=x onerror=alert(1)>"
LINK = "[link](javascript:alert(2))"
RTL = "\u202eevil\u202c مرحبا עברית"
LONG = "长" * 40 + "x" * 400
HOSTILE = f"{SCRIPT} {IMG} {LINK} {RTL} zero\u200bwidth 🚀 {LONG}"
TITLE = 'Quote " \' """ \\ back\nslash 标题 "; import os; os.system("touch PWNED") #'


def _edit(data: Path, table: str, row_id: str, **values: str) -> None:
    path = data / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    for row in rows[1:]:
        if row[0] == row_id:
            for column, value in values.items():
                row[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, attrs))
        if tag == "style":
            self.styles.append("")

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self.tags and self.tags[-1][0] == "style" and self.styles:
            self.styles[-1] += data
        else:
            self.text.append(data)


def _build(root: Path, data: Path, reports: Path, title: str, env: dict[str, str] | None = None,
           force: bool = False) -> subprocess.CompletedProcess[str]:
    listing = root / "briefings.yml"
    listing.write_text(yaml.safe_dump({"defaults": {"as_of": "2026-11-23", "language": "both"}, "briefings": [
        {"id": "b", "notebook": "briefing.ipynb", "parameters": {"title": title, "policies": [POLICY]}}]},
        allow_unicode=True), encoding="utf-8")
    args = [sys.executable, "-m", "analysis", "build", "--briefings", str(listing), "--notebooks-dir",
            str(root / "notebooks"), "--data-dir", str(data), "--reports-dir", str(reports), "--jobs", "1"]
    return subprocess.run(args + (["--force"] if force else []), capture_output=True, text=True, timeout=600,
                          env=env)


def _add_analyst_cells(notebook: Path) -> None:
    """What an analyst adds to a notebook: a DataFrame (pandas brings its own scoped <style>) and Markdown."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"].insert(-2, {"cell_type": "markdown", "metadata": {}, "source": ["### A table of targets\n",
                                                                              "With *emphasis* and `code`."]})
    nb["cells"].insert(-2, {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                            "source": ['b.ds.targets[["id", "description_en"]].head(12)']})
    notebook.write_text(json.dumps(nb), encoding="utf-8")


def make_hostile(root: Path) -> dict:
    """Hostile text in a policy, a target and a source, an analyst's extra cells, a hostile title; built."""
    copy_notebooks(root / "notebooks")
    data = root / "data"
    shutil.copytree(FIXTURE_DATA, data)
    source = next(r for r in csv.DictReader(io.StringIO((data / "policies.csv").read_text(encoding="utf-8")))
                  if r["id"] == POLICY)["source_id"]
    _edit(data, "policies", POLICY, title_en=f"Plan {HOSTILE}", title_zh=f"{SCRIPT}计划")
    _edit(data, "targets", "ii-plan-2018-2020-industrial-apps", description_en=HOSTILE, as_printed=f"<b>{IMG}</b>")
    _edit(data, "sources", source, title=f"{SCRIPT} {LINK}", publisher=f"{IMG} 出版")
    _add_analyst_cells(root / "notebooks" / "briefing.ipynb")
    result = _build(root, data, root / "reports", TITLE)
    return {"root": root, "data": data, "result": result, "out": root / "reports" / "b"}


@pytest.fixture(scope="module")
def hostile(hostile_project: dict) -> dict:
    return hostile_project


def test_hostile_text_is_valid_data_with_warnings(hostile) -> None:
    report = check(hostile["data"])
    assert report.errors == []
    invisible = [p for p in report.warnings if "invisible character" in p.message]
    assert any("U+202E (RIGHT-TO-LEFT OVERRIDE)" in p.message for p in invisible)
    assert any("U+200B (ZERO WIDTH SPACE)" in p.message for p in invisible)


def test_no_script_or_event_attribute_reaches_the_html(hostile) -> None:
    assert hostile["result"].returncode == 0, hostile["result"].stdout + hostile["result"].stderr
    page = (hostile["out"] / "b.html").read_text(encoding="utf-8")
    parsed = Collector()
    parsed.feed(page)
    names = {tag for tag, _ in parsed.tags}
    # What ordinary notebook outputs render (a DataFrame, Markdown) is allowed; live script is not.
    allowed = {"html", "head", "meta", "title", "style", "body", "header", "p", "h1", "h2", "h3", "dl", "div",
               "dt", "dd", "nav", "ol", "ul", "li", "a", "main", "section", "em", "strong", "span", "table", "thead",
               "tbody", "tr", "th", "td", "figure", "img", "br", "footer", "code", "figcaption", "link", "details", "summary",
               "caption", "pre", *SVG_TAGS}
    assert names <= allowed, names - allowed
    links = [dict(attrs) for tag, attrs in parsed.tags if tag == "link"]  # the icon (a data: URI), the other edition
    assert all((link.get("rel") == "icon" and link.get("href", "").startswith("data:image/svg+xml,"))
               or (link.get("rel") == "alternate" and re.fullmatch(r"[a-z0-9-]+(\.zh)?\.html", link.get("href", "")))
               for link in links), links
    assert "script" not in names and "iframe" not in names and "object" not in names
    assert any(tag == "table" and ("class", "dataframe") in attrs for tag, attrs in parsed.tags)  # the analyst's cell
    # The house stylesheet, and pandas' scoped table styles: no imports, no addresses, no scripting in CSS.
    assert parsed.styles[0] and all(
        not any(bad in style.lower() for bad in ("@import", "url(", "expression(", "javascript:"))
        for style in parsed.styles)
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src"):
                own = value in ("../index.html", "b.pdf", "b.csv", "b.xlsx", "b.zh.html")  # the front page, its files, its other edition
                assert value and (own or value.startswith(("#", "https://", "http://", "data:image/"))), (tag, name, value)
    text = "".join(parsed.text)
    for inert in (SCRIPT, IMG, LINK, "مرحبا עברית", "zero\u200bwidth", "🚀", LONG):
        assert inert in text, inert  # shown as text, exactly
    assert "\u202e" not in page  # an override cannot reorder the page around it


SVG_TAGS = {"svg", "g", "defs", "style", "path", "use", "clippath", "rect", "text", "tspan", "title"}  # what matplotlib writes


def test_hostile_text_in_chart_tooltips_and_labels_stays_text(hostile) -> None:
    import xml.etree.ElementTree as ET

    page = (hostile["out"] / "b.html").read_text(encoding="utf-8")
    charts = [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", page, re.S)]
    assert charts, "no inline chart"
    ns = "{http://www.w3.org/2000/svg}"
    titles = [t.text or "" for svg in charts for t in svg.iter(f"{ns}title")]
    texts = ["".join(t.itertext()) for svg in charts for t in svg.iter(f"{ns}text")]
    # The hostile target description is the first line of its marker's tooltip, exactly, as text.
    assert any(t.startswith(f"{SCRIPT} {IMG}") for t in titles), titles  # the hostile target's tooltip
    assert any("<script>" in t for t in texts)  # the hostile label is drawn as text too
    for svg in charts:
        assert not any(el.tag in (f"{ns}script", f"{ns}foreignObject") for el in svg.iter())
        assert not any(name.startswith("on") for el in svg.iter() for name in el.attrib)


def test_hostile_text_is_plain_text_in_the_pdf(hostile) -> None:
    # poppler's pdftotext: pypdf reads this font mix (Arabic, Hebrew, emoji) as UTF-16 noise
    result = subprocess.run(["pdftotext", str(hostile["out"] / "b.pdf"), "-"], capture_output=True, text=True,
                            timeout=60, check=True)
    # Whitespace aside: a line may break anywhere in Chinese text (出 / 版), and wherever the layout puts it.
    text = "".join(result.stdout.split())
    for inert in ('<script>alert("t")</script>', "<img src=x onerror=alert(1)>", "javascript:alert(2)", "出版",
                  "🚀", "مرحبا"):
        assert "".join(inert.split()) in text, inert
    fonts = subprocess.run(["pdffonts", str(hostile["out"] / "b.pdf")], capture_output=True, text=True, timeout=60,
                           check=True).stdout
    assert "Type 3" in fonts  # the colour emoji is drawn (typst writes its bitmap glyphs as a Type 3 font), not a box


def test_parameters_with_quotes_and_newlines_arrive_intact(hostile) -> None:
    nb = json.loads((hostile["out"] / "b.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["title"] == TITLE
    assert nb["metadata"]["briefing"]["title"] == TITLE
    assert not list(hostile["root"].rglob("PWNED"))
    page = (hostile["out"] / "b.html").read_text(encoding="utf-8")
    assert f"<title>{TITLE}</title>" in html.unescape(page)  # the whole title, quotes and newline included


def test_same_inputs_give_the_same_html_and_pdf_bytes(hostile, tmp_path: Path) -> None:
    """Built elsewhere (another reports folder) and rebuilt in place: byte for byte the same."""
    first = {ext: (hostile["out"] / f"b.{ext}").read_bytes() for ext in ("html", "pdf", "csv", "xlsx")}
    root = hostile["root"]
    elsewhere = _build(root, hostile["data"], tmp_path / "reports", TITLE)
    assert elsewhere.returncode == 0, elsewhere.stdout
    again = _build(root, hostile["data"], root / "reports", TITLE, force=True)
    assert again.returncode == 0, again.stdout
    for ext in ("html", "pdf", "csv", "xlsx"):
        assert (tmp_path / "reports" / "b" / f"b.{ext}").read_bytes() == first[ext], ext
        assert (hostile["out"] / f"b.{ext}").read_bytes() == first[ext], ext
    assert PdfReader(hostile["out"] / "b.pdf").metadata["/CreationDate"].startswith("D:20261123000000")


def test_source_date_epoch_dates_the_pdf(hostile, tmp_path: Path) -> None:
    result = _build(hostile["root"], hostile["data"], tmp_path / "reports", TITLE,
                    env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stdout
    assert PdfReader(tmp_path / "reports" / "b" / "b.pdf").metadata["/CreationDate"].startswith("D:20231114221320")
