"""The briefing's charts: drawn by ``charts``/``timeline``, shown inline as SVG with a caption.

``BriefingCharts`` is mixed into ``analysis.report.briefing.Briefing``, which gives it the data, the
selections and the citation numbers. Each chart comes back as ``Svg``: the ``<svg>`` (text as text,
a tooltip on every target marker and reported figure, ids prefixed by the chart's name) inside a
``<figure>`` whose caption says in one sentence what it shows.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from .chart_layout import PAGE, PHONE, ChartLayout
from .fragments import Svg, render
from .i18n import _, ngettext
from .text import STATUS_TEXT, Html, count_text, join_words

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd
    from matplotlib.figure import Figure

    from ..data.loading import Dataset
    from .text import Citations


class BriefingCharts:
    """The chart sections of a briefing (see ``Briefing`` for the data they read)."""

    ds: Dataset
    status: pd.DataFrame
    citations: Citations
    as_of: date
    language: str
    policy_ids: list[str]
    targets: pd.DataFrame
    investments: pd.DataFrame
    charts_dir: object
    previous_charts: object  # the last build's charts: files reused where a chart is unchanged

    # Also from Briefing: row_sources(table, row_id, source_id).

    def _show(self, fig: Figure, name: str, title: str, sources: str = "",
              phone: Callable[[], Figure] | None = None) -> Svg:
        """The figure as inline SVG (saved as files too where the build asks), captioned by its ``title``
        sentence and, where given, the citation marks of its ``sources``; ``phone`` draws the same marks for a
        narrow screen, shown there instead (the saved files and the PDF keep ``fig``)."""
        from pathlib import Path

        import matplotlib.pyplot as plt

        from .style import chart_key, save_chart
        from .svg import inline_svg, mark_rows, tooltips

        # Inline charts keep their text as text: selectable in the page and the PDF, read by screen readers,
        # and smaller than thousands of glyph outlines. The saved files keep paths.
        drawn = _svg_text(fig)
        key = chart_key(drawn)
        if self.charts_dir is not None:
            save_chart(fig, Path(str(self.charts_dir)), name, key=key, reuse=self.previous_charts)
        tips, rows = tooltips(fig), mark_rows(fig)
        plt.close(fig)
        prefix = f"chart-{name}"
        narrow = ""
        if phone is not None:
            small, small_tips = self._phone(name, key, tips, phone)
            narrow = inline_svg(_plain_font_families(small), f"{prefix}-phone", title, small_tips,
                                caption=f"{prefix}-caption")
        return Svg(inline_svg(_plain_font_families(drawn), prefix, title, tips), title, prefix, sources, rows, narrow)

    def _phone(self, name: str, key: str, tips: dict[str, str], draw: Callable[[], Figure]) -> tuple[str, dict[str, str]]:
        """The chart drawn for a phone, as SVG text with its tooltips: the last build's where the chart drawn
        for paper, its tooltips and the code that lays charts out are unchanged (an edit to one row leaves most
        charts as they were), else drawn now."""
        import hashlib
        import json
        from pathlib import Path

        import matplotlib.pyplot as plt

        from . import chart_layout, charts, timeline
        from .style import keep_text, reused_text
        from .svg import tooltips

        h = hashlib.sha256(key.encode())
        h.update(json.dumps(tips, sort_keys=True, ensure_ascii=False).encode())
        for module in (chart_layout, charts, timeline):
            h.update(Path(str(module.__file__)).read_bytes())
        phone_key, kept_name = h.hexdigest(), f"{name}.phone"
        kept = reused_text(self.previous_charts, kept_name, phone_key)
        if kept is not None:
            data = json.loads(kept)
            text, phone_tips = str(data["svg"]), dict(data["tips"])
        else:
            fig = draw()
            text, phone_tips = _svg_text(fig), tooltips(fig)
            plt.close(fig)
        if self.charts_dir is not None:
            keep_text(Path(str(self.charts_dir)), kept_name, phone_key,
                      json.dumps({"svg": text, "tips": phone_tips}, ensure_ascii=False))
        return text, phone_tips

    def timeline(self) -> Svg | Html:
        """One chart for a single policy (a lane per target); for more, charts of at most ``MAX_LANES``
        policies each (a lane per policy), by year of issue."""
        from . import timeline as tl

        if len(self.policy_ids) == 1:
            def draw(layout: ChartLayout) -> Figure:
                return tl.timeline(self.ds, self.status, self.as_of, policies=self.policy_ids,
                                   language=self.language, per_target=True, layout=layout)  # type: ignore[arg-type]

            text = tl.summary(self.ds, self.status, self.policy_ids)
            return self._show(draw(PAGE), "timeline", text, phone=lambda: draw(PHONE))
        pol = self.ds.policies[self.ds.policies["id"].isin(self.policy_ids)]
        runs = tl.groups(pol.sort_values(["issued", "id"], na_position="last"), self.language)
        shown = []
        for k, ids in enumerate(runs, 1):
            part = _(" (part {k} of {n})").format(k=k, n=len(runs)) if len(runs) > 1 else ""
            def run(layout: ChartLayout, ids: list[str] = ids, part: str = part) -> Figure:
                return tl.timeline(self.ds, self.status, self.as_of, policies=ids, language=self.language,  # type: ignore[arg-type]
                                   title=_run_title(self.ds, ids) + part, layout=layout)

            text = tl.summary(self.ds, self.status, ids)
            shown.append(self._show(run(PAGE), "timeline" if len(runs) == 1 else f"timeline-{k}", text,
                                    phone=lambda run=run: run(PHONE)))
        if len(shown) == 1:
            return shown[0]
        return Html("".join(s.html() for s in shown))

    def investments_chart(self) -> Svg | Html:
        from . import charts

        amounts = self.investments.dropna(subset=["amount"])
        if amounts.empty:
            return render("note", words=_("No amount of money is stated for these policies; the table below lists "
                          "what is known.") if len(self.investments) else _("No money is recorded for these policies."))
        chosen = None if len(self.policy_ids) == len(self.ds.policies) else self.policy_ids

        def money(layout: ChartLayout) -> Figure:
            return charts.investments(self.ds, policies=chosen, layout=layout)

        cny = amounts[amounts["currency"] == "CNY"]
        text = _("Bar chart of {amounts} of money in CNY on a log scale, beside the period each covers").format(
            amounts=ngettext("{n} amount", "{n} amounts", len(cny)).format(n=len(cny))) + (
            _("; {n} in other currencies not drawn.").format(n=len(amounts) - len(cny)) if len(cny) < len(amounts)
            else _("."))
        return self._show(money(PAGE), "investments", text, phone=lambda: money(PHONE))

    def progress_chart(self) -> Svg | Html:
        """Reported figures against their targets, with the sources of the figures drawn, cited by number."""
        from . import charts

        linked = self.ds.outcomes.dropna(subset=["target_id", "value"])
        if not linked["target_id"].isin(self.targets["id"]).any():
            return render("note", words=_("No reported figures are linked to these targets yet."))
        drawn = charts.progress_targets(self.ds, self.policy_ids)
        runs = [list(drawn["id"][i:i + charts.PANELS]) for i in range(0, len(drawn), charts.PANELS)]
        shown = []
        for k, ids in enumerate(runs, 1):
            part = _(" (part {k} of {n})").format(k=k, n=len(runs)) if len(runs) > 1 else ""
            def panels(layout: ChartLayout, ids: list[str] = ids, part: str = part) -> Figure:
                return charts.progress(self.ds, self.status, policies=self.policy_ids, targets=ids, layout=layout,
                                       title=_("Reported progress against {targets}").format(targets=ngettext(
                                           "{n} numeric target", "{n} numeric targets", len(ids)).format(n=len(ids))) + part)

            text, sources = self._progress_caption(linked, ids)
            marks = " ".join(self.citations.cite(s) for s in sources)  # markup of our own
            shown.append(self._show(panels(PAGE), "progress" if len(runs) == 1 else f"progress-{k}", text, marks,
                                    lambda panels=panels: panels(PHONE)))
        return shown[0] if len(shown) == 1 else Html("".join(s.html() for s in shown))

    def _progress_caption(self, linked: pd.DataFrame, ids: list[str]) -> tuple[str, list[str]]:
        """The sentence under a progress chart, and the sources of the figures it draws, in drawing order."""
        order = {t: i for i, t in enumerate(ids)}
        figures = linked[linked["target_id"].isin(ids)]
        figures = figures.assign(_k=figures["target_id"].map(order)).sort_values(["_k", "reported", "id"])
        sources: list[str] = []
        for o in figures.itertuples():
            sources += [s for s in self.row_sources("outcomes", o.id, o.source_id) if s not in sources]  # type: ignore[attr-defined]
        counts = self.status[self.status["target_id"].isin(ids)]["status"].value_counts()
        statuses = [f"{int(n)} {STATUS_TEXT[str(s)]}" for s, n in counts.items() if n]
        text = _("Line charts of {figures} for {targets}{statuses}, each against its target and deadline.").format(
            figures=ngettext("{n} reported figure", "{n} reported figures", len(figures)).format(n=len(figures)),
            targets=ngettext("{n} numeric target", "{n} numeric targets", len(ids)).format(n=len(ids)),
            statuses=f" ({join_words(statuses)})" if statuses else "")
        return text, sources


def _svg_text(fig: Figure) -> str:
    """The figure as matplotlib's SVG, its text as text, with no date in it (the same marks, the same bytes)."""
    import io

    import matplotlib

    from .style import house_style

    buffer = io.StringIO()
    with house_style(), matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _run_title(ds: Dataset, ids: list[str]) -> str:
    import pandas as pd

    issued = [d.year for d in ds.policies[ds.policies["id"].isin(ids)]["issued"] if not pd.isna(d)]
    undated = len(issued) < len(ids)
    years = "" if not issued else str(min(issued)) if min(issued) == max(issued) else f"{min(issued)}–{max(issued)}"
    what = count_text(len(ids), "policy", "policies")
    if not years:
        return f"{what} with no known issue date"
    return f"{what} issued {years}" + (" or undated" if undated else "") + ": targets by deadline and status"


_FAMILIES = re.compile(r"font-family: ([^;\"]+)")


def _plain_font_families(svg: str) -> str:
    """``'DejaVu Sans', 'Noto Sans CJK SC'`` as ``DejaVu Sans,Noto Sans CJK SC``.

    Some renderers split the list on commas and strip quotes but not the space before them, so the CJK
    family after ", " is not found and the Japanese face is used instead. Unquoted family names without
    spaces around the commas are valid CSS for browsers and typst's SVG reader alike.
    """
    return _FAMILIES.sub(lambda m: "font-family: " + ",".join(
        f.strip().strip("'\"") for f in m.group(1).split(",")), svg)
