from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.paths import PROJ_ROOT

SHARED_SOURCES = PROJ_ROOT.parent / "shared" / "sources"
FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"
"""The tests' own data package: a frozen copy of the shipped data, so that an analyst's edits to data/ never
break a test of the code. Tests of the shipped data itself (tests/test_shipped_data.py, tests/test_analyst.py)
read data/; refresh this copy with 'make fixtures' when the schema changes."""


class DataCopy:
    """A private copy of the tests' data package that a test may break."""

    def __init__(self, root: Path) -> None:
        self.dir = root

    def path(self, table: str) -> Path:
        return self.dir / f"{table}.csv"

    def lines(self, table: str) -> list[str]:
        return self.path(table).read_text(encoding="utf-8").split("\n")

    def line_of(self, table: str, row_id: str) -> int:
        """Physical line (1-based) of the row whose first field is ``row_id``."""
        for number, line in enumerate(self.lines(table), start=1):
            if line.startswith(row_id + ","):
                return number
        raise AssertionError(f"{row_id} not in {table}")

    def replace(self, table: str, row_id: str, old: str, new: str) -> int:
        """Replace ``old`` by ``new`` once in the row ``row_id``; return its line number."""
        lines = self.lines(table)
        number = self.line_of(table, row_id)
        assert old in lines[number - 1], f"{old!r} not in line {number} of {table}"
        lines[number - 1] = lines[number - 1].replace(old, new, 1)
        self.path(table).write_text("\n".join(lines), encoding="utf-8")
        return number

    def append(self, table: str, line: str) -> int:
        lines = self.lines(table)
        assert lines[-1] == ""
        lines[-1:] = [line, ""]
        self.path(table).write_text("\n".join(lines), encoding="utf-8")
        return len(lines) - 1


@pytest.fixture
def data(tmp_path: Path) -> DataCopy:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return DataCopy(target)
