"""The status rules: where one target stands as of a date, from the figures, claims and searches known then.

Pure functions on plain values (no pandas, nothing of the package but ``dates``): the data layer's check
for overdue targets and ``analysis.status.target_status``, the table for a whole ``Dataset``, both apply
them, so the two can never disagree. Only what was known on ``as_of`` counts: outcomes *reported* on or
before it, checks made on or before it, later plans issued on or before it. A deadline of ``2023`` means
2023-12-31 (see ``analysis.data.loading``); a deadline falling exactly on ``as_of`` has not passed yet.

The statuses, in the order the rules are applied:

``qualitative``
    No number to test (a claim of completion makes it ``claimed``).
``met``
    A linked figure on the same measure or a proxy (``match``), reported by ``as_of``, satisfies the
    comparator and describes a time on or before the deadline (or the target has no deadline). Where
    several do, the strongest decides (the earliest among equals).
``disputed``
    As met, but a figure on the same measure for the same time or later (still by the deadline), from a
    source graded as well or better, falls short and cannot be reconciled with the deciding one by their
    qualifiers: a floor counts as met only if the credible lower figure meets it.
``partly``
    Only figures that cover part of the measure (``match`` ``partial``: one component of several, a subset
    of the units) reach the goal.
``missed``
    The deadline has passed and a figure on the same measure describing the deadline or later falls short.
    (A figure that reaches the goal only for a time after the deadline settles nothing: it is the latest
    figure. A proxy that falls short is not a miss: it is shown as the nearest measure.)
``claimed``
    Not settled by a figure, but an official claim without a figure (a ministry saying the task was
    completed) covers it. Never counted as met. A claim linked to a target covers it; a claim linked
    only to a policy covers that policy's targets due by the end of the period the claim describes.
``restated``
    The deadline has passed, nothing above settles it, and a later plan (issued by ``as_of``) restates the
    goal with a new level or deadline (``follows``): "restated by <plan> as <goal> by <year>".
``projected``
    The deadline has passed, nothing above settles it, and the measure is a level or rate that moves
    steadily: from two points at least a year apart the pace seen is carried to the deadline. A projection
    is never a verdict: it says where the last figures point, and it never changes any other status.
``not-found``
    The deadline has passed, no figure settles it, and a recorded search (``checks.csv``) found none:
    "no result found (checked 2026-11)".
``overdue``
    The deadline has passed, no figure settles it, and nobody has recorded a search yet.
``due-soon`` / ``upcoming``
    Not met, and the deadline is within ``due_window_months`` / further off (or not printed).

**Strength.** Met, partly, missed (and the figure behind a dispute) carry a strength, from the deciding
figure: the grade of the best source that prints it (its own, or a corroborating citation with the figure
as printed; official or major media: strong; secondary: fair; weak: weak), one step lower
for a proxy, a partial figure or a figure derived from two reported ones, one step lower again when another
figure for the same time disagrees with it beyond their qualifiers, and never above a strength the curator
recorded on the figure (``strength``, for a page that could not be found again).

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
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, NamedTuple

from .dates import PartialDate
from .evidence import (
    ABOUT_TOLERANCE,
    GRADE_STEPS,
    LOWER_BOUNDS,
    Check,
    Claim,
    Evidence,
    GoalFacts,
    Restatement,
    Strength,
    differs,
    preference,
    reconcilable,
    same_time,
    strength_of,
)

Status = Literal["met", "disputed", "partly", "missed", "claimed", "restated", "projected", "not-found", "overdue",
                 "due-soon", "upcoming", "qualitative"]
STATUSES: tuple[Status, ...] = ("met", "disputed", "partly", "missed", "claimed", "restated", "projected", "not-found",
                                "overdue", "due-soon", "upcoming", "qualitative")
PAST_DEADLINE: tuple[Status, ...] = ("met", "disputed", "partly", "missed", "claimed", "restated", "projected",
                                     "not-found", "overdue")
"""The statuses a numeric target past its deadline can have."""
Trend = Literal["on-track", "needs-acceleration", "off-track", "moving-away"]
TRENDS: tuple[Trend, ...] = ("on-track", "needs-acceleration", "off-track", "moving-away")
ON_TRACK, NEEDS_ACCELERATION = 0.95, 0.60
"""Shares of the needed growth rate: at or above the first is on track, at or above the second needs
acceleration, below it off track (and below zero moving away)."""
CHANGE_UNITS = frozenset({"% increase", "% reduction", "multiple of baseline"})
STEADY_UNITS = frozenset({"%", "% of GDP", "index points", "devices", "registrations", "resolutions",
                          "resolutions per day", "base stations", "users"})
"""Measures that move steadily (levels and rates), which a projection may carry forward; counts selected in
batches (platforms, factories, pilots, standards ...) and counts from shifting bases (apps, enterprises) do not."""
MIN_PROJECTION_SPAN = 365
"""A projection needs two points at least this many days apart."""

_DAYS_A_YEAR = 365.25


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
class Projection:
    """Where the pace seen between two points leads by the deadline: a projection, never a verdict."""

    value: float
    at: date
    start_value: float
    start_date: date
    end_value: float
    end_date: date
    rate: float
    """The compound annual growth seen from the first point to the last."""
    reaches: bool
    """Whether the projected value would meet the goal."""


@dataclass(frozen=True)
class Assessment:
    """One target's status and everything known that bears on it."""

    status: Status
    decided_by: Evidence | None = None
    latest: Evidence | None = None
    claim: Claim | None = None
    check: Check | None = None
    trend: TrendAssessment | None = None
    strength: Strength | None = None
    """How far the deciding figure can be trusted (met, partly, missed)."""
    rivals: tuple[Evidence, ...] = ()
    """Figures for the same time that disagree with the deciding one beyond their qualifiers."""
    restated_by: tuple[Restatement, ...] = ()
    projection: Projection | None = None


def satisfies(comparator: str, target: float, target_max: float | None, value: float, qualifier: str) -> bool:
    """True when a reported ``value`` (with its ``qualifier``) certainly meets the target."""
    lower_bound = qualifier in LOWER_BOUNDS
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


# -- projections and trends -------------------------------------------------------------------------


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


def project(comparator: str, target: float, target_max: float | None, deadline: date,
            points: list[tuple[date, float]], unit: str | None = None) -> Projection | None:
    """The value the pace seen from the first of ``points`` to the last would reach by ``deadline``.

    None unless there are two points at least a year apart, both above zero, the last before the deadline.
    A percentage is held at 100."""
    if len(points) < 2:
        return None
    ordered = sorted(points)
    (start, v0), (end, v1) = ordered[0], ordered[-1]
    if (end - start).days < MIN_PROJECTION_SPAN or end >= deadline or min(v0, v1) <= 0:
        return None
    rate = (v1 / v0) ** (_DAYS_A_YEAR / (end - start).days) - 1
    value = v1 * (1 + rate) ** ((deadline - end).days / _DAYS_A_YEAR)
    if unit == "%":
        value = min(value, 100.0)
    return Projection(value, deadline, v0, start, v1, end, rate,
                      satisfies(comparator, target, target_max, value, "exact"))


# -- restatements -----------------------------------------------------------------------------------


def restates(earlier: GoalFacts, later: GoalFacts) -> bool:
    """Whether ``later`` restates ``earlier``: a new level or a new deadline, falling due no sooner.

    The same goal repeated is not a restatement (the earlier one still falls due as printed), and a later
    target due before the earlier one is a step on the way to it, not a new goal in its place."""
    if earlier.deadline is not None and later.deadline is not None and later.deadline < earlier.deadline:
        return False
    return (earlier.target_value, earlier.target_max, earlier.deadline) != (later.target_value, later.target_max,
                                                                            later.deadline)


class TargetLink(NamedTuple):
    """What a restatement needs of one target: its goal, the targets it follows, when its plan was issued."""

    id: str
    follows: tuple[str, ...]
    goal: GoalFacts
    issued: date | None


def restatements(targets: Iterable[TargetLink]) -> dict[str, list[Restatement]]:
    """For each target, the later targets that restate it (``restates``): the validator's text rows and the
    status table's frames both come through here."""
    rows = {t.id: t for t in targets}
    out: dict[str, list[Restatement]] = {}
    for t in rows.values():
        for name in t.follows:
            earlier = rows.get(name)
            if earlier is not None and name != t.id and restates(earlier.goal, t.goal):
                out.setdefault(name, []).append(Restatement(t.id, t.issued))
    return out


# -- the rules --------------------------------------------------------------------------------------


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
    restated_by: list[Restatement] | tuple[Restatement, ...] = (),
    steady: bool | None = None,
) -> Assessment:
    """Status of one target, the figure that decided it and how strong it is, the figures that disagree,
    the latest figure, claim, check, restatements, trend and projection.

    ``steady``: whether the measure moves steadily enough to project (default: by ``unit``, ``STEADY_UNITS``);
    ``False`` turns projections off, which changes no other status."""
    claim = max((c for c in claims if c.reported <= as_of), key=lambda c: (c.reported, c.outcome_id),
                default=None)
    restated = tuple(r for r in restated_by if r.issued is None or r.issued <= as_of)
    if comparator == "qualitative" or target is None:
        return Assessment("claimed" if claim else "qualitative", claim=claim, restated_by=restated)
    known = sorted((e for e in evidence if e.reported <= as_of), key=lambda e: (e.refers_last, e.reported))
    latest = known[-1] if known else None
    in_time = [e for e in known if deadline is None or e.refers_first <= deadline]

    def meets(e: Evidence) -> bool:
        return satisfies(comparator, target, target_max, e.value, e.qualifier)

    hits = [e for e in in_time if meets(e) and e.match != "partial"]
    if hits:
        best = min(hits, key=preference)
        rivals = tuple(r for r in in_time if r is not best and r.match == "same" and differs(best, r)
                       and (same_time(best, r) or (not meets(r) and r.refers_last > best.refers_last)))
        lower = [r for r in rivals if not meets(r) and not reconcilable(best, r)
                 and GRADE_STEPS.get(r.grade, 2) <= GRADE_STEPS.get(best.grade, 2)]
        if lower:
            return Assessment("disputed", best, latest, rivals=rivals, restated_by=restated)
        return Assessment("met", best, latest, strength=strength_of(best, bool(rivals)), rivals=rivals,
                          restated_by=restated)
    partial = [e for e in in_time if meets(e)]
    if partial:
        best = min(partial, key=preference)
        return Assessment("partly", best, latest, strength=strength_of(best), restated_by=restated)
    past = deadline is not None and as_of > deadline
    if past:
        assert deadline is not None
        # A figure for the deadline or later that falls short settles it as missed. One that reaches the goal
        # only for a time after the deadline does not show the goal was reached in time: it settles nothing.
        settling = [e for e in known if e.refers_last >= deadline and e.match == "same" and not meets(e)]
        if settling:
            best = min(settling, key=preference)
            return Assessment("missed", best, latest, strength=strength_of(best), restated_by=restated)
    if claim is not None:
        return Assessment("claimed", None, latest, claim, restated_by=restated)
    same = [(e.refers_last, e.value) for e in known if e.match == "same"]
    points = ([baseline] if baseline else []) + same
    if past:
        assert deadline is not None
        check = max((c for c in checks if c.checked <= as_of), key=lambda c: c.checked, default=None)
        projection = None
        projectable = unit in STEADY_UNITS if steady is None else steady
        if projectable and unit not in CHANGE_UNITS:
            projection = project(comparator, target, target_max, deadline, points, unit)
        if restated:
            return Assessment("restated", None, latest, check=check, restated_by=restated, projection=projection)
        if projection is not None:
            return Assessment("projected", None, latest, check=check, projection=projection)
        return Assessment("not-found" if check else "overdue", None, latest, check=check)
    trend = trend_of(target, deadline, points) if unit not in CHANGE_UNITS else None
    if deadline is not None and deadline <= _add_months(as_of, due_window_months):
        return Assessment("due-soon", None, latest, trend=trend, restated_by=restated)
    return Assessment("upcoming", None, latest, trend=trend, restated_by=restated)


def without_projection(a: Assessment) -> Assessment:
    """The assessment with no projection: what the status would be were projections turned off."""
    if a.status != "projected":
        return a
    return replace(a, status="not-found" if a.check else "overdue", projection=None)


def period_last(first: date, precision: str) -> date:
    """The last day of the period that starts on ``first``, at ``precision`` (year, month or day)."""
    if precision == "day":
        return first
    if precision == "month":
        return PartialDate(first.year, first.month).last
    return PartialDate(first.year).last
