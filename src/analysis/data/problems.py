"""What the validator reports: one problem, pinned to a file, a line and a column."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
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


class ProblemsError(Exception):
    """Something was refused; ``problems`` say why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class DataError(Exception):
    """Raised by ``load`` when the data has errors; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the data:\n{shown}{more}")


_WORD = re.compile(r"[^\W_]+")


def did_you_mean(value: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``candidates`` to a mistyped ``value``, else ``""``.

    Of the candidates close enough to ``value`` as text, the one sharing the most words wins (then the
    closest): for ``ii-plan-2018-202-apps`` that is ``ii-plan-2018-2020-industrial-apps``, not the shorter
    ``ii-plan-2018-2020-ipv6``.
    """
    pool = list(dict.fromkeys(candidates))
    close = difflib.get_close_matches(value, pool, n=max(len(pool), 1), cutoff=0.6)
    if not close:
        return ""
    words = set(_WORD.findall(value.lower()))
    _, best = max(enumerate(close), key=lambda ic: (len(words & set(_WORD.findall(ic[1].lower()))), -ic[0]))
    return f"; did you mean {best!r}?"
