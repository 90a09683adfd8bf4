"""The benchmark runs (one briefing, one repetition), so it cannot rot unnoticed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.paths import PROJ_ROOT


@pytest.mark.slow
def test_benchmark_smoke(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(PROJ_ROOT / "benchmarks" / "bench.py"), "--smoke", "--out",
                             str(tmp_path)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for line in ("naive", "build", "english", "noop", "limit", "english / limit =", "naive / english =", "no-op =",
                 "edit =", "rebuilding 1 of 1 briefings", "pdf =", "the Chinese edition costs", "PDF engine: typst"):
        assert line in result.stdout
    [path] = list(tmp_path.glob("bench-*-smoke.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data["shipped"]) == {"naive", "build", "english", "noop", "edit", "limit", "pdf"}
    assert data["pdf_engine"].startswith("typst")
    assert all(data["shipped"][m]["median"] > 0 for m in data["shipped"])
    assert len(data["briefings"]) == 1 and data["briefings"] != ["overview"]  # a small one: the check stays quick
