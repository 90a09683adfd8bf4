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
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from ..core.dates import parse_partial_date
from ..core.unicode import INVISIBLE
from . import topics
from .csvfile import CsvFile, Row
from .evidence_rules import check_lineage
from .package_files import PackageFiles, read_files
from .problems import Problem, did_you_mean
from .rules import (
    NUMBER,
    Context,
    check_archive,
    check_assessments,
    check_duplicates,
    check_percentages,
    check_printed_figures,
    check_rules,
    check_unsearched_overdue,
    check_unused_sources,
)
from .schema import PARTIAL_DATE_COLUMNS, Field, Table

_INTEGER = re.compile(r"-?(0|[1-9]\d*)")

_SINGULAR = {"sources": "source", "policies": "policy", "bodies": "body", "targets": "target",
             "investments": "investment", "outcomes": "outcome"}
@dataclass
class Report:
    """What ``validate`` found, with counts for the summary line."""

    problems: list[Problem] = field(default_factory=list)
    read: PackageFiles | None = None
    """The files as read: ``load`` types their rows without reading again."""
    archive_checked: int = 0
    archive_snapshots: int = 0

    @property
    def rows(self) -> dict[str, list[Row]]:
        return {name: f.rows for name, f in self.read.files.items()} if self.read else {}

    @property
    def row_counts(self) -> dict[str, int]:
        return self.read.row_counts if self.read else {}

    @property
    def version(self) -> str:
        """The data version readers cite (``PackageFiles.version``)."""
        return self.read.version if self.read else ""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def validate(data_dir: Path | str, archive: Path | str | None = None) -> list[Problem]:
    """Check the data package in ``data_dir``; return every problem found (errors and warnings)."""
    return check(data_dir, archive).problems


def check(data_dir: Path | str | PackageFiles, archive: Path | str | None = None, today: date | None = None) -> Report:
    """Like ``validate``, returning a ``Report`` with row counts and archive coverage too. ``data_dir`` may
    be the package as ``read_files`` already read it.

    ``today`` (default: today) decides which targets are past their deadline, for the warning about
    overdue targets with no record of a check.
    """
    read = data_dir if isinstance(data_dir, PackageFiles) else read_files(data_dir)
    report = Report(read=read)
    if read.descriptor is None:
        report.problems = list(read.problems)
        return report
    package = read.descriptor
    ctx = Context(package, read.data_dir, dict(read.files), [], set(read.broken))
    for table in package.tables:
        if table.name in ctx.files:
            _check_field_values(ctx, table, ctx.files[table.name])
    for table in package.tables:
        if table.name in ctx.files:
            _check_keys(ctx, table)
    _check_citations(ctx)
    check_rules(ctx)
    check_percentages(ctx)
    check_lineage(ctx)
    if "assessments" in ctx.files:
        check_assessments(ctx)
    check_duplicates(ctx)
    check_printed_figures(ctx)
    check_unused_sources(ctx)
    check_unsearched_overdue(ctx, today or date.today())
    if archive is not None:
        report.archive_checked, report.archive_snapshots = check_archive(ctx, Path(archive))
    # A broken file (delimiter, header, ragged rows) is the root cause of whatever follows: it comes first,
    # and the checks that depend on its rows were skipped rather than reported as a cascade.
    report.problems = sorted(read.problems) + sorted(ctx.problems)
    return report


# -- values -------------------------------------------------------------------------------------------


def _check_field_values(ctx: Context, table: Table, f: CsvFile) -> None:
    fields = {fl.name: fl for fl in table.fields}
    for row in f.rows:
        for name, value in row.values.items():
            fl = fields.get(name)
            if fl is None:
                continue
            message = value_problem(fl, value)
            if message:
                ctx.add(table.name, row.line, name, message)
            elif hidden := sorted({ch for ch in value if ch in INVISIBLE}):
                names = ", ".join(f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})" for ch in hidden)
                ctx.add(table.name, row.line, name, f"invisible character(s) {names}: usually pasted by accident; "
                        "bidirectional overrides are dropped from briefings", "warning")


# Characters that change how other text displays, or hide in it: bidirectional embeddings, overrides and
# isolates, and zero-width ones. Allowed (real text may need them) but reported as warnings.


def value_problem(fl: Field, value: str) -> str | None:
    """What is wrong with one value of a field on its own (type, enum, pattern, range), or ``None``."""
    if value == "":
        return "required value is missing" if fl.required else None
    if value != value.strip():
        return f"value {value!r} has leading or trailing spaces"
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        return "value contains a control character"
    if fl.type == "number" and not NUMBER.fullmatch(value):
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
    if fl.name == "topics":  # the schema's pattern says the same; this names the topic at fault
        return topics.problem(value)
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
        if not NUMBER.fullmatch(value):
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


def _check_keys(ctx: Context, table: Table) -> None:
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
                        f"not in {ref_table.path}{did_you_mean(value, known)}")


def _check_citations(ctx: Context) -> None:
    for row in ctx.rows("citations"):
        table = row["table"]
        if table not in ctx.files or table in ctx.broken or not row["row_id"]:
            continue
        cited = ctx.index(table).get(row["row_id"])
        if cited is None:
            ctx.add("citations", row.line, "row_id",
                    f"no row with id {row['row_id']!r} in {table}{did_you_mean(row['row_id'], ctx.index(table))}")
        elif cited["source_id"] and cited["source_id"] == row["source_id"]:
            ctx.add("citations", row.line, "source_id",
                    f"{row['source_id']!r} is already the row's own source in {table} (line {cited.line})")


