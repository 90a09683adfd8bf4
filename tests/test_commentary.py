"""The analyst's voice in one briefing: commentary blocks with live placeholders and citations, extra cells
spliced into the generic notebook, errors before the build, and prose that knows when it is out of date
(the build says so, the page says so, publish refuses until the analyst confirms).

The first tests read the file formats alone; the rest are real builds of one briefing, run in order as an
analyst would work: write, build, try to publish, confirm, publish, change a figure, build, confirm.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.pipeline.splice import CommentaryError, read_extra, sections, splice
from analysis.report.commentary import differences, read_commentary

from .conftest import FIRST_ID, copy_project, project_args

ID = FIRST_ID
CLOUD = "ii-plan-2018-2020-cloud-enterprises"
KNOWN = ["key-figures", "timeline", "policies", "targets", "lineage", "money", "sources"]

COMMENTARY = f"""\
<!-- a note to myself,
     over two lines -->
::: findings
- Cloud: {{{{ status {CLOUD} }}}}; deciding figure: {{{{ evidence {CLOUD} }}}}; {{{{ count met }}}} of {{{{ count past-deadline }}}} met.
- Raw <b>markup</b> stays text.
:::

::: after targets
The plan's own text [@ytt-2018-2020-plan-notice-en] sets the goal {{{{ goal {CLOUD} }}}}.
:::

::: after money
The money: {{{{ amount ii-plan-2018-2020-driven-investment }}}}.
:::
"""

EXTRA = """\
# The briefing's extra cells.

# %% [markdown] after="targets"
# ### An extra heading

# %%
from IPython.display import Markdown, display
print("printed by an extra cell")
display(Markdown("*Markdown* from an extra cell"))

# %% after="money"
import pandas as pd
pd.DataFrame({"measure": ["a", "b"], "value": [1.5, 2]})

# %%
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(3, 2))
ax.plot([1, 2, 3])
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- the file formats -----------------------------------------------------------------------------


def test_commentary_is_read_into_blocks_with_their_references(tmp_path: Path) -> None:
    c = read_commentary(write(tmp_path / "x.md", COMMENTARY), KNOWN)
    assert [b.section for b in c.blocks] == ["findings", "targets", "money"]
    assert c.cited_targets == [CLOUD]
    assert [(r.kind, r.line) for r in c.blocks[0].refs] == [("status", 4), ("evidence", 4), ("count", 4), ("count", 4)]
    assert c.blocks[1].sources == (("ytt-2018-2020-plan-notice-en", 9),)
    assert "a note to myself" not in c.blocks[0].text


@pytest.mark.parametrize(("text", "expected"), [
    ("Hello\n", "x.md:1: text outside a block"),
    ("::: after target\nx\n:::\n", "x.md:1: unknown section 'target'; did you mean 'targets'?"),
    ("::: after sources\nx\n:::\n", "x.md:1: nothing can be placed after 'sources'"),
    ("::: findings\nx\n", "x.md:1: the block opened here is never closed"),
    ("::: findings\n{{ staus a-b }}\n:::\n", "x.md:2: placeholder '{{ staus a-b }}'"),
    ("::: findings\n{{ count winners }}\n:::\n", "x.md:2: '{{ count winners }}': unknown count"),
    ("::: findings\n[@a; b]\n:::\n", "x.md:2: citation '[@a; b]'"),
    ("::: findings\nx\n:::\n::: findings\ny\n:::\n", "x.md:4: a second block for 'findings' in 'en' (the first is on line 1)"),
    ("::: findings\n::: after money\n:::\n", "x.md:2: a block opens inside the block of line 1"),
    ("::: later\n:::\n", "x.md:1: expected '::: findings' or '::: after SECTION'"),
])
def test_a_wrong_commentary_is_named_by_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(CommentaryError) as err:
        read_commentary(write(tmp_path / "x.md", text), KNOWN)
    assert any(expected in p for p in err.value.problems), err.value.problems


@pytest.mark.parametrize(("text", "expected"), [
    ("# %%\nx = 1\n", "x.py:1: the first cell must say where it goes"),
    ("# %% after=targets\nx = 1\n", "x.py:1: write the section in quotes"),
    ('# %% after="sources"\nx = 1\n', "x.py:1: nothing can be placed after 'sources'"),
    ('x = 1\n# %% after="money"\ny = 2\n', "x.py:1: code before the first cell"),
    ('# %% after="mony"\nx = 1\n', "x.py:1: unknown section 'mony'; did you mean 'money'?"),
    ("x = 1\n", "x.py:1: no cells"),
])
def test_wrong_extra_cells_are_named_by_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(CommentaryError) as err:
        read_extra(write(tmp_path / "x.py", text), KNOWN)
    assert any(expected in p for p in err.value.problems), err.value.problems


def test_extra_cells_land_at_the_end_of_their_section_before_the_next_heading(tmp_path: Path) -> None:
    import nbformat

    from analysis.pipeline.splice import Additions

    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [code("params"), md("## Targets\ntext"), code("b.targets_table()"), md("## Money"), code("b.money()"),
             md("## Sources"), code("b.sources()")]
    assert sections(cells) == {"targets": 3, "money": 5, "sources": 7}
    extra = read_extra(write(tmp_path / "x.py", EXTRA), ["targets", "money", "sources"])
    commentary = read_commentary(write(tmp_path / "x.md", "::: after targets\nhi\n:::\n"), ["targets", "money"])
    out = [c.source.splitlines()[0] if c.source else "" for c in splice(cells, Additions(commentary, extra), "x")]
    assert out == ["params", "## Targets", "b.targets_table()",
                   "# Added by the build before the extra cells: a matplotlib figure they draw shows in the page.",
                   "### An extra heading",
                   "from IPython.display import Markdown, display",
                   "# Added by the build: the analyst's comment on the section above (notebooks/commentary/x.md).",
                   "## Money", "b.money()", "import pandas as pd", "import matplotlib.pyplot as plt", "## Sources",
                   "b.sources()"]


def test_differences_say_what_changed_in_words() -> None:
    old = {"counts": {"met": 2, "missed": 0}, "targets": {
        "a": {"status": "met", "strength": "strong", "evidence": "5 (2020)", "latest": "5 (2020)"},
        "b": {"status": "met", "strength": "fair", "evidence": "3 (2020)", "latest": "3 (2020)"}}}
    new = {"counts": {"met": 1, "missed": 1}, "targets": {
        "a": {"status": "missed", "strength": "strong", "evidence": "4 (2021)", "latest": "4 (2021)"},
        "b": {"status": "met", "strength": "fair", "evidence": "3 (2020)", "latest": "6 (2022)"}}}
    assert differences(old, new, {"a": "Alpha"}) == [
        "1 target it discusses changed status: Alpha (met → missed)",
        "1 target has a new or changed figure: b",
        "the counts changed (met 2 → 1, missed 0 → 1)"]
    assert differences(old, old, {}) == []
    many = {"counts": {}, "targets": {t: {"status": "met"} for t in "abcde"}}
    moved = {"counts": {}, "targets": {t: {"status": "missed"} for t in "abcde"}}
    assert differences(many, moved, {}) == ["5 targets it discusses changed status: a (met → missed), "
                                            "b (met → missed), c (met → missed) and 2 more"]


def test_a_briefings_own_files_are_inputs_of_that_briefing_only(tmp_path: Path) -> None:
    from analysis.pipeline.inputs import input_hashes
    from analysis.pipeline.spec import read_briefings

    from .conftest import FIXTURE_DATA, copy_notebooks

    notebooks = copy_notebooks(tmp_path / "notebooks")
    listed = write(tmp_path / "b.yml", "briefings:\n" + "".join(
        f"  - id: {i}\n    notebook: briefing.ipynb\n    parameters:\n      policies: [{i}]\n"
        for i in (ID, "sc-ii-guideline-2017")))
    write(notebooks / "commentary" / f"{ID}.md", "::: findings\nx\n:::\n")
    write(notebooks / "extra" / f"{ID}.py", '# %% after="targets"\nx = 1\n')
    mine, other = read_briefings(listed, FIXTURE_DATA, notebooks)
    keys = set(input_hashes(mine, FIXTURE_DATA, {}))
    assert {f"commentary {ID}.md", f"extra {ID}.py"} <= keys
    assert not any(k.startswith(("commentary", "extra")) for k in input_hashes(other, FIXTURE_DATA, {}))
    before = input_hashes(mine, FIXTURE_DATA, {})
    write(notebooks / "commentary" / f"{ID}.md", "::: findings\ny\n:::\n")
    after = input_hashes(mine, FIXTURE_DATA, {})
    assert [k for k in after if after[k] != before[k]] == [f"commentary {ID}.md"]


# -- real builds ----------------------------------------------------------------------------------


def run(command: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analysis", command, *args], capture_output=True, text=True,
                          timeout=600)


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.args = project_args(root)
        self.commentary = root / "notebooks" / "commentary" / f"{ID}.md"
        self.extra = root / "notebooks" / "extra" / f"{ID}.py"
        self.html_path = root / "reports" / ID / f"{ID}.html"

    def build(self, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = run("build", *self.args)
        assert (result.returncode == 0) == ok, result.stdout + result.stderr
        return result

    def confirm(self) -> subprocess.CompletedProcess[str]:
        args = [a for a in self.args if a not in ("--jobs", "1")]
        result = run("commentary", "confirm", ID, *args)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def publish(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return run("publish", *self.args, *extra)

    def html(self) -> str:
        return self.html_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def project(first_build, tmp_path_factory) -> Project:
    p = Project(copy_project(first_build, tmp_path_factory.mktemp("commentary")))
    write(p.commentary, COMMENTARY)
    write(p.extra, EXTRA)
    return p


def _between(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


@pytest.mark.slow
def test_commentary_and_extra_cells_render_where_they_were_placed(project: Project) -> None:
    result = project.build()
    assert f"commentary {ID}.md" in result.stdout and f"extra {ID}.py" in result.stdout  # why it was rebuilt
    assert f"note: the commentary of {ID} was never confirmed against the data" in result.stdout
    html = project.html()
    page_one = _between(html, 'id="Key-figures"', "<h2")
    # Key findings on page 1, under the computed headline, with live facts and a draft note.
    assert "Key findings" in page_one and "Draft: the analyst's text below has not yet been confirmed" in page_one
    assert "Cloud: met, on strong evidence; deciding figure: more than 350,000 enterprises (2020-09)" in page_one
    assert re.search(r"5 of 5 met", page_one)
    assert "Raw &lt;b&gt;markup&lt;/b&gt; stays text." in page_one
    # The comment after the targets: its citation is numbered and listed under Sources.
    targets = _between(html, 'id="Targets"', 'id="Lineage"')
    aside = targets[targets.index('class="commentary"'):]
    number = re.search(r'The plan\'s own text <a class="cite" href="#source-(\d+)">\[\d+\]</a> sets the goal at least 300,000 '
                       r"enterprises", aside)
    assert number, aside[:600]
    sources = html[html.index('id="Sources"'):]
    assert f'id="source-{number.group(1)}"' in sources and "Action Plan for Industri" in sources
    # The extra cells: a heading and Markdown and printed text after the targets, a DataFrame after the money.
    assert "<h3" in targets and "An extra heading" in targets
    assert '<pre class="output-text">printed by an extra cell' in targets
    assert "<em>Markdown</em> from an extra cell" in targets
    money = _between(html, 'id="Money"', 'id="Progress"')
    assert 'class="dataframe"' in money and "about CNY 70 billion" in money
    assert 'src="data:image/png;base64,' in money  # a matplotlib figure
    assert money.index('class="dataframe"') < money.index('class="commentary"')  # extras, then the comment
    # The PDF carries the same: findings, the comment with its citation, every kind of extra output.
    text = " ".join(subprocess.run(["pdftotext", str(project.html_path.with_suffix(".pdf")), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    for shown in ("Key findings", "Cloud: met, on strong evidence", "The plan's own text [", "An extra heading",
                  "printed by an extra cell", "Markdown from an extra cell", "measure value", "The money: about CNY 70"):
        assert shown in text, shown


@pytest.mark.slow
def test_publish_refuses_prose_never_confirmed(project: Project) -> None:
    result = project.publish("--date", "2026-11-24")
    assert result.returncode == 1
    assert f"cannot publish {ID}: the commentary of {ID} was never confirmed against the data" in result.stdout
    assert f"make confirm ID={ID}" in result.stdout and "nothing was published" in result.stdout


@pytest.mark.slow
def test_confirmed_commentary_shows_as_current_and_publishes(project: Project) -> None:
    said = project.confirm()
    assert f"confirmed the commentary of {ID} against the data as of 2026-11-23 (its first confirmation)" in said.stdout
    record = json.loads((project.commentary.parent / f"{ID}.confirmed.json").read_text(encoding="utf-8"))
    assert record["facts"]["targets"][CLOUD]["status"] == "met" and "amounts" in record["facts"]
    result = project.build()
    assert f"commentary {ID}.confirmed.json" in result.stdout and "note:" not in result.stdout
    html = project.html()
    assert "commentary-note" not in html.split("</style>")[1] and "confirmed against the data on" in html
    status = run("commentary", "status", *[a for a in project.args if a not in ("--jobs", "1")])
    assert status.returncode == 0 and f"{ID}: was confirmed against the data on" in status.stdout
    published = project.publish("--date", "2026-11-24")
    assert published.returncode == 0, published.stdout
    assert f"published {ID} edition 1" in published.stdout


@pytest.mark.slow
def test_a_changed_figure_marks_the_prose_out_of_date_until_confirmed(project: Project) -> None:
    outcomes = project.root / "data" / "outcomes.csv"
    text = outcomes.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("cloud-enterprises-2020-09,"))
    outcomes.write_text(text.replace(row, row.replace(",more-than,350000,", ",more-than,250000,")), encoding="utf-8")
    result = project.build()
    expected = (f"note: the commentary of {ID} may be out of date: 1 target it discusses changed status: "
                "Industrial enterprises moving onto cloud platforms (met → claimed, no figure); the counts changed "
                "(claimed 1 → 2, met 5 → 4, strong 2 → 1) since it was confirmed on ")
    assert expected in result.stdout, result.stdout
    html = project.html()
    assert "The analyst's text in this briefing may be out of date" in html
    assert "Cloud: claimed, no figure; deciding figure: no deciding figure" in html  # the live text is current
    assert "may be out of date (see the note under Key figures)" in html  # on each comment too
    refused = project.publish("--date", "2026-11-25")
    assert refused.returncode == 1 and f"the commentary of {ID} may be out of date" in refused.stdout
    said = project.confirm()
    assert "acknowledged: 1 target it discusses changed status" in said.stdout
    assert "note:" not in project.build().stdout
    assert project.publish("--date", "2026-11-25").returncode == 0


@pytest.mark.slow
def test_wrong_ids_stop_the_build_before_anything_runs(project: Project) -> None:
    before = project.html_path.stat().st_mtime_ns
    good = project.commentary.read_text(encoding="utf-8")
    try:
        write(project.commentary, good.replace(f"{{{{ goal {CLOUD} }}}}", "{{ goal ii-plan-2018-2020-cloud }}")
              .replace("[@ytt-2018-2020-plan-notice-en]", "[@no-such-source]")
              .replace("{{ amount ii-plan-2018-2020-driven-investment }}", "{{ status sc-ii-guideline-2017-infrastructure }}"))
        result = project.build(ok=False)
    finally:
        write(project.commentary, good)
    out = result.stdout
    assert f"{project.commentary}:9: '{{{{ goal ii-plan-2018-2020-cloud }}}}': no target 'ii-plan-2018-2020-cloud' in targets.csv" in out
    assert f"{project.commentary}:9: citation '[@no-such-source]': no source 'no-such-source' in sources.csv" in out
    assert ("'sc-ii-guideline-2017-infrastructure' belongs to policy 'sc-ii-guideline-2017', which this briefing "
            "does not show") in out
    assert "nothing was built" in out and project.html_path.stat().st_mtime_ns == before


@pytest.mark.slow
def test_a_file_named_after_no_briefing_is_named(project: Project) -> None:
    orphan = write(project.commentary.with_name("ii-plan-2018-202.md"), "::: findings\nx\n:::\n")
    try:
        result = project.build()
    finally:
        orphan.unlink()
    assert "warning: " in result.stdout and "no briefing 'ii-plan-2018-202'" in result.stdout
    assert "did you mean 'ii-plan-2018-2020'?" in result.stdout and f"skipped  {ID} (unchanged)" in result.stdout
