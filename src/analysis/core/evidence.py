"""The evidence the status rules weigh: reported figures, claims, searches and restatements, and how far
to trust a figure (its strength) and whether two figures for the same time can both be true.

Pure code on plain values, shared by ``analysis.core.status_rules`` (which decides a status from them), the
validator and the status table. The strength rule is explained in ``analysis.core.status_rules``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, NamedTuple

Strength = Literal["strong", "fair", "weak"]
STRENGTHS: tuple[Strength, ...] = ("strong", "fair", "weak")
MATCHES = ("same", "proxy", "partial")
"""How a figure measures its target: the same measure, a near but different one, or part of it."""
GRADE_STEPS = {"official": 0, "major-media": 0, "secondary": 1, "weak": 2}
"""Steps below strong that a source's grade sets."""
ABOUT_TOLERANCE = 0.10
SAME_TIME = timedelta(days=31)
"""Two figures describe the same time when their periods overlap or end within this of each other."""
LOWER_BOUNDS = {"more-than", "at-least"}


@dataclass(frozen=True)
class Evidence:
    """One reported value, as the status rules need it: the figure, its time, and how far to trust it."""

    outcome_id: str
    value: float
    qualifier: str
    refers_first: date
    refers_last: date
    reported: date
    grade: str = "secondary"
    match: str = "same"
    derived: bool = False
    cap: str | None = None
    """A strength the curator recorded (a page not found again): the figure's strength is never above it."""


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
class Restatement:
    """A later plan's target that restates this one with a new level or deadline."""

    target_id: str
    issued: date | None
    """When the later plan was issued (``None``: not printed, taken as known)."""


class GoalFacts(NamedTuple):
    """What a restatement compares of two targets: the goal and when it falls due."""

    comparator: str
    target_value: float | None
    target_max: float | None
    unit: str | None
    deadline: date | None


def best_grade(grades: Iterable[str]) -> str:
    """The best of some sources' grades (official first); 'weak' for none. A figure is as good as the best
    source that prints it."""
    return min(grades, key=lambda g: GRADE_STEPS.get(g, 2), default="weak")


def weakest_grade(grades: Iterable[str]) -> str:
    """The weakest of some grades: a figure derived from two is as good as the weaker."""
    return max(grades, key=lambda g: GRADE_STEPS.get(g, 2), default="weak")


def base_strength(grade: str, match: str, derived: bool = False) -> Strength:
    """A figure's strength from its source's grade and how it measures the target, before any dispute or
    curated cap: strong, fair or weak."""
    steps = GRADE_STEPS.get(grade, 2) + (match != "same") + bool(derived)
    return STRENGTHS[min(steps, len(STRENGTHS) - 1)]


def strength_of(e: Evidence, contested: bool = False) -> Strength:
    """The strength of a deciding figure: its base strength, a step lower if ``contested`` (another figure
    for the same time disagrees), and never above the curator's cap."""
    steps = STRENGTHS.index(base_strength(e.grade, e.match, e.derived)) + contested
    if e.cap in STRENGTHS:
        steps = max(steps, STRENGTHS.index(e.cap))  # type: ignore[arg-type]
    return STRENGTHS[min(steps, len(STRENGTHS) - 1)]


def bounds(e: Evidence) -> tuple[float, float]:
    """The values a figure allows: exactly it, within 10% ("about"), or it and more (a lower bound)."""
    if e.qualifier in LOWER_BOUNDS:
        return e.value, math.inf
    if e.qualifier == "about":
        return e.value * (1 - ABOUT_TOLERANCE), e.value * (1 + ABOUT_TOLERANCE)
    return e.value, e.value


def reconcilable(a: Evidence, b: Evidence) -> bool:
    """Whether two figures can both be true: the values their qualifiers allow overlap."""
    (lo_a, hi_a), (lo_b, hi_b) = bounds(a), bounds(b)
    return not (hi_a < lo_b or hi_b < lo_a)


def differs(a: Evidence, b: Evidence) -> bool:
    """Whether two figures, read at face value, differ by more than the 'about' tolerance."""
    return abs(a.value - b.value) > ABOUT_TOLERANCE * max(abs(a.value), abs(b.value))


def same_time(a: Evidence, b: Evidence) -> bool:
    """Whether two figures describe the same time: their periods overlap or end within a month."""
    overlap = a.refers_first <= b.refers_last and b.refers_first <= a.refers_last
    return overlap or abs(a.refers_last - b.refers_last) <= SAME_TIME


def preference(e: Evidence) -> tuple[int, int, date, date, str]:
    """Order of preference for a deciding figure: the strongest, then the one on the target's own measure,
    then the earliest."""
    return STRENGTHS.index(strength_of(e)), MATCHES.index(e.match) if e.match in MATCHES else 9, e.refers_last, \
        e.reported, e.outcome_id


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
    grade: str = "secondary"
    match: str = "same"
    derived: bool = False
    cap: str | None = None


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
            if o.derived:
                continue  # a derived figure whose inputs are missing: the validator reports it
            claim = Claim(o.id, o.refers_last, o.reported)
            if o.target_id:
                index.claims.setdefault(o.target_id, []).append(claim)
            elif o.policy_id:
                index.policy_claims.setdefault(o.policy_id, []).append(claim)
        elif o.target_id:
            index.evidence.setdefault(o.target_id, []).append(
                Evidence(o.id, o.value, o.qualifier, o.refers_first, o.refers_last, o.reported, o.grade, o.match,
                         o.derived, o.cap))
    return index
