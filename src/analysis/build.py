"""Build every briefing listed in ``reports/briefings.yml``: papermill runs, HTML and PDF exports.

The build is:

- **checked first**: unknown keys, unknown policy ids, a parameter the notebook does not declare, a bad
  date or language: the build stops before anything runs, naming the entry and the key;
- **incremental**: a manifest (``reports/.manifest.json``) keeps a content hash of every input of each
  briefing (its notebook, its parameters, every file of the data package, the package's code and
  templates); an unchanged briefing is skipped, and a changed one says which inputs changed. Nothing heavy
  (pandas, papermill, nbconvert, WeasyPrint) is imported until there is work;
- **parallel**: briefings run in worker processes (``--jobs``, default: the number of CPUs); each
  prints one line when it is built, skipped or failed, saying why it was rebuilt;
- **atomic and honest**: each briefing is built in a temporary folder and its files are renamed into
  place only when all of them succeeded, and the manifest is written after that. A failing briefing
  leaves its previous outputs untouched, its executed notebook goes to ``reports/_failed/<id>.ipynb``,
  the message names the briefing, the cell and the exception, and the build exits 1 after the others.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from . import paths
from .files import write_atomic

KERNEL = "industrial-internet"
MANIFEST = ".manifest.json"
LOCK = ".build.lock"
FAILED = "_failed"
ENTRY_KEYS = {"id", "notebook", "parameters"}
TOP_KEYS = {"defaults", "briefings"}
SET_BY_BUILD = {"data_dir", "figures_dir", "previous_facts", "facts_file"}
FACTS = "facts.json"
_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CODE_DIR = Path(__file__).parent


class ConfigError(Exception):
    """The list of briefings is wrong; ``problems`` say where."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Briefing:
    id: str
    notebook: Path
    parameters: dict[str, Any]
    declared: frozenset[str] = frozenset()  # the names in the notebook's parameters cell


@dataclass
class Result:
    id: str
    ok: bool
    seconds: float
    message: str = ""
    outputs: list[str] = field(default_factory=list)


# -- the list of briefings ------------------------------------------------------------------------------


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """Names (and literal defaults) assigned in the notebook's cell tagged ``parameters``."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            names: dict[str, Any] = {}
            for node in ast.parse(source).body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            try:
                                names[target.id] = ast.literal_eval(node.value)
                            except ValueError:
                                names[target.id] = None
            return names
    raise ConfigError([f"{notebook}: no cell tagged 'parameters' (papermill needs one)"])


def _policy_ids(data_dir: Path) -> set[str]:
    try:
        with open(data_dir / "policies.csv", encoding="utf-8-sig", newline="") as f:
            return {row.get("id", "") for row in csv.DictReader(f)}
    except (OSError, csv.Error, UnicodeDecodeError):
        return set()  # the data check reports it


def read_briefings(path: Path, data_dir: Path, notebooks_dir: Path = paths.NOTEBOOKS_DIR) -> list[Briefing]:
    """Read and check the list of briefings; raise ``ConfigError`` naming each entry and key at fault."""
    import yaml

    where = str(path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ten times faster
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except FileNotFoundError:
        raise ConfigError([f"{where}: file not found"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError([f"{where}{line}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("briefings"), list):
        raise ConfigError([f"{where}: expected a mapping with a list under 'briefings'"])
    problems = [f"{where}: unknown top-level key {k!r} (expected: defaults, briefings)" for k in raw if k not in TOP_KEYS]
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        problems.append(f"{where}: 'defaults' must be a mapping of parameters")
        defaults = {}
    policies = _policy_ids(data_dir)
    declared_in: dict[Path, dict[str, Any]] = {}
    seen: set[str] = set()
    out = []
    for n, entry in enumerate(raw["briefings"], start=1):
        if not isinstance(entry, dict):
            problems.append(f"{where}: briefing #{n} is not a mapping")
            continue
        bid = str(entry.get("id", f"#{n}"))
        label = f"{where}: briefing {bid!r}"
        problems += [f"{label}: unknown key {k!r} (expected: id, notebook, parameters)" for k in entry
                     if k not in ENTRY_KEYS]
        if "id" not in entry or not _ID.fullmatch(bid):
            problems.append(f"{label}: 'id' must be a slug of lower-case letters, digits and hyphens")
        if bid in seen:
            problems.append(f"{label}: id used twice")
        seen.add(bid)
        notebook = notebooks_dir / str(entry.get("notebook", ""))
        if "notebook" not in entry or not notebook.is_file():
            problems.append(f"{label}: notebook {str(entry.get('notebook'))!r} not found in {notebooks_dir}")
            continue
        params = {**defaults, **(entry.get("parameters") or {})}
        try:
            if notebook not in declared_in:
                declared_in[notebook] = declared_parameters(notebook)
            declared = declared_in[notebook]
        except ConfigError as exc:
            problems += exc.problems
            continue
        for key, value in params.items():
            if key in SET_BY_BUILD:
                problems.append(f"{label}: parameter {key!r} is set by the build; remove it")
            elif key not in declared:
                problems.append(f"{label}: parameter {key!r} is not declared in {notebook.name} "
                                f"(declared: {', '.join(k for k in declared if k not in SET_BY_BUILD)})")
            elif isinstance(value, date):
                params[key] = value.isoformat()
        params = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()}
        problems += _check_values(label, params, policies)
        out.append(Briefing(bid, notebook, params, frozenset(declared)))
    if problems:
        raise ConfigError(problems)
    return out


def _check_values(label: str, params: dict[str, Any], policies: set[str]) -> list[str]:
    problems = []
    chosen = params.get("policies", "all")
    if chosen != "all":
        if not isinstance(chosen, list) or not all(isinstance(p, str) for p in chosen):
            problems.append(f"{label}: parameter 'policies' must be 'all' or a list of policy ids")
        else:
            for p in chosen:
                if policies and p not in policies:
                    import difflib

                    close = difflib.get_close_matches(p, sorted(policies), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    problems.append(f"{label}: unknown policy id {p!r} in 'policies'{hint}")
    if "language" in params and params["language"] not in ("en", "zh", "both"):
        problems.append(f"{label}: parameter 'language' must be en, zh or both, got {params['language']!r}")
    if "as_of" in params:
        try:
            date.fromisoformat(str(params["as_of"]))
        except ValueError:
            problems.append(f"{label}: parameter 'as_of' must be a date as YYYY-MM-DD, got {params['as_of']!r}")
    if "due_window_months" in params and (not isinstance(params["due_window_months"], int)
                                          or params["due_window_months"] < 0):
        problems.append(f"{label}: parameter 'due_window_months' must be a whole number of months, 0 or more")
    if "title" in params and not isinstance(params["title"], str):
        problems.append(f"{label}: parameter 'title' must be text")
    compare_to = params.get("compare_to")
    if compare_to is not None:
        if not isinstance(compare_to, str) or not compare_to.strip():
            problems.append(f"{label}: parameter 'compare_to' must be the path of a facts.json (or its folder)")
        else:
            from .snapshot import SnapshotError, read

            try:
                read(compare_to)
            except SnapshotError as exc:
                problems.append(f"{label}: parameter 'compare_to': {exc}")
    return problems


# -- what a briefing depends on -------------------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_inputs() -> list[Path]:
    """The package's code and templates: a change to any of them rebuilds every briefing."""
    return sorted(p for p in CODE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def input_hashes(b: Briefing, data_dir: Path, code: dict[str, str]) -> dict[str, str]:
    """One hash per input, keyed by a readable name, so a rebuild can say what changed."""
    hashes = {f"notebook {b.notebook.name}": _digest(b.notebook),
              "parameters": hashlib.sha256(json.dumps(b.parameters, sort_keys=True).encode()).hexdigest()}
    for p in sorted(data_dir.iterdir()):
        if p.is_file():
            hashes[f"data {p.name}"] = _digest(p)
    compare_to = b.parameters.get("compare_to")
    if compare_to:
        path = Path(compare_to)
        hashes["compare_to"] = _digest(path / FACTS if path.is_dir() else path)
    hashes.update(code)
    return hashes


def _changed(old: dict[str, str] | None, new: dict[str, str]) -> list[str]:
    if old is None:
        return ["no earlier build"]
    changed = [k for k in new if old.get(k) != new[k]]
    changed += [f"{k} (removed)" for k in old if k not in new]
    code = [k for k in changed if k.startswith("code ")]
    if len(code) > 2:
        changed = [k for k in changed if not k.startswith("code ")] + [f"{len(code)} code files"]
    return changed


def _read_manifest(reports_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((reports_dir / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


# -- building one briefing (in a worker process) -----------------------------------------------------


@dataclass(frozen=True)
class Job:
    briefing: Briefing
    parameters: dict[str, Any]
    data_dir: Path
    reports_dir: Path
    data_version: str
    timeout: int


def _first_line(source: str) -> str:
    line = next((s for s in source.splitlines() if s.strip() and not s.lstrip().startswith("#")), "")
    return line.strip()[:60]


def build_one(job: Job) -> Result:
    """Run, export and publish one briefing. Never raises: failures come back as a ``Result``."""
    start = time.perf_counter()
    b = job.briefing
    work = Path(tempfile.mkdtemp(prefix=f".build-{b.id}-", dir=job.reports_dir))
    executed = work / f"{b.id}.ipynb"
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
    if executed.exists():
        failed = job.reports_dir / FAILED / f"{job.briefing.id}.ipynb"
        write_atomic(failed, executed.read_bytes())


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
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from .exporters import BriefingHTMLExporter, html_to_pdf

    b = job.briefing
    previous = job.reports_dir / b.id / FACTS
    params = {**job.parameters, "data_dir": str(job.data_dir.resolve()), "figures_dir": str(work / "figures")}
    if "facts_file" in b.declared:  # a notebook that keeps snapshots
        params["previous_facts"] = str(previous.resolve()) if previous.exists() else None
        params["facts_file"] = str(work / FACTS)
    if params.get("compare_to"):
        params["compare_to"] = str(Path(params["compare_to"]).resolve())
    try:
        pm.execute_notebook(str(b.notebook), str(executed), parameters=params, kernel_name=KERNEL,
                            cwd=str(b.notebook.parent), progress_bar=False, log_output=False,
                            execution_timeout=job.timeout)
    except PapermillExecutionError as exc:
        _keep_failed(job, executed)
        where = f"cell {exc.cell_index + 1}" + (f" ({_first_line(exc.source)})" if exc.source else "")
        evalue = exc.evalue.strip().splitlines()[0] if exc.evalue.strip() else ""
        return Result(b.id, False, time.perf_counter() - start, f"{where} raised {exc.ename}: {evalue}")

    nb = nbformat.read(executed, as_version=4)
    nb.metadata["briefing"] = {"title": params.get("title") or b.id, "as_of": params["as_of"],
                               "data_version": job.data_version}
    # The executed notebook names where its files end up, not the temporary folder they were made in.
    final = str((job.reports_dir / b.id).resolve())
    executed.write_text(nbformat.writes(nb).replace(str(work), final), encoding="utf-8")
    html, _ = BriefingHTMLExporter().from_notebook_node(nb)
    (work / f"{b.id}.html").write_text(html, encoding="utf-8")
    (work / f"{b.id}.pdf").write_bytes(html_to_pdf(html))
    outputs = _publish(work, job.reports_dir / b.id, b.id)
    failed = job.reports_dir / FAILED / f"{b.id}.ipynb"
    failed.unlink(missing_ok=True)
    return Result(b.id, True, time.perf_counter() - start, outputs=outputs)


def _publish(work: Path, target: Path, bid: str) -> list[str]:
    """Move the finished files into ``target``: each file by an atomic rename, figures as a folder."""
    target.mkdir(parents=True, exist_ok=True)
    names = [f"{bid}.ipynb", f"{bid}.html", f"{bid}.pdf"] + ([FACTS] if (work / FACTS).exists() else [])
    figures = work / "figures"
    if figures.is_dir():
        old = target / "figures"
        staged = target / f".figures-new-{os.getpid()}"
        shutil.rmtree(staged, ignore_errors=True)
        shutil.move(str(figures), staged)
        trash = target / f".figures-old-{os.getpid()}"
        if old.exists():
            os.replace(old, trash)
        os.replace(staged, old)
        shutil.rmtree(trash, ignore_errors=True)
    for name in names:
        os.replace(work / name, target / name)
    return names


# -- the whole build ----------------------------------------------------------------------------------


@dataclass
class Options:
    briefings_file: Path = paths.REPORTS_DIR / "briefings.yml"
    notebooks_dir: Path = paths.NOTEBOOKS_DIR
    data_dir: Path = paths.DATA_DIR
    reports_dir: Path = paths.REPORTS_DIR
    only: list[str] = field(default_factory=list)
    jobs: int = 0
    force: bool = False
    as_of: str | None = None
    timeout: int = 600


def build(opts: Options, say: Callable[[str], None] = print) -> int:
    """Build what is out of date; return the exit status (0: all good, 1: something failed, 130: Ctrl-C)."""
    started = time.perf_counter()
    # Notebooks run in notebooks/, so every path they are given must not depend on the current folder.
    opts = replace(opts, reports_dir=opts.reports_dir.resolve(), data_dir=opts.data_dir.resolve(),
                   notebooks_dir=opts.notebooks_dir.resolve())
    if not (opts.data_dir / paths.DESCRIPTOR).is_file():
        say(f"error: {opts.data_dir}: no {paths.DESCRIPTOR} there (is --data-dir the data package folder?)")
        say("nothing was built")
        return 1
    try:
        briefings = read_briefings(opts.briefings_file, opts.data_dir, opts.notebooks_dir)
    except ConfigError as exc:
        for problem in exc.problems:
            say(f"error: {problem}")
        say("nothing was built")
        return 1
    known = {b.id for b in briefings}
    unknown = [i for i in opts.only if i not in known]
    if unknown:
        say(f"error: --only names unknown briefing(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        return 1
    chosen = [b for b in briefings if not opts.only or b.id in opts.only]

    opts.reports_dir.mkdir(parents=True, exist_ok=True)
    try:
        lock = _lock(opts.reports_dir)
    except BlockingIOError:
        say(f"error: another build is running in {opts.reports_dir} ({_lock_owner(opts.reports_dir)}); "
            "wait for it to finish or stop it")
        return 1
    try:
        return _build_locked(opts, briefings, chosen, started, say)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            say(f"error: no space left on the disk while writing {exc.filename or opts.reports_dir}; free some space "
                "and build again (briefings not reported as built were left as they were)")
            return 1
        raise
    finally:
        lock.close()


def _lock(reports_dir: Path) -> Any:
    """Hold ``reports/.build.lock`` for the whole build: two builds never write the same folder."""
    f = open(reports_dir / LOCK, "a+")  # noqa: SIM115 - held open until the build ends
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.close()
        raise
    f.seek(0)
    f.truncate()
    f.write(f"{os.getpid()}\n")
    f.flush()
    return f


def _lock_owner(reports_dir: Path) -> str:
    try:
        return f"process {int((reports_dir / LOCK).read_text().strip())}"
    except (OSError, ValueError):
        return "another process"


_TEMP_NAME = re.compile(r"\.(.+)\.[A-Za-z0-9_]{8}(\.\w+)?")


def _clean_leftovers(reports_dir: Path) -> None:
    """Remove what a killed build left behind: its temporary folders and half-written temporary files.

    Only names this module creates are touched, and only while the build lock is held.
    """
    for path in reports_dir.glob(".build-*"):
        shutil.rmtree(path, ignore_errors=True)
    for folder in [reports_dir, *(p for p in reports_dir.iterdir() if p.is_dir() and not p.name.startswith("."))]:
        for path in folder.glob(".*"):
            if path.name.startswith((".figures-new-", ".figures-old-")):
                shutil.rmtree(path, ignore_errors=True)
            elif path.is_file() and _TEMP_NAME.fullmatch(path.name) and path.name not in (MANIFEST, LOCK):
                path.unlink(missing_ok=True)


def _build_locked(opts: Options, briefings: list[Briefing], chosen: list[Briefing], started: float,
                  say: Callable[[str], None]) -> int:
    _clean_leftovers(opts.reports_dir)
    manifest = _read_manifest(opts.reports_dir)
    code = {f"code {p.relative_to(CODE_DIR)}": _digest(p) for p in code_inputs()}
    today = date.today().isoformat()
    todo: list[tuple[Job, dict[str, str], list[str]]] = []
    for b in chosen:
        params = dict(b.parameters)
        params["as_of"] = opts.as_of or params.get("as_of") or today
        hashed = replace(b, parameters=params)
        hashes = input_hashes(hashed, opts.data_dir, code)
        entry = manifest.get(b.id, {})
        outputs_present = all((opts.reports_dir / b.id / f"{b.id}.{ext}").exists() for ext in ("html", "pdf"))
        if not opts.force and entry.get("inputs") == hashes and outputs_present:
            say(f"skipped  {b.id} (unchanged)")
            continue
        reasons = ["--force"] if opts.force else _changed(entry.get("inputs") or entry.get("last_inputs"), hashes)
        if entry and entry.get("inputs") is None and not opts.force:
            reasons = [r for r in reasons if r != "no earlier build"] + ["its last build did not complete"]
        if not outputs_present and entry:
            reasons = ["outputs missing"]
        todo.append((Job(b, params, opts.data_dir, opts.reports_dir, "", opts.timeout), hashes, reasons))

    failures, interrupted = 0, False
    if todo:
        # Validate only when there is work: an up-to-date build stays well under half a second.
        from .validate import check

        report = check(opts.data_dir)
        if report.errors:
            for problem in report.errors:
                say(str(problem))
            say(f"error: the data has {len(report.errors)} error(s); nothing was built (see analysis validate)")
            return 1
        from .style import FontMissingError, require_cjk_font

        try:
            require_cjk_font()  # before any notebook runs: a briefing without its Chinese font is not published
        except FontMissingError as exc:
            say(f"error: {exc}")
            say("nothing was built")
            return 1
        todo = [(replace(job, data_version=report.version), hashes, reasons) for job, hashes, reasons in todo]
        # Nothing claims to be current while it is being rebuilt: if this build dies half-way, whatever it
        # left is rebuilt next time.
        for job, _, _ in todo:
            if entry := manifest.get(job.briefing.id):
                entry["last_inputs"] = entry.get("inputs") or entry.get("last_inputs")  # to say what changed
                entry["inputs"] = None
        _save_manifest(opts.reports_dir, manifest)
        jobs = max(1, min(opts.jobs or os.cpu_count() or 1, len(todo)))
        say(f"building {len(todo)} briefing(s) with {jobs} job(s); one line as each finishes")
        failures, interrupted = _run_all(todo, jobs, opts.reports_dir, manifest, say)
    _write_index(opts.reports_dir, briefings, _read_manifest(opts.reports_dir))
    if interrupted:
        return 130
    built = len(todo) - failures
    say(f"{built} built, {len(chosen) - len(todo)} skipped, {failures} failed in "
        f"{time.perf_counter() - started:.1f} s; index: {opts.reports_dir / 'index.html'}")
    return 1 if failures else 0


def _save_manifest(reports_dir: Path, manifest: dict[str, Any]) -> None:
    write_atomic(reports_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())


def _worker_init(parent: int) -> None:
    """In each worker: leave Ctrl-C to the parent, and die with it if it is killed."""
    signal.signal(signal.SIGINT, lambda signum, frame: None)  # a handler, not SIG_IGN: kernels must not inherit it
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (Linux /proc), children before their own children."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, queue = [], list(children.get(pid, []))
    while queue:
        child = queue.pop(0)
        out.append(child)
        queue += children.get(child, [])
    return out


def _stop_descendants(grace: float = 5.0) -> None:
    """Stop the workers and the kernels they started: TERM, then KILL what is left after ``grace`` s."""
    procs = _descendants(os.getpid())
    for pid in procs:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(p) for p in procs):
        time.sleep(0.05)
    for pid in procs:
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _run_all(todo: list[tuple[Job, dict[str, str], list[str]]], jobs: int, reports_dir: Path,
             manifest: dict[str, Any], say: Callable[[str], None]) -> tuple[int, bool]:
    """Build every job; return (failures, interrupted). Ctrl-C stops workers and kernels, and says so."""
    failures = 0
    hashes_of = {job.briefing.id: hashes for job, hashes, _ in todo}
    why = {job.briefing.id: "; ".join(reasons) for job, _, reasons in todo}
    params_of = {job.briefing.id: job.parameters for job, _, _ in todo}
    finished: list[str] = []

    def record(result: Result) -> None:
        nonlocal failures
        finished.append(result.id)
        if result.ok:
            manifest[result.id] = {"inputs": hashes_of[result.id], "as_of": params_of[result.id]["as_of"],
                                   "title": params_of[result.id].get("title", result.id)}
            _save_manifest(reports_dir, manifest)
            say(f"built    {result.id} in {result.seconds:.1f} s ({why[result.id]})")
        else:
            failures += 1  # the manifest does not claim it current, so the next build retries
            say(f"FAILED   {result.id} ({why[result.id]}): {result.message}")
            failed = reports_dir / FAILED / f"{result.id}.ipynb"
            if failed.exists():
                say(f"         executed notebook: {failed}; previous outputs left as they were")

    pool = None
    try:
        if jobs == 1:
            for job, _, _ in todo:
                record(build_one(job))
        else:
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init, initargs=(os.getpid(),))
            futures = [pool.submit(build_one, job) for job, _, _ in todo]
            for future in as_completed(futures):
                record(future.result())
            pool.shutdown()
    except KeyboardInterrupt:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        _stop_descendants()
        _clean_leftovers(reports_dir)
        built = [i for i in finished if manifest.get(i, {}).get("inputs")]
        rest = [job.briefing.id for job, _, _ in todo if job.briefing.id not in built]
        say(f"interrupted: built {', '.join(built) or 'nothing'}; not built, left as they were: "
            f"{', '.join(rest) or 'none'}. Run the build again to finish.")
        return failures, True
    return failures, False


def _write_index(reports_dir: Path, briefings: Iterable[Briefing], manifest: dict[str, Any]) -> None:
    import html

    rows = []
    for b in briefings:
        entry = manifest.get(b.id)
        title = html.escape(str(b.parameters.get("title", b.id)))
        if entry and (reports_dir / b.id / f"{b.id}.html").exists():
            rows.append(f'<tr><td>{title}</td><td>{html.escape(str(entry.get("as_of", "")))}</td>'
                        f'<td><a href="{b.id}/{b.id}.html">HTML</a></td><td><a href="{b.id}/{b.id}.pdf">PDF</a></td></tr>')
        else:
            rows.append(f"<tr><td>{title}</td><td colspan=3>not built yet</td></tr>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Industrial Internet Policy Tracker: briefings</title>
<style>body{{font-family:"DejaVu Sans",Arial,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#222}}
table{{border-collapse:collapse;width:100%}}td,th{{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd}}
a{{color:#0072B2}}</style></head><body>
<h1>Industrial Internet Policy Tracker: briefings</h1>
<table><thead><tr><th>Briefing</th><th>Status as of</th><th colspan=2>Read</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table></body></html>
"""
    write_atomic(reports_dir / "index.html", page.encode("utf-8"))


def main_build(argv_opts: Options) -> int:
    """Entry point used by the CLI; prints progress lines as they come."""
    def say(line: str) -> None:
        print(line, flush=True)

    try:
        return build(argv_opts, say)
    except KeyboardInterrupt:  # before the briefings started: nothing was written
        print("interrupted: nothing was built", file=sys.stderr)
        return 130
