"""Portfolio views for the overview notebook: targets by year and status, money by period."""

from __future__ import annotations

from ..core.status_rules import STATUSES
from .briefing import Briefing
from .fragments import render
from .text import STATUS_TEXT, Html, money_text


def by_year(b: Briefing) -> Html:
    """A table: one row per deadline year, one column per status, with totals."""
    t = b.targets
    years = t["deadline"].dt.year.astype("Int64").astype("string").fillna("no date")
    counts = t.assign(year=years).groupby(["year", "status"], observed=False).size().unstack(fill_value=0)
    statuses = [s for s in STATUSES if s in counts.columns and counts[s].sum()]
    labels = [STATUS_TEXT[s] for s in statuses]
    rows = [(year, [(label, int(row[s])) for label, s in zip(labels, statuses, strict=True)], int(row.sum()))
            for year, row in counts.iterrows() if row.sum()]
    totals = [(label, int(counts[s].sum())) for label, s in zip(labels, statuses, strict=True)]
    return render("by_year", header=["Due", *labels, "targets"], rows=rows, totals=totals,
                  total=int(counts.values.sum()))


def money_by_period(b: Briefing) -> Html:
    """Every amount on record, by the start of its period (or its report date), with its source."""
    inv = b.investments.copy()
    inv["when"] = inv["period_start"].fillna(inv["reported"])
    inv = inv.sort_values(["when", "id"], na_position="last")
    rows = []
    for _, i in inv.iterrows():
        start = "" if i["when"] != i["when"] else str(i["when"].year)
        end = "" if i["period_end"] != i["period_end"] else str(i["period_end"].year)
        rows.append({"period": start + (f"–{end}" if end and end != start else ""), "funded": i["funded"],
                     "amount": money_text(i), "kind": i["kind"], "cites": b.citations.cite(i["source_id"])})
    return render("money_by_period", rows=rows)
