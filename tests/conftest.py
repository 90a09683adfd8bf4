from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from analysis.paths import NOTEBOOKS_DIR, PROJ_ROOT

SHARED_SOURCES = PROJ_ROOT.parent / "shared" / "sources"
FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"
"""The tests' own data package: a frozen copy of the shipped data, so that an analyst's edits to data/ never
break a test of the code. Tests of the shipped data itself (tests/test_shipped_data.py, tests/test_analyst.py)
read data/; refresh this copy with 'make fixtures' when the schema changes."""


LONGEST_FIRST = ("test_browser", "test_faults", "test_editions", "test_build", "test_row_inputs", "test_bench",
                 "test_hostile", "test_fuzz")
"""The test files that take longest, in that order. ``make test`` hands whole files to its two processes
(``--dist loadfile``) in collection order; these start first, so that no long file starts last while the
other process waits (longest-first is how a scheduler evens out two queues)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.stem
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within each file stays as written


class DataCopy:
    """A private copy of the tests' data package that a test may break."""

    def __init__(self, root: Path) -> None:
        self.dir = root

    def path(self, table: str) -> Path:
        return self.dir / f"{table}.csv"

    def lines(self, table: str) -> list[str]:
        return self.path(table).read_text(encoding="utf-8").split("\n")

    def line_of(self, table: str, row_id: str) -> int:
        """Physical line (1-based) of the row whose first field is ``row_id``."""
        for number, line in enumerate(self.lines(table), start=1):
            if line.startswith(row_id + ","):
                return number
        raise AssertionError(f"{row_id} not in {table}")

    def replace(self, table: str, row_id: str, old: str, new: str) -> int:
        """Replace ``old`` by ``new`` once in the row ``row_id``; return its line number."""
        lines = self.lines(table)
        number = self.line_of(table, row_id)
        assert old in lines[number - 1], f"{old!r} not in line {number} of {table}"
        lines[number - 1] = lines[number - 1].replace(old, new, 1)
        self.path(table).write_text("\n".join(lines), encoding="utf-8")
        return number

    def append(self, table: str, line: str) -> int:
        lines = self.lines(table)
        assert lines[-1] == ""
        lines[-1:] = [line, ""]
        self.path(table).write_text("\n".join(lines), encoding="utf-8")
        return len(lines) - 1


@pytest.fixture
def data(tmp_path: Path) -> DataCopy:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return DataCopy(target)


def shared(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    """What ``make(folder)`` builds, made once per test run and shared by every test process (pytest-xdist):
    the first process to ask builds it under a lock, the others wait and read what it left. ``make`` returns
    paths and, under ``"result"``, the build's ``CompletedProcess``; the tests treat what it built as
    read-only."""
    root = tmp_path_factory.getbasetemp()
    if root.name.startswith("popen-gw"):  # one of several test processes: share their parent folder
        root = root.parent
    folder, record = root / f"shared-{name}", root / f"shared-{name}.json"
    with FileLock(str(root / f"shared-{name}.lock")):
        if not record.exists():
            made = make(folder)
            result = made.pop("result")
            record.write_text(json.dumps({"made": {k: str(v) for k, v in made.items()}, "result": {
                "args": result.args, "returncode": result.returncode, "stdout": result.stdout,
                "stderr": result.stderr}}), encoding="utf-8")
        kept = json.loads(record.read_text(encoding="utf-8"))
    r = kept["result"]
    return {**{k: Path(v) for k, v in kept["made"].items()},
            "result": subprocess.CompletedProcess(r["args"], r["returncode"], r["stdout"], r["stderr"])}


@pytest.fixture(scope="session")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The hostile project of ``tests/test_hostile.py``, built once for it and for the browser tests."""
    from .test_hostile import make_hostile

    return shared(tmp_path_factory, "hostile", make_hostile)


FIRST_ID = "ii-plan-2018-2020"
FIRST_LIST = ("defaults:\n  as_of: 2026-11-23\n  language: both\nbriefings:\n"
              f"  - id: {FIRST_ID}\n    notebook: briefing.ipynb\n    parameters:\n"
              f"      title: \"Test briefing: {FIRST_ID}\"\n      policies: [{FIRST_ID}]\n")


def project_args(root: Path) -> list[str]:
    """``analysis build`` options for a project folder laid out as ``make_first_build`` lays it out."""
    return ["--briefings", str(root / "briefings.yml"), "--notebooks-dir", str(root / "notebooks"), "--data-dir",
            str(root / "data"), "--reports-dir", str(root / "reports"), "--jobs", "1"]


def copy_notebooks(target: Path) -> Path:
    """The project's notebooks, without the analysts' commentary and extra cells of the shipped briefings
    (a test that wants some writes its own)."""
    shutil.copytree(NOTEBOOKS_DIR, target, ignore=shutil.ignore_patterns("commentary", "extra"))
    return target


def make_first_build(root: Path) -> dict[str, Any]:
    """A project of its own (notebooks, data, list, reports) and the first build of one plan's briefing."""
    copy_notebooks(root / "notebooks")
    shutil.copytree(FIXTURE_DATA, root / "data")
    (root / "briefings.yml").write_text(FIRST_LIST, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "analysis", "build", *project_args(root)], capture_output=True,
                            text=True, timeout=600)
    return {"root": root, "result": result}


@pytest.fixture(scope="session")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The first build of ``FIRST_ID``, made once per test run: tests that go on from it work on a copy
    (``copy_project``), so each changes only its own."""
    return shared(tmp_path_factory, "first-build", make_first_build)


def copy_project(first: dict[str, Any], folder: Path) -> Path:
    shutil.copytree(first["root"], folder, dirs_exist_ok=True)
    return folder
