"""Chart files (``reports/<id>/charts/``): a build that passes the last build's folder copies the charts
whose marks did not change and draws only the others, so one edited row does not redraw every chart of
the overview. (That copies equal fresh drawings, byte for byte, is checked on real builds in
``test_row_inputs.test_an_incremental_build_equals_a_forced_one``.)"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from analysis.report import Briefing
from analysis.report.style import MADE_FROM

from .conftest import FIXTURE_DATA

AS_OF = "2026-11-29"
POLICY = "ii-plan-2021-2023"
MARK = b"copied, not drawn"


def _draw(data: Path, figures: Path, previous: Path | None = None) -> dict[str, bytes]:
    b = Briefing(title="t", policies="all", as_of=AS_OF, data_dir=data,
                 context={"charts_dir": str(figures), "previous_charts": previous and str(previous)})
    b.timeline()
    b.investments_chart()
    b.progress_chart()
    return {p.name: p.read_bytes() for p in sorted(figures.iterdir()) if not p.name.startswith(".")}


def _edit_a_figure(data: Path) -> str:
    """Change the value of one reported figure of ``POLICY``; returns the outcome's id."""
    path = data / "outcomes.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    row = next(r for r in rows[1:] if r[header.index("policy_id")] == POLICY and r[header.index("target_id")]
               and r[header.index("value")])
    row[header.index("value")] = str(float(row[header.index("value")]) * 3)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return row[0]


def test_unchanged_charts_are_copied_and_changed_ones_drawn_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    first = _draw(data, tmp_path / "first")
    assert {n.rsplit(".", 1)[1] for n in first} == {"svg", "png"} and len(first) >= 8
    keys = json.loads((tmp_path / "first" / MADE_FROM).read_text(encoding="utf-8"))
    drawn = sorted({n.rsplit(".", 1)[0] for n in first})
    assert sorted(keys) == sorted([*drawn, *(f"{n}.phone" for n in drawn)])  # each chart and its phone drawing

    for name in first:  # mark the earlier files: a copy shows the mark, a chart drawn again does not
        (tmp_path / "first" / name).write_bytes(MARK)
    assert set(_draw(data, tmp_path / "same", previous=tmp_path / "first").values()) == {MARK}

    _edit_a_figure(data)
    reused = _draw(data, tmp_path / "edited", previous=tmp_path / "first")
    copied = {n for n, content in reused.items() if content == MARK}
    drawn = set(reused) - copied
    new_keys = json.loads((tmp_path / "edited" / MADE_FROM).read_text(encoding="utf-8"))
    changed = {n for n in reused if new_keys[n.rsplit(".", 1)[0]] != keys[n.rsplit(".", 1)[0]]}
    assert drawn == changed  # exactly the charts whose marks changed were drawn again
    assert copied and drawn  # the edited figure shows in some charts and not in others
    assert any(n.startswith("progress") for n in drawn) and "investments.svg" in copied
