"""Choosing briefings: topics on policies (checked with file, line and column), ``policies: {topic: ...}`` in
the list of briefings, and ``make reports ONLY=...``."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from analysis import paths
from analysis.data import topics
from analysis.data.topics import PolicyRow, policies_with_topic
from analysis.data.validate import check
from analysis.paths import NOTEBOOKS_DIR, PROJ_ROOT
from analysis.pipeline import ConfigError, read_briefings

from .conftest import FIXTURE_DATA

# -- the column, checked by the validator ----------------------------------------------------------------


@pytest.mark.parametrize(("new", "message"), [
    ("5G identifiers platforms cloud", "unknown topic '5G'; did you mean '5g'?"),
    ("5g identifers platforms cloud", "unknown topic 'identifers'; did you mean 'identifiers'?"),
    ("5g identifiers platforms cloud blockchain", "unknown topic 'blockchain' (known topics: 5g, networks,"),
    ("5g identifiers;platforms cloud", "unknown topic 'identifiers;platforms'"),
    ("5g identifiers  platforms cloud", "separate topics with single spaces"),
    ("5g identifiers platforms 5g", "topic '5g' is listed twice"),
])
def test_a_bad_topic_is_named_at_its_file_line_and_column(data, new: str, message: str) -> None:
    line = data.replace("policies", "liaoning-ii-plan", ",5g identifiers platforms cloud,", f",{new},")
    report = check(data.dir)
    hits = [p for p in report.errors if message in p.message]
    assert hits, "\n".join(map(str, report.problems))
    assert (hits[0].file, hits[0].line, hits[0].column) == (str(data.path("policies")), line, "topics")
    assert str(hits[0]).startswith(f"{data.path('policies')}:{line}:topics: ")


def test_no_topic_is_allowed(data) -> None:
    data.replace("policies", "liaoning-ii-plan", ",5g identifiers platforms cloud,", ",,")
    assert check(data.dir).errors == []


def test_the_cli_rejects_an_unknown_topic(data) -> None:
    line = data.replace("policies", "liaoning-ii-plan", ",5g identifiers", ",5-g identifiers")
    result = subprocess.run([str(PROJ_ROOT / ".venv" / "bin" / "analysis"), "validate", "--data-dir", str(data.dir)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"policies.csv:{line}:topics: unknown topic '5-g'; did you mean '5g'?" in result.stdout + result.stderr


@pytest.mark.parametrize("descriptor", [paths.DATA_DIR / "datapackage.json", FIXTURE_DATA / "datapackage.json"])
def test_the_descriptor_declares_the_same_vocabulary(descriptor: Path) -> None:
    """Frictionless reads the pattern; this project reads ``topics.TOPICS``: they must agree."""
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    policies = next(r for r in package["resources"] if r["name"] == "policies")
    field = next(f for f in policies["schema"]["fields"] if f["name"] == "topics")
    assert field["constraints"]["pattern"] == topics.pattern()
    assert field["description"]
    accepts = re.compile(topics.pattern()).fullmatch
    assert accepts("5g") and accepts("5g platforms ai")
    assert not accepts("5G") and not accepts("5g  ai") and not accepts("5g,ai") and not accepts("5gg")


def test_problem_accepts_the_vocabulary_and_nothing_else() -> None:
    assert topics.problem("") is None
    assert topics.problem(" ".join(topics.TOPICS)) is None
    assert topics.problem("cloudy") is not None and "did you mean 'cloud'?" in topics.problem("cloudy")


# -- {topic: ...} in the list of briefings -------------------------------------------------------------


def write_list(path: Path, policies: str, extra: str = "") -> Path:
    path.write_text("defaults:\n  as_of: 2026-11-23\nbriefings:\n"
                    f"  - id: chosen\n    notebook: briefing.ipynb\n    parameters:\n      title: T\n"
                    f"      policies: {policies}\n{extra}", encoding="utf-8")
    return path


def fixture_policies() -> list[dict[str, str]]:
    import csv

    with open(FIXTURE_DATA / "policies.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_a_topic_resolves_to_the_ids_of_its_policies_in_issue_order(tmp_path: Path) -> None:
    [spec] = read_briefings(write_list(tmp_path / "b.yml", "{topic: 5g}"), FIXTURE_DATA, NOTEBOOKS_DIR)
    chosen = spec.parameters["policies"]
    rows = fixture_policies()
    expected = [r["id"] for r in rows if "5g" in r["topics"].split()]
    assert sorted(chosen) == sorted(expected) and len(chosen) >= 5
    issued = {r["id"]: r["issued"] for r in rows}
    dated = [issued[p] for p in chosen if issued[p]]
    assert [issued[p] for p in chosen] == sorted(dated) + [""] * (len(chosen) - len(dated))  # undated last
    assert chosen[0] == "5g-ii-512-2019" and "ii-plan-2021-2023" in chosen and chosen[-1] == "liaoning-ii-plan"


def test_a_topic_set_in_defaults_resolves_too(tmp_path: Path) -> None:
    path = tmp_path / "b.yml"
    path.write_text("defaults:\n  policies: {topic: security}\nbriefings:\n"
                    "  - id: a\n    notebook: briefing.ipynb\n", encoding="utf-8")
    [spec] = read_briefings(path, FIXTURE_DATA, NOTEBOOKS_DIR)
    assert spec.parameters["policies"] == ["swg-workplan-2019", "ii-security-2019", "iot-infra-plan-2021",
                                           "iot-security-std-2021"]


def test_issue_order_puts_undated_policies_last_and_keeps_ties_in_file_order() -> None:
    rows = [PolicyRow("late", "2024", ("ai",)), PolicyRow("undated", "", ("ai",)), PolicyRow("b", "2020-05", ("ai",)),
            PolicyRow("a", "2020-05", ("ai",)), PolicyRow("year-only", "2020", ("ai",)), PolicyRow("other", "2019", ("5g",))]
    assert policies_with_topic(rows, "ai") == ["year-only", "b", "a", "late", "undated"]


@pytest.mark.parametrize(("policies", "expected"), [
    ("{topic: 5G}", "briefing 'chosen': parameter 'policies': unknown topic '5G'; did you mean '5g'? "
                    "(known topics: 5g, networks, identifiers,"),
    ("{topic: platfroms}", "unknown topic 'platfroms'; did you mean 'platforms'?"),
    ("{topic: blockchain}", "unknown topic 'blockchain' (known topics: 5g,"),
    ("{topics: 5g}", "parameter 'policies' must be 'all', a list of policy ids or {topic: NAME} with one topic of: 5g,"),
    ("{topic: [5g, ai]}", "parameter 'policies' must be 'all', a list of policy ids or {topic: NAME}"),
])
def test_a_bad_topic_selection_is_a_config_error(tmp_path: Path, policies: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        read_briefings(write_list(tmp_path / "b.yml", policies), FIXTURE_DATA, NOTEBOOKS_DIR)
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_a_topic_no_policy_has_is_an_error(tmp_path: Path, data) -> None:
    """An empty selection would build an empty briefing: the list is refused instead."""
    data.replace("policies", "ii-ai-2026", ",networks ai,", ",networks,")
    with pytest.raises(ConfigError) as info:
        read_briefings(write_list(tmp_path / "b.yml", "{topic: ai}"), data.dir, NOTEBOOKS_DIR)
    assert [p for p in info.value.problems if "no policy in" in p and "has topic 'ai'" in p], info.value.problems


def test_the_build_stops_on_a_bad_topic_and_writes_nothing(tmp_path: Path) -> None:
    listing = write_list(tmp_path / "b.yml", "{topic: 5gg}")
    result = subprocess.run([str(PROJ_ROOT / ".venv" / "bin" / "analysis"), "build", "--briefings", str(listing),
                             "--data-dir", str(FIXTURE_DATA), "--reports-dir", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "unknown topic '5gg'; did you mean '5g'?" in result.stdout and "nothing was built" in result.stdout
    assert not (tmp_path / "out").exists()


def test_the_shipped_list_has_a_5g_briefing_of_every_5g_policy() -> None:
    briefings = {b.id: b for b in read_briefings(paths.REPORTS_DIR / "briefings.yml", paths.DATA_DIR, NOTEBOOKS_DIR)}
    chosen = briefings["5g"].parameters["policies"]
    assert "5g-yangfan-2021-2023" in chosen and "swg-workplan-2021" in chosen and "14fyp-ict-2021" in chosen
    assert "platform-hq-2026-2028" not in chosen


# -- make reports ONLY=... ---------------------------------------------------------------------------------


def test_make_reports_passes_only_through_and_fails_fast_on_an_unknown_id() -> None:
    if not (PROJ_ROOT / ".venv" / "bin" / "analysis").exists():
        pytest.skip("needs make setup (.venv)")
    result = subprocess.run(["make", "-s", "reports", "ONLY=bogus overveiw"], cwd=PROJ_ROOT, capture_output=True,
                            text=True, timeout=120)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "error: --only names unknown briefing(s): bogus, overveiw" in out
    assert "did you mean 'overview' for 'overveiw'?" in out
    assert re.search(r"\(known: .*\b5g\b.*\boverview\b", out), out
    assert "building" not in out and "nothing was built" in out


def test_make_help_and_docs_document_only_and_topics() -> None:
    help_text = subprocess.run(["make", "-s", "help"], cwd=PROJ_ROOT, capture_output=True, text=True, timeout=60).stdout
    assert re.search(r"make reports\s+.*ONLY=", help_text), help_text
    readme = (PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    briefings = (PROJ_ROOT / "docs" / "briefings.md").read_text(encoding="utf-8")
    assert 'make reports ONLY="' in readme + briefings and "policies: {topic: 5g}" in briefings
    model = (PROJ_ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    section = model.split("## Topics", 1)[1].split("\n## ", 1)[0]
    for topic, _ in topics.TOPICS.items():
        assert f"| `{topic}` |" in section, f"topic {topic!r} is not described in docs/data-model.md's table"
    assert "mentions 5G" in section
