"""Warm kernels: briefings built one after another share a kernel, yet none sees another's names, and a
kernel that dies is replaced for the next briefing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import FIXTURE_DATA
from .test_faults import tiny_notebook

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


def _build(tmp_path: Path, titles: list[str]) -> tuple[subprocess.CompletedProcess[str], list[tuple[str, str]]]:
    """Build one tiny briefing per title on one worker: what is under test is the kernel, not the analysis."""
    probe = tmp_path / "probe.txt"
    tiny_notebook(tmp_path / "notebooks", PROBE)
    listing = tmp_path / "briefings.yml"
    listing.write_text("defaults:\n  as_of: 2026-11-23\nbriefings:\n" + "".join(
        f"  - id: {t}\n    notebook: tiny.ipynb\n    parameters: {{title: {t}}}\n" for t in titles), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "analysis", "build", "--briefings", str(listing), "--notebooks-dir",
                             str(tmp_path / "notebooks"), "--data-dir", str(FIXTURE_DATA), "--reports-dir",
                             str(tmp_path / "reports"), "--jobs", "1"], capture_output=True, text=True, timeout=600,
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


FLAKY_LAUNCHER = """import os, sys
flag = os.environ["FLAKY_FLAG"]
if not os.path.exists(flag):  # the first start dies, as a kernel whose port another kernel took
    open(flag, "w").close()
    sys.exit(1)
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[1:]])
"""

RUN_ONE = """import sys
import papermill as pm
from analysis.pipeline.warm import ENGINE, register

register()
pm.execute_notebook(sys.argv[1], sys.argv[2], kernel_name="flaky", engine_name=ENGINE, progress_bar=False)
"""


def test_a_kernel_that_dies_while_starting_is_started_again(tmp_path: Path) -> None:
    """Two workers starting kernels at once can hand both the same free port, and one kernel dies before
    it answers; the warm engine starts a new one rather than failing the briefing."""
    import nbformat

    spec = tmp_path / "jupyter" / "kernels" / "flaky"
    spec.mkdir(parents=True)
    (tmp_path / "launcher.py").write_text(FLAKY_LAUNCHER, encoding="utf-8")
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(tmp_path / "launcher.py"), "-f", "{connection_file}"],
        "display_name": "flaky", "language": "python"}), encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    nbformat.write(nb, tmp_path / "in.ipynb")
    flag = tmp_path / "died-once"
    result = subprocess.run([sys.executable, "-c", RUN_ONE, str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb")],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path,
                            env={**os.environ, "JUPYTER_PATH": str(tmp_path / "jupyter"), "FLAKY_FLAG": str(flag)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert flag.exists()  # the first kernel did die
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert out.cells[0].outputs[0]["text"].strip() == "42"
