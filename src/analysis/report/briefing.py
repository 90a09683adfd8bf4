"""What a briefing notebook shows: the ``Briefing`` a notebook makes, and the facts it saves.

A notebook stays thin: it sets its parameters, makes a ``Briefing`` and calls one method per section.
This module holds the selection (as of the status date, the chosen policies), the key figures, what
changed since the last briefing and the charts; ``analysis.report.tables`` the tables, the lineage, the
reported results, the rules and the sources. Every fact shown cites its source by number ([3]).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import paths
from ..core.status_rules import STATUSES
from ..data import topics
from ..data.problems import did_you_mean
from ..data.reads import read_text_rows, slice_version
from . import i18n, snapshot
from .chart_sections import BriefingCharts
from .commentary_render import BriefingCommentary
from .context import BuildContext
from .downloads import tables
from .fragments import render
from .i18n import _, ngettext
from .key_figures import headline, verdicts
from .tables import BriefingTables
from .text import (
    GRADE_RANK,
    STATUS_TEXT,
    Citations,
    Html,
    day_text,
    deadline_text,
    figure_text,
    goal_text,
    markup,
    missing,
    money_text,
    period_text,
    plain_date,
    when_text,
)

if TYPE_CHECKING:
    import pandas as pd

    from ..data.loading import Dataset


class Briefing(BriefingCharts, BriefingTables, BriefingCommentary):
    """The data and parameters behind one briefing. Making one reads the data and writes nothing; ``save``
    writes what the briefing showed (the build calls it after the notebook's last cell)."""

    def __init__(
        self,
        *,
        title: str,
        policies: list[str] | str | dict[str, str] = "all",
        as_of: date | str,
        language: str = "en",
        due_window_months: int = 12,
        compare_to: Path | str | None = None,
        context: BuildContext | dict[str, Any] | None = None,
        data_dir: Path | str | None = None,
    ) -> None:
        """``policies``: "all", a list of policy ids, or ``{"topic": NAME}`` (the policies with that topic, in
        issue order, as in ``reports/briefings.yml``). ``compare_to``: a facts.json (or its folder) to compare
        with; otherwise the last published edition, else the snapshot of this briefing's last build (both
        named by the build's ``context``, ``analysis.report.context``). ``data_dir``: a data package other
        than the project's (a notebook run by hand; the build passes it in ``context``)."""
        from ..data.loading import load
        from ..status import analyst_views, as_date, assessments, target_status
        from .charts import LANGUAGES

        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
        self.context = ctx = BuildContext.of(context)
        folder = Path(data_dir or ctx.data_dir or paths.DATA_DIR)
        self.title = title
        self.as_of = as_date(as_of)
        self.language = language
        i18n.activate("zh" if language == "zh" else "en")  # the page's language: every section speaks it
        self.due_window_months = due_window_months
        everything = load(folder, validated=ctx.validated)
        selected = _choose(everything.policies, policies)
        # As of means as of: only what existed on the status date is shown, in every section.
        self.ds: Dataset = everything.known_at(self.as_of)
        issued = set(self.ds.policies["id"])
        self.policy_ids = [p for p in selected if p in issued]
        self.later_policies = [p for p in selected if p not in issued]
        """Selected policies issued after the status date: not shown, only counted."""
        self.charts_dir = Path(ctx.charts_dir) if ctx.charts_dir else None
        self.previous_charts = Path(ctx.previous_charts) if ctx.previous_charts else None
        self.assessments = assessments(self.ds, self.as_of, due_window_months)
        """Each target's ``Assessment`` (``analysis.core.status_rules``): what the sections render from."""
        self.status = target_status(self.ds, self.as_of, due_window_months, found=self.assessments)
        self.analyst_views = analyst_views(self.ds, self.as_of, self.assessments, due_window_months)
        """Each target's latest analyst's assessment (``analysis.status.AnalystView``), beside the computed status."""
        # The version it cites covers exactly the rows it reads (analysis.data.reads), as the build hashes them.
        self.data_version = ctx.data_version or slice_version(read_text_rows(folder),
                                                                 None if policies in ("all", None) else selected)
        self.ds = replace(self.ds, version=self.data_version)  # what the page cites
        self.citations = Citations(kept=snapshot.read_numbers(ctx.previous_facts))
        grades = dict(zip(self.ds.sources["id"], self.ds.sources["grade"].astype(str), strict=True))
        self._grade = grades
        self._corroborating: dict[tuple[str, str], list[str]] = {}
        for c in self.ds.citations.itertuples(index=False):
            self._corroborating.setdefault((str(c.table), str(c.row_id)), []).append(str(c.source_id))
        self.listed_sources: set[str] | None = None
        """The sources the Sources section listed (``None`` until it is shown)."""
        self._briefing_of: dict[str, str] = json.loads(ctx.briefings) if ctx.briefings else {}
        with i18n.use("en"):  # facts are compared across builds and editions: always in the same words
            self.facts = take(self)
        self._read_commentary(ctx.commentary, ctx.briefing_id or "")
        if self.remarks is not None and self.remarks_state is not None:
            self.facts["commentary"] = {"digest": self.remarks.digest, **self.remarks_state.as_facts()}
        self.baseline = self._baseline(compare_to, ctx.previous_facts, ctx.editions_dir)

    def save(self, folder: Path | str | None = None) -> list[Path]:
        """Write what this briefing showed into ``folder`` (default: the build's ``context.out_dir``):
        ``facts.json`` (with its baseline), ``source-numbers.json`` and the downloads ``data.csv`` and
        ``data.xlsx``; return the paths. Refuses, writing nothing, when a section cited a source that the
        Sources list does not show (a cell after ``b.sources()``)."""
        from ..files import document_date, write_atomic
        from .downloads import write as write_downloads

        target = Path(folder) if folder else Path(self.context.out_dir) if self.context.out_dir else None
        if target is None:
            raise ValueError("save() needs a folder: none given and the build's context names none")
        cited = set(self.citations.numbers)
        if cited and self.listed_sources is None:
            raise RuntimeError("this briefing cites sources but shows no Sources list: end the notebook with "
                               "b.sources()")
        unlisted = sorted(cited - (self.listed_sources or set()))
        if unlisted:
            numbers = ", ".join(f"[{self.citations.numbers[s]}] {s}" for s in unlisted)
            raise RuntimeError(f"a cell after the Sources list cited {numbers}, which the list does not show: "
                               "move that cell before b.sources()")
        target.mkdir(parents=True, exist_ok=True)
        facts = target / snapshot.FACTS
        write_atomic(facts, snapshot.dumps({**self.facts, "baseline": self.baseline}))
        numbers = target / snapshot.NUMBERS  # kept for the next build of the series
        ordered = dict(sorted(self.citations.all_numbers().items(), key=lambda kv: kv[1]))
        write_atomic(numbers, (json.dumps({"format": 1, "sources": ordered}, indent=1) + "\n").encode("utf-8"))
        frames = tables(self.targets, self.investments, self.ds.sources, self.ds.policies, self.ds.checks,
                        self.analyst_views, outcomes=self.ds.outcomes, page_sources=list(self.citations.numbers))
        return [facts, numbers, *write_downloads(frames, target, document_date(self.as_of.isoformat()), {
            "title": self.title, "status_as_of": self.as_of.isoformat(), "data_version": self.data_version})]

    def _baseline(self, compare_to: Path | str | None, previous_facts: Path | str | None,
                  editions_dir: Path | str | None) -> dict[str, Any] | None:
        from . import editions

        if compare_to:
            return snapshot.read(compare_to)  # what the analyst asked for, even if identical
        decided, baseline = editions.baseline(self.facts, editions_dir)
        if decided:  # the last published edition, not the last build
            return baseline
        if previous_facts and Path(previous_facts).exists():
            return snapshot.baseline_for(self.facts, snapshot.read(previous_facts))
        return None

    # -- selections ---------------------------------------------------------------------------------

    @cached_property
    def policies(self) -> pd.DataFrame:
        p = self.ds.policies
        return p[p["id"].isin(self.policy_ids)].sort_values(["issued", "id"], na_position="last")

    @cached_property
    def targets(self) -> pd.DataFrame:
        """The selected policies' targets with their status columns (see ``analysis.status``)."""
        columns = [c for c in self.status.columns if c not in ("policy_id", "deadline")]
        t = self.ds.targets.merge(self.status[columns], left_on="id", right_on="target_id")
        return t[t["policy_id"].isin(self.policy_ids)].sort_values(["deadline", "id"], na_position="last")

    def briefing_of(self, policy_id: str) -> str | None:
        """The id of the policy's own briefing, where the build names one."""
        return self._briefing_of.get(policy_id)

    def row_sources(self, table: str, row_id: object, source_id: object) -> list[str]:
        """A row's own source and its corroborating ones, the best-graded first (own first among equals)."""
        if missing(source_id):
            return []
        own = str(source_id)
        ids = [own] + [s for s in self._corroborating.get((table, str(row_id)), []) if s != own]
        ids.sort(key=lambda s: GRADE_RANK.get(self._grade.get(s, "weak"), 9))  # stable
        return ids

    def cite_row(self, table: str, row_id: object, source_id: object) -> str:
        """Citation marks for a row: its own source and its corroborating ones, the best-graded first."""
        return markup(" ").join(self.citations.cite(s) for s in self.row_sources(table, row_id, source_id))  # can wrap

    def outcome(self, outcome_id: object) -> Any:
        """One outcome row by id."""
        return self._outcome_rows[str(outcome_id)]

    @cached_property
    def investments(self) -> pd.DataFrame:
        i = self.ds.investments
        if len(self.policy_ids) == len(self.ds.policies):
            return i
        return i[i["policy_id"].isin(self.policy_ids)]

    def _title(self, row: Any) -> list[str]:
        """A policy's title in the briefing's language, one line each: English, Chinese, or both."""
        en, zh = row["title_en"], row["title_zh"]
        if self.language == "zh" and not missing(zh):
            return [str(zh)]
        if self.language == "both" and not missing(zh):
            return [str(en), str(zh)]
        return [str(en)]

    @cached_property
    def _outcome_rows(self) -> dict[str, Any]:
        return {str(o["id"]): o for _i, o in self.ds.outcomes.iterrows()}

    # -- sections -----------------------------------------------------------------------------------

    def since(self) -> Html:
        """What changed since the earlier briefing: the section a returning reader reads first."""
        from .snapshot import SECTIONS, compare, describe

        if self.baseline is None:
            return render("since", first=True)
        cmp = compare(self.baseline, self.facts)
        old = day_text(str(cmp.old_as_of))
        same_day = _(" (an earlier build with the same status date)") if cmp.old_as_of == cmp.new_as_of else ""
        version = self.baseline.get("data_version")
        heading = _("Since {old}").format(old=old)
        intro = _("Compared with the briefing as of {old}{same_day}{version}: ").format(
            old=old, same_day=same_day, version=_(", data version {version}").format(version=version) if version else "")
        if isinstance(edition := self.baseline.get("edition"), dict):  # a published edition, not a build
            from .editions import since_words

            heading, intro = since_words(edition, cmp.old_as_of, version)
        groups = []
        for group, kind, table in SECTIONS:
            changes = cmp.of(kind, table)
            if changes:
                groups.append({"heading": _(group), "kind": kind, "changes": [
                    {"label": _(c.label) if kind == "commentary" else c.label, "old": c.old, "new": c.new,
                     "detail": describe(c) if kind in ("figure", "revised", "lineage", "assessment", "removed",
                                                       "commentary") else ""}
                    for c in changes]})
        return render("since", first=False, heading=heading, intro=intro, groups=groups, changed=bool(cmp.changes),
                      count=ngettext("{n} change", "{n} changes", len(cmp.changes)).format(n=len(cmp.changes)))

    def key_figures(self) -> Html:
        """Where the targets stand, with denominators, so that a reader of this section alone is not misled.

        Boxes: policies, targets, then each status with its count; below them one sentence on the targets
        past their deadline (how many are settled by a figure, and what is known about the rest), and one
        on the open targets with a trend.
        """
        t = self.targets
        counts = t["status"].value_counts()
        boxes = [(str(len(self.policies)), ngettext("policy", "policies", len(self.policies))),
                 (str(len(t)), ngettext("target", "targets", len(t)))]
        for s in STATUSES:
            n = int(counts.get(s, 0))
            if not n:
                continue
            label = STATUS_TEXT[s]
            if s in ("met", "partly", "missed"):
                strong = int(((t["status"] == s) & (t["strength"] == "strong")).sum())
                label += _(", {n} on strong evidence").format(n=strong)
            boxes.append((str(n), label))
        amounts = self.investments.dropna(subset=["amount"])
        if len(amounts):
            # No total: spending, investment driven, subsidies and pledges do not add up.
            boxes.append((str(len(amounts)), ngettext("amount of money on record", "amounts of money on record",
                                                      len(amounts))))
        later = (ngettext("{n} selected policy", "{n} selected policies", len(self.later_policies)).format(
            n=len(self.later_policies)) if self.later_policies else "")
        return render("key_figures", boxes=boxes, headline=self.headline(), later=later, as_of=self.as_of.isoformat(),
                      findings=markup(str(self.findings())), verdicts=verdicts(t, 4 if len(self.policies) == 1 else 2))

    def headline(self) -> str:
        """One sentence on the numeric targets past their deadline, and one on the open ones."""
        return headline(self.targets, self.as_of)


def save_made(namespace: dict[str, Any], context: BuildContext | dict[str, Any] | None) -> None:
    """The build's last cell: ``save`` every ``Briefing`` in the notebook's ``namespace`` that was made with
    the build's ``context`` (none: a notebook that makes no briefing saves nothing)."""
    wanted = BuildContext.of(context)
    made = [v for v in namespace.values() if isinstance(v, Briefing) and v.context == wanted]
    if len(made) > 1:
        raise RuntimeError("two briefings were made with the build's context: one notebook makes one briefing")
    for briefing in made:
        briefing.save()


def show_commentary(namespace: dict[str, Any], context: BuildContext | dict[str, Any] | None, section: str) -> Html:
    """A cell the build adds at the end of a section: the analyst's comment on it, from the ``Briefing`` in
    the notebook's ``namespace`` made with the build's ``context``."""
    wanted = BuildContext.of(context)
    made = [v for v in namespace.values() if isinstance(v, Briefing) and v.context == wanted]
    if len(made) != 1:
        raise RuntimeError("the commentary needs the one briefing made with the build's context")
    return made[0].commentary(section)


def _choose(policies: pd.DataFrame, chosen: list[str] | str | dict[str, str] | None) -> list[str]:
    """The ids a briefing's ``policies`` parameter names, checked against the data (as the build checks the
    list of briefings): "all", a list of ids, or ``{"topic": NAME}`` resolved in issue order."""
    known = list(policies["id"])
    if chosen == "all" or chosen is None:
        return known
    if isinstance(chosen, dict):
        if set(chosen) != {"topic"} or not isinstance(chosen["topic"], str):
            raise ValueError(f"policies must be 'all', a list of policy ids or {{'topic': NAME}}, got {chosen!r}")
        name = chosen["topic"]
        if name not in topics.TOPICS:
            raise ValueError(f"unknown topic {name!r}{topics.suggest(name)} (known topics: {', '.join(topics.TOPICS)})")
        with i18n.use("en"):  # ISO dates, which sort
            rows = [topics.PolicyRow(str(p["id"]), plain_date(p["issued"], p["issued_precision"]),
                                     tuple(topics.split("" if missing(p["topics"]) else str(p["topics"]))))
                    for _i, p in policies.iterrows()]
        ids = topics.policies_with_topic(rows, name)
        if not ids:
            raise ValueError(f"no policy has topic {name!r}: the briefing would be empty")
        return ids
    if isinstance(chosen, str):
        raise ValueError(f"policies must be 'all' or a list of policy ids, got the string {chosen!r}")
    unknown = [p for p in chosen if p not in known]
    if unknown:
        raise ValueError(f"unknown policy id(s): {', '.join(map(str, unknown))}{did_you_mean(str(unknown[0]), known)}")
    return list(chosen)


def take(b: Briefing) -> dict[str, Any]:
    """The facts a briefing shows, as plain JSON-ready values (no baseline)."""

    policies = {
        str(p["id"]): {"title": str(p["title_en"]), "issued": plain_date(p["issued"], p["issued_precision"]),
                       "period": period_text(p["period_start"], p["period_end"]), "issuer": str(p["issuer"]),
                       "level": str(p["level"])}
        for _i, p in b.policies.iterrows()
    }
    outcomes = b.ds.outcomes.set_index("id", drop=False)

    def figure(outcome_id: object) -> str | None:
        if not isinstance(outcome_id, str):
            return None
        o = outcomes.loc[outcome_id]
        return f"{figure_text(float(o['value']), str(o['qualifier']), str(o['unit']))} ({when_text(o)})"

    targets = {}
    for _i, t in b.targets.iterrows():
        trend = None
        if isinstance(t["trend"], str):
            # The inputs, so a reader can redo the sum.
            trend = {"trend": t["trend"], "from": [float(t["trend_start_value"]), f"{t['trend_start_date']:%Y-%m-%d}"],
                     "to": [float(t["trend_end_value"]), f"{t['trend_end_date']:%Y-%m-%d}"],
                     "observed_rate": round(float(t["trend_observed_rate"]), 6),
                     "needed_rate": round(float(t["trend_needed_rate"]), 6)}
        targets[str(t["id"])] = {
            "policy": str(t["policy_id"]), "description": str(t["description_en"]), "goal": goal_text(t),
            "deadline": deadline_text(t["deadline"], t["deadline_precision"]), "status": str(t["status"]),
            "evidence": figure(t["evidence_id"]), "latest": figure(t["latest_id"]), "as_printed": _maybe(t["as_printed"]),
            "claim": _maybe(t["claim_id"]), "checked": None if t["checked"] != t["checked"] else f"{t['checked']:%Y-%m}",
            "trend": trend, "binding": _maybe(t["binding"]), "follows": _maybe(t["follows"]),
            "strength": _maybe(t["strength"]), "evidence_id": _maybe(t["evidence_id"]),
            "latest_id": _maybe(t["latest_id"]), "rivals": _maybe(t["rival_ids"]),
            "restated_by": _maybe(t["restated_by"]),
            "assessment": _view_facts(b.analyst_views.get(str(t["id"]))),
        }
    investments = {
        str(i["id"]): {"policy": str(i["policy_id"]), "description": str(i["funded"]), "amount": money_text(i),
                       "as_printed": _maybe(i["as_printed"]), "period": period_text(i["period_start"], i["period_end"]),
                       "kind": str(i["kind"])}
        for _i, i in b.investments.iterrows()
    }
    return {"format": snapshot.FORMAT, "title": b.title, "as_of": b.as_of.isoformat(), "data_version": b.data_version,
            "policies": policies, "targets": targets, "investments": investments}


def _view_facts(view: Any) -> dict[str, Any] | None:
    """An analyst's assessment as facts.json keeps it: enough to tell when it changed or went stale."""
    if view is None:
        return None
    return {"assessed": view.assessed.isoformat(), "verdict": view.verdict, "confidence": view.confidence,
            "text": view.text, "stale": list(view.stale)}


def _maybe(value: object) -> str | None:
    return value if isinstance(value, str) else None
