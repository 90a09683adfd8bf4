"""Where each target stands as of a date, and what is known about it.

``target_status(ds, as_of, due_window_months=12)`` gives every target one status and the evidence behind
it. Only what was known on ``as_of`` counts: outcomes *reported* on or before it, checks made on or before
it. A deadline of ``2023`` means 2023-12-31 (see ``analysis.data.loading``); a deadline falling exactly on
``as_of`` has not passed yet.

The statuses, in the order the rules are applied:

``qualitative``
    No number to test (a claim of completion makes it ``claimed``).
``met``
    A linked figure, reported by ``as_of``, satisfies the comparator and describes a time on or before
    the deadline (or the target has no deadline).
``missed``
    The deadline has passed and a linked figure describing the deadline or later falls short. (A figure
    that reaches the goal only for a time after the deadline settles nothing: it is the latest figure.)
``claimed``
    Not settled by a figure, but an official claim without a figure (a ministry saying the task was
    completed) covers it. Never counted as met. A claim linked to a target covers it; a claim linked
    only to a policy covers that policy's targets due by the end of the period the claim describes.
``not-found``
    The deadline has passed, no figure settles it, and a recorded search (``checks.csv``) found none:
    "no result found (checked 2026-11)".
``overdue``
    The deadline has passed, no figure settles it, and nobody has recorded a search yet.
``due-soon`` / ``upcoming``
    Not met, and the deadline is within ``due_window_months`` / further off (or not printed).

Comparators are respected: ``at-least`` needs value >= target, ``more-than`` value > target, ``at-most``
value <= target, ``equal`` value == target (exactly the figure: a plan that says "build N" sets a floor
and is curated ``at-least``), ``about`` within 10% of the target, ``range`` between ``target_value`` and
``target_max``. A value reported as a lower bound ("more than 8,000") satisfies ``at-least``/
``more-than`` only when the bound itself does, and never settles ``at-most``, ``equal``, ``about`` or
``range``; "about 1,600" is taken as 1,600.

Besides the status, every numeric target carries its **latest figure** (the one describing the latest
time), and a missed one the **share of the goal** its deciding figure reached. Open targets (due soon,
upcoming) with two points in time (a baseline and a figure, or two figures) get a **trend** by the
compound-annual-growth method of national SDG progress reports: the growth rate observed from the first
point to the latest, divided by the rate needed from the first point to reach the goal by the deadline.
95% or more of the needed rate is ``on-track``, 60-95% ``needs-acceleration``, below 60% ``off-track``,
below zero (moving the wrong way) ``moving-away``. Targets stated as a change (``% increase``,
``% reduction``, ``multiple of baseline``) have no level to grow and get no trend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

    from .data.loading import Dataset

Status = Literal["met", "missed", "claimed", "not-found", "overdue", "due-soon", "upcoming", "qualitative"]
STATUSES: tuple[Status, ...] = ("met", "missed", "claimed", "not-found", "overdue", "due-soon", "upcoming",
                                "qualitative")
Trend = Literal["on-track", "needs-acceleration", "off-track", "moving-away"]
TRENDS: tuple[Trend, ...] = ("on-track", "needs-acceleration", "off-track", "moving-away")
ABOUT_TOLERANCE = 0.10
ON_TRACK, NEEDS_ACCELERATION = 0.95, 0.60
"""Shares of the needed growth rate: at or above the first is on track, at or above the second needs
acceleration, below it off track (and below zero moving away)."""
CHANGE_UNITS = frozenset({"% increase", "% reduction", "multiple of baseline"})

_LOWER_BOUNDS = {"more-than", "at-least"}
_DAYS_A_YEAR = 365.25


@dataclass(frozen=True)
class Evidence:
    """One reported value, as the status rules need it."""

    outcome_id: str
    value: float
    qualifier: str
    refers_first: date
    refers_last: date
    reported: date


@dataclass(frozen=True)
class Claim:
    """An official claim without a figure ("all tasks completed")."""

    outcome_id: str
    refers_last: date
    reported: date


@dataclass(frozen=True)
class Check:
    """A recorded search for a target's result."""

    checked: date
    looked_for: str


@dataclass(frozen=True)
class TrendAssessment:
    """Observed against needed compound annual growth, with the inputs to redo the sum."""

    trend: Trend
    start_value: float
    start_date: date
    end_value: float
    end_date: date
    observed_rate: float
    needed_rate: float

    @property
    def ratio(self) -> float:
        return self.observed_rate / self.needed_rate


@dataclass(frozen=True)
class Assessment:
    """One target's status and everything known that bears on it."""

    status: Status
    decided_by: Evidence | None = None
    latest: Evidence | None = None
    claim: Claim | None = None
    check: Check | None = None
    trend: TrendAssessment | None = None


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


def trend_of(target: float, deadline: date | None, points: list[tuple[date, float]]) -> TrendAssessment | None:
    """Observed against needed compound annual growth from the first of ``points`` (date, value).

    None where it cannot be computed: fewer than two dates, a value or goal not above zero, no deadline
    after the first point, or a goal the first point already reaches (no growth is needed).
    """
    if deadline is None or len(points) < 2:
        return None
    ordered = sorted(points)
    (start, v0), (end, v1) = ordered[0], ordered[-1]
    if end <= start or deadline <= start or min(v0, v1, target) <= 0:
        return None
    observed = (v1 / v0) ** (_DAYS_A_YEAR / (end - start).days) - 1
    needed = (target / v0) ** (_DAYS_A_YEAR / (deadline - start).days) - 1
    if math.isclose(needed, 0.0, abs_tol=1e-12):
        return None
    ratio = observed / needed
    trend: Trend = ("on-track" if ratio >= ON_TRACK else "needs-acceleration" if ratio >= NEEDS_ACCELERATION
                    else "off-track" if ratio >= 0 else "moving-away")
    return TrendAssessment(trend, v0, start, v1, end, observed, needed)


def classify(
    comparator: str,
    target: float | None,
    target_max: float | None,
    deadline: date | None,
    evidence: list[Evidence],
    as_of: date,
    due_window_months: int = 12,
    *,
    claims: list[Claim] | tuple[Claim, ...] = (),
    checks: list[Check] | tuple[Check, ...] = (),
    baseline: tuple[date, float] | None = None,
    unit: str | None = None,
) -> Assessment:
    """Status of one target, the figure that decided it, the latest figure, claim, check and trend."""
    claim = max((c for c in claims if c.reported <= as_of), key=lambda c: (c.reported, c.outcome_id),
                default=None)
    if comparator == "qualitative" or target is None:
        return Assessment("claimed" if claim else "qualitative", claim=claim)
    known = sorted((e for e in evidence if e.reported <= as_of), key=lambda e: (e.refers_last, e.reported))
    latest = known[-1] if known else None
    in_time = [e for e in known if deadline is None or e.refers_first <= deadline]
    hits = [e for e in in_time if satisfies(comparator, target, target_max, e.value, e.qualifier)]
    if hits:
        return Assessment("met", hits[0], latest)
    past = deadline is not None and as_of > deadline
    if past:
        assert deadline is not None
        # A figure for the deadline or later that falls short settles it as missed. One that reaches the goal
        # only for a time after the deadline does not show the goal was reached in time: it settles nothing.
        settling = [e for e in known if e.refers_last >= deadline
                    and not satisfies(comparator, target, target_max, e.value, e.qualifier)]
        if settling:
            return Assessment("missed", settling[0], latest)
    if claim is not None:
        return Assessment("claimed", None, latest, claim)
    if past:
        check = max((c for c in checks if c.checked <= as_of), key=lambda c: c.checked, default=None)
        return Assessment("not-found" if check else "overdue", None, latest, check=check)
    trend = None
    if unit not in CHANGE_UNITS:
        points = [(e.refers_last, e.value) for e in known]
        trend = trend_of(target, deadline, ([baseline] if baseline else []) + points)
    if deadline is not None and deadline <= _add_months(as_of, due_window_months):
        return Assessment("due-soon", None, latest, trend=trend)
    return Assessment("upcoming", None, latest, trend=trend)


def claims_for(deadline: date | None, policy_claims: list[Claim], own: list[Claim]) -> list[Claim]:
    """The claims that cover a target: its own, and its policy's that describe a time by its deadline."""
    return own + [c for c in policy_claims if deadline is not None and deadline <= c.refers_last]


COLUMNS = ["target_id", "policy_id", "deadline", "status", "evidence_id", "evidence_value",
           "evidence_qualifier", "evidence_reported", "share_of_goal", "latest_id", "latest_value",
           "latest_qualifier", "latest_refers", "latest_reported", "claim_id", "checked", "looked_for",
           "trend", "trend_start_value", "trend_start_date", "trend_end_value", "trend_end_date",
           "trend_observed_rate", "trend_needed_rate", "trend_ratio"]


def target_status(ds: Dataset, as_of: date | str, due_window_months: int = 12) -> pd.DataFrame:
    """One row per target: its status as of ``as_of`` and the evidence behind it.

    Columns: ``target_id``, ``policy_id``, ``deadline``, ``status`` (categorical, in the order of
    ``STATUSES``); the deciding figure (``evidence_id``, ``evidence_value``, ``evidence_qualifier``,
    ``evidence_reported``) and for a missed target ``share_of_goal``; the latest figure (``latest_id``,
    ``latest_value``, ``latest_qualifier``, ``latest_refers`` (the last day of the period it describes),
    ``latest_reported``); ``claim_id``; the last check (``checked``, ``looked_for``); and the trend
    (``trend`` and its inputs ``trend_start_value``/``_date``, ``trend_end_value``/``_date``,
    ``trend_observed_rate``, ``trend_needed_rate``, ``trend_ratio``).
    """
    import pandas as pd

    as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    if due_window_months < 0:
        raise ValueError(f"due_window_months must be 0 or more, got {due_window_months}")
    by_target: dict[str, list[Evidence]] = {}
    claims: dict[str, list[Claim]] = {}
    policy_claims: dict[str, list[Claim]] = {}
    for o in ds.outcomes.itertuples(index=False):
        first, last = _refers(o)
        if pd.isna(o.value):
            claim = Claim(str(o.id), last, o.reported.date())
            if not pd.isna(o.target_id):
                claims.setdefault(str(o.target_id), []).append(claim)
            elif not pd.isna(o.policy_id):
                policy_claims.setdefault(str(o.policy_id), []).append(claim)
        elif not pd.isna(o.target_id):
            by_target.setdefault(str(o.target_id), []).append(
                Evidence(str(o.id), float(o.value), str(o.qualifier), first, last, o.reported.date()))
    checks: dict[str, list[Check]] = {}
    for c in ds.checks.itertuples(index=False):
        checks.setdefault(str(c.target_id), []).append(Check(c.checked.date(), str(c.looked_for)))
    rows = []
    for t in ds.targets.itertuples(index=False):
        deadline = None if pd.isna(t.deadline) else t.deadline.date()
        value = None if pd.isna(t.target_value) else float(t.target_value)
        baseline = None
        if not pd.isna(t.baseline_value) and not pd.isna(t.baseline_date):
            baseline = (_period_last(t.baseline_date.date(), str(t.baseline_date_precision)), float(t.baseline_value))
        a = classify(
            str(t.comparator), value, None if pd.isna(t.target_max) else float(t.target_max),
            deadline, by_target.get(str(t.id), []), as_of, due_window_months,
            claims=claims_for(deadline, policy_claims.get(str(t.policy_id), []), claims.get(str(t.id), [])),
            checks=checks.get(str(t.id), []), baseline=baseline, unit=None if pd.isna(t.unit) else str(t.unit),
        )
        rows.append(_row(t, a, value))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["status"] = pd.Categorical(frame["status"], categories=list(STATUSES))
    frame["trend"] = pd.Categorical(frame["trend"], categories=list(TRENDS))
    for column in ("target_id", "policy_id", "evidence_id", "evidence_qualifier", "latest_id", "latest_qualifier",
                   "claim_id", "looked_for"):
        frame[column] = frame[column].astype("string")
    for column in ("evidence_reported", "latest_refers", "latest_reported", "checked", "trend_start_date",
                   "trend_end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _row(t: object, a: Assessment, target: float | None) -> dict[str, object]:
    import pandas as pd

    def stamp(day: date | None) -> pd.Timestamp:
        return pd.Timestamp(day) if day else pd.NaT

    nan = float("nan")
    ev, latest, trend = a.decided_by, a.latest, a.trend
    share = ev.value / target if a.status == "missed" and ev and target else nan
    return {
        "target_id": t.id, "policy_id": t.policy_id, "deadline": t.deadline, "status": a.status,  # type: ignore[attr-defined]
        "evidence_id": ev.outcome_id if ev else None, "evidence_value": ev.value if ev else nan,
        "evidence_qualifier": ev.qualifier if ev else None, "evidence_reported": stamp(ev and ev.reported),
        "share_of_goal": share,
        "latest_id": latest.outcome_id if latest else None, "latest_value": latest.value if latest else nan,
        "latest_qualifier": latest.qualifier if latest else None,
        "latest_refers": stamp(latest and latest.refers_last), "latest_reported": stamp(latest and latest.reported),
        "claim_id": a.claim.outcome_id if a.claim else None,
        "checked": stamp(a.check and a.check.checked), "looked_for": a.check.looked_for if a.check else None,
        "trend": trend.trend if trend else None,
        "trend_start_value": trend.start_value if trend else nan, "trend_start_date": stamp(trend and trend.start_date),
        "trend_end_value": trend.end_value if trend else nan, "trend_end_date": stamp(trend and trend.end_date),
        "trend_observed_rate": trend.observed_rate if trend else nan,
        "trend_needed_rate": trend.needed_rate if trend else nan, "trend_ratio": trend.ratio if trend else nan,
    }


def figure_time(o: object) -> date:
    """The time a reported figure stands for, everywhere: the last day of the period it describes (its
    report date where none is given). The status rules order figures by it, so "latest" means the same
    in the targets table and on the charts."""
    return _refers(o)[1]


def _refers(o: object) -> tuple[date, date]:
    """First and last day of the period an outcome describes (its report date where none is given)."""
    import pandas as pd

    has = not pd.isna(o.refers_to)  # type: ignore[attr-defined]
    refers = o.refers_to if has else o.reported  # type: ignore[attr-defined]
    precision = o.refers_to_precision if has else o.reported_precision  # type: ignore[attr-defined]
    first = refers.date()
    return first, _period_last(first, str(precision))


def _period_last(first: date, precision: str) -> date:
    from .data.dates import PartialDate

    if precision == "day":
        return first
    if precision == "month":
        return PartialDate(first.year, first.month).last
    return PartialDate(first.year).last
