"""Many rows at once, from a spreadsheet or a CSV: ``analysis import <table> FILE.xlsx|.csv``.

Analysts collect figures in Excel. An import is all or nothing: every row of the sheet is appended to a copy
of the package, the copy goes through the validator once, and only when no row has a problem is the table
replaced, in one atomic write. Each problem is named as the analyst sees it, by sheet, row and column
("outcomes.xlsx, sheet outcomes, row 7, column F (value)"), with the validator's own message and its "did you
mean ...?".

Cells are read as a careful analyst would type them:

- a date cell (Excel keeps dates as numbers with a format) becomes ISO text at the precision its format
  shows: ``2024-12-15`` for a day, ``2024-12`` for a cell formatted as a month (``yyyy-mm``, ``mmm yy``),
  ``2024`` for a year; a date typed as text keeps its precision, and a timestamp at midnight
  (``2024-12-15 00:00:00``, as pandas writes dates) is read as its day;
- a whole number stored as a float (``300000.0``) is written ``300000``;
- surrounding spaces are dropped, and an empty row is skipped.

The table's own file keeps its layout (line ending, byte-order mark), as ``analysis add`` keeps it.
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..files import write_atomic
from .append import appended, header_of
from .problems import ProblemsError, did_you_mean
from .schema import PARTIAL_DATE_COLUMNS, DescriptorError, read_descriptor

_MIDNIGHT = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]00:00(:00(\.0+)?)?")


class ImportRefused(ProblemsError):
    """Nothing was imported; ``problems`` say why, one line each."""


@dataclass(frozen=True)
class SheetRow:
    """One row of the sheet: its number as the spreadsheet shows it, and its values by column name."""

    number: int
    values: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    """The rows of one sheet (or CSV file), and where each column sits."""

    label: str
    """How problems name the sheet: 'outcomes.xlsx, sheet outcomes' or 'figures.csv'."""
    columns: dict[str, str]
    """Column name -> its letter (A, B, ...), as the spreadsheet heads it."""
    rows: list[SheetRow]


@dataclass(frozen=True)
class Imported:
    """What an import added (or, in a dry run, would add)."""

    path: Path
    rows: int
    ids: list[str]
    first_line: int
    written: bool


def letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell_text(value: Any, column: str, number_format: str = "") -> str:
    """A cell's value as the CSV writes it (see the module's rules)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        if column in PARTIAL_DATE_COLUMNS:
            fmt = number_format.lower()
            if "d" not in fmt and "m" in fmt:
                return f"{day:%Y-%m}"
            if "d" not in fmt and "m" not in fmt and "y" in fmt:
                return f"{day:%Y}"
        return day.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value).strip()
    if column in PARTIAL_DATE_COLUMNS and (m := _MIDNIGHT.fullmatch(text)):
        return m.group(1)
    return text


def read_sheet(path: Path, sheet: str | None, default_sheet: str) -> Sheet:
    """The rows of ``path``: an .xlsx workbook (the sheet named ``sheet``, else one named ``default_sheet``,
    else the only or first one) or a .csv file (UTF-8, a byte-order mark allowed)."""
    if not path.is_file():
        raise ImportRefused([f"{path}: no such file"])
    if path.suffix.lower() == ".csv":
        if sheet:
            raise ImportRefused([f"{path.name}: --sheet is for workbooks; a CSV file has one table"])
        return _read_csv(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ImportRefused([f"{path.name}: expected an .xlsx workbook or a .csv file"])
    return _read_workbook(path, sheet, default_sheet)


def _read_csv(path: Path) -> Sheet:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused([f"{path.name}: not UTF-8 (byte {exc.start}); save it as UTF-8 CSV"]) from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise ImportRefused([f"{path.name}: empty; the first row names the columns"])
    header = [h.strip() for h in rows[0]]
    out = [SheetRow(n, {c: cell_text(v, c) for c, v in zip(header, r, strict=False) if c})
           for n, r in enumerate(rows[1:], start=2) if any(v.strip() for v in r)]
    return Sheet(path.name, {c: letter(i) for i, c in enumerate(header) if c}, out)


def _read_workbook(path: Path, sheet: str | None, default_sheet: str) -> Sheet:
    from zipfile import BadZipFile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:  # not a zip, or not a workbook inside
        raise ImportRefused([f"{path.name}: not a readable workbook ({exc})"]) from None
    try:
        names = book.sheetnames
        chosen = sheet or (default_sheet if default_sheet in names else names[0])
        if chosen not in names:
            raise ImportRefused([f"{path.name}: no sheet {chosen!r}{did_you_mean(chosen, names)} "
                                 f"(sheets: {', '.join(names)})"])
        ws = book[chosen]
        cells = list(ws.iter_rows())
    finally:
        book.close()
    label = f"{path.name}, sheet {chosen}"
    if not cells:
        raise ImportRefused([f"{label}: empty; the first row names the columns"])
    header = [cell_text(c.value, "") for c in cells[0]]
    rows = []
    for n, row in enumerate(cells[1:], start=2):
        values = {h: cell_text(c.value, h, c.number_format or "") for h, c in zip(header, row, strict=False) if h}
        if any(values.values()):
            rows.append(SheetRow(n, values))
    return Sheet(label, {c: letter(i) for i, c in enumerate(header) if c}, rows)


def import_rows(data_dir: Path, table: str, path: Path, sheet: str | None = None,
                dry_run: bool = False) -> Imported:
    """Append every row of ``path`` to ``table`` in ``data_dir``, all or nothing (``ImportRefused`` lists every
    problem by sheet, row and column); ``dry_run`` checks and reports without writing."""
    from .validate import check

    try:
        package = read_descriptor(data_dir)
    except DescriptorError as exc:
        raise ImportRefused([f"{data_dir / 'datapackage.json'}: {exc}"]) from None
    tables = [t.name for t in package.tables]
    if table not in tables:
        raise ImportRefused([f"no table {table!r}{did_you_mean(table, tables)} (tables: {', '.join(tables)})"])
    schema = package.table(table)
    target = data_dir / schema.path
    read = read_sheet(path, sheet, table)
    unknown = [c for c in read.columns if c not in schema.columns]
    problems = [f"{read.label}, column {read.columns[c]} ({c!r}): no column {c!r} in {schema.path}"
                f"{did_you_mean(c, schema.columns)}" for c in unknown]
    if problems:
        raise ImportRefused([*problems, f"the columns of {schema.path}: {', '.join(schema.columns)}"])
    if not read.rows:
        raise ImportRefused([f"{read.label}: no rows under the header"])
    before = check(data_dir)
    if before.errors:
        raise ImportRefused([f"{data_dir}: the data already has {len(before.errors)} error(s); fix them first "
                             "(analysis validate), so that what this import adds can be told apart"])
    original = target.read_bytes()
    header = header_of(original)
    data, lines = original, {}
    for row in read.rows:
        data, line = appended(data, header, row.values)
        lines[line] = row
    with tempfile.TemporaryDirectory(prefix=f"import-{table}-") as scratch:
        copy = Path(scratch) / "data"
        shutil.copytree(data_dir, copy)
        (copy / schema.path).write_bytes(data)
        after = check(copy)
    seen = {(Path(p.file).name, p.line, p.column, p.message) for p in before.errors}
    bad: set[int] = set()
    for p in after.errors:
        if (Path(p.file).name, p.line, p.column, p.message) in seen:
            continue
        row = lines.get(p.line) if Path(p.file).name == Path(schema.path).name else None
        if row is not None:
            where = f"row {row.number}" + (f", column {read.columns[p.column]} ({p.column})"
                                           if p.column in read.columns else f", column {p.column}")
            problems.append(f"{read.label}, {where}: {p.message}")
            bad.add(row.number)
        else:
            problems.append(f"{p.file}:{p.line}:{p.column}: {p.message} (after the import)")
    if problems:
        raise ImportRefused([*problems, f"{len(bad)} of {len(read.rows)} row(s) have problems"])
    ids = [r.values.get("id", "") for r in read.rows]
    if not dry_run:
        write_atomic(target, data)
    return Imported(target, len(read.rows), [i for i in ids if i], min(lines), not dry_run)
