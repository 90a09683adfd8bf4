"""The timeline: a lane per policy (the overview) or a lane per target (a one-policy briefing).

The x axis gives the years around the briefing most of the width: it runs linearly from the earliest date
to the end of the last year with anything up to ``max(FAR_AFTER, as_of + 4)``; later years (2035, 2049)
each get a narrow labelled slot in a shaded column of their own at the right, and targets with no printed
deadline a "no date" slot after them (``YearAxis``).

Charts are drawn in a ``ChartLayout`` (``analysis.report.chart_layout``): ``PAGE`` for paper and a
desktop, ``PHONE`` for a narrow screen, with the lane labels over the lanes. Full policy names wrap; none
is cut.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from .chart_layout import (
    LABEL_WIDTH,
    PAGE,
    SLOT,
    TEXT,
    ChartLayout,
    YearAxis,
    labels_above,
    source_height,
    source_line,
    source_text,
    year_axis,
    year_of,
)
from .i18n import _, ngettext, zh
from .style import INK, LANE, MUTED, STATUS_LABEL, STATUS_STYLE, house_style
from .svg import tooltip
from .text import STATUS_TEXT, figure_text, join_words, plain_date, target_text, when_text

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..data.loading import Dataset

Language = Literal["en", "zh", "both"]
LANGUAGES: tuple[str, ...] = ("en", "zh", "both")
LABEL_LINES = 4  # a target's description longer than this many lines ends in "…"
MAX_LANES = 18  # the overview splits its policies over charts of at most this many lanes
POLICY_LINES = 2  # a policy's lane label: its name in at most this many lines per language ("…" beyond; the
                  # table of policies and the tooltip give it whole), so that 18 lanes fit an A4 page
MAX_HEIGHT = 7.0  # inches of lanes in one chart, so that it fits an A4 page with its caption
STACK = 4
PERIOD = "#b9c7d6"


def policy_label(title_en: str, title_zh: str | None, language: str, lines: int | None = None,
                 width: int = LABEL_WIDTH) -> str:
    """A lane label in the chosen language, ``width`` characters a line, wrapped (cut with "…" only beyond
    ``lines`` lines)."""
    def wrap(text: str, width: int) -> list[str]:
        out = textwrap.wrap(text, width=width, break_long_words=True)
        if lines is not None and len(out) > lines:
            out = out[:lines]
            out[-1] = out[-1][: width - 1].rstrip() + "…"
        return out

    if language == "zh" and title_zh:
        return "\n".join(wrap(title_zh, width // 2))
    if language == "both" and title_zh:
        return "\n".join(wrap(title_en, width) + wrap(title_zh, width // 2))
    return "\n".join(wrap(title_en, width))


def groups(pol: pd.DataFrame, language: str = "en", max_lanes: int = MAX_LANES,
           max_height: float = MAX_HEIGHT) -> list[list[str]]:
    """Policies (sorted by issue date) in runs of whole issue years, each of at most ``max_lanes`` lanes
    and ``max_height`` inches of lanes (a year with more is split)."""
    import pandas as pd

    runs: list[list[str]] = []
    years: dict[object, list[tuple[str, float]]] = {}
    for p in pol.itertuples():
        label = policy_label(str(p.title_en), None if pd.isna(p.title_zh) else str(p.title_zh), language,
                             POLICY_LINES)
        years.setdefault(None if pd.isna(p.issued) else p.issued.year, []).append((str(p.id), lane_height(label)))
    height: list[float] = []
    for lanes in years.values():
        size = sum(h for _i, h in lanes)
        if not runs or len(runs[-1]) + len(lanes) > max_lanes or height[-1] + size > max_height:
            runs.append([])
            height.append(0.0)
        for pid, h in lanes:
            if runs[-1] and (len(runs[-1]) >= max_lanes or height[-1] + h > max_height):
                runs.append([])
                height.append(0.0)
            runs[-1].append(pid)
            height[-1] += h
    return runs


def summary(ds: Dataset, status: pd.DataFrame, policies: list[str]) -> str:
    """One sentence with the counts a timeline shows: policies, years of issue, targets by status."""
    import pandas as pd

    pol = ds.policies[ds.policies["id"].isin(policies)]
    st = status[status["policy_id"].isin(policies)]
    years = sorted({d.year for d in pol["issued"] if not pd.isna(d)})
    issued = "" if not years else _(" issued {years}").format(years=years[0] if years[0] == years[-1] else f"{years[0]}–{years[-1]}")
    counts = st["status"].value_counts()
    words = {**STATUS_TEXT, "claimed": _("claimed without a figure")}  # no comma inside an item of the list
    parts = [f"{int(counts[s])} {words[s]}" for s in STATUS_STYLE if counts.get(s, 0)]
    tail = _(": {parts}").format(parts=join_words(parts)) if parts else ""
    return _("Timeline of {policies}{issued} with {targets}{tail}.").format(
        policies=ngettext("{n} policy", "{n} policies", len(pol)).format(n=len(pol)), issued=issued,
        targets=ngettext("{n} target", "{n} targets", len(st)).format(n=len(st)), tail=tail)


def _tip_fields(t: pd.Series, ds: Dataset) -> dict[str, str]:
    """A target's marker as a row of the chart's table: what, the goal, when due, its status, the latest figure."""
    import pandas as pd

    from .text import deadline_text, goal_text

    latest = t.get("latest_id")
    if isinstance(latest, str):
        o = ds.outcomes.set_index("id").loc[latest]
        figure = f"{figure_text(float(o['value']), str(o['qualifier']), str(o['unit']))} ({when_text(o)})"
    else:
        figure = _("claimed done, no figure") if not pd.isna(t.get("claim_id")) else _("none found")
    return {_("Target"): target_name(t), _("Goal"): goal_text(t),
            _("Due"): deadline_text(t["deadline"], t["deadline_precision"]),
            _("Status"): STATUS_LABEL.get(str(t["status"]), str(t["status"])), _("Latest figure"): figure}


def target_name(t: Any) -> str:
    """A target as a chart names it: its Chinese term in the Chinese edition where the data has one."""
    zh_name = t.get("description_zh")
    if zh() and isinstance(zh_name, str) and zh_name:
        return zh_name
    return str(t["description_en"])


def _tip(t: pd.Series, status: pd.Series, ds: Dataset) -> str:
    import pandas as pd

    from .text import deadline_text, goal_text

    text = _("{target}\nGoal: {goal}; due {deadline}\nStatus: {status}").format(
        target=target_name(t), goal=goal_text(t), deadline=deadline_text(t["deadline"], t["deadline_precision"]),
        status=STATUS_LABEL.get(str(status["status"]), str(status["status"])))
    latest = status.get("latest_id")
    if isinstance(latest, str):
        o = ds.outcomes.set_index("id").loc[latest]
        text += "\n" + _("Latest figure: {figure} ({when})").format(
            figure=figure_text(float(o["value"]), str(o["qualifier"]), str(o["unit"])), when=when_text(o))
    elif not pd.isna(status.get("claim_id")):
        text += "\n" + _("Claimed done, no figure")
    return text


def timeline(ds: Dataset, status: pd.DataFrame, as_of: date, *, policies: list[str] | None = None,
             language: Language = "en", title: str | None = None, per_target: bool = False,
             layout: ChartLayout = PAGE) -> Figure:
    """Lanes (one per policy, or with ``per_target`` one per target), each target a marker at its
    deadline, shaped and coloured by status, with a tooltip; a vertical "as of" line; legend; source line.

    Per policy: the bar is the policy's period, the tick its issue date; targets sharing a lane and a
    deadline are stacked. Per target: the bar runs from the issue date to the deadline, the reported
    figures are dots along it (labelled with their value), the status marker sits at the deadline.
    ``layout`` sets the sizes (``PAGE`` for paper and a desktop, ``PHONE`` for a narrow screen).
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    from ..status import figure_time

    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    pol = ds.policies if policies is None else ds.policies[ds.policies["id"].isin(policies)]
    pol = pol.sort_values(["issued", "id"], na_position="last").reset_index(drop=True)
    targets = ds.targets.merge(status.drop(columns=["policy_id", "deadline"]), left_on="id", right_on="target_id")
    targets = targets[targets["policy_id"].isin(pol["id"])]
    figures = ds.outcomes.dropna(subset=["target_id", "value"])
    figures = figures[figures["target_id"].isin(targets["id"])]
    if per_target:
        targets = targets.sort_values(["deadline", "id"], na_position="last").reset_index(drop=True)
        lanes = [policy_label(str(t.description_en), None if pd.isna(t.description_zh) else str(t.description_zh),
                              language, LABEL_LINES, layout.label_width) for t in targets.itertuples()]
    else:
        lanes = [policy_label(str(p.title_en), None if pd.isna(p.title_zh) else str(p.title_zh), language,
                              POLICY_LINES, layout.label_width) for p in pol.itertuples()]
    dates = [*pol["issued"], *pol["period_start"], *pol["period_end"], *targets["deadline"]]
    if per_target:
        dates = [*pol["issued"], *targets["deadline"], *(figure_time(o) for o in figures.itertuples())]
    axis = year_axis(dates, as_of, undated=bool(targets["deadline"].isna().any()), start=None if per_target else 2015,
                     slot=3.4 if layout.above else SLOT)

    # Lanes in inches, each as tall as its label; y runs down from 0.
    heights = [lane_height(label, per_target, layout) for label in lanes] or [0.3]
    edges = [sum(heights[:i]) for i in range(len(heights) + 1)]
    if layout.above:  # the marks in the lower part of the lane, under its label
        centres = [b - (0.17 if per_target else _bar(per_target) / 2) for b in edges[1:]]
    else:
        centres = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    what = ngettext("{n} target", "{n} targets", len(targets)).format(n=len(targets))
    head = title or (_("{what} of this policy, by deadline and status").format(what=what) if per_target and len(pol) == 1
                     else _("{what} in {policies}, by deadline and status").format(
                         what=what, policies=ngettext("{n} policy", "{n} policies", len(pol)).format(n=len(pol))))
    xlabel = _("Deadline (a year-only deadline sits at the end of that year; later years at the right)")
    source = _("Status as of {day}.").format(day=plain_date(as_of, "day"))
    statuses = int((targets["status"].value_counts() > 0).sum())
    if layout.above:
        head = textwrap.fill(head, layout.chars(layout.title * 1.1))  # bold
        xlabel = textwrap.fill(xlabel, layout.chars())
        top_in = (head.count("\n") + 1) * layout.title * 1.3 / 72 + 0.2
        legend_in = (statuses + 3) * layout.text * 1.4 / 72
        foot = source_height(source_text(source, layout), layout)
        bottom_in = 0.35 + (xlabel.count("\n") + 1) * layout.text * 1.3 / 72 + 0.15 + legend_in + 0.1 + foot
        legend_y = foot + 0.1
    else:
        top_in, bottom_in = 0.5, 1.0 + 0.17 * math.ceil((statuses + 3) / 3)
        legend_y = 0.32
    fig_h = top_in + bottom_in + edges[-1]
    with house_style():
        fig, ax = plt.subplots(figsize=(layout.width, fig_h))
        fig.subplots_adjust(left=0.03 if layout.above else 0.4, right=0.97 if layout.above else 0.98,
                            top=1 - top_in / fig_h, bottom=bottom_in / fig_h)
        ax.set_xlim(axis.lo - 0.5, axis.right)
        ax.set_ylim(edges[-1], 0)
        for i in range(0, len(heights), 2):
            ax.axhspan(edges[i], edges[i + 1], color=LANE, zorder=0, lw=0)
        if axis.far_years or axis.undated:
            ax.axvspan(axis.far_start, axis.right, color="#e9e9e9", alpha=0.7, lw=0, zorder=0)
            ax.axvline(axis.far_start, color=MUTED, lw=0.8, ls=(0, (1, 2)), zorder=1)
        issued = dict(zip(pol["id"], pol["issued"], strict=True))
        if per_target:
            _target_lanes(ax, ds, axis, targets, figures, issued, centres, layout)
        else:
            _policy_lanes(ax, ds, axis, pol, targets, centres, layout)
        ax.axvline(year_of(as_of), color=INK, lw=1, ls=(0, (4, 2)), zorder=2, gid="as-of")
        if layout.above:
            labels_above(ax, lanes, edges, layout)
            ax.set_yticks([])
        else:
            ax.set_yticks(centres)
            ax.set_yticklabels(lanes, fontsize=layout.text, linespacing=1.1)
            ax.tick_params(axis="y", length=0)
        if language != "en":
            for label in [*ax.get_yticklabels(), *ax.texts]:
                if any("\u4e00" <= ch <= "\u9fff" for ch in label.get_text()):
                    label.set_gid("lang-zh-Hans")
        ax.grid(axis="y", visible=False)
        share = axis.main_share() * layout.width * 0.94 * 72  # points of axis the main range takes
        ticks, labels = axis.ticks(max(2, int(share / (layout.tick * 3.4))) if layout.above else None)
        ax.set_xticks(ticks, labels, fontsize=layout.tick)
        ax.set_xlabel(xlabel, fontsize=layout.text, loc="left" if layout.above else "center")
        _legend(fig, targets, as_of, fig_h, per_target, layout, legend_y)
        fig.suptitle(head, x=0.01, ha="left", fontsize=layout.title, fontweight="bold", y=1 - 0.1 / fig_h, va="top")
        source_line(fig, source, layout)
    return fig


def _bar(per_target: bool) -> float:
    """Inches under a label above its lane (``PHONE``) for the lane's marks."""
    return 0.5


def lane_height(label: str, per_target: bool = False, layout: ChartLayout | None = None) -> float:
    """Inches a lane needs for its label (and, per target, the values above the figures); with labels
    above the lanes, the label's lines and the marks under them."""
    layout = layout or PAGE
    lines = label.count("\n") + 1
    if layout.above:
        return 0.08 + lines * layout.text * 1.12 / 72 + _bar(per_target)
    return max(0.42 if per_target else 0.34, 0.1 + lines * TEXT * 1.18 / 72)


def _policy_lanes(ax: Axes, ds: Dataset, axis: YearAxis, pol: pd.DataFrame, targets: pd.DataFrame,
                  centres: list[float], layout: ChartLayout = PAGE) -> None:
    import pandas as pd

    lane_of = {pid: i for i, pid in enumerate(pol["id"])}
    for i, p in pol.iterrows():
        y = centres[int(i)]  # type: ignore[call-overload]
        start = p["period_start"] if not pd.isna(p["period_start"]) else p["issued"]
        if not pd.isna(start) and not pd.isna(p["period_end"]):
            ax.plot([axis.x(start), axis.x(p["period_end"])], [y, y], color=PERIOD, lw=7, solid_capstyle="butt",
                    zorder=1, gid=f"period-{i}")
        if not pd.isna(p["issued"]):
            ax.plot([axis.x(p["issued"])], [y], marker="|", markersize=12, mew=2, color=INK, zorder=2)
    stacks: dict[tuple[int, float], list[int]] = {}
    for k, t in targets.iterrows():
        stacks.setdefault((lane_of[t["policy_id"]], round(axis.x(t["deadline"]), 3)), []).append(k)
    axes_w = ax.get_position().width * layout.width
    size = _mark_size(layout)
    dx = 0.09 * size / 6.5 * (axis.right - axis.lo + 0.5) / axes_w
    dy = 0.09 * size / 6.5
    stack = 2 if layout.above else STACK  # a phone's lane is wide and low: stacks spread sideways
    for (lane, x), members in stacks.items():
        cols, rows = math.ceil(len(members) / stack), min(len(members), stack)
        for j, k in enumerate(members):
            c, r = divmod(j, stack)
            _marker(ax, ds, targets.loc[k], x + (c - (cols - 1) / 2) * dx * 1.15,
                    centres[lane] + (r - (rows - 1) / 2) * dy * 1.15, size)


LABEL_GAP = 0.8
"""Years between two figures on a lane below which only the later one is labelled (the tooltips keep both)."""


def _target_lanes(ax: Axes, ds: Dataset, axis: YearAxis, targets: pd.DataFrame, figures: pd.DataFrame,
                  issued: dict[str, object], centres: list[float], layout: ChartLayout = PAGE) -> None:
    import pandas as pd

    from ..status import figure_time

    for k, t in targets.iterrows():
        i = centres[int(k)]  # type: ignore[call-overload]
        start = issued.get(t["policy_id"])
        if start is not None and not pd.isna(start) and not pd.isna(t["deadline"]):
            ax.plot([axis.x(start), axis.x(t["deadline"])], [i, i], color=PERIOD, lw=6, solid_capstyle="butt",
                    zorder=1)
        own = sorted(figures[figures["target_id"] == t["id"]].itertuples(), key=lambda o: (figure_time(o), o.id))
        xs = [axis.x(figure_time(o)) for o in own]
        for n, (o, x) in enumerate(zip(own, xs, strict=True)):
            (dot,) = ax.plot([x], [i], marker="o", markersize=4 * _mark_size(layout) / 6.5, color=INK, zorder=3, ls="")
            value = figure_text(float(o.value), str(o.qualifier), str(o.unit))
            tooltip(dot, f"{value} ({when_text(o._asdict())})",
                    {_("Target"): target_name(t), _("Reported figure"): value, _("When"): when_text(o._asdict())})
            if n + 1 < len(xs) and xs[n + 1] - x < LABEL_GAP:
                continue  # figures close in time (two sources for one date): only the last is labelled
            ax.annotate(target_text("", float(o.value)), (x, i), xytext=(0, 5), textcoords="offset points",
                        ha="center", va="bottom", fontsize=layout.text, color=INK, zorder=4)
        _marker(ax, ds, t, axis.x(t["deadline"]), i, _mark_size(layout))


def _mark_size(layout: ChartLayout) -> float:
    """Points across a status marker: larger where the type is (a phone)."""
    return 6.5 if not layout.above else 8.5


def _marker(ax: Axes, ds: Dataset, t: pd.Series, x: float, y: float, size: float = 6.5) -> None:
    name = str(t["status"])
    colour, marker, filled = STATUS_STYLE[name]
    (m,) = ax.plot([x], [y], ls="", marker=marker, markersize=size, mew=1.1, markerfacecolor=colour if filled else "white",
                   markeredgecolor=colour, zorder=5)
    tooltip(m, _tip(t, t, ds), _tip_fields(t, ds))
    m.set_label(f"_status-{name}")


def _legend(fig: Figure, targets: pd.DataFrame, as_of: date, fig_h: float, per_target: bool,
            layout: ChartLayout = PAGE, y: float = 0.32) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    counts = targets["status"].value_counts()
    handles = [Line2D([], [], ls="", marker=m, markersize=6, markerfacecolor=c if f else "white", markeredgecolor=c,
                      label=f"{STATUS_LABEL[s]} ({counts.get(s, 0)})")
               for s, (c, m, f) in STATUS_STYLE.items() if counts.get(s, 0)]
    handles += [Patch(color=PERIOD, label=_("issue to deadline") if per_target else _("policy period"))]
    if per_target:
        handles.append(Line2D([], [], ls="", marker="o", markersize=4, color=INK, label=_("reported figure")))
    else:
        handles.append(Line2D([], [], ls="", marker="|", markersize=9, mew=2, color=INK, label=_("issued")))
    handles.append(Line2D([], [], color=INK, lw=1, ls=(0, (4, 2)), label=_("as of {day}").format(day=plain_date(as_of, "day"))))
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, y / fig_h), ncol=1 if layout.above else 3,
               fontsize=layout.text,
               handletextpad=0.3, columnspacing=1.0, borderaxespad=0, labelspacing=0.3)
