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

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd

from ..core import derived
from ..core.dates import parse_partial_date
from .package_files import read_files
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
    checks: pd.DataFrame
    version: str
    assessments: pd.DataFrame | None = None
    """Analysts' dated assessments (``assessments.csv``); ``None`` for a package from before the table."""

    def known_at(self, as_of: date) -> Dataset:
        """The data as it stood on ``as_of``: what a briefing dated then may show.

        Dropped: policies issued after ``as_of`` (with their targets and money), amounts and outcomes
        reported after it, checks made and assessments written after it, bodies founded after it, and corroborating citations
        from sources published after it. Rows with no date are kept. Sources stay (a briefing marks a
        cited source published after its date).
        """
        day = pd.Timestamp(as_of)

        def known(frame: pd.DataFrame, column: str) -> pd.DataFrame:
            return frame[frame[column].isna() | (frame[column] <= day)]

        policies = known(self.policies, "issued")
        ids = set(policies["id"])
        targets = self.targets[self.targets["policy_id"].isin(ids)]
        investments = known(self.investments[self.investments["policy_id"].isin(ids)], "reported")
        outcomes = known(self.outcomes, "reported")
        outcomes = outcomes[(outcomes["policy_id"].isna() | outcomes["policy_id"].isin(ids))
                            & (outcomes["target_id"].isna() | outcomes["target_id"].isin(set(targets["id"])))]
        checks = known(self.checks[self.checks["target_id"].isin(set(targets["id"]))], "checked")
        assessments = None if self.assessments is None else known(
            self.assessments[self.assessments["target_id"].isin(set(targets["id"]))], "assessed")
        bodies = known(self.bodies, "founded")
        present = {"policies": ids, "bodies": set(bodies["id"]), "targets": set(targets["id"]),
                   "investments": set(investments["id"]), "outcomes": set(outcomes["id"])}
        late = set(self.sources["id"]) - set(known(self.sources, "published")["id"])
        citations = self.citations[[str(row_id) in present.get(str(table), set()) and str(source) not in late
                                    for table, row_id, source in zip(self.citations["table"], self.citations["row_id"],
                                                                     self.citations["source_id"], strict=True)]]
        frames = {"policies": policies, "bodies": bodies, "targets": targets, "investments": investments,
                  "outcomes": outcomes, "checks": checks, "citations": citations}
        if assessments is not None:
            frames["assessments"] = assessments
        return replace(self, **{k: v.reset_index(drop=True) for k, v in frames.items()})


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


def _with_derived(outcomes: list[dict[str, str]]) -> list[dict[str, str]]:
    """The outcome rows with each derived figure computed from its two inputs (``analysis.core.derived``):
    value, qualifier, unit and reported filled in, as if typed (they never are)."""
    wanted = {r["id"]: r["derived_from"] for r in outcomes if r.get("derived_from")}
    if not wanted:
        return outcomes
    figures = {r["id"]: derived.Figure(float(r["value"]) if r.get("value") else None, r.get("qualifier", ""),
                                       r.get("unit", ""), r.get("refers_to", ""), r.get("reported", ""))
               for r in outcomes}
    computed = derived.resolve(figures, wanted)
    out = []
    for r in outcomes:
        figure = computed.get(r["id"])
        if isinstance(figure, derived.Figure):  # validated: never a problem here
            out.append({**r, "value": repr(figure.value), "qualifier": figure.qualifier, "unit": figure.unit,
                        "refers_to": figure.refers_to, "reported": figure.reported})
        else:
            out.append(r)
    return out


def load(data_dir: Path | str, validated: str | None = None) -> Dataset:
    """Validate and load the data package in ``data_dir``; raise ``DataError`` if it has errors.

    ``validated``: the fingerprint of a package already checked (a build checks the data once, then hands
    each briefing the fingerprint). When the files read here have that fingerprint, they are the files
    that passed, and the checks are not run again; otherwise (edited since, or no fingerprint) they are.
    """
    read = read_files(Path(data_dir))
    if not (validated and read.fingerprint == validated and read.descriptor is not None and not read.problems):
        report = check(read)
        if report.errors:
            raise DataError(report.errors)
    assert read.descriptor is not None  # no errors means the descriptor was read
    rows = {t.name: [r.values for r in read.files[t.name].rows] for t in read.descriptor.tables}
    rows["outcomes"] = _with_derived(rows.get("outcomes", []))
    frames = {t.name: _frame(t, rows[t.name]) for t in read.descriptor.tables}
    if "checks" not in frames:  # a package from before checks.csv existed: no searches recorded
        frames["checks"] = pd.DataFrame({"target_id": pd.Series(dtype="string"),
                                         "checked": pd.Series(dtype="datetime64[ns]"),
                                         "looked_for": pd.Series(dtype="string"), "note": pd.Series(dtype="string")})
    return Dataset(version=read.version, **frames)
