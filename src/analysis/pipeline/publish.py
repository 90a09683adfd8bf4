"""``analysis publish``: stamp the current build of each briefing as its next edition.

For each briefing: check that its last build succeeded and is up to date (the manifest's input hashes
equal what ``analysis build`` would compute now), and that its facts differ from the last edition's. Then
record edition n in ``reports/<id>/editions/<n>/`` (``edition.json`` and ``facts.json``), rebuild the
briefing, which now says "Edition n, published DATE" (the edition is one of its inputs), and keep that PDF
in the edition's folder: the copy kept is the copy sent. A briefing whose rebuild fails has its edition
withdrawn. Any refusal publishes nothing.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..files import write_atomic
from ..report import editions, snapshot
from ..report.commentary import commentary_state
from ..report.snapshot import FACTS
from .inputs import changed, read_manifest
from .pool import lock_owner, lock_reports
from .run import Options, build, choose, code_hashes, planned, policy_briefings
from .spec import BriefingSpec


@dataclass
class PublishOptions:
    build: Options = field(default_factory=Options)
    date: str | None = None  # the date published, YYYY-MM-DD; default: today
    force: bool = False  # publish even when nothing changed since the last edition


@dataclass(frozen=True)
class Plan:
    briefing: BriefingSpec
    number: int
    facts: dict


def publish(opts: PublishOptions, say: Callable[[str], None] = print) -> int:
    """Publish the chosen briefings; return the exit status (0: published or nothing new, 1: refused or failed)."""
    b_opts = replace(opts.build, reports_dir=opts.build.reports_dir.resolve(), data_dir=opts.build.data_dir.resolve(),
                     notebooks_dir=opts.build.notebooks_dir.resolve())
    published = opts.date or date.today().isoformat()
    picked = choose(b_opts, say, "nothing was published")
    if picked is None:
        return 1
    briefings, chosen = picked
    if not b_opts.reports_dir.is_dir():
        say(f"error: {b_opts.reports_dir}: no reports folder; run 'analysis build' first")
        return 1
    try:
        lock = lock_reports(b_opts.reports_dir)
    except BlockingIOError:
        say(f"error: a build is running in {b_opts.reports_dir} ({lock_owner(b_opts.reports_dir)}); "
            "wait for it to finish, then publish")
        return 1
    try:
        return _publish_locked(b_opts, chosen, published, opts.force, say, policy_briefings(briefings))
    finally:
        lock.close()


def _refusal(b: BriefingSpec, opts: Options, code: dict[str, str], today: str, manifest: dict,
             links: str) -> str | None:
    """Why the current build of ``b`` cannot be published, or None."""
    build_it = f"run 'analysis build --only {b.id}' first"
    if "context" not in b.declared:  # the build saves facts.json only for notebooks that take its context
        return "its notebook keeps no facts.json, so it has no editions"
    entry = manifest.get(b.id)
    if not entry:
        return f"it has never been built; {build_it}"
    if entry.get("inputs") is None:
        return f"its last build failed or did not finish; {build_it}"
    _, hashes = planned(b, opts, code, today, links=links)
    if entry["inputs"] != hashes:
        return f"it is out of date since it was built ({'; '.join(changed(entry['inputs'], hashes))}); {build_it}"
    folder = opts.reports_dir / b.id
    missing = [name for name in (FACTS, f"{b.stems[0]}.pdf") if not (folder / name).is_file()]
    if missing:
        return f"its {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing; {build_it}"
    state = commentary_state(folder)  # the build just checked: it is up to date
    if state is not None and state.state != "confirmed":
        return state.sentence(b.id)
    return None


def _publish_locked(opts: Options, chosen: list[BriefingSpec], published: str, force: bool,
                    say: Callable[[str], None], links: str) -> int:
    manifest = read_manifest(opts.reports_dir)
    code = code_hashes()
    today = date.today().isoformat()
    refused: list[str] = []
    plans: list[Plan] = []
    for b in chosen:
        why = _refusal(b, opts, code, today, manifest, links)
        if why:
            refused.append(f"error: cannot publish {b.id}: {why}")
            continue
        folder = opts.reports_dir / b.id / editions.EDITIONS
        try:
            facts = snapshot.read(opts.reports_dir / b.id / FACTS)
            last = editions.last(folder)
            if last is not None and published < last.published:
                refused.append(f"error: cannot publish {b.id}: {published} is before edition {last.number}'s date "
                               f"({last.published})")
                continue
            if last is not None and not force and snapshot.same_facts(facts, last.facts()):
                say(f"nothing new since edition {last.number} of {b.id} (published {last.published}); "
                    "no edition made (--force to publish it again)")
                continue
        except (snapshot.SnapshotError, editions.EditionError) as exc:
            refused.append(f"error: cannot publish {b.id}: {exc}")
            continue
        plans.append(Plan(b, last.number + 1 if last else 1, facts))
    if refused:
        for line in refused:
            say(line)
        say("nothing was published")
        return 1
    if not plans:
        return 0
    for plan in plans:
        _record(opts.reports_dir, plan, published)
        say(f"recorded edition {plan.number} of {plan.briefing.id}; rebuilding it so that it says so")
    try:
        status = build(replace(opts, only=[p.briefing.id for p in plans], force=False), say, locked=True)
    except BaseException:  # interrupted before the rebuild began: no edition without its PDF
        for plan in plans:
            shutil.rmtree(opts.reports_dir / plan.briefing.id / editions.EDITIONS / str(plan.number), ignore_errors=True)
        raise
    manifest = read_manifest(opts.reports_dir)
    failed = 0
    for plan in plans:
        b = plan.briefing
        edition = opts.reports_dir / b.id / editions.EDITIONS / str(plan.number)
        _, hashes = planned(b, opts, code, today, links=links)
        if status == 130 or (manifest.get(b.id) or {}).get("inputs") != hashes:
            shutil.rmtree(edition, ignore_errors=True)
            say(f"error: {b.id}: its rebuild did not succeed, so edition {plan.number} was withdrawn; "
                "fix the build and publish again")
            failed += 1
            continue
        pdf = f"{b.stems[0]}.pdf"
        write_atomic(edition / pdf, (opts.reports_dir / b.id / pdf).read_bytes())
        say(f"published {b.id} edition {plan.number} of {published}: {edition / pdf}")
    return 130 if status == 130 else (1 if failed else 0)


def _record(reports_dir: Path, plan: Plan, published: str) -> None:
    """Write edition n's record and facts in a temporary folder, then rename it into place whole."""
    b = plan.briefing
    folder = reports_dir / b.id / editions.EDITIONS
    folder.mkdir(parents=True, exist_ok=True)
    staged = folder / f".new-{plan.number}-{os.getpid()}"
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir()
    try:
        kept = {**{k: v for k, v in plan.facts.items() if k != "baseline"},
                "baseline": editions.baseline_for_new(plan.facts, folder)}
        write_atomic(staged / FACTS, snapshot.dumps(kept))
        write_atomic(staged / editions.RECORD, editions.record(plan.number, published, plan.facts, b.id))
        os.rename(staged, folder / str(plan.number))
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def main_publish(opts: PublishOptions) -> int:
    """Entry point used by the CLI."""
    def say(line: str) -> None:
        print(line, flush=True)

    try:
        return publish(opts, say)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
