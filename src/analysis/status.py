"""Where each target stands as of a date.

``target_status(ds, as_of, due_window_months=12)`` gives every target one status. Only outcomes
*reported* on or before ``as_of`` count as evidence, so a briefing dated in the past shows what was known
then. A deadline of ``2023`` means 2023-12-31 (see ``analysis.loading``); a deadline falling exactly on
``as_of`` has not passed yet.

The rules, in the order they are applied:

``qualitative``
    The comparator is ``qualitative``: there is no number to test.
``met``
    A linked outcome, reported by ``as_of``, satisfies the comparator and describes a time on or before
    the deadline (or the target has no deadline).
``missed``
    The deadline has passed and a linked outcome describing the deadline or later does not satisfy it
    (an outcome meeting the target only after its deadline also counts as missed).
``overdue``
    The deadline has passed and no outcome settles it either way: nothing reported, or only figures from
    before the deadline.
``due-soon``
    Not met, and the deadline falls within ``due_window_months`` after ``as_of``.
``upcoming``
    Not met, and the deadline is further off (or no deadline is printed).

Comparators are respected: ``at-least`` needs value >= target, ``more-than`` value > target, ``at-most``
value <= target, ``equal`` value == target (exactly the figure: curate a minimum as ``at-least``),
``about`` within 10% of the target, ``range`` between ``target_value`` and ``target_max``. A value
reported as a lower bound ("more than 8,000") satisfies ``at-least``/``more-than`` only when the bound
itself does, and never settles ``at-most``, ``equal``, ``about`` or ``range``; "about 1,600" is taken as
1,600.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

    from .loading import Dataset

Status = Literal["met", "missed", "overdue", "due-soon", "upcoming", "qualitative"]
STATUSES: tuple[Status, ...] = ("met", "missed", "overdue", "due-soon", "upcoming", "qualitative")
ABOUT_TOLERANCE = 0.10

_LOWER_BOUNDS = {"more-than", "at-least"}


@dataclass(frozen=True)
class Evidence:
    """One reported value, as the status rules need it."""

    outcome_id: str
    value: float
    qualifier: str
    refers_first: date
    refers_last: date
    reported: date


def satisfies(comparator: str, target: float, target_max: float | None, value: float, qualifier: str) -> bool:
    """True when a reported ``value`` (with its ``qualifier``) certainly meets the target."""
    lower_bound = qualifier in _LOWER_BOUNDS
    if comparator == "at-least":
        return value >= target
    if comparator == "more-than":
        return value >= target if qualifier == "more-than" else value > target
    if lower_bound:
        return False
    if comparator == "at-most":
        return value <= target
    if comparator == "equal":
        return value == target
    if comparator == "about":
        return abs(value - target) <= ABOUT_TOLERANCE * abs(target)
    if comparator == "range":
        return target_max is not None and target <= value <= target_max
    return False


def _add_months(day: date, months: int) -> date:
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def classify(
    comparator: str,
    target: float | None,
    target_max: float | None,
    deadline: date | None,
    evidence: list[Evidence],
    as_of: date,
    due_window_months: int = 12,
) -> tuple[Status, Evidence | None]:
    """Status of one target, and the outcome that decided it (if one did)."""
    if comparator == "qualitative" or target is None:
        return "qualitative", None
    known = sorted((e for e in evidence if e.reported <= as_of), key=lambda e: (e.refers_last, e.reported))
    in_time = [e for e in known if deadline is None or e.refers_first <= deadline]
    hits = [e for e in in_time if satisfies(comparator, target, target_max, e.value, e.qualifier)]
    if hits:
        return "met", hits[0]
    if deadline is not None and as_of > deadline:
        settling = [e for e in known if e.refers_last >= deadline]
        if settling:
            return "missed", settling[0]
        return "overdue", known[-1] if known else None
    latest = known[-1] if known else None
    if deadline is not None and deadline <= _add_months(as_of, due_window_months):
        return "due-soon", latest
    return "upcoming", latest


def target_status(ds: Dataset, as_of: date | str, due_window_months: int = 12) -> pd.DataFrame:
    """One row per target: its status as of ``as_of`` and the evidence behind it.

    Columns: ``target_id``, ``policy_id``, ``deadline``, ``status`` (categorical, in the order of
    ``STATUSES``), ``evidence_id``, ``evidence_value``, ``evidence_reported``.
    """
    import pandas as pd

    as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    if due_window_months < 0:
        raise ValueError(f"due_window_months must be 0 or more, got {due_window_months}")
    outcomes = ds.outcomes.dropna(subset=["target_id", "value"])
    by_target: dict[str, list[Evidence]] = {}
    for o in outcomes.itertuples(index=False):
        refers = o.refers_to if not pd.isna(o.refers_to) else o.reported
        precision = o.refers_to_precision if not pd.isna(o.refers_to) else o.reported_precision
        first = refers.date()
        last = _period_last(first, str(precision))
        by_target.setdefault(str(o.target_id), []).append(
            Evidence(str(o.id), float(o.value), str(o.qualifier), first, last, o.reported.date()))
    rows = []
    for t in ds.targets.itertuples(index=False):
        deadline = None if pd.isna(t.deadline) else t.deadline.date()
        status, ev = classify(
            str(t.comparator),
            None if pd.isna(t.target_value) else float(t.target_value),
            None if pd.isna(t.target_max) else float(t.target_max),
            deadline, by_target.get(str(t.id), []), as_of, due_window_months,
        )
        rows.append({
            "target_id": t.id, "policy_id": t.policy_id, "deadline": t.deadline, "status": status,
            "evidence_id": ev.outcome_id if ev else None,
            "evidence_value": ev.value if ev else float("nan"),
            "evidence_reported": pd.Timestamp(ev.reported) if ev else pd.NaT,
        })
    frame = pd.DataFrame(rows, columns=["target_id", "policy_id", "deadline", "status", "evidence_id",
                                        "evidence_value", "evidence_reported"])
    frame["status"] = pd.Categorical(frame["status"], categories=list(STATUSES))
    frame["target_id"] = frame["target_id"].astype("string")
    frame["policy_id"] = frame["policy_id"].astype("string")
    frame["evidence_id"] = frame["evidence_id"].astype("string")
    frame["evidence_reported"] = pd.to_datetime(frame["evidence_reported"])
    return frame


def _period_last(first: date, precision: str) -> date:
    from .dates import PartialDate

    if precision == "day":
        return first
    if precision == "month":
        return PartialDate(first.year, first.month).last
    return PartialDate(first.year).last
