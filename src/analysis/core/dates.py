"""ISO 8601 dates at the precision a source gives them: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

Sources print "2021", "January 2021" or "13 January 2021"; the data keeps that precision rather than
inventing a day. A partial date stands for a period, so it has a first and a last day: ``2023`` runs
from 2023-01-01 to 2023-12-31. A deadline of ``2023`` means "by the end of 2023".
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Precision = Literal["year", "month", "day"]

_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def first(self) -> date:
        """First day of the period the date stands for."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> date:
        """Last day of the period the date stands for."""
        if self.day is not None:
            return self.first
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


def parse_partial_date(text: str) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise ``ValueError`` saying what is wrong."""
    match = _PARTIAL.fullmatch(text)
    if match is None:
        raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month:02d} does not exist in {text!r}")
    if day is not None:
        assert month is not None
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise ValueError(f"day {day:02d} does not exist in {year}-{month:02d} ({text!r})")
    return PartialDate(year, month, day)
