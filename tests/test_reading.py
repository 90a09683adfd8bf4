"""What a reader reads: goals in words, curators' notes without ids, Chinese tagged by its script, the
verdict naming its targets, the overview's finder by status, a citation in a standard style, downloads
whose numbers are numbers, and each chart's marks as tables."""

from __future__ import annotations

import copy
import json
from datetime import date

import pandas as pd
import pytest

from analysis.report import Briefing
from analysis.report.briefing import take
from analysis.report.downloads import whole_numbers
from analysis.report.exporters import citation
from analysis.report.fragments import mark_tables
from analysis.report.key_figures import NAMED, verdicts
from analysis.report.snapshot import compare
from analysis.report.text import esc, goal_text, han_lang, reader_note

from .conftest import FIXTURE_DATA

PLAN = "ii-plan-2021-2023"


def _target(comparator: str, value: float | None, unit: str, top: float | None = None) -> dict:
    return {"comparator": comparator, "target_value": value, "target_max": top, "unit": unit}


@pytest.mark.parametrize(("target", "words"), [
    (_target("at-least", 10000, "factories"), "at least 10,000 factories"),
    (_target("more-than", 300000, "apps"), "more than 300,000 apps"),
    (_target("at-least", 20, "% increase"), "at least a 20% increase"),
    (_target("at-least", 80, "%"), "at least 80%"),
    (_target("at-least", 2, "multiple of baseline"), "at least 2 times the baseline"),
    (_target("range", 1, "enterprises", 2), "1 to 2 enterprises"),
    (_target("equal", 41, "categories"), "41 categories"),
    (_target("at-least", 150e9, "CNY"), "at least CNY 150 billion"),
    (_target("qualitative", None, ""), "qualitative"),
])
def test_goals_read_as_the_policy_writes_them(target: dict, words: str) -> None:
    assert goal_text(target) == words


def test_a_curators_note_names_rows_in_words() -> None:
    names = {"notice-accel-2020-platform-connections": 'the target "Equipment connections per key platform"'}
    note = ("A total, so it does not measure notice-accel-2020-platform-connections. "
            "The figure as printed was not captured in the research notes.")
    assert reader_note(note, names) == 'A total, so it does not measure the target "Equipment connections per key platform".'
    # An id nobody knows, a web address and a date stay as written.
    assert reader_note("See http://a.cn/x-y-z.html and 2020-12-31; other-row-id.", names) == (
        "See http://a.cn/x-y-z.html and 2020-12-31; other-row-id.")


@pytest.mark.parametrize(("run", "lang"), [("工业互联网平台", "zh-Hans"), ("工業互聯網平臺", "zh-Hant"),
                                           ("30万個", "ja"), ("工場を建設", "ja"), ("5G全连接工厂", "zh-Hans")])
def test_chinese_is_tagged_by_its_script(run: str, lang: str) -> None:
    assert han_lang(run) == lang
    assert f'lang="{lang}"' in esc(run)


@pytest.fixture(scope="module")
def plan() -> Briefing:
    return Briefing(data_dir=FIXTURE_DATA, title="t", policies=[PLAN], as_of="2026-11-23")


def test_the_verdict_names_the_targets_met_and_partly_met(plan: Briefing) -> None:
    lines = dict(verdicts(plan.targets))
    met = plan.targets[plan.targets["status"] == "met"]
    assert set(lines) >= {"Met", "Partly met"} and len(met)
    for name in met["metric"].head(NAMED):
        assert name in lines["Met"]
    assert "against at least" in lines["Met"]  # the deciding figure against the goal, in words
    assert "Met:" in str(plan.key_figures())


def test_a_long_verdict_counts_what_it_does_not_name() -> None:
    everything = Briefing(data_dir=FIXTURE_DATA, title="t", policies="all", as_of="2026-11-23")
    met = int((everything.targets["status"] == "met").sum())
    assert met > NAMED
    assert dict(verdicts(everything.targets))["Met"].endswith(f"; and {met - NAMED} more.")
    assert dict(verdicts(everything.targets, 2))["Met"].endswith(f"; and {met - 2} more.")


def test_the_overview_finds_every_target_by_its_status() -> None:
    from analysis.report.overview import _by_status, all_targets

    everything = Briefing(data_dir=FIXTURE_DATA, title="t", policies="all", as_of="2026-11-23")
    groups = _by_status(everything)
    assert sum(len(g["targets"]) for g in groups) == len(everything.targets)
    found = max(groups, key=lambda g: len(g["targets"]))  # the biggest group: no result found, or not yet searched
    assert len(found["targets"]) == int((everything.targets["status"] == found["status"]).sum())
    assert all(t["title"] for t in found["targets"])
    html = str(all_targets(everything))
    assert 'class="by-status screen-only"' in html and "<details>" in html


def test_a_goal_reworded_by_a_new_format_is_not_a_revision(plan: Briefing) -> None:
    new = take(plan)
    old = copy.deepcopy(new)
    old["format"] = 1
    target = next(iter(old["targets"]))
    old["targets"][target]["goal"] = "≥ 30 factories"  # how format 1 wrote it
    assert [c for c in compare(old, new).changes if c.field == "goal"] == []
    old["format"] = 2  # the same wording change between two snapshots of one format is a revision
    assert [c.id for c in compare(old, new).changes if c.field == "goal"] == [target]


def test_the_citation_is_apa_with_bibtex_and_csl_json() -> None:
    meta = {"title": "A plan & its goals", "as_of": "2026-12-03", "data_version": "1.0.0+abcd1234", "edition": "",
            "id": "plan", "base_url": "https://tracker.example.org/reports/"}
    c = citation(meta)
    assert c["apa"] == ("Industrial Internet Policy Tracker. (2026, December 3). A plan & its goals [Briefing; status "
                        "as of 2026-12-03; data version 1.0.0, rows abcd1234]. "
                        "https://tracker.example.org/reports/plan/plan.html")
    assert "title = {A plan \\& its goals}" in c["bibtex"] and c["bibtex"].startswith("@misc{iipt-plan-2026-12-03,")
    (csl,) = json.loads(c["csl"])
    assert csl["URL"].endswith("/plan/plan.html") and csl["issued"] == {"date-parts": [[2026, 12, 3]]}
    assert citation({**meta, "base_url": ""})["url"] == ""  # unpublished: no address invented


def test_downloads_write_whole_numbers_as_whole_numbers() -> None:
    frame = pd.DataFrame({"count": [30.0, None, 120.0], "share": [0.5, None, 1.0], "text": ["a", "b", "c"]})
    out = whole_numbers(frame)
    assert out.to_csv(index=False).splitlines()[1:] == ["30,0.5,a", ",,b", "120,1.0,c"]


def test_a_charts_marks_become_one_table_per_kind_targets_first() -> None:
    rows = [{"Target": "a", "Reported figure": "1", "When": "2021"},
            {"Target": "a", "Goal": "at least 2", "Due": "2023", "Status": "met", "Latest figure": "3"},
            {"Target": "b", "Reported figure": "2", "When": "2022"}]
    tables = mark_tables(rows)
    assert [(caption, len(body)) for caption, _, body in tables] == [("Targets", 1), ("Reported figures", 2)]
    assert tables[0][1] == ["Target", "Goal", "Due", "Status", "Latest figure"]


def test_the_phone_chart_is_drawn_narrower_with_larger_type() -> None:
    from analysis.report import timeline as tl
    from analysis.report.chart_layout import PAGE, PHONE

    b = Briefing(data_dir=FIXTURE_DATA, title="t", policies=[PLAN], as_of=date(2026, 11, 23))
    wide = tl.timeline(b.ds, b.status, b.as_of, policies=[PLAN], per_target=True, layout=PAGE)
    narrow = tl.timeline(b.ds, b.status, b.as_of, policies=[PLAN], per_target=True, layout=PHONE)
    # Type in points per inch of width: what decides its size once the chart fills a screen's width.
    assert PHONE.text / narrow.get_figwidth() > 2.5 * PAGE.text / wide.get_figwidth()
    sizes = {t.get_fontsize() for t in narrow.findobj(lambda a: hasattr(a, "get_fontsize") and a.get_text().strip())
             if hasattr(t, "get_text")}
    assert min(sizes) >= PHONE.text
