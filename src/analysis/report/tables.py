"""The briefing's tables and lists: policies, targets and what is known about each, lineage, reported
results, money, how status is decided, and the numbered sources.

``BriefingTables`` is mixed into ``analysis.report.briefing.Briefing``, which gives it the data (``ds``,
the selections, each target's ``Assessment``), the citation numbers and ``cite_row``. Each section gathers
plain values and renders its template (``analysis.report.fragments``, ``templates/sections/``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.status_rules import ABOUT_TOLERANCE, NEEDS_ACCELERATION, ON_TRACK, Assessment
from .fragments import render
from .text import (
    BINDING_TEXT,
    GRADE_TEXT,
    TREND_TEXT,
    Html,
    count_text,
    deadline_text,
    figure_text,
    goal_text,
    missing,
    money_text,
    period_text,
    plain_date,
    plain_number,
    rate_text,
    when_text,
)

if TYPE_CHECKING:
    from datetime import date

    import pandas as pd

    from ..data.loading import Dataset
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

    # Also from Briefing: cite_row(table, row_id, source_id), outcome(outcome_id) and _title(row).

    def policies_table(self) -> Html:
        rows = []
        for _, p in self.policies.iterrows():
            rows.append({"title": self._title(p), "doc_number": _or_none(p["doc_number"]), "note": _or_none(p["note"]),
                         "issuer": p["issuer"], "issued": plain_date(p["issued"], p["issued_precision"]),
                         "period": period_text(p["period_start"], p["period_end"]),
                         "cites": self.cite_row("policies", p["id"], p["source_id"])})
        return render("policies", rows=rows)

    def targets_table(self) -> Html:
        """One row per target: the goal, its deadline, its status and what is known about it."""
        rows = []
        descriptions = dict(zip(self.ds.targets["id"], self.ds.targets["description_en"], strict=True))
        for _, t in self.targets.iterrows():
            a = self.assessments[str(t["id"])]
            follows = None
            if not missing(t["follows"]) and str(t["follows"]) in descriptions:
                follows = str(descriptions[str(t["follows"])]).rstrip(".")
            known = self.known(t, a)  # cites before the target's own source, as the page reads
            rows.append({
                "description": t["description_en"],
                "description_zh": None if self.language == "en" else _or_none(t["description_zh"]),
                "printed": _or_none(t["as_printed"]),
                "binding": None if missing(t["binding"]) else BINDING_TEXT[str(t["binding"])],
                "follows": follows, "note": _or_none(t["note"]), "status": a.status,
                "checked": a.check.checked.strftime("%Y-%m") if a.status == "not-found" and a.check else None,
                "trend": a.trend.trend if a.trend else None, "trend_text": TREND_TEXT[a.trend.trend] if a.trend else "",
                "goal": goal_text(t), "deadline": deadline_text(t["deadline"], t["deadline_precision"]),
                "known": known, "cites": self.cite_row("targets", t["id"], t["source_id"])})
        return render("targets", rows=rows)

    def _figure(self, outcome_id: str) -> dict[str, Any]:
        """A reported figure with its qualifier, unit, date and sources: 'more than 350,000 enterprises (2020-09) [4]'."""
        o = self.outcome(outcome_id)
        return {"figure": figure_text(float(o["value"]), str(o["qualifier"]), str(o["unit"])), "when": when_text(o),
                "cites": self.cite_row("outcomes", o["id"], o["source_id"])}

    def known(self, t: Any, a: Assessment) -> list[dict[str, Any]]:
        """What is known about a target, in parts: the deciding figure, the latest, a claim, a search, a trend."""
        parts: list[dict[str, Any]] = []
        ev = a.decided_by
        if a.status in ("met", "missed") and ev is not None:
            parts.append({"kind": "figure", **self._figure(ev.outcome_id)})
            target = None if missing(t["target_value"]) else float(t["target_value"])
            if a.status == "missed" and target:
                parts.append({"kind": "share", "share": f"{ev.value / target:.0%}"})
        if a.status == "claimed" and a.claim is not None:
            c = self.outcome(a.claim.outcome_id)
            parts.append({"kind": "claim", "said": _or_none(c["as_printed"]), "when": when_text(c),
                          "cites": self.cite_row("outcomes", c["id"], c["source_id"])})
        latest = a.latest
        if latest is not None and (a.status not in ("met", "missed") or ev is None or latest.outcome_id != ev.outcome_id):
            parts.append({"kind": "latest", **self._figure(latest.outcome_id)})
        if a.status == "not-found" and a.check is not None:
            parts.append({"kind": "not-found", "looked_for": a.check.looked_for})
        elif a.status == "overdue":
            parts.append({"kind": "overdue"})
        if a.trend is not None:
            tr = a.trend
            parts.append({"kind": "trend", "trend": TREND_TEXT[tr.trend], "observed": rate_text(tr.observed_rate),
                          "start": plain_number(tr.start_value), "start_date": f"{tr.start_date:%Y-%m}",
                          "end": plain_number(tr.end_value), "end_date": f"{tr.end_date:%Y-%m}",
                          "needed": rate_text(tr.needed_rate)})
        return parts

    def lineage(self) -> Html:
        """Targets that continue or replace an earlier plan's target, as chains from the first to the last."""
        rows = {str(r["id"]): r for _, r in self.ds.targets.iterrows()}
        after: dict[str, list[str]] = {}
        for tid, r in rows.items():
            if not missing(r["follows"]) and str(r["follows"]) in rows:
                after.setdefault(str(r["follows"]), []).append(tid)
        titles = dict(zip(self.ds.policies["id"], self.ds.policies["title_en"], strict=True))
        issued = dict(zip(self.ds.policies["id"], self.ds.policies["issued"], strict=True))
        shown = set(self.targets["id"])
        chains, seen = [], set()
        for tid in sorted(rows, key=lambda k: (rows[k]["deadline"], k)):
            r = rows[tid]
            if tid in seen or not (missing(r["follows"]) or str(r["follows"]) not in rows) or tid not in after:
                continue
            chain, queue = [], [tid]
            while queue:
                k = queue.pop(0)
                chain.append(k)
                queue += sorted(after.get(k, []), key=lambda x: (rows[x]["deadline"], x))
            seen.update(chain)
            if shown.intersection(chain):
                chains.append(sorted(chain, key=lambda k: (issued.get(rows[k]["policy_id"]), rows[k]["deadline"], k)))
        shown_chains = []
        for chain in chains:
            targets = []
            for k in chain:
                r = rows[k]
                targets.append({"policy": titles.get(r["policy_id"], r["policy_id"]), "goal": goal_text(r),
                                "deadline": deadline_text(r["deadline"], r["deadline_precision"]),
                                "status": self.assessments[k].status,
                                "cites": self.cite_row("targets", k, r["source_id"])})
            shown_chains.append({"metric": rows[chain[0]]["metric"], "targets": targets})
        return render("lineage", chains=shown_chains)

    def reported_results(self) -> Html:
        """Reported figures and claims that measure no target: what else is known about these policies."""
        o = self.ds.outcomes
        linked = o["target_id"].notna()
        everything = len(self.policy_ids) == len(self.ds.policies)
        mine = o[~linked] if everything else o[~linked & o["policy_id"].isin(self.policy_ids)]
        mine = mine.assign(_when=mine["refers_to"].fillna(mine["reported"])).sort_values(["metric", "_when", "id"])
        rows = [{"metric": r["metric"], "note": _or_none(r["note"]),
                 "figure": None if missing(r["value"]) else figure_text(float(r["value"]), str(r["qualifier"]),
                                                                         str(r["unit"])),
                 "printed": _or_none(r["as_printed"]), "when": when_text(r),
                 "cites": self.cite_row("outcomes", r["id"], r["source_id"])} for _, r in mine.iterrows()]
        return render("results", rows=rows)

    def investments_table(self) -> Html:
        rows = [{"funded": i["funded"], "amount": money_text(i), "printed": _or_none(i["as_printed"]), "kind": i["kind"],
                 "period": period_text(i["period_start"], i["period_end"]),
                 "cites": self.cite_row("investments", i["id"], i["source_id"])} for _, i in self.investments.iterrows()]
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
        """How each status is decided, in plain words (the rules of ``analysis.core.status_rules``)."""
        window = count_text(self.due_window_months, "month")
        items = [
            ("met", "a figure reported by the status date reaches the goal, for a time on or before the "
                    "deadline. A plan that says it will build or cultivate N sets a floor: more than N counts."),
            ("missed", "the deadline has passed and a figure for the deadline or later falls short. The table "
                       "says how much of the goal it reached."),
            ("claimed", "no figure settles the target, but an official statement says the task was completed. "
                        "A claim is not a measurement, so it never counts as met."),
            ("not-found", "the deadline has passed, no figure settles it, and a search of public reports found "
                          "none; the table says when the search was made and what it looked for. This is a gap "
                          "in what is known, not proof of failure."),
            ("overdue", "the deadline has passed and nothing settles it, and no search has been recorded yet."),
            ("due-soon", f"the deadline falls within {window} of the status date."),
            ("upcoming", "the deadline is further off, or no date is printed."),
            ("qualitative", "the goal has no number to test."),
        ]
        return render("rules", items=items, on_track=f"{ON_TRACK:.0%}", needs_acceleration=f"{NEEDS_ACCELERATION:.0%}",
                      about=f"{ABOUT_TOLERANCE:.0%}", as_of=self.as_of.isoformat())


def _or_none(value: object) -> str | None:
    """A text cell: ``None`` where the data has none."""
    return None if missing(value) else str(value)
