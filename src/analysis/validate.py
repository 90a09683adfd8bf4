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


def check(data_dir: Path | str, archive: Path | str | None = None) -> Report:
    """Like ``validate``, returning a ``Report`` with row counts and archive coverage too."""
    data_dir = Path(data_dir)
    report = Report()
    try:
        package = read_package(data_dir)
    except DescriptorError as exc:
        report.problems.append(Problem(str(data_dir / "datapackage.json"), exc.line, WHOLE, str(exc)))
        return report

    report.package = package
    ctx = _Context(package, data_dir, {}, report.problems)
    for table in package.tables:
        f = read_csv(data_dir / table.path, str(data_dir / table.path), table.columns)
        ctx.problems.extend(f.problems)
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
    _check_duplicates(ctx)
    _check_printed_figures(ctx)
    _check_unused_sources(ctx)
    if archive is not None:
        report.archive_checked, report.archive_snapshots = _check_archive(ctx, Path(archive))
    report.problems.sort(key=lambda p: (p.file, p.line, p.column, p.message))
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
            parse_partial_date(value)
        except ValueError as exc:
            return str(exc)
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
        if fk.resource not in ctx.files:
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
        if table not in ctx.files or not row["row_id"]:
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


def _check_duplicates(ctx: _Context) -> None:
    for table, columns in DUPLICATE_KEYS.items():
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
