"""The front page and what every briefing offers a reader beside itself: the portfolio at a glance, one row
per briefing with what its links open, the data package as a download, and source numbers that stay put
from one build of a briefing to the next."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis.core.status_rules import STATUSES
from analysis.data.reads import read_text_rows, slice_version
from analysis.pipeline.data_zip import package_bytes
from analysis.report import Briefing
from analysis.report.frontpage import DATA_PACKAGE, size_text
from analysis.report.text import STATUS_TEXT, Citations

from .conftest import FIXTURE_DATA
from .test_build import run_build

LIST = """defaults:
  as_of: 2026-11-23
briefings:
  - id: national
    notebook: briefing.ipynb
    parameters: {title: "National plan", policies: [ii-plan-2018-2020]}
  - id: jiangsu
    notebook: briefing.ipynb
    parameters: {title: "Jiangsu platforms", policies: [jiangsu-platform-2024]}
"""


class Rows(HTMLParser):
    """The front page's briefing rows: their data- attributes and their cells' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[dict] = []
        self.cell: list[str] | None = None
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "tr" and "data-order" in a:
            self.rows.append({"attrs": a, "cells": {}})
        elif tag == "td" and self.rows:
            self.cell = []
            self.rows[-1]["cells"][a.get("data-label")] = self.cell
        elif tag == "a":
            self._href = a.get("href")

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self.cell is not None:
            self.cell.append(data)
        if self._href is not None:
            self.links.append((self._href, data))
            self._href = None


@pytest.fixture(scope="module")
def front(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("front")
    data, reports = root / "data", root / "reports"
    shutil.copytree(FIXTURE_DATA, data)
    (root / "briefings.yml").write_text(LIST, encoding="utf-8")
    result = run_build("--briefings", str(root / "briefings.yml"), "--data-dir", str(data), "--reports-dir", str(reports))
    assert result.returncode == 0, result.stdout + result.stderr
    page = (reports / "index.html").read_text(encoding="utf-8")
    parsed = Rows()
    parsed.feed(page)
    return {"root": root, "data": data, "reports": reports, "page": page, "rows": parsed.rows, "links": parsed.links}


def test_front_page_says_what_the_tracker_covers_and_how_the_portfolio_stands(front) -> None:
    page = front["page"]
    text = re.sub(r"<[^>]+>", "", page)
    facts = [json.loads((front["reports"] / b / "facts.json").read_text(encoding="utf-8")) for b in ("national", "jiangsu")]
    targets = {t: v["status"] for f in facts for t, v in f["targets"].items()}
    strong = sum(1 for f in facts for v in f["targets"].values() if v["status"] == "met" and v["strength"] == "strong")
    assert re.search(rf"follows 2 national, ministerial and local policies.*and the\s+{len(targets)} targets", text, re.S)
    assert text.count("2026-11-23") == 1  # the status date once, not in every row
    package = slice_version(read_text_rows(front["data"]), None)  # the whole package's version, once
    release, rows = package.split("+")
    assert text.count(f"{release} (rows {rows})") == 1  # the release the ZIP names, then the rows' hash
    met = sum(1 for s in targets.values() if s == "met")
    assert f"{met} met ({strong} on strong evidence) ({met / len(targets):.0%} of {len(targets)})" in " ".join(text.split())
    assert (f"Of the {len(targets)} targets in these briefings, {met} are met ({strong} on strong evidence)"
            in " ".join(text.split()))
    missed = sum(1 for s in targets.values() if s == "missed")
    assert f"{missed} missed" in " ".join(text.split())  # the verdicts are named even when none is missed


def test_each_row_gives_issuer_level_year_period_and_targets_by_status(front) -> None:
    rows = {r["attrs"]["data-sort-title"]: r for r in front["rows"]}
    policies = {r["id"]: r for r in csv.DictReader(io.StringIO((front["data"] / "policies.csv").read_text(encoding="utf-8")))}
    jiangsu, p = rows["Jiangsu platforms"], policies["jiangsu-platform-2024"]
    cells = {k: "".join(v).strip() for k, v in jiangsu["cells"].items()}
    assert cells["Issued by"] == p["issuer"] and cells["Level"] == p["level"] == "provincial"
    assert cells["Issued"] == p["issued"][:4]
    assert jiangsu["attrs"]["data-level"] == "provincial" and jiangsu["attrs"]["data-issuer"] == p["issuer"]
    for title, bid in (("Jiangsu platforms", "jiangsu"), ("National plan", "national")):
        facts = json.loads((front["reports"] / bid / "facts.json").read_text(encoding="utf-8"))
        statuses = [t["status"] for t in facts["targets"].values()]
        row = rows[title]
        assert {s for s in row["attrs"]["data-status"].split("|") if s} == set(statuses)
        assert int(row["attrs"]["data-sort-targets"]) == len(statuses)
        counts = "".join(row["cells"]["Targets by status"]).strip()
        strong = [t["status"] for t in facts["targets"].values() if t["strength"] == "strong"]
        assert counts == (", ".join(f"{statuses.count(s)} {STATUS_TEXT[s]}"
                                    + (f" ({strong.count(s)} on strong evidence)" if s in ("met", "partly", "missed")
                                       else "") for s in STATUSES if s in statuses) or "no targets")
    assert "met" in rows["National plan"]["attrs"]["data-status"]


def test_links_say_what_they_open(front) -> None:
    links = dict(front["links"])
    for bid in ("national", "jiangsu"):
        pdf = front["reports"] / bid / f"{bid}.pdf"
        pages = len(PdfReader(pdf).pages)
        assert links[f"{bid}/{bid}.pdf"] == f"PDF, {pages} page{'s' if pages > 1 else ''}, {size_text(pdf.stat().st_size)}"
        assert links[f"{bid}/{bid}.csv"].startswith("Data as CSV, ")
        assert links[f"{bid}/{bid}.xlsx"].startswith("Data as Excel, ")
        assert links[f"{bid}/{bid}.html"].startswith("Web page, ")
    assert all(name.strip() for name in links.values())


def test_the_whole_data_package_downloads_from_the_front_page(front) -> None:
    zipped = front["reports"] / DATA_PACKAGE
    assert f'href="{DATA_PACKAGE}"' in front["page"]
    with zipfile.ZipFile(zipped) as zf:
        names = zf.namelist()
        assert "industrial-internet-data/datapackage.json" in names
        for name in names:
            assert zf.read(name) == (front["data"] / Path(name).name).read_bytes()
    assert zipped.read_bytes() == package_bytes(front["data"])  # the same data, the same bytes


def test_front_page_allows_only_its_own_script_and_styles(front) -> None:
    import base64
    import hashlib

    page = front["page"]
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    for kind, body in (("script-src", script), ("style-src", style)):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{kind} 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "unsafe" not in policy
    assert page.count("<script") == 1 and "src=" not in page.split("<script", 1)[1].split(">", 1)[0]


# -- source numbers stay put across a series -----------------------------------------------------------


def test_a_new_source_takes_the_next_number_and_old_ones_keep_theirs() -> None:
    c = Citations(kept={"a": 1, "b": 2, "gone": 3})
    assert c.cite("new") == '<a class="cite" href="#source-4">[4]</a>'
    assert c.cite("b").endswith("[2]</a>") and c.cite("new").endswith("[4]</a>")
    assert c.numbers == {"new": 4, "b": 2}  # only what this build cites is listed
    assert c.all_numbers() == {"a": 1, "b": 2, "gone": 3, "new": 4}  # what the next build keeps
    fresh = Citations()
    assert [fresh.cite(s)[-7:] for s in ("x", "y", "x")] == ["[1]</a>", "[2]</a>", "[1]</a>"]


def _numbers(html: str) -> dict[str, int]:
    return {m.group(2): int(m.group(1)) for m in re.finditer(r'<li id="source-(\d+)" value="\d+"><a href="([^"]+)"', html)}


def test_source_numbers_stay_put_when_a_source_is_cited_earlier(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    first_dir.mkdir()
    second_dir.mkdir()

    def build(out: Path, previous: Path | None) -> str:
        b = Briefing(title="t", policies=["ii-plan-2018-2020"], as_of="2026-11-23", data_dir=data,
                     context={"out_dir": str(out), "previous_facts": previous and str(previous)})
        page = "".join(part.markup for part in (
            b.policies_table(), b.targets_table(), b.investments_table(), b.sources()))
        b.save()
        return page

    before = _numbers(build(first_dir, None))
    assert json.loads((first_dir / "source-numbers.json").read_text(encoding="utf-8"))["format"] == 1
    # The policy row now cites another source: fresh numbering would put it first and shift every other.
    rows = list(csv.reader(io.StringIO((data / "policies.csv").read_text(encoding="utf-8"))))
    header = rows[0]
    used = set(before)
    sources = list(csv.DictReader(io.StringIO((data / "sources.csv").read_text(encoding="utf-8"))))
    other = next(s for s in sources if s["url"] and s["url"] not in used and s["url"].startswith("http"))
    for row in rows[1:]:
        if row[0] == "ii-plan-2018-2020":
            row[header.index("source_id")] = other["id"]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (data / "policies.csv").write_text(out.getvalue(), encoding="utf-8")
    after = _numbers(build(second_dir, first_dir / "facts.json"))
    assert after[other["url"]] == max(before.values()) + 1
    assert {url: n for url, n in after.items() if url in before} == {url: n for url, n in before.items() if url in after}
