"""The evidence layer: latest figures, trends, claims, checks, lineage and the as-of cut, at their boundaries."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis import load
from analysis.core.status_rules import NEEDS_ACCELERATION, ON_TRACK, Check, Claim, Evidence, classify, trend_of
from analysis.data.validate import check
from analysis.paths import DATA_DIR
from analysis.status import target_status

from .conftest import FIXTURE_DATA

D = date(2023, 12, 31)
LATER = date(2024, 6, 1)


def ev(value: float, refers: date, reported: date | None = None, qualifier: str = "exact", oid: str = "o") -> Evidence:
    return Evidence(oid, value, qualifier, refers, refers, reported or refers)


# -- floor or exact ---------------------------------------------------------------------------------


def test_build_n_is_a_floor_only_when_curated_at_least() -> None:
    listed = [ev(300, D, oid="list")]
    assert classify("at-least", 30, None, D, listed, LATER).status == "met"
    # Curated as an exact number, 300 against 30 does not meet it: after the deadline it is missed.
    assert classify("equal", 30, None, D, listed, LATER).status == "missed"
    assert classify("about", 5, None, D, [ev(32, D)], LATER).status == "missed"


def test_shipped_equal_targets_are_not_floors(tmp_path) -> None:
    """A target printed with a floor word (以上, 不少于, 至少, 超过) is not curated as an exact number."""
    ds = load(DATA_DIR)
    floors = ("以上", "不少于", "至少", "超过", "more than", "at least", "no less than")
    exact = ds.targets[ds.targets["comparator"].isin(["equal", "about"])]
    bad = [t.id for t in exact.itertuples() if isinstance(t.as_printed, str) and any(w in t.as_printed for w in floors)]
    assert bad == []


# -- latest figure and share of the goal ------------------------------------------------------------


def test_latest_figure_of_an_unsettled_target() -> None:
    early, later = ev(70, date(2017, 12, 31), oid="a"), ev(71.5, date(2018, 5, 31), oid="b")
    a = classify("at-least", 80, None, date(2018, 12, 31), [later, early], date(2019, 6, 1))
    assert (a.status, a.decided_by, a.latest) == ("overdue", None, later)
    # Reported after the status date: not yet known.
    late = ev(90, date(2019, 12, 31), reported=date(2020, 3, 1), oid="c")
    assert classify("at-least", 80, None, date(2018, 12, 31), [early, late], date(2019, 6, 1)).latest == early


def test_missed_share_of_goal(data) -> None:
    data.append("outcomes", "test-short,ii-plan-2018-2020-cloud-enterprises,ii-plan-2018-2020,Industrial "
                "enterprises on cloud platforms,exact,240000,enterprises,2020,2021-01-10,national,"
                "zjgyzk-2018-2020-plan-fulltext,24万,,same,,")
    ds = load(data.dir)
    ds = ds.__class__(**{**ds.__dict__, "outcomes": ds.outcomes[ds.outcomes["target_id"].ne(
        "ii-plan-2018-2020-cloud-enterprises") | ds.outcomes["id"].eq("test-short")].reset_index(drop=True)})
    row = target_status(ds, "2021-06-01").set_index("target_id").loc["ii-plan-2018-2020-cloud-enterprises"]
    assert row["status"] == "missed"
    assert row["share_of_goal"] == pytest.approx(0.8)


# -- trend ------------------------------------------------------------------------------------------


def _trend_at(ratio: float):
    """A trend whose observed rate is ``ratio`` times the needed one, over whole years."""
    start, end, deadline = date(2020, 1, 1), date(2022, 1, 1), date(2025, 1, 1)
    years_obs, years_need = (end - start).days / 365.25, (deadline - start).days / 365.25
    needed = (200 / 100) ** (1 / years_need) - 1
    v1 = 100 * (1 + needed * ratio) ** years_obs
    return trend_of(200, deadline, [(start, 100), (end, v1)])


@pytest.mark.parametrize(("ratio", "expected"), [
    (1.5, "on-track"), (ON_TRACK, "on-track"), (ON_TRACK - 0.001, "needs-acceleration"),
    (NEEDS_ACCELERATION, "needs-acceleration"), (NEEDS_ACCELERATION - 0.001, "off-track"), (0, "off-track"),
    (-0.2, "moving-away"),
])
def test_trend_thresholds(ratio: float, expected: str) -> None:
    t = _trend_at(ratio)
    assert t is not None and t.trend == expected
    assert t.ratio == pytest.approx(ratio, abs=1e-9)


def test_trend_needs_two_points_and_room_to_grow() -> None:
    assert trend_of(200, date(2025, 1, 1), [(date(2020, 1, 1), 100)]) is None
    assert trend_of(200, date(2025, 1, 1), [(date(2020, 1, 1), 0), (date(2021, 1, 1), 50)]) is None
    assert trend_of(100, date(2025, 1, 1), [(date(2020, 1, 1), 100), (date(2021, 1, 1), 120)]) is None
    assert trend_of(200, None, [(date(2020, 1, 1), 100), (date(2021, 1, 1), 120)]) is None


def test_trend_for_open_targets_only_from_baseline_and_figures() -> None:
    figures = [ev(150, date(2022, 12, 31))]
    a = classify("at-least", 200, None, date(2025, 12, 31), figures, date(2023, 6, 1),
                 baseline=(date(2020, 12, 31), 100.0))
    assert a.status == "upcoming" and a.trend is not None
    assert (a.trend.start_value, a.trend.end_value) == (100.0, 150.0)
    assert a.trend.trend == "on-track"  # 22% a year observed against 14.9% needed
    # A target stated as a change has no level to grow: no trend.
    assert classify("at-least", 20, None, date(2025, 12, 31), figures, date(2023, 6, 1), unit="% increase",
                    baseline=(date(2020, 12, 31), 10.0)).trend is None
    # Past due: no trend, whatever the figures.
    assert classify("at-least", 200, None, date(2022, 6, 30), figures, date(2023, 6, 1),
                    baseline=(date(2020, 12, 31), 100.0)).trend is None


def test_trend_of_an_upper_limit_moving_the_wrong_way() -> None:
    t = trend_of(50, date(2026, 1, 1), [(date(2020, 1, 1), 100), (date(2022, 1, 1), 110)])
    assert t is not None and t.trend == "moving-away"


# -- claims -----------------------------------------------------------------------------------------


def test_claim_is_its_own_state_never_met() -> None:
    claim = Claim("done", date(2021, 1, 31), date(2021, 1, 20))
    a = classify("at-least", 300000, None, date(2020, 12, 31), [], date(2021, 6, 1), claims=[claim])
    assert (a.status, a.claim) == ("claimed", claim)
    # A figure settles it either way, claim or not.
    hit = ev(350000, date(2020, 9, 20), qualifier="more-than")
    assert classify("at-least", 300000, None, date(2020, 12, 31), [hit], date(2021, 6, 1), claims=[claim]).status == "met"
    short = ev(200000, date(2020, 12, 31))
    assert classify("at-least", 300000, None, date(2020, 12, 31), [short], date(2021, 6, 1),
                    claims=[claim]).status == "missed"
    # Not yet made on the status date.
    assert classify("at-least", 300000, None, date(2020, 12, 31), [], date(2021, 1, 19),
                    claims=[claim]).status == "overdue"
    # A qualitative target can be claimed too.
    assert classify("qualitative", None, None, date(2020, 12, 31), [], date(2021, 6, 1), claims=[claim]).status == "claimed"


def test_policy_wide_claim_covers_targets_due_by_its_period(data) -> None:
    policy = "ii-plan-2018-2020"
    data.append("outcomes", f"test-claim,,{policy},All tasks completed,,,,2021-01,2021-01-20,national,"
                "zjgyzk-2018-2020-plan-fulltext,全部完成,,,,")
    ds = load(data.dir)
    st = target_status(ds, "2026-11-23")
    covered = st[(st["policy_id"] == policy) & (st["deadline"] <= "2021-01-31")]
    later = st[(st["policy_id"] == policy) & (st["deadline"] > "2021-01-31")]
    assert set(covered["status"]) <= {"met", "missed", "claimed"}
    assert "claimed" in set(covered["status"])
    assert "claimed" not in set(later["status"])


# -- checks -----------------------------------------------------------------------------------------


def test_a_recorded_search_turns_overdue_into_no_result_found() -> None:
    search = Check(date(2026, 11, 29), "year-end figure")
    assert classify("at-least", 5, None, D, [], date(2026, 12, 1), checks=[search]).status == "not-found"
    assert classify("at-least", 5, None, D, [], date(2026, 11, 28), checks=[search]).status == "overdue"
    assert classify("at-least", 5, None, D, [], date(2026, 12, 1)).status == "overdue"
    # A search does not hide a settling figure.
    assert classify("at-least", 5, None, D, [ev(6, D)], date(2026, 12, 1), checks=[search]).status == "met"


def test_validate_warns_about_overdue_targets_with_no_search(data) -> None:
    def warned() -> set[str]:
        return {p.message.split("'")[1] for p in check(data.dir, today=date(2026, 11, 23)).warnings
                if "no record of a search" in p.message}

    st = target_status(load(data.dir), "2026-11-23")
    # A projection is not a verdict: a projected target nobody has searched for is warned about too.
    overdue = set(st.loc[(st["status"] == "overdue") | ((st["status"] == "projected") & st["checked"].isna()),
                         "target_id"])
    assert warned() == overdue
    if overdue:
        first = sorted(overdue)[0]
        data.append("checks", f"{first},2026-11-20,year-end figure on official pages,nothing found")
        assert first not in warned()


# -- lineage ----------------------------------------------------------------------------------------


def _set_follows(data, target: str, follows: str) -> int:
    line = data.line_of("targets", target)
    lines = data.lines("targets")
    assert lines[line - 1].endswith(",")
    lines[line - 1] += follows
    data.path("targets").write_text("\n".join(lines), encoding="utf-8")
    return line


def _clear_follows(data, target: str) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data.path("targets").read_text(encoding="utf-8"))))
    for r in rows:
        if r[0] == target:
            r[-1] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    data.path("targets").write_text(out.getvalue(), encoding="utf-8")


def test_lineage_errors(data) -> None:
    a, b = "ii-plan-2018-2020-top-nodes", "ii-plan-2021-2023-secondary-nodes"
    for t in (a, b):
        _clear_follows(data, t)
    line = _set_follows(data, a, a)
    assert [(p.line, p.column) for p in check(data.dir).errors if "itself" in p.message] == [(line, "follows")]
    _clear_follows(data, a)
    line = _set_follows(data, a, b)  # the 2018 plan cannot follow the 2021 one
    assert any(p.line == line and "issued later" in p.message for p in check(data.dir).errors)
    _set_follows(data, b, a)
    assert any("circle" in p.message for p in check(data.dir).errors)


# -- as of means as of ------------------------------------------------------------------------------


def test_known_at_cuts_everything_dated_later() -> None:
    ds = load(FIXTURE_DATA)
    cut = ds.known_at(date(2019, 1, 1))
    stamp, day = "2019-01-01", pd.Timestamp("2019-01-01")
    assert (cut.policies["issued"].dropna() <= stamp).all() and len(cut.policies) < len(ds.policies)
    assert set(cut.targets["policy_id"]) <= set(cut.policies["id"])
    assert (cut.outcomes["reported"] <= stamp).all()
    assert (cut.investments["reported"].dropna() <= stamp).all()
    assert (cut.checks["checked"] <= stamp).all()
    published = dict(zip(ds.sources["id"], ds.sources["published"], strict=True))
    assert all(not (published[s] > day) for s in cut.citations["source_id"])
    assert len(cut.citations) < len(ds.citations)
    assert set(cut.outcomes["target_id"].dropna()) <= set(cut.targets["id"])


def test_briefing_before_most_of_the_data_shows_only_what_was_known(tmp_path) -> None:
    from analysis.report import Briefing

    b = Briefing(data_dir=FIXTURE_DATA, title="t", policies=["ii-plan-2018-2020", "ii-plan-2021-2023", "5g-factory-guide-2022"],
                 as_of="2019-06-30", context={"charts_dir": str(tmp_path)})
    assert b.policy_ids == ["ii-plan-2018-2020"]
    assert b.later_policies == ["ii-plan-2021-2023", "5g-factory-guide-2022"]
    assert "issued after the status date" in str(b.key_figures())
    assert set(b.facts["policies"]) == {"ii-plan-2018-2020"}
    assert all(t["policy"] == "ii-plan-2018-2020" for t in b.facts["targets"].values())
    shown = str(b.targets_table()) + str(b.reported_results()) + str(b.lineage())
    for _ in (b.progress_chart(), b.timeline()):
        pass
    # Every figure shown was reported by the status date.
    late = b.ds.outcomes[b.ds.outcomes["reported"] > "2019-06-30"]
    assert late.empty
    assert "2020" not in "".join(t["evidence"] or "" for t in b.facts["targets"].values())
    assert shown
