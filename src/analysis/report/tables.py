"""The briefing's tables and lists: policies, targets and what is known about each, lineage, reported
results, money, how status is decided, and the numbered sources.

``BriefingTables`` is mixed into ``analysis.report.briefing.Briefing``, which gives it the data (``ds``,
the selections, each target's ``Assessment``), the citation numbers and ``cite_row``. Each section gathers
plain values and renders its template (``analysis.report.fragments``, ``templates/sections/``).
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..core.status_rules import ABOUT_TOLERANCE, NEEDS_ACCELERATION, ON_TRACK, Assessment
from .fragments import render
from .i18n import _, ngettext, zh
from .text import (
    BINDING_TEXT,
    CONFIDENCE_TEXT,
    GRADE_TEXT,
    KIND_TEXT,
    STATUS_TEXT,
    STRENGTH_TEXT,
    TREND_TEXT,
    Html,
    deadline_text,
    figure_text,
    goal_text,
    markup,
    missing,
    money_text,
    period_text,
    plain_date,
    plain_number,
    rate_text,
    reader_note,
    sort_when,
    when_text,
)

if TYPE_CHECKING:
    import pandas as pd

    from ..data.loading import Dataset
    from ..status import AnalystView
    from .text import Citations


class BriefingTables:
    """The table sections of a briefing (see ``Briefing`` for the data they read)."""

    ds: Dataset
    status: pd.DataFrame
    citations: Citations
    as_of: date
    language: str
    due_window_months: int
    policy_ids: list[str]
    policies: pd.DataFrame
    targets: pd.DataFrame
    investments: pd.DataFrame
    listed_sources: set[str] | None
    assessments: dict[str, Assessment]
    analyst_views: dict[str, AnalystView]

    # Also from Briefing: cite_row(table, row_id, source_id), outcome(outcome_id) and _title(row).

    def _words(self, value: object) -> str | None:
        """A curator's note as a reader reads it: the ids of rows it mentions named in words, the curators'
        housekeeping left out (``text.reader_note``)."""
        if missing(value):
            return None
        return reader_note(str(value), self._row_names) or None

    @cached_property
    def _row_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        titles = dict(zip(self.ds.policies["id"], self.ds.policies["title_en"], strict=True))
        for _i, p in self.ds.policies.iterrows():
            names[str(p["id"])] = f"the policy \"{p['title_en']}\""
        for _i, t in self.ds.targets.iterrows():
            what = t["metric"] if isinstance(t["metric"], str) else t["description_en"]
            names[str(t["id"])] = f"the target \"{what}\" of {titles.get(t['policy_id'], 'another policy')}"
        for _i, o in self.ds.outcomes.iterrows():
            names[str(o["id"])] = f"the figure \"{o['metric']}, {when_text(o)}\""
        for _i, i in self.ds.investments.iterrows():
            names[str(i["id"])] = f"the amount \"{i['funded']}\""
        return names

    def policies_table(self) -> Html:
        rows = []
        for _i, p in self.policies.iterrows():
            rows.append({"title": self._title(p), "doc_number": _or_none(p["doc_number"]), "note": self._words(p["note"]),
                         "issuer": p["issuer"], "issued": plain_date(p["issued"], p["issued_precision"]),
                         "period": period_text(p["period_start"], p["period_end"]),
                         "cites": self.cite_row("policies", p["id"], p["source_id"])})
        return render("policies", rows=rows)

    def targets_table(self) -> Html:
        """One row per target: the goal, its deadline, its status and strength, and what is known about it."""
        rows = []
        descriptions = dict(zip(self.ds.targets["id"], self.ds.targets["description_en"], strict=True))
        for _i, t in self.targets.iterrows():
            a = self.assessments[str(t["id"])]
            earlier = [] if missing(t["follows"]) else [n for n in str(t["follows"]).split() if n in descriptions]
            follows = "; ".join(str(descriptions[n]).rstrip(".") for n in earlier) or None
            known = self.known(t, a)  # cites before the target's own source, as the page reads
            rows.append({
                "description": t["description_en"],
                "description_zh": None if self.language == "en" else _or_none(t["description_zh"]),
                "printed": _or_none(t["as_printed"]),
                "binding": None if missing(t["binding"]) else BINDING_TEXT[str(t["binding"])],
                "follows": follows, "note": self._words(t["note"]), "status": a.status,
                "strength": a.strength, "strength_text": STRENGTH_TEXT[a.strength] if a.strength else "",
                "analyst": _analyst_word(self.analyst_views.get(str(t["id"]))),
                "trend": a.trend.trend if a.trend else None, "trend_text": TREND_TEXT[a.trend.trend] if a.trend else "",
                "goal": goal_text(t), "deadline": deadline_text(t["deadline"], t["deadline_precision"]),
                "known": known, "cites": self.cite_row("targets", t["id"], t["source_id"])})
        return render("targets", rows=rows)

    def table(self, frame: pd.DataFrame, *, sources: str | None = None, caption: str = "") -> Html:
        """A table of the analyst's own (an extra cell's DataFrame) in the house style: every cell escaped,
        numbers right-aligned, and, with ``sources`` naming a column of source ids, that column shown as
        numbered citations that join the Sources list."""
        if sources is not None and sources not in frame.columns:
            raise ValueError(f"table(): no column {sources!r} to cite from (columns: {', '.join(map(str, frame.columns))})")
        shown = [c for c in frame.columns if c != sources]
        known = set(self.ds.sources["id"])
        rows = []
        for _i, r in frame.iterrows():
            cells = [{"text": "" if missing(r[c]) else plain_number(float(r[c])) if _numeric_cell(r[c]) else str(r[c]),
                      "num": _numeric_cell(r[c])} for c in shown]
            cites = None
            if sources is not None:
                ids = [] if missing(r[sources]) else str(r[sources]).split()
                unknown = [i for i in ids if i not in known]
                if unknown:
                    raise ValueError(f"table(): no source {unknown[0]!r} in sources.csv")
                cites = markup(" ".join(str(self.citations.cite(i)) for i in ids))
            rows.append({"cells": cells, "cites": cites})
        labels = [str(c) for c in shown] + (["Source"] if sources is not None else [])
        return render("frame", labels=labels, rows=rows, caption=caption, zip=zip)

    def _figure(self, outcome_id: str) -> dict[str, Any]:
        """A reported figure with its qualifier, unit, date, sources and note: 'more than 350,000 enterprises
        (2020-09) [4]'; a derived one with the two figures it is computed from."""
        o = self.outcome(outcome_id)
        part: dict[str, Any] = {"figure": figure_text(float(o["value"]), str(o["qualifier"]), str(o["unit"])),
                                "when": when_text(o), "note": self._words(o["note"]),
                                "match": None if missing(o["match"]) or o["match"] == "same" else str(o["match"]),
                                "cites": self.cite_row("outcomes", o["id"], o["source_id"]), "derived": None}
        if not missing(o["derived_from"]):
            first, op, second = str(o["derived_from"]).split()
            a, b = self.outcome(first), self.outcome(second)
            part["cites"] = markup("")  # each input cites its own
            part["derived"] = {
                "op": _("minus") if op == "-" else _("divided by"),
                "a": figure_text(float(a["value"]), str(a["qualifier"]), str(a["unit"])), "a_when": when_text(a),
                "a_cites": self.cite_row("outcomes", a["id"], a["source_id"]),
                "b": figure_text(float(b["value"]), str(b["qualifier"]), str(b["unit"])), "b_when": when_text(b),
                "b_cites": self.cite_row("outcomes", b["id"], b["source_id"])}
        return part

    def known(self, t: Any, a: Assessment) -> list[dict[str, Any]]:
        """What is known about a target, in parts: the deciding figure and how it measures the target, the
        figures that disagree with it, the latest, a claim, a restatement, a projection, a search, a trend."""
        parts: list[dict[str, Any]] = []
        view = self.analyst_views.get(str(t["id"]))
        if view is not None:
            parts.append({"kind": "analyst", "when": view.assessed.isoformat(), "confidence": CONFIDENCE_TEXT[view.confidence],
                          "text": view.text, "verdict": STATUS_TEXT.get(view.verdict or "", view.verdict),
                          "computed": STATUS_TEXT.get(a.status, a.status), "stale": "; ".join(view.stale),
                          "cites": markup(" ").join(self.citations.cite(sid) for sid in view.source_ids)})
        ev = a.decided_by
        target = None if missing(t["target_value"]) else float(t["target_value"])
        if ev is not None:
            part = {"kind": a.status, **self._figure(ev.outcome_id)}
            if not (a.rivals or part["match"] or part["derived"]):
                part["note"] = None  # a caveat, a derivation or a disagreement needs its note; a plain figure not
            parts.append(part)
            if a.status == "missed" and target:
                parts.append({"kind": "share", "share": f"{ev.value / target:.0%}"})
        for rival in a.rivals:
            parts.append({"kind": "rival", "disputed": a.status == "disputed", **self._figure(rival.outcome_id)})
        if a.status == "claimed" and a.claim is not None:
            c = self.outcome(a.claim.outcome_id)
            parts.append({"kind": "claim", "said": _or_none(c["as_printed"]), "when": when_text(c),
                          "cites": self.cite_row("outcomes", c["id"], c["source_id"])})
        for r in a.restated_by:
            later = self._target_rows.get(r.target_id)
            if later is None:
                continue
            parts.append({"kind": "restated", "policy": self._policy_title(str(later["policy_id"])),
                          "goal": goal_text(later), "deadline": deadline_text(later["deadline"], later["deadline_precision"]),
                          "unit_differs": str(later["unit"]) != str(t["unit"]),
                          "cites": self.cite_row("targets", later["id"], later["source_id"])})
        latest = a.latest
        shown = {e.outcome_id for e in (ev, *a.rivals) if e is not None}
        if latest is not None and latest.outcome_id not in shown and a.projection is None:
            share = f"{latest.value / target:.0%}" if ev is None and target and t["comparator"] in FLOORS else None
            parts.append({"kind": "latest", "share": share, **self._figure(latest.outcome_id)})
        if a.projection is not None:
            pr = a.projection
            last = self._figure(latest.outcome_id) if latest is not None else None
            parts.append({"kind": "projection", "last": last,
                          "share": f"{pr.end_value / target:.0%}" if target else None,
                          "since": f"{pr.start_date:%Y-%m}", "rate": rate_text(pr.rate),
                          "value": figure_text(float(f"{pr.value:.3g}"), "about", str(t["unit"])),
                          "verdict": _("would reach the goal") if pr.reaches else _("short of the goal")})
        if a.status in SEARCHED and a.check is not None:
            parts.append({"kind": "searched", "when": _month_text(a.check.checked),
                          "count": self._search_counts.get(str(t["id"]), 1)})
        elif a.status == "overdue":
            parts.append({"kind": "overdue"})
        if a.trend is not None:
            tr = a.trend
            parts.append({"kind": "trend", "trend": TREND_TEXT[tr.trend], "observed": rate_text(tr.observed_rate),
                          "start": plain_number(tr.start_value), "start_date": f"{tr.start_date:%Y-%m}",
                          "end": plain_number(tr.end_value), "end_date": f"{tr.end_date:%Y-%m}",
                          "needed": rate_text(tr.needed_rate)})
        return parts

    @cached_property
    def _target_rows(self) -> dict[str, Any]:
        return {str(r["id"]): r for _i, r in self.ds.targets.iterrows()}

    @cached_property
    def _search_counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.ds.checks["target_id"].value_counts().items()}

    @cached_property
    def _policy_titles(self) -> dict[str, str]:
        p = self.ds.policies
        names = p["title_zh"].where(p["title_zh"].notna(), p["title_en"]) if zh() else p["title_en"]
        return {str(k): str(v) for k, v in zip(p["id"], names, strict=True)}

    def _policy_title(self, policy_id: str) -> str:
        return self._policy_titles.get(policy_id, policy_id)

    def lineage(self) -> Html:
        """Targets that continue or restate an earlier plan's target, as chains from the first to the last
        (a target restating two earlier goals joins their chains)."""
        rows = self._target_rows
        links: dict[str, set[str]] = {tid: set() for tid in rows}
        for tid, r in rows.items():
            for earlier in ([] if missing(r["follows"]) else str(r["follows"]).split()):
                if earlier in rows:
                    links[tid].add(earlier)
                    links[earlier].add(tid)
        issued = dict(zip(self.ds.policies["id"], self.ds.policies["issued"], strict=True))
        shown = set(self.targets["id"])
        chains, seen = [], set()
        for tid in sorted(rows, key=lambda k: (sort_when(rows[k]["deadline"]), k)):
            if tid in seen or not links[tid]:
                continue
            chain, queue = set(), [tid]
            while queue:
                k = queue.pop()
                if k not in chain:
                    chain.add(k)
                    queue += sorted(links[k])
            seen |= chain
            if shown & chain:
                chains.append(sorted(chain, key=lambda k: (sort_when(issued.get(rows[k]["policy_id"])),
                                                           sort_when(rows[k]["deadline"]), k)))
        shown_chains = []
        for chain in chains:
            targets = []
            for k in chain:
                r = rows[k]
                earlier = [] if missing(r["follows"]) else [n for n in str(r["follows"]).split() if n in rows]
                targets.append({"policy": self._policy_title(str(r["policy_id"])), "goal": goal_text(r),
                                "deadline": deadline_text(r["deadline"], r["deadline_precision"]),
                                "status": self.assessments[k].status, "merges": len(earlier) > 1,
                                "cites": self.cite_row("targets", k, r["source_id"])})
            shown_chains.append({"metric": rows[chain[0]]["metric"], "targets": targets})
        return render("lineage", chains=shown_chains)

    def search_log(self) -> Html:
        """Every recorded search for the results of the targets shown, newest first: what was looked for,
        when, and what was found (the appendix behind "What is known")."""
        checks = self.ds.checks[self.ds.checks["target_id"].isin(set(self.targets["id"]))]
        descriptions = dict(zip(self.targets["id"], self.targets["description_en"], strict=True))
        order = {tid: i for i, tid in enumerate(self.targets["id"])}
        rows = []
        for tid, group in sorted(checks.groupby("target_id"), key=lambda kv: order.get(kv[0], 0)):
            searches = [{"when": c["checked"].strftime("%Y-%m-%d"), "looked_for": c["looked_for"],
                         "note": self._words(c["note"])} for _i, c in group.sort_values("checked", ascending=False).iterrows()]
            rows.append({"target": descriptions[tid], "status": self.assessments[str(tid)].status, "searches": searches})
        return render("search_log", rows=rows)

    def reported_results(self) -> Html:
        """Reported figures and claims that measure no target: what else is known about these policies."""
        o = self.ds.outcomes
        linked = o["target_id"].notna()
        everything = len(self.policy_ids) == len(self.ds.policies)
        mine = o[~linked] if everything else o[~linked & o["policy_id"].isin(self.policy_ids)]
        mine = mine.assign(_when=mine["refers_to"].fillna(mine["reported"])).sort_values(["metric", "_when", "id"])
        rows = [{"metric": r["metric"], "note": self._words(r["note"]),
                 "figure": None if missing(r["value"]) else figure_text(float(r["value"]), str(r["qualifier"]),
                                                                         str(r["unit"])),
                 "printed": _or_none(r["as_printed"]), "when": when_text(r),
                 "cites": self.cite_row("outcomes", r["id"], r["source_id"])} for _i, r in mine.iterrows()]
        return render("results", rows=rows)

    def investments_table(self) -> Html:
        rows = [{"funded": i["funded"], "amount": money_text(i), "printed": _or_none(i["as_printed"]), "kind": KIND_TEXT[str(i["kind"])],
                 "period": period_text(i["period_start"], i["period_end"]),
                 "cites": self.cite_row("investments", i["id"], i["source_id"])} for _i, i in self.investments.iterrows()]
        return render("money", rows=rows)

    def sources(self) -> Html:
        """The numbered list of every source cited above, with address, publisher and grade."""
        src = self.ds.sources.set_index("id")
        items = []
        for source_id, number in sorted(self.citations.numbers.items(), key=lambda kv: kv[1]):
            s = src.loc[source_id]
            url = "" if missing(s["url"]) else str(s["url"])
            items.append({"number": number, "title": s["title"], "language": str(s["language"]),
                          "url": url if url.startswith(("http://", "https://")) else "",
                          "publisher": s["publisher"], "grade": str(s["grade"]), "grade_text": GRADE_TEXT[str(s["grade"])],
                          "published": "" if missing(s["published"]) else plain_date(s["published"],
                                                                                      s["published_precision"]),
                          "late": not missing(s["published"]) and s["published"].date() > self.as_of})
        self.listed_sources = set(self.citations.numbers)  # what save() holds later citations against
        return render("sources", items=items)

    def status_rules(self) -> Html:
        """How each status and strength is decided, in plain words (the rules of ``analysis.core.status_rules``)."""
        window = ngettext("{n} month", "{n} months", self.due_window_months).format(n=self.due_window_months)
        items = [
            ("met", _("a figure reported by the status date reaches the goal, for a time on or before the "
                    "deadline. A plan that says it will build or cultivate N sets a floor: more than N counts. "
                    "Where several figures reach it, the strongest decides.")),
            ("disputed", _("a figure reaches the goal, but a figure on the same measure for the same time or "
                         "later, from a source as good or better, falls short, and their qualifiers cannot both be "
                         "true. A floor counts as met only if the credible lower figure meets it; both are shown.")),
            ("partly", _("only a figure that covers part of the measure reaches the goal: one of several "
                       "components, or some of the units the goal counts.")),
            ("missed", _("the deadline has passed and a figure on the same measure, for the deadline or later, "
                       "falls short. The table says how much of the goal it reached. A near measure that falls "
                       "short is shown as the last known figure, not as a miss.")),
            ("claimed", _("no figure settles the target, but an official statement says the task was completed. "
                        "A claim is not a measurement, so it never counts as met.")),
            ("restated", _("the deadline has passed with no figure settling it, and a later plan repeats the goal "
                         "with a new level or deadline; the table names the plan and the new goal.")),
            ("projected", _("the deadline has passed with no final figure, and the measure is a level or rate that "
                          "moves steadily: the growth seen between two figures at least a year apart is carried "
                          "to the deadline. A projection is never a verdict.")),
            ("not-found", _("the deadline has passed, no figure settles it, and a search of public reports found "
                          "none; the table says when, and the search log lists what was looked for. This is a gap "
                          "in what is known, not proof of failure.")),
            ("overdue", _("the deadline has passed and nothing settles it, and no search has been recorded yet.")),
            ("due-soon", _("the deadline falls within {window} of the status date.").format(window=window)),
            ("upcoming", _("the deadline is further off, or no date is printed.")),
            ("qualitative", _("the goal has no number to test.")),
        ]
        strengths = [
            ("strong", _("the figure is on the target's own measure and comes from an official or major-media "
                       "source")),
            ("fair", _("one step down: a secondary source, or an official figure on a near measure (a proxy), on "
                     "part of the measure, or derived by the tracker from two reported figures")),
            ("weak", _("two or more steps down: a weak source (an unattributed repost), or a secondary source on a "
                     "near measure")),
        ]
        return render("rules", items=items, strengths=[(k, STRENGTH_TEXT[k], w) for k, w in strengths],
                      on_track=f"{ON_TRACK:.0%}", needs_acceleration=f"{NEEDS_ACCELERATION:.0%}",
                      about=f"{ABOUT_TOLERANCE:.0%}", as_of=self.as_of.isoformat())


SEARCHED = ("not-found", "restated", "projected")
"""Statuses of unsettled past-deadline targets whose last search the table names."""
FLOORS = ("at-least", "more-than")


def _analyst_word(view: AnalystView | None) -> str | None:
    """The Status cell's line for an analyst's assessment: 'analyst: missed', 'analyst agrees (stale)'."""
    if view is None:
        return None
    word = (_("analyst: {verdict}").format(verdict=STATUS_TEXT.get(view.verdict, view.verdict)) if view.verdict
            else _("analyst agrees"))
    return word + (_(" (may be out of date)") if view.stale else "")


def _numeric_cell(value: object) -> bool:
    import numbers

    return isinstance(value, numbers.Number) and not isinstance(value, bool) and not missing(value)


def _month_text(day: date) -> str:
    return f"{day.year}年{day.month}月" if zh() else f"{day:%B %Y}"


def _or_none(value: object) -> str | None:
    """A text cell: ``None`` where the data has none."""
    return None if missing(value) else str(value)
