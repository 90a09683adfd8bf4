"""Load the data package as typed pandas DataFrames.

``load(data_dir)`` validates first and raises ``DataError`` listing every error, so a bad value is never
silently coerced. Types in the frames:

- text: pandas ``string``; enum columns (grade, comparator, unit, ...): ``category`` with the declared
  categories; numbers: ``float64``; ``accessed``: ``datetime64``.
- dates given at the source's precision (``issued``, ``deadline``, ``reported`` ...): ``datetime64``,
  plus a ``<column>_precision`` column (``year``, ``month`` or ``day``). A partial date becomes the
  first day of its period, except ``deadline`` and ``period_end``, which become the last day: a deadline
  of ``2023`` is 2023-12-31 ("by the end of 2023").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .dates import parse_partial_date
from .problems import DataError
from .schema import END_OF_PERIOD_COLUMNS, PARTIAL_DATE_COLUMNS, Table
from .validate import check


@dataclass(frozen=True)
class Dataset:
    """The tables of the data package, one DataFrame each, indexed by position (``id`` is a column)."""

    sources: pd.DataFrame
    policies: pd.DataFrame
    bodies: pd.DataFrame
    targets: pd.DataFrame
    investments: pd.DataFrame
    outcomes: pd.DataFrame
    citations: pd.DataFrame
    version: str


def _frame(table: Table, rows: list[dict[str, str]]) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {}
    for fl in table.fields:
        raw = [r.get(fl.name, "") for r in rows]
        if fl.name in PARTIAL_DATE_COLUMNS:
            parsed = [parse_partial_date(v) if v else None for v in raw]
            at_end = fl.name in END_OF_PERIOD_COLUMNS
            columns[fl.name] = pd.Series(
                [pd.Timestamp(p.last if at_end else p.first) if p else pd.NaT for p in parsed],
                dtype="datetime64[ns]",
            )
            columns[f"{fl.name}_precision"] = pd.Series(
                [p.precision if p else None for p in parsed],
                dtype=pd.CategoricalDtype(["year", "month", "day"]),
            )
        elif fl.type == "number":
            columns[fl.name] = pd.Series([float(v) if v else float("nan") for v in raw], dtype="float64")
        elif fl.type == "date":
            columns[fl.name] = pd.Series([pd.Timestamp(v) if v else pd.NaT for v in raw], dtype="datetime64[ns]")
        elif fl.enum is not None:
            columns[fl.name] = pd.Series([v or None for v in raw], dtype=pd.CategoricalDtype(list(fl.enum)))
        else:
            columns[fl.name] = pd.Series([v or None for v in raw], dtype="string")
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))


def load(data_dir: Path | str) -> Dataset:
    """Validate and load the data package in ``data_dir``; raise ``DataError`` if it has errors."""
    data_dir = Path(data_dir)
    report = check(data_dir)
    if report.errors:
        raise DataError(report.errors)
    assert report.package is not None  # no errors means the descriptor was read
    frames = {t.name: _frame(t, [r.values for r in report.rows[t.name]]) for t in report.package.tables}
    return Dataset(version=report.version, **frames)
