"""The worker pool and process control: one build at a time per reports folder (a lock), workers that
leave Ctrl-C to the parent and die with it, and on Ctrl-C every worker and kernel stopped and the
temporary files of the build removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .execute import FAILED, Job, Result, build_one
from .inputs import MANIFEST, save_manifest

LOCK = ".build.lock"


def lock_reports(reports_dir: Path) -> Any:
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


def lock_owner(reports_dir: Path) -> str:
    try:
        return f"process {int((reports_dir / LOCK).read_text().strip())}"
    except (OSError, ValueError):
        return "another process"


_TEMP_NAME = re.compile(r"\.(.+)\.[A-Za-z0-9_]{8}(\.\w+)?")


def clean_leftovers(reports_dir: Path) -> None:
    """Remove what a killed build left behind: its temporary folders and half-written temporary files.

    Only names this module creates are touched, and only while the build lock is held.
    """
    for path in reports_dir.glob(".build-*"):
        shutil.rmtree(path, ignore_errors=True)
    for folder in [reports_dir, *(p for p in reports_dir.iterdir() if p.is_dir() and not p.name.startswith("."))]:
        for path in folder.glob(".*"):
            if path.name.startswith((".charts-new-", ".charts-old-")):
                shutil.rmtree(path, ignore_errors=True)
            elif path.is_file() and _TEMP_NAME.fullmatch(path.name) and path.name not in (MANIFEST, LOCK):
                path.unlink(missing_ok=True)


def _worker_init(parent: int) -> None:
    """In each worker: leave Ctrl-C to the parent, and die with it if it is killed."""
    signal.signal(signal.SIGINT, lambda signum, frame: None)  # a handler, not SIG_IGN: kernels must not inherit it
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


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


def _stop_descendants(grace: float = 5.0, *, kernels_only: bool = False) -> None:
    """Stop the workers and the kernels they started: TERM, then KILL what is left after ``grace`` s.
    ``kernels_only``: leave the workers (this process's own children) and stop what they started."""
    procs = _descendants(os.getpid())
    if kernels_only:
        workers = set(_children(os.getpid()))
        procs = [p for p in procs if p not in workers]
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


@dataclass
class Outcome:
    """What a run of the build did: failures, whether Ctrl-C stopped it, and the briefings whose content
    changed (what an analyst re-sends), in the order they finished."""

    failures: int = 0
    interrupted: bool = False
    changed: list[str] = field(default_factory=list)


def _left(seconds: float) -> str:
    return f"about {round(seconds)} s left" if seconds < 90 else f"about {round(seconds / 60)} min left"


def longest_first(todo: list[tuple[Job, dict[str, str], list[str]]], manifest: dict[str, Any]) -> list[Job]:
    """The jobs in the order to start them: those that took longest last time first (a briefing never
    built before counts as long), so that no long briefing starts last and keeps the others waiting."""
    def took(job: Job) -> float:
        seconds = manifest.get(job.briefing.id, {}).get("seconds")
        return float(seconds) if isinstance(seconds, (int, float)) else float("inf")

    jobs = [job for job, _, _ in todo]
    return sorted(jobs, key=took, reverse=True)  # stable: equal times keep the list's order


def run_all(todo: list[tuple[Job, dict[str, str], list[str]]], jobs: int, reports_dir: Path,
            manifest: dict[str, Any], say: Callable[[str], None]) -> Outcome:
    """Build every job. Each line ends with the count so far and an estimate of the time left. Ctrl-C
    stops workers and kernels, and says so."""
    out = Outcome()
    started = time.perf_counter()
    hashes_of = {job.briefing.id: hashes for job, hashes, _ in todo}
    why = {job.briefing.id: "; ".join(reasons) for job, _, reasons in todo}
    params_of = {job.briefing.id: job.parameters for job, _, _ in todo}
    finished: list[str] = []

    def record(result: Result) -> None:
        finished.append(result.id)
        done, total = len(finished), len(todo)
        rate = (time.perf_counter() - started) / done
        where = f" [{done}/{total}{', ' + _left(rate * (total - done)) if done < total else ''}]"
        if result.ok and result.changed:
            out.changed.append(result.id)
        if result.ok:
            manifest[result.id] = {"inputs": hashes_of[result.id], "as_of": params_of[result.id]["as_of"],
                                   "title": params_of[result.id].get("title", result.id), "pdf_pages": result.pages,
                                   "seconds": round(result.seconds, 2)}  # to start the longest first next time
            save_manifest(reports_dir, manifest)
            same = "" if result.changed else "; content unchanged"
            split = ""
            if os.environ.get("ANALYSIS_TIMINGS"):  # where the time went, for whoever tunes the build
                split = " {" + ", ".join(f"{k} {v:.1f} s" for k, v in result.phases.items()) + "}"
            say(f"built    {result.id} in {result.seconds:.1f} s ({why[result.id]}{same}){split}{where}")
        else:
            out.failures += 1  # the manifest does not claim it current, so the next build retries
            say(f"FAILED   {result.id} ({why[result.id]}): {result.message}{where}")
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
            futures = [pool.submit(build_one, job) for job in longest_first(todo, manifest)]
            for future in as_completed(futures):
                record(future.result())
            # Each worker kept its kernel warm for the next briefing; none is left running after the build.
            _stop_descendants(grace=2.0, kernels_only=True)
            pool.shutdown()
    except KeyboardInterrupt:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        _stop_descendants()
        clean_leftovers(reports_dir)
        built = [i for i in finished if manifest.get(i, {}).get("inputs")]
        rest = [job.briefing.id for job, _, _ in todo if job.briefing.id not in built]
        say(f"interrupted: built {', '.join(built) or 'nothing'}; not built, left as they were: "
            f"{', '.join(rest) or 'none'}. Run the build again to finish.")
        out.interrupted = True
    return out
