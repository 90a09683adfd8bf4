"""The briefing build, end to end: real papermill runs, real HTML and PDF files, read back with pypdf."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis import paths
from analysis.paths import NOTEBOOKS_DIR
from analysis.pipeline import ConfigError, read_briefings

from .conftest import FIRST_ID, FIXTURE_DATA, copy_project, project_args

ID = FIRST_ID


def run_build(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analysis", "build", *args], capture_output=True, text=True,
                          timeout=timeout)


def write_list(path: Path, entries: str) -> Path:
    path.write_text("defaults:\n  as_of: 2026-11-23\n  language: both\nbriefings:\n" + entries, encoding="utf-8")
    return path


def entry(bid: str, notebook: str = "briefing.ipynb", extra: str = "") -> str:
    return (f"  - id: {bid}\n    notebook: {notebook}\n    parameters:\n"
            f"      title: \"Test briefing: {bid}\"\n      policies: [{ID}]\n{extra}")


# -- the list is checked before anything runs ----------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (entry("a") + "    colour: red\n", "briefing 'a': unknown key 'colour'"),
    (entry("a").replace(f"[{ID}]", "[ii-plan-2018-2021]"),
     "briefing 'a': unknown policy id 'ii-plan-2018-2021' in 'policies'; did you mean 'ii-plan-2018-2020'?"),
    (entry("a", extra="      colour: red\n"), "briefing 'a': parameter 'colour' is not declared in briefing.ipynb"),
    (entry("a", extra="      context: {}\n"), "briefing 'a': parameter 'context' is set by the build"),
    (entry("a", extra="      data_dir: /tmp\n"), "briefing 'a': parameter 'data_dir' is not declared in briefing.ipynb"),
    (entry("a", extra="      language: fr\n"), "briefing 'a': parameter 'language' must be en, zh or both"),
    (entry("a", extra="      as_of: 23.11.2026\n"), "briefing 'a': parameter 'as_of' must be a date"),
    (entry("a") + entry("a"), "briefing 'a': id used twice"),
    (entry("a", notebook="nope.ipynb"), "briefing 'a': notebook 'nope.ipynb' not found"),
])
def test_list_errors_name_the_entry_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write_list(tmp_path / "briefings.yml", text)
    with pytest.raises(ConfigError) as info:
        read_briefings(path, FIXTURE_DATA, NOTEBOOKS_DIR)
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "briefings.yml"
    path.write_text("briefings:\n  - id: a\n    notebook: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"briefings.yml:\d+: not valid YAML"):
        read_briefings(path, FIXTURE_DATA, NOTEBOOKS_DIR)


def test_shipped_list_is_valid_and_covers_every_policy() -> None:
    """The shipped list against the shipped data (not the fixture): every policy has its briefing."""
    briefings = read_briefings(paths.REPORTS_DIR / "briefings.yml", paths.DATA_DIR, NOTEBOOKS_DIR)
    ids = {b.id for b in briefings}
    policies = {line.split(",", 1)[0] for line in (paths.DATA_DIR / "policies.csv").read_text(encoding="utf-8").splitlines()[1:]}
    assert "overview" in ids and policies <= ids


def test_config_error_builds_nothing(tmp_path: Path) -> None:
    path = write_list(tmp_path / "briefings.yml", entry("a", extra="      colour: red\n"))
    result = run_build("--briefings", str(path), "--reports-dir", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "parameter 'colour' is not declared" in result.stdout and "nothing was built" in result.stdout
    assert not (tmp_path / "out").exists()


# -- a real build ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(first_build, tmp_path_factory):
    """The tests' shared first build of one briefing, copied: the tests below change their copy in turn."""
    root = copy_project(first_build, tmp_path_factory.mktemp("build"))
    return {"root": root, "args": project_args(root), "reports": root / "reports", "data": root / "data",
            "notebooks": root / "notebooks", "first": first_build["result"]}


def test_build_writes_notebook_html_pdf_and_index(built) -> None:
    first = built["first"]
    assert first.returncode == 0, first.stdout + first.stderr
    out = built["reports"] / ID
    assert sorted(p.name for p in out.iterdir()) == [  # language: both: an English and a Chinese edition
        "charts", "facts.json", f"{ID}.csv", f"{ID}.html", f"{ID}.ipynb", f"{ID}.pdf", f"{ID}.xlsx", f"{ID}.zh.html",
        f"{ID}.zh.ipynb", f"{ID}.zh.pdf", "source-numbers.json"]
    assert sorted(p.name for p in (out / "charts").iterdir()) == [  # this policy has money and outcomes
        ".investments.phone.json", ".made-from.json", ".progress.phone.json", ".timeline.phone.json",  # kept for reuse
        "investments.png", "investments.svg", "progress.png", "progress.svg", "timeline.png", "timeline.svg"]
    index = (built["reports"] / "index.html").read_text(encoding="utf-8")
    assert f'href="{ID}/{ID}.pdf"' in index and "2026-11-23" in index
    assert re.search(rf"built    {ID} in \d+\.\d s \(no earlier build\)", first.stdout)
    assert first.stderr == ""
    assert not list(built["reports"].glob(".build-*")), "temporary build folders left behind"


def test_pdf_is_a_briefing_for_a_reader(built) -> None:
    reader = PdfReader(built["reports"] / ID / f"{ID}.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert f"Test briefing: {ID}" in text
    assert "工业互联网发展行动计划" in text  # Chinese policy title, selectable
    assert "page 1 of" in text
    assert "Sources" in text and "zjgyzk.cn" in text  # the numbered list names each source's publisher
    for bad in ("Traceback", "Warning", "import ", "In [", "Briefing(", "DeprecationWarning"):
        assert bad not in text, bad
    assert reader.metadata.title == f"Test briefing: {ID}"
    assert [o.title for o in reader.outline][:3] == ["Key figures", "Timeline", "Policies"]  # bookmarks
    # typst: tagged (accessible), every font embedded and subset, Chinese in the Simplified face.
    info = subprocess.run(["pdfinfo", str(built["reports"] / ID / f"{ID}.pdf")], capture_output=True, text=True)
    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.M) and "Creator:         Typst" in info.stdout
    fonts = subprocess.run(["pdffonts", str(built["reports"] / ID / f"{ID}.pdf")], capture_output=True, text=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:] if line.strip()]
    assert rows and all(r[-5:-3] == ["yes", "yes"] for r in rows), fonts.stdout  # emb, sub
    assert any("NotoSansCJKsc" in r[0] for r in rows) and not any("CJKjp" in r[0] for r in rows), fonts.stdout


def test_a_briefing_can_be_cited_and_followed_up_on_paper(built) -> None:
    """A 'Cite this briefing' block with the content-hashed data version, and source addresses in the PDF."""
    from analysis.data.reads import read_text_rows, slice_version

    version = slice_version(read_text_rows(built["data"]), [ID])  # the version of the rows it reads
    page = (built["reports"] / ID / f"{ID}.html").read_text(encoding="utf-8")
    release, rows = version.split("+")  # the package's release, then the hash of this briefing's rows
    assert '<h2 id="cite">Cite this briefing</h2>' in page and f"data version {release}, rows {rows}" in page
    assert "Industrial Internet Policy Tracker. (2026, November 23)." in page  # APA: author, date, title
    assert "@misc{iipt-" in page and '"type": "report"' in page  # BibTeX and CSL-JSON beside it
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(built["reports"] / ID / f"{ID}.pdf").pages)
    text = pdf[pdf.rindex("Sources"):]
    assert "Cite this briefing" in pdf and rows in pdf
    assert "https://" in text or "http://" in text  # the source list prints addresses on paper


def test_html_has_no_code_and_is_self_contained(built) -> None:
    html = (built["reports"] / ID / f"{ID}.html").read_text(encoding="utf-8")
    for bad in ("b.targets_table()", "from analysis", "jp-InputArea", 'class="input', "<script", "Traceback",
                "stderr", "In&nbsp;["):
        assert bad not in html, bad
    assert 'lang="zh-Hans"' in html and "工业互联网发展行动计划" in html
    charts = re.sub(r'<link [^>]*rel="icon"[^>]*>', "", html)  # the page's own icon (a data: URI) aside
    assert 'src="http' not in charts and "<svg" in charts and "data:image/svg+xml" not in charts  # charts inline, as SVG
    assert re.search(r'<nav[^>]*class="toc"', html) and 'href="#Sources"' in html
    assert re.search(r'<li[^>]*id="source-1"', html)


def test_second_build_skips(built) -> None:
    second = run_build(*built["args"])
    assert second.returncode == 0
    assert f"skipped  {ID} (unchanged)" in second.stdout and "0 built, 1 skipped, 0 failed" in second.stdout


def test_editing_a_csv_rebuilds_and_says_why(built) -> None:
    path = built["data"] / "outcomes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Beijing, Shanghai", "Beijing; Shanghai", 1),
                    encoding="utf-8")
    result = run_build(*built["args"])
    assert result.returncode == 0, result.stdout
    # The row that changed, by name: a briefing reads rows, not whole files.
    assert re.search(rf"built    {ID} in \d+\.\d s \(outcome [\w-]+ changed\) \[1/1\]", result.stdout), result.stdout
    assert "content changed: " + ID in result.stdout


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_first_build_spends_no_space_on_there_being_no_earlier_briefing(built) -> None:
    out = built["reports"] / ID
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    assert facts["baseline"] is None and facts["as_of"] == "2026-11-23"
    assert facts["targets"]["ii-plan-2018-2020-cloud-enterprises"]["goal"] == "at least 300,000 enterprises"
    text = _pdf_text(out / f"{ID}.pdf")
    # Page 1 leads with the key figures; a first briefing has nothing to compare with and says nothing of it.
    assert "Since" not in text.split("Timeline")[1] and "first briefing" not in text
    assert text.index("Key figures") < text.index("Of 5 numeric targets past their deadline")


def test_revised_target_shows_old_and_new_values_in_the_pdf(built) -> None:
    path = built["data"] / "targets.csv"
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("ii-plan-2018-2020-cloud-enterprises,"))
    path.write_text(text.replace(row, row.replace(",at-least,300000,", ",at-least,350000,")), encoding="utf-8")
    result = run_build(*built["args"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"built    {ID} in \d+\.\d s \(target ii-plan-2018-2020-cloud-enterprises changed\)", result.stdout), result.stdout
    pdf = _pdf_text(built["reports"] / ID / f"{ID}.pdf")
    assert "Since 2026-11-23" in pdf and "goal was at least 300,000 enterprises, now at least 350,000 enterprises" in pdf, pdf[:1500]
    facts = json.loads((built["reports"] / ID / "facts.json").read_text(encoding="utf-8"))
    assert facts["baseline"]["targets"]["ii-plan-2018-2020-cloud-enterprises"]["goal"] == "at least 300,000 enterprises"
    # A forced rebuild with the same facts still reports the change, not "nothing changed".
    again = run_build(*built["args"], "--force")
    assert again.returncode == 0
    assert "now at least 350,000 enterprises" in _pdf_text(built["reports"] / ID / f"{ID}.pdf")


def test_failing_notebook_keeps_previous_outputs(built) -> None:
    out = built["reports"] / ID
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    nb_path = built["notebooks"] / "briefing.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"].insert(3, {"cell_type": "code", "execution_count": None, "id": "boom", "metadata": {},
                           "outputs": [], "source": "raise RuntimeError('deliberate failure for the test')"})
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    result = run_build(*built["args"])
    assert result.returncode == 1
    assert re.search(rf"FAILED   {ID} \(notebook briefing.ipynb\): cell \d+ \(raise RuntimeError\('deliberate failure for the test'\)\) "
                     r"raised RuntimeError: deliberate failure for the test", result.stdout), result.stdout
    assert "Traceback" not in result.stdout + result.stderr and len(result.stdout.splitlines()) < 12
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert (built["reports"] / "_failed" / f"{ID}.ipynb").exists()
    # The front page still links the earlier files, and says they are older than the failed build.
    index = (built["reports"] / "index.html").read_text(encoding="utf-8")
    assert f'href="{ID}/{ID}.pdf"' in index and "Its last build failed: these files are from the build" in index
    # Still out of date: the next build tries again rather than skipping.
    again = run_build(*built["args"])
    assert again.returncode == 1 and f"skipped  {ID}" not in again.stdout


def test_nbconvert_knows_the_exporters(built, tmp_path: Path) -> None:
    jupyter = Path(sys.executable).with_name("jupyter")
    executed = built["reports"] / ID / f"{ID}.ipynb"
    result = subprocess.run([str(jupyter), "nbconvert", "--to", "briefing_pdf", str(executed), "--output-dir",
                             str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / f"{ID}.pdf").read_bytes().startswith(b"%PDF")


def test_bad_data_builds_nothing(data, tmp_path: Path) -> None:
    line = data.replace("targets", "ii-plan-2021-2023-productivity", ",at-least,20,", ",at-least,twenty,")
    listing = write_list(tmp_path / "briefings.yml", entry(ID))
    result = run_build("--briefings", str(listing), "--data-dir", str(data.dir), "--reports-dir",
                       str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"targets.csv:{line}:target_value: expected a number" in result.stdout
    assert "nothing was built" in result.stdout
    assert not (tmp_path / "out" / ID).exists()


def test_a_briefing_dated_before_most_of_the_data_shows_only_what_was_known(tmp_path: Path) -> None:
    """As of means as of: a real build dated mid-2019 shows nothing issued, reported or published later."""
    plans = "[ii-plan-2018-2020, ii-plan-2021-2023, 5g-factory-guide-2022]"
    listing = tmp_path / "briefings.yml"
    listing.write_text("defaults:\n  as_of: 2019-06-30\nbriefings:\n  - id: early\n    notebook: briefing.ipynb\n"
                       f"    parameters:\n      title: Early\n      policies: {plans}\n", encoding="utf-8")
    out = tmp_path / "reports"
    result = run_build("--briefings", str(listing), "--data-dir", str(FIXTURE_DATA), "--reports-dir", str(out),
                       "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    facts = json.loads((out / "early" / "facts.json").read_text(encoding="utf-8"))
    assert set(facts["policies"]) == {"ii-plan-2018-2020"}
    assert {t["policy"] for t in facts["targets"].values()} == {"ii-plan-2018-2020"}
    page = (out / "early" / "early.html").read_text(encoding="utf-8")
    assert "2 selected policies issued after the status date" in page
    assert "Innovation Development Action Plan (2021-2023)" not in page
    # No figure reported after the status date, in tables, charts or the evidence column.
    for year in ("2020-", "2021-", "2023-", "2024-", "2025-", "2026-"):
        assert not re.search(rf"\({year}\d\d", page), year
    text = " ".join(PdfReader(out / "early" / "early.pdf").pages[0].extract_text().split())
    assert "Status as of 2019-06-30" in text


def test_a_built_page_links_to_its_pdf_and_the_front_page(built) -> None:
    page = (built["reports"] / ID / f"{ID}.html").read_text(encoding="utf-8")
    assert '<a href="../index.html">All briefings</a>' in page and f'<a href="{ID}.pdf">This briefing as PDF</a>' in page
    assert (built["reports"] / "index.html").exists() and (built["reports"] / ID / f"{ID}.pdf").exists()
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(built["reports"] / ID / f"{ID}.pdf").pages)
    assert "All briefings" not in pdf  # the links are for the screen


def test_the_data_behind_a_briefing_downloads_as_csv_and_excel(built) -> None:
    """Raw numbers, not formatted strings; UTF-8 with a BOM so Excel shows Chinese; three sheets in the workbook."""
    import pandas as pd

    out = built["reports"] / ID
    raw = (out / f"{ID}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    targets = pd.read_csv(out / f"{ID}.csv", encoding="utf-8-sig")
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    assert set(targets["id"]) == set(facts["targets"])
    assert {"status", "deadline", "target_value", "latest_value", "source_id", "source_url", "source_grade"} <= set(
        targets.columns)
    curated = pd.read_csv(built["data"] / "targets.csv").set_index("id")
    row = targets.set_index("id").loc["ii-plan-2018-2020-cloud-enterprises"]
    assert row["target_value"] == curated.at[row.name, "target_value"]  # the number, in its unit
    assert row["status"] == facts["targets"][row.name]["status"]
    assert set(targets["status_as_of"]) == {facts["as_of"]} and set(targets["data_version"]) == {facts["data_version"]}
    plain = pd.read_csv(out / f"{ID}.csv", encoding="utf-8-sig", dtype=str)
    assert not plain["target_value"].dropna().str.endswith(".0").any()  # a count reads 30, not 30.0
    decided = targets.dropna(subset=["deciding_outcome_id"])
    assert len(decided) and decided["deciding_figure"].notna().all() and decided["deciding_source_id"].notna().all()
    book = pd.read_excel(out / f"{ID}.xlsx", sheet_name=None)
    assert list(book) == ["about", "targets", "money", "sources", "searches"]
    about = dict(zip(book["about"].iloc[:, 0], book["about"].iloc[:, 1], strict=True))
    assert about["Status as of"] == facts["as_of"] and about["Data version"] == facts["data_version"]
    assert "targets: deciding_as_printed" in about  # each column explained
    assert book["targets"]["Goal"].dtype.kind in "if"  # numbers stay numbers, under a heading in words
    assert set(book["sources"]["Row id"]) >= set(targets["source_id"]) | set(decided["deciding_source_id"])
    assert any("工业" in str(v) for v in targets["as_printed"]) or any("万" in str(v) for v in targets["as_printed"])


def test_an_ad_hoc_list_keeps_the_other_briefings_on_the_front_page(tmp_path: Path) -> None:
    """Building a custom list into a reports folder merges into its front page instead of replacing it."""
    from .test_faults import tiny_notebook  # the merge is under test, not the analysis

    reports = tmp_path / "reports"
    tiny_notebook(tmp_path / "notebooks")
    for name in ("first", "second"):
        listing = tmp_path / f"{name}.yml"
        listing.write_text(f"briefings:\n  - id: {name}\n    notebook: tiny.ipynb\n", encoding="utf-8")
        result = run_build("--briefings", str(listing), "--notebooks-dir", str(tmp_path / "notebooks"), "--data-dir",
                           str(FIXTURE_DATA), "--reports-dir", str(reports), "--jobs", "1")
        assert result.returncode == 0, result.stdout + result.stderr
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="first/first.html"' in index and 'href="second/second.html"' in index
    assert "Its last build failed" not in index


def test_the_longest_briefings_start_first() -> None:
    """Two workers finish soonest when no long briefing starts last: jobs start in order of the time they
    took last time, longest first, and a briefing never built counts as long."""
    from analysis.pipeline.execute import Job
    from analysis.pipeline.pool import longest_first
    from analysis.pipeline.spec import BriefingSpec

    def job(bid: str) -> tuple[Job, dict[str, str], list[str]]:
        spec = BriefingSpec(bid, NOTEBOOKS_DIR / "briefing.ipynb", {})
        return Job(spec, {}, FIXTURE_DATA, Path("reports"), "v", 60), {}, []

    manifest = {"a": {"seconds": 4.0}, "b": {"seconds": 19.5}, "c": {"seconds": 6}, "d": {"inputs": None}}
    todo = [job(i) for i in ("a", "b", "c", "d", "e")]
    assert [j.briefing.id for j in longest_first(todo, manifest)] == ["d", "e", "b", "c", "a"]
