"""The build: read the list, decide what is out of date, check the data and the font once, build the rest
in parallel, and write the front page. ``build(Options())`` returns the exit status; ``main_build`` is
what the CLI calls.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .. import paths
from ..data.package_files import read_files
from ..data.reads import TextRows, slice_version
from ..report.commentary import CommentaryError, commentary_state
from ..report.frontpage import DATA_PACKAGE, write_index
from .data_zip import write_data_zip
from .execute import Job
from .inputs import CODE_DIR, changed, code_inputs, digest, input_hashes, read_manifest, save_manifest, selected
from .laps import Laps
from .live import LiveLine
from .pool import Outcome, clean_leftovers, lock_owner, lock_reports, run_all
from .spec import BriefingSpec, ConfigError, read_briefings
from .splice import Additions, orphans, read_additions


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


def build(opts: Options, say: Callable[[str], None] = print, *, locked: bool = False) -> int:
    """Build what is out of date; return the exit status (0: all good, 1: something failed, 130: Ctrl-C).
    ``locked``: the caller already holds the reports folder's lock (``analysis publish``)."""
    started = time.perf_counter()
    # Notebooks run in notebooks/, so every path they are given must not depend on the current folder.
    opts = replace(opts, reports_dir=opts.reports_dir.resolve(), data_dir=opts.data_dir.resolve(),
                   notebooks_dir=opts.notebooks_dir.resolve())
    if not (opts.data_dir / paths.DESCRIPTOR).is_file():
        say(f"error: {opts.data_dir}: no {paths.DESCRIPTOR} there (is --data-dir the data package folder?)")
        say("nothing was built")
        return 1
    picked = choose(opts, say, "nothing was built")
    if picked is None:
        return 1
    briefings, chosen = picked

    opts.reports_dir.mkdir(parents=True, exist_ok=True)
    try:
        lock = None if locked else lock_reports(opts.reports_dir)
    except BlockingIOError:
        say(f"error: another build is running in {opts.reports_dir} ({lock_owner(opts.reports_dir)}); "
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
        if lock is not None:
            lock.close()


def code_hashes() -> dict[str, str]:
    return {f"code {p.relative_to(CODE_DIR)}": digest(p) for p in code_inputs()}


def planned(b: BriefingSpec, opts: Options, code: dict[str, str], today: str,
            package: TextRows | None = None, links: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The parameters a build would run ``b`` with, and the hashes of its inputs (a briefing of every
    policy links to the others, so their ids are one of its inputs)."""
    params = dict(b.parameters)
    params["as_of"] = opts.as_of or params.get("as_of") or today
    hashes = input_hashes(replace(b, parameters=params), opts.data_dir, code, package, opts.reports_dir)
    if selected(b) is None and links:
        hashes["briefing links"] = digest_text(links)
    if b.title_zh:
        hashes["title_zh"] = digest_text(b.title_zh)
    return params, hashes


def title_zh(b: BriefingSpec, package: TextRows) -> str:
    """The Chinese edition's title: the entry's ``title_zh``, else the policy's own Chinese title for a briefing
    of one policy that has one."""
    chosen = selected(b)
    if "zh" not in b.editions:
        return ""
    if b.title_zh:
        return b.title_zh
    if not chosen or len(chosen) != 1:
        return ""
    return next((r.get("title_zh") or "" for r in package.rows("policies") if r["id"] == chosen[0]), "")


def policy_briefings(briefings: list[BriefingSpec]) -> str:
    """``{policy id: briefing id}`` for the briefings of one policy each, as JSON."""
    import json

    out = {}
    for b in briefings:
        ids = selected(b)
        if ids is not None and len(ids) == 1:
            out.setdefault(ids[0], b.id)
    return json.dumps(out, sort_keys=True)


def digest_text(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def choose(opts: Options, say: Callable[[str], None],
           nothing: str) -> tuple[list[BriefingSpec], list[BriefingSpec]] | None:
    """The list of briefings and those ``--only`` picks; ``None`` (after saying why, then ``nothing``) when
    the list has errors or ``--only`` names an unknown id."""
    try:
        briefings = read_briefings(opts.briefings_file, opts.data_dir, opts.notebooks_dir)
    except ConfigError as exc:
        for problem in exc.problems:
            say(f"error: {problem}")
        say(nothing)
        return None
    known = {b.id for b in briefings}
    unknown = [i for i in opts.only if i not in known]
    if unknown:
        say(f"error: --only names unknown briefing(s): {', '.join(unknown)}{_near(unknown, known)} "
            f"(known: {', '.join(sorted(known))})")
        say(nothing)
        return None
    return briefings, [b for b in briefings if not opts.only or b.id in opts.only]


def _near(unknown: list[str], known: set[str]) -> str:
    """"; did you mean 'ii-plan-2021-2023'?" for the first unknown id with a near miss among the known ones."""
    import difflib

    for name in unknown:
        if close := difflib.get_close_matches(name, sorted(known), n=1):
            return f"; did you mean {close[0]!r} for {name!r}?" if len(unknown) > 1 else f"; did you mean {close[0]!r}?"
    return ""


def _build_locked(opts: Options, briefings: list[BriefingSpec], chosen: list[BriefingSpec], started: float,
                  say: Callable[[str], None]) -> int:
    laps = Laps()
    lap = laps.lap

    clean_leftovers(opts.reports_dir)
    manifest = read_manifest(opts.reports_dir)
    code = code_hashes()
    files = read_files(opts.data_dir)  # the one read: hashed here, validated below, typed in each kernel
    package = TextRows.of(files)
    today = date.today().isoformat()
    additions = check_additions(briefings, chosen, package, say, "nothing was built")
    if additions is None:
        return 1
    todo: list[tuple[Job, dict[str, str], list[str]]] = []
    links = policy_briefings(briefings)
    for b in chosen:
        params, hashes = planned(b, opts, code, today, package, links)
        entry = manifest.get(b.id, {})
        outputs_present = all((opts.reports_dir / b.id / f"{stem}.{ext}").exists() for stem in b.stems
                              for ext in ("html", "pdf"))
        if not opts.force and entry.get("inputs") == hashes and outputs_present:
            say(f"skipped  {b.id} (unchanged)")
            continue
        reasons = ["--force"] if opts.force else changed(entry.get("inputs") or entry.get("last_inputs"), hashes)
        if entry and entry.get("inputs") is None and not opts.force:
            reasons = [r for r in reasons if r != "no earlier build"] + ["its last build did not complete"]
        if not outputs_present and entry:
            reasons = ["outputs missing"]
        version = slice_version(package, selected(b))  # what the briefing cites: a hash of what it reads
        todo.append((Job(b, params, opts.data_dir, opts.reports_dir, version, opts.timeout, files.fingerprint,
                         reuse_charts=not opts.force, additions=additions[b.id],
                         links=links if selected(b) is None else None, title_zh=title_zh(b, package)), hashes, reasons))

    lap("plan")
    outcome = Outcome()
    if todo:
        # Validate only when there is work: an up-to-date build stays well under half a second.
        from ..data.validate import check

        report = check(files)
        if report.errors:
            for problem in report.errors:
                say(str(problem))
            say(f"error: the data has {len(report.errors)} error(s); nothing was built (see analysis validate)")
            return 1
        from ..report.style import FontMissingError, require_cjk_font

        try:
            require_cjk_font()  # before any notebook runs: a briefing without its Chinese font is not published
        except FontMissingError as exc:
            say(f"error: {exc}")
            say("nothing was built")
            return 1
        # Nothing claims to be current while it is being rebuilt: if this build dies half-way, whatever it
        # left is rebuilt next time.
        for job, _, _ in todo:
            if entry := manifest.get(job.briefing.id):
                entry["last_inputs"] = entry.get("inputs") or entry.get("last_inputs")  # to say what changed
                entry["inputs"] = None
        save_manifest(opts.reports_dir, manifest)
        lap("check")
        jobs = max(1, min(opts.jobs or os.cpu_count() or 1, len(todo)))
        say(f"building {len(todo)} briefing(s) with {jobs} job(s); one line as each finishes")
        outcome = run_all(todo, jobs, opts.reports_dir, manifest, say)
        lap("briefings")
    if todo or not (opts.reports_dir / DATA_PACKAGE).exists():
        write_data_zip(opts.data_dir, opts.reports_dir)  # the data the briefings were built from, to download
    write_index(opts.reports_dir, [(b.id, b.title) for b in briefings], read_manifest(opts.reports_dir),
                slice_version(package, None))
    lap("index")
    if os.environ.get("ANALYSIS_TIMINGS"):
        say("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in laps.seconds.items()))
    if outcome.interrupted:
        return 130
    for b in chosen:  # every time, not only when rebuilt: a commentary stays out of date until confirmed
        state = commentary_state(opts.reports_dir / b.id) if additions[b.id].commentary is not None else None
        if state is not None and state.state != "confirmed":
            say(f"note: {state.sentence(b.id)}")
    built = len(todo) - outcome.failures
    say(f"{built} built, {len(chosen) - len(todo)} skipped, {outcome.failures} failed in "
        f"{time.perf_counter() - started:.1f} s; index: {opts.reports_dir / 'index.html'}")
    if todo:  # what a reader would see differently: the briefings to send again
        say(f"content changed: {', '.join(outcome.changed)}" if outcome.changed else
            "content changed: none (the rebuilt briefings read as before)")
    return 1 if outcome.failures else 0


def check_additions(briefings: list[BriefingSpec], chosen: list[BriefingSpec], package: TextRows,
                    say: Callable[[str], None], nothing: str) -> dict[str, Additions] | None:
    """Each chosen briefing's commentary and extra cells, read and checked before anything runs; ``None``
    (after listing every problem, then ``nothing``) when one is wrong."""
    if chosen:  # a file named after no briefing would be silently ignored: say so (a list may be partial)
        for line in orphans(chosen[0].notebooks_dir, {b.id for b in briefings}):
            say(f"warning: {line}")
    problems: list[str] = []
    out = {}
    for b in chosen:
        try:
            out[b.id] = read_additions(b.id, b.notebook, b.notebooks_dir, package, selected(b), b.editions)
        except CommentaryError as exc:
            problems += exc.problems
    if problems:
        for problem in problems:
            say(f"error: {problem}")
        say(nothing)
        return None
    return out


def main_build(argv_opts: Options) -> int:
    """Entry point used by the CLI; prints progress lines as they come, and on a terminal (not in CI) a
    live line below them with the count and the time left (``analysis.pipeline.live``)."""
    live = LiveLine(sys.stdout) if sys.stdout.isatty() and not os.environ.get("CI") else None

    def say(line: str) -> None:
        if live is not None:
            live.say(line)
        else:
            print(line, flush=True)

    try:
        return build(argv_opts, say)
    except KeyboardInterrupt:  # before the briefings started: nothing was written
        print("interrupted: nothing was built", file=sys.stderr)
        return 130
    finally:
        if live is not None:
            live.close()
