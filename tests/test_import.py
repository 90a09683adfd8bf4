"""``analysis import``: a sheet of rows into a table, all or nothing, with problems by sheet, row and column."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from analysis import load
from analysis.data.importing import ImportRefused, cell_text, import_rows, letter

POLICY, SOURCE = "ii-plan-2021-2023", "zidonghua-2021-10-20-identifier"
COLUMNS = ["id", "policy_id", "metric", "qualifier", "value", "unit", "refers_to", "reported", "scope", "source_id",
           "as_printed", "note"]


def _rows(n: int) -> list[list[object]]:
    return [[f"imported-figure-{i}", POLICY, "Imported test figure", "exact", 100 + i, "platforms",
             datetime(2024, 1 + i % 12, 1), datetime(2025, 1, 15), "national", SOURCE, f"{100 + i}个", ""]
            for i in range(n)]


def _workbook(path: Path, rows: list[list[object]], month_format: bool = True) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "outcomes"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    if month_format:  # the refers_to column holds months, as an analyst formats them
        for cell in sheet["G"][1:]:
            cell.number_format = "yyyy-mm"
    book.save(path)
    return path


def test_cells_become_the_text_the_csv_holds() -> None:
    assert cell_text(datetime(2024, 12, 15), "reported") == "2024-12-15"
    assert cell_text(datetime(2024, 12, 1), "refers_to", "yyyy-mm") == "2024-12"
    assert cell_text(datetime(2024, 12, 1), "refers_to", "mmm yy") == "2024-12"
    assert cell_text(datetime(2024, 1, 1), "deadline", "yyyy") == "2024"
    assert cell_text("2024-12-15 00:00:00", "reported") == "2024-12-15"  # how pandas writes a date
    assert cell_text("2024-12", "refers_to") == "2024-12"  # a month typed as text stays a month
    assert cell_text(300000.0, "value") == "300000" and cell_text(71.5, "value") == "71.5"
    assert cell_text("  padded ", "note") == "padded" and cell_text(None, "note") == ""
    assert cell_text(date(2024, 3, 5), "checked") == "2024-03-05"
    assert [letter(i) for i in (0, 5, 25, 26, 27)] == ["A", "F", "Z", "AA", "AB"]


def test_a_sheet_with_five_bad_rows_writes_nothing_and_names_each(data, tmp_path: Path) -> None:
    rows = _rows(200)
    rows[3][1] = "ii-plan-2021-2024"  # sheet row 5: a policy id one digit off
    rows[40][4] = "many"  # row 42: not a number
    rows[77][5] = "platfroms"  # row 79: a unit misspelt
    rows[120][7] = None  # row 122: no report date
    rows[199][6] = datetime(2026, 1, 1)  # row 201: refers to a time after it was reported
    sheet = _workbook(tmp_path / "figures.xlsx", rows)
    before = data.path("outcomes").read_bytes()
    with pytest.raises(ImportRefused) as refused:
        import_rows(data.dir, "outcomes", sheet)
    problems = refused.value.problems
    assert data.path("outcomes").read_bytes() == before
    expected = {5: "B (policy_id)", 42: "E (value)", 79: "F (unit)", 122: "H (reported)", 201: "G (refers_to)"}
    for row, column in expected.items():
        assert any(p.startswith(f"figures.xlsx, sheet outcomes, row {row}, column {column}:") for p in problems), (
            row, problems)
    assert any("did you mean 'ii-plan-2021-2023'" in p for p in problems)
    assert problems[-1] == "5 of 200 row(s) have problems"


def test_a_good_sheet_imports_in_one_step_with_months_kept(data, tmp_path: Path) -> None:
    sheet = _workbook(tmp_path / "figures.xlsx", _rows(200))
    started = time.perf_counter()
    done = import_rows(data.dir, "outcomes", sheet)
    elapsed = time.perf_counter() - started
    assert (done.rows, done.written) == (200, True)
    outcomes = load(data.dir).outcomes.set_index("id")
    row = outcomes.loc["imported-figure-11"]
    assert (row["value"], str(row["refers_to_precision"]), str(row["reported_precision"])) == (111.0, "month", "day")
    assert row["refers_to"].strftime("%Y-%m") == "2024-12"
    assert elapsed < 30  # generous: the whole package is validated twice; the note records the measured time


def test_a_dry_run_writes_nothing_and_a_csv_works_too(data, tmp_path: Path) -> None:
    csv_file = tmp_path / "figures.csv"
    csv_file.write_text(",".join(COLUMNS) + "\n" + f"csv-figure-1,{POLICY},Imported test figure,exact,5,platforms,"
                        f"2024-12,2025-01-15 00:00:00,national,{SOURCE},5个,\n", encoding="utf-8-sig")
    before = data.path("outcomes").read_bytes()
    done = import_rows(data.dir, "outcomes", csv_file, dry_run=True)
    assert (done.rows, done.written, done.ids) == (1, False, ["csv-figure-1"])
    assert data.path("outcomes").read_bytes() == before
    import_rows(data.dir, "outcomes", csv_file)
    assert load(data.dir).outcomes.set_index("id").loc["csv-figure-1", "reported"] == datetime(2025, 1, 15)


def test_an_unknown_column_sheet_or_table_is_named_with_a_suggestion(data, tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "figures"
    book.active.append(["id", "vaule"])
    book.active.append(["x", 1])
    book.save(path)
    with pytest.raises(ImportRefused, match=r"column B \('vaule'\): no column 'vaule' in outcomes.csv; did you mean 'value'"):
        import_rows(data.dir, "outcomes", path)
    with pytest.raises(ImportRefused, match="no sheet 'figurs'; did you mean 'figures'"):
        import_rows(data.dir, "outcomes", path, sheet="figurs")
    with pytest.raises(ImportRefused, match="no table 'outcome'; did you mean 'outcomes'"):
        import_rows(data.dir, "outcome", path)


def test_the_command_reports_and_exits_non_zero(data, tmp_path: Path) -> None:
    rows = _rows(3)
    rows[1][4] = "x"
    sheet = _workbook(tmp_path / "figures.xlsx", rows)
    result = subprocess.run([sys.executable, "-m", "analysis", "import", "outcomes", str(sheet), "--data-dir",
                             str(data.dir)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "error: figures.xlsx, sheet outcomes, row 3, column E (value):" in result.stderr
    assert "nothing was written" in result.stderr
    good = _workbook(tmp_path / "good.xlsx", _rows(3))
    result = subprocess.run([sys.executable, "-m", "analysis", "import", "outcomes", str(good), "--data-dir",
                             str(data.dir)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "imported 3 row(s) into" in result.stdout and "imported-figure-0" in result.stdout
