"""Adding a source as an analyst would: ``analysis add-source``.

The new row is checked like every row (a copy of the package with the row added goes through the
validator) before ``sources.csv`` is touched; only problems on the new row stop it. It is appended in the
file's own line ending (``analysis.data.append``). With ``--snapshot
FILE --archive DIR`` the page's plain text is copied to ``DIR/<id>.txt``, the name ``analysis validate
--archive DIR`` looks for. The archive is the team's own folder outside the project: copies of other
people's pages are not committed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import paths
from ..files import write_atomic
from .append import AddError, check_row

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_HTML = re.compile(r"\A\s*(<!doctype html|<html|<\?xml)", re.I)


@dataclass
class Added:
    line: int
    values: dict[str, str]
    snapshot: Path | None = None
    notes: list[str] = field(default_factory=list)


def _check_snapshot(snapshot: Path, archive: Path, source_id: str) -> list[str]:
    problems = []
    if not snapshot.is_file():
        return [f"--snapshot {snapshot}: no such file"]
    try:
        text = snapshot.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [f"--snapshot {snapshot}: not UTF-8 text (byte {exc.start}); save the page as plain UTF-8 text"]
    if "\x00" in text or not text.strip():
        problems.append(f"--snapshot {snapshot}: {'empty' if not text.strip() else 'holds NUL bytes'}; "
                        "expected the page's plain text")
    elif _HTML.match(text):
        problems.append(f"--snapshot {snapshot}: looks like HTML; save the page as plain text (the archive check "
                        "searches the text for each figure as printed)")
    if not archive.is_dir():
        problems.append(f"--archive {archive}: no such folder (create the team archive first)")
    elif archive.resolve().is_relative_to(paths.PROJ_ROOT):
        problems.append(f"--archive {archive}: inside the project; the archive of page copies lives outside it "
                        "(e.g. ../shared/sources), so other people's pages are not committed")
    else:
        existing = archive / f"{source_id}.txt"
        if existing.exists() and existing.read_bytes() != snapshot.read_bytes():
            problems.append(f"--archive {archive}: {existing.name} already exists with other text; a source id "
                            "names one page: choose a new id or remove the old snapshot yourself")
    return problems


def add_source(data_dir: Path, values: dict[str, str], snapshot: Path | None = None,
               archive: Path | None = None) -> Added:
    """Append a source row to ``data_dir/sources.csv``, checked first; copy its snapshot if given."""
    sources = data_dir / "sources.csv"
    if not sources.is_file():
        raise AddError([f"{sources}: not found (is --data-dir the folder holding datapackage.json?)"])
    if (snapshot is None) != (archive is None):
        raise AddError(["--snapshot and --archive go together: the page's text file and the folder to copy it to"])
    values = {k: v.strip() for k, v in values.items() if v is not None}
    notes = []
    if not values.get("language"):
        values["language"] = "zh-Hans" if _HAN.search(values.get("title", "")) else "en"
        notes.append(f"language: {values['language']} (from the title; --language sets it)")
    if not values.get("accessed"):
        values["accessed"] = date.today().isoformat()
    problems = []
    if snapshot is not None and archive is not None:
        problems = _check_snapshot(snapshot, archive, values.get("id", ""))
    row = check_row(data_dir, "sources", values, also=problems)
    saved = None
    if snapshot is not None and archive is not None:
        saved = archive / f"{values['id']}.txt"
        write_atomic(saved, snapshot.read_bytes())
    line = row.write()
    return Added(line, values, saved, notes)
