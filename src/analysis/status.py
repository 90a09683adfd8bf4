"""The status table: every target of a ``Dataset`` with its status as of a date and the evidence behind it.

``target_status(ds, as_of, due_window_months=12)`` applies the rules of ``analysis.core.status_rules`` (where
the statuses, comparators and trends are defined) to every target. Only what was known on ``as_of`` counts:
outcomes *reported* on or before it, checks made on or before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from .core import derived
from .core.evidence import STRENGTHS, Check, GoalFacts, OutcomeFacts, best_grade, index_outcomes, weakest_grade
from .core.status_rules import STATUSES, TRENDS, Assessment, TargetLink, classify, period_last, restatements

if TYPE_CHECKING:
    import pandas as pd

    from .data.loading import Dataset

COLUMNS = ["target_id", "policy_id", "deadline", "status", "strength", "evidence_id", "evidence_value",
           "evidence_qualifier", "evidence_reported", "evidence_match", "share_of_goal", "rival_ids", "latest_id",
           "latest_value", "latest_qualifier", "latest_refers", "latest_reported", "latest_share_of_goal",
           "claim_id", "restated_by", "checked", "looked_for",
           "trend", "trend_start_value", "trend_start_date", "trend_end_value", "trend_end_date",
           "trend_observed_rate", "trend_needed_rate", "trend_ratio", "projected_value", "projected_rate",
           "projection_reaches", "projection_start_value", "projection_start_date", "projection_end_value",
           "projection_end_date"]


def as_date(value: date | str) -> date:
    """A status date given as a ``date`` (a ``datetime`` or ``pandas.Timestamp`` counts by its day) or as
    ``YYYY-MM-DD``; anything else is a ``TypeError`` that says so."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    raise TypeError(f"a status date must be a datetime.date or 'YYYY-MM-DD', got {type(value).__name__} {value!r}")


def assessments(ds: Dataset, as_of: date | str, due_window_months: int = 12) -> dict[str, Assessment]:
    """Every target's ``Assessment`` as of ``as_of``, by target id, in the order of ``ds.targets``: its status
    and the objects behind it (the deciding and latest figures, a claim, the last search, a trend). The
    briefing renders from these; ``target_status`` flattens them into a table."""
    import pandas as pd

    as_of = as_date(as_of)
    if due_window_months < 0:
        raise ValueError(f"due_window_months must be 0 or more, got {due_window_months}")
    grades = dict(zip(ds.sources["id"], ds.sources["grade"].astype(str), strict=True))
    printing: dict[str, list[str]] = {}  # outcome id -> the grades of the sources that print its figure
    for o in ds.outcomes.itertuples(index=False):
        printing[str(o.id)] = [grades.get(str(o.source_id), "weak")]
    for c in ds.citations.itertuples(index=False):
        if str(c.table) == "outcomes" and not pd.isna(c.as_printed) and str(c.row_id) in printing:
            printing[str(c.row_id)].append(grades.get(str(c.source_id), "weak"))
    own_grade = {oid: best_grade(found) for oid, found in printing.items()}

    def grade_of(o: object) -> str:
        """A figure's grade: its sources', or for a derived figure the weaker of its two inputs'."""
        if pd.isna(o.derived_from):  # type: ignore[attr-defined]
            return own_grade[str(o.id)]  # type: ignore[attr-defined]
        return weakest_grade(own_grade.get(n, "weak") for n in derived.inputs(str(o.derived_from)))  # type: ignore[attr-defined]

    outcomes = index_outcomes(
        OutcomeFacts(str(o.id), None if pd.isna(o.target_id) else str(o.target_id),
                     None if pd.isna(o.policy_id) else str(o.policy_id), None if pd.isna(o.value) else float(o.value),
                     str(o.qualifier), *_refers(o), o.reported.date(), grade_of(o),
                     "same" if pd.isna(o.match) else str(o.match), not pd.isna(o.derived_from),
                     None if pd.isna(o.strength) else str(o.strength))
        for o in ds.outcomes.itertuples(index=False))
    checks: dict[str, list[Check]] = {}
    for c in ds.checks.itertuples(index=False):
        checks.setdefault(str(c.target_id), []).append(Check(c.checked.date(), str(c.looked_for)))
    restated = restatements(target_links(ds))
    found = {}
    for t in ds.targets.itertuples(index=False):
        deadline = None if pd.isna(t.deadline) else t.deadline.date()
        baseline = None
        if not pd.isna(t.baseline_value) and not pd.isna(t.baseline_date):
            baseline = (period_last(t.baseline_date.date(), str(t.baseline_date_precision)), float(t.baseline_value))
        found[str(t.id)] = classify(
            str(t.comparator), None if pd.isna(t.target_value) else float(t.target_value),
            None if pd.isna(t.target_max) else float(t.target_max),
            deadline, outcomes.evidence.get(str(t.id), []), as_of, due_window_months,
            claims=outcomes.claims_for(str(t.id), str(t.policy_id), deadline),
            checks=checks.get(str(t.id), []), baseline=baseline, unit=None if pd.isna(t.unit) else str(t.unit),
            restated_by=restated.get(str(t.id), []),
        )
    return found


def goal_facts(t: object) -> GoalFacts:
    """A target row's goal, as a restatement compares it."""
    import pandas as pd

    def number(v: object) -> float | None:
        return None if pd.isna(v) else float(v)  # type: ignore[arg-type]

    return GoalFacts(str(t.comparator), number(t.target_value), number(t.target_max),  # type: ignore[attr-defined]
                     None if pd.isna(t.unit) else str(t.unit),  # type: ignore[attr-defined]
                     None if pd.isna(t.deadline) else t.deadline.date())  # type: ignore[attr-defined]


def target_links(ds: Dataset) -> list[TargetLink]:
    """Every target's goal, the targets it follows and its plan's issue date (for ``restatements``)."""
    import pandas as pd

    issued = dict(zip(ds.policies["id"], ds.policies["issued"], strict=True))
    links = []
    for t in ds.targets.itertuples(index=False):
        day = issued.get(t.policy_id)
        links.append(TargetLink(str(t.id), tuple(() if pd.isna(t.follows) else str(t.follows).split()),
                                goal_facts(t), None if day is None or pd.isna(day) else day.date()))
    return links


def target_status(ds: Dataset, as_of: date | str, due_window_months: int = 12,
                  found: dict[str, Assessment] | None = None) -> pd.DataFrame:
    """One row per target: its status as of ``as_of`` and the evidence behind it, flattened (the download's
    form; ``found``: the ``assessments`` already made for the same arguments).

    Columns: ``target_id``, ``policy_id``, ``deadline``, ``status`` (categorical, in the order of
    ``STATUSES``); the deciding figure (``evidence_id``, ``evidence_value``, ``evidence_qualifier``,
    ``evidence_reported``) and for a missed target ``share_of_goal``; the latest figure (``latest_id``,
    ``latest_value``, ``latest_qualifier``, ``latest_refers`` (the last day of the period it describes),
    ``latest_reported``); ``claim_id``; the last check (``checked``, ``looked_for``); and the trend
    (``trend`` and its inputs ``trend_start_value``/``_date``, ``trend_end_value``/``_date``,
    ``trend_observed_rate``, ``trend_needed_rate``, ``trend_ratio``).
    """
    import pandas as pd

    if found is None:
        found = assessments(ds, as_of, due_window_months)
    rows = [_row(t, found[str(t.id)], None if pd.isna(t.target_value) else float(t.target_value))
            for t in ds.targets.itertuples(index=False)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["status"] = pd.Categorical(frame["status"], categories=list(STATUSES))
    frame["trend"] = pd.Categorical(frame["trend"], categories=list(TRENDS))
    frame["strength"] = pd.Categorical(frame["strength"], categories=list(STRENGTHS))
    frame["projection_reaches"] = frame["projection_reaches"].astype("boolean")
    for column in ("target_id", "policy_id", "evidence_id", "evidence_qualifier", "evidence_match", "rival_ids",
                   "latest_id", "latest_qualifier", "claim_id", "restated_by", "looked_for"):
        frame[column] = frame[column].astype("string")
    for column in ("evidence_reported", "latest_refers", "latest_reported", "checked", "trend_start_date",
                   "trend_end_date", "projection_start_date", "projection_end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _row(t: object, a: Assessment, target: float | None) -> dict[str, object]:
    import pandas as pd

    def stamp(day: date | None) -> pd.Timestamp:
        return pd.Timestamp(day) if day else pd.NaT

    nan = float("nan")
    ev, latest, trend, pr = a.decided_by, a.latest, a.trend, a.projection
    share = ev.value / target if a.status in ("missed", "partly") and ev and target else nan
    unsettled = ev is None and latest is not None and target
    return {
        "target_id": t.id, "policy_id": t.policy_id, "deadline": t.deadline, "status": a.status,  # type: ignore[attr-defined]
        "strength": a.strength,
        "evidence_id": ev.outcome_id if ev else None, "evidence_value": ev.value if ev else nan,
        "evidence_qualifier": ev.qualifier if ev else None, "evidence_reported": stamp(ev and ev.reported),
        "evidence_match": ev.match if ev else None,
        "share_of_goal": share, "rival_ids": " ".join(r.outcome_id for r in a.rivals) or None,
        "latest_id": latest.outcome_id if latest else None, "latest_value": latest.value if latest else nan,
        "latest_qualifier": latest.qualifier if latest else None,
        "latest_refers": stamp(latest and latest.refers_last), "latest_reported": stamp(latest and latest.reported),
        "latest_share_of_goal": latest.value / target if unsettled and latest else nan,  # type: ignore[operator]
        "claim_id": a.claim.outcome_id if a.claim else None,
        "restated_by": " ".join(r.target_id for r in a.restated_by) or None,
        "checked": stamp(a.check and a.check.checked), "looked_for": a.check.looked_for if a.check else None,
        "trend": trend.trend if trend else None,
        "trend_start_value": trend.start_value if trend else nan, "trend_start_date": stamp(trend and trend.start_date),
        "trend_end_value": trend.end_value if trend else nan, "trend_end_date": stamp(trend and trend.end_date),
        "trend_observed_rate": trend.observed_rate if trend else nan,
        "trend_needed_rate": trend.needed_rate if trend else nan, "trend_ratio": trend.ratio if trend else nan,
        "projected_value": pr.value if pr else nan, "projected_rate": pr.rate if pr else nan,
        "projection_reaches": pr.reaches if pr else None,
        "projection_start_value": pr.start_value if pr else nan, "projection_start_date": stamp(pr and pr.start_date),
        "projection_end_value": pr.end_value if pr else nan, "projection_end_date": stamp(pr and pr.end_date),
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
    return first, period_last(first, str(precision))



@dataclass(frozen=True)
class AnalystView:
    """An analyst's latest assessment of a target, as of the status date, and whether it is stale."""

    assessed: date
    verdict: str | None
    """The analyst's verdict where it differs from the computed status (``None``: agrees with it)."""
    confidence: str
    text: str
    source_ids: tuple[str, ...]
    computed_then: str
    """The status the rules gave on the day of the assessment."""
    stale: tuple[str, ...]
    """Why the assessment may be out of date: figures reported after it, a computed status changed since."""


def analyst_views(ds: Dataset, as_of: date | str, found: dict[str, Assessment] | None = None,
                  due_window_months: int = 12) -> dict[str, AnalystView]:
    """Each target's latest assessment written by ``as_of`` (``assessments.csv``), with the computed status
    of its day and why it may be stale: a figure for the target reported after it, or a computed status
    that is no longer the one the analyst saw."""
    import pandas as pd

    as_of = as_date(as_of)
    if ds.assessments is None or ds.assessments.empty:
        return {}
    found = found if found is not None else assessments(ds, as_of, due_window_months)
    written = ds.assessments[ds.assessments["assessed"] <= pd.Timestamp(as_of)]
    latest = written.sort_values("assessed").groupby("target_id").tail(1)
    then: dict[date, dict[str, Assessment]] = {}
    views = {}
    for a in latest.itertuples(index=False):
        day = a.assessed.date()
        if day not in then:
            then[day] = assessments(ds.known_at(day), day, due_window_months)
        tid = str(a.target_id)
        before = then[day].get(tid)
        computed_then = before.status if before else "upcoming"
        reasons = []
        later = ds.outcomes[(ds.outcomes["target_id"] == tid) & (ds.outcomes["reported"] > a.assessed)
                            & (ds.outcomes["reported"] <= pd.Timestamp(as_of))]
        if len(later):
            reasons.append(f"{len(later)} figure{'s' if len(later) != 1 else ''} reported after it")
        now = found[tid].status if tid in found else computed_then
        if now != computed_then:
            reasons.append(f"the computed status changed from {computed_then} to {now}")
        views[tid] = AnalystView(day, None if pd.isna(a.verdict) else str(a.verdict), str(a.confidence), str(a.text),
                                 tuple(() if pd.isna(a.source_ids) else str(a.source_ids).split()), computed_then,
                                 tuple(reasons))
    return views
