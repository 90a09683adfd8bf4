"""Status rules, one by one, with the boundaries; then on the shipped data."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis import load
from analysis.core.status_rules import STATUSES, Evidence, classify, satisfies
from analysis.status import target_status

from .conftest import FIXTURE_DATA

D = date(2023, 12, 31)


def ev(value: float, refers: date, reported: date | None = None, qualifier: str = "exact", oid: str = "o") -> Evidence:
    return Evidence(oid, value, qualifier, refers, refers, reported or refers)


@pytest.mark.parametrize(("comparator", "target", "top", "value", "qualifier", "expected"), [
    ("at-least", 120, None, 120, "exact", True),
    ("at-least", 120, None, 119.9, "exact", False),
    ("at-least", 120, None, 120, "more-than", True),
    ("more-than", 120, None, 120, "exact", False),
    ("more-than", 120, None, 120, "more-than", True),
    ("more-than", 120, None, 121, "exact", True),
    ("at-most", 10, None, 10, "exact", True),
    ("at-most", 10, None, 11, "exact", False),
    ("at-most", 10, None, 5, "more-than", False),  # a lower bound never proves an upper limit
    ("equal", 30, None, 30, "exact", True),
    ("equal", 30, None, 31, "exact", False),
    ("equal", 30, None, 30, "more-than", False),
    ("about", 5, None, 5.5, "exact", True),
    ("about", 5, None, 5.6, "exact", False),
    ("about", 5, None, 5, "about", True),
    ("range", 3, 5, 3, "exact", True),
    ("range", 3, 5, 5, "exact", True),
    ("range", 3, 5, 6, "exact", False),
    ("range", 3, 5, 4, "at-least", False),
])
def test_comparators(comparator, target, top, value, qualifier, expected) -> None:
    assert satisfies(comparator, target, top, value, qualifier) is expected


def test_qualitative_whatever_the_date() -> None:
    assert classify("qualitative", None, None, D, [], date(2030, 1, 1)).status == "qualitative"


def test_met_early_and_met_on_the_deadline() -> None:
    assert classify("at-least", 120, None, D, [ev(156, date(2021, 10, 20))], date(2022, 1, 1)).status == "met"
    assert classify("at-least", 120, None, D, [ev(120, D)], D).status == "met"


def test_evidence_reported_after_as_of_does_not_count() -> None:
    evidence = [ev(156, date(2021, 10, 1), reported=date(2021, 10, 20))]
    a = classify("at-least", 120, None, D, evidence, date(2021, 10, 19), due_window_months=12)
    assert (a.status, a.decided_by, a.latest) == ("upcoming", None, None)
    assert classify("at-least", 120, None, D, evidence, date(2021, 10, 20)).status == "met"


def test_deadline_exactly_on_as_of_has_not_passed() -> None:
    assert classify("at-least", 120, None, D, [], D).status == "due-soon"
    assert classify("at-least", 120, None, D, [], date(2024, 1, 1)).status == "overdue"


def test_due_soon_window_boundaries() -> None:
    as_of = date(2022, 12, 31)
    assert classify("at-least", 1, None, D, [], as_of, due_window_months=12).status == "due-soon"
    assert classify("at-least", 1, None, D, [], date(2022, 12, 30), due_window_months=12).status == "upcoming"
    assert classify("at-least", 1, None, D, [], as_of, due_window_months=0).status == "upcoming"


def test_missed_needs_evidence_at_or_after_the_deadline() -> None:
    old = ev(59.4, date(2023, 4, 30))
    assert classify("at-least", 68, None, date(2025, 12, 31), [old], date(2026, 6, 1)).status == "overdue"
    final = ev(66.0, date(2025, 12, 31), reported=date(2026, 3, 1))
    a = classify("at-least", 68, None, date(2025, 12, 31), [old, final], date(2026, 6, 1))
    assert (a.status, a.decided_by) == ("missed", final)


def test_reaching_the_target_only_after_the_deadline_settles_nothing() -> None:
    late = ev(130, date(2024, 6, 30), reported=date(2024, 7, 1))
    a = classify("at-least", 120, None, D, [late], date(2025, 1, 1))
    assert (a.status, a.decided_by, a.latest) == ("overdue", None, late)
    # Short of the goal after the deadline: missed, whatever came later.
    short = ev(110, date(2024, 1, 31), reported=date(2024, 2, 1))
    assert classify("at-least", 120, None, D, [short, late], date(2025, 1, 1)).status == "missed"


def test_no_deadline_is_upcoming_until_met() -> None:
    assert classify("at-least", 1, None, None, [], date(2040, 1, 1)).status == "upcoming"


def test_shipped_data_statuses() -> None:
    ds = load(FIXTURE_DATA)
    status = target_status(ds, "2026-11-23").set_index("target_id")
    assert len(status) == len(ds.targets)
    assert list(status["status"].cat.categories) == list(STATUSES)
    assert status.loc["ii-plan-2021-2023-secondary-nodes", "status"] == "met"
    assert status.loc["ii-plan-2021-2023-secondary-nodes", "evidence_id"] == "secondary-nodes-2021-10"
    # Only pre-deadline figures, a rate that moves steadily: projected from them, and not searched for by then.
    assert status.loc["zj-digital-economy-14fyp-2021-de-share", "status"] == "projected"
    assert pd.isna(status.loc["zj-digital-economy-14fyp-2021-de-share", "checked"])
    # A rate like it, but a later plan (2023) set a new level and year: restated comes first.
    assert status.loc["14fyp-lianghua-2021-cnc-rate", "status"] == "restated"
    assert status.loc["14fyp-lianghua-2021-cnc-rate", "restated_by"] == "trad-mfg-upgrade-2023-cnc-rate"
    assert status.loc["platform-hq-2026-2028-influential-platforms", "status"] == "upcoming"
    assert status.loc["sc-ii-guideline-2017-world-lead", "status"] == "qualitative"
    # Before the evidence was reported, the same target was not yet met.
    earlier = target_status(ds, "2021-06-30").set_index("target_id")
    assert earlier.loc["ii-plan-2021-2023-secondary-nodes", "status"] == "upcoming"
    assert earlier["evidence_id"].isna()["ii-plan-2021-2023-secondary-nodes"]


def test_negative_window_is_refused() -> None:
    with pytest.raises(ValueError, match="due_window_months"):
        target_status(load(FIXTURE_DATA), "2026-01-01", -1)
