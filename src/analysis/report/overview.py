"""Portfolio views for the overview notebook: targets by year and status, money by period."""

from __future__ import annotations

from ..core.status_rules import STATUSES
from .briefing import Briefing
from .text import STATUS_TEXT, Html, data_table, esc, plain_number


def by_year(b: Briefing) -> Html:
    """A table: one row per deadline year, one column per status, with totals."""
    t = b.targets
    years = t["deadline"].dt.year.astype("Int64").astype("string").fillna("no date")
    counts = t.assign(year=years).groupby(["year", "status"], observed=False).size().unstack(fill_value=0)
    statuses = [s for s in STATUSES if s in counts.columns and counts[s].sum()]
    rows = []
    for year, row in counts.iterrows():
        if not row.sum():
            continue
        cells = "".join(f"<td class='num'>{int(row[s]) or ''}</td>" for s in statuses)
        rows.append(f"<tr><td>{esc(year)}</td>{cells}<td class='num'><b>{int(row.sum())}</b></td></tr>")
    total = "".join(f"<td class='num'><b>{int(counts[s].sum())}</b></td>" for s in statuses)
    rows.append(f"<tr class='total'><td>all</td>{total}<td class='num'><b>{int(counts.values.sum())}</b></td></tr>")
    return Html(data_table(["Due"] + [STATUS_TEXT[s] for s in statuses] + ["targets"], rows, "counts"))


def money_by_period(b: Briefing) -> Html:
    """Every amount on record, by the start of its period (or its report date), with its source."""
    inv = b.investments.copy()
    inv["when"] = inv["period_start"].fillna(inv["reported"])
    inv = inv.sort_values(["when", "id"], na_position="last")
    rows = []
    for _, i in inv.iterrows():
        start = "" if i["when"] != i["when"] else str(i["when"].year)
        end = "" if i["period_end"] != i["period_end"] else str(i["period_end"].year)
        period = start + (f"–{end}" if end and end != start else "")
        amount = "not stated" if i["amount"] != i["amount"] else f"{i['currency']} {plain_number(float(i['amount']))}"
        rows.append(f"<tr><td class='nowrap'>{esc(period)}</td><td>{esc(i['funded'])}</td>"
                    f"<td class='nowrap'>{esc(amount)}</td><td>{esc(i['kind'])}</td>"
                    f"<td>{b.citations.cite(i['source_id'])}</td></tr>")
    return Html(data_table(["Period", "What", "Amount", "Kind", "Source"], rows, "money-by-period"))
