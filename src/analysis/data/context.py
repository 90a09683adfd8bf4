"""What the validator's rules read: the descriptor, the files, the rows of every readable table, and the
problems found so far (``analysis.data.rules``, ``analysis.data.evidence_rules``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.dates import PartialDate, parse_partial_date
from .csvfile import CsvFile, Row
from .problems import Problem
from .schema import Descriptor


@dataclass
class Context:
    package: Descriptor
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


def partial_date(text: str) -> PartialDate | None:
    """A date as the data writes it (YYYY, YYYY-MM or YYYY-MM-DD); ``None`` if empty or not a date (the value
    checks report those)."""
    try:
        return parse_partial_date(text) if text else None
    except ValueError:
        return None


def row_date(row: Row, column: str) -> PartialDate | None:
    """The date in one cell of a row (see ``partial_date``)."""
    return partial_date(row[column])
