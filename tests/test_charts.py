"""Charts: render without warnings, one marker per target, the as-of line where it belongs, labels present,
readable with 300 synthetic targets, saved as SVG (text as paths) and PNG at 200 dpi."""

from __future__ import annotations

import subprocess
import sys
import warnings
from datetime import date
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from analysis import load
from analysis.data.synthetic import write_synthetic_package
from analysis.report import charts
from analysis.report.style import FontMissingError, house_style, save_chart
from analysis.status import target_status

from .conftest import FIXTURE_DATA

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def shipped():
    ds = load(FIXTURE_DATA)
    return ds, target_status(ds, AS_OF)


def _render_strict(fig) -> None:
    """Draw to PNG with every warning an error (a missing glyph warns)."""
    import io

    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with house_style():
            fig.savefig(io.BytesIO(), format="png", dpi=60)
    plt.close(fig)


def _markers(fig):
    """Each target's status marker (one Line2D each, labelled ``_status-<status>``)."""
    return [line for line in fig.axes[0].lines if str(line.get_label()).startswith("_status-")]


def _points(fig):
    return [(float(m.get_xdata()[0]), float(m.get_ydata()[0])) for m in _markers(fig)]


@pytest.mark.parametrize("language", ["en", "zh", "both"])
def test_timeline_structure(shipped, language) -> None:
    ds, status = shipped
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = charts.timeline(ds, status, AS_OF, language=language)
    ax = fig.axes[0]
    assert len(_markers(fig)) == len(ds.targets)
    as_of = [line for line in ax.lines if line.get_gid() == "as-of"]
    assert len(as_of) == 1 and as_of[0].get_xdata()[0] == pytest.approx(2026 + 326 / 365)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(ds.policies)
    chinese = [label for label in labels if any("\u4e00" <= ch <= "\u9fff" for ch in label)]
    assert (len(chinese) > 20) is (language != "en")
    assert "as of 2026-11-23" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert fig.texts and "Source:" in fig.texts[-1].get_text()
    _render_strict(fig)


def test_timeline_for_some_policies(shipped) -> None:
    ds, status = shipped
    fig = charts.timeline(ds, status, AS_OF, policies=["ii-plan-2021-2023"])
    n = (ds.targets["policy_id"] == "ii-plan-2021-2023").sum()
    assert len(_markers(fig)) == n
    assert fig._suptitle.get_text().startswith(f"{n} targets in 1 policy,")
    _render_strict(fig)


def test_unknown_language_is_refused(shipped) -> None:
    ds, status = shipped
    with pytest.raises(ValueError, match="language must be one of"):
        charts.timeline(ds, status, AS_OF, language="fr")


def test_investments_chart(shipped) -> None:
    ds, _ = shipped
    fig = charts.investments(ds)
    bars = [c for c in fig.axes[0].containers]
    cny = ds.investments[(ds.investments["currency"] == "CNY") & ds.investments["amount"].notna()]
    assert len(bars[0]) == len(cny)
    assert "CNY billion" in fig.axes[0].get_xlabel()
    assert "not shown" in " ".join(fig.texts[-1].get_text().split())  # the USD row is named as left out
    _render_strict(fig)


def test_progress_chart(shipped) -> None:
    ds, status = shipped
    fig = charts.progress(ds, status)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    numeric = set(ds.targets.loc[ds.targets["comparator"] != "qualitative", "id"])
    figures = ds.outcomes.dropna(subset=["target_id", "value"])
    linked = figures.loc[figures["target_id"].isin(numeric), "target_id"].nunique()
    assert len(visible) == linked  # one figure for all (a briefing splits them six to a chart)
    for ax in visible:
        assert [line for line in ax.lines if line.get_gid() == "target-line"]
    _render_strict(fig)


def test_timeline_with_300_synthetic_targets(tmp_path: Path) -> None:
    ds = load(write_synthetic_package(tmp_path, n_targets=300, n_policies=60))
    status = target_status(ds, AS_OF)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = charts.timeline(ds, status, AS_OF, language="both")
    offsets = _points(fig)
    assert len(offsets) == 300
    assert len(set(offsets)) == 300, "two targets drawn on the same spot"
    assert fig.get_figheight() < 40
    paths = save_chart(fig, tmp_path / "figs", "timeline-300")
    assert all(p.stat().st_size > 0 for p in paths)


def test_save_figure_writes_svg_text_as_paths_and_png_at_200_dpi(shipped, tmp_path: Path) -> None:
    from PIL import Image

    ds, status = shipped
    fig = charts.timeline(ds, status, AS_OF, policies=["ii-plan-2018-2020"], language="zh")
    svg, png = save_chart(fig, tmp_path, "t")
    text = svg.read_text(encoding="utf-8")
    assert "<text" not in text and "<path" in text
    with Image.open(png) as im:
        assert im.size == (round(fig.get_figwidth() * 200), round(fig.get_figheight() * 200))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.png", "t.svg"]  # no temporary files left


def test_missing_cjk_font_names_the_debian_package(monkeypatch) -> None:
    from matplotlib import font_manager

    from analysis.report import style

    monkeypatch.setattr(font_manager.fontManager, "ttflist",
                        [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name])
    monkeypatch.setattr(style, "_system_cjk_files", list)
    with pytest.raises(FontMissingError, match="fonts-noto-cjk"), house_style():
        pass


def test_charts_command(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "analysis", "charts", "--out", str(tmp_path), "--as-of",
                             "2026-11-23", "--language", "both"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "investments.png", "investments.svg", "progress.png", "progress.svg", "timeline.png", "timeline.svg"]
    assert "3 charts as of 2026-11-23" in result.stdout
    assert result.stderr == ""


def test_charts_command_refuses_bad_data(data, tmp_path: Path) -> None:
    data.replace("targets", "ii-plan-2021-2023-productivity", ",at-least,20,", ",at-least,lots,")
    result = subprocess.run([sys.executable, "-m", "analysis", "charts", "--data-dir", str(data.dir), "--out",
                             str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "targets.csv:" in result.stdout and ":target_value: " in result.stdout
    assert not (tmp_path / "out").exists()
    assert "Traceback" not in result.stderr


def test_bad_as_of_is_a_usage_error() -> None:
    result = subprocess.run([sys.executable, "-m", "analysis", "charts", "--as-of", "23/11/2026"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "expected a date as YYYY-MM-DD" in result.stderr
