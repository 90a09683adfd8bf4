"""Properties: any bytes in any table give problems, never an exception, each naming file, line and column;
the loader loads exactly what validates."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.data.loading import load
from analysis.data.problems import DataError, Problem
from analysis.data.validate import check

from .conftest import FIXTURE_DATA

TABLES = ["sources", "policies", "bodies", "targets", "investments", "outcomes", "citations"]

CELL = st.one_of(
    st.sampled_from(["", "2021", "2021-13", "2023-02-29", "x,y", '"', '""', "1e9", "-0", "CNY", "at-least",
                     "qualitative", "ii-plan-2021-2023", "made-in-china-2025", " pad ", "中国制造2025", "\r", "\n"]),
    st.text(max_size=12),
)

ROW = st.lists(CELL, min_size=1, max_size=20)  # a header-only table is valid, so every row has a cell


def _as_csv(header: list[str], rows: list[list[str]], quote: bool) -> bytes:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if quote else v

    lines = [",".join(header)] + [",".join(cell(v) for v in r) for r in rows]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def _assert_well_formed(problems: list[Problem]) -> None:
    for p in problems:
        assert isinstance(p, Problem)
        assert p.file.endswith((".csv", ".json")), p
        assert isinstance(p.line, int) and p.line >= 0, p
        assert isinstance(p.column, str) and p.column, p
        assert p.message and p.severity in ("error", "warning")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(FIXTURE_DATA, root)
    return root


def _run(scratch: Path, table: str, content: bytes) -> list[Problem]:
    original = (FIXTURE_DATA / f"{table}.csv").read_bytes()
    (scratch / f"{table}.csv").write_bytes(content)
    try:
        return check(scratch).problems
    finally:
        (scratch / f"{table}.csv").write_bytes(original)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(TABLES), content=st.binary(max_size=400))
def test_random_bytes_never_crash(scratch: Path, table: str, content: bytes) -> None:
    problems = _run(scratch, table, content)
    _assert_well_formed(problems)
    assert any(p.severity == "error" for p in problems), "random bytes cannot be a valid table"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(TABLES), rows=st.lists(ROW, min_size=1, max_size=6), quote=st.booleans(),
       data=st.data())
def test_random_rows_under_the_real_header_give_problems(scratch: Path, table: str, rows, quote, data) -> None:
    header = (FIXTURE_DATA / f"{table}.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    header = data.draw(st.one_of(st.just(header), st.permutations(header), st.lists(st.sampled_from([*header, "x"]))))
    content = _as_csv(header, rows, quote)
    problems = _run(scratch, table, content)
    _assert_well_formed(problems)
    if content.partition(b"\n")[2].strip():  # a header with nothing below it is a valid empty table
        assert any(p.severity == "error" for p in problems), "random rows should never pass as valid data"


# -- the loader agrees with the validator ----------------------------------------------------------------



@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(TABLES), value=CELL, data=st.data())
def test_loader_loads_what_validates_and_refuses_the_rest(scratch: Path, table: str, value: str, data) -> None:
    """One cell of a real row replaced by odd text: load() gives typed frames or DataError, nothing else."""
    original = (FIXTURE_DATA / f"{table}.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(original)))
    r = data.draw(st.integers(1, len(rows) - 1))
    c = data.draw(st.integers(0, len(rows[0]) - 1))
    rows[r][c] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (scratch / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8", errors="surrogatepass")
    try:
        errors = check(scratch).errors
        try:
            ds = load(scratch)
        except DataError as exc:
            assert errors, "load() refused data that validates"
            assert [str(p) for p in exc.problems] == [str(p) for p in errors]
            _assert_well_formed(exc.problems)
        else:
            assert not errors, "load() accepted data with errors"
            assert len(getattr(ds, table)) == len(rows) - 1
    finally:
        (scratch / f"{table}.csv").write_text(original, encoding="utf-8")
