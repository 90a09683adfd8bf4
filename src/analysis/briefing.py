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
from .status import ABOUT_TOLERANCE, NEEDS_ACCELERATION, ON_TRACK, STATUSES
from .validate import BIDI_CONTROLS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from .loading import Dataset

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff《》“”"
_CJK = re.compile(rf"[\u3000-\u303f{_HAN}\uff00-\uffef]+(?:[\s\d.%~\-+()（）]*[{_HAN}]+)*")
STATUS_TEXT = {"met": "met", "missed": "missed", "claimed": "claimed, no figure", "not-found": "no result found",
               "overdue": "overdue", "due-soon": "due soon", "upcoming": "upcoming", "qualitative": "qualitative"}
TREND_TEXT = {"on-track": "on track", "needs-acceleration": "needs acceleration", "off-track": "off track",
              "moving-away": "moving away"}
GRADE_TEXT = {"official": "official", "major-media": "major media", "secondary": "secondary", "weak": "weak"}
GRADE_RANK = {"official": 0, "major-media": 1, "secondary": 2, "weak": 3}
BINDING_TEXT = {"binding": "binding (约束性)", "anticipatory": "anticipatory (预期性)"}


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
        everything = load(Path(data_dir) if data_dir else paths.DATA_DIR)
        known = list(everything.policies["id"])
        if policies == "all" or policies is None:
            selected = known
        elif isinstance(policies, str):
            raise ValueError(f"policies must be 'all' or a list of policy ids, got the string {policies!r}")
        else:
            unknown = [p for p in policies if p not in known]
            if unknown:
                raise ValueError(f"unknown policy id(s): {', '.join(unknown)}")
            selected = list(policies)
        # As of means as of: only what existed on the status date is shown, in every section.
        self.ds: Dataset = everything.known_at(self.as_of)
        issued = set(self.ds.policies["id"])
        self.policy_ids = [p for p in selected if p in issued]
        self.later_policies = [p for p in selected if p not in issued]
        """Selected policies issued after the status date: not shown, only counted."""
        self.figures_dir = Path(figures_dir) if figures_dir else None
        self.status = target_status(self.ds, self.as_of, due_window_months)
        self.citations = Citations()
        grades = dict(zip(self.ds.sources["id"], self.ds.sources["grade"].astype(str), strict=True))
        self._grade = grades
        self._also: dict[tuple[str, str], list[str]] = {}
        for c in self.ds.citations.itertuples(index=False):
            self._also.setdefault((str(c.table), str(c.row_id)), []).append(str(c.source_id))
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
        """The selected policies' targets with their status columns (see ``analysis.status``)."""
        columns = [c for c in self.status.columns if c not in ("policy_id", "deadline")]
        t = self.ds.targets.merge(self.status[columns], left_on="id", right_on="target_id")
        return t[t["policy_id"].isin(self.policy_ids)].sort_values(["deadline", "id"], na_position="last")

    def cite_row(self, table: str, row_id: object, source_id: object) -> str:
        """Citation marks for a row: its own source and its corroborating ones, the best-graded first."""
        if _missing(source_id):
            return ""
        own = str(source_id)
        ids = [own] + [s for s in self._also.get((table, str(row_id)), []) if s != own]
        ids.sort(key=lambda s: GRADE_RANK.get(self._grade.get(s, "weak"), 9))  # stable: own first among equals
        return " ".join(self.citations.cite(s) for s in ids)  # a space, so a long list can wrap

    def outcome(self, outcome_id: object) -> Any:
        """One outcome row by id."""
        o = self.ds.outcomes
        return o[o["id"] == str(outcome_id)].iloc[0]

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
        """Where the targets stand, with denominators, so that a reader of this section alone is not misled.

        Boxes: policies, targets, then each status with its count; below them one sentence on the targets
        past their deadline (how many are settled by a figure, and what is known about the rest), and one
        on the open targets with a trend.
        """
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
        parts = [f'<div class="key-figures">{cells}</div>', f"<p>{esc(self.headline())}</p>"]
        if self.later_policies:
            later = _count(len(self.later_policies), "selected policy", "selected policies")
            parts.append(f'<p class="note">Not shown: {later} issued after the status date '
                         f'({esc(self.as_of.isoformat())}).</p>')
        return Html("".join(parts))

    def headline(self) -> str:
        """One sentence on the numeric targets past their deadline, and one on the open ones."""
        import pandas as pd

        t = self.targets
        day = pd.Timestamp(self.as_of)
        numeric = t[t["comparator"] != "qualitative"]
        past = numeric[numeric["deadline"].notna() & (numeric["deadline"] < day)]
        n = past["status"].value_counts()
        settled = int(n.get("met", 0) + n.get("missed", 0))
        if len(past):
            share = f" ({settled / len(past):.0%})"
            rest = [f"{int(n[s])} {one if n[s] == 1 else many}" for s, one, many in (
                ("claimed", "rests on an official claim without a figure", "rest on an official claim without a figure"),
                ("not-found", "has no public result that a search found", "have no public result that a search found"),
                ("overdue", "has not been searched for yet", "have not been searched for yet")) if n.get(s, 0)]
            text = (f"Of {_count(len(past), 'numeric target')} past their deadline, {settled}{share} "
                    f"{'is' if settled == 1 else 'are'} settled by a reported figure ({int(n.get('met', 0))} met, "
                    f"{int(n.get('missed', 0))} missed)")
            text += f"; {_join(rest)}." if rest else "."
        else:
            text = "No numeric target is past its deadline."
        open_ = numeric[numeric["status"].isin(["due-soon", "upcoming"])]
        if len(open_):
            trends = open_["trend"].value_counts()
            judged = [f"{int(trends[k])} {TREND_TEXT[k]}" for k in TREND_TEXT if trends.get(k, 0)]
            text += (f" Of {_count(len(open_), 'open target')}, " + (
                f"{_join(judged)} by the growth so far" if judged else "none has two figures to judge a trend by")
                + ".")
        return text

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
            doc = "" if _missing(p["doc_number"]) else f'<div class="printed">{esc(p["doc_number"])}</div>'
            rows.append(
                f"<tr><td>{self._title(p)}{doc}{_note(p['note'])}</td><td>{esc(p['issuer'])}</td>"
                f"<td class='nowrap'>{plain_date(p['issued'], p['issued_precision'])}</td>"
                f"<td class='nowrap'>{esc(period)}</td><td>{self.cite_row('policies', p['id'], p['source_id'])}</td></tr>")
        return Html(_table(["Policy", "Issued by", "Issued", "Period", "Source"], rows))

    def targets_table(self) -> Html:
        """One row per target: the goal, its deadline, its status and what is known about it."""
        rows = []
        descriptions = dict(zip(self.ds.targets["id"], self.ds.targets["description_en"], strict=True))
        for _, t in self.targets.iterrows():
            desc = esc(t["description_en"])
            if self.language != "en" and not _missing(t["description_zh"]):
                desc += f' <span lang="zh-Hans">({esc(t["description_zh"])})</span>'
            extra = _printed(t["as_printed"])
            if not _missing(t["binding"]):
                extra += f'<div class="printed">{esc(BINDING_TEXT[str(t["binding"])])}</div>'
            if not _missing(t["follows"]) and str(t["follows"]) in descriptions:
                extra += (f'<div class="printed">continues an earlier target: '
                          f'{esc(str(descriptions[str(t["follows"])]).rstrip("."))} (see Lineage)</div>')
            extra += _note(t["note"])
            status = str(t["status"])
            badge = _badge(status)
            if status == "not-found":
                badge += f'<div class="printed">checked {esc(t["checked"].strftime("%Y-%m"))}</div>'
            if not _missing(t["trend"]):
                badge += f'<div class="trend trend-{esc(t["trend"])}">{TREND_TEXT[str(t["trend"])]}</div>'
            rows.append(
                f"<tr><td>{desc}{extra}</td><td>{esc(goal_text(t))}</td>"
                f"<td class='nowrap'>{deadline_text(t['deadline'], t['deadline_precision'])}</td>"
                f"<td>{badge}</td><td>{self.evidence_text(t)}</td>"
                f"<td>{self.cite_row('targets', t['id'], t['source_id'])}</td></tr>")
        if not rows:
            return Html('<p class="note">No targets are recorded for these policies.</p>')
        return Html(_table(["Target", "Goal", "Due", "Status", "What is known", "Source"], rows, "targets"))

    def _figure(self, outcome_id: object) -> str:
        """A reported figure with its qualifier, unit, date and sources: 'more than 350,000 enterprises (2020-09) [4]'."""
        o = self.outcome(outcome_id)
        return (f"{esc(figure_text(float(o['value']), str(o['qualifier']), str(o['unit'])))} ({esc(when_text(o))}) "
                f"{self.cite_row('outcomes', o['id'], o['source_id'])}")

    def evidence_text(self, t: Any) -> str:
        """What is known about a target: the deciding figure, the latest figure, a claim, a search, a trend."""
        status = str(t["status"])
        parts = []
        if status in ("met", "missed"):
            parts.append(self._figure(t["evidence_id"]))
            if status == "missed" and not _missing(t["share_of_goal"]):
                parts.append(f"reached {t['share_of_goal']:.0%} of the goal")
        if status == "claimed":
            c = self.outcome(t["claim_id"])
            said = f": {esc(c['as_printed'])}" if not _missing(c["as_printed"]) else ""
            parts.append(f"claimed complete, no figure{said} ({esc(when_text(c))}) "
                         f"{self.cite_row('outcomes', c['id'], c['source_id'])}")
        if not _missing(t["latest_id"]) and (status not in ("met", "missed") or t["latest_id"] != t["evidence_id"]):
            parts.append(f"last known: {self._figure(t['latest_id'])}")
        if status == "not-found":
            parts.append(f"No public report found. <span class='note'>Searched {esc(t['checked'].strftime('%Y-%m'))} "
                         f"for: {esc(t['looked_for'])}</span>")
        elif status == "overdue":
            parts.append("no result known, and no search recorded yet")
        if not _missing(t["trend"]):
            parts.append(
                f"{TREND_TEXT[str(t['trend'])]}: {_rate(t['trend_observed_rate'])} a year from "
                f"{esc(plain_number(t['trend_start_value']))} ({t['trend_start_date']:%Y-%m}) to "
                f"{esc(plain_number(t['trend_end_value']))} ({t['trend_end_date']:%Y-%m}); "
                f"{_rate(t['trend_needed_rate'])} a year needed to reach the goal by the deadline")
        return "<br>".join(parts)

    def lineage(self) -> Html:
        """Targets that continue or replace an earlier plan's target, as chains from the first to the last."""
        t = self.ds.targets.merge(self.status[["target_id", "status"]], left_on="id", right_on="target_id")
        rows = {str(r["id"]): r for _, r in t.iterrows()}
        after: dict[str, list[str]] = {}
        for tid, r in rows.items():
            if not _missing(r["follows"]) and str(r["follows"]) in rows:
                after.setdefault(str(r["follows"]), []).append(tid)
        titles = dict(zip(self.ds.policies["id"], self.ds.policies["title_en"], strict=True))
        issued = dict(zip(self.ds.policies["id"], self.ds.policies["issued"], strict=True))
        shown = set(self.targets["id"])
        chains, seen = [], set()
        for tid in sorted(rows, key=lambda k: (rows[k]["deadline"], k)):
            r = rows[tid]
            if tid in seen or not (_missing(r["follows"]) or str(r["follows"]) not in rows) or tid not in after:
                continue
            chain, queue = [], [tid]
            while queue:
                k = queue.pop(0)
                chain.append(k)
                queue += sorted(after.get(k, []), key=lambda x: (rows[x]["deadline"], x))
            seen.update(chain)
            if shown.intersection(chain):
                chains.append(sorted(chain, key=lambda k: (issued.get(rows[k]["policy_id"]), rows[k]["deadline"], k)))
        if not chains:
            return Html('<p class="note">No target of these policies continues, or is continued by, another '
                        "plan's target.</p>")
        parts = []
        for chain in chains:
            items = []
            for k in chain:
                r = rows[k]
                items.append(f"<li>{esc(titles.get(r['policy_id'], r['policy_id']))}: {esc(goal_text(r))} by "
                             f"{deadline_text(r['deadline'], r['deadline_precision'])} {_badge(str(r['status']))} "
                             f"{self.cite_row('targets', k, r['source_id'])}</li>")
            parts.append(f'<p class="since-group">{esc(rows[chain[0]]["metric"])}</p>'
                         f'<ol class="lineage">{"".join(items)}</ol>')
        return Html("".join(parts))

    def reported_results(self) -> Html:
        """Reported figures and claims that measure no target: what else is known about these policies."""
        o = self.ds.outcomes
        linked = o["target_id"].notna()
        everything = len(self.policy_ids) == len(self.ds.policies)
        mine = o[~linked] if everything else o[~linked & o["policy_id"].isin(self.policy_ids)]
        if mine.empty:
            return Html('<p class="note">No other reported results are recorded for these policies.</p>')
        mine = mine.assign(_when=mine["refers_to"].fillna(mine["reported"])).sort_values(["metric", "_when", "id"])
        rows = []
        for _, r in mine.iterrows():
            if _missing(r["value"]):
                figure = "claim, no figure"
            else:
                figure = esc(figure_text(float(r["value"]), str(r["qualifier"]), str(r["unit"])))
            rows.append(f"<tr><td>{esc(r['metric'])}{_note(r['note'])}</td>"
                        f"<td>{figure}{_printed(r['as_printed'])}</td><td class='nowrap'>{esc(when_text(r))}</td>"
                        f"<td>{self.cite_row('outcomes', r['id'], r['source_id'])}</td></tr>")
        return Html(_table(["Measure", "Figure", "For", "Source"], rows))

    def investments_table(self) -> Html:
        rows = []
        for _, i in self.investments.iterrows():
            amount = money_text(i)
            printed = _printed(i["as_printed"])
            period = period_text(i["period_start"], i["period_end"])
            rows.append(f"<tr><td>{esc(i['funded'])}</td><td class='nowrap'>{esc(amount)}{printed}</td>"
                        f"<td>{esc(i['kind'])}</td><td class='nowrap'>{esc(period)}</td>"
                        f"<td>{self.cite_row('investments', i['id'], i['source_id'])}</td></tr>")
        if not rows:
            return Html("")
        return Html(_table(["What", "Amount", "Kind", "Period", "Source"], rows))

    def sources(self) -> Html:
        """The numbered list of every source cited above, with address, publisher and grade."""
        src = self.ds.sources.set_index("id")
        items = []
        for source_id, number in sorted(self.citations.numbers.items(), key=lambda kv: kv[1]):
            s = src.loc[source_id]
            link = (f'<span lang="ja">{html.escape(str(s["title"]).translate(_BIDI))}</span>'
                    if str(s["language"]) == "ja" else esc(s["title"]))
            if not _missing(s["url"]):
                url = html.escape(str(s["url"]), quote=True)
                link = f'<a href="{url}">{link}</a>' if str(s["url"]).startswith(("http://", "https://")) else link
            published = f", {esc(plain_date(s['published'], s['published_precision']))}" if not _missing(
                s["published"]) else ""
            grade = str(s["grade"])
            late = ""
            if not _missing(s["published"]) and s["published"].date() > self.as_of:
                late = ' <span class="late">published after the status date</span>'
            items.append(f'<li id="source-{number}" value="{number}">{link}. {esc(s["publisher"])}{published}. '
                         f'<span class="grade grade-{grade}">{GRADE_TEXT[grade]}</span>{late}</li>')
        grades = ("Grades: official (government site or briefing); major media; secondary (trade press, law "
                  "firms, institutes); weak (aggregators, mirrors, machine translations: check before relying).")
        return Html(f'<ol class="sources">{"".join(items)}</ol><p class="note">{grades}</p>')


    def status_rules(self) -> Html:
        """How each status is decided, in plain words (the rules of ``analysis.status``)."""
        window = _count(self.due_window_months, "month")
        items = [
            ("met", "a figure reported by the status date reaches the goal, for a time on or before the "
                    "deadline. A plan that says it will build or cultivate N sets a floor: more than N counts."),
            ("missed", "the deadline has passed and a figure for the deadline or later falls short. The table "
                       "says how much of the goal it reached."),
            ("claimed", "no figure settles the target, but an official statement says the task was completed. "
                        "A claim is not a measurement, so it never counts as met."),
            ("not-found", "the deadline has passed, no figure settles it, and a search of public reports found "
                          "none; the table says when the search was made and what it looked for. This is a gap "
                          "in what is known, not proof of failure."),
            ("overdue", "the deadline has passed and nothing settles it, and no search has been recorded yet."),
            ("due-soon", f"the deadline falls within {window} of the status date."),
            ("upcoming", "the deadline is further off, or no date is printed."),
            ("qualitative", "the goal has no number to test."),
        ]
        rules = "".join(f"<li>{_badge(s)} {esc(text)}</li>" for s, text in items)
        trend = (f"<p>For open targets with two figures in time (or a baseline and a figure), the trend compares "
                 f"the growth rate so far with the rate needed to reach the goal by the deadline, both as compound "
                 f"annual rates from the first figure: at least {ON_TRACK:.0%} of the needed rate is "
                 f"<em>on track</em>, {NEEDS_ACCELERATION:.0%} to {ON_TRACK:.0%} <em>needs acceleration</em>, "
                 f"less <em>off track</em>, and a move away from the goal <em>moving away</em>. The figures and rates are "
                 f"in the table and in facts.json, so the sum can be redone.</p>")
        basis = (f"<p>Only what was known on {esc(self.as_of.isoformat())} counts: figures reported later, and "
                 f"policies, amounts and sources from after that date, are left out. A year-only deadline means "
                 f"the end of that year. A figure stated as a lower bound (\u201cmore than 8,000\u201d) counts only as "
                 f"that bound; \u201cabout\u201d a goal means within {ABOUT_TOLERANCE:.0%} of it.</p>")
        return Html(f'<ul class="rules">{rules}</ul>{trend}{basis}')


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


def _note(value: object) -> str:
    """A curator's note, small, under the row it qualifies."""
    return "" if _missing(value) else f'<div class="note">{esc(value)}</div>'


def _rate(value: float) -> str:
    return f"{value:+.1%}"


def _join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def figure_text(value: float, qualifier: str, unit: str) -> str:
    """A reported figure as printed in English: 'more than 350,000 enterprises', 'about 71.5%'."""
    sign = {"about": "about ", "at-least": "at least ", "more-than": "more than "}.get(qualifier, "")
    number = plain_number(value)
    return f"{sign}{number}%" if unit == "%" else f"{sign}{number} {unit}"


def when_text(o: Any) -> str:
    """The time a reported figure describes (its report date where none is given), at its precision."""
    if not _missing(o["refers_to"]):
        return plain_date(o["refers_to"], o["refers_to_precision"])
    return plain_date(o["reported"], o["reported_precision"])


def _badge(status: str | None) -> str:
    if status not in STATUS_TEXT:
        return esc(status or "none")
    return f"<span class='status status-{status}'>{STATUS_TEXT[status]}</span>"


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _table(header: list[str], rows: list[str], kind: str = "") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    return (f'<table class="data{" " + kind if kind else ""}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


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
