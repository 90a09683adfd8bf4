"""What the validator reports: one problem, pinned to a file, a line and a column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

WHOLE = "-"
"""The column name used when a problem concerns a whole row or file rather than one column."""


@dataclass(frozen=True, order=True)
class Problem:
    """A problem in the data.

    ``line`` is the physical line in the file (the CSV header is line 1; 0 when the file is missing);
    ``column`` is the column's name, or ``"-"`` for the whole row or file.
    """

    file: str
    line: int
    column: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.column}: {prefix}{self.message}"


class DataError(Exception):
    """Raised by ``load`` when the data has errors; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the data:\n{shown}{more}")
