"""Numbers and years within their ranges, and a broken file reported first and once."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from analysis.data.validate import check


def _set(data, table: str, row_id: str, column: str, value: str) -> int:
    """Set one cell of a copy of the data, keeping the CSV well formed; return the row's line."""
    text = data.path(table).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    index = rows[0].index(column)
    for r in rows:
        if r[0] == row_id:
            r[index] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    data.path(table).write_text(out.getvalue(), encoding="utf-8")
    return data.line_of(table, row_id)


def _first_id(data, table: str, **where: str) -> str:
    rows = csv.DictReader(io.StringIO(data.path(table).read_text(encoding="utf-8")))
    return next(r["id"] for r in rows if all(r[k] == v for k, v in where.items()))


@pytest.mark.parametrize(("table", "column", "where", "value", "expected"), [
    ("investments", "amount", {"currency": "CNY"}, "-5", "-5 is out of range: expected 1 or more"),
    ("investments", "amount", {"currency": "CNY"}, "0.5", "0.5 is out of range: expected 1 or more"),
    ("outcomes", "value", {"unit": "projects"}, "-1", "-1 is out of range: expected 0 or more"),
    ("targets", "target_value", {"unit": "%"}, "120", "a percentage (unit %) is from 0 to 100"),
    ("outcomes", "value", {"unit": "%"}, "100.5", "a percentage (unit %) is from 0 to 100"),
    ("targets", "deadline", {"comparator": "at-least"}, "2202", "year 2202 in '2202' is not plausible"),
    ("outcomes", "reported", {"unit": "%"}, "1899-05", "year 1899 in '1899-05' is not plausible"),
])
def test_out_of_range_names_file_line_and_column(data, table, column, where, value, expected) -> None:
    row_id = _first_id(data, table, **where)
    line = _set(data, table, row_id, column, value)
    errors = check(data.dir).errors
    hits = [p for p in errors if expected in p.message]
    assert [(p.file, p.line, p.column) for p in hits] == [(str(data.path(table)), line, column)], errors


def test_a_change_may_exceed_100_percent(data) -> None:
    row_id = _first_id(data, "targets", unit="% increase")
    _set(data, "targets", row_id, "target_value", "150")
    assert check(data.dir).errors == []


def test_frictionless_agrees_about_a_negative_amount(data) -> None:
    row_id = _first_id(data, "investments", currency="CNY")
    _set(data, "investments", row_id, "amount", "-5")
    frictionless = [sys.executable, "-m", "frictionless", "validate", str(data.dir / "datapackage.json")]
    result = subprocess.run(frictionless, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "constraint" in result.stdout.lower() and "minimum" in result.stdout.lower(), result.stdout[-2000:]


def test_a_semicolon_file_is_reported_first_and_once(data) -> None:
    path = data.path("targets")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)  # as Excel saves it in many locales
    path.write_text(out.getvalue(), encoding="utf-8")
    errors = check(data.dir).errors
    assert "uses ';' (semicolons) as its delimiter" in errors[0].message
    assert (errors[0].file, errors[0].line) == (str(path), 1)
    assert sum("delimiter" in p.message for p in errors) == 1
    # Nothing that depends on the targets' rows cascades: no unknown target ids, no "same fact" noise.
    assert not any("unknown target id" in p.message or "same fact" in p.message for p in errors)
    assert len(errors) == 1, errors


def test_a_header_with_a_deleted_cell_is_reported_first_and_once(data) -> None:
    path = data.path("targets")
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    lines[0] = ",".join(header[:4] + header[5:])  # one cell of the header deleted
    path.write_text("\n".join(lines), encoding="utf-8")
    errors = check(data.dir).errors
    assert errors[0].file == str(path) and errors[0].line == 1
    assert all(p.file == str(path) and p.line == 1 for p in errors), errors
    assert sum("no row was checked" in p.message for p in errors) == 1
    assert any(p.column == header[4] and "missing" in p.message for p in errors)
