"""Validate the data package: every problem pinned to a file, a physical line and a column.

``validate(data_dir, archive=None)`` runs, in order:

1. the descriptor (``datapackage.json``) is readable;
2. each CSV is readable: UTF-8 (a BOM is fine), no NUL bytes, quotes closed, the header has exactly the
   declared columns in the declared order, every row has as many fields as the header;
3. each value against its field: required, type (numbers written out in full, ``70000000000``, not
   ``7e10`` or ``70,000,000,000``), enum, pattern, URI, calendar dates, no stray spaces;
4. primary keys unique, foreign keys resolve (with "did you mean ...?" for near misses), citations point
   at existing rows;
5. rules across fields and tables: period end not before start, deadline not before the policy was
   issued, numeric targets have a unit and qualitative ones no value, ranges are ranges, money has a
   currency, outcomes share their target's unit and policy, no fact entered twice;
6. warnings (reported, but not failures): a number whose figure as printed was not captured, a source
   nothing cites;
7. with ``archive``, a folder of plain-text snapshots named ``<source id>.txt``: every ``as_printed``
   whose source has a snapshot must occur in it, whitespace normalised.

It never raises for bad data: whatever the bytes, the answer is a list of problems.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from .csvfile import CsvFile, Row, read_csv
from .dates import PartialDate, parse_partial_date
from .problems import WHOLE, Problem
from .schema import PARTIAL_DATE_COLUMNS, DescriptorError, Field, Package, Table, read_package

_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?")
_INTEGER = re.compile(r"-?(0|[1-9]\d*)")
_WHITESPACE = re.compile(r"\s+")

# Rows that repeat one another on these columns are the same fact entered twice.
DUPLICATE_KEYS: dict[str, tuple[str, ...]] = {
    "targets": ("policy_id", "metric", "comparator", "target_value", "target_max", "unit", "deadline", "scope"),
    "investments": ("policy_id", "funded", "kind", "amount", "currency", "period_start", "period_end", "source_id"),
    "outcomes": ("target_id", "policy_id", "metric", "value", "unit", "refers_to", "scope", "source_id"),
}
_SINGULAR = {"sources": "source", "policies": "policy", "bodies": "body", "targets": "target",
             "investments": "investment", "outcomes": "outcome"}
# Columns holding a number that a reader should be able to find printed in the source.
NUMERIC_FACT_COLUMNS = {"targets": "target_value", "investments": "amount", "outcomes": "value"}


@dataclass
class Report:
    """What ``validate`` found, with counts for the summary line."""

    problems: list[Problem] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict)
    """The rows read from each readable table, for ``load`` to type without reading again."""
    package: Package | None = None
    """The parsed descriptor, when it could be read."""

    @property
    def version(self) -> str:
        return self.package.version if self.package is not None else ""
    archive_checked: int = 0
    archive_snapshots: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class _Context:
    package: Package
    data_dir: Path
    files: dict[str, CsvFile]
    problems: list[Problem]
    broken: set[str] = field(default_factory=set)
    """Tables whose structure is broken: checks that need all of their rows are skipped."""

    def label(self, table: str) -> str:
        return str(self.data_dir / self.package.table(table).path)

    def add(self, table: str, line: int, column: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.label(table), line, column, message, severity))  # type: ignore[arg-type]

    def rows(self, table: str) -> list[Row]:
        f = self.files.get(table)
        return f.rows if f is not None else []

    def index(self, table: str) -> dict[str, Row]:
        return {r["id"]: r for r in self.rows(table) if r["id"]}


def validate(data_dir: Path | str, archive: Path | str | None = None) -> list[Problem]:
    """Check the data package in ``data_dir``; return every problem found (errors and warnings)."""
    return check(data_dir, archive).problems


def check(data_dir: Path | str, archive: Path | str | None = None, today: date | None = None) -> Report:
    """Like ``validate``, returning a ``Report`` with row counts and archive coverage too.

    ``today`` (default: today) decides which targets are past their deadline, for the warning about
    overdue targets with no record of a check.
    """
    data_dir = Path(data_dir)
    report = Report()
    try:
        package = read_package(data_dir)
    except DescriptorError as exc:
        report.problems.append(Problem(str(data_dir / "datapackage.json"), exc.line, WHOLE, str(exc)))
        return report

    report.package = package
    ctx = _Context(package, data_dir, {}, [])
    structure: list[Problem] = []
    for table in package.tables:
        f = read_csv(data_dir / table.path, str(data_dir / table.path), table.columns)
        structure.extend(f.problems)
        if f.problems:
            ctx.broken.add(table.name)
        if f.readable:
            ctx.files[table.name] = f
            report.rows[table.name] = f.rows
            _check_values(ctx, table, f)
        report.row_counts[table.name] = len(f.rows)

    for table in package.tables:
        if table.name in ctx.files:
            _check_keys(ctx, table)
    _check_citations(ctx)
    _check_rules(ctx)
    _check_percentages(ctx)
    _check_lineage(ctx)
    _check_duplicates(ctx)
    _check_printed_figures(ctx)
    _check_unused_sources(ctx)
    _check_unchecked_overdue(ctx, today or date.today())
    if archive is not None:
        report.archive_checked, report.archive_snapshots = _check_archive(ctx, Path(archive))
    # A broken file (delimiter, header, ragged rows) is the root cause of whatever follows: it comes first,
    # and the checks that depend on its rows were skipped rather than reported as a cascade.
    report.problems = sorted(structure) + sorted(ctx.problems)
    return report


# -- values -------------------------------------------------------------------------------------------


def _check_values(ctx: _Context, table: Table, f: CsvFile) -> None:
    fields = {fl.name: fl for fl in table.fields}
    for row in f.rows:
        for name, value in row.values.items():
            fl = fields.get(name)
            if fl is None:
                continue
            message = _value_problem(fl, value)
            if message:
                ctx.add(table.name, row.line, name, message)
            elif hidden := sorted({ch for ch in value if ch in INVISIBLE}):
                names = ", ".join(f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})" for ch in hidden)
                ctx.add(table.name, row.line, name, f"invisible character(s) {names}: usually pasted by accident; "
                        "bidirectional overrides are dropped from briefings", "warning")


# Characters that change how other text displays, or hide in it: bidirectional embeddings, overrides and
# isolates, and zero-width ones. Allowed (real text may need them) but reported as warnings.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = BIDI_CONTROLS | frozenset("\u200b\u200c\u200d\u2060\ufeff")


def _value_problem(fl: Field, value: str) -> str | None:
    if value == "":
        return "required value is missing" if fl.required else None
    if value != value.strip():
        return f"value {value!r} has leading or trailing spaces"
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        return "value contains a control character"
    if fl.type == "number" and not _NUMBER.fullmatch(value):
        return (f"expected a number written out in full with a '.' for decimals "
                f"(e.g. 70000000000 or 54.6), got {value!r}")
    if fl.type == "integer" and not _INTEGER.fullmatch(value):
        return f"expected a whole number, got {value!r}"
    if fl.type == "date":
        try:
            date.fromisoformat(value)
            if len(value) != 10:
                raise ValueError
        except ValueError:
            return f"expected a date as YYYY-MM-DD, got {value!r}"
    if fl.enum is not None and value not in fl.enum:
        close = difflib.get_close_matches(value, fl.enum, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{value!r} is not allowed: expected one of {', '.join(fl.enum)}{hint}"
    if fl.name in PARTIAL_DATE_COLUMNS:
        try:
            year = parse_partial_date(value).year
        except ValueError as exc:
            return str(exc)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return f"year {year} in {value!r} is not plausible: expected a year from {FIRST_YEAR} to {LAST_YEAR}"
    if (fl.minimum is not None or fl.maximum is not None) and (bound := _out_of_range(fl, value)):
        return bound
    if fl.pattern is not None and not fl.pattern.fullmatch(value):
        if fl.name == "id" or fl.name.endswith("_id"):
            return (f"{value!r} is not a valid id: use lower-case letters, digits and single hyphens "
                    f"(e.g. ii-plan-2021-2023)")
        return f"{value!r} does not match the expected form {fl.pattern.pattern}"
    if fl.format == "uri":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
            return f"expected a web address starting with http:// or https://, got {value!r}"
    return None


FIRST_YEAR, LAST_YEAR = 1950, 2099
"""Plausible years for every date in the data (datapackage.json's date patterns say the same)."""


def _range_text(low: object, high: object) -> str:
    if low is not None and high is not None:
        return f"from {low} to {high}"
    return f"{low} or more" if low is not None else f"{high} or less"


def _out_of_range(fl: Field, value: str) -> str | None:
    """The problem with a number or date outside the field's ``minimum``/``maximum``, if any."""
    if fl.type == "number":
        if not _NUMBER.fullmatch(value):
            return None
        key: float | str = float(value)
        low = None if fl.minimum is None else float(fl.minimum)
        high = None if fl.maximum is None else float(fl.maximum)
    else:
        key, low, high = value, fl.minimum, fl.maximum  # ISO dates compare as text
    if (low is not None and key < low) or (high is not None and key > high):  # type: ignore[operator]
        return f"{value} is out of range: expected {_range_text(fl.minimum, fl.maximum)}"
    return None


# -- keys ---------------------------------------------------------------------------------------------


def _suggest(value: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _check_keys(ctx: _Context, table: Table) -> None:
    rows = ctx.rows(table.name)
    if table.primary_key:
        seen: dict[tuple[str, ...], int] = {}
        for row in rows:
            key = tuple(row[c] for c in table.primary_key)
            if not all(key):
                continue
            if key in seen:
                shown = ", ".join(key)
                ctx.add(table.name, row.line, table.primary_key[-1] if len(key) > 1 else table.primary_key[0],
                        f"duplicate key {shown!r}: already used on line {seen[key]}")
            else:
                seen[key] = row.line
    for fk in table.foreign_keys:
        if fk.resource not in ctx.files or fk.resource in ctx.broken:
            continue
        ref_table = ctx.package.table(fk.resource)
        known = {r[fk.reference] for r in ctx.rows(fk.resource)}
        for row in rows:
            value = row[fk.fields]
            if value and value not in known:
                ctx.add(table.name, row.line, fk.fields,
                        f"unknown {_SINGULAR.get(fk.resource, fk.resource)} id {value!r}: "
                        f"not in {ref_table.path}{_suggest(value, known)}")


def _check_citations(ctx: _Context) -> None:
    for row in ctx.rows("citations"):
        table = row["table"]
        if table not in ctx.files or table in ctx.broken or not row["row_id"]:
            continue
        cited = ctx.index(table).get(row["row_id"])
        if cited is None:
            ctx.add("citations", row.line, "row_id",
                    f"no row with id {row['row_id']!r} in {table}{_suggest(row['row_id'], ctx.index(table))}")
        elif cited["source_id"] and cited["source_id"] == row["source_id"]:
            ctx.add("citations", row.line, "source_id",
                    f"{row['source_id']!r} is already the row's own source in {table} (line {cited.line})")


# -- rules across fields and tables -------------------------------------------------------------------


def _date(row: Row, column: str) -> PartialDate | None:
    try:
        return parse_partial_date(row[column]) if row[column] else None
    except ValueError:
        return None  # already reported


def _is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text))


def _check_period(ctx: _Context, table: str, row: Row) -> None:
    start, end = _date(row, "period_start"), _date(row, "period_end")
    if start and end and end.last < start.first:
        ctx.add(table, row.line, "period_end", f"period ends ({end}) before it starts ({start})")


def _check_rules(ctx: _Context) -> None:
    policies = ctx.index("policies")
    targets = ctx.index("targets")

    for row in ctx.rows("policies"):
        _check_period(ctx, "policies", row)
        issued, end = _date(row, "issued"), _date(row, "period_end")
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
        deadline = _date(row, "deadline")
        policy = policies.get(row["policy_id"])
        issued = _date(policy, "issued") if policy else None
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

    for row in ctx.rows("outcomes"):
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
        refers, reported = _date(row, "refers_to"), _date(row, "reported")
        if refers and reported and refers.first > reported.last:
            ctx.add("outcomes", row.line, "refers_to",
                    f"the value refers to {refers}, after it was reported ({reported})")
        target = targets.get(row["target_id"])
        if target is not None:
            if value and target["unit"] and row["unit"] and target["unit"] != row["unit"]:
                ctx.add("outcomes", row.line, "unit",
                        f"unit {row['unit']!r} differs from its target's unit {target['unit']!r} "
                        f"({row['target_id']})")
            if row["policy_id"] and target["policy_id"] and row["policy_id"] != target["policy_id"]:
                ctx.add("outcomes", row.line, "policy_id",
                        f"policy {row['policy_id']!r} differs from its target's policy {target['policy_id']!r}")


PERCENT_COLUMNS = {"targets": ("target_value", "target_max", "baseline_value"), "outcomes": ("value",)}


def _check_percentages(ctx: _Context) -> None:
    """A share in % is at most 100 (a change is written with unit '% increase' or '% reduction')."""
    for table, columns in PERCENT_COLUMNS.items():
        for row in ctx.rows(table):
            if row["unit"] != "%":
                continue
            for column in columns:
                if _is_number(row[column]) and float(row[column]) > 100:
                    ctx.add(table, row.line, column, f"{row[column]} is out of range: a percentage (unit %) is "
                            "from 0 to 100; for a change use unit '% increase' or '% reduction'")


def _check_lineage(ctx: _Context) -> None:
    """``follows`` names an earlier target: not itself, not a later plan's, and never in a circle."""
    if "targets" in ctx.broken:
        return
    targets = ctx.index("targets")
    policies = ctx.index("policies")
    for row in ctx.rows("targets"):
        earlier = targets.get(row["follows"])
        if not row["follows"] or earlier is None:
            continue
        if earlier["id"] == row["id"]:
            ctx.add("targets", row.line, "follows", "a target cannot follow itself")
            continue
        mine, theirs = (_date(policies[r["policy_id"]], "issued") if r["policy_id"] in policies else None
                        for r in (row, earlier))
        if mine and theirs and theirs.first > mine.last:
            ctx.add("targets", row.line, "follows",
                    f"follows {earlier['id']!r}, whose policy was issued later ({theirs}, this one {mine}): "
                    "'follows' names the earlier target")
        seen = {row["id"]}
        step = earlier
        while step is not None and step["follows"]:
            if step["follows"] in seen or step["id"] in seen:
                ctx.add("targets", row.line, "follows", f"lineage goes round in a circle through {step['id']!r}")
                break
            seen.add(step["id"])
            step = targets.get(step["follows"])


def _check_unchecked_overdue(ctx: _Context, today: date) -> None:
    """Warn about every target that is plainly overdue today: past due, unsettled, and never searched for."""
    from .status import Claim, Evidence, claims_for, classify

    if {"targets", "outcomes", "checks"} & ctx.broken:
        return
    evidence: dict[str, list[Evidence]] = {}
    claims: dict[str, list[Claim]] = {}
    policy_claims: dict[str, list[Claim]] = {}
    for row in ctx.rows("outcomes"):
        reported = _date(row, "reported")
        refers = _date(row, "refers_to") or reported
        if reported is None or refers is None:
            continue
        if not row["value"]:
            claim = Claim(row["id"], refers.last, reported.first)
            if row["target_id"]:
                claims.setdefault(row["target_id"], []).append(claim)
            elif row["policy_id"]:
                policy_claims.setdefault(row["policy_id"], []).append(claim)
        elif row["target_id"] and _is_number(row["value"]):
            evidence.setdefault(row["target_id"], []).append(
                Evidence(row["id"], float(row["value"]), row["qualifier"], refers.first, refers.last, reported.first))
    checked = {row["target_id"] for row in ctx.rows("checks") if (day := _date(row, "checked")) and day.first <= today}
    for row in ctx.rows("targets"):
        deadline = _date(row, "deadline")
        if (deadline is None or deadline.last >= today or row["id"] in checked or row["comparator"] == "qualitative"
                or not _is_number(row["target_value"])):
            continue
        top = float(row["target_max"]) if _is_number(row["target_max"]) else None
        assessment = classify(row["comparator"], float(row["target_value"]), top, deadline.last,
                              evidence.get(row["id"], []), today,
                              claims=claims_for(deadline.last, policy_claims.get(row["policy_id"], []),
                                                claims.get(row["id"], [])))
        if assessment.status == "overdue":
            ctx.add("targets", row.line, "id", f"target {row['id']!r} is past its deadline ({deadline}) with no "
                    "figure settling it and no record of a search: look for its result, then add the figure to "
                    "outcomes.csv or the search to checks.csv", "warning")


def _check_duplicates(ctx: _Context) -> None:
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


def _check_printed_figures(ctx: _Context) -> None:
    for table, column in NUMERIC_FACT_COLUMNS.items():
        for row in ctx.rows(table):
            if row[column] and not row["as_printed"]:
                ctx.add(table, row.line, "as_printed",
                        f"{column} {row[column]} has no figure as printed: a reader cannot find it on the page",
                        severity="warning")


def _check_unused_sources(ctx: _Context) -> None:
    cited = {row["source_id"] for f in ctx.files.values() for row in f.rows if "source_id" in f.header}
    for row in ctx.rows("sources"):
        if row["id"] and row["id"] not in cited:
            ctx.add("sources", row.line, "id", f"source {row['id']!r} is not cited by any row", severity="warning")


# -- archive ------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Unicode NFC, every run of whitespace as one space, trimmed: how figures are matched."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _check_archive(ctx: _Context, archive: Path) -> tuple[int, int]:
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
