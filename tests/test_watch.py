"""``analysis build --watch``: a save rebuilds what it affects, bad data is reported and waited out, and
Ctrl-C stops cleanly."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from analysis.pipeline.watch import relevant

from .conftest import FIXTURE_DATA
from .test_build import entry, write_list


class Lines:
    """The lines a running process prints, read on a thread so a test can wait for one with a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 240) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {timeout} s; saw:\n" + "\n".join(self.seen))


@pytest.mark.slow
def test_saves_rebuild_bad_data_waits_and_ctrl_c_stops(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    listing = write_list(tmp_path / "briefings.yml", entry("w"))
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "build", "--watch", "--briefings", str(listing),
                             "--data-dir", str(data), "--reports-dir", str(tmp_path / "reports"), "--jobs", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = Lines(proc)
    try:
        lines.wait_for("built    w in")
        lines.wait_for("watching ")
        outcomes = data / "outcomes.csv"
        text = outcomes.read_text(encoding="utf-8")
        # A broken value: the validator's line, then the watch waits.
        outcomes.write_text(text.replace(",exact,5,nodes,2020-01,", ",exact,-5,nodes,2020-01,", 1), encoding="utf-8")
        lines.wait_for("saved: outcomes.csv")
        problem = lines.wait_for("outcomes.csv:")
        assert "out of range" in problem or "-300" in problem
        lines.wait_for("fix what is listed above")
        # Fixed: the briefing is rebuilt and says which row changed.
        outcomes.write_text(text.replace(",exact,5,nodes,2020-01,", ",exact,6,nodes,2020-01,", 1), encoding="utf-8")
        lines.wait_for("saved: outcomes.csv")
        rebuilt = lines.wait_for("w in")
        assert "outcome " in rebuilt and "changed" in rebuilt
        lines.wait_for("content changed: w")
        lines.wait_for("watching for saves")
        # A byte-only save (CRLF): nothing to rebuild.
        outcomes.write_bytes(outcomes.read_bytes().replace(b"\n", b"\r\n"))
        lines.wait_for("saved: outcomes.csv")
        lines.wait_for("skipped  w (unchanged)")
        proc.send_signal(signal.SIGINT)
        lines.wait_for("stopped watching", timeout=60)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    assert "Traceback" not in "\n".join(lines.seen)


def test_only_data_notebook_and_template_saves_count() -> None:
    for path in ("data/outcomes.csv", "data/datapackage.json", "notebooks/briefing.ipynb", "notebooks/briefing.py",
                 "notebooks/commentary/5g.md", "notebooks/extra/5g.py",
                 "src/analysis/report/templates/briefing/briefing.css", "reports/briefings.yml"):
        assert relevant(path), path
    for path in ("data/.outcomes.csv.swp", "data/~lock.outcomes.csv#", "notebooks/.ipynb_checkpoints/b.ipynb",
                 "data/notes.txt"):
        assert not relevant(path), path


def test_a_terminal_gets_a_live_line_below_the_build_lines() -> None:
    import io

    from analysis.pipeline.live import LiveLine

    now = [100.0]
    out = io.StringIO()
    live = LiveLine(out, clock=lambda: now[0], interval=3600)
    live.say("building 4 briefing(s) with 2 job(s); one line as each finishes")
    assert live.status() == "building: 0/4 done, 0:00 so far"
    now[0] += 30
    live.say("built    a in 29.0 s (outcome x changed) [1/4, about 90 s left]")
    assert live.status() == "building: 1/4 done, 0:30 so far, about 1:30 left"
    now[0] += 30
    assert live.status() == "building: 1/4 done, 1:00 so far, about 1:00 left"  # it counts down between lines
    live.say("built    d in 9.0 s (outcome x changed) [4/4]")
    live.close()
    text = out.getvalue()
    assert "built    a in 29.0 s" in text and text.endswith("[4/4]\n")  # no live line left once all are done
    plain = text.replace("\r\033[K", "\n")
    assert "building: 1/4 done, 0:30 so far, about 1:30 left" in plain
