"""``analysis add policy|target|outcome``: rows from flags, defaults from linked rows, prompts on a terminal,
checked before written, appended in the file's own line ending (and ``add-source`` the same way)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import analysis
from analysis.data.append import AddError, Layout, appended, layout
from analysis.data.problems import did_you_mean
from analysis.data.rows import COLUMNS, add_row, suggest_id

from .conftest import FIXTURE_DATA

SOURCE = "xinhua-2017-11-28-industrial-internet-guideline"
APPS = "ii-plan-2018-2020-industrial-apps"  # a target: ii-plan-2018-2020, "Industrial apps", unit apps
FACTORY_POLICY = "5g-factory-guide-2022"  # its 3 targets: all national, all one sector


def run(data_dir: Path, *args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analysis", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=60, stdin=stdin)


def outcome_args(*extra: str) -> list[str]:
    return ["add", "outcome", "--qualifier", "exact", "--value", "12", "--refers-to", "2026-10",
            "--reported", "2026-11-20", "--scope", "national", "--source-id", SOURCE, "--as-printed", "12",
            "--match", "same", *extra]


def row_of(data, table: str, row_id: str) -> dict[str, str]:
    frame = getattr(analysis.load(data.dir), table)
    rows = frame[frame["id"] == row_id].to_dict("records")
    assert len(rows) == 1, f"{row_id} not in {table}"
    return rows[0]


# -- each table, from flags ---------------------------------------------------------------------------


def test_policy_target_and_outcome_from_flags_read_back_through_load(data) -> None:
    policy = run(data.dir, "add", "policy", "--id", "example-plan", "--title-en", "Example plan", "--issuer",
                 "Example Ministry", "--issued", "2026-11-20", "--level", "ministerial", "--source-id", SOURCE)
    assert policy.returncode == 0, policy.stderr
    line = data.line_of("policies", "example-plan")
    assert "added policy 'example-plan' to " in policy.stdout and f"policies.csv (line {line})" in policy.stdout
    assert "next: add its targets (analysis add target --policy-id example-plan)" in policy.stdout

    target = run(data.dir, "add", "target", "--policy-id", "example-plan", "--metric", "Example platforms",
                 "--description-en", "Build example platforms.", "--comparator", "at-least", "--target-value",
                 "40", "--unit", "platforms", "--deadline", "2027", "--scope", "national", "--source-id", SOURCE,
                 "--as-printed", "40")
    assert target.returncode == 0, target.stderr
    assert "id: example-plan-example-platforms (suggested from the policy and metric" in target.stdout

    outcome = run(data.dir, *outcome_args("--target-id", "example-plan-example-platforms"))
    assert outcome.returncode == 0, outcome.stderr
    assert "id: example-platforms-2026-10 (suggested from the metric and date" in outcome.stdout

    assert row_of(data, "policies", "example-plan")["level"] == "ministerial"
    goal = row_of(data, "targets", "example-plan-example-platforms")
    assert (goal["policy_id"], goal["target_value"], goal["unit"]) == ("example-plan", 40.0, "platforms")
    got = row_of(data, "outcomes", "example-platforms-2026-10")
    assert (got["target_id"], got["policy_id"], got["metric"], got["value"], got["unit"]) == (
        "example-plan-example-platforms", "example-plan", "Example platforms", 12.0, "platforms")


def test_flags_cover_every_column_of_the_schema() -> None:
    for folder in (FIXTURE_DATA, FIXTURE_DATA.parents[2] / "data"):
        tables = {r["name"]: [f["name"] for f in r["schema"]["fields"]]
                  for r in json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
        for table, columns in COLUMNS.items():
            assert list(columns) == tables[table], f"{folder}: analysis add's flags for {table} are out of date"


# -- defaults and suggestions -------------------------------------------------------------------------


def test_an_outcome_takes_policy_metric_and_unit_from_its_target(data) -> None:
    result = run(data.dir, *outcome_args("--target-id", APPS))
    assert result.returncode == 0, result.stderr
    assert f"policy_id: ii-plan-2018-2020 (from target {APPS}" in result.stdout
    got = row_of(data, "outcomes", "industrial-apps-2026-10")
    assert (got["policy_id"], got["metric"], got["unit"]) == ("ii-plan-2018-2020", "Industrial apps", "apps")


def test_a_flag_wins_over_the_linked_default(data) -> None:
    result = run(data.dir, *outcome_args("--target-id", APPS, "--metric", "Industrial apps (cumulative)"))
    assert result.returncode == 0, result.stderr
    assert row_of(data, "outcomes", "industrial-apps-cumulative-2026-10")["metric"] == "Industrial apps (cumulative)"


def test_a_target_takes_scope_and_sector_only_where_its_siblings_agree(data) -> None:
    args = ["add", "target", "--metric", "Example factories", "--description-en", "Build example factories.",
            "--comparator", "at-least", "--target-value", "10", "--unit", "factories", "--deadline", "2025",
            "--source-id", SOURCE]
    agreed = run(data.dir, *args, "--policy-id", FACTORY_POLICY)
    assert agreed.returncode == 0, agreed.stderr
    row = row_of(data, "targets", f"{FACTORY_POLICY}-example-factories")
    assert (row["scope"], row["sector"]) == ("national", "manufacturing, mining, ports and power")
    # ii-plan-2021-2023's targets have three different scopes: none is assumed
    before = data.path("targets").read_bytes()
    split = run(data.dir, *args, "--policy-id", "ii-plan-2021-2023")
    assert split.returncode == 1
    assert "missing required value(s): --scope;" in split.stderr and "nothing was written" in split.stderr
    assert data.path("targets").read_bytes() == before


def test_a_suggested_id_never_repeats_one_in_the_file() -> None:
    taken = {APPS, f"{APPS}-2020"}
    values = {"policy_id": "ii-plan-2018-2020", "metric": "Industrial apps", "deadline": "2020"}
    assert suggest_id("target", values, set()) == APPS
    assert suggest_id("target", values, {APPS}) == f"{APPS}-2020"
    assert suggest_id("target", values, taken) == f"{APPS}-2"
    assert suggest_id("outcome", {"metric": "5G base stations (total)", "reported": "2023-07-19"}, set()) == \
        "5g-base-stations-total-2023-07"
    assert suggest_id("outcome", {"metric": "工业互联网", "reported": "2023"}, set()) is None


def test_an_id_given_twice_is_refused(data) -> None:
    before = data.path("targets").read_bytes()
    result = run(data.dir, "add", "target", "--id", APPS, "--policy-id", "ii-plan-2018-2020", "--metric", "x")
    assert result.returncode == 1
    assert f"--id: '{APPS}' is already used in targets.csv (line {data.line_of('targets', APPS)})" in result.stderr
    assert data.path("targets").read_bytes() == before


# -- refusals: nothing written ------------------------------------------------------------------------


@pytest.mark.parametrize(("table", "args", "message"), [
    ("outcomes", ["add", "outcome", "--target-id", "ii-plan-2018-202-apps"],
     f"--target-id: unknown target 'ii-plan-2018-202-apps'; did you mean '{APPS}'?"),
    ("targets", ["add", "target", "--policy-id", "ii-plan-2021-2024", "--metric", "x"],
     "--policy-id: unknown policy 'ii-plan-2021-2024'; did you mean 'ii-plan-2021-2023'?"),
    ("policies", ["add", "policy", "--id", "p", "--source-id", "xinhua-2017-11-28-industrial-internet-guidline"],
     f"--source-id: unknown source 'xinhua-2017-11-28-industrial-internet-guidline'; did you mean '{SOURCE}'?"),
    ("targets", ["add", "target", "--policy-id", "ii-plan-2018-2020", "--follows", "ii-plan-2018-2020-industrial-aps"],
     f"--follows: unknown target 'ii-plan-2018-2020-industrial-aps'; did you mean '{APPS}'?"),
])
def test_a_mistyped_id_gets_did_you_mean_and_nothing_is_written(data, table, args, message) -> None:
    before = data.path(table).read_bytes()
    result = run(data.dir, *args)
    assert result.returncode == 1
    assert message in result.stderr and "nothing was written" in result.stderr, result.stderr
    assert data.path(table).read_bytes() == before


def test_did_you_mean_prefers_the_id_sharing_most_words() -> None:
    ids = ["ii-plan-2018-2020-ipv6", "ii-plan-2018-2020-top-nodes", APPS]
    assert did_you_mean("ii-plan-2018-202-apps", ids) == f"; did you mean '{APPS}'?"
    assert did_you_mean("something-else-entirely", ids) == ""


@pytest.mark.parametrize(("extra", "column", "expected"), [
    (("--value", "-5"), "value", "out of range: expected 0 or more"),
    (("--reported", "2021-02-30"), "reported", "2021-02-30"),
    (("--unit", "app"), "unit", "did you mean 'apps'?"),
])
def test_an_invalid_value_is_refused_with_its_column(data, extra, column, expected) -> None:
    before = data.path("outcomes").read_bytes()
    new_line = len(data.lines("outcomes"))  # the line the row would take (the file ends in a newline)
    result = run(data.dir, *outcome_args("--target-id", APPS, *extra))
    assert result.returncode == 1
    problem = next((ln for ln in result.stderr.splitlines() if f"outcomes.csv:{new_line}:{column}:" in ln), "")
    assert expected in problem, result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert data.path("outcomes").read_bytes() == before


# -- line endings and byte-order marks ----------------------------------------------------------------


def _crlf_with_bom(path: Path) -> bytes:
    data = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(data)
    return data


def _assert_crlf_with_one_bom(path: Path, before: bytes) -> None:
    after = path.read_bytes()
    assert after.startswith(before) and after.endswith(b"\r\n")
    assert after.count(b"\xef\xbb\xbf") == 1
    assert after.count(b"\n") == after.count(b"\r\n") == before.count(b"\r\n") + 1  # no bare LF: one new line


def test_a_crlf_file_with_a_bom_stays_so(data) -> None:
    before = _crlf_with_bom(data.path("outcomes"))
    result = run(data.dir, *outcome_args("--target-id", APPS))
    assert result.returncode == 0, result.stderr
    _assert_crlf_with_one_bom(data.path("outcomes"), before)
    lines = before.count(b"\r\n")
    assert f"(line {lines + 1})" in result.stdout
    assert row_of(data, "outcomes", "industrial-apps-2026-10")["unit"] == "apps"


def test_add_source_keeps_crlf_and_the_bom_too(data) -> None:
    before = _crlf_with_bom(data.path("sources"))
    result = subprocess.run([sys.executable, "-m", "analysis", "add-source", "--data-dir", str(data.dir), "--id",
                             "example-2026-11-20-crlf", "--title", "[Example]", "--publisher", "Example",
                             "--grade", "weak", "--accessed", "2026-11-21"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    _assert_crlf_with_one_bom(data.path("sources"), before)
    assert data.path("sources").read_bytes().endswith(b"\r\nexample-2026-11-20-crlf,[Example],Example,,2026-11-21,"
                                                      b",en,weak,\r\n")


def test_a_file_without_a_final_newline_gets_the_row_on_its_own_line_and_still_none() -> None:
    header = ["id", "note"]
    assert layout(b"id,note\r\na,x") == Layout("\r\n", bom=False, final_newline=False)
    assert layout(b"\xef\xbb\xbfid,note\n") == Layout("\n", bom=True, final_newline=True)
    assert appended(b"id,note\r\na,x", header, {"id": "b", "note": "y, z"}) == (b'id,note\r\na,x\r\nb,"y, z"', 3)
    assert appended(b"id,note\na,x\n", header, {"id": "b"}) == (b"id,note\na,x\nb,\n", 3)
    assert appended(b"\xef\xbb\xbfid,note\n", header, {"id": "b"}) == (b"\xef\xbb\xbfid,note\nb,\n", 2)


# -- prompts ------------------------------------------------------------------------------------------


class Answers:
    """An ``ask`` that answers from a script and records the prompts; EOFError when the script runs out."""

    def __init__(self, *answers: str) -> None:
        self.answers, self.prompts = list(answers), []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)


def test_missing_required_values_are_asked_for_and_checked_one_by_one(data) -> None:
    ask = Answers("", "Build example factories.", "equal-ish", "at-least",
                  "xinhua-2017-11-28-industrial-internet-guidline", SOURCE)
    added = add_row(data.dir, "target", {"policy_id": FACTORY_POLICY, "metric": "Example factories",
                                         "target_value": "10", "unit": "factories"}, ask=ask)
    asked = [p.rsplit("\n", 1)[-1].split(" ", 1)[0] for p in ask.prompts]
    # scope came from the siblings, so it is not asked; a wrong answer is asked again with the reason
    assert asked == ["description_en", "description_en", "comparator", "comparator", "source_id", "source_id"]
    assert "a value is required" in ask.prompts[1]
    assert "'equal-ish' is not allowed" in ask.prompts[3]
    assert f"did you mean '{SOURCE}'?" in ask.prompts[5]
    assert ask.answers == []
    assert added.line == data.line_of("targets", f"{FACTORY_POLICY}-example-factories")
    row = row_of(data, "targets", f"{FACTORY_POLICY}-example-factories")
    assert (row["comparator"], row["source_id"], row["scope"]) == ("at-least", SOURCE, "national")


def test_a_prompt_offers_the_targets_scope_and_enter_takes_it(data) -> None:
    ask = Answers("2026-11-20", "", SOURCE, "same")
    add_row(data.dir, "outcome", {"target_id": APPS, "qualifier": "exact", "value": "5"}, ask=ask)
    assert "scope (Geographic scope) [national]: " in ask.prompts[1]
    assert row_of(data, "outcomes", "industrial-apps-2026-11")["scope"] == "national"


def test_end_of_input_while_asked_writes_nothing(data) -> None:
    before = data.path("targets").read_bytes()
    with pytest.raises(AddError, match="input ended before description_en was given"):
        add_row(data.dir, "target", {"policy_id": FACTORY_POLICY, "metric": "Example factories"}, ask=Answers())
    assert data.path("targets").read_bytes() == before


def test_the_command_asks_on_a_terminal(data) -> None:
    leader, follower = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "analysis", "add", "outcome", "--data-dir", str(data.dir), "--target-id", APPS,
             "--qualifier", "exact", "--value", "7"],
            stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        os.write(leader, f"2026-11-20\n\n{SOURCE}\nsame\n".encode())
        out, err = process.communicate(timeout=60)
    finally:
        os.close(follower)
        os.close(leader)
    assert process.returncode == 0, err
    assert "reported (When it was reported" in out and "[national]" in out and "match (How the figure" in out
    assert "added outcome 'industrial-apps-2026-11'" in out
    assert row_of(data, "outcomes", "industrial-apps-2026-11")["value"] == 7.0


def test_piped_input_is_never_waited_on(data) -> None:
    """A pipe held open and never written: the command must not read it, but list what is missing."""
    before = data.path("outcomes").read_bytes()
    read_end, write_end = os.pipe()
    try:
        result = run(data.dir, "add", "outcome", "--target-id", APPS, stdin=read_end)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert result.returncode == 1
    assert "missing required value(s): --id (or --metric and a date" in result.stderr
    assert "--reported, --scope, --source-id;" in result.stderr
    assert data.path("outcomes").read_bytes() == before
