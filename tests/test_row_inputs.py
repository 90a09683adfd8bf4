"""Row-level inputs: a briefing is rebuilt when, and only when, a row it shows changes.

The property: for random single-row edits of the data (a value changed, a row added, a row deleted, in
each table), every briefing whose input digest is unchanged shows exactly what it showed before (so
skipping it is sound), and every briefing whose digest changed shows something different (so rebuilding it
was needed). "What it shows" is every section of the briefing notebook, rendered in-process, and its
facts; a real build of one edit, incremental against forced, is in ``test_an_incremental_build_equals_a_forced_one``.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from analysis.data.reads import KEYS, SINGULAR, input_digests, read_text_rows, rows_read, slice_version
from analysis.data.validate import check
from analysis.paths import REPORTS_DIR
from analysis.report import Briefing
from analysis.report.briefing import take

from .conftest import FIXTURE_DATA
from .test_build import run_build

AS_OF = "2026-11-29"
SECTIONS = ("since", "key_figures", "timeline", "policies_table", "targets_table", "lineage", "reported_results",
            "investments_chart", "investments_table", "progress_chart", "status_rules", "sources")
ONE_POLICY = [e["parameters"]["policies"] for e in yaml.safe_load((REPORTS_DIR / "briefings.yml").read_text(
    encoding="utf-8"))["briefings"] if isinstance(e["parameters"].get("policies"), list)]
# What an edit changes in each kind of column: a number moves, a text gains words.
NUMBERS = {"value", "target_value", "amount", "baseline_value"}
TEXTS = {"policies": ("title_en", "note", "issuer"), "targets": ("description_en", "note", "as_printed", "metric"),
         "outcomes": ("metric", "note", "as_printed"), "investments": ("funded", "note", "as_printed"),
         "sources": ("title", "publisher", "note", "accessed"), "checks": ("looked_for", "note"),
         "citations": ("note",)}


def shown(data: Path, policies: list[str]) -> str:
    """Everything the briefing notebook shows, in order, and its facts."""
    b = Briefing(title="t", policies=policies, as_of=AS_OF, language="both", data_dir=data)
    html = [getattr(b, name)()._repr_mimebundle_()["text/html"] for name in SECTIONS]
    return json.dumps({**take(b), "version": b.data_version}, sort_keys=True) + "".join(html)


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def edit(data: Path, table: str, action: str, pick: int, column_pick: int) -> tuple[str, str]:
    """Apply one edit to ``data``; say what it was, and name the row as the digests do."""
    path = data / f"{table}.csv"
    header, rows = _rows(path)
    i = pick % len(rows)
    row = list(rows[i])
    if action == "change":
        numeric = [c for c in header if c in NUMBERS and row[header.index(c)]]
        columns = numeric + [c for c in TEXTS[table] if c in header]
        column = columns[column_pick % len(columns)]
        j = header.index(column)
        row[j] = str(float(row[j]) * 2) if column in NUMBERS else (row[j] + " (edited)").strip()
        rows[i] = row
    elif action == "delete":
        del rows[i]
    else:  # add: a copy under a new key
        if "id" in header:
            row[header.index("id")] = row[header.index("id")] + "-copy"
        elif table == "checks":
            row[header.index("checked")] = "2026-11-01"
        else:  # citations: the same row cited by another source
            row[header.index("source_id")] = rows[(i + 1) % len(rows)][header.index("source_id")]
        rows.append(row)
    _write(path, header, rows)
    key = "/".join(row[header.index(k)] for k in KEYS[table])
    return f"{action} {table} row {i + 2}", f"data {SINGULAR[table]} {key}"


@pytest.fixture(scope="module")
def before(tmp_path_factory) -> dict:
    """The unedited package, with each one-policy briefing's digest and what it shows (rendered lazily)."""
    data = tmp_path_factory.mktemp("before") / "data"
    shutil.copytree(FIXTURE_DATA, data)
    pkg = read_text_rows(data)
    return {"data": data, "digests": {tuple(p): input_digests(pkg, p) for p in ONE_POLICY}, "shown": {}}


@pytest.mark.slow
# Explicit cases first (a source's title, a target's note, a figure, a new figure, a dropped citation, a
# search), then random ones.
@example(table="sources", action="change", pick=5, column_pick=0, seed=0)
@example(table="targets", action="change", pick=40, column_pick=2, seed=0)
@example(table="outcomes", action="change", pick=82, column_pick=0, seed=0)
@example(table="outcomes", action="add", pick=82, column_pick=0, seed=0)
@example(table="citations", action="delete", pick=9, column_pick=0, seed=0)
@example(table="checks", action="change", pick=3, column_pick=0, seed=0)
@example(table="policies", action="change", pick=19, column_pick=1, seed=0)
@settings(max_examples=15, deadline=None, phases=(Phase.explicit, Phase.generate),  # no shrinking: each try renders
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(table=st.sampled_from(sorted(TEXTS)), action=st.sampled_from(["change", "add", "delete"]),
       pick=st.integers(0, 10_000), column_pick=st.integers(0, 10), seed=st.integers(0, 1000))
def test_a_briefing_is_rebuilt_exactly_when_what_it_shows_changes(before, tmp_path_factory, table, action, pick,
                                                                   column_pick, seed) -> None:
    data = tmp_path_factory.mktemp("edited") / "data"
    shutil.copytree(before["data"], data)
    what, row_key = edit(data, table, action, pick, column_pick)
    assume(not check(data).errors)  # an edit the validator refuses never reaches a build
    pkg = read_text_rows(data)
    known = {p["id"] for p in pkg.rows("policies")}
    rebuilt = [p for p in ONE_POLICY if input_digests(pkg, p) != before["digests"][tuple(p)] and set(p) <= known]
    skipped = [p for p in ONE_POLICY if p not in rebuilt]
    rng = random.Random(seed)
    skipped = [p for p in skipped if set(p) <= known]  # a deleted policy's briefing stops the build instead
    # Skipped briefings that read the edited row come first: there a digest that misses a column shows.
    readers = [p for p in skipped if row_key in before["digests"][tuple(p)]]
    others = [p for p in skipped if p not in readers]
    for policies in rebuilt[:3] + readers[:3] + rng.sample(others, min(1, len(others))):
        key = tuple(policies)
        if key not in before["shown"]:
            before["shown"][key] = shown(before["data"], policies)
        same = shown(data, policies) == before["shown"][key]
        if policies in rebuilt:
            assert not same, f"{what}: {policies} rebuilt, but it shows the same"
        else:
            assert same, f"{what}: {policies} skipped, but what it shows changed"


def test_bytes_alone_change_no_digest(tmp_path: Path) -> None:
    """An Excel re-save: a byte-order mark, CRLF line ends, columns in another order. Nothing to rebuild."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    digests = {tuple(p): input_digests(read_text_rows(data), p) for p in ONE_POLICY[:5]}
    header, rows = _rows(data / "outcomes.csv")
    order = list(reversed(range(len(header))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[r[j] for j in order] for r in [header, *rows]])
    (data / "outcomes.csv").write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    assert {tuple(p): input_digests(read_text_rows(data), p) for p in ONE_POLICY[:5]} == digests


def test_a_briefing_reads_its_lineage_and_the_sources_its_rows_cite() -> None:
    pkg = read_text_rows(FIXTURE_DATA)
    read = rows_read(pkg, ["ii-plan-2021-2023"])
    targets = {t["id"] for t in read["targets"]}
    assert any(t.startswith("ii-plan-2021-2023-") for t in targets)
    follows = {n for t in read["targets"] for n in t.get("follows", "").split()}
    assert follows and follows <= targets  # the targets it continues are read too
    ids = {o["id"] for o in read["outcomes"]}
    inputs = {n for o in read["outcomes"] if o.get("derived_from") for n in o["derived_from"].split()[::2]}
    assert inputs and inputs <= ids  # and the reported figures its derived figures are computed from
    cited = {r["source_id"] for rows in read.values() for r in rows if r.get("source_id")}
    assert {s["id"] for s in read["sources"]} == cited
    everything = rows_read(pkg, None)
    assert len(everything["outcomes"]) == len(pkg.rows("outcomes"))
    assert slice_version(pkg, ["ii-plan-2021-2023"]) != slice_version(pkg, None)


@pytest.mark.slow
def test_an_incremental_build_equals_a_forced_one(tmp_path: Path) -> None:
    """One changed outcome: only the briefings that show it are rebuilt, each says why, and the result is
    byte for byte what a forced build of the same state gives."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    listing = tmp_path / "briefings.yml"
    ids = {"a": ["ii-plan-2021-2023"], "b": ["5g-factory-guide-2022"], "c": ["made-in-china-2025"]}
    listing.write_text(yaml.safe_dump({"defaults": {"as_of": "2026-11-23"}, "briefings": [
        {"id": k, "notebook": "briefing.ipynb", "parameters": {"title": k, "policies": v}} for k, v in ids.items()]}),
        encoding="utf-8")
    args = ["--briefings", str(listing), "--data-dir", str(data)]
    first = run_build(*args, "--reports-dir", str(tmp_path / "inc"))
    assert first.returncode == 0, first.stdout + first.stderr
    shutil.copytree(tmp_path / "inc", tmp_path / "forced")  # the same state, built twice from here
    header, rows = _rows(data / "outcomes.csv")
    row = next(r for r in rows if r[0] == "5g-factory-list-2023")
    row[header.index("value")] = "301"
    _write(data / "outcomes.csv", header, rows)
    second = run_build(*args, "--reports-dir", str(tmp_path / "inc"))
    assert second.returncode == 0, second.stdout + second.stderr
    assert "(outcome 5g-factory-list-2023 changed)" in second.stdout
    assert "skipped  c (unchanged)" in second.stdout
    assert "content changed: a, b" in second.stdout or "content changed: b, a" in second.stdout
    forced = run_build(*args, "--reports-dir", str(tmp_path / "forced"), "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    for bid in ids:
        for ext in ("html", "pdf", "csv", "xlsx"):
            name = f"{bid}/{bid}.{ext}"
            assert (tmp_path / "inc" / name).read_bytes() == (tmp_path / "forced" / name).read_bytes(), name
        # The chart files too: the incremental build copied the unchanged ones from its last build, the
        # forced one drew every chart again.
        charts = sorted(p.name for p in (tmp_path / "inc" / bid / "charts").iterdir())
        assert charts == sorted(p.name for p in (tmp_path / "forced" / bid / "charts").iterdir())
        for name in charts:
            inc, forced_file = (tmp_path / d / bid / "charts" / name for d in ("inc", "forced"))
            assert inc.read_bytes() == forced_file.read_bytes(), f"{bid}/charts/{name}"
    reused = {d: json.loads((tmp_path / d / "a" / "a.ipynb").read_text(encoding="utf-8"))["metadata"]["papermill"]
              ["parameters"]["context"]["previous_charts"] for d in ("inc", "forced")}
    assert reused["inc"] == str((tmp_path / "inc" / "a" / "charts").resolve()) and reused["forced"] is None
    html = (tmp_path / "inc" / "a" / "a.html").read_text(encoding="utf-8")
    assert "301 factories" in html and "300 factories" in html  # the figure, and "Since" says what it was
