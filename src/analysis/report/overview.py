"""Portfolio views for the overview notebook: the page a reader takes to a meeting.

Page 1 is the portfolio at a glance (the key figures, then the policies with the most open promises); then
status by policy and every target in one table (each policy, linked to its own briefing where the evidence
is, heads its targets with their count by status), money by period, and the reported results grouped by
measure (one row per measure, its latest figure). Per-target detail (what is known, progress charts,
lineage, searches) lives in the policy briefings.
"""

from __future__ import annotations

from typing import Any

from ..core.status_rules import STATUSES
from .briefing import Briefing
from .fragments import render
from .i18n import _, current, ngettext, stem, zh
from .text import STATUS_TEXT, STRENGTH_TEXT, Html, deadline_text, figure_text, goal_text, missing, money_text, when_text

SETTLED = ("met", "disputed", "partly", "missed")
OPEN = ("claimed", "restated", "projected", "not-found", "overdue")
"""Past their deadline with no settling figure: the promises a reader should ask about."""
COMING = ("due-soon", "upcoming")


def _policy_cells(b: Briefing, p: Any) -> dict[str, Any]:
    """A policy as a portfolio table names it: its title in the briefing's first language (the policy's own
    briefing gives both), linked to that briefing."""
    bid = b.briefing_of(str(p["id"]))
    page = stem(str(bid), current())  # the Chinese overview links to the Chinese editions
    return {"title": b._title(p)[:1], "link": f"../{bid}/{page}.html" if bid else ""}


def _short_name(r: Any) -> str:
    """A target by its short name: its measure, or in Chinese its Chinese term where the data has one."""
    if zh() and isinstance(r["description_zh"], str) and r["description_zh"]:
        return str(r["description_zh"])
    return str(r["metric"]) if isinstance(r["metric"], str) else str(r["description_en"])


def open_promises(b: Briefing, top: int = 5) -> Html:
    """The policies with the most targets past their deadline and not settled by a figure."""
    t = b.targets
    counts = t[t["status"].isin(OPEN)].groupby("policy_id").size().sort_values(ascending=False, kind="stable")
    policies = b.policies.set_index("id")
    rows = []
    for pid, n in counts.head(top).items():
        mine = t[(t["policy_id"] == pid) & t["status"].isin(OPEN)]["status"].value_counts()
        words = [f"{int(mine[s])} {STATUS_TEXT[s]}" for s in OPEN if mine.get(s, 0)]
        rows.append({**_policy_cells(b, policies.loc[pid].to_dict() | {"id": pid}), "n": int(n),
                     "of": int((t["policy_id"] == pid).sum()), "words": _(", ").join(words)})
    return render("open_promises", rows=rows, total=int(t["status"].isin(OPEN).sum()))


def status_words(statuses: Any, strengths: Any) -> str:
    """A policy's targets in words: '6 targets: 5 met (2 on strong evidence), 1 claimed, no figure'."""
    counts = statuses.value_counts()
    strong = int((statuses.isin(SETTLED) & (strengths == "strong")).sum())
    parts = []
    for s in STATUSES:
        n = int(counts.get(s, 0))
        if n:
            parts.append(f"{n} {STATUS_TEXT[s]}" + (_(" ({n} on strong evidence)").format(n=strong)
                                                    if s == "met" and strong else ""))
    total = int(counts.sum())
    return ngettext("{n} target", "{n} targets", total).format(n=total) + _(": ") + _(", ").join(parts)


def all_targets(b: Briefing) -> Html:
    """Status by policy and every target, in one table: each policy (in issue order, linked to its own
    briefing) heads its targets with their count by status; each target says what it promises, by when,
    and where it stands."""
    groups = []
    for _i, p in b.policies.iterrows():
        mine = b.targets[b.targets["policy_id"] == p["id"]]
        if mine.empty:
            continue
        groups.append({**_policy_cells(b, p), "issued": "" if missing(p["issued"]) else str(p["issued"].year),
                       "summary": status_words(mine["status"], mine["strength"]), "rows": [
            {"description": _short_name(r), "goal": goal_text(r),
             "deadline": deadline_text(r["deadline"], r["deadline_precision"]), "status": str(r["status"]),
             "strength": (STRENGTH_TEXT[r["strength"]] if zh() else r["strength"])
             if isinstance(r["strength"], str) and r["status"] in SETTLED else ""}
            for _i, r in mine.iterrows()]})
    return render("all_targets", groups=groups, by_status=_by_status(b))


def _by_status(b: Briefing) -> list[dict[str, Any]]:
    """Every target under its status, each naming its policy (linked to its briefing): on a screen, the
    answer to "which targets have no result?" without reading the table through."""
    cells = {str(p["id"]): _policy_cells(b, p) for _i, p in b.policies.iterrows()}
    out = []
    for s in STATUSES:
        mine = b.targets[b.targets["status"] == s].sort_values(["deadline", "id"], na_position="last")
        if mine.empty:
            continue
        out.append({"status": s, "label": STATUS_TEXT[s], "targets": [
            {"name": _short_name(r), "goal": goal_text(r),
             "deadline": deadline_text(r["deadline"], r["deadline_precision"]), **cells[str(r["policy_id"])]}
            for _i, r in mine.iterrows()]})
    return out


def money_by_period(b: Briefing) -> Html:
    """Every amount on record, by the start of its period (or its report date), with its source."""
    inv = b.investments.copy()
    inv["when"] = inv["period_start"].fillna(inv["reported"])
    inv = inv.sort_values(["when", "id"], na_position="last")
    rows = []
    for _i, i in inv.iterrows():
        start = "" if i["when"] != i["when"] else str(i["when"].year)
        end = "" if i["period_end"] != i["period_end"] else str(i["period_end"].year)
        rows.append({"period": start + (f"–{end}" if end and end != start else ""), "funded": i["funded"],
                     "amount": money_text(i), "kind": i["kind"], "cites": b.citations.cite(i["source_id"])})
    return render("money_by_period", rows=rows)


def results_by_measure(b: Briefing) -> Html:
    """Figures that measure no target, one row per measure: its latest figure (the latest date; the figure
    of the best source among those of that date), and how many figures are on record."""
    o = b.ds.outcomes
    o = o[o["target_id"].isna() & o["value"].notna()]
    o = o.assign(_when=o["refers_to"].fillna(o["reported"]))
    rows = []
    for metric, group in o.groupby("metric", sort=True):
        latest = group.sort_values(["_when", "id"]).iloc[-1]
        rows.append({"metric": metric, "figure": figure_text(float(latest["value"]), str(latest["qualifier"]),
                                                            str(latest["unit"])),
                     "when": when_text(latest), "count": len(group),
                     "cites": b.citations.cite(latest["source_id"])})  # its own source: the briefings list all
    claims = int((b.ds.outcomes["target_id"].isna() & b.ds.outcomes["value"].isna()).sum())
    return render("results_by_measure", rows=rows, figures=len(o), claims=claims)
