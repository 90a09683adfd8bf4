"""What charts are drawn in: the sizes of a ``ChartLayout`` (``PAGE`` for paper and a desktop, ``PHONE`` for a
narrow screen), the timeline's year axis (``YearAxis``), and the pieces every chart shares: the source line
at its foot and lane labels set over their lanes.

``PAGE``: ``WIDTH`` inches, the width of the text on an A4 page, so that a point of type in the chart is a
point on paper (no text smaller than 7.5 pt); a desktop browser shows it about twice that. ``PHONE``: the
same marks re-laid for a narrow screen, 4.6 inches (331 units of SVG) wide with 13 pt type, lane labels
above their lanes rather than beside them, so that shown at a phone's width (330 to 512 px) no text is
under 13 px and nothing is cut or scrolled.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from .i18n import _
from .style import INK, LANE, MUTED

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH = 7.2  # inches: the text width of an A4 page, so chart type prints at its own size
TEXT = 7.5  # points: the smallest text in a chart
LABEL_WIDTH = 40  # characters per line of a lane label
FAR_AFTER = 2030  # deadlines after this year (or four years after the status date) sit in the far column
SLOT, GAP, UNDATED = 1.8, 0.8, 2.2  # widths, in axis units (a year of the main range is one unit)


@dataclass(frozen=True)
class ChartLayout:
    """Sizes a chart is drawn at: figure ``width`` in inches, ``text`` (and ``tick``, ``title``) in points,
    ``label_width`` characters per line of a lane label, ``above``: lane labels over their lanes (a narrow
    screen) rather than in a margin at the left."""

    name: str
    width: float
    text: float
    tick: float
    title: float
    label_width: int
    above: bool

    def chars(self, size: float | None = None) -> int:
        """Characters of text at ``size`` points (the layout's text size) that fit the figure's width."""
        return int(self.width * 72 / ((size or self.text) * 0.6))


PAGE = ChartLayout("page", WIDTH, TEXT, 8.0, 11.0, LABEL_WIDTH, above=False)
PHONE = ChartLayout("phone", 4.6, 13.0, 13.0, 14.5, 40, above=True)


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
    slot: float = SLOT  # the width of a far year's slot (wider where its label is large beside the axis)
    _knots: tuple[tuple[float, float], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        knots = [(self.lo - 0.5, self.lo - 0.5), (self.main_hi, self.main_hi)]
        pos = self.main_hi + GAP
        for y in self.far_years:
            knots += [(float(y), pos + self.slot / 2), (y + 1.0, pos + self.slot / 2)]
            pos += self.slot
        object.__setattr__(self, "_knots", tuple(knots))

    @property
    def far_start(self) -> float:
        return self.main_hi + GAP / 2

    @property
    def far_end(self) -> float:
        return self.main_hi + (GAP + self.slot * len(self.far_years) if self.far_years else 0.0)

    @property
    def undated_x(self) -> float:
        return self.far_end + self.slot * UNDATED / SLOT / 2 + (GAP / 2 if not self.far_years else 0.0)

    @property
    def right(self) -> float:
        return self.undated_x + self.slot * UNDATED / SLOT / 2 if self.undated else self.far_end + (0.0 if self.far_years else 0.3)

    def x(self, when: pd.Timestamp | date | None) -> float:
        """The x of a date (the "no date" slot for none)."""
        import numpy as np
        import pandas as pd

        if when is None or pd.isna(when):
            return self.undated_x
        xs, ps = zip(*self._knots, strict=True)
        return float(np.interp(year_of(when), xs, ps))

    def ticks(self, max_labels: int | None = None) -> tuple[list[float], list[str]]:
        """Year ticks of the main range (every 1, 2 or 5 years; with ``max_labels``, the smallest step of
        1, 2, 5, 10 or 20 that labels at most that many), each far year, and "no date"."""
        span = self.main_hi - self.lo
        step = (1 if span <= 8 else 2 if span <= 16 else 5) if max_labels is None else next(
            (s for s in (1, 2, 5, 10) if span / s <= max_labels), 20)
        years = [y for y in range(self.lo, math.floor(self.main_hi) + 1) if y % step == 0]
        ticks, labels = [float(y) for y in years], [str(y) for y in years]
        for y in self.far_years:
            ticks.append(self.x(date(y, 7, 1)))
            labels.append(str(y))
        if self.undated:
            ticks.append(self.undated_x)
            labels.append(_("no date"))
        return ticks, labels

    def main_share(self) -> float:
        """The share of the axis the main range takes."""
        return (self.main_hi - (self.lo - 0.5)) / (self.right - (self.lo - 0.5))


def year_axis(dates: Iterable[object], as_of: date, *, undated: bool = False, start: int | None = 2015,
              slot: float = SLOT) -> YearAxis:
    """The axis for these dates (``None``/NaT ignored; ``undated`` adds the "no date" slot), from ``start``
    or the earliest date if earlier (from the earliest date alone with ``start=None``)."""
    import pandas as pd

    cutoff = max(FAR_AFTER, as_of.year + 4)
    years = [pd.Timestamp(d).year for d in dates if d is not None and not pd.isna(d)]  # type: ignore[arg-type]
    main = [y for y in years if y <= cutoff] + [as_of.year]
    far = tuple(sorted({y for y in years if y > cutoff}))
    lo = min(main if start is None else [start, *main])
    return YearAxis(lo, float(max(main) + 1), far, undated, slot)


def source_line(fig: Figure, extra: str = "", layout: ChartLayout = PAGE) -> float:
    """The chart's source, in small type at its foot.

    It names no data version: the page around the chart states the version once, and a chart whose marks
    did not change keeps the same bytes when another row changes, so the build can reuse its saved files
    (``style.save_chart``)."""
    wrapped = source_text(extra, layout)
    fig.text(0.01, 0.005, wrapped, ha="left", va="bottom", fontsize=layout.text, color=MUTED)
    return source_height(wrapped, layout)


def source_height(text: str, layout: ChartLayout) -> float:
    """Inches the source line takes at the foot of a chart."""
    return (text.count("\n") + 1) * layout.text * 1.25 / 72 + 0.05


def labels_above(ax: Axes, lanes: list[str], edges: list[float], layout: ChartLayout) -> None:
    """Each lane's label over its marks, from the left edge, on the lane's own shade (a line that crosses
    the label, the "as of" line or a grid line, goes behind it)."""
    from matplotlib.transforms import blended_transform_factory

    where = blended_transform_factory(ax.transAxes, ax.transData)
    for i, label in enumerate(lanes):
        ax.text(0.01, edges[i] + 0.05, label, transform=where, ha="left", va="top", fontsize=layout.text,
                linespacing=1.1, color=INK, zorder=6,
                bbox={"facecolor": LANE if i % 2 == 0 else "white", "edgecolor": "none", "pad": 0.5})


def source_text(extra: str, layout: ChartLayout) -> str:
    text = _("Source: Industrial Internet Policy Tracker; each fact cited in the briefing.") + ((" " + extra) if extra else "")
    return textwrap.fill(text, layout.chars() if layout.above else int(layout.width * 14.5))
