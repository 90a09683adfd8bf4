"""The reader's side of the charts: inline SVG with real text, a tooltip on each marker (escaped), a caption
with counts, a lane per target for one policy, the far-deadline column, the progress chart's sources, the
same latest figure in table and chart, and status text colours readable against their background."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from analysis import load
from analysis.report import Briefing
from analysis.report import timeline as tl
from analysis.report.style import LANE, STATUS_TEXT_COLOUR
from analysis.report.svg import inline_svg
from analysis.status import figure_time, target_status

from .conftest import FIXTURE_DATA

AS_OF = "2026-11-29"
NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def one() -> Briefing:
    return Briefing(title="t", policies=["ii-plan-2021-2023"], as_of=AS_OF, data_dir=FIXTURE_DATA)


@pytest.fixture(scope="module")
def everything() -> Briefing:
    return Briefing(title="t", policies="all", as_of=AS_OF, data_dir=FIXTURE_DATA)


def _svgs(html: str, phone: bool = False) -> list[ET.Element]:
    """The charts drawn for paper and a desktop (with ``phone``, also those drawn for a narrow screen)."""
    found = [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.S)]
    return [s for s in found if phone or not s.get("id", "").endswith("-phone")]


def test_charts_are_inline_svg_with_text_a_name_and_a_caption(one: Briefing) -> None:
    html = one.timeline()._repr_mimebundle_()["text/html"]
    assert "<img" not in html and "data:image" not in html
    assert html.startswith('<figure class="chart"><div class="chart-frame has-phone"><svg') and "<figcaption" in html
    (svg,) = _svgs(html)
    (phone,) = [s for s in _svgs(html, phone=True) if s.get("id") == "chart-timeline-phone"]
    assert phone.get("aria-labelledby") == "chart-timeline-phone-title chart-timeline-caption"
    assert float(phone.get("width", "0pt")[:-2]) < float(svg.get("width", "0pt")[:-2]) * 0.7  # drawn narrower
    assert svg.get("role") == "img"
    title_id, caption_id = svg.get("aria-labelledby", "").split()
    assert svg.find(f"{NS}title").get("id") == title_id  # the chart's name, first child
    assert f'<figcaption id="{caption_id}">' in html
    texts = ["".join(t.itertext()) for t in svg.iter(f"{NS}text")]
    assert any("by deadline and status" in t for t in texts)  # text stays text, not glyph outlines
    ids = [el.get("id") for el in svg.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) and all(i.startswith("chart-timeline") for i in ids)


def test_charts_are_slim_for_the_pdf_renderer(everything: Briefing) -> None:
    """matplotlib's wrappers and style attributes are gone (a renderer parses each style attribute as a
    style sheet), while what is pointed at keeps its id: clip paths, markers, tooltips."""
    for svg in _svgs(str(everything.progress_chart())) + _svgs(str(everything.timeline())):
        ids = {el.get("id") for el in svg.iter() if el.get("id")}
        text = ET.tostring(svg, encoding="unicode")
        pointed = set(re.findall(r"url\(#([^)]+)\)", text)) | set(re.findall(r'href="#([^"]+)"', text))
        assert pointed and pointed <= ids  # every reference still resolves
        assert not [el for el in svg.iter() if el.get("style")]  # all presentation attributes now
        bare = [el for el in svg.iter(f"{NS}g") if set(el.attrib) <= {"id"} and el.find(f"{NS}title") is None]
        assert bare == []
        assert svg.find(f"{NS}defs/{NS}style") is None and svg.get("stroke-linecap") == "butt"
        assert any(el.get("fill") for el in svg.iter(f"{NS}path"))


def test_a_lane_and_a_tooltip_per_target(one: Briefing) -> None:
    targets = one.targets
    (svg,) = _svgs(str(one.timeline()))
    tips = [el for el in svg.iter() if (el.get("id") or "").startswith("chart-timeline-tip-")]
    markers = [el for el in tips if el.find(f"{NS}title") is not None and "Status:" in el.find(f"{NS}title").text]
    assert len(markers) == len(targets)
    first = markers[0].find(f"{NS}title").text
    assert first.startswith(str(targets.iloc[0]["description_en"])) and "due 2023" in first
    # One lane per target: a y tick label per target, each a wrapped description.
    fig = tl.timeline(one.ds, one.status, one.as_of, policies=one.policy_ids, per_target=True)
    labels = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == len(targets) and labels[0] == str(targets.iloc[0]["description_en"])
    figures = [el for el in tips if "Status:" not in (el.find(f"{NS}title").text or "")]
    linked = one.ds.outcomes.dropna(subset=["target_id", "value"])
    assert len(figures) == linked["target_id"].isin(targets["id"]).sum()  # each reported figure a dot


def test_tooltips_and_names_are_escaped() -> None:
    import matplotlib.pyplot as plt

    from analysis.report.svg import tooltip

    fig, ax = plt.subplots()
    (dot,) = ax.plot([1], [1], marker="o")
    hostile = '<script>alert("x")</script> & "quotes" \u202e\x01'
    gid = tooltip(dot, hostile)
    svg = _save(fig)
    out = inline_svg(svg, "c", hostile, {gid: hostile})
    assert "<script" not in out and "&lt;script&gt;" in out and "\u202e" not in out and "\x01" not in out
    root = ET.fromstring(out)
    assert root.find(f"{NS}title").text == '<script>alert("x")</script> & "quotes" '
    (el,) = [e for e in root.iter() if e.get("id") == f"c-{gid}"]
    assert el[0].tag == f"{NS}title" and el[0].text.startswith("<script>")


def _save(fig) -> str:
    import io

    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "t"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def test_far_deadlines_sit_in_their_own_column_and_the_near_years_get_most_of_the_width() -> None:
    axis = tl.year_axis([pd.Timestamp("2015-05-08"), pd.Timestamp("2028-12-31"), pd.Timestamp("2050-12-31"),
                         pd.Timestamp("2035-12-31")], date(2026, 11, 29), undated=True)
    assert axis.far_years == (2035, 2050)
    assert axis.main_share() > 0.6  # 2015-2028 take most of the width
    x2050, x2035, x2028 = axis.x(date(2050, 12, 31)), axis.x(date(2035, 12, 31)), axis.x(date(2028, 12, 31))
    assert x2028 < axis.far_start < x2035 < x2050 < axis.undated_x < axis.right
    assert x2050 - x2035 < 3  # 15 years in a slot or two, not 15 units
    ticks, labels = axis.ticks()
    assert labels[-3:] == ["2035", "2050", "no date"]
    assert ticks[labels.index("2050")] == pytest.approx(x2050)
    assert tl.year_axis([pd.Timestamp("2023-12-31")], date(2026, 11, 29)).far_years == ()


def test_the_overview_timeline_is_split_with_names_of_at_most_two_lines(everything: Briefing) -> None:
    html = str(everything.timeline())
    svgs = _svgs(html)
    assert len(svgs) > 1
    runs = tl.groups(everything.policies)
    assert sum(len(r) for r in runs) == len(everything.policies)
    assert all(len(r) <= tl.MAX_LANES for r in runs)
    text = "".join("".join("".join(t.itertext()) for t in s.iter(f"{NS}text")) for s in svgs)
    text = "".join(text.split())
    labels = [tl.policy_label(str(t), None, "en", tl.POLICY_LINES) for t in everything.policies["title_en"]]
    for title, label in zip(everything.policies["title_en"], labels, strict=True):
        assert label.count("\n") < tl.POLICY_LINES  # so that a chart of 18 lanes fits an A4 page
        shown = "".join(label.split())
        assert shown in text, title
        # In full, or its first two lines cut with "…" (the table of policies names it whole).
        assert shown == "".join(str(title).split()) or (shown.endswith("…") and "".join(str(title).split()).startswith(shown[:-1]))
    assert any(label.endswith("…") for label in labels) and any("…" not in label for label in labels)


def test_summary_sentence_counts(one: Briefing) -> None:
    counts = one.targets["status"].value_counts()
    text = tl.summary(one.ds, one.status, one.policy_ids)
    assert text.startswith(f"Timeline of 1 policy issued 2021 with {len(one.targets)} targets: ")
    assert f"{counts['met']} met" in text and f"{counts['not-found']} no result found" in text
    assert text in str(one.timeline())


def test_progress_chart_cites_the_sources_of_its_figures(one: Briefing) -> None:
    html = str(one.progress_chart())
    cited = re.findall(r'href="#source-(\d+)"', html.split("Figures from:")[1])
    plotted = one.ds.outcomes.dropna(subset=["target_id", "value"])
    plotted = plotted[plotted["target_id"].isin(one.targets["id"])]
    expected = {one.citations.numbers[s] for o in plotted.itertuples()
                for s in one.row_sources("outcomes", o.id, o.source_id)}
    assert {int(n) for n in cited} == expected and len(cited) == len(expected)


def test_table_and_chart_agree_on_the_latest_figure(everything: Briefing) -> None:
    """The chart places each figure where the status rules do, so the last point is the table's latest."""
    from analysis.report import charts

    ds, status = everything.ds, everything.status.set_index("target_id")
    fig = charts.progress(ds, everything.status)
    drawn = charts.progress_targets(ds)
    outcomes = ds.outcomes.dropna(subset=["target_id", "value"])
    for ax, t in zip([a for a in fig.axes if a.get_visible()], drawn.itertuples(), strict=True):
        latest = ds.outcomes.set_index("id").loc[status.at[t.id, "latest_id"]]
        dots = [(float(line.get_xdata()[0]), float(line.get_ydata()[0])) for line in ax.lines
                if str(line.get_gid()).startswith("tip-")]
        assert max(dots)[1] == latest["value"], t.id  # the rightmost point is the latest figure
        (label,) = [c for c in ax.texts if c.get_gid() == "latest"]
        assert label.xy[1] == latest["value"]
        assert len(dots) == (outcomes["target_id"] == t.id).sum()
    # The case that disagreed: a year-long figure (2020) after a September one stands for the end of 2020.
    o = ds.outcomes.set_index("id", drop=False)
    assert figure_time(o.loc["industrial-apps-2020-12-guideline"]) == date(2020, 12, 31)
    assert status.at["sc-ii-guideline-2017-industrial-apps-2020", "latest_id"] == "industrial-apps-2020-12-guideline"


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("background", ["#ffffff", LANE])
def test_status_text_colours_read_at_4_5_to_1(background: str) -> None:
    for status, colour in STATUS_TEXT_COLOUR.items():
        assert _contrast(colour, background) >= 4.5, (status, colour, background)
    assert _contrast("#E69F00", "#ffffff") < 4.5  # the marker hue itself would not do for text


def test_progress_status_lines_use_the_text_colours(everything: Briefing) -> None:
    from matplotlib.colors import to_hex

    from analysis.report import charts

    fig = charts.progress(everything.ds, everything.status)
    lines = [t for ax in fig.axes for t in ax.texts if t.get_gid() == "status-line"]
    assert lines and all(_contrast(to_hex(t.get_color()), "#ffffff") >= 4.5 for t in lines)


def test_status_of_fixture_is_what_the_tests_expect() -> None:
    st = target_status(load(FIXTURE_DATA), AS_OF)
    assert (st["status"] == "not-found").any() and (st["status"] == "met").any()
