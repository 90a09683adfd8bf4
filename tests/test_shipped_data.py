"""The data the project ships: valid by our validator, by Frictionless, and against the archive."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.data.validate import check
from analysis.paths import DATA_DIR

from .conftest import SHARED_SOURCES


def test_shipped_data_has_no_errors() -> None:
    report = check(DATA_DIR)
    assert report.errors == []
    assert report.row_counts["sources"] >= 100
    assert report.row_counts["policies"] >= 30
    assert report.row_counts["targets"] >= 50
    assert report.row_counts["investments"] >= 10
    assert report.row_counts["outcomes"] >= 40


def test_warnings_are_of_the_kinds_curators_act_on() -> None:
    """Warnings, never errors: figures not captured as printed, sources nothing cites, targets past their
    deadline that nobody has searched for yet (which grow as deadlines pass, so their number is not fixed), and
    restatements in another unit (a curator's judgement the note explains)."""
    kinds = ("no figure as printed", "is not cited by any row", "no record of a search", "in another unit")
    assert all(any(k in w.message for k in kinds) for w in check(DATA_DIR).warnings)


def test_frictionless_validates_the_shipped_package() -> None:
    exe = Path(sys.executable).with_name("frictionless")
    if not exe.exists():
        pytest.fail(f"frictionless is not installed beside {sys.executable}: run make setup")
    result = subprocess.run([str(exe), "validate", str(DATA_DIR / "datapackage.json")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_frictionless_also_catches_a_broken_foreign_key(data) -> None:
    """Guard against the independent check passing vacuously."""
    data.replace("targets", "ii-plan-2021-2023-productivity", ",ii-plan-2021-2023,", ",no-such-policy,")
    exe = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(exe), "validate", str(data.dir / "datapackage.json")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(),
                    reason=f"no archive of source snapshots at {SHARED_SOURCES}: printed figures not checked")
def test_printed_figures_are_found_in_the_archived_sources() -> None:
    report = check(DATA_DIR, archive=SHARED_SOURCES)
    assert report.errors == []
    assert report.archive_snapshots == len(list(SHARED_SOURCES.glob("*.txt")))
    assert report.archive_checked >= 10


def test_archive_check_fails_on_a_figure_not_in_the_snapshot(data, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "merics-2021-02-industrial-internet-action-plan.txt").write_text(
        "MERICS\n... led to Industrial Internet pilots and CNY 70\n   billion in investments ...\n", encoding="utf-8")
    report = check(data.dir, archive=archive)
    # "CNY 70 billion" matches across the line break (whitespace normalised) ...
    assert not any("CNY 70 billion" in p.message for p in report.problems)
    # ... but "at least 20 percent" is not in this snapshot.
    line = next(n for n, text in enumerate(data.lines("citations"), start=1)
                if text.startswith("targets,ii-plan-2021-2023-productivity,merics"))
    missing = [p for p in report.errors if "at least 20 percent" in p.message]
    assert [(p.file, p.line, p.column) for p in missing] == [(str(data.path("citations")), line, "as_printed")]


def test_archive_folder_missing_is_an_error(tmp_path: Path) -> None:
    report = check(DATA_DIR, archive=tmp_path / "nowhere")
    assert any("archive folder not found" in p.message for p in report.errors)


def test_seed_sources_are_in_the_data() -> None:
    """The two archived source texts are cited under the ids their files carry."""
    if not SHARED_SOURCES.is_dir():
        pytest.skip(f"no archive at {SHARED_SOURCES}")
    ids = {p.stem for p in SHARED_SOURCES.glob("*.txt")}
    sources = (DATA_DIR / "sources.csv").read_text(encoding="utf-8")
    for source_id in ids:
        assert f"\n{source_id}," in sources


def test_data_copy_fixture_is_independent(data) -> None:
    shutil.rmtree(data.dir)
    assert (DATA_DIR / "targets.csv").exists()


def _five_g_policies() -> tuple[dict[str, list[str]], dict[str, dict[str, str]], set[str]]:
    """Policies with a target or outcome whose metric or description mentions 5G (with those rows), every
    policy by id, and the policies with any target, outcome or investment at all."""
    import csv
    import re

    def rows(table: str) -> list[dict[str, str]]:
        with open(DATA_DIR / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    mentions = re.compile(r"5G", re.IGNORECASE).search
    targets = rows("targets")
    target_policy = {t["id"]: t["policy_id"] for t in targets}
    five_g: dict[str, list[str]] = {}
    for t in targets:
        if mentions(" ".join((t["metric"], t["description_en"], t["description_zh"]))):
            five_g.setdefault(t["policy_id"], []).append(f"targets.csv {t['id']}")
    outcomes = rows("outcomes")
    for o in outcomes:
        policy = o["policy_id"] or target_policy.get(o["target_id"], "")
        if policy and mentions(o["metric"]):
            five_g.setdefault(policy, []).append(f"outcomes.csv {o['id']}")
    with_rows = ({t["policy_id"] for t in targets} | {o["policy_id"] or target_policy.get(o["target_id"], "") for o in outcomes}
                 | {i["policy_id"] for i in rows("investments")})
    return five_g, {p["id"]: p for p in rows("policies")}, with_rows


def test_every_policy_with_a_5g_target_or_outcome_has_topic_5g() -> None:
    """The rule of README.md "Topics": a policy whose targets or outcomes measure 5G has topic 5g, whatever its
    title says (the 2021-2023 action plan and the working group's work plans have 5G targets under titles that
    do not say 5G)."""
    five_g, policies, _ = _five_g_policies()
    assert len(five_g) >= 8  # guard against the rule passing vacuously
    assert {"ii-plan-2021-2023", "swg-workplan-2021", "14fyp-ict-2021", "liaoning-ii-plan"} <= set(five_g)
    missing = {p: found[:2] for p, found in five_g.items() if "5g" not in policies[p]["topics"].split()}
    assert missing == {}, f"these policies have 5G targets or outcomes but not topic 5g: {missing}"


def test_topic_5g_rests_on_the_policys_own_rows() -> None:
    """The converse: 5g only where a target or outcome mentions 5G, or, for a policy with no targets, outcomes
    or investments in the data, where its own title does."""
    five_g, policies, with_rows = _five_g_policies()
    unfounded = [pid for pid, p in policies.items() if "5g" in p["topics"].split() and pid not in five_g
                 and (pid in with_rows or "5G" not in p["title_en"])]
    assert unfounded == []
