"""The reports in a real browser: Debian's chromium, driven by Playwright (no browser download), over a
freshly built reports folder. No page is wider than a 390 px phone; axe-core finds no serious or critical
problem; the contents links jump; the front page sorts and filters; hostile text stays text (no dialog, no
console error, no blocked script).

Where chromium or Playwright is missing, the tests skip with the line that installs them; as root (where
``make setup`` installs chromium itself) a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.paths import REPORTS_DIR

from .conftest import FIXTURE_DATA
from .test_hostile import IMG, SCRIPT

pytestmark = pytest.mark.slow  # one build of every briefing, then a real browser

CHROMIUM = "/usr/bin/chromium"
SHIPPED = len(yaml.safe_load((REPORTS_DIR / "briefings.yml").read_text(encoding="utf-8"))["briefings"])
ROLLUPS = 2  # the portfolio and the 5G briefing gather several policies: listed apart, outside the filters
SINGLES = SHIPPED - ROLLUPS
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE, DESKTOP = 390, 1280


def _browser_missing() -> str | None:
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed: run 'make setup' (it installs playwright and axe-playwright-python)"
    if not Path(CHROMIUM).exists():
        return "chromium is not installed: run 'sudo apt-get install -y chromium' (or 'make setup' as root)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _browser_missing()
    if missing:
        if os.geteuid() == 0:
            pytest.fail(f"{missing}; as root, 'make setup' should have installed it")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """Every briefing of the shipped list, built from the tests' data into a fresh folder (in English; the
    2021-2023 plan's and the 5G briefing in Chinese too)."""
    if _browser_missing() and os.geteuid() != 0:
        pytest.skip(_browser_missing() or "")
    import yaml

    out = tmp_path_factory.mktemp("browser") / "reports"
    # English only, but for the briefings whose Chinese edition the tests read: half the build's time.
    listing = yaml.safe_load((REPORTS_DIR / "briefings.yml").read_text(encoding="utf-8"))
    listing["defaults"]["language"] = "en"
    for entry in listing["briefings"]:
        if entry["id"] in ("ii-plan-2021-2023", "5g"):
            entry["parameters"]["language"] = "both"
    shipped = out.parent / "briefings.yml"
    shipped.write_text(yaml.safe_dump(listing, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "analysis", "build", "--briefings", str(shipped),
                             "--data-dir", str(FIXTURE_DATA), "--reports-dir", str(out)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


class Watched:
    """A page with its dialogs, console errors and uncaught exceptions recorded."""

    def __init__(self, browser: Any, width: int) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.problems: list[str] = []
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri())
        return self.page


OVERFLOW = """() => {
  // What sticks out to the right of the window, as the reader sees it: a box inside an ancestor that clips
  // (overflow hidden, as a visually hidden table header) is measured only as far as that ancestor shows it.
  const width = document.documentElement.clientWidth, wide = [];
  if (document.documentElement.scrollWidth > width) wide.push('page ' + document.documentElement.scrollWidth);
  for (const el of document.querySelectorAll('body *')) {
    let right = el.getBoundingClientRect().right;
    if (!el.getBoundingClientRect().width) continue;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') right = Math.min(right, up.getBoundingClientRect().right);
    }
    if (right > width + 1) wide.push(el.tagName.toLowerCase() + '.' + el.className + ' to ' + Math.round(right));
  }
  return wide.slice(0, 5);
}"""


def _pages(reports: Path) -> list[Path]:
    return [reports / "index.html", reports / "index.zh.html", *sorted(reports.glob("*/*.html"))]


def test_no_page_is_wider_than_a_phone(browser, reports: Path) -> None:
    watched = Watched(browser, PHONE)
    wide = {}
    for path in _pages(reports):
        found = watched.open(path).evaluate(OVERFLOW)
        if found:
            wide[path.name] = found
    assert len(_pages(reports)) > 30
    assert wide == {}, wide
    assert watched.problems == []


WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def _violations(browser: Any, path: Path, width: int) -> list[str]:
    """Every axe-core violation of the WCAG 2.0 to 2.2 A and AA rules and its best practices, any impact."""
    from axe_playwright_python.sync_playwright import Axe

    page = Watched(browser, width).open(path)
    found = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}}).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in found]


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_axe_finds_nothing_against_wcag_2_2(browser, reports: Path, width: int) -> None:
    pages = [reports / "index.html", reports / "overview" / "overview.html",
             reports / "ii-plan-2021-2023" / "ii-plan-2021-2023.html", reports / "swg-workplan-2018" / "swg-workplan-2018.html",
             reports / "5g" / "5g.html", reports / "index.zh.html", reports / "ii-plan-2021-2023" / "ii-plan-2021-2023.zh.html"]
    problems = {p.name: _violations(browser, p, width) for p in pages}
    assert {k: v for k, v in problems.items() if v} == {}


def test_contents_links_jump_to_their_sections(browser, reports: Path) -> None:
    watched = Watched(browser, DESKTOP)
    page = watched.open(reports / "overview" / "overview.html")
    links = page.locator("nav.toc a")
    assert links.count() >= 7  # the portfolio summary: seven sections and the citation
    for i in (links.count() - 1, 2):  # the last section, then one near the top
        link = links.nth(i)
        target = link.get_attribute("href")
        assert target and target.startswith("#")
        link.click()
        page.wait_for_function("h => location.hash === h", arg=target)
        top, bottom = page.evaluate("""id => [document.getElementById(id).getBoundingClientRect().top,
            window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2]""", target[1:])
        # The section's heading is at the top of the window, or near the end of the page, the window has
        # scrolled as far as it goes with the heading in view.
        assert -1 <= top < 60 or (bottom and -1 <= top < 900), (target, top)  # -1: subpixel rounding
        assert page.evaluate("window.scrollY") > 0
    assert watched.problems == []


def _visible_rows(page: Any) -> list[dict[str, str]]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('#briefings tbody tr'))
        .filter(r => !r.hidden).map(r => ({title: r.querySelector('td').innerText.split('\\n')[0],
          level: r.dataset.level, status: r.dataset.status, year: r.dataset.sortYear}))""")


def test_front_page_sorts_and_filters(browser, reports: Path) -> None:
    watched = Watched(browser, DESKTOP)
    page = watched.open(reports / "index.html")
    everything = _visible_rows(page)
    assert len(everything) == SINGLES
    assert page.locator("#rollups tbody tr").count() == ROLLUPS
    page.select_option("select[data-filter=level]", "provincial")
    provincial = _visible_rows(page)
    assert 0 < len(provincial) < len(everything)
    assert all("provincial" in r["level"].split("|") for r in provincial)
    assert page.locator("#shown").inner_text() == f"Showing {len(provincial)} of {SINGLES} briefings by policy."
    page.select_option("select[data-filter=status]", "met")
    both = _visible_rows(page)
    assert all("met" in r["status"].split("|") and "provincial" in r["level"].split("|") for r in both)
    page.click("#reset")
    assert len(_visible_rows(page)) == SINGLES
    page.select_option("select[data-filter=hastargets]", "yes")
    with_targets = _visible_rows(page)
    assert 0 < len(with_targets) < SINGLES and all(r["status"] for r in with_targets)
    page.select_option("select[data-filter=hastargets]", "no")
    assert len(_visible_rows(page)) == SINGLES - len(with_targets)
    assert all(not r["status"] for r in _visible_rows(page))
    page.click("#reset")
    page.get_by_role("button", name="Issued", exact=True).click()
    years = [int(r["year"]) for r in _visible_rows(page) if r["year"]]
    assert years == sorted(years) and years[0] < years[-1]
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Issued")
    page.get_by_role("button", name="Issued", exact=True).click()
    assert [int(r["year"]) for r in _visible_rows(page) if r["year"]] == sorted(years, reverse=True)
    assert watched.problems == []  # the script ran under the page's Content-Security-Policy, nothing blocked


def test_front_page_table_works_without_javascript(browser, reports: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((reports / "index.html").as_uri())
    assert page.locator("#briefings tbody tr").count() + page.locator("#rollups tbody tr").count() == SHIPPED
    assert not page.locator("#controls").is_visible()  # no controls that cannot work
    context.close()


@pytest.fixture(scope="module")
def hostile_reports(hostile_project: dict) -> dict:
    if _browser_missing() and os.geteuid() != 0:
        pytest.skip(_browser_missing() or "")
    assert hostile_project["result"].returncode == 0, hostile_project["result"].stdout + hostile_project["result"].stderr
    return hostile_project


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_hostile_text_stays_text_in_the_browser(browser, hostile_reports: dict, width: int) -> None:
    reports = hostile_reports["root"] / "reports"
    for path in (reports / "b" / "b.html", reports / "index.html"):
        watched = Watched(browser, width)
        page = watched.open(path)
        page.mouse.move(200, 300)
        assert watched.problems == [], (path.name, watched.problems)
        body = page.inner_text("body")
        assert SCRIPT in body or path.name == "index.html"
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("script").count() == (1 if path.name == "index.html" else 0)  # only our own script
        assert page.evaluate(OVERFLOW) == []
    assert IMG in Watched(browser, DESKTOP).open(reports / "b" / "b.html").inner_text("body")


def test_the_overview_is_a_portfolio_summary_of_a_few_pages(reports: Path) -> None:
    """Every target on paper under its policy, each policy linked to its own briefing, in about a page per
    12 targets (24 to 28 pages for 94 targets before: the targets lived only in chart tooltips; 9 when page 1
    named the targets met and goals were written in words; 15 for 173 targets)."""
    from pypdf import PdfReader

    from analysis.data.loading import load

    reader = PdfReader(reports / "overview" / "overview.pdf")
    assert len(reader.pages) <= 2 + len(load(FIXTURE_DATA).targets) / 12
    def plain(text: str) -> str:  # a word hyphenated at a line's end reads whole
        return "".join(text.split()).replace("\xad", "").replace("-", "").replace("\u2010", "")

    text = plain("".join(page.extract_text() for page in reader.pages))
    ds = load(FIXTURE_DATA)
    missing = [m for m in ds.targets["metric"] if plain(str(m)) not in text]
    assert missing == []
    links = {a.get_object()["/A"].get("/URI") for page in reader.pages for a in page.get("/Annots", [])
             if a.get_object().get("/A", {}).get("/URI")}
    assert "../ii-plan-2021-2023/ii-plan-2021-2023.pdf" in links
    html = (reports / "overview" / "overview.html").read_text(encoding="utf-8")
    assert 'href="../ii-plan-2021-2023/ii-plan-2021-2023.html"' in html


TEXT_SIZES = """() => {
  const sizes = {};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const chars = n.textContent.replace(/\\s+/g, '').length;
    const el = n.parentElement;
    if (!chars || el.closest('[hidden]') || !el.getClientRects().length || el.closest('title')) continue;
    let px = parseFloat(getComputedStyle(el).fontSize);
    if (el.closest('svg')) {  // a chart's text as drawn: its size times the chart's scale on the screen
      const m = el.getScreenCTM();
      if (!m) continue;
      px *= Math.hypot(m.a, m.b);
    }
    px = Math.round(px);
    sizes[px] = (sizes[px] || 0) + chars;
  }
  const body = parseFloat(getComputedStyle(document.querySelector('main > p')).fontSize);
  return {sizes, body};
}"""


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_screen_type_is_sized_for_a_screen(browser, reports: Path, width: int) -> None:
    """Body text 16 px, nothing under 14 px (tables, notes, grades, badges, and the charts' own text), on a
    desktop and on a phone: the print sizes apply to print only, and a phone gets charts drawn for it."""
    watched = Watched(browser, width)
    for path in (reports / "ii-plan-2021-2023" / "ii-plan-2021-2023.html", reports / "overview" / "overview.html",
                 reports / "ii-plan-2021-2023" / "ii-plan-2021-2023.zh.html"):
        found = watched.open(path).evaluate(TEXT_SIZES)
        assert found["body"] >= 16, path.name
        small = {px: n for px, n in found["sizes"].items() if int(px) < 14}
        assert small == {}, (path.name, small)


def test_front_page_sorts_unknown_dates_last_and_filters_single_policies(browser, reports: Path) -> None:
    page = Watched(browser, DESKTOP).open(reports / "index.html")
    for column in ("Issued", "Period"):
        button = page.get_by_role("button", name=column, exact=True)
        for _ in range(2):  # ascending, then descending: the rows without a date stay at the end
            button.click()
            keys = page.eval_on_selector_all(
                "#briefings tbody tr", f"rows => rows.map(r => r.getAttribute('data-sort-{'year' if column == 'Issued' else 'end'}'))")
            known = [k for k in keys if k]
            assert keys[:len(known)] == known, (column, keys)
    page.select_option("select[data-filter='level']", "municipal")
    visible = page.eval_on_selector_all("#briefings tbody tr:not([hidden])", "rows => rows.map(r => r.getAttribute('data-level'))")
    assert visible and all(levels == "municipal" for levels in visible), visible
    assert page.locator("#rollups tbody tr:not([hidden])").count() == ROLLUPS  # outside the filters
    cells = page.eval_on_selector_all("#briefings tbody tr td[data-label=Issued]", "cells => cells.map(c => c.innerText)")
    assert "" not in cells  # an unknown date reads "not stated"


def test_front_page_sorts_on_a_phone_from_a_menu(browser, reports: Path) -> None:
    """On a phone the table's headings are not shown (each cell says its column): a menu sorts instead, and
    no heading button is left focusable while invisible."""
    page = Watched(browser, PHONE).open(reports / "index.html")
    assert not page.locator("#briefings thead").is_visible()
    page.select_option("#sort", "year:descending")
    years = [int(r["year"]) for r in _visible_rows(page) if r["year"]]
    assert years == sorted(years, reverse=True) and years[0] > years[-1]
    keys = [r["year"] for r in _visible_rows(page)]
    assert keys[:len(years)] == [str(y) for y in years]  # undated last
    page.select_option("#sort", "targets:descending")
    counts = page.eval_on_selector_all("#briefings tbody tr", "rows => rows.map(r => Number(r.dataset.sortTargets))")
    assert counts == sorted(counts, reverse=True)
    page.select_option("#sort", "")
    order = page.eval_on_selector_all("#briefings tbody tr", "rows => rows.map(r => Number(r.dataset.order))")
    assert order == sorted(order)
    assert page.evaluate(FOCUSABLE_BUT_INVISIBLE) == []


FOCUSABLE_BUT_INVISIBLE = """() => {
  // Tab through the page: every control that takes the focus is on screen and at least 24 px tall or wide
  // on both sides (a link inside a sentence aside, as WCAG 2.2 allows).
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, select, summary, [tabindex]')) {
    if (el.closest('[hidden]') || !el.getClientRects().length) continue;  // not rendered: not focusable
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) out.push('invisible ' + el.outerHTML.slice(0, 80));
  }
  return out;
}"""

SMALL_TARGETS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, select, summary')) {
    if (el.closest('[hidden]') || !el.getClientRects().length) continue;
    // In running text, or a line of a list (axe checks their spacing), a link may be smaller.
    const inText = 'p, ol.sources, li.note, td .note, .cite-this, figcaption, .findings, .commentary';
    if (el.closest(inText) && !el.closest('nav, .files, .page-links')) continue;
    if (el.matches('a.cite')) continue;  // a citation mark inside a sentence
    const r = el.getBoundingClientRect();
    if (r.height < 23.5) out.push(Math.round(r.height) + 'px ' + el.outerHTML.slice(0, 90));
  }
  return out.slice(0, 8);
}"""


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_controls_are_big_enough_to_hit(browser, reports: Path, width: int) -> None:
    """WCAG 2.2 target size: links that stand alone (contents, files, page links) and every control are at
    least 24 px tall; nothing focusable is invisible."""
    for path in (reports / "index.html", reports / "ii-plan-2021-2023" / "ii-plan-2021-2023.html"):
        page = Watched(browser, width).open(path)
        assert page.evaluate(SMALL_TARGETS) == [], path.name
        assert page.evaluate(FOCUSABLE_BUT_INVISIBLE) == [], path.name


def test_every_chart_mark_is_reachable_without_a_mouse(browser, reports: Path) -> None:
    """What a mouse finds by hovering over a chart's marks is listed under the chart, one line per mark, in
    a disclosure a keyboard opens (Tab to it, Enter)."""
    page = Watched(browser, PHONE).open(reports / "ii-plan-2021-2023" / "ii-plan-2021-2023.html")
    charts = page.locator("figure.chart")
    assert charts.count() >= 2
    for i in range(charts.count()):
        chart = charts.nth(i)
        tips = chart.evaluate("f => Array.from(f.querySelectorAll('svg.chart:not([id$=-phone]) [id] > title')).length")
        rows = chart.locator("details.chart-marks tbody tr").count()
        assert tips and rows == tips, (i, tips, rows)
    summary = charts.first.locator("details.chart-marks summary")
    summary.focus()
    page.keyboard.press("Enter")
    marks = charts.first.locator("details.chart-marks")
    assert marks.evaluate("d => d.open")
    table = marks.locator("table").first
    assert table.locator("caption").inner_text().startswith("Targets (")
    headers = table.locator("th[scope=col]").all_inner_texts()
    assert headers == ["Target", "Goal", "Due", "Status", "Latest figure"]
    assert "met" in table.locator("tbody").inner_text()


CHART_TEXT = """() => {
  // Each chart the reader sees: its smallest text in CSS px, and whether any of it is cut off or scrolls.
  const out = [];
  for (const svg of document.querySelectorAll('figure.chart svg.chart')) {
    const box = svg.getBoundingClientRect();
    if (!box.width) continue;
    let min = 1e9;
    for (const t of svg.querySelectorAll('text')) {
      const m = t.getScreenCTM();
      if (m && t.textContent.trim()) min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b));
    }
    const frame = svg.closest('.chart-frame');
    out.push({id: svg.id, min: Math.round(min * 10) / 10, cut: box.right > document.documentElement.clientWidth + 1
              || frame.scrollWidth > frame.clientWidth + 1});
  }
  return out;
}"""


@pytest.mark.parametrize("width", [DESKTOP, 768, PHONE])
def test_chart_text_is_at_least_12_px_and_no_chart_is_cut(browser, reports: Path, width: int) -> None:
    """A narrow screen gets the chart drawn for it (labels over the lanes), not the paper chart shrunk or
    scrolled: every chart's text at least 12 px, nothing cut, on a desktop, a tablet and a phone."""
    for path in (reports / "ii-plan-2021-2023" / "ii-plan-2021-2023.html", reports / "overview" / "overview.html"):
        found = Watched(browser, width).open(path).evaluate(CHART_TEXT)
        assert len(found) >= 2, path.name
        assert [c for c in found if c["min"] < 12 or c["cut"]] == [], (path.name, width)
        assert all(c["id"].endswith("-phone") == (width < 896) for c in found), found
