"""The one place that knows where things live in the project."""

from __future__ import annotations

from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJ_ROOT / "data"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
CHARTS_DIR = REPORTS_DIR / "charts"
DESCRIPTOR = "datapackage.json"
