"""The status rules: where one target stands as of a date, from the figures, claims and searches known then.

Pure functions on plain values (no pandas, nothing of the package but ``dates``): the data layer's check
for overdue targets and ``analysis.status.target_status``, the table for a whole ``Dataset``, both apply
them, so the two can never disagree. Only what was known on ``as_of`` counts: outcomes *reported* on or before it, checks made on or before
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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from .dates import PartialDate

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




class OutcomeFacts(NamedTuple):
    """What the rules need of one outcome row: a reported figure (``value``) or, with no value, a claim."""

    id: str
    target_id: str | None
    policy_id: str | None
    value: float | None
    qualifier: str
    refers_first: date
    refers_last: date
    reported: date


@dataclass
class OutcomeIndex:
    """Outcomes sorted for the rules: figures and claims by target, claims about a whole policy by policy."""

    evidence: dict[str, list[Evidence]]
    claims: dict[str, list[Claim]]
    policy_claims: dict[str, list[Claim]]

    def claims_for(self, target_id: str, policy_id: str, deadline: date | None) -> list[Claim]:
        """The claims that cover a target: its own, and its policy's that describe a time by its deadline."""
        own = self.claims.get(target_id, [])
        return own + [c for c in self.policy_claims.get(policy_id, [])
                      if deadline is not None and deadline <= c.refers_last]


def index_outcomes(rows: Iterable[OutcomeFacts]) -> OutcomeIndex:
    """The one outcome -> evidence/claim index (the validator builds it from text rows, the status table
    from typed frames)."""
    index = OutcomeIndex({}, {}, {})
    for o in rows:
        if o.value is None:
            claim = Claim(o.id, o.refers_last, o.reported)
            if o.target_id:
                index.claims.setdefault(o.target_id, []).append(claim)
            elif o.policy_id:
                index.policy_claims.setdefault(o.policy_id, []).append(claim)
        elif o.target_id:
            index.evidence.setdefault(o.target_id, []).append(
                Evidence(o.id, o.value, o.qualifier, o.refers_first, o.refers_last, o.reported))
    return index


def period_last(first: date, precision: str) -> date:
    """The last day of the period that starts on ``first``, at ``precision`` (year, month or day)."""
    if precision == "day":
        return first
    if precision == "month":
        return PartialDate(first.year, first.month).last
    return PartialDate(first.year).last
