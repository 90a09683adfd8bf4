"""The command line as a user runs it: output format, exit codes, no tracebacks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import SHARED_SOURCES

LINE = re.compile(r"^\S+\.(csv|json):\d+:[^:]+: .+$")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_valid_data_prints_counts_and_exits_0(data) -> None:
    result = run("validate", "--data-dir", str(data.dir))
    assert result.returncode == 0, result.stderr
    assert re.search(r"\d+ sources, \d+ policies, \d+ bodies, \d+ targets, \d+ investments, \d+ outcomes, \d+ checks, "
                     r"\d+ citations, \d+ assessments; 0 error\(s\), \d+ warning\(s\)", result.stdout)
    assert result.stderr == ""


def test_problems_print_as_file_line_column_and_exit_1(data) -> None:
    line = data.replace("targets", "ii-plan-2021-2023-productivity", ",ii-plan-2021-2023,", ",ii-plan-2021-2024,")
    data.path("bodies").write_bytes(b"\xff\xfe garbage")
    result = run("validate", "--data-dir", str(data.dir))
    assert result.returncode == 1
    out = result.stdout.strip().splitlines()
    assert out and all(LINE.match(line) for line in out), out
    assert f"{data.path('targets')}:{line}:policy_id: unknown policy id 'ii-plan-2021-2024'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "error(s)" in result.stderr


def test_warnings_listed_on_request(data) -> None:
    result = run("validate", "--data-dir", str(data.dir), "--warnings")
    assert result.returncode == 0
    assert "warning: " in result.stdout and "as_printed" in result.stdout


def test_missing_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    result = run("validate", "--data-dir", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert "datapackage.json:0:-: file is missing" in result.stdout
    assert "Traceback" not in result.stderr


def test_archive_option(data) -> None:
    if not SHARED_SOURCES.is_dir():
        import pytest

        pytest.skip(f"no archive at {SHARED_SOURCES}")
    result = run("validate", "--data-dir", str(data.dir), "--archive", str(SHARED_SOURCES))
    assert result.returncode == 0, result.stdout
    assert "printed figures found in 2 archive snapshot(s)" in result.stdout


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).with_name("analysis")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "validate" in result.stdout


def test_usage_error_exits_2() -> None:
    result = run("frobnicate")
    assert result.returncode == 2 and "invalid choice" in result.stderr
