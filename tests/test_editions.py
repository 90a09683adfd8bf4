"""Editions: ``analysis publish`` stamps a build as edition n, "Since" compares with the last edition, and the
PDF says which edition it is. Real builds of one briefing, run in order as an analyst would."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis.report import editions

from .conftest import FIRST_ID, FIRST_LIST, FIXTURE_DATA, copy_notebooks, copy_project, project_args

ID = FIRST_ID
TARGET = "ii-plan-2018-2020-cloud-enterprises"


def run(command: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analysis", command, *args], capture_output=True, text=True,
                          timeout=600)


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def set_goal(data: Path, old: str, new: str) -> None:
    path = data / "targets.csv"
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(f"{TARGET},"))
    assert f",at-least,{old}," in row
    path.write_text(text.replace(row, row.replace(f",at-least,{old},", f",at-least,{new},")), encoding="utf-8")


class Project:
    """A project folder as ``tests/conftest.py``'s ``make_first_build`` lays it out (``copy=True``: laid out
    afresh, not built)."""

    def __init__(self, root: Path, copy: bool = True) -> None:
        self.notebooks = root / "notebooks"
        self.data = root / "data"
        if copy:
            copy_notebooks(self.notebooks)
            shutil.copytree(FIXTURE_DATA, self.data)
            (root / "briefings.yml").write_text(FIRST_LIST, encoding="utf-8")
        self.reports = root / "reports"
        self.args = project_args(root)
        self.out = self.reports / ID
        self.editions = self.out / "editions"

    def build(self, *extra: str) -> subprocess.CompletedProcess[str]:
        result = run("build", *self.args, *extra)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def publish(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return run("publish", *self.args, *extra)

    def pdf(self) -> str:
        return pdf_text(self.out / f"{ID}.pdf")


@pytest.fixture(scope="module")
def project(first_build, tmp_path_factory) -> Project:
    """The tests' shared first build, copied; the tests below publish and edit it in turn."""
    p = Project(copy_project(first_build, tmp_path_factory.mktemp("editions")), copy=False)
    assert "skipped" in p.build().stdout  # the copy is as current as the build it copies
    return p


def test_publish_makes_edition_1_and_the_pdf_says_so(project: Project) -> None:
    facts_before = (project.out / "facts.json").read_bytes()
    result = project.publish("--date", "2026-11-24")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"published {ID} edition 1 of 2026-11-24" in result.stdout
    folder = project.editions / "1"
    assert sorted(p.name for p in folder.iterdir()) == ["edition.json", "facts.json", f"{ID}.pdf"]
    record = json.loads((folder / "edition.json").read_text(encoding="utf-8"))
    assert record["edition"] == 1 and record["published"] == "2026-11-24" and record["as_of"] == "2026-11-23"
    assert record["data_version"] == json.loads(facts_before)["data_version"]
    kept = json.loads((folder / "facts.json").read_text(encoding="utf-8"))
    assert kept["targets"][TARGET]["goal"] == "at least 300,000 enterprises"
    # The PDF kept is the one that says it is edition 1, and is the current build's PDF.
    sent = pdf_text(folder / f"{ID}.pdf")
    assert "Edition 1, published 2026-11-24" in sent and "Draft" not in sent
    assert (folder / f"{ID}.pdf").read_bytes() == (project.out / f"{ID}.pdf").read_bytes()
    html = (project.out / f"{ID}.html").read_text(encoding="utf-8")
    assert "<dt>Edition</dt><dd>1, published 2026-11-24</dd>" in html
    # Publishing the same facts again makes nothing, and builds nothing.
    again = project.publish()
    assert again.returncode == 0
    assert "nothing new since edition 1" in again.stdout and "building" not in again.stdout
    assert [p.name for p in project.editions.iterdir()] == ["1"]
    # The edition is an input: the state after publishing is up to date.
    assert "skipped" in project.build().stdout


def test_out_of_date_briefing_is_refused(project: Project) -> None:
    set_goal(project.data, "300000", "350000")
    result = project.publish()
    assert result.returncode == 1
    assert (f"cannot publish {ID}: it is out of date since it was built (target ii-plan-2018-2020-cloud-enterprises "
            "changed)") in result.stdout
    assert "nothing was published" in result.stdout
    assert [p.name for p in project.editions.iterdir()] == ["1"]


def test_a_change_is_shown_since_edition_1_and_survives_a_second_build(project: Project) -> None:
    project.build()
    for forced in (False, True):  # a second build (a code change, --force) still compares with the edition
        if forced:
            project.build("--force")
        text = project.pdf()
        assert "Draft after edition 1 (published 2026-11-24)" in text
        assert "Since edition 1 of 2026-11-24" in text
        assert "goal was at least 300,000 enterprises, now at least 350,000 enterprises" in text


def test_publish_again_gives_edition_2_and_since_moves_on(project: Project) -> None:
    result = project.publish("--date", "2026-12-01")
    assert result.returncode == 0, result.stdout + result.stderr
    sent = pdf_text(project.editions / "2" / f"{ID}.pdf")
    # Edition 2 tells its readers what changed since edition 1, the copy they had.
    assert "Edition 2, published 2026-12-01" in sent and "Since edition 1 of 2026-11-24" in sent
    assert "now at least 350,000 enterprises" in sent
    # The next draft compares with edition 2.
    set_goal(project.data, "350000", "400000")
    project.build()
    text = project.pdf()
    assert "Draft after edition 2 (published 2026-12-01)" in text and "Since edition 2 of 2026-12-01" in text
    assert "goal was at least 350,000 enterprises, now at least 400,000 enterprises" in text and "goal was at least 300,000" not in text
    # analysis diff reads editions as it reads builds.
    diff = run("diff", str(project.editions / "1"), str(project.editions / "2"))
    assert diff.returncode == 0 and "goal was at least 300,000 enterprises, now at least 350,000 enterprises" in diff.stdout


def test_failed_briefing_is_refused(project: Project) -> None:
    nb_path = project.notebooks / "briefing.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"].insert(3, {"cell_type": "code", "execution_count": None, "id": "boom", "metadata": {},
                           "outputs": [], "source": "raise RuntimeError('deliberate failure for the test')"})
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    assert run("build", *project.args).returncode == 1
    result = project.publish()
    assert result.returncode == 1
    assert f"cannot publish {ID}: its last build failed or did not finish" in result.stdout
    assert sorted(p.name for p in project.editions.iterdir()) == ["1", "2"]


# -- the rules, without a build ------------------------------------------------------------------------


def facts(goal: str) -> dict:
    return {"format": 1, "as_of": "2026-11-23", "title": "t", "data_version": "v", "policies": {},
            "targets": {"t1": {"goal": goal}}, "investments": {}}


def write_edition(folder: Path, number: int, published: str, shown: dict) -> None:
    (folder / str(number)).mkdir(parents=True)
    (folder / str(number) / "edition.json").write_bytes(editions.record(number, published, shown, "x"))
    (folder / str(number) / "facts.json").write_text(json.dumps(shown), encoding="utf-8")


def test_label_baseline_and_hash_follow_the_last_edition(tmp_path: Path) -> None:
    folder = tmp_path / "editions"
    assert editions.label(facts("a"), folder) == "" and editions.input_entries(folder) == {}
    assert editions.baseline(facts("a"), folder) == (False, None)
    write_edition(folder, 1, "2026-10-01", {**facts("a"), "baseline": None})
    first = editions.input_entries(folder)
    assert editions.label(facts("a"), folder) == "Edition 1, published 2026-10-01"
    assert editions.label(facts("b"), folder) == "Draft after edition 1 (published 2026-10-01)"
    assert editions.baseline(facts("a"), folder) == (True, None)  # edition 1 compared with nothing
    decided, base = editions.baseline(facts("b"), folder)
    assert decided and base["targets"]["t1"]["goal"] == "a" and base["edition"] == {"number": 1, "published": "2026-10-01"}
    (folder / ".new-2-1").mkdir()  # a half-made edition is not one
    assert editions.input_entries(folder) == first
    write_edition(folder, 2, "2026-11-01", {**facts("b"), "baseline": base})
    assert editions.input_entries(folder) != first
    assert editions.label(facts("b"), folder) == "Edition 2, published 2026-11-01"
    assert editions.baseline(facts("b"), folder)[1]["edition"]["number"] == 1
    assert editions.since_words({"number": 3, "published": "2026-10-01"}, "2026-09-30", "v")[0] == \
        "Since edition 3 of 2026-10-01"


def test_unreadable_record_is_named(tmp_path: Path) -> None:
    (tmp_path / "1").mkdir()
    (tmp_path / "1" / "edition.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(editions.EditionError, match=r"edition\.json: not a readable edition record"):
        editions.last(tmp_path)


def test_publish_before_any_build_is_refused(tmp_path: Path) -> None:
    p = Project(tmp_path)
    result = p.publish()
    assert result.returncode == 1 and "no reports folder; run 'analysis build' first" in result.stdout
    p.reports.mkdir()
    result = p.publish()
    assert result.returncode == 1
    assert f"cannot publish {ID}: it has never been built" in result.stdout and "nothing was published" in result.stdout
    result = p.publish("--only", "nope")
    assert result.returncode == 1 and "--only names unknown briefing(s): nope" in result.stdout
    assert [x.name for x in p.reports.iterdir() if x.name != ".build.lock"] == [] and result.stderr == ""
