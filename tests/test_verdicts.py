"""Honest verdicts: strength, disagreeing sources, partly met, restated, projected, derived figures, and the
bad input each of them can meet."""

from __future__ import annotations

import copy
import re
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import load
from analysis.core import derived
from analysis.core.evidence import base_strength, strength_of
from analysis.core.status_rules import Evidence, Restatement, classify, project, without_projection
from analysis.data.validate import check
from analysis.report import Briefing
from analysis.report.briefing import take
from analysis.report.snapshot import compare
from analysis.status import target_status

from .conftest import FIXTURE_DATA

DEADLINE = date(2020, 12, 31)
AFTER = date(2021, 6, 1)


def ev(value: float, refers: date, qualifier: str = "exact", grade: str = "official", match: str = "same",
       oid: str | None = None, cap: str | None = None, derived_: bool = False) -> Evidence:
    return Evidence(oid or f"o-{value}-{refers}", value, qualifier, refers, refers, refers, grade, match, derived_, cap)


# -- strength ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("grade", "match", "is_derived", "expected"), [
    ("official", "same", False, "strong"), ("major-media", "same", False, "strong"),
    ("secondary", "same", False, "fair"), ("weak", "same", False, "weak"),
    ("official", "proxy", False, "fair"), ("official", "partial", False, "fair"),
    ("secondary", "proxy", False, "weak"), ("official", "same", True, "fair"), ("weak", "proxy", True, "weak"),
])
def test_strength_from_grade_match_and_derivation(grade, match, is_derived, expected) -> None:
    assert base_strength(grade, match, is_derived) == expected


def test_a_curated_strength_only_lowers_and_a_dispute_costs_a_step() -> None:
    assert strength_of(ev(1, DEADLINE, cap="weak")) == "weak"
    assert strength_of(ev(1, DEADLINE, grade="weak", cap="strong")) == "weak"  # a cap never raises
    assert strength_of(ev(1, DEADLINE), contested=True) == "fair"


def test_met_carries_the_strength_of_its_figure() -> None:
    a = classify("at-least", 100, None, DEADLINE, [ev(120, date(2020, 6, 30), grade="secondary")], AFTER)
    assert (a.status, a.strength) == ("met", "fair")


def test_the_strongest_figure_decides_not_the_earliest() -> None:
    early_weak = ev(310, date(2020, 3, 31), "more-than", grade="weak", oid="weak")
    late_official = ev(320, date(2020, 12, 31), grade="official", oid="official")
    a = classify("at-least", 300, None, DEADLINE, [early_weak, late_official], AFTER)
    assert (a.status, a.decided_by.outcome_id, a.strength) == ("met", "official", "strong")


# -- disagreement -----------------------------------------------------------------------------------


def test_a_credible_lower_figure_for_the_deadline_disputes_a_floor() -> None:
    """The issue's case: major-media 'more than 350,000' for September beats nothing once an official, exact
    250,000 for the year-end says otherwise."""
    high = ev(350_000, date(2020, 9, 30), "more-than", grade="major-media", oid="press")
    low = ev(250_000, date(2020, 12, 31), grade="official", oid="ministry")
    a = classify("at-least", 300_000, None, DEADLINE, [high, low], AFTER)
    assert a.status == "disputed" and a.strength is None
    assert a.decided_by.outcome_id == "press" and [r.outcome_id for r in a.rivals] == ["ministry"]


def test_a_weaker_or_reconcilable_rival_costs_a_step_and_is_shown() -> None:
    high = ev(350_000, date(2020, 9, 30), "more-than", grade="major-media", oid="press")
    weaker = ev(250_000, date(2020, 9, 22), grade="secondary", oid="fair-site")
    a = classify("at-least", 300_000, None, DEADLINE, [high, weaker], AFTER)
    assert (a.status, a.strength, [r.outcome_id for r in a.rivals]) == ("met", "fair", ["fair-site"])
    # "More than 250,000" from an official page can be true beside "more than 350,000": shown, not disputing.
    bound = ev(250_000, date(2020, 9, 22), "more-than", grade="official", oid="bound")
    b = classify("at-least", 300_000, None, DEADLINE, [high, bound], AFTER)
    assert (b.status, b.strength, [r.outcome_id for r in b.rivals]) == ("met", "fair", ["bound"])


def test_figures_that_agree_or_describe_other_times_are_no_rivals() -> None:
    hit = ev(350, date(2020, 9, 30), grade="official")
    close = ev(330, date(2020, 9, 30), grade="official")  # within 10%
    earlier = ev(100, date(2018, 1, 31), grade="official")  # another time, before
    after_deadline = ev(100, date(2021, 3, 31), grade="official")
    near_measure = ev(100, date(2020, 12, 31), grade="official", match="proxy")
    a = classify("at-least", 300, None, DEADLINE, [hit, close, earlier, after_deadline, near_measure], AFTER)
    assert (a.status, a.rivals, a.strength) == ("met", (), "strong")


# -- partly, missed on the same measure only -----------------------------------------------------------


def test_a_figure_on_part_of_the_measure_makes_partly_never_met() -> None:
    part = ev(38.8, date(2021, 12, 31), grade="major-media", match="partial")
    a = classify("at-least", 30, None, date(2023, 12, 31), [part], date(2024, 6, 1))
    assert (a.status, a.strength) == ("partly", "fair")
    whole = ev(31, date(2023, 12, 31), grade="official")
    assert classify("at-least", 30, None, date(2023, 12, 31), [part, whole], date(2024, 6, 1)).status == "met"


def test_only_the_same_measure_can_settle_a_miss() -> None:
    proxy_short = ev(8000, date(2025, 11, 30), "more-than", match="proxy")
    a = classify("at-least", 10_000, None, date(2025, 12, 31), [proxy_short], date(2026, 6, 1))
    assert a.status == "overdue" and a.latest == proxy_short
    same_short = ev(8000, date(2025, 12, 31), grade="secondary")
    b = classify("at-least", 10_000, None, date(2025, 12, 31), [same_short], date(2026, 6, 1))
    assert (b.status, b.strength) == ("missed", "fair")


# -- restated ---------------------------------------------------------------------------------------


def test_restated_once_the_later_plan_is_issued() -> None:
    later = Restatement("later-goal", date(2024, 12, 30))
    a = classify("at-least", 10_000, None, date(2025, 12, 31), [], date(2026, 6, 1), restated_by=[later])
    assert (a.status, a.restated_by) == ("restated", (later,))
    # Before the later plan existed, it cannot be cited.
    assert classify("at-least", 10_000, None, date(2025, 12, 31), [], date(2024, 6, 1),
                    restated_by=[later]).restated_by == ()
    # A figure settles it first.
    met = classify("at-least", 10_000, None, date(2025, 12, 31), [ev(12_000, date(2025, 6, 30))], date(2026, 6, 1),
                   restated_by=[later])
    assert met.status == "met" and met.restated_by == (later,)


def test_restated_in_the_shipped_data_names_the_later_plan_and_merges_two_goals() -> None:
    status = target_status(load(FIXTURE_DATA), "2026-12-03").set_index("target_id")
    assert status.loc["14fyp-lianghua-2021-platform-penetration", "status"] == "restated"
    assert status.loc["14fyp-lianghua-2021-platform-penetration", "restated_by"] == (
        "platform-hq-2026-2028-platform-penetration")
    # The upgraded 512 plan's 10,000 factories restate two goals of the 2022 guide.
    assert status.loc["5g-factory-guide-2022-enterprises", "restated_by"] == "512-upgrade-2024-5g-factories"
    assert status.loc["5g-factory-guide-2022-classified-factories", "status"] == "met"
    # A later target due sooner is a step towards the goal, not a restatement of it.
    assert "swg-workplan-2023-5g-factory-enterprises" not in str(
        status.loc["5g-factory-guide-2022-enterprises", "restated_by"])


# -- projected ----------------------------------------------------------------------------------------


def test_projection_carries_the_pace_to_the_deadline_and_is_labelled() -> None:
    figures = [ev(52.1, date(2021, 3, 31)), ev(66.2, date(2025, 3, 31))]
    a = classify("at-least", 68, None, date(2025, 12, 31), figures, date(2026, 6, 1), unit="%")
    assert a.status == "projected" and a.strength is None and a.decided_by is None
    pr = a.projection
    assert pr.start_value == 52.1 and pr.end_value == 66.2
    assert pr.value == pytest.approx(66.2 * (1 + pr.rate) ** ((date(2025, 12, 31) - date(2025, 3, 31)).days / 365.25))
    assert pr.reaches is (pr.value >= 68)


def test_no_projection_for_counts_selected_in_batches_or_points_too_close() -> None:
    figures = [ev(10, date(2021, 3, 31)), ev(20, date(2023, 3, 31))]
    assert classify("at-least", 30, None, date(2023, 12, 31), figures, date(2024, 6, 1),
                    unit="platforms").status == "overdue"
    assert project("at-least", 68, None, date(2025, 12, 31), [(date(2025, 1, 31), 60.0), (date(2025, 9, 30), 66.0)]) is None
    assert project("at-least", 99, None, date(2030, 12, 31), [(date(2020, 1, 1), 50.0), (date(2025, 1, 1), 90.0)],
                   unit="%").value == 100.0  # a percentage stops at 100


figure_values = st.floats(min_value=1, max_value=1000, allow_nan=False)
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
evidence = st.builds(ev, figure_values, days,
                     st.sampled_from(["exact", "about", "more-than", "at-least"]),
                     st.sampled_from(["official", "major-media", "secondary", "weak"]),
                     st.sampled_from(["same", "proxy", "partial"]))


@settings(max_examples=300, deadline=None)
@given(figures=st.lists(evidence, max_size=5), goal=figure_values, deadline=days, as_of=days,
       comparator=st.sampled_from(["at-least", "more-than", "at-most", "about"]), unit=st.sampled_from(["%", "devices"]),
       baseline=st.one_of(st.none(), st.tuples(days, figure_values)), restated=st.booleans())
def test_a_projection_never_changes_a_verdict(figures, goal, deadline, as_of, comparator, unit, baseline,
                                              restated) -> None:
    later = [Restatement("later", None)] if restated else []
    on = classify(comparator, goal, None, deadline, figures, as_of, unit=unit, baseline=baseline, restated_by=later)
    off = classify(comparator, goal, None, deadline, figures, as_of, unit=unit, baseline=baseline, restated_by=later,
                   steady=False)
    assert without_projection(on).status == off.status
    assert (on.decided_by, on.strength, on.rivals) == (off.decided_by, off.strength, off.rivals)
    if on.status == "projected":
        assert off.status in ("not-found", "overdue")


# -- derived figures ------------------------------------------------------------------------------------


def test_a_derived_figure_is_computed_never_typed() -> None:
    figures = {"a": derived.Figure(75, "exact", "nodes", "2020-10", "2020-10-29"),
               "b": derived.Figure(25, "exact", "nodes", "2019-11-01", "2020"),
               "c": derived.Figure(55e8, "more-than", "registrations", "2020-08", "2020-08-29"),
               "d": derived.Figure(16e8, "more-than", "registrations", "2019-12-25", "2020")}
    got = derived.resolve(figures, {"x": "a - b", "y": "c - d", "z": "a / b"})
    assert got["x"] == derived.Figure(50, "exact", "nodes", "2020-10", "2020-10-29")
    assert got["y"].qualifier == "about"  # a lower bound taken away: only approximate
    assert (got["z"].value, got["z"].unit) == (3.0, "multiple of baseline")


def test_shipped_derived_figures_settle_the_2020_notice(tmp_path) -> None:
    status = target_status(load(FIXTURE_DATA), "2026-12-03").set_index("target_id")
    nodes = status.loc["notice-accel-2020-secondary-nodes"]
    assert (nodes["status"], nodes["evidence_value"], nodes["strength"]) == ("met", 50.0, "weak")


# -- bad input ----------------------------------------------------------------------------------------


def _edit(data, table: str, row_id: str, **values: str) -> int:
    import csv
    import io

    text = data.path(table).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    fields = list(rows[0])
    line = next(i for i, r in enumerate(rows, start=2) if r["id"] == row_id)
    rows[line - 2].update(values)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data.path(table).write_text(out.getvalue(), encoding="utf-8")
    return line


def _problems(data) -> list[str]:
    return [f"{p.file.split('/')[-1]}:{p.line}:{p.column}: {p.message}" for p in check(data.dir).errors]


@pytest.mark.parametrize(("values", "column", "message"), [
    ({"derived_from": "secondary-nodes-2020-10 - no-such-outcome"}, "derived_from", "'no-such-outcome', which is not"),
    ({"derived_from": "secondary-nodes-added-2020 - secondary-nodes-2019-11"}, "derived_from", "from itself"),
    ({"derived_from": "identifier-registrations-added-2020 - secondary-nodes-2019-11"}, "derived_from",
     "itself a derived figure"),
    ({"derived_from": "secondary-nodes-2020-10 - identifier-registrations-2019-12"}, "derived_from",
     "only figures in the same unit combine"),
    ({"derived_from": "secondary-nodes-2020-10 minus secondary-nodes-2019-11"}, "derived_from", "expected"),
    ({"value": "50"}, "value", "computed from derived_from"),
    ({"match": "roughly"}, "match", "same"),
    ({"strength": "strong"}, "strength", "can only lower it"),
    ({"strength": "solid"}, "strength", "strong"),
])
def test_bad_derived_figures_and_vocabulary_name_file_line_and_column(data, values, column, message) -> None:
    line = _edit(data, "outcomes", "secondary-nodes-added-2020", **values)
    found = [p for p in _problems(data) if p.startswith(f"outcomes.csv:{line}:{column}:")]
    assert found and message in found[0], _problems(data)


def test_match_on_a_row_linked_to_nothing_or_missing_on_a_linked_figure(data) -> None:
    line = _edit(data, "outcomes", "secondary-nodes-2020-10", match="same")
    assert any(p.startswith(f"outcomes.csv:{line}:match:") and "linked to no target" in p for p in _problems(data))
    line = _edit(data, "outcomes", "top-nodes-2020-01", match="")
    assert any(p.startswith(f"outcomes.csv:{line}:match:") and "says how it measures" in p for p in _problems(data))


@pytest.mark.parametrize(("target", "follows", "message"), [
    ("miit-dual-innovation-2017-platform-penetration", "miit-dual-innovation-2017-platform-penetration",
     "cannot follow itself"),
    ("sc-mfg-internet-2016-dual-innovation-platforms", "miit-dual-innovation-2017-platform-penetration",
     "circle"),
    ("512-upgrade-2024-5g-factories", "5g-factory-guide-2022-enterprises 5g-factory-guide-2022-enterprise",
     "did you mean"),
])
def test_restatements_that_point_at_themselves_loop_or_miss(data, target, follows, message) -> None:
    line = _edit(data, "targets", target, follows=follows)
    found = [p for p in _problems(data) if p.startswith(f"targets.csv:{line}:follows:")]
    assert any(message in p.lower() for p in found), _problems(data)


# -- on the page, in the downloads and under "Since" ------------------------------------------------------


@pytest.fixture(scope="module")
def apps() -> Briefing:
    return Briefing(data_dir=FIXTURE_DATA, title="t", policies=["ii-plan-2018-2020", "sc-ii-guideline-2017"],
                    as_of="2026-12-03")


def _text(html: object) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(html)))


def test_both_disagreeing_app_counts_are_shown_and_neither_is_strong(apps: Briefing) -> None:
    status = apps.status.set_index("target_id")
    for target in ("ii-plan-2018-2020-industrial-apps", "sc-ii-guideline-2017-industrial-apps-2020"):
        assert status.loc[target, "status"] == "met" and status.loc[target, "strength"] != "strong"
    page = _text(apps.targets_table())
    assert "more than 350,000 apps" in page and "another source gives more than 250,000 apps" in page
    assert "Interim: below 300,000" in page  # the rival's note reaches the reader


def test_what_is_known_is_one_sentence_and_the_log_is_an_appendix(apps: Briefing) -> None:
    checks = apps.ds.checks
    searched = apps.targets[apps.targets["status"] == "not-found"]["id"]
    looked_for = str(checks[checks["target_id"] == searched.iloc[0]]["looked_for"].iloc[-1])
    table, log = str(apps.targets_table()), str(apps.search_log())
    assert looked_for[:60] not in _text(table) and "no published figure found" in _text(table)
    assert looked_for[:60] in _text(log)


def test_downloads_carry_strength_restatement_projection_and_the_search_log(apps: Briefing) -> None:
    from analysis.report.downloads import tables

    frames = tables(apps.targets, apps.investments, apps.ds.sources, apps.ds.policies, apps.ds.checks)
    t = frames["targets"].set_index("id")
    assert t.loc["ii-plan-2018-2020-industrial-apps", "strength"] == "fair"
    assert t.loc["ii-plan-2018-2020-industrial-apps", "disagreeing_outcome_ids"]
    assert {"restated_by", "projected_value", "projection_reaches", "search_log", "deciding_match"} <= set(t.columns)
    assert len(frames["searches"]) == len(apps.ds.checks[apps.ds.checks["target_id"].isin(set(t.index))])


def test_a_second_source_is_a_new_figure_not_a_revision_and_lineage_changes_are_listed(apps: Briefing) -> None:
    old = take(apps)
    new = copy.deepcopy(old)
    tid = "ii-plan-2018-2020-industrial-apps"
    new["targets"][tid]["latest"] = "250,000 apps (2020-12)"
    new["targets"][tid]["latest_id"] = "a-new-official-figure"
    new["targets"][tid]["restated_by"] = "some-later-target"
    kinds = {c.kind for c in compare(old, new).changes}
    assert kinds == {"figure", "lineage"}
    # An earlier snapshot that did not record these fields is not a change.
    older = copy.deepcopy(old)
    for t in older["targets"].values():
        for key in ("strength", "evidence_id", "latest_id", "rivals", "restated_by"):
            t.pop(key, None)
    assert {c.kind for c in compare(older, old).changes} == set()


def test_key_figures_count_the_new_verdicts_and_their_strength(apps: Briefing) -> None:
    text = apps.headline()
    assert re.search(r"\d+ met \(\d+ on strong evidence\)", text)
    statuses = pd.Series(apps.targets["status"]).value_counts()
    if statuses.get("partly", 0):
        assert "partly met" in text
