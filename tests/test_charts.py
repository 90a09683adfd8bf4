"""Charts: render without warnings, one marker per target, the as-of line where it belongs, labels present,
readable with 300 synthetic targets, saved as SVG (text as paths) and PNG at 200 dpi."""

from __future__ import annotations

import csv
import json
import random
import shutil
import subprocess
import sys
import warnings
from datetime import date
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from analysis import charts, load  # noqa: E402
from analysis.paths import DATA_DIR  # noqa: E402
from analysis.status import target_status  # noqa: E402
from analysis.style import FontMissingError, house_style, save_figure  # noqa: E402

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def shipped():
    ds = load(DATA_DIR)
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
    ax = fig.axes[0]
    return [c for c in ax.collections if str(c.get_gid()).startswith("targets-")]


@pytest.mark.parametrize("language", ["en", "zh", "both"])
def test_timeline_structure(shipped, language) -> None:
    ds, status = shipped
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = charts.timeline(ds, status, AS_OF, language=language)
    ax = fig.axes[0]
    assert sum(len(c.get_offsets()) for c in _markers(fig)) == len(ds.targets)
    as_of = [l for l in ax.lines if l.get_gid() == "as-of"]
    assert len(as_of) == 1 and as_of[0].get_xdata()[0] == pytest.approx(2026 + 326 / 365)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(ds.policies)
    chinese = [l for l in labels if any("\u4e00" <= ch <= "\u9fff" for ch in l)]
    assert (len(chinese) > 20) is (language != "en")
    assert "as of 2026-11-23" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert fig.texts and "Source:" in fig.texts[-1].get_text()
    _render_strict(fig)


def test_timeline_for_some_policies(shipped) -> None:
    ds, status = shipped
    fig = charts.timeline(ds, status, AS_OF, policies=["ii-plan-2021-2023"])
    n = (ds.targets["policy_id"] == "ii-plan-2021-2023").sum()
    assert sum(len(c.get_offsets()) for c in _markers(fig)) == n
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
    assert "not shown" in fig.texts[-1].get_text()  # the USD row is named as left out
    _render_strict(fig)


def test_progress_chart(shipped) -> None:
    ds, status = shipped
    fig = charts.progress(ds, status)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    linked = ds.outcomes.dropna(subset=["target_id", "value"])["target_id"].nunique()
    assert len(visible) == linked
    for ax in visible:
        assert [l for l in ax.lines if l.get_gid() == "target-line"]
    _render_strict(fig)


def _synthetic_data(root: Path, n_targets: int = 300, n_policies: int = 60, seed: int = 7) -> Path:
    """A synthetic data package (marked as such) written to a temporary folder, never into data/."""
    rng = random.Random(seed)
    data = root / "synthetic-data"
    data.mkdir()
    shutil.copy(DATA_DIR / "datapackage.json", data / "datapackage.json")
    package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    columns = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]}

    def write(table: str, rows: list[dict[str, str]]) -> None:
        with open(data / f"{table}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=columns[table], lineterminator="\n")
            w.writeheader()
            w.writerows(rows)

    write("sources", [{"id": "synthetic-source", "title": "[Synthetic test source]", "publisher": "tests",
                       "language": "en", "grade": "weak"}])
    policies, targets, outcomes = [], [], []
    for p in range(n_policies):
        start = rng.randint(2015, 2040)
        policies.append({"id": f"synthetic-policy-{p}", "title_en": f"Synthetic policy number {p} with a long name "
                         "that needs wrapping", "title_zh": f"合成测试政策{p}", "issuer": "tests",
                         "issued": f"{start}-0{rng.randint(1, 9)}", "period_start": str(start),
                         "period_end": str(start + rng.randint(1, 8)), "level": "national",
                         "source_id": "synthetic-source"})
    for t in range(n_targets):
        p = policies[t % n_policies]
        year = int(p["period_start"]) + rng.randint(0, 10)
        qualitative = rng.random() < 0.15
        targets.append({"id": f"synthetic-target-{t}", "policy_id": p["id"], "metric": f"metric {t}",
                        "description_en": "synthetic", "comparator": "qualitative" if qualitative else "at-least",
                        "target_value": "" if qualitative else str(rng.randint(1, 1000)),
                        "unit": "" if qualitative else "projects",
                        "deadline": "" if rng.random() < 0.03 else str(min(year, 2050)), "scope": "national",
                        "source_id": "synthetic-source", "as_printed": "" if qualitative else "x"})
        if not qualitative and rng.random() < 0.3:
            outcomes.append({"id": f"synthetic-outcome-{t}", "target_id": f"synthetic-target-{t}",
                             "policy_id": p["id"], "metric": f"metric {t}", "qualifier": "exact",
                             "value": str(rng.randint(1, 1000)), "unit": "projects", "refers_to": "2022",
                             "reported": "2023-01-01", "scope": "national", "source_id": "synthetic-source",
                             "as_printed": "x"})
    write("policies", policies)
    write("targets", targets)
    write("outcomes", outcomes)
    for table in ("bodies", "investments", "citations"):
        write(table, [])
    return data


def test_timeline_with_300_synthetic_targets(tmp_path: Path) -> None:
    ds = load(_synthetic_data(tmp_path))
    status = target_status(ds, AS_OF)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = charts.timeline(ds, status, AS_OF, language="both")
    offsets = [tuple(o) for c in _markers(fig) for o in c.get_offsets()]
    assert len(offsets) == 300
    assert len(set(offsets)) == 300, "two targets drawn on the same spot"
    assert fig.get_figheight() < 40
    paths = save_figure(fig, tmp_path / "figs", "timeline-300")
    assert all(p.stat().st_size > 0 for p in paths)


def test_save_figure_writes_svg_text_as_paths_and_png_at_200_dpi(shipped, tmp_path: Path) -> None:
    from PIL import Image

    ds, status = shipped
    fig = charts.timeline(ds, status, AS_OF, policies=["ii-plan-2018-2020"], language="zh")
    svg, png = save_figure(fig, tmp_path, "t")
    text = svg.read_text(encoding="utf-8")
    assert "<text" not in text and "<path" in text
    with Image.open(png) as im:
        assert im.size == (round(fig.get_figwidth() * 200), round(fig.get_figheight() * 200))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.png", "t.svg"]  # no temporary files left


def test_missing_cjk_font_names_the_debian_package(monkeypatch) -> None:
    from matplotlib import font_manager

    from analysis import style

    monkeypatch.setattr(font_manager.fontManager, "ttflist",
                        [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name])
    monkeypatch.setattr(style, "_system_cjk_files", lambda: [])
    with pytest.raises(FontMissingError, match="fonts-noto-cjk"):
        with house_style():
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
