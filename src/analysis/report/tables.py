"""The briefing's tables and lists: policies, targets and what is known about each, lineage, reported
results, money, how status is decided, and the numbered sources.

``BriefingTables`` is mixed into ``analysis.report.briefing.Briefing``, which gives it the data (``ds``,
``status``, the selections), the citation numbers and ``cite_row``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from ..core.status_rules import ABOUT_TOLERANCE, NEEDS_ACCELERATION, ON_TRACK
from .text import (
    BINDING_TEXT,
    GRADE_TEXT,
    TREND_TEXT,
    Html,
    badge_html,
    count_text,
    data_table,
    deadline_text,
    esc,
    esc_plain,
    figure_text,
    goal_text,
    missing,
    money_text,
    note_html,
    period_text,
    plain_date,
    plain_number,
    printed_html,
    rate_text,
    when_text,
)

if TYPE_CHECKING:
    from datetime import date

    import pandas as pd

    from ..data.loading import Dataset
    from .text import Citations


class BriefingTables:
    """The table sections of a briefing (see ``Briefing`` for the data they read)."""

    ds: Dataset
    status: pd.DataFrame
    citations: Citations
    as_of: date
    language: str
    due_window_months: int
    policy_ids: list[str]
    policies: pd.DataFrame
    targets: pd.DataFrame
    investments: pd.DataFrame
    listed_sources: set[str] | None

    # Also from Briefing: cite_row(table, row_id, source_id), outcome(outcome_id) and _title(row).

    def policies_table(self) -> Html:
        rows = []
        for _, p in self.policies.iterrows():
            period = period_text(p["period_start"], p["period_end"])
            doc = "" if missing(p["doc_number"]) else f'<div class="printed">{esc(p["doc_number"])}</div>'
            rows.append(
                f"<tr><td>{self._title(p)}{doc}{note_html(p['note'])}</td><td>{esc(p['issuer'])}</td>"
                f"<td class='nowrap'>{plain_date(p['issued'], p['issued_precision'])}</td>"
                f"<td class='nowrap'>{esc(period)}</td><td>{self.cite_row('policies', p['id'], p['source_id'])}</td></tr>")
        return Html(data_table(["Policy", "Issued by", "Issued", "Period", "Source"], rows, "policies"))

    def targets_table(self) -> Html:
        """One row per target: the goal, its deadline, its status and what is known about it."""
        rows = []
        descriptions = dict(zip(self.ds.targets["id"], self.ds.targets["description_en"], strict=True))
        for _, t in self.targets.iterrows():
            desc = esc(t["description_en"])
            if self.language != "en" and not missing(t["description_zh"]):
                desc += f' <span lang="zh-Hans">({esc(t["description_zh"])})</span>'
            extra = printed_html(t["as_printed"])
            if not missing(t["binding"]):
                extra += f'<div class="printed">{esc(BINDING_TEXT[str(t["binding"])])}</div>'
            if not missing(t["follows"]) and str(t["follows"]) in descriptions:
                extra += (f'<div class="printed">continues an earlier target: '
                          f'{esc(str(descriptions[str(t["follows"])]).rstrip("."))} (see Lineage)</div>')
            extra += note_html(t["note"])
            status = str(t["status"])
            badge = badge_html(status)
            if status == "not-found":
                badge += f'<div class="printed">checked {esc(t["checked"].strftime("%Y-%m"))}</div>'
            if not missing(t["trend"]):
                badge += f'<div class="trend trend-{esc(t["trend"])}">{TREND_TEXT[str(t["trend"])]}</div>'
            rows.append(
                f"<tr><td>{desc}{extra}</td><td>{esc(goal_text(t))}</td>"
                f"<td class='nowrap'>{deadline_text(t['deadline'], t['deadline_precision'])}</td>"
                f"<td>{badge}</td><td>{self.evidence_text(t)}</td>"
                f"<td>{self.cite_row('targets', t['id'], t['source_id'])}</td></tr>")
        if not rows:
            return Html('<p class="note">No targets are recorded for these policies.</p>')
        return Html(data_table(["Target", "Goal", "Due", "Status", "What is known", "Source"], rows, "targets"))

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
            if status == "missed" and not missing(t["share_of_goal"]):
                parts.append(f"reached {t['share_of_goal']:.0%} of the goal")
        if status == "claimed":
            c = self.outcome(t["claim_id"])
            said = f": {esc(c['as_printed'])}" if not missing(c["as_printed"]) else ""
            parts.append(f"claimed complete, no figure{said} ({esc(when_text(c))}) "
                         f"{self.cite_row('outcomes', c['id'], c['source_id'])}")
        if not missing(t["latest_id"]) and (status not in ("met", "missed") or t["latest_id"] != t["evidence_id"]):
            parts.append(f"last known: {self._figure(t['latest_id'])}")
        if status == "not-found":
            parts.append(f"No public report found. <span class='note'>Searched for: {esc(t['looked_for'])}</span>")
        elif status == "overdue":
            parts.append("no result known, and no search recorded yet")
        if not missing(t["trend"]):
            parts.append(
                f"{TREND_TEXT[str(t['trend'])]}: {rate_text(t['trend_observed_rate'])} a year from "
                f"{esc(plain_number(t['trend_start_value']))} ({t['trend_start_date']:%Y-%m}) to "
                f"{esc(plain_number(t['trend_end_value']))} ({t['trend_end_date']:%Y-%m}); "
                f"{rate_text(t['trend_needed_rate'])} a year needed to reach the goal by the deadline")
        return "<br>".join(parts)

    def lineage(self) -> Html:
        """Targets that continue or replace an earlier plan's target, as chains from the first to the last."""
        t = self.ds.targets.merge(self.status[["target_id", "status"]], left_on="id", right_on="target_id")
        rows = {str(r["id"]): r for _, r in t.iterrows()}
        after: dict[str, list[str]] = {}
        for tid, r in rows.items():
            if not missing(r["follows"]) and str(r["follows"]) in rows:
                after.setdefault(str(r["follows"]), []).append(tid)
        titles = dict(zip(self.ds.policies["id"], self.ds.policies["title_en"], strict=True))
        issued = dict(zip(self.ds.policies["id"], self.ds.policies["issued"], strict=True))
        shown = set(self.targets["id"])
        chains, seen = [], set()
        for tid in sorted(rows, key=lambda k: (rows[k]["deadline"], k)):
            r = rows[tid]
            if tid in seen or not (missing(r["follows"]) or str(r["follows"]) not in rows) or tid not in after:
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
                             f"{deadline_text(r['deadline'], r['deadline_precision'])} {badge_html(str(r['status']))} "
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
            figure = ("claim, no figure" if missing(r["value"])
                      else esc(figure_text(float(r["value"]), str(r["qualifier"]), str(r["unit"]))))
            rows.append(f"<tr><td>{esc(r['metric'])}{note_html(r['note'])}</td>"
                        f"<td>{figure}{printed_html(r['as_printed'])}</td><td class='nowrap'>{esc(when_text(r))}</td>"
                        f"<td>{self.cite_row('outcomes', r['id'], r['source_id'])}</td></tr>")
        return Html(data_table(["Measure", "Figure", "For", "Source"], rows, "results"))

    def investments_table(self) -> Html:
        rows = []
        for _, i in self.investments.iterrows():
            amount = money_text(i)
            printed = printed_html(i["as_printed"])
            period = period_text(i["period_start"], i["period_end"])
            rows.append(f"<tr><td>{esc(i['funded'])}</td><td class='nowrap'>{esc(amount)}{printed}</td>"
                        f"<td>{esc(i['kind'])}</td><td class='nowrap'>{esc(period)}</td>"
                        f"<td>{self.cite_row('investments', i['id'], i['source_id'])}</td></tr>")
        if not rows:
            return Html("")
        return Html(data_table(["What", "Amount", "Kind", "Period", "Source"], rows, "money"))

    def sources(self) -> Html:
        """The numbered list of every source cited above, with address, publisher and grade."""
        src = self.ds.sources.set_index("id")
        items = []
        for source_id, number in sorted(self.citations.numbers.items(), key=lambda kv: kv[1]):
            s = src.loc[source_id]
            link = (f'<span lang="ja">{esc_plain(s["title"])}</span>'
                    if str(s["language"]) == "ja" else esc(s["title"]))
            if not missing(s["url"]):
                url = html.escape(str(s["url"]), quote=True)
                link = f'<a href="{url}">{link}</a>' if str(s["url"]).startswith(("http://", "https://")) else link
            published = f", {esc(plain_date(s['published'], s['published_precision']))}" if not missing(
                s["published"]) else ""
            grade = str(s["grade"])
            late = ""
            if not missing(s["published"]) and s["published"].date() > self.as_of:
                late = ' <span class="late">published after the status date</span>'
            items.append(f'<li id="source-{number}" value="{number}">{link}. {esc(s["publisher"])}{published}. '
                         f'<span class="grade grade-{grade}">{GRADE_TEXT[grade]}</span>{late}</li>')
        self.listed_sources = set(self.citations.numbers)  # what save() holds later citations against
        grades = ("Grades: official (government site or briefing); major media; secondary (trade press, law "
                  "firms, institutes); weak (aggregators, mirrors, machine translations: check before relying).")
        return Html(f'<ol class="sources">{"".join(items)}</ol><p class="note">{grades}</p>')


    def status_rules(self) -> Html:
        """How each status is decided, in plain words (the rules of ``analysis.status``)."""
        window = count_text(self.due_window_months, "month")
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
        rules = "".join(f"<li>{badge_html(s)} {esc(text)}</li>" for s, text in items)
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
