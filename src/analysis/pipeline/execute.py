"""Building one briefing, in a worker process: papermill runs the notebook on the project's kernel, the
exporters render HTML and PDF, and the files are renamed into place only when all of them succeeded.
Failures come back as a ``Result`` with one line an analyst can act on; nothing here raises.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import write_atomic
from ..report import snapshot
from ..report.context import BuildContext
from ..report.downloads import CSV_NAME, XLSX_NAME
from ..report.editions import EDITIONS
from ..report.editions import label as edition_label
from ..report.snapshot import FACTS, NUMBERS
from .laps import Laps
from .splice import Additions, splice
from .warm import ENGINE
from .warm import register as register_warm_engine

if TYPE_CHECKING:
    from .spec import BriefingSpec

KERNEL = "industrial-internet"
FAILED = "_failed"
SAVE_CELL = """\
# Added by the build, after the notebook's own cells: write what the briefing showed (facts.json, the
# source numbers, the downloads), so that no cell can come after it.
from analysis.report.briefing import save_made
save_made(globals(), context)"""


@dataclass
class Result:
    id: str
    ok: bool
    seconds: float
    message: str = ""
    outputs: list[str] = field(default_factory=list)
    pages: int = 0  # of the PDF
    changed: bool = False  # whether the page a reader gets differs from the one it replaced
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step: run, html, pdf, publish


@dataclass(frozen=True)
class Job:
    briefing: BriefingSpec
    parameters: dict[str, Any]
    data_dir: Path
    reports_dir: Path
    data_version: str
    timeout: int
    fingerprint: str = ""  # of the data as the build validated it: the kernel need not check it again
    reuse_charts: bool = True  # copy chart files drawn from the same data by the last build (not with --force)
    additions: Additions = field(default_factory=Additions)  # its commentary and extra cells, checked
    links: str | None = None  # JSON {policy id: briefing id}, for a briefing of every policy (the overview)
    title_zh: str = ""  # the Chinese edition's title, where the policy has one (else the title as given)


def _first_line(source: str) -> str:
    line = next((s for s in source.splitlines() if s.strip() and not s.lstrip().startswith("#")), "")
    return line.strip()[:60]


def build_one(job: Job) -> Result:
    """Run, export and publish one briefing. Never raises: failures come back as a ``Result``."""
    start = time.perf_counter()
    b = job.briefing
    work = Path(tempfile.mkdtemp(prefix=f".build-{b.id}-", dir=job.reports_dir))
    executed = work / f"{b.stems[0]}.ipynb"
    log = work / "kernel.log"
    saved = os.dup(2)
    try:
        # The kernel's own chatter (connection warnings) goes to a log, not to the reader's terminal.
        with open(log, "wb") as f:
            os.dup2(f.fileno(), 2)
        return _run(job, work, executed, start)
    except Exception as exc:  # noqa: BLE001 - reported, never raised, so the other briefings go on
        with contextlib.suppress(OSError):
            _keep_failed(job, executed)
        return Result(b.id, False, time.perf_counter() - start, _explain(exc, job))
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        shutil.rmtree(work, ignore_errors=True)


def _explain(exc: Exception, job: Job) -> str:
    """One line an analyst can act on, for the failures that are not an error in a cell."""
    name = type(exc).__name__
    if "NoSuchKernel" in name:
        return f"{name}: {exc} (run 'make setup' to register the kernel {KERNEL!r})"
    if name == "DeadKernelError":
        return ("the notebook's kernel died (killed, out of memory, or a crash in a library); "
                "the executed notebook shows the cells that ran")
    if name == "CellTimeoutError":
        where = ""
        lines = str(exc).splitlines()  # nbclient previews the cell between two lines of dashes
        marks = [i for i, line in enumerate(lines) if line.startswith("---")]
        if len(marks) >= 2:
            preview = "; ".join(s.strip() for s in lines[marks[0] + 1:marks[1]] if s.strip())
            where = f" ({preview[:60]})"
        return f"a cell{where} ran longer than the {job.timeout} s timeout (--timeout SECONDS to allow more)"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left on the disk while writing {exc.filename or 'the outputs'}; free some space and build again"
    if name == "FontMissingError":
        return str(exc)
    return f"{name}: {exc}"


def _keep_failed(job: Job, executed: Path) -> None:
    """Keep the notebook of a failed build in ``reports/_failed/<id>.ipynb``: the executed one where the run
    got that far, else the notebook it started from (a failure before the first cell ran)."""
    kept = executed if executed.exists() else job.briefing.notebook
    if kept.exists():
        failed = job.reports_dir / FAILED / f"{job.briefing.id}.ipynb"
        write_atomic(failed, kept.read_bytes())


def skip_slow_iri_checker() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax``, which costs 2-3 s per process (it builds a
    grammar at import; jsonschema issues 1392 and 1428). nbformat's schema has no IRI fields, and
    jsonschema imports it optionally, so without it only the unused 'iri' format check is missing."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _run(job: Job, work: Path, executed: Path, start: float) -> Result:
    import logging
    import warnings

    skip_slow_iri_checker()

    warnings.filterwarnings("ignore")
    logging.getLogger("papermill").setLevel(logging.ERROR)

    b = job.briefing
    laps = Laps()
    laps.lap("start")
    pages, changed = 0, False
    for n, language in enumerate(b.editions):
        # The first edition writes the facts, the downloads and the charts; another is the same briefing in
        # another language, made in a folder of its own, of which only its pages are kept.
        folder = work if n == 0 else work / language
        folder.mkdir(exist_ok=True)
        ran = executed if n == 0 else folder / f"{b.stem(language)}.ipynb"
        made = _edition(job, language, folder, ran, keep=n == 0, laps=laps, suffix="" if n == 0 else f" {language}")
        if isinstance(made, str):  # why it failed
            return Result(b.id, False, time.perf_counter() - start, made)
        edition_pages, edition_changed = made
        pages = pages or edition_pages
        changed = changed or edition_changed
        if n:
            for ext in ("ipynb", "html", "pdf"):
                os.replace(folder / f"{b.stem(language)}.{ext}", work / f"{b.stem(language)}.{ext}")
            shutil.rmtree(folder, ignore_errors=True)
    outputs = _move_into_place(work, job.reports_dir / b.id, b)
    failed = job.reports_dir / FAILED / f"{b.id}.ipynb"
    failed.unlink(missing_ok=True)
    laps.lap("publish")
    return Result(b.id, True, time.perf_counter() - start, outputs=outputs, pages=pages, changed=changed,
                  phases=laps.seconds)


def _edition(job: Job, language: str, work: Path, executed: Path, *, keep: bool, laps: Laps,
             suffix: str) -> str | tuple[int, bool]:
    """Run and export one edition into ``work``: (its PDF's pages, whether its page changed), or the line
    that says why it failed."""
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from ..report.exporters import BriefingHTMLExporter, BriefingPDFExporter, pdf_pages

    b = job.briefing
    stem = b.stem(language)
    previous = job.reports_dir / b.id / FACTS
    editions_dir = job.reports_dir / b.id / EDITIONS
    charts = job.reports_dir / b.id / "charts"
    params = dict(job.parameters)
    if len(b.editions) > 1:  # English keeps the Chinese names beside its own (language: both)
        params["language"] = "both" if language == "en" else language
    if language == "zh" and job.title_zh:
        params["title"] = job.title_zh
    notebook = nbformat.read(b.notebook, as_version=4)
    if not notebook.metadata.get("kernelspec"):  # made from its jupytext script: run it on the project's kernel
        notebook.metadata["kernelspec"] = {"name": KERNEL, "display_name": KERNEL, "language": "python"}
    if "context" in b.declared:  # a briefing notebook: the plumbing in one parameter, then the save step
        params["context"] = BuildContext(
            data_dir=str(job.data_dir.resolve()), validated=job.fingerprint or None, data_version=job.data_version,
            out_dir=str(work), charts_dir=str(work / "charts") if keep else None,
            previous_charts=str(charts.resolve()) if job.reuse_charts and charts.is_dir() else None,
            previous_facts=str(previous.resolve()) if previous.exists() else None,
            editions_dir=str(editions_dir.resolve()), briefing_id=b.id,
            commentary=str(job.additions.commentary.path.resolve()) if job.additions.commentary else None,
            briefings=job.links).as_parameter()
        notebook.cells = splice(notebook.cells, job.additions, b.id)
        notebook.cells.append(nbformat.v4.new_code_cell(SAVE_CELL, metadata={"tags": ["saved-by-build"]}))
    if params.get("compare_to"):
        params["compare_to"] = str(Path(params["compare_to"]).resolve())
    try:
        engine = None if os.environ.get("ANALYSIS_COLD_KERNELS") else ENGINE  # a new kernel each: for debugging
        if engine:
            register_warm_engine()
        pm.execute_notebook(notebook, str(executed), parameters=params, kernel_name=KERNEL, language="python",
                            engine_name=engine, cwd=str(b.notebook.parent), progress_bar=False, log_output=False,
                            execution_timeout=job.timeout)
    except PapermillExecutionError as exc:
        _keep_failed(job, executed)
        where = f"cell {exc.cell_index + 1}" + (f" ({_first_line(exc.source)})" if exc.source else "")
        evalue = exc.evalue.strip().splitlines()[0] if exc.evalue.strip() else ""
        edition = f" of the {language} edition" if suffix else ""
        return f"{where}{edition} raised {exc.ename}: {evalue}"

    laps.lap("run" + suffix)
    nb = nbformat.read(executed, as_version=4)
    facts = (work if keep else work.parent) / FACTS
    nb.metadata["briefing"] = {"id": b.id, "title": params.get("title") or b.id, "as_of": params["as_of"],
                               "data_version": job.data_version, "edition": _edition_line(facts, editions_dir),
                               "base_url": str(params.get("base_url") or ""), "language": language,
                               "editions": list(b.editions)}
    # The executed notebook names where its files end up, not the temporary folder they were made in.
    final = str((job.reports_dir / b.id).resolve())
    executed.write_text(nbformat.writes(nb).replace(str(work), final), encoding="utf-8")
    html, _ = BriefingHTMLExporter().from_notebook_node(nb)
    try:
        changed = (job.reports_dir / b.id / f"{stem}.html").read_text(encoding="utf-8") != html
    except OSError:
        changed = True
    (work / f"{stem}.html").write_text(html, encoding="utf-8")
    laps.lap("html" + suffix)
    pdf, _ = BriefingPDFExporter().from_notebook_node(nb)
    (work / f"{stem}.pdf").write_bytes(pdf)
    laps.lap("pdf" + suffix)
    return pdf_pages(pdf), changed


def _edition_line(facts_file: Path, editions_dir: Path) -> str:
    """The title block's edition line ("Edition 2, published ...", "Draft after edition 2 ..."), or ""."""
    if not facts_file.exists():
        return ""
    return edition_label(snapshot.read(facts_file), editions_dir)


def _move_into_place(work: Path, target: Path, b: BriefingSpec) -> list[str]:
    """Move the finished files into ``target``: each file by an atomic rename, charts as a folder."""
    target.mkdir(parents=True, exist_ok=True)
    bid = b.id
    names = [f"{stem}.{ext}" for stem in b.stems for ext in ("ipynb", "html", "pdf")]
    names += [kept for kept in (FACTS, NUMBERS) if (work / kept).exists()]
    for made, name in ((CSV_NAME, f"{bid}.csv"), (XLSX_NAME, f"{bid}.xlsx")):  # the data behind the briefing
        if (work / made).exists():
            os.replace(work / made, work / name)
            names.append(name)
    charts = work / "charts"
    if charts.is_dir():
        old = target / "charts"
        staged = target / f".charts-new-{os.getpid()}"
        shutil.rmtree(staged, ignore_errors=True)
        shutil.move(str(charts), staged)
        trash = target / f".charts-old-{os.getpid()}"
        if old.exists():
            os.replace(old, trash)
        os.replace(staged, old)
        shutil.rmtree(trash, ignore_errors=True)
    for name in names:
        os.replace(work / name, target / name)
    return names
