"""``analysis commentary confirm ID``: record that an analyst read a briefing's commentary against today's
facts, and ``analysis commentary status``: where each commentary stands.

Confirming makes the briefing as the build would (its parameters, the status date), takes the facts the
commentary depends on (``analysis.report.commentary.depends_on``) and writes them beside the commentary.
A build compares those with its own facts; until they differ again, the page shows no note and
``analysis publish`` takes the briefing. Confirming says what it acknowledges: the changes since the last
confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from ..data.package_files import read_files
from ..data.reads import TextRows
from ..report.commentary import commentary_path, commentary_state, write_confirmation
from .run import Options, check_additions, choose, code_hashes, planned
from .splice import orphans


def confirm(opts: Options, ids: list[str], say: Callable[[str], None] = print, today: date | None = None) -> int:
    """Confirm the commentary of each briefing in ``ids``; return the exit status."""
    from ..report.briefing import Briefing
    from ..report.context import BuildContext

    opts = replace(opts, only=ids)
    picked = choose(opts, say, "nothing was confirmed")
    if picked is None:
        return 1
    briefings, chosen = picked
    package = TextRows.of(read_files(opts.data_dir))
    missing = [b for b in chosen if not commentary_path(b.notebooks_dir, b.id).exists()]
    for b in missing:
        say(f"error: {b.id}: no commentary to confirm ({commentary_path(b.notebooks_dir, b.id)} does not exist)")
    if missing or check_additions(briefings, chosen, package, say, "nothing was confirmed") is None:
        if missing:
            say("nothing was confirmed")
        return 1
    code = code_hashes()
    day = today or date.today()
    for b in chosen:
        params, _ = planned(b, opts, code, day.isoformat(), package)
        path = commentary_path(b.notebooks_dir, b.id)
        briefing = Briefing(title=str(params.get("title", b.id)), policies=params.get("policies", "all"),
                            as_of=params["as_of"], language=str(params.get("language", "en")),
                            due_window_months=int(params.get("due_window_months", 12)),
                            context=BuildContext(data_dir=str(opts.data_dir), briefing_id=b.id, commentary=str(path)))
        assert briefing.remarks is not None and briefing.remarks_state is not None
        before = briefing.remarks_state
        written = write_confirmation(briefing.remarks, b.id, briefing.commentary_facts(), day)
        acknowledged = f"; acknowledged: {'; '.join(before.changes)}" if before.changes else ""
        first = " (its first confirmation)" if before.state == "unconfirmed" else ""
        say(f"confirmed the commentary of {b.id} against the data as of {params['as_of']}{first}{acknowledged}")
        say(f"         wrote {written}; the next build shows it as current")
    return 0


def status(opts: Options, say: Callable[[str], None] = print) -> int:
    """Where each commentary stands, as the last build of its briefing saw it; 1 when one needs confirming."""
    picked = choose(opts, say, "")
    if picked is None:
        return 1
    briefings, chosen = picked
    for line in orphans(opts.notebooks_dir, {b.id for b in briefings}):
        say(f"warning: {line}")
    todo = 0
    found = 0
    for b in chosen:
        if not commentary_path(b.notebooks_dir, b.id).exists():
            continue
        found += 1
        state = commentary_state(opts.reports_dir / b.id)
        if state is None:
            say(f"{b.id}: not built yet; run 'analysis build --only {b.id}'")
            todo += 1
            continue
        say(f"{b.id}: {state.sentence(b.id).removeprefix(f'the commentary of {b.id} ')}")
        todo += state.state != "confirmed"
    if not found:
        say(f"no commentary yet: write {commentary_path(opts.notebooks_dir, 'BRIEFING-ID')} (see docs/analysts-guide.md)")
    return 1 if todo else 0

