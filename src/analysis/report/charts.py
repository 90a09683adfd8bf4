"""Charts: the policy timeline, the money, and progress against targets.

Each function takes the loaded ``Dataset`` (and, where needed, the status frame from
``analysis.status.target_status``), draws inside the house style and returns the ``Figure``; nothing is
shown or saved here (``analysis.report.style.save_figure`` writes SVG and PNG).
"""

from __future__ import annotations

import math
import textwrap
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from .style import GRID, INK, KIND_COLOUR, LANE, MUTED, STATUS_LABEL, STATUS_STYLE, house_style
from .text import compact_number, count_text, target_text

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..data.loading import Dataset

Language = Literal["en", "zh", "both"]
LANGUAGES: tuple[str, ...] = ("en", "zh", "both")

LABEL_WIDTH = 46  # characters per line of a lane label
STACK = 4  # markers stacked vertically at one point of a lane before a new column starts


def _year(ts: pd.Timestamp | date) -> float:
    """A date as a fractional year, the x unit of the timeline."""
    d = ts.date() if isinstance(ts, datetime) else ts
    start = date(d.year, 1, 1)
    return d.year + (d - start).days / (date(d.year + 1, 1, 1) - start).days


def _shorten(text: str, width: int, lines: int = 2) -> str:
    wrapped = textwrap.wrap(text, width=width, break_long_words=True)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def policy_label(title_en: str, title_zh: str | None, language: Language) -> str:
    """Lane label in the chosen language; Chinese falls back to English where no Chinese title exists."""
    if language == "zh":
        return _shorten(title_zh, LABEL_WIDTH // 2) if title_zh else _shorten(title_en, LABEL_WIDTH)
    if language == "both" and title_zh:
        return _shorten(title_en, LABEL_WIDTH, 1) + "\n" + _shorten(title_zh, LABEL_WIDTH // 2, 1)
    return _shorten(title_en, LABEL_WIDTH)


def _source_line(fig: Figure, ds: Dataset, extra: str = "") -> None:
    text = (f"Source: Industrial Internet Policy Tracker, data version {ds.version}; "
            f"{len(ds.sources)} sources, each fact cited in the briefing.{(' ' + extra) if extra else ''}")
    fig.text(0.01, 0.005, textwrap.fill(text, 150), ha="left", va="bottom", fontsize=7, color=MUTED)


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")


def timeline(
    ds: Dataset,
    status: pd.DataFrame,
    as_of: date,
    *,
    policies: list[str] | None = None,
    language: Language = "en",
    title: str | None = None,
) -> Figure:
    """One lane per policy (its period as a bar, its issue date marked), every target a marker at its
    deadline coloured by status, a vertical "as of" line, a legend and a source line.

    Targets sharing a lane and a deadline are stacked (up to four high, then side by side), so none hides
    another. Targets with no printed deadline sit in a "no date" column at the right.
    """
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    _check_language(language)
    pol = ds.policies if policies is None else ds.policies[ds.policies["id"].isin(policies)]
    pol = pol.sort_values(["issued", "id"], na_position="last").reset_index(drop=True)
    st = status[status["policy_id"].isin(pol["id"])].merge(
        ds.targets[["id", "metric"]], left_on="target_id", right_on="id", how="left")

    dates = [d for d in list(pol["issued"]) + list(pol["period_start"]) + list(st["deadline"]) if not pd.isna(d)]
    lo = min([2015.0] + [_year(d) for d in dates])
    hi = max([_year(as_of) + 1] + [_year(d) + 0.5 for d in dates])
    lo, hi = math.floor(lo), min(math.ceil(hi), 2051)
    undated_x = hi + 1.5

    n = max(len(pol), 1)
    lane_h = 0.5 if language == "both" else 0.42
    top_in, bottom_in = 0.45, 1.35  # title above; ticks, axis label, legend and source line below
    fig_h = top_in + bottom_in + lane_h * n
    with house_style():
        fig, ax = plt.subplots(figsize=(10, fig_h))
        fig.subplots_adjust(left=0.33, right=0.97, top=1 - top_in / fig_h, bottom=bottom_in / fig_h)
        lane_of = {pid: i for i, pid in enumerate(pol["id"])}
        for i, p in pol.iterrows():
            if i % 2 == 0:
                ax.axhspan(i - 0.5, i + 0.5, color=LANE, zorder=0, lw=0)
            start = p["period_start"] if not pd.isna(p["period_start"]) else p["issued"]
            end = p["period_end"]
            if not pd.isna(start) and not pd.isna(end):
                ax.plot([_year(start), _year(end)], [i, i], color="#b9c7d6", lw=7, solid_capstyle="butt",
                        zorder=1, gid=f"period-{p['id']}")
            if not pd.isna(p["issued"]):
                ax.plot([_year(p["issued"])], [i], marker="|", markersize=14, mew=2, color=INK, zorder=2,
                        gid=f"issued-{p['id']}")

        # Stack targets that share a lane and a deadline.
        groups: dict[tuple[int, float], list[int]] = {}
        for k, row in st.iterrows():
            x = undated_x if pd.isna(row["deadline"]) else _year(row["deadline"])
            groups.setdefault((lane_of[row["policy_id"]], round(x, 3)), []).append(k)
        pos: dict[int, tuple[float, float]] = {}
        span = ((undated_x + 1) if st["deadline"].isna().any() else hi + 0.5) - (lo - 0.5)
        dx = 0.085 * span / (10 * (0.97 - 0.33))  # one marker width (0.085 in) in years
        dy = 0.085 / lane_h
        for (lane, x), members in groups.items():
            cols = math.ceil(len(members) / STACK)
            rows = min(len(members), STACK)
            for j, k in enumerate(members):
                c, r = divmod(j, STACK)
                pos[k] = (x + (c - (cols - 1) / 2) * dx * 1.15, lane + (r - (rows - 1) / 2) * dy * 1.15)
        size = 26
        for name, (colour, marker, filled) in STATUS_STYLE.items():
            ks = [k for k in st.index if st.at[k, "status"] == name]
            if not ks:
                continue
            xs, ys = zip(*(pos[k] for k in ks), strict=True)
            ax.scatter(xs, ys, s=size, marker=marker, zorder=3, linewidths=1.1,
                       facecolors=colour if filled else "white", edgecolors=colour, gid=f"targets-{name}")

        x_as_of = _year(as_of)
        ax.axvline(x_as_of, color=INK, lw=1, ls=(0, (4, 2)), zorder=2, gid="as-of")

        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(range(len(pol)))
        ax.set_yticklabels([policy_label(p.title_en, None if pd.isna(p.title_zh) else p.title_zh, language)
                            for p in pol.itertuples()], fontsize=7.5, linespacing=1.05)
        for label, title_zh in zip(ax.get_yticklabels(), pol["title_zh"], strict=True):
            if language != "en" and not pd.isna(title_zh):
                label.set_gid("lang-zh-Hans")
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        has_undated = st["deadline"].isna().any()
        ax.set_xlim(lo - 0.5, (undated_x + 1) if has_undated else hi + 0.5)
        step = 5 if hi - lo > 16 else (2 if hi - lo > 8 else 1)
        ticks = [y for y in range(lo - lo % step, hi + 1, step) if y >= lo]
        labels = [str(t) for t in ticks]
        if has_undated:
            ax.axvspan(hi + 0.5, undated_x + 1, color=GRID, alpha=0.5, lw=0, zorder=0)
            ticks.append(undated_x)
            labels.append("no date")
        ax.set_xticks(ticks, labels)
        ax.set_xlabel("Deadline (a year-only deadline is placed at the end of that year)")

        counts = st["status"].value_counts()
        handles = [
            Line2D([], [], ls="", marker=m, markersize=6, markerfacecolor=c if f else "white",
                   markeredgecolor=c, label=f"{STATUS_LABEL[s]} ({counts.get(s, 0)})")
            for s, (c, m, f) in STATUS_STYLE.items()
        ]
        handles += [Patch(color="#b9c7d6", label="policy period"),
                    Line2D([], [], ls="", marker="|", markersize=9, mew=2, color=INK, label="issued"),
                    Line2D([], [], color=INK, lw=1, ls=(0, (4, 2)), label=f"as of {as_of.isoformat()}")]
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.3 / fig_h), ncol=5, fontsize=7.5,
                   handletextpad=0.3, columnspacing=1.2, borderaxespad=0)
        fig.suptitle(title or f"{count_text(len(st), 'target')} in {count_text(len(pol), 'policy', 'policies')}, "
                     "by deadline and status",
                     x=0.01, ha="left", fontsize=12, fontweight="bold", y=1 - 0.08 / fig_h, va="top")
        _source_line(fig, ds, f"Status as of {as_of.isoformat()}.")
    return fig


def investments(ds: Dataset, *, currency: str = "CNY", policies: list[str] | None = None,
                title: str | None = None) -> Figure:
    """Each amount in ``currency`` as a bar (log scale, scale in the axis label) beside its period."""
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
    fig_h = 1.6 + 0.36 * n
    with house_style():
        fig, (ax, ax_t) = plt.subplots(1, 2, figsize=(10, fig_h), sharey=True,
                                       gridspec_kw={"width_ratios": [3, 2], "wspace": 0.05})
        fig.subplots_adjust(left=0.33, right=0.97, top=1 - 0.75 / fig_h, bottom=0.9 / fig_h)
        billions = inv["amount"] / 1e9
        colours = [KIND_COLOUR[str(k)] for k in inv["kind"]]
        ax.barh(range(len(inv)), billions, color=colours, height=0.6, gid="amount-bars")
        ax.set_xscale("log")
        ax.set_xlabel(f"{currency} billion (log scale)")
        for i, (v, q) in enumerate(zip(billions, inv["qualifier"], strict=True)):
            prefix = {"about": "≈", "more-than": ">", "at-least": "≥", "up-to": "≤"}.get(str(q), "")
            ax.text(v * 1.08, i, f"{prefix}{v:,.3g} bn", va="center", fontsize=7, color=INK)
        ax.set_yticks(range(len(inv)), [_shorten(str(f), LABEL_WIDTH) for f in inv["funded"]], fontsize=7.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
        if len(inv):
            ax.set_xlim(billions.min() / 3, billions.max() * 8)
        ax.xaxis.set_minor_formatter(NullFormatter())  # on a short log range minor labels collide

        for i, r in inv.iterrows():
            start = r["period_start"] if not pd.isna(r["period_start"]) else r["reported"]
            end = r["period_end"] if not pd.isna(r["period_end"]) else None
            if end is not None and not pd.isna(start):
                ax_t.plot([_year(start), _year(end)], [i, i], lw=6, color=KIND_COLOUR[str(r["kind"])],
                          solid_capstyle="butt")
            elif not pd.isna(start):
                ax_t.plot([_year(start)], [i], marker="o", markersize=5, color=KIND_COLOUR[str(r["kind"])])
        ax_t.set_xlabel("Period (a dot: date reported, no period stated)")
        ax_t.xaxis.set_major_locator(_year_locator())  # whole years, however short the span
        low, high = ax_t.get_xlim()
        ax_t.set_xlim(min(low, math.floor(low + 0.05) - 0.5), max(high, math.ceil(high - 0.05) + 0.5))
        ax_t.grid(axis="y", visible=False)
        ax_t.tick_params(axis="y", length=0)
        kinds = list(dict.fromkeys(str(k) for k in inv["kind"]))
        ax.legend(handles=[Patch(color=KIND_COLOUR[k], label=k) for k in kinds], loc="lower left",
                  bbox_to_anchor=(0, 1.0), ncol=len(kinds) or 1, fontsize=7.5)
        fig.suptitle(title or f"Money behind the policies: {count_text(len(inv), 'amount')} in {currency}", x=0.01, ha="left",
                     fontsize=12, fontweight="bold", y=1 - 0.12 / fig_h, va="top")
        note = ("'driven' is investment mobilised, not state spending.")
        if len(other):
            note += f" {len(other)} amount(s) in other currencies not shown (no sourced exchange rate)."
        _source_line(fig, ds, note)
    return fig


def progress(ds: Dataset, status: pd.DataFrame, *, policies: list[str] | None = None,
             title: str | None = None) -> Figure:
    """For each numeric target with reported outcomes: the values over time against the target line."""
    import matplotlib.pyplot as plt

    outcomes = ds.outcomes.dropna(subset=["target_id", "value"])
    targets = ds.targets[ds.targets["id"].isin(outcomes["target_id"]) & ds.targets["target_value"].notna()]
    if policies is not None:
        targets = targets[targets["policy_id"].isin(policies)]
    targets = targets.sort_values(["deadline", "id"]).reset_index(drop=True)
    status_of = dict(zip(status["target_id"], status["status"], strict=True))
    n = len(targets)
    cols = 3 if n > 4 else max(n, 1)
    rows = max(math.ceil(n / cols), 1)
    with house_style():
        fig, axes = plt.subplots(rows, cols, figsize=(10, 0.9 + 2.3 * rows), squeeze=False)
        fig.subplots_adjust(left=0.07, right=0.98, top=1 - 0.75 / (0.9 + 2.3 * rows), bottom=0.55 / (0.9 + 2.3 * rows),
                            hspace=0.75, wspace=0.3)
        for ax in axes.flat[n:]:
            ax.set_visible(False)
        for ax, t in zip(axes.flat, targets.itertuples(), strict=False):  # the grid may have spare cells
            _progress_panel(ax, t, outcomes[outcomes["target_id"] == t.id], str(status_of.get(t.id, "")))
        if n == 0:
            axes[0, 0].set_visible(True)
            axes[0, 0].text(0.5, 0.5, "No reported outcomes are linked to a numeric target.", ha="center",
                            va="center", transform=axes[0, 0].transAxes, color=MUTED)
            axes[0, 0].set_axis_off()
        fig.suptitle(title or f"Reported progress against {count_text(n, 'numeric target')}", x=0.01, ha="left", fontsize=12,
                     fontweight="bold")
        _source_line(fig, ds, "Dashed line: the target; dotted: its deadline.")
    return fig


def _progress_panel(ax: Axes, t: Any, rows: pd.DataFrame, status: str) -> None:
    import pandas as pd

    colour = STATUS_STYLE.get(status, ("#444444", "o", True))[0]
    when = [r if not pd.isna(r) else rep for r, rep in zip(rows["refers_to"], rows["reported"], strict=True)]
    xs = [_year(w) for w in when]
    ys = list(rows["value"])
    ax.plot(xs, ys, marker="o", color=colour, lw=1.2, markersize=4, gid="outcomes")
    target_value = float(t.target_value)
    ax.axhline(target_value, color=INK, ls="--", lw=1, gid="target-line")
    deadline = t.deadline
    span = list(xs)
    if not pd.isna(deadline):
        ax.axvline(_year(deadline), color=MUTED, ls=":", lw=1)
        span.append(_year(deadline))
    ax.set_xlim(math.floor(min(span)) - 0.3, math.ceil(max(span)) + 0.3)
    low, high = min([*ys, target_value]), max([*ys, target_value])
    pad = (high - low) * 0.12 or abs(high) * 0.1 or 1
    ax.set_ylim(low - pad, high + pad)
    ax.set_title(_shorten(str(t.metric), 40, 1), fontsize=8.5, loc="left", pad=13)
    top = t.target_max
    goal = target_text(str(t.comparator), target_value, None if pd.isna(top) else float(top))
    ax.text(0, 1.02, f"{STATUS_LABEL.get(status, status)}; target {goal} by {_deadline_text(deadline)}",
            transform=ax.transAxes, fontsize=7, color=colour, va="bottom", ha="left")
    ax.tick_params(labelsize=7)
    ax.set_ylabel(str(t.unit), fontsize=7)
    ax.yaxis.set_major_formatter(_compact_formatter())
    ax.xaxis.set_major_locator(_year_locator())


def _deadline_text(deadline: object) -> str:
    import pandas as pd

    if deadline is None or pd.isna(deadline):
        return "no date"
    d = deadline.date() if isinstance(deadline, datetime) else deadline
    return str(d.year) if (d.month, d.day) == (12, 31) else d.isoformat()


def _compact_formatter():  # type: ignore[no-untyped-def]
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: compact_number(v))


def _year_locator():  # type: ignore[no-untyped-def]
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=4, integer=True)
