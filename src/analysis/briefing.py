"""What a briefing notebook shows, as HTML fragments and figures a notebook cell displays.

A notebook stays thin: it sets its parameters, makes a ``Briefing`` and calls one method per section.
Every fact shown cites its source by number ([3]); ``sources()`` lists the numbered sources with their
addresses and grades. Every piece of text from the data is HTML-escaped, and Chinese text is marked
``lang="zh-Hans"`` so browsers and WeasyPrint pick Simplified-Chinese glyphs.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .status import STATUSES
from .validate import BIDI_CONTROLS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from .loading import Dataset

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff《》“”"
_CJK = re.compile(rf"[\u3000-\u303f{_HAN}\uff00-\uffef]+(?:[\s\d.%~\-+()（）]*[{_HAN}]+)*")
STATUS_TEXT = {"met": "met", "missed": "missed", "overdue": "overdue", "due-soon": "due soon",
               "upcoming": "upcoming", "qualitative": "qualitative"}
GRADE_TEXT = {"official": "official", "major-media": "major media", "secondary": "secondary", "weak": "weak"}


_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))


def esc(value: object) -> str:
    """HTML-escape text from the data, marking runs of Chinese as ``lang="zh-Hans"``.

    Bidirectional embedding, override and isolate controls are dropped, so no value can reorder the text
    around it (right-to-left letters themselves display as they should).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = html.escape(str(value).translate(_BIDI))
    return _CJK.sub(lambda m: f'<span lang="zh-Hans">{m.group(0)}</span>', text)


def _missing(value: object) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


class Html:
    """An HTML fragment a notebook cell displays (``text/html`` only: no plain-text repr to leak)."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self.markup}

    def __str__(self) -> str:
        return self.markup


class Svg:
    """A chart shown inline as SVG (vector in HTML and PDF)."""

    def __init__(self, svg: str) -> None:
        self.svg = svg

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"image/svg+xml": self.svg}


@dataclass
class Citations:
    """Numbers sources in the order they are first cited."""

    numbers: dict[str, int] = field(default_factory=dict)

    def cite(self, source_id: object) -> str:
        if _missing(source_id):
            return ""
        key = str(source_id)
        number = self.numbers.setdefault(key, len(self.numbers) + 1)
        return f'<a class="cite" href="#source-{number}">[{number}]</a>'


def plain_number(value: float) -> str:
    if math.isnan(value):
        return ""
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.4g} billion"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.4g} million"
    return f"{value:,.10g}"


class Briefing:
    """The data and parameters behind one briefing."""

    def __init__(
        self,
        *,
        title: str,
        policies: list[str] | str = "all",
        as_of: date | str,
        language: str = "en",
        due_window_months: int = 12,
        data_dir: Path | str | None = None,
        figures_dir: Path | str | None = None,
        compare_to: Path | str | None = None,
        previous_facts: Path | str | None = None,
        facts_file: Path | str | None = None,
    ) -> None:
        """``compare_to``: a facts.json (or its folder) to compare with; otherwise ``previous_facts``, the
        snapshot of this briefing's last build, set by the build. ``facts_file``: where to save this
        briefing's own snapshot (the build sets it beside the HTML)."""
        from .charts import LANGUAGES
        from .loading import load
        from .status import target_status

        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
        self.title = title
        self.as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        self.language = language
        self.due_window_months = due_window_months
        self.ds: Dataset = load(Path(data_dir) if data_dir else paths.DATA_DIR)
        known = list(self.ds.policies["id"])
        if policies == "all" or policies is None:
            self.policy_ids = known
        elif isinstance(policies, str):
            raise ValueError(f"policies must be 'all' or a list of policy ids, got the string {policies!r}")
        else:
            unknown = [p for p in policies if p not in known]
            if unknown:
                raise ValueError(f"unknown policy id(s): {', '.join(unknown)}")
            self.policy_ids = list(policies)
        self.figures_dir = Path(figures_dir) if figures_dir else None
        self.status = target_status(self.ds, self.as_of, due_window_months)
        self.citations = Citations()
        self.facts, self.baseline = self._snapshot(compare_to, previous_facts)
        if facts_file:
            from .files import write_atomic
            from .snapshot import dumps

            write_atomic(Path(facts_file), dumps({**self.facts, "baseline": self.baseline}))

    def _snapshot(self, compare_to: Path | str | None,
                  previous_facts: Path | str | None) -> tuple[dict[str, Any], dict[str, Any] | None]:
        from . import snapshot

        facts = snapshot.take(self)
        if compare_to:
            return facts, snapshot.read(compare_to)  # what the analyst asked for, even if identical
        if previous_facts and Path(previous_facts).exists():
            return facts, snapshot.baseline_for(facts, snapshot.read(previous_facts))
        return facts, None

    # -- selections ---------------------------------------------------------------------------------

    @property
    def policies(self) -> pd.DataFrame:
        p = self.ds.policies
        return p[p["id"].isin(self.policy_ids)].sort_values(["issued", "id"], na_position="last")

    @property
    def targets(self) -> pd.DataFrame:
        t = self.ds.targets.merge(self.status[["target_id", "status", "evidence_id", "evidence_value"]],
                                  left_on="id", right_on="target_id")
        return t[t["policy_id"].isin(self.policy_ids)].sort_values(["deadline", "id"], na_position="last")

    @property
    def investments(self) -> pd.DataFrame:
        i = self.ds.investments
        if len(self.policy_ids) == len(self.ds.policies):
            return i
        return i[i["policy_id"].isin(self.policy_ids)]

    def _title(self, row: Any) -> str:
        en, zh = row["title_en"], row["title_zh"]
        if self.language == "zh" and not _missing(zh):
            return esc(zh)
        if self.language == "both" and not _missing(zh):
            return f"{esc(en)}<br>{esc(zh)}"
        return esc(en)

    # -- sections -----------------------------------------------------------------------------------

    def since(self) -> Html:
        """What changed since the earlier briefing: the section a returning reader reads first."""
        from .snapshot import SECTIONS, compare, describe

        if self.baseline is None:
            return Html('<h2 id="since">Since the last briefing</h2><p class="note">This is the first briefing '
                        "of its series: there is no earlier one to compare with. The next build will list what "
                        "changed since this one.</p>")
        cmp = compare(self.baseline, self.facts)
        old = esc(cmp.old_as_of)
        same_day = " (an earlier build with the same status date)" if cmp.old_as_of == cmp.new_as_of else ""
        version = self.baseline.get("data_version")
        intro = (f"Compared with the briefing as of {old}{same_day}"
                 f"{f', data version {esc(version)}' if version else ''}: ")
        if not cmp.changes:
            return Html(f'<h2 id="since">Since {old}</h2><p>{intro}no target, status, figure or amount has '
                        "changed.</p>")
        parts = [f'<h2 id="since">Since {old}</h2><p>{intro}{_count(len(cmp.changes), "change")}.</p>']
        for heading, kind, table in SECTIONS:
            changes = cmp.of(kind, table)
            if not changes:
                continue
            items = []
            for c in changes:
                if kind == "status":
                    detail = f": {_badge(c.old)} → {_badge(c.new)}"
                elif kind == "revised":
                    detail = f": {esc(describe(c))}"
                elif kind == "removed":
                    detail = f" ({esc(describe(c))})"
                else:
                    detail = ""
                items.append(f"<li><span class='change-label'>{esc(c.label)}</span>{detail}</li>")
            parts.append(f'<p class="since-group">{esc(heading)} ({len(changes)})</p><ul class="since">'
                         f'{"".join(items)}</ul>')
        return Html("".join(parts))

    def key_figures(self) -> Html:
        """Counts of policies, targets by status and amounts of money on record, as a row of boxes."""
        t = self.targets
        counts = t["status"].value_counts()
        boxes = [(str(len(self.policies)), "policies"), (str(len(t)), "targets")]
        boxes += [(str(int(counts.get(s, 0))), STATUS_TEXT[s]) for s in STATUSES if counts.get(s, 0)]
        amounts = self.investments.dropna(subset=["amount"])
        if len(amounts):
            # No total: spending, investment driven, subsidies and pledges do not add up.
            boxes.append((str(len(amounts)), "amounts of money on record"))
        cells = "".join(f'<div class="kf"><div class="kf-n">{esc(n)}</div><div class="kf-l">{esc(label)}</div></div>'
                        for n, label in boxes)
        return Html(f'<div class="key-figures">{cells}</div>')

    def _show(self, fig: Figure, name: str) -> Svg:
        import io

        import matplotlib
        import matplotlib.pyplot as plt

        from .style import house_style, save_figure

        if self.figures_dir is not None:
            save_figure(fig, self.figures_dir, name)
        buffer = io.StringIO()
        # Inline charts keep their text as text: selectable in the PDF, and far quicker for WeasyPrint
        # to lay out than thousands of glyph outlines. The saved files keep text as paths.
        with house_style(), matplotlib.rc_context({"svg.fonttype": "none"}):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        plt.close(fig)
        svg = buffer.getvalue()
        svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: the SVG goes inline
        return Svg(_plain_font_families(svg))

    def timeline(self) -> Svg:
        from . import charts

        fig = charts.timeline(self.ds, self.status, self.as_of, policies=self.policy_ids, language=self.language)
        return self._show(fig, "timeline")

    def investments_chart(self) -> Svg | Html:
        from . import charts

        if self.investments.dropna(subset=["amount"]).empty:
            return Html('<p class="note">No amount of money is stated for these policies; the table below lists '
                        'what is known.</p>' if len(self.investments) else
                        '<p class="note">No money is recorded for these policies.</p>')
        fig = charts.investments(self.ds, policies=None if len(self.policy_ids) == len(self.ds.policies)
                                 else self.policy_ids)
        return self._show(fig, "investments")

    def progress_chart(self) -> Svg | Html:
        from . import charts

        linked = self.ds.outcomes.dropna(subset=["target_id", "value"])
        if not linked["target_id"].isin(self.targets["id"]).any():
            return Html('<p class="note">No reported figures are linked to these targets yet.</p>')
        fig = charts.progress(self.ds, self.status, policies=self.policy_ids)
        return self._show(fig, "progress")

    def policies_table(self) -> Html:
        rows = []
        for _, p in self.policies.iterrows():
            period = period_text(p["period_start"], p["period_end"])
            rows.append(
                f"<tr><td>{self._title(p)}</td><td>{esc(p['issuer'])}</td>"
                f"<td class='nowrap'>{plain_date(p['issued'], p['issued_precision'])}</td>"
                f"<td class='nowrap'>{esc(period)}</td><td>{self.citations.cite(p['source_id'])}</td></tr>")
        return Html(_table(["Policy", "Issued by", "Issued", "Period", "Source"], rows))

    def targets_table(self) -> Html:
        rows = []
        for _, t in self.targets.iterrows():
            goal = goal_text(t)
            printed = _printed(t["as_printed"])
            desc = esc(t["description_en"])
            if self.language != "en" and not _missing(t["description_zh"]):
                desc += f' <span lang="zh-Hans">({esc(t["description_zh"])})</span>'
            evidence = ""
            if not _missing(t["evidence_id"]):
                o = self.ds.outcomes.set_index("id").loc[str(t["evidence_id"])]
                evidence = (f"{plain_number(float(o['value']))} ({plain_date(o['reported'], o['reported_precision'])}) "
                            f"{self.citations.cite(o['source_id'])}")
            status = str(t["status"])
            rows.append(
                f"<tr><td>{desc}{printed}</td><td class='nowrap'>{esc(goal)}</td>"
                f"<td class='nowrap'>{deadline_text(t['deadline'], t['deadline_precision'])}</td>"
                f"<td><span class='status status-{status}'>{STATUS_TEXT[status]}</span></td>"
                f"<td>{evidence}</td><td>{self.citations.cite(t['source_id'])}</td></tr>")
        if not rows:
            return Html('<p class="note">No targets are recorded for these policies.</p>')
        return Html(_table(["Target", "Goal", "Due", "Status", "Latest evidence", "Source"], rows))

    def investments_table(self) -> Html:
        rows = []
        for _, i in self.investments.iterrows():
            amount = money_text(i)
            printed = _printed(i["as_printed"])
            period = period_text(i["period_start"], i["period_end"])
            rows.append(f"<tr><td>{esc(i['funded'])}</td><td class='nowrap'>{esc(amount)}{printed}</td>"
                        f"<td>{esc(i['kind'])}</td><td class='nowrap'>{esc(period)}</td>"
                        f"<td>{self.citations.cite(i['source_id'])}</td></tr>")
        if not rows:
            return Html("")
        return Html(_table(["What", "Amount", "Kind", "Period", "Source"], rows))

    def sources(self) -> Html:
        """The numbered list of every source cited above, with address, publisher and grade."""
        src = self.ds.sources.set_index("id")
        items = []
        for source_id, number in sorted(self.citations.numbers.items(), key=lambda kv: kv[1]):
            s = src.loc[source_id]
            link = esc(s["title"])
            if not _missing(s["url"]):
                url = html.escape(str(s["url"]), quote=True)
                link = f'<a href="{url}">{link}</a>' if str(s["url"]).startswith(("http://", "https://")) else link
            published = f", {esc(plain_date(s['published'], s['published_precision']))}" if not _missing(
                s["published"]) else ""
            grade = str(s["grade"])
            items.append(f'<li id="source-{number}" value="{number}">{link}. {esc(s["publisher"])}{published}. '
                         f'<span class="grade grade-{grade}">{GRADE_TEXT[grade]}</span></li>')
        grades = ("Grades: official (government site or briefing); major media; secondary (trade press, law "
                  "firms, institutes); weak (aggregators, mirrors, machine translations: check before relying).")
        return Html(f'<ol class="sources">{"".join(items)}</ol><p class="note">{grades}</p>')


_FAMILIES = re.compile(r"font-family: ([^;\"]+)")


def _plain_font_families(svg: str) -> str:
    """``'DejaVu Sans', 'Noto Sans CJK SC'`` as ``DejaVu Sans,Noto Sans CJK SC``.

    WeasyPrint (70) splits the list on commas and strips quotes but not the space before them, so the
    CJK family after ", " is not found and fontconfig falls back to the Japanese face. Unquoted family
    names without spaces around the commas are valid CSS for browsers too.
    """
    return _FAMILIES.sub(lambda m: "font-family: " + ",".join(
        f.strip().strip("'\"") for f in m.group(1).split(",")), svg)


def _printed(value: object) -> str:
    """The figure as the source prints it, under the value it was read as."""
    return "" if _missing(value) else f'<div class="printed">as printed: {esc(value)}</div>'


def _badge(status: str | None) -> str:
    if status not in STATUS_TEXT:
        return esc(status or "none")
    return f"<span class='status status-{status}'>{STATUS_TEXT[status]}</span>"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _table(header: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _year_text(value: object) -> str:
    return "" if _missing(value) else str(value.year)  # type: ignore[attr-defined]


def period_text(start: object, end: object) -> str:
    """A period by its years: '2018–2020', '2015' (no end printed), '' (none)."""
    return "–".join(x for x in (_year_text(start), _year_text(end)) if x)


def goal_text(t: Any) -> str:
    """A target's goal as the targets table shows it: '≥ 20 % increase', 'qualitative'."""
    from .charts import target_text

    if _missing(t["target_value"]):
        return "qualitative"
    top = None if _missing(t["target_max"]) else float(t["target_max"])
    return f"{target_text(str(t['comparator']), float(t['target_value']), top)} {t['unit']}"


def money_text(i: Any) -> str:
    """An amount with its qualifier and currency: 'about CNY 70 billion', 'not stated'."""
    if _missing(i["amount"]):
        return "not stated"
    sign = {"about": "about ", "more-than": "more than ", "at-least": "at least ",
            "up-to": "up to "}.get(str(i["qualifier"]), "")
    return f"{sign}{i['currency']} {plain_number(float(i['amount']))}"


def plain_date(value: object, precision: object) -> str:
    if _missing(value):
        return ""
    fmt = {"year": "%Y", "month": "%Y-%m"}.get(str(precision), "%Y-%m-%d")
    return value.strftime(fmt)  # type: ignore[attr-defined]


def deadline_text(value: object, precision: object) -> str:
    if _missing(value):
        return "no date"
    return str(value.year) if str(precision) == "year" else value.strftime("%Y-%m-%d")  # type: ignore[attr-defined]
