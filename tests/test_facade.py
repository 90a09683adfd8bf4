"""The Briefing as a notebook sees it: it reads the data once (skipping the checks the build already made),
writes nothing until it is saved, refuses a citation the Sources list does not show, takes what the list of
briefings takes (a topic), and a notebook run by hand with an entry's parameters works."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import DataError, load
from analysis.data import loading
from analysis.data.package_files import read_files
from analysis.paths import NOTEBOOKS_DIR, REPORTS_DIR
from analysis.report import Briefing
from analysis.status import as_date, target_status

from .conftest import FIXTURE_DATA

PLAN = "ii-plan-2018-2020"


def _briefing(tmp_path: Path, **extra: object) -> Briefing:
    return Briefing(title="t", policies=[PLAN], as_of="2026-11-23", data_dir=FIXTURE_DATA,
                    context={"out_dir": str(tmp_path / "out")}, **extra)


def test_a_checked_package_is_not_checked_again(monkeypatch) -> None:
    fingerprint = read_files(FIXTURE_DATA).fingerprint

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(loading, "check", refuse)
    assert len(load(FIXTURE_DATA, validated=fingerprint).targets) > 50
    with pytest.raises(AssertionError, match="validated again"):
        load(FIXTURE_DATA, validated="0" * 64)  # another fingerprint: the files changed since, so check them
    with pytest.raises(AssertionError, match="validated again"):
        load(FIXTURE_DATA)  # by hand: always checked


def test_an_edit_after_the_check_is_caught(data) -> None:
    fingerprint = read_files(data.dir).fingerprint
    data.replace("targets", "ii-plan-2021-2023-productivity", ",at-least,20,", ",at-least,twenty,")
    with pytest.raises(DataError, match="target_value"):
        load(data.dir, validated=fingerprint)


def test_making_a_briefing_writes_nothing_and_save_writes_what_it_showed(tmp_path: Path) -> None:
    b = _briefing(tmp_path)
    b.targets_table()
    b.sources()
    assert not (tmp_path / "out").exists()
    written = sorted(p.name for p in b.save())
    assert written == ["data.csv", "data.xlsx", "facts.json", "source-numbers.json"]
    facts = json.loads((tmp_path / "out" / "facts.json").read_text(encoding="utf-8"))
    assert set(facts["policies"]) == {PLAN} and facts["baseline"] is None


def test_a_citation_after_the_sources_list_is_refused(tmp_path: Path) -> None:
    b = _briefing(tmp_path)
    b.policies_table()
    b.sources()
    b.investments_table()  # cites a source the list above does not show
    with pytest.raises(RuntimeError, match=r"a cell after the Sources list cited \[\d+\] .*move that cell"):
        b.save()
    assert not (tmp_path / "out").exists()


def test_no_sources_list_is_refused_too(tmp_path: Path) -> None:
    b = _briefing(tmp_path)
    b.targets_table()
    with pytest.raises(RuntimeError, match="shows no Sources list"):
        b.save()


def test_a_topic_chooses_its_policies_in_issue_order() -> None:
    entries = yaml.safe_load((REPORTS_DIR / "briefings.yml").read_text(encoding="utf-8"))["briefings"]
    topic = next(e["parameters"]["policies"] for e in entries if isinstance(e["parameters"].get("policies"), dict))
    b = Briefing(title="t", policies=topic, as_of="2026-11-23", data_dir=FIXTURE_DATA)
    issued = b.ds.policies.set_index("id").loc[b.policy_ids, "issued"]
    assert len(b.policy_ids) > 3 and list(issued) == sorted(issued)
    with pytest.raises(ValueError, match=r"unknown topic '5G'; did you mean '5g'\?"):
        Briefing(title="t", policies={"topic": "5G"}, as_of="2026-11-23", data_dir=FIXTURE_DATA)
    with pytest.raises(ValueError, match=r"unknown policy id.*ii-plan-2018-2021; did you mean 'ii-plan-2018-2020'\?"):
        Briefing(title="t", policies=["ii-plan-2018-2021"], as_of="2026-11-23", data_dir=FIXTURE_DATA)


def test_a_status_date_may_be_a_timestamp_but_not_a_number() -> None:
    ds = load(FIXTURE_DATA)
    by_day = target_status(ds, date(2024, 1, 1))
    assert target_status(ds, pd.Timestamp("2024-01-01")).equals(by_day)
    assert target_status(ds, "2024-01-01").equals(by_day)
    with pytest.raises(TypeError, match=r"a status date must be a datetime\.date or 'YYYY-MM-DD', got int"):
        as_date(20240101)  # type: ignore[arg-type]


def test_a_notebook_run_by_hand_takes_an_entrys_parameters(tmp_path: Path) -> None:
    """papermill -f with an entry of reports/briefings.yml, a topic included, as an analyst would run it."""
    listing = yaml.safe_load((REPORTS_DIR / "briefings.yml").read_text(encoding="utf-8"))
    entry = next(e for e in listing["briefings"] if isinstance(e["parameters"].get("policies"), dict))
    params = {**listing.get("defaults", {}), **entry["parameters"], "context": {"data_dir": str(FIXTURE_DATA)}}
    params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    (tmp_path / "params.yml").write_text(yaml.safe_dump(params), encoding="utf-8")
    papermill = Path(sys.executable).with_name("papermill")
    result = subprocess.run([str(papermill), str(NOTEBOOKS_DIR / entry["notebook"]), str(tmp_path / "out.ipynb"),
                             "-f", str(tmp_path / "params.yml"), "-k", "industrial-internet", "--cwd",
                             str(NOTEBOOKS_DIR), "--no-progress-bar"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    executed = (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    assert "Sources" in executed and "source-1" in executed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ipynb", "params.yml"]  # saved nothing by hand
