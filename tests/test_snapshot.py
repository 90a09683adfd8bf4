"""Briefing snapshots (facts.json) and what changed between two of them."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.report import Briefing
from analysis.report.briefing import take
from analysis.report.snapshot import SnapshotError, as_text, baseline_for, compare, dumps, read

from .conftest import FIXTURE_DATA

PLAN = "ii-plan-2021-2023"


@pytest.fixture(scope="module")
def facts() -> dict:
    return take(Briefing(data_dir=FIXTURE_DATA, title="t", policies=[PLAN], as_of="2026-11-23"))


def test_snapshot_holds_what_the_reader_saw(facts: dict) -> None:
    target = facts["targets"]["ii-plan-2021-2023-productivity"]
    assert {k: target[k] for k in ("policy", "goal", "deadline", "evidence", "as_printed")} == {
        "policy": PLAN, "goal": "at least a 20% increase", "deadline": "2023", "evidence": None, "as_printed": "20%以上"}
    assert target["status"] in ("not-found", "overdue", "met", "missed", "claimed")
    met = next(t for t in facts["targets"].values() if t["status"] == "met")
    assert met["evidence"] and "(" in met["evidence"]  # the deciding figure with its unit and date
    assert set(target) >= {"latest", "claim", "checked", "trend", "binding", "follows"}
    assert facts["as_of"] == "2026-11-23" and set(facts["policies"]) == {PLAN}
    assert dumps(facts) == dumps(json.loads(dumps(facts)))  # stable: same facts, same bytes
    assert list(json.loads(dumps(facts))["targets"]) == sorted(facts["targets"])


def test_identical_snapshots_have_no_changes(facts: dict) -> None:
    result = compare(facts, copy.deepcopy(facts))
    assert result.changes == ()
    assert "no targets, statuses, figures or amounts changed" in as_text(result)


def test_added_removed_and_revised(facts: dict) -> None:
    new = copy.deepcopy(facts)
    new["targets"]["ii-plan-2021-2023-productivity"]["goal"] = "at least a 25% increase"
    removed = new["targets"].pop("ii-plan-2021-2023-5g-factories")
    new["targets"]["a-new-target"] = dict(removed, description="A target added since")
    new["investments"]["a-new-amount"] = {"description": "New money", "amount": "CNY 1 billion", "as_printed": None,
                                          "period": "2026", "kind": "fund", "policy": PLAN}
    result = compare(facts, new)
    assert [(c.kind, c.table, c.id) for c in result.changes] == [
        ("added", "targets", "a-new-target"),
        ("removed", "targets", "ii-plan-2021-2023-5g-factories"),
        ("revised", "targets", "ii-plan-2021-2023-productivity"),
        ("added", "investments", "a-new-amount"),
    ]
    revised = result.of("revised")[0]
    assert (revised.field, revised.old, revised.new) == ("goal", "at least a 20% increase", "at least a 25% increase")
    text = as_text(result)
    assert "goal was at least a 20% increase, now at least a 25% increase" in text
    assert "New targets (1):\n  a-new-target  A target added since" in text
    assert "No longer in the data (1):\n  ii-plan-2021-2023-5g-factories" in text


def test_status_changes_between_two_dates() -> None:
    before = take(Briefing(data_dir=FIXTURE_DATA, title="t", policies="all", as_of="2025-01-01"))
    after = take(Briefing(data_dir=FIXTURE_DATA, title="t", policies="all", as_of="2026-11-23"))
    result = compare(before, after)
    moves = {(c.old, c.new) for c in result.of("status")}
    assert ("due-soon", "overdue") in moves
    assert all(c.table == "targets" for c in result.of("status"))
    # As of means as of: what was issued between the two dates is new; nothing is removed.
    issued = {pid: p["issued"] for pid, p in after["policies"].items()}
    added = result.of("added", "policies")
    assert added and all(issued[c.id] > "2025-01-01" for c in added)
    assert not result.of("removed")
    assert (result.old_as_of, result.new_as_of) == ("2025-01-01", "2026-11-23")


def test_first_build_has_no_baseline_and_no_since_section() -> None:
    b = Briefing(data_dir=FIXTURE_DATA, title="t", policies=[PLAN], as_of="2026-11-23")
    assert b.baseline is None
    assert str(b.since()) == ""


def test_rebuild_with_the_same_facts_keeps_the_earlier_baseline(facts: dict) -> None:
    earlier = dict(copy.deepcopy(facts), as_of="2026-01-01")
    last_build = dict(copy.deepcopy(facts), baseline=earlier)
    assert baseline_for(facts, last_build) == earlier  # a forced rebuild still compares with 2026-01-01
    changed = dict(copy.deepcopy(facts), as_of="2027-01-01")
    assert baseline_for(changed, last_build) == facts  # new facts: the last build becomes the baseline
    assert baseline_for(facts, None) is None


def test_since_section_names_old_and_new_values(tmp_path: Path, facts: dict) -> None:
    old = copy.deepcopy(facts)
    old["as_of"] = "2026-06-30"
    old["targets"]["ii-plan-2021-2023-productivity"]["goal"] = "at least a 15% increase"
    old["targets"]["ii-plan-2021-2023-productivity"]["status"] = "upcoming"
    (tmp_path / "old.json").write_bytes(dumps(old))
    b = Briefing(data_dir=FIXTURE_DATA, title="t", policies=[PLAN], as_of="2026-11-23", compare_to=tmp_path / "old.json",
                 context={"out_dir": str(tmp_path / "new")})
    html = str(b.since())
    assert not (tmp_path / "new").exists()  # making a briefing writes nothing
    b.sources()
    b.save()
    assert '<h2 id="since">Since 2026-06-30</h2>' in html
    assert "goal was at least a 15% increase, now at least a 20% increase" in html
    assert "status-upcoming'>upcoming</span> → <span class='status status-overdue'>overdue" in html
    written = json.loads((tmp_path / "new" / "facts.json").read_text(encoding="utf-8"))
    assert written["baseline"]["as_of"] == "2026-06-30" and written["targets"] == facts["targets"]


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such snapshot"),
    ("{not json", "not a readable snapshot"),
    ('{"format": 1, "as_of": "2026-01-01"}', "not a briefing snapshot"),
])
def test_unreadable_snapshots_are_named(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "facts.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(SnapshotError, match=message):
        read(path)


def test_diff_command(tmp_path: Path, facts: dict) -> None:
    new = copy.deepcopy(facts)
    new["targets"]["ii-plan-2021-2023-productivity"]["status"] = "met"
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "facts.json").write_bytes(dumps(facts))
    (tmp_path / "new.json").write_bytes(dumps(new))
    result = subprocess.run([sys.executable, "-m", "analysis", "diff", str(tmp_path / "old"), str(tmp_path / "new.json")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Since 2026-11-23 (now as of 2026-11-23):\nStatus changes (1):\n")
    assert "ii-plan-2021-2023-productivity" in result.stdout and "overdue → met" in result.stdout
    missing = subprocess.run([sys.executable, "-m", "analysis", "diff", str(tmp_path / "nope.json"),
                              str(tmp_path / "new.json")], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "nope.json: no such snapshot" in missing.stderr
