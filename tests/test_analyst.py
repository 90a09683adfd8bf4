"""An analyst's edit, made the documented way on a copy of the data as it is now (data/, not the tests'
fixture): a source with add-source, a policy, a target, a figure and a search appended to the CSVs. The
suite's data-dependent checks then run on the edited copy: the validator, the status rules, a briefing's
sections and its facts, so a change to data/ that the code cannot take shows up here and nowhere else."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import load
from analysis.core.status_rules import STATUSES
from analysis.data.validate import check
from analysis.paths import DATA_DIR
from analysis.report import Briefing
from analysis.status import target_status


def _append(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    path.write_text(text + ("" if text.endswith(("\n", "\r")) else newline) + line + newline, encoding="utf-8")


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("analyst") / "data"
    shutil.copytree(DATA_DIR, data)
    result = subprocess.run([sys.executable, "-m", "analysis", "add-source", "--data-dir", str(data), "--id",
                             "test-analyst-page", "--title", "[A page for the test]", "--publisher", "Test",
                             "--url", "https://example.org/page", "--published", "2024-01-10", "--grade", "weak"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    _append(data / "policies.csv", "test-analyst-plan,Test plan,,Test ministry,,2024-01-10,2024,2026,ministerial,platforms,"
                                   "test-analyst-page,A plan made up for the test.")
    _append(data / "targets.csv", "test-analyst-target,test-analyst-plan,Test platforms,Build test platforms.,,"
                                  "at-least,40,,platforms,10,2023,2026,,national,test-analyst-page,40个,,,")
    _append(data / "outcomes.csv", "test-analyst-figure,test-analyst-target,test-analyst-plan,Test platforms,exact,"
                                   "20,platforms,2024-12,2025-01-05,national,test-analyst-page,20个,,same,,")
    return data


def test_the_edited_copy_validates(edited: Path) -> None:
    report = check(edited)
    assert report.errors == [], report.errors[:5]
    assert report.row_counts["targets"] == len(load(DATA_DIR).targets) + 1


def test_status_rules_take_the_edited_copy(edited: Path) -> None:
    ds = load(edited)
    st = target_status(ds, "2025-06-01").set_index("target_id")
    assert set(st["status"].dropna()) <= set(STATUSES)
    row = st.loc["test-analyst-target"]
    assert row["status"] in ("due-soon", "upcoming") and row["latest_id"] == "test-analyst-figure"
    assert row["trend"] in ("on-track", "needs-acceleration", "off-track")  # baseline 10 (2023), 20 (2024-12)


def test_a_briefing_of_everything_renders_from_the_edited_copy(edited: Path, tmp_path: Path) -> None:
    b = Briefing(title="t", policies="all", as_of="2026-11-29", data_dir=edited,
                 context={"charts_dir": str(tmp_path)})
    sections = [b.key_figures(), b.targets_table(), b.policies_table(), b.investments_table(), b.lineage(),
                b.reported_results(), b.status_rules(), b.since()]
    for chart in (b.timeline(), b.investments_chart(), b.progress_chart()):
        assert chart._repr_mimebundle_()
    html = "".join(str(s) for s in sections) + str(b.sources())
    assert "Build test platforms." in html and b.facts["targets"]["test-analyst-target"]["goal"] == "at least 40 platforms"
    assert b.facts["targets"]["test-analyst-target"]["latest"] == "20 platforms (2024-12)"
