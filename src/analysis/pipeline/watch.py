"""``analysis build --watch`` (``make watch``): build, then rebuild what is affected each time a CSV, the
schema, a notebook, a briefing's commentary or extra cells, a template or the list of briefings is saved.

Each round is an ordinary build (the same lines, the same errors, the same skipping of what is up to date),
so bad data prints the validator's FILE:LINE:COLUMN problems and the watch waits for the next save. File
events come from ``watchfiles``; saves that land together (an editor's save, or a script writing several
files) are one round. Ctrl-C stops cleanly, also in the middle of a build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from .run import Options, build

TEMPLATES = Path(__file__).resolve().parents[1] / "report" / "templates"
WATCHED_SUFFIXES = (".csv", ".json", ".ipynb", ".py", ".md", ".j2", ".css", ".js", ".yml", ".yaml")


def watched(opts: Options) -> list[Path]:
    """The folders and files whose saves start a round."""
    return [opts.data_dir, opts.notebooks_dir, TEMPLATES, opts.briefings_file]


def relevant(path: str) -> bool:
    """A save worth a build: data, schema, notebooks and their scripts, templates, the list of briefings;
    not an editor's swap or backup file, nor Jupyter's checkpoints."""
    p = Path(path)
    return (p.suffix in WATCHED_SUFFIXES and not p.name.startswith((".", "~")) and ".ipynb_checkpoints" not in p.parts
            and "__pycache__" not in p.parts)


def _names(paths: Iterable[str]) -> str:
    names = sorted({Path(p).name for p in paths})
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def watch(opts: Options, say: Callable[[str], None] = print, *, stop_after: int | None = None) -> int:
    """Build, then rebuild on every relevant save until Ctrl-C (or ``stop_after`` rounds, for tests)."""
    from watchfiles import watch as file_events

    status = build(opts, say)
    if status == 130:
        return 130
    targets = [p for p in watched(opts) if p.exists()]
    rounds, announced = 0, False
    try:
        # An empty set comes first, once the watcher runs: only then does "watching" promise anything (a save
        # made between the build and that moment would otherwise be missed). Saves made during a build are
        # kept by the watcher and come in the next set.
        for changes in file_events(*targets, watch_filter=lambda _change, path: relevant(path), debounce=400,
                                   step=100, rust_timeout=300, yield_on_timeout=True, raise_interrupt=True):
            if not changes:
                if not announced:
                    say(f"watching {', '.join(str(p) for p in targets)} for saves; Ctrl-C stops")
                    announced = True
                continue
            say(f"saved: {_names(path for _, path in changes)}")
            status = build(opts, say)
            if status == 130:
                return 130
            rounds += 1
            if stop_after is not None and rounds >= stop_after:
                return status
            say("watching for saves; Ctrl-C stops" if status == 0 else
                "watching for saves: fix what is listed above and save again; Ctrl-C stops")
    except KeyboardInterrupt:
        say("stopped watching")
        return 0
    return status
