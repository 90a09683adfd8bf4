"""The rules on evidence: how a figure measures its target (``match``), a curator's ``strength``, figures
derived from two others (``derived_from``), and the lineage of targets (``follows``).

Called by ``analysis.data.rules.check_rules`` and ``analysis.data.validate``, on the text rows of a
``Context``; the same pure rules (``analysis.core``) decide the status table, so the two never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import derived
from ..core.evidence import STRENGTHS, GoalFacts, Restatement, base_strength, best_grade, weakest_grade
from ..core.status_rules import TargetLink, restatements
from .context import partial_date, row_date
from .problems import did_you_mean

if TYPE_CHECKING:
    from .context import Context
    from .csvfile import Row


def _number(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def derived_figures(ctx: Context) -> dict[str, derived.Figure | str]:
    """Every derived outcome's computed figure, or what is wrong with it (``analysis.core.derived``)."""
    figures, wanted = {}, {}
    for row in ctx.rows("outcomes"):
        if not row["id"]:
            continue
        value = _number(row["value"])
        figures[row["id"]] = derived.Figure(value, row["qualifier"], row["unit"], row["refers_to"], row["reported"])
        if row["derived_from"]:
            wanted[row["id"]] = row["derived_from"]
    return derived.resolve(figures, wanted)


def check_derived(ctx: Context, row: Row, computed: derived.Figure | str | None, targets: dict[str, Row],
                  grades: dict[str, str]) -> None:
    """A derived row: its computed columns left empty, its inputs valid, its unit its target's, its match
    and curated strength as for any figure (``grades``: ``printing_grades``)."""
    for column in ("value", "qualifier", "unit", "reported"):
        if row[column]:
            ctx.add("outcomes", row.line, column, f"{column} is computed from derived_from "
                    f"({row['derived_from']}): leave it empty")
    if isinstance(computed, str):
        ctx.add("outcomes", row.line, "derived_from", computed)
        return
    if computed is None:
        return
    if row["as_printed"]:
        ctx.add("outcomes", row.line, "as_printed", "a derived figure is printed nowhere: leave as_printed empty "
                "(each of its two figures carries its own)")
    target = targets.get(row["target_id"])
    if target is not None and target["unit"] and target["unit"] != computed.unit:
        ctx.add("outcomes", row.line, "derived_from",
                f"the computed figure is in {computed.unit!r}, its target {row['target_id']!r} in {target['unit']!r}")
    refers = row_date(row, "refers_to")
    reported = partial_date(computed.reported)
    if refers and reported and refers.first > reported.last:
        ctx.add("outcomes", row.line, "refers_to",
                f"the value refers to {refers}, after its figures were reported ({reported})")
    check_match(ctx, row, True, bool(row["target_id"]))
    inputs = [grades.get(i, "") for i in derived.inputs(row["derived_from"])]
    if all(inputs):
        check_strength(ctx, row, weakest_grade(inputs), derived=True)


def printing_grades(ctx: Context) -> dict[str, str]:
    """Each outcome's grade: the best among the sources that print its figure, its own and corroborating
    citations that carry the figure as printed ('' where no source is known)."""
    sources = ctx.index("sources")
    printing: dict[str, list[str]] = {r["id"]: [r["source_id"]] for r in ctx.rows("outcomes") if r["id"]}
    for c in ctx.rows("citations"):
        if c["table"] == "outcomes" and c["as_printed"] and c["row_id"] in printing:
            printing[c["row_id"]].append(c["source_id"])
    return {oid: best_grade(g) if (g := [sources[s]["grade"] for s in ids if s in sources]) else ""
            for oid, ids in printing.items()}


def check_match(ctx: Context, row: Row, has_figure: bool, linked: bool) -> None:
    if linked and has_figure and not row["match"]:
        ctx.add("outcomes", row.line, "match", "a figure linked to a target says how it measures it: "
                "same (the target's measure), proxy (a near but different one) or partial (one part of it)")
    elif row["match"] and not (linked and has_figure):
        ctx.add("outcomes", row.line, "match", "match says how a figure measures its target: this row "
                + ("has no figure (a claim)" if linked else "is linked to no target (target_id)"))


def check_strength(ctx: Context, row: Row, grade: str, derived: bool) -> None:
    cap, match = row["strength"], row["match"] or "same"
    if not cap or cap not in STRENGTHS or not grade:
        return
    allowed = base_strength(grade, match, derived)
    if STRENGTHS.index(cap) < STRENGTHS.index(allowed):
        why = f"a {grade} source" + (f", match {match}" if match != "same" else "") + (", derived" if derived else "")
        ctx.add("outcomes", row.line, "strength", f"strength {cap!r} is above what {why} gives ({allowed!r}): "
                "a curated strength can only lower it")


def check_lineage(ctx: Context) -> None:
    """``follows`` names earlier targets: each known, not itself, not a later plan's, never in a circle; a
    warning where the measure or unit differs (a restatement on another measure)."""
    if "targets" in ctx.broken:
        return
    targets = ctx.index("targets")
    policies = ctx.index("policies")
    for row in ctx.rows("targets"):
        names = row["follows"].split()
        if len(set(names)) < len(names):
            ctx.add("targets", row.line, "follows", "the same earlier target is named twice")
        for name in names:
            earlier = targets.get(name)
            if earlier is None:
                ctx.add("targets", row.line, "follows", f"unknown target id {name!r}: not in "
                        f"{ctx.package.table('targets').path}{did_you_mean(name, targets)}")
                continue
            if earlier["id"] == row["id"]:
                ctx.add("targets", row.line, "follows", "a target cannot follow itself")
                continue
            mine, theirs = (row_date(policies[r["policy_id"]], "issued") if r["policy_id"] in policies else None
                            for r in (row, earlier))
            if mine and theirs and theirs.first > mine.last:
                ctx.add("targets", row.line, "follows",
                        f"follows {earlier['id']!r}, whose policy was issued later ({theirs}, this one {mine}): "
                        "'follows' names the earlier target")
            if earlier["unit"] != row["unit"] and row["comparator"] != "qualitative" != earlier["comparator"]:
                ctx.add("targets", row.line, "follows",
                        f"restates {earlier['id']!r} in another unit ({row['unit'] or 'none'!s}, there "
                        f"{earlier['unit'] or 'none'!s}): a restatement on another measure; say so in the note",
                        "warning")
    # A circle: a target reached again by following 'follows' from it.
    graph = {r["id"]: [n for n in r["follows"].split() if n in targets] for r in ctx.rows("targets") if r["id"]}
    reported: set[str] = set()
    for row in ctx.rows("targets"):
        start = row["id"]
        if not start or start in reported:
            continue
        stack, seen = list(graph.get(start, [])), set()
        while stack:
            step = stack.pop()
            if step == start:
                ctx.add("targets", row.line, "follows", f"lineage goes round in a circle back to {start!r}")
                reported.add(start)
                break
            if step in seen:
                continue
            seen.add(step)
            stack.extend(graph.get(step, []))


def row_restatements(targets: dict[str, Row], policies: dict[str, Row]) -> dict[str, list[Restatement]]:
    """For each target, the later targets that restate it with a new level or deadline (text rows)."""
    links = []
    for row in targets.values():
        policy = policies.get(row["policy_id"])
        issued = row_date(policy, "issued") if policy else None
        links.append(TargetLink(row["id"], tuple(row["follows"].split()), _goal(row), issued.first if issued else None))
    return restatements(links)


def _goal(row: Row) -> GoalFacts:
    deadline = row_date(row, "deadline")
    return GoalFacts(row["comparator"], _number(row["target_value"]), _number(row["target_max"]), row["unit"] or None,
                     deadline.last if deadline else None)
