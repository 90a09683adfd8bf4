"""Rules across fields and tables, warnings, and the archive check: the second half of validation.

``analysis.data.validate.check`` reads the files and checks each value and key; then it calls these, with
a ``Context`` holding the rows of every readable table. Tables whose structure is broken are in
``Context.broken``, and the rules that need all of a table's rows skip it rather than report a cascade.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

from ..core.evidence import OutcomeFacts, index_outcomes
from ..core.status_rules import classify, without_projection
from .context import Context, partial_date, row_date
from .csvfile import Row
from .evidence_rules import (
    check_derived,
    check_match,
    check_strength,
    derived_figures,
    printing_grades,
    row_restatements,
)
from .problems import WHOLE, Problem, did_you_mean

NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?")
"""A number written out in full, with a '.' for decimals."""
_WHITESPACE = re.compile(r"\s+")

# Rows that repeat one another on these columns are the same fact entered twice.
DUPLICATE_KEYS: dict[str, tuple[str, ...]] = {
    "targets": ("policy_id", "metric", "comparator", "target_value", "target_max", "unit", "deadline", "scope"),
    "investments": ("policy_id", "funded", "kind", "amount", "currency", "period_start", "period_end", "source_id"),
    "outcomes": ("target_id", "policy_id", "metric", "value", "unit", "refers_to", "scope", "source_id"),
}
# Columns holding a number that a reader should be able to find printed in the source.
NUMERIC_FACT_COLUMNS = {"targets": "target_value", "investments": "amount", "outcomes": "value"}


# -- rules across fields and tables -------------------------------------------------------------------


def _is_number(text: str) -> bool:
    return bool(NUMBER.fullmatch(text))


def _check_period(ctx: Context, table: str, row: Row) -> None:
    start, end = row_date(row, "period_start"), row_date(row, "period_end")
    if start and end and end.last < start.first:
        ctx.add(table, row.line, "period_end", f"period ends ({end}) before it starts ({start})")


def check_rules(ctx: Context) -> None:
    policies = ctx.index("policies")
    targets = ctx.index("targets")

    for row in ctx.rows("policies"):
        _check_period(ctx, "policies", row)
        issued, end = row_date(row, "issued"), row_date(row, "period_end")
        if issued and end and end.last < issued.first:
            ctx.add("policies", row.line, "period_end", f"period ends ({end}) before the policy was issued ({issued})")

    for row in ctx.rows("targets"):
        comparator, value, top = row["comparator"], row["target_value"], row["target_max"]
        if comparator == "qualitative":
            for column in ("target_value", "target_max", "baseline_value"):
                if row[column]:
                    ctx.add("targets", row.line, column, "a qualitative target has no numeric value: "
                                                         "clear it or choose another comparator")
        elif comparator:
            if not value:
                ctx.add("targets", row.line, "target_value",
                        f"comparator {comparator!r} needs a target_value (or use 'qualitative')")
            if not row["unit"]:
                ctx.add("targets", row.line, "unit", "a numeric target needs a unit")
        if comparator == "range":
            if not top:
                ctx.add("targets", row.line, "target_max", "comparator 'range' needs target_max")
            elif _is_number(value) and _is_number(top) and float(top) <= float(value):
                ctx.add("targets", row.line, "target_max",
                        f"range upper end {top} is not above its lower end {value}")
        elif top:
            ctx.add("targets", row.line, "target_max", "target_max is only for comparator 'range'")
        deadline = row_date(row, "deadline")
        policy = policies.get(row["policy_id"])
        issued = row_date(policy, "issued") if policy else None
        if deadline and issued and deadline.last < issued.first:
            ctx.add("targets", row.line, "deadline",
                    f"deadline {deadline} is before the policy {row['policy_id']!r} was issued ({issued})")

    for row in ctx.rows("investments"):
        _check_period(ctx, "investments", row)
        amount, qualifier = row["amount"], row["qualifier"]
        if amount and not row["currency"]:
            ctx.add("investments", row.line, "currency", "an amount needs an ISO 4217 currency (e.g. CNY)")
        if amount and qualifier == "not-stated":
            ctx.add("investments", row.line, "qualifier", "qualifier is 'not-stated' but an amount is given")
        if not amount and qualifier and qualifier != "not-stated":
            ctx.add("investments", row.line, "amount",
                    f"qualifier {qualifier!r} needs an amount (use 'not-stated' where the source gives none)")
        if not amount and row["currency"]:
            ctx.add("investments", row.line, "currency", "a currency without an amount")

    computed, grades = derived_figures(ctx), printing_grades(ctx)
    for row in ctx.rows("outcomes"):
        if row["derived_from"]:
            check_derived(ctx, row, computed.get(row["id"]), targets, grades)
            continue
        value = row["value"]
        if value:
            if not row["unit"]:
                ctx.add("outcomes", row.line, "unit", "a reported value needs a unit")
            if not row["qualifier"]:
                ctx.add("outcomes", row.line, "qualifier", "a reported value needs a qualifier (e.g. exact)")
        else:
            for column in ("qualifier", "unit"):
                if row[column]:
                    ctx.add("outcomes", row.line, column, f"{column} given but no value")
        if not row["reported"]:
            ctx.add("outcomes", row.line, "reported", "a reported figure or claim needs the date it was reported")
        refers, reported = row_date(row, "refers_to"), row_date(row, "reported")
        if refers and reported and refers.first > reported.last:
            ctx.add("outcomes", row.line, "refers_to",
                    f"the value refers to {refers}, after it was reported ({reported})")
        target = targets.get(row["target_id"])
        if target is not None:
            if value and target["unit"] and row["unit"] and target["unit"] != row["unit"] and row["match"] != "proxy":
                ctx.add("outcomes", row.line, "unit",
                        f"unit {row['unit']!r} differs from its target's unit {target['unit']!r} "
                        f"({row['target_id']}): a figure in another unit can only be a near measure (match proxy)")
            if row["policy_id"] and target["policy_id"] and row["policy_id"] != target["policy_id"]:
                ctx.add("outcomes", row.line, "policy_id",
                        f"policy {row['policy_id']!r} differs from its target's policy {target['policy_id']!r}")
        check_match(ctx, row, bool(value), bool(row["target_id"]))
        if grade := grades.get(row["id"], ""):
            check_strength(ctx, row, grade, derived=False)


def check_assessments(ctx: Context) -> None:
    """An assessment's sources exist, each named once."""
    sources = ctx.index("sources")
    for row in ctx.rows("assessments"):
        names = row["source_ids"].split()
        for name in names:
            if name not in sources and "sources" not in ctx.broken:
                ctx.add("assessments", row.line, "source_ids", f"unknown source id {name!r}: not in "
                        f"{ctx.package.table('sources').path}{did_you_mean(name, sources)}")
        if len(set(names)) < len(names):
            ctx.add("assessments", row.line, "source_ids", "the same source is named twice")


PERCENT_COLUMNS = {"targets": ("target_value", "target_max", "baseline_value"), "outcomes": ("value",)}


def check_percentages(ctx: Context) -> None:
    """A share in % is at most 100 (a change is written with unit '% increase' or '% reduction')."""
    for table, columns in PERCENT_COLUMNS.items():
        for row in ctx.rows(table):
            if row["unit"] != "%":
                continue
            for column in columns:
                if _is_number(row[column]) and float(row[column]) > 100:
                    ctx.add(table, row.line, column, f"{row[column]} is out of range: a percentage (unit %) is "
                            "from 0 to 100; for a change use unit '% increase' or '% reduction'")


def check_unsearched_overdue(ctx: Context, today: date) -> None:
    """Warn about every target that is plainly overdue today: past due, unsettled, and never searched for."""
    if {"targets", "outcomes", "checks"} & ctx.broken:
        return
    computed = derived_figures(ctx)
    facts = []
    for row in ctx.rows("outcomes"):
        figure = computed.get(row["id"]) if row["derived_from"] else None
        if isinstance(figure, str):
            continue  # reported as an error
        value_text = row["value"] if figure is None else str(figure.value)
        reported = row_date(row, "reported") if figure is None else partial_date(figure.reported)
        refers = row_date(row, "refers_to") or reported
        if reported is None or refers is None or (figure is None and row["value"] and not _is_number(row["value"])):
            continue
        facts.append(OutcomeFacts(row["id"], row["target_id"] or None, row["policy_id"] or None,
                                  float(value_text) if value_text else None,
                                  row["qualifier"] if figure is None else figure.qualifier,
                                  refers.first, refers.last, reported.first, match=row["match"] or "same",
                                  derived=figure is not None))
    outcomes = index_outcomes(facts)
    restated = row_restatements(ctx.index("targets"), ctx.index("policies"))
    checked = {row["target_id"] for row in ctx.rows("checks") if (day := row_date(row, "checked")) and day.first <= today}
    for row in ctx.rows("targets"):
        deadline = row_date(row, "deadline")
        if (deadline is None or deadline.last >= today or row["id"] in checked or row["comparator"] == "qualitative"
                or not _is_number(row["target_value"])):
            continue
        top = float(row["target_max"]) if _is_number(row["target_max"]) else None
        assessment = classify(row["comparator"], float(row["target_value"]), top, deadline.last,
                              outcomes.evidence.get(row["id"], []), today,
                              claims=outcomes.claims_for(row["id"], row["policy_id"], deadline.last),
                              restated_by=restated.get(row["id"], []), steady=False)
        if without_projection(assessment).status == "overdue":
            ctx.add("targets", row.line, "id", f"target {row['id']!r} is past its deadline ({deadline}) with no "
                    "figure settling it and no record of a search: look for its result, then add the figure to "
                    "outcomes.csv or the search to checks.csv", "warning")


def check_duplicates(ctx: Context) -> None:
    for table, columns in DUPLICATE_KEYS.items():
        if table in ctx.broken:
            continue
        seen: dict[tuple[str, ...], Row] = {}
        for row in ctx.rows(table):
            key = tuple(row[c] for c in columns)
            first = seen.get(key)
            if first is None:
                seen[key] = row
            else:
                ctx.add(table, row.line, "id",
                        f"same fact as {first['id']!r} on line {first.line} (equal in {', '.join(columns)}): "
                        "merge them, or add the second source to citations.csv")


def check_printed_figures(ctx: Context) -> None:
    for table, column in NUMERIC_FACT_COLUMNS.items():
        for row in ctx.rows(table):
            if row[column] and not row["as_printed"]:
                ctx.add(table, row.line, "as_printed",
                        f"{column} {row[column]} has no figure as printed: a reader cannot find it on the page",
                        severity="warning")


def check_unused_sources(ctx: Context) -> None:
    cited = {row["source_id"] for f in ctx.files.values() for row in f.rows if "source_id" in f.header}
    for row in ctx.rows("sources"):
        if row["id"] and row["id"] not in cited:
            ctx.add("sources", row.line, "id", f"source {row['id']!r} is not cited by any row", severity="warning")


# -- archive ------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Unicode NFC, every run of whitespace as one space, trimmed: how figures are matched."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def check_archive(ctx: Context, archive: Path) -> tuple[int, int]:
    if not archive.is_dir():
        ctx.problems.append(Problem(str(archive), 0, WHOLE, "archive folder not found"))
        return 0, 0
    snapshots: dict[str, str] = {}
    for path in sorted(archive.glob("*.txt")):
        try:
            snapshots[path.stem] = normalise(path.read_text(encoding="utf-8-sig", errors="replace"))
        except OSError as exc:
            ctx.problems.append(Problem(str(path), 0, WHOLE, f"cannot read snapshot: {exc.strerror}"))
    checked = 0
    used: set[str] = set()
    for table in ("targets", "investments", "outcomes", "citations"):
        for row in ctx.rows(table):
            text = snapshots.get(row["source_id"])
            if text is None or not row["as_printed"]:
                continue
            checked += 1
            used.add(row["source_id"])
            if normalise(row["as_printed"]) not in text:
                ctx.add(table, row.line, "as_printed",
                        f"{row['as_printed']!r} not found in the snapshot {archive / (row['source_id'] + '.txt')}")
    return checked, len(used)
