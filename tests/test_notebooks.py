"""Notebooks review well: each is paired with its jupytext script, in sync, with no outputs committed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from analysis import notebooks
from analysis.paths import PROJ_ROOT

from .conftest import copy_notebooks


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "notebooks"
    copy_notebooks(target)
    return target


def test_shipped_notebooks_are_paired_in_sync_and_clean() -> None:
    assert [p.name for p, _ in notebooks.pairs()] == ["briefing.ipynb", "overview.ipynb"]
    assert notebooks.check_pairs() == []


def test_an_edited_script_is_out_of_sync_until_synced(folder: Path) -> None:
    script = folder / "briefing.py"
    script.write_text(script.read_text(encoding="utf-8").replace("# ## Policies\n", "# ## Policies in force\n"),
                      encoding="utf-8")
    os.utime(script, (time.time() + 5, time.time() + 5))
    problems = notebooks.check_pairs(folder)
    assert len(problems) == 1
    assert "briefing.ipynb: out of sync with briefing.py: cell" in problems[0]
    assert "('## Policies in force') differs in its source (briefing.py is newer); run 'make notebooks'" in problems[0]
    assert "updated briefing.ipynb" in notebooks.sync(folder)
    assert notebooks.check_pairs(folder) == []
    nb = json.loads((folder / "briefing.ipynb").read_text(encoding="utf-8"))
    assert any(c["source"] == ["## Policies in force"] for c in nb["cells"])
    assert nb["metadata"]["kernelspec"]["name"] == "industrial-internet"  # papermill still has its kernel


def test_outputs_and_missing_pairs_are_found(folder: Path) -> None:
    path = folder / "overview.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code[1]["execution_count"] = 3
    code[1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hello\n"]}]
    path.write_text(json.dumps(nb), encoding="utf-8")
    (folder / "briefing.py").unlink()
    problems = notebooks.check_pairs(folder)
    assert any("briefing.ipynb: no paired script briefing.py" in p for p in problems), problems
    assert any("overview.ipynb: cell(s) 2 hold outputs" in p for p in problems), problems
    notebooks.sync(folder)
    assert notebooks.check_pairs(folder) == []


def test_notebooks_command_exit_codes(folder: Path) -> None:
    cmd = [sys.executable, "-m", "analysis", "notebooks", "check", "--dir", str(folder)]
    ok = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "2 notebook(s) paired" in ok.stdout
    (folder / "overview.py").write_text("# %%\nprint('drift')\n", encoding="utf-8")
    bad = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "overview.ipynb: out of sync with overview.py" in bad.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_saving_in_jupyter_writes_the_paired_script(folder: Path) -> None:
    """What `make lab` serves: a notebook saved through Jupyter's contents API updates its script too."""
    jupyter = Path(sys.executable).with_name("jupyter")
    port = _free_port()
    server = subprocess.Popen([str(jupyter), "server", "--no-browser", f"--port={port}", "--ServerApp.token=t",
                               f"--ServerApp.root_dir={folder}", "--allow-root"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=PROJ_ROOT)
    try:
        nb = json.loads((folder / "briefing.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            cell["source"] = "".join(cell["source"])
        nb["cells"][-2]["source"] = "## Sources, as edited in JupyterLab"
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents/briefing.ipynb?token=t", method="PUT",
                                         data=json.dumps({"type": "notebook", "format": "json", "content": nb}).encode(),
                                         headers={"Content-Type": "application/json"})
        for _ in range(120):
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    assert response.status == 200
                break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("the Jupyter server did not answer")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "# ## Sources, as edited in JupyterLab" in (folder / "briefing.py").read_text(encoding="utf-8")
    assert notebooks.check_pairs(folder) == []
