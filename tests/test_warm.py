"""Warm kernels: briefings built one after another share a kernel, yet none sees another's names, and a
kernel that dies is replaced for the next briefing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from analysis.paths import NOTEBOOKS_DIR

from .conftest import FIXTURE_DATA

PROBE = """import os
with open(os.environ["WARM_PROBE"], "a") as _f:
    _f.write(f"{title} {os.getpid()}\\n")
if title == "first":
    LEAKED = "a name from the first briefing"
elif title == "crash":
    os._exit(1)  # the kernel dies mid-briefing
else:
    assert "LEAKED" not in globals(), LEAKED
"""


def _probe_notebook(folder: Path) -> None:
    shutil.copytree(NOTEBOOKS_DIR, folder)
    path = folder / "briefing.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    at = next(i for i, c in enumerate(nb["cells"]) if "parameters" in c.get("metadata", {}).get("tags", []))
    nb["cells"].insert(at + 1, {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                                "source": PROBE.splitlines(keepends=True)})
    path.write_text(json.dumps(nb), encoding="utf-8")


def _build(tmp_path: Path, titles: list[str]) -> tuple[subprocess.CompletedProcess[str], list[tuple[str, str]]]:
    notebooks, data, probe = tmp_path / "notebooks", tmp_path / "data", tmp_path / "probe.txt"
    _probe_notebook(notebooks)
    shutil.copytree(FIXTURE_DATA, data)
    listing = tmp_path / "briefings.yml"
    listing.write_text("defaults:\n  as_of: 2026-11-23\nbriefings:\n" + "".join(
        f"  - id: {t}\n    notebook: briefing.ipynb\n    parameters: {{title: {t}, policies: [ii-plan-2018-2020]}}\n"
        for t in titles), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "analysis", "build", "--briefings", str(listing), "--notebooks-dir",
                             str(notebooks), "--data-dir", str(data), "--reports-dir", str(tmp_path / "reports"),
                             "--jobs", "1"], capture_output=True, text=True, timeout=600,
                            env={**os.environ, "WARM_PROBE": str(probe)})
    runs = [tuple(line.split()) for line in probe.read_text(encoding="utf-8").splitlines()]
    return result, runs  # type: ignore[return-value]


def test_briefings_share_a_kernel_but_not_their_names(tmp_path: Path) -> None:
    result, runs = _build(tmp_path, ["first", "second", "third"])
    assert result.returncode == 0, result.stdout + result.stderr  # "second" and "third" saw no LEAKED
    assert [t for t, _ in runs] == ["first", "second", "third"]
    assert len({pid for _, pid in runs}) == 1  # one kernel, started once, for all three


def test_a_kernel_that_dies_is_replaced(tmp_path: Path) -> None:
    result, runs = _build(tmp_path, ["first", "crash", "after"])
    assert result.returncode == 1
    assert "FAILED   crash" in result.stdout and "built    after in" in result.stdout, result.stdout
    pids = dict(runs)
    assert pids["after"] != pids["crash"]  # a new kernel for the briefing after the crash
    leftover = subprocess.run(["pgrep", "-f", f"ipykernel.*{tmp_path}"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""
