"""Analysts' dated assessments: beside the computed status, never in its place; stale when the evidence or the
computed status moved on; checked like every other table."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest

from analysis import load
from analysis.data.validate import check
from analysis.report import Briefing
from analysis.report.briefing import take
from analysis.report.snapshot import compare
from analysis.status import analyst_views

from .conftest import FIXTURE_DATA

TARGET = "5g-factory-guide-2022-enterprises"
HEADER = "target_id,assessed,verdict,confidence,text,source_ids"


def _write(data, *rows: str) -> None:
    data.path("assessments").write_text("\n".join([HEADER, *rows, ""]), encoding="utf-8")


def _text(html: object) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(html)))


def test_the_shipped_assessment_sits_beside_the_computed_status() -> None:
    b = Briefing(data_dir=FIXTURE_DATA, title="t", policies=["5g-factory-guide-2022"], as_of="2026-12-03")
    view = b.analyst_views[TARGET]
    assert (view.verdict, view.confidence, view.computed_then, view.stale) == ("missed", "low", "restated", ())
    page = _text(b.targets_table())
    assert "Assessed missed (2026-12-03); computed: restated" in page and "analyst: missed" in page
    assert b.targets.set_index("id").loc[TARGET, "status"] == "restated"  # never replaced
    cited = b.citations.numbers
    assert {"othnuq-rmrb-2026-01-02", "zaobao-2024-12-31-512-upgrade"} <= set(cited)  # join the numbered sources


def test_an_assessment_goes_stale_when_a_figure_comes_later_or_the_status_moves(data) -> None:
    _write(data, f"{TARGET},2025-06-30,,medium,Written before the end-2025 figures.,")
    ds = load(data.dir)
    view = analyst_views(ds, "2026-12-03")[TARGET]
    assert view.computed_then == "due-soon"
    assert any("reported after it" in r for r in view.stale)
    assert any("changed from due-soon to restated" in r for r in view.stale)
    # As of a day before the assessment, there is none; as of its own day, it is fresh.
    assert TARGET not in analyst_views(ds, "2025-06-29")
    assert analyst_views(ds, "2025-06-30")[TARGET].stale == ()
    page = _text(Briefing(data_dir=data.dir, title="t", policies=["5g-factory-guide-2022"],
                          as_of="2026-12-03").targets_table())
    assert "May be out of date: 1 figure reported after it; the computed status changed" in page
    assert "analyst agrees (may be out of date)" in page


@pytest.mark.parametrize(("row", "column", "message"), [
    (f"{TARGET},2026-12-03,,medium,Text.,no-such-source", "source_ids", "unknown source id 'no-such-source'"),
    (f"{TARGET},2026-12-03,likely,medium,Text.,", "verdict", "likely"),
    (f"{TARGET},2026-12-03,,sure,Text.,", "confidence", "sure"),
    (f"{TARGET},2026-12,,medium,Text.,", "assessed", "2026-12"),
    (f"{TARGET}s,2026-12-03,,medium,Text.,", "target_id", "did you mean"),
    (f"{TARGET},2026-12-03,,medium,,", "text", "required"),
])
def test_bad_assessments_name_file_line_and_column(data, row, column, message) -> None:
    _write(data, row)
    problems = [p for p in check(data.dir).errors if p.file.endswith("assessments.csv")]
    assert any(p.line == 2 and p.column == column and message in p.message for p in problems), problems


def test_since_and_downloads_carry_assessments(data) -> None:
    from analysis.report.downloads import tables

    b = Briefing(data_dir=FIXTURE_DATA, title="t", policies=["5g-factory-guide-2022"], as_of="2026-12-03")
    old = take(b)
    new = copy.deepcopy(old)
    new["targets"][TARGET]["assessment"]["verdict"] = "partly"
    changes = [c for c in compare(old, new).changes if c.kind == "assessment"]
    assert len(changes) == 1 and "partly, 2026-12-03" in str(changes[0].new)
    frames = tables(b.targets, b.investments, b.ds.sources, b.ds.policies, b.ds.checks, b.analyst_views)
    row = frames["targets"].set_index("id").loc[TARGET]
    assert (row["analyst_verdict"], row["analyst_confidence"], row["analyst_assessed"]) == ("missed", "low",
                                                                                           "2026-12-03")


def test_a_package_without_the_table_still_loads(data) -> None:
    import json

    data.path("assessments").unlink()
    descriptor = data.dir / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] != "assessments"]
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    ds = load(data.dir)
    assert ds.assessments is None and analyst_views(ds, date(2026, 12, 3)) == {}
