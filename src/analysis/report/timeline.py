"""The timeline: a lane per policy (the overview) or a lane per target (a one-policy briefing).

The x axis gives the years around the briefing most of the width: it runs linearly from the earliest date
to the end of the last year with anything up to ``max(FAR_AFTER, as_of + 4)``; later years (2035, 2049)
each get a narrow labelled slot in a shaded column of their own at the right, and targets with no printed
deadline a "no date" slot after them (``YearAxis``).

Charts are drawn at ``WIDTH`` inches, the width of the text on an A4 page, so that a point of type in
the chart is a point on paper: no text smaller than 7.5 pt. Full policy names wrap; none is cut.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from .style import INK, LANE, MUTED, STATUS_LABEL, STATUS_STYLE, house_style
from .svg import tooltip
from .text import STATUS_TEXT, count_text, figure_text, join_words, target_text, when_text

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..data.loading import Dataset

Language = Literal["en", "zh", "both"]
LANGUAGES: tuple[str, ...] = ("en", "zh", "both")
WIDTH = 7.2  # inches: the text width of an A4 page, so chart type prints at its own size
TEXT = 7.5  # points: the smallest text in a chart
LABEL_WIDTH = 40  # characters per line of a lane label
LABEL_LINES = 4  # a target's description longer than this many lines ends in "…"
MAX_LANES = 18  # the overview splits its policies over charts of at most this many lanes
POLICY_LINES = 2  # a policy's lane label: its name in at most this many lines per language ("…" beyond; the
                  # table of policies and the tooltip give it whole), so that 18 lanes fit an A4 page
MAX_HEIGHT = 7.0  # inches of lanes in one chart, so that it fits an A4 page with its caption
FAR_AFTER = 2030  # deadlines after this year (or four years after the status date) sit in the far column
STACK = 4
PERIOD = "#b9c7d6"
SLOT, GAP, UNDATED = 1.8, 0.8, 2.2  # widths, in axis units (a year of the main range is one unit)


def year_of(ts: pd.Timestamp | date) -> float:
    """A date as a fractional year."""
    d = ts.date() if isinstance(ts, datetime) else ts
    start = date(d.year, 1, 1)
    return d.year + (d - start).days / (date(d.year + 1, 1, 1) - start).days


@dataclass(frozen=True)
class YearAxis:
    """Where a date sits on the timeline: years ``lo``..``main_hi`` linearly, each far year in a slot."""

    lo: int
    main_hi: float
    far_years: tuple[int, ...] = ()
    undated: bool = False
    _knots: tuple[tuple[float, float], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        knots = [(self.lo - 0.5, self.lo - 0.5), (self.main_hi, self.main_hi)]
        pos = self.main_hi + GAP
        for y in self.far_years:
            knots += [(float(y), pos + SLOT / 2), (y + 1.0, pos + SLOT / 2)]
            pos += SLOT
        object.__setattr__(self, "_knots", tuple(knots))

    @property
    def far_start(self) -> float:
        return self.main_hi + GAP / 2

    @property
    def far_end(self) -> float:
        return self.main_hi + (GAP + SLOT * len(self.far_years) if self.far_years else 0.0)

    @property
    def undated_x(self) -> float:
        return self.far_end + UNDATED / 2 + (GAP / 2 if not self.far_years else 0.0)

    @property
    def right(self) -> float:
        return self.undated_x + UNDATED / 2 if self.undated else self.far_end + (0.0 if self.far_years else 0.3)

    def x(self, when: pd.Timestamp | date | None) -> float:
        """The x of a date (the "no date" slot for none)."""
        import numpy as np
        import pandas as pd

        if when is None or pd.isna(when):
            return self.undated_x
        xs, ps = zip(*self._knots, strict=True)
        return float(np.interp(year_of(when), xs, ps))

    def ticks(self) -> tuple[list[float], list[str]]:
        span = self.main_hi - self.lo
        step = 1 if span <= 8 else 2 if span <= 16 else 5
        years = [y for y in range(self.lo, math.floor(self.main_hi) + 1) if y % step == 0]
        ticks, labels = [float(y) for y in years], [str(y) for y in years]
        for y in self.far_years:
            ticks.append(self.x(date(y, 7, 1)))
            labels.append(str(y))
        if self.undated:
            ticks.append(self.undated_x)
            labels.append("no date")
        return ticks, labels

    def main_share(self) -> float:
        """The share of the axis the main range takes."""
        return (self.main_hi - (self.lo - 0.5)) / (self.right - (self.lo - 0.5))


def year_axis(dates: Iterable[object], as_of: date, *, undated: bool = False, start: int | None = 2015) -> YearAxis:
    """The axis for these dates (``None``/NaT ignored; ``undated`` adds the "no date" slot), from ``start``
    or the earliest date if earlier (from the earliest date alone with ``start=None``)."""
    import pandas as pd

    cutoff = max(FAR_AFTER, as_of.year + 4)
    years = [pd.Timestamp(d).year for d in dates if d is not None and not pd.isna(d)]  # type: ignore[arg-type]
    main = [y for y in years if y <= cutoff] + [as_of.year]
    far = tuple(sorted({y for y in years if y > cutoff}))
    lo = min(main if start is None else [start, *main])
    return YearAxis(lo, float(max(main) + 1), far, undated)


def policy_label(title_en: str, title_zh: str | None, language: str, lines: int | None = None) -> str:
    """A lane label in the chosen language, wrapped (cut with "…" only beyond ``lines`` lines)."""
    def wrap(text: str, width: int) -> list[str]:
        out = textwrap.wrap(text, width=width, break_long_words=True)
        if lines is not None and len(out) > lines:
            out = out[:lines]
            out[-1] = out[-1][: width - 1].rstrip() + "…"
        return out

    if language == "zh" and title_zh:
        return "\n".join(wrap(title_zh, LABEL_WIDTH // 2))
    if language == "both" and title_zh:
        return "\n".join(wrap(title_en, LABEL_WIDTH) + wrap(title_zh, LABEL_WIDTH // 2))
    return "\n".join(wrap(title_en, LABEL_WIDTH))


def source_line(fig: Figure, extra: str = "") -> None:
    """The chart's source, in small type at its foot.

    It names no data version: the page around the chart states the version once, and a chart whose marks
    did not change keeps the same bytes when another row changes, so the build can reuse its saved files
    (``style.save_chart``)."""
    text = f"Source: Industrial Internet Policy Tracker; each fact cited in the briefing.{(' ' + extra) if extra else ''}"
    fig.text(0.01, 0.005, textwrap.fill(text, int(fig.get_figwidth() * 14.5)), ha="left", va="bottom", fontsize=TEXT,
             color=MUTED)


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
        size = sum(h for _, h in lanes)
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
    issued = "" if not years else f" issued {years[0]}" if years[0] == years[-1] else f" issued {years[0]}–{years[-1]}"
    counts = st["status"].value_counts()
    words = {**STATUS_TEXT, "claimed": "claimed without a figure"}  # no comma inside an item of the list
    parts = [f"{int(counts[s])} {words[s]}" for s in STATUS_STYLE if counts.get(s, 0)]
    tail = f": {join_words(parts)}" if parts else ""
    return f"Timeline of {count_text(len(pol), 'policy', 'policies')}{issued} with {count_text(len(st), 'target')}{tail}."


def _tip(t: pd.Series, status: pd.Series, ds: Dataset) -> str:
    import pandas as pd

    from .text import deadline_text, goal_text

    text = (f"{t['description_en']}\nGoal: {goal_text(t)}; due {deadline_text(t['deadline'], t['deadline_precision'])}"
            f"\nStatus: {STATUS_LABEL.get(str(status['status']), str(status['status']))}")
    latest = status.get("latest_id")
    if isinstance(latest, str):
        o = ds.outcomes.set_index("id").loc[latest]
        text += f"\nLatest figure: {figure_text(float(o['value']), str(o['qualifier']), str(o['unit']))}"
        text += f" ({when_text(o)})"
    elif not pd.isna(status.get("claim_id")):
        text += "\nClaimed done, no figure"
    return text


def timeline(ds: Dataset, status: pd.DataFrame, as_of: date, *, policies: list[str] | None = None,
             language: Language = "en", title: str | None = None, per_target: bool = False) -> Figure:
    """Lanes (one per policy, or with ``per_target`` one per target), each target a marker at its
    deadline, shaped and coloured by status, with a tooltip; a vertical "as of" line; legend; source line.

    Per policy: the bar is the policy's period, the tick its issue date; targets sharing a lane and a
    deadline are stacked. Per target: the bar runs from the issue date to the deadline, the reported
    figures are dots along it (labelled with their value), the status marker sits at the deadline.
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
                              language, LABEL_LINES) for t in targets.itertuples()]
    else:
        lanes = [policy_label(str(p.title_en), None if pd.isna(p.title_zh) else str(p.title_zh), language,
                              POLICY_LINES) for p in pol.itertuples()]
    dates = [*pol["issued"], *pol["period_start"], *pol["period_end"], *targets["deadline"]]
    if per_target:
        dates = [*pol["issued"], *targets["deadline"], *(figure_time(o) for o in figures.itertuples())]
    axis = year_axis(dates, as_of, undated=bool(targets["deadline"].isna().any()), start=None if per_target else 2015)

    # Lanes in inches, each as tall as its label; y runs down from 0.
    heights = [lane_height(label, per_target) for label in lanes] or [0.3]
    edges = [sum(heights[:i]) for i in range(len(heights) + 1)]
    centres = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    statuses = int((targets["status"].value_counts() > 0).sum())
    top_in, bottom_in = 0.5, 1.0 + 0.17 * math.ceil((statuses + 3) / 3)
    fig_h = top_in + bottom_in + edges[-1]
    left = 0.4
    with house_style():
        fig, ax = plt.subplots(figsize=(WIDTH, fig_h))
        fig.subplots_adjust(left=left, right=0.98, top=1 - top_in / fig_h, bottom=bottom_in / fig_h)
        ax.set_xlim(axis.lo - 0.5, axis.right)
        ax.set_ylim(edges[-1], 0)
        for i in range(0, len(heights), 2):
            ax.axhspan(edges[i], edges[i + 1], color=LANE, zorder=0, lw=0)
        if axis.far_years or axis.undated:
            ax.axvspan(axis.far_start, axis.right, color="#e9e9e9", alpha=0.7, lw=0, zorder=0)
            ax.axvline(axis.far_start, color=MUTED, lw=0.8, ls=(0, (1, 2)), zorder=1)
        issued = dict(zip(pol["id"], pol["issued"], strict=True))
        if per_target:
            _target_lanes(ax, ds, axis, targets, figures, issued, centres)
        else:
            _policy_lanes(ax, ds, axis, pol, targets, centres)
        ax.axvline(year_of(as_of), color=INK, lw=1, ls=(0, (4, 2)), zorder=2, gid="as-of")
        ax.set_yticks(centres)
        ax.set_yticklabels(lanes, fontsize=TEXT, linespacing=1.1)
        if language != "en":
            for label in ax.get_yticklabels():
                if any("\u4e00" <= ch <= "\u9fff" for ch in label.get_text()):
                    label.set_gid("lang-zh-Hans")
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        ticks, labels = axis.ticks()
        ax.set_xticks(ticks, labels, fontsize=8)
        ax.set_xlabel("Deadline (a year-only deadline sits at the end of that year; later years at the right)",
                      fontsize=TEXT)
        _legend(fig, targets, as_of, fig_h, per_target)
        what = count_text(len(targets), "target")
        head = title or (f"{what} of this policy, by deadline and status" if per_target and len(pol) == 1
                         else f"{what} in {count_text(len(pol), 'policy', 'policies')}, by deadline and status")
        fig.suptitle(head, x=0.01, ha="left", fontsize=11, fontweight="bold", y=1 - 0.1 / fig_h, va="top")
        source_line(fig, f"Status as of {as_of.isoformat()}.")
    return fig


def lane_height(label: str, per_target: bool = False) -> float:
    """Inches a lane needs for its label (and, per target, the values above the figures)."""
    return max(0.42 if per_target else 0.34, 0.1 + (label.count("\n") + 1) * TEXT * 1.18 / 72)


def _policy_lanes(ax: Axes, ds: Dataset, axis: YearAxis, pol: pd.DataFrame, targets: pd.DataFrame,
                  centres: list[float]) -> None:
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
    axes_w = ax.get_position().width * WIDTH
    dx = 0.09 * (axis.right - axis.lo + 0.5) / axes_w
    dy = 0.09
    for (lane, x), members in stacks.items():
        cols, rows = math.ceil(len(members) / STACK), min(len(members), STACK)
        for j, k in enumerate(members):
            c, r = divmod(j, STACK)
            _marker(ax, ds, targets.loc[k], x + (c - (cols - 1) / 2) * dx * 1.15,
                    centres[lane] + (r - (rows - 1) / 2) * dy * 1.15)


LABEL_GAP = 0.8
"""Years between two figures on a lane below which only the later one is labelled (the tooltips keep both)."""


def _target_lanes(ax: Axes, ds: Dataset, axis: YearAxis, targets: pd.DataFrame, figures: pd.DataFrame,
                  issued: dict[str, object], centres: list[float]) -> None:
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
            (dot,) = ax.plot([x], [i], marker="o", markersize=4, color=INK, zorder=3, ls="")
            tooltip(dot, f"{figure_text(float(o.value), str(o.qualifier), str(o.unit))} ({when_text(o._asdict())})")
            if n + 1 < len(xs) and xs[n + 1] - x < LABEL_GAP:
                continue  # figures close in time (two sources for one date): only the last is labelled
            ax.annotate(target_text("", float(o.value)), (x, i), xytext=(0, 5), textcoords="offset points",
                        ha="center", va="bottom", fontsize=TEXT, color=INK, zorder=4)
        _marker(ax, ds, t, axis.x(t["deadline"]), i)


def _marker(ax: Axes, ds: Dataset, t: pd.Series, x: float, y: float) -> None:
    name = str(t["status"])
    colour, marker, filled = STATUS_STYLE[name]
    (m,) = ax.plot([x], [y], ls="", marker=marker, markersize=6.5, mew=1.1, markerfacecolor=colour if filled else "white",
                   markeredgecolor=colour, zorder=5)
    tooltip(m, _tip(t, t, ds))
    m.set_label(f"_status-{name}")


def _legend(fig: Figure, targets: pd.DataFrame, as_of: date, fig_h: float, per_target: bool) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    counts = targets["status"].value_counts()
    handles = [Line2D([], [], ls="", marker=m, markersize=6, markerfacecolor=c if f else "white", markeredgecolor=c,
                      label=f"{STATUS_LABEL[s]} ({counts.get(s, 0)})")
               for s, (c, m, f) in STATUS_STYLE.items() if counts.get(s, 0)]
    handles += [Patch(color=PERIOD, label="issue to deadline" if per_target else "policy period")]
    if per_target:
        handles.append(Line2D([], [], ls="", marker="o", markersize=4, color=INK, label="reported figure"))
    else:
        handles.append(Line2D([], [], ls="", marker="|", markersize=9, mew=2, color=INK, label="issued"))
    handles.append(Line2D([], [], color=INK, lw=1, ls=(0, (4, 2)), label=f"as of {as_of.isoformat()}"))
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.32 / fig_h), ncol=3, fontsize=TEXT,
               handletextpad=0.3, columnspacing=1.0, borderaxespad=0, labelspacing=0.3)
