"""Charts: the policy timeline, the money, and progress against targets.

Each function takes the loaded ``Dataset`` (and, where needed, the status frame from
``analysis.status.target_status``), draws inside the house style and returns the ``Figure``; nothing is
shown or saved here (``analysis.report.style.save_chart`` writes SVG and PNG).
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING, Any

from .chart_layout import PAGE, PHONE, TEXT, WIDTH, ChartLayout, source_line
from .chart_layout import year_of as _year
from .i18n import _, ngettext, zh
from .style import INK, KIND_COLOUR, MUTED, STATUS_LABEL, STATUS_STYLE, STATUS_TEXT_COLOUR, house_style
from .svg import tooltip
from .text import KIND_TEXT, compact_number, deadline_text, figure_text, target_text, unit_label, when_text
from .timeline import LANGUAGES, Language, policy_label, timeline

__all__ = ["LANGUAGES", "PAGE", "PHONE", "ChartLayout", "Language", "investments", "policy_label", "progress", "timeline"]


if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..data.loading import Dataset

LABEL_WIDTH = 40


def _shorten(text: str, width: int, lines: int = 2) -> str:
    wrapped = textwrap.wrap(text, width=width, break_long_words=True)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def investments(ds: Dataset, *, currency: str = "CNY", policies: list[str] | None = None,
                title: str | None = None, layout: ChartLayout = PAGE) -> Figure:
    """Each amount in ``currency`` as a bar (log scale, scale in the axis label) beside its period (on a
    phone, ``PHONE``: the period in words in the bar's label over it)."""
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.patches import Patch
    from matplotlib.ticker import NullFormatter

    inv = ds.investments.dropna(subset=["amount"])
    if policies is not None:
        inv = inv[inv["policy_id"].isin(policies)]
    other = inv[inv["currency"] != currency]
    inv = inv[inv["currency"] == currency].sort_values("amount").reset_index(drop=True)
    n = max(len(inv), 1)
    head = title or _("Money behind the policies: {amounts} in {currency}").format(
        amounts=ngettext("{n} amount", "{n} amounts", len(inv)).format(n=len(inv)), currency=currency)
    note = _("'driven' is investment mobilised, not state spending.")
    if len(other):
        note += " " + _("{n} amount(s) in other currencies not shown (no sourced exchange rate).").format(n=len(other))
    if layout.above:
        return _investments_narrow(inv, currency, head, note, layout)
    fig_h = 1.7 + 0.36 * n
    with house_style():
        fig, (ax, ax_t) = plt.subplots(1, 2, figsize=(WIDTH, fig_h), sharey=True,
                                       gridspec_kw={"width_ratios": [3, 2], "wspace": 0.05})
        fig.subplots_adjust(left=0.36, right=0.97, top=1 - 0.75 / fig_h, bottom=1.0 / fig_h)
        billions = inv["amount"] / 1e9
        colours = [KIND_COLOUR[str(k)] for k in inv["kind"]]
        ax.barh(range(len(inv)), billions, color=colours, height=0.6, gid="amount-bars")
        ax.set_xscale("log")
        ax.set_xlabel(f"{currency} billion (log scale)")
        for i, (v, q) in enumerate(zip(billions, inv["qualifier"], strict=True)):
            prefix = {"about": "≈", "more-than": ">", "at-least": "≥", "up-to": "≤"}.get(str(q), "")
            ax.text(v * 1.08, i, f"{prefix}{v:,.3g} bn", va="center", fontsize=TEXT, color=INK)
        ax.set_yticks(range(len(inv)), [_shorten(str(f), LABEL_WIDTH) for f in inv["funded"]], fontsize=TEXT)
        ax.set_ylim(n - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
        if len(inv):
            ax.set_xlim(billions.min() / 3, billions.max() * 8)
        ax.xaxis.set_minor_formatter(NullFormatter())  # on a short log range minor labels collide
        ax.xaxis.set_major_formatter(_plain_formatter())

        drawn: list[float] = []
        for i, r in inv.iterrows():
            start = r["period_start"] if not pd.isna(r["period_start"]) else r["reported"]
            end = r["period_end"] if not pd.isna(r["period_end"]) else None
            if end is not None and not pd.isna(start):
                drawn += [_year(start), _year(end)]
                ax_t.plot(drawn[-2:], [i, i], lw=6, color=KIND_COLOUR[str(r["kind"])], solid_capstyle="butt")
            elif not pd.isna(start):
                drawn.append(_year(start))
                ax_t.plot([drawn[-1]], [i], marker="o", markersize=5, color=KIND_COLOUR[str(r["kind"])])
        ax_t.set_xlabel(_("Period (a dot: date reported,\nno period stated)"))
        ax_t.xaxis.set_major_locator(_year_locator())  # whole years, however short the span
        if drawn:  # fitted to what is drawn, whole years either side (a lone dot would get a century)
            low, high = math.floor(min(drawn)) - 0.5, math.ceil(max(drawn)) + 0.5
            ax_t.set_xlim(low, high)
            years = list(range(math.ceil(low), math.floor(high) + 1))
            step = max(1, math.ceil(len(years) / 5))  # at most five labels, whole years only
            ax_t.set_xticks(years[::step], [str(y) for y in years[::step]])
        ax_t.grid(axis="y", visible=False)
        ax_t.tick_params(axis="y", length=0)
        kinds = list(dict.fromkeys(str(k) for k in inv["kind"]))
        ax.legend(handles=[Patch(color=KIND_COLOUR[k], label=KIND_TEXT[k]) for k in kinds], loc="lower left",
                  bbox_to_anchor=(0, 1.0), ncol=len(kinds) or 1, fontsize=TEXT)
        fig.suptitle(head, x=0.01, ha="left", fontsize=11, fontweight="bold", y=1 - 0.12 / fig_h, va="top")
        source_line(fig, note)
    return fig




def _period_words(r: pd.Series) -> str:
    """An amount's period as a few words: "2018–2020", "from 2021", "reported 2024"."""
    import pandas as pd

    start, end = r["period_start"], r["period_end"]
    if not pd.isna(start) and not pd.isna(end):
        return f"{start.year}" if start.year == end.year else f"{start.year}–{end.year}"
    if not pd.isna(end):
        return _("to {year}").format(year=end.year)
    if not pd.isna(start):
        return _("from {year}").format(year=start.year)
    return _("reported {year}").format(year=r["reported"].year) if not pd.isna(r["reported"]) else _("no period stated")


def _investments_narrow(inv: pd.DataFrame, currency: str, head: str, note: str, layout: ChartLayout) -> Figure:
    """The money chart for a narrow screen: each amount's name and period over its bar."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import NullFormatter
    from matplotlib.transforms import blended_transform_factory

    labels = [_shorten(f"{r.funded} ({_period_words(r)})", layout.chars(), 4) for _i, r in inv.iterrows()]
    lane = [0.1 + (label.count("\n") + 1) * layout.text * 1.15 / 72 + 0.3 for label in labels] or [0.4]
    edges = [sum(lane[:i]) for i in range(len(lane) + 1)]
    head = textwrap.fill(head, layout.chars(layout.title * 1.1))  # bold
    kinds = list(dict.fromkeys(str(k) for k in inv["kind"]))
    top_in = (head.count("\n") + 1) * layout.title * 1.3 / 72 + 0.2
    foot = _source_height(note, layout)
    legend_in = math.ceil(len(kinds) / 2) * layout.text * 1.4 / 72
    bottom_in = 0.75 + legend_in + 0.1 + foot
    fig_h = top_in + edges[-1] + bottom_in
    with house_style():
        fig, ax = plt.subplots(figsize=(layout.width, fig_h))
        fig.subplots_adjust(left=0.03, right=0.97, top=1 - top_in / fig_h, bottom=bottom_in / fig_h)
        ax.set_ylim(edges[-1], 0)
        billions = inv["amount"] / 1e9
        centres = [b - 0.17 for b in edges[1:]]
        ax.barh(centres, billions, color=[KIND_COLOUR[str(k)] for k in inv["kind"]], height=0.22, gid="amount-bars")
        ax.set_xscale("log")
        if len(inv):
            ax.set_xlim(billions.min() / 3, billions.max() * 12)
        where = blended_transform_factory(ax.transAxes, ax.transData)
        for i, (v, q) in enumerate(zip(billions, inv["qualifier"], strict=True)):
            prefix = {"about": "≈", "more-than": ">", "at-least": "≥", "up-to": "≤"}.get(str(q), "")
            ax.text(v * 1.1, centres[i], f"{prefix}{v:,.3g} bn", va="center", fontsize=layout.text, color=INK)
            ax.text(0.01, edges[i] + 0.05, labels[i], transform=where, ha="left", va="top", fontsize=layout.text,
                    linespacing=1.1, color=INK)
        ax.set_yticks([])
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.xaxis.set_major_formatter(_plain_formatter())  # 0.01, not 10 to the -2 in small superscript
        ax.tick_params(axis="x", labelsize=layout.tick)
        ax.set_xlabel(f"{currency} billion (log scale)", fontsize=layout.text)
        fig.legend(handles=[Patch(color=KIND_COLOUR[k], label=k) for k in kinds], loc="lower left",
                   bbox_to_anchor=(0.01, (foot + 0.1) / fig_h), ncol=2, fontsize=layout.text, borderaxespad=0)
        fig.suptitle(head, x=0.01, ha="left", fontsize=layout.title, fontweight="bold", y=1 - 0.1 / fig_h, va="top")
        source_line(fig, note, layout)
    return fig


def _source_height(extra: str, layout: ChartLayout) -> float:
    from .chart_layout import source_height, source_text

    return source_height(source_text(extra, layout), layout)


PANELS = 6  # progress panels in one chart (three rows of two): more go into further charts


def progress_targets(ds: Dataset, policies: list[str] | None = None) -> pd.DataFrame:
    """The numeric targets the progress chart draws (those with a reported figure), in its order."""
    outcomes = ds.outcomes.dropna(subset=["target_id", "value"])
    targets = ds.targets[ds.targets["id"].isin(outcomes["target_id"]) & ds.targets["target_value"].notna()]
    if policies is not None:
        targets = targets[targets["policy_id"].isin(policies)]
    return targets.sort_values(["deadline", "id"]).reset_index(drop=True)


def progress(ds: Dataset, status: pd.DataFrame, *, policies: list[str] | None = None,
             title: str | None = None, targets: list[str] | None = None, layout: ChartLayout = PAGE) -> Figure:
    """For each numeric target with reported figures: the figures over time against the target line.

    Each figure sits at the time the status rules give it (``analysis.status.figure_time``), so the last
    point is the "latest figure" of the targets table; the figure that decided a met or missed status is
    ringed, and the latest is labelled with its value.
    """
    import matplotlib.pyplot as plt

    outcomes = ds.outcomes.dropna(subset=["target_id", "value"])
    chosen = progress_targets(ds, policies)
    if targets is not None:
        chosen = chosen[chosen["id"].isin(targets)]
    by_target = status.set_index("target_id")
    n = len(chosen)
    cols = 2 if n > 1 and not layout.above else 1
    rows = max(math.ceil(n / cols), 1)
    head = title or _("Reported progress against {targets}").format(
        targets=ngettext("{n} numeric target", "{n} numeric targets", n).format(n=n))
    note = _("Dashed line: the target; dotted: its deadline; ringed: the figure that decided the status; hollow: a "
             "near measure, part of it, or a source that disagrees (not joined).")
    if layout.above:  # a phone: one panel a row, each with room over it for its name and status in two lines each
        head = textwrap.fill(head, layout.chars(layout.title * 1.1))  # bold
        top_in = (head.count("\n") + 1) * layout.title * 1.3 / 72 + 0.15
        foot = _source_height(note, layout)
        panel, gap = 2.0, 3 * layout.text * 1.25 / 72 + 0.5
        fig_h = top_in + rows * panel + (rows - 1) * gap + gap - 0.1 + foot + 0.35
        top, bottom, hspace = 1 - (top_in + gap - 0.1) / fig_h, (foot + 0.4) / fig_h, gap / panel
    else:
        fig_h = 1.0 + 2.2 * rows
        top, bottom, hspace = 1 - 0.6 / fig_h, 0.65 / fig_h, 0.95
    with house_style():
        fig, axes = plt.subplots(rows, cols, figsize=(layout.width, fig_h), squeeze=False)
        fig.subplots_adjust(left=0.17 if layout.above else 0.1, right=0.95 if layout.above else 0.97, top=top,
                            bottom=bottom, hspace=hspace, wspace=0.3)
        for ax in axes.flat[n:]:
            ax.set_visible(False)
        for ax, t in zip(axes.flat, chosen.itertuples(), strict=False):  # the grid may have spare cells
            _progress_panel(ax, t, outcomes[outcomes["target_id"] == t.id],
                            by_target.loc[t.id] if t.id in by_target.index else None, layout)
        if n == 0:
            axes[0, 0].set_visible(True)
            axes[0, 0].text(0.5, 0.5, _("No reported outcomes are linked to a numeric target."), ha="center",
                            va="center", transform=axes[0, 0].transAxes, color=MUTED)
            axes[0, 0].set_axis_off()
        fig.suptitle(head, x=0.01, ha="left", fontsize=layout.title, fontweight="bold",
                     **({"y": 1 - 0.1 / fig_h, "va": "top"} if layout.above else {}))
        source_line(fig, note, layout)
    return fig


def _progress_panel(ax: Axes, t: Any, rows: pd.DataFrame, st: pd.Series | None, layout: ChartLayout = PAGE) -> None:
    import pandas as pd

    from ..status import figure_time

    status = "" if st is None else str(st["status"])
    colour = STATUS_STYLE.get(status, ("#444444", "o", True))[0]
    rows = rows.assign(_when=[figure_time(o) for o in rows.itertuples()]).sort_values(["_when", "reported", "id"])
    xs = [_year(w) for w in rows["_when"]]
    ys = list(rows["value"])
    # One line through the figures on the target's own measure that agree with each other: a near measure,
    # part of the measure, or a source that disagrees with the deciding figure is a point of its own.
    rivals = set() if st is None or pd.isna(st["rival_ids"]) else set(str(st["rival_ids"]).split())
    apart = [not (pd.isna(m) or m == "same") or oid in rivals for m, oid in zip(rows["match"], rows["id"], strict=True)]
    joined = [(x, y) for x, y, off in zip(xs, ys, apart, strict=True) if not off]
    if joined:
        ax.plot([x for x, _ in joined], [y for _i, y in joined], color=colour, lw=1.2, zorder=2)
    for x, y, o, off in zip(xs, ys, rows.itertuples(), apart, strict=True):
        marker = ("D" if o.id in rivals else "s") if off else "o"
        (dot,) = ax.plot([x], [y], ls="", marker=marker, markersize=4.5 if not layout.above else 6, color=colour, zorder=3,
                         markerfacecolor="white" if off else colour)
        kind = "" if not off else _("a source that disagrees") if o.id in rivals else (
            _("a near measure") if o.match == "proxy" else _("part of the measure"))
        value = figure_text(float(o.value), str(o.qualifier), str(o.unit))
        tooltip(dot, f"{value} ({when_text(o._asdict())})" + (f" ({kind})" if kind else ""),
                {_("Target"): str(t.metric), _("Reported figure"): value, _("When"): when_text(o._asdict()),
                 _("Measure"): kind or _("the target's own")})
    decided = None if st is None or pd.isna(st["evidence_id"]) else str(st["evidence_id"])
    latest = None if st is None or pd.isna(st["latest_id"]) else str(st["latest_id"])
    for x, y, oid in zip(xs, ys, rows["id"], strict=True):
        if oid == decided:
            ax.plot([x], [y], ls="", marker="o", markersize=9, markerfacecolor="none", markeredgecolor=INK, mew=1,
                    zorder=4, gid="decided")
        if oid == latest:
            ax.annotate(compact_number(y), (x, y), xytext=(4, 4), textcoords="offset points", fontsize=layout.text,
                        color=INK, gid="latest")
    target_value = float(t.target_value)
    ax.axhline(target_value, color=INK, ls="--", lw=1, gid="target-line")
    deadline = t.deadline
    span = list(xs)
    if not pd.isna(deadline):
        ax.axvline(_year(deadline), color=MUTED, ls=":", lw=1)
        span.append(_year(deadline))
    ax.set_xlim(math.floor(min(span)) - 0.3, math.ceil(max(span)) + 0.3)
    low, high = min([*ys, target_value]), max([*ys, target_value])
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1
    ax.set_ylim(low - pad, high + pad)
    top = t.target_max
    goal = target_text(str(t.comparator), target_value, None if pd.isna(top) else float(top))
    line = _("{status}; target {goal} by {deadline}").format(
        status=STATUS_LABEL.get(status, status), goal=goal, deadline=deadline_text(deadline, t.deadline_precision))
    name = str(t.description_zh) if zh() and isinstance(t.description_zh, str) and t.description_zh else str(t.metric)
    if layout.above:  # the panel is the figure's width less its axis labels: name and status over it, wrapped
        chars = int(layout.chars() * 1.12)
        line = _shorten(line, chars, 2)
        ax.set_title(_shorten(name, chars, 2), fontsize=layout.text, fontweight="bold", loc="left",
                     pad=(line.count("\n") + 1) * layout.text * 1.25 + 5, x=-0.16)
        ax.text(-0.16, 1.03, line, transform=ax.transAxes, fontsize=layout.text, color=STATUS_TEXT_COLOUR.get(status, INK),
                va="bottom", ha="left", gid="status-line", linespacing=1.1)
    else:
        ax.set_title(_shorten(name, 44, 1), fontsize=8.5, loc="left", pad=13)
        ax.text(0, 1.02, line, transform=ax.transAxes, fontsize=TEXT, color=STATUS_TEXT_COLOUR.get(status, INK),
                va="bottom", ha="left", gid="status-line")
    ax.tick_params(labelsize=layout.text)
    ax.set_ylabel(unit_label(str(t.unit)), fontsize=layout.text)
    ax.yaxis.set_major_formatter(_compact_formatter())
    ax.xaxis.set_major_locator(_year_locator())


def _compact_formatter():  # type: ignore[no-untyped-def]
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: compact_number(v))


def _plain_formatter():  # type: ignore[no-untyped-def]
    """A log axis's labels as plain numbers, set at the axis's own size: 0.01, 1, 1,000."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:,.10g}")


def _year_locator():  # type: ignore[no-untyped-def]
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=4, integer=True)
