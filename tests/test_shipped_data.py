"""The data the project ships: valid by our validator, by Frictionless, and against the archive."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.data.validate import check
from analysis.paths import DATA_DIR

from .conftest import SHARED_SOURCES


def test_shipped_data_has_no_errors() -> None:
    report = check(DATA_DIR)
    assert report.errors == []
    assert report.row_counts["sources"] >= 100
    assert report.row_counts["policies"] >= 30
    assert report.row_counts["targets"] >= 50
    assert report.row_counts["investments"] >= 10
    assert report.row_counts["outcomes"] >= 40


def test_warnings_are_of_the_kinds_curators_act_on() -> None:
    """Warnings, never errors: figures not captured as printed, sources nothing cites, and targets past their
    deadline that nobody has searched for yet (which grow as deadlines pass, so their number is not fixed)."""
    kinds = ("no figure as printed", "is not cited by any row", "no record of a search")
    assert all(any(k in w.message for k in kinds) for w in check(DATA_DIR).warnings)


def test_frictionless_validates_the_shipped_package() -> None:
    exe = Path(sys.executable).with_name("frictionless")
    if not exe.exists():
        pytest.fail(f"frictionless is not installed beside {sys.executable}: run make setup")
    result = subprocess.run([str(exe), "validate", str(DATA_DIR / "datapackage.json")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_frictionless_also_catches_a_broken_foreign_key(data) -> None:
    """Guard against the independent check passing vacuously."""
    data.replace("targets", "ii-plan-2021-2023-productivity", ",ii-plan-2021-2023,", ",no-such-policy,")
    exe = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(exe), "validate", str(data.dir / "datapackage.json")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(),
                    reason=f"no archive of source snapshots at {SHARED_SOURCES}: printed figures not checked")
def test_printed_figures_are_found_in_the_archived_sources() -> None:
    report = check(DATA_DIR, archive=SHARED_SOURCES)
    assert report.errors == []
    assert report.archive_snapshots == len(list(SHARED_SOURCES.glob("*.txt")))
    assert report.archive_checked >= 10


def test_archive_check_fails_on_a_figure_not_in_the_snapshot(data, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "merics-2021-02-industrial-internet-action-plan.txt").write_text(
        "MERICS\n... led to Industrial Internet pilots and CNY 70\n   billion in investments ...\n", encoding="utf-8")
    report = check(data.dir, archive=archive)
    # "CNY 70 billion" matches across the line break (whitespace normalised) ...
    assert not any("CNY 70 billion" in p.message for p in report.problems)
    # ... but "at least 20 percent" is not in this snapshot.
    line = next(n for n, text in enumerate(data.lines("citations"), start=1)
                if text.startswith("targets,ii-plan-2021-2023-productivity,merics"))
    missing = [p for p in report.errors if "at least 20 percent" in p.message]
    assert [(p.file, p.line, p.column) for p in missing] == [(str(data.path("citations")), line, "as_printed")]


def test_archive_folder_missing_is_an_error(tmp_path: Path) -> None:
    report = check(DATA_DIR, archive=tmp_path / "nowhere")
    assert any("archive folder not found" in p.message for p in report.errors)


def test_seed_sources_are_in_the_data() -> None:
    """The two archived source texts are cited under the ids their files carry."""
    if not SHARED_SOURCES.is_dir():
        pytest.skip(f"no archive at {SHARED_SOURCES}")
    ids = {p.stem for p in SHARED_SOURCES.glob("*.txt")}
    sources = (DATA_DIR / "sources.csv").read_text(encoding="utf-8")
    for source_id in ids:
        assert f"\n{source_id}," in sources


def test_data_copy_fixture_is_independent(data) -> None:
    shutil.rmtree(data.dir)
    assert (DATA_DIR / "targets.csv").exists()
