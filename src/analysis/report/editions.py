"""Editions: the builds of a briefing an analyst published (sent), kept in ``reports/<id>/editions/<n>/``.

Each edition folder holds ``edition.json`` (its number, the date it was published, its status date and
data version), the ``facts.json`` it showed and the PDF that was sent. ``analysis publish`` writes them
(``analysis.pipeline.publish``); this module reads them, for the build and for the briefing itself:

- a build whose facts are those of the last edition *is* that edition: its title block says "Edition n,
  published DATE" and its "Since" section compares with what edition n compared with when it was published;
- a build whose facts differ is a draft: "Draft after edition n", and "Since edition n of DATE" compares
  with edition n's facts;
- with no edition, nothing changes: "Since" compares with the last build, and no edition line is shown.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import snapshot

EDITIONS = "editions"
RECORD = "edition.json"


class EditionError(ValueError):
    """An edition record that cannot be read."""


@dataclass(frozen=True)
class Edition:
    number: int
    published: str  # YYYY-MM-DD
    as_of: str
    data_version: str
    folder: Path

    def facts(self) -> dict[str, Any]:
        """The facts this edition showed, with the baseline it was compared with."""
        return snapshot.read(self.folder / snapshot.FACTS)

    def marker(self) -> dict[str, Any]:
        """How a baseline taken from this edition names it."""
        return {"number": self.number, "published": self.published}


def numbered(folder: Path) -> list[Path]:
    """The edition folders under ``reports/<id>/editions``, in order (1, 2, ...)."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_dir() and p.name.isdigit() and (p / RECORD).is_file()),
                  key=lambda p: int(p.name))


def read_record(path: Path) -> Edition:
    """Read ``edition.json`` (or the folder holding it)."""
    path = path / RECORD if path.is_dir() else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        number, published = data["edition"], str(data["published"])
        date.fromisoformat(published)
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise ValueError(f"edition number {number!r}")
        return Edition(number, published, str(data.get("as_of", "")), str(data.get("data_version", "")), path.parent)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EditionError(f"{path}: not a readable edition record ({exc})") from None


def last(folder: Path) -> Edition | None:
    """The last edition published, or None."""
    found = numbered(folder)
    return read_record(found[-1]) if found else None


def record(number: int, published: str, facts: dict[str, Any], bid: str) -> bytes:
    """The bytes of a new ``edition.json``."""
    data = {"edition": number, "briefing": bid, "published": published, "as_of": facts.get("as_of"),
            "data_version": facts.get("data_version"), "title": facts.get("title"), "pdf": f"{bid}.pdf"}
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def input_entries(folder: Path) -> dict[str, str]:
    """What a briefing's build depends on among its editions: the last edition's record and facts.

    Empty with no edition, so a briefing that is never published hashes as before. The PDF is left out:
    it is copied in after the rebuild that publishing causes, and must not cause another.
    """
    found = numbered(folder)
    if not found:
        return {}
    h = hashlib.sha256()
    for name in (RECORD, snapshot.FACTS):
        path = found[-1] / name
        h.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    return {"last edition": h.hexdigest()}


def _is_edition(facts: dict[str, Any], edition: Edition) -> bool:
    try:
        return snapshot.same_facts(facts, edition.facts())
    except snapshot.SnapshotError:
        return False


def baseline(facts: dict[str, Any], folder: Path | str | None) -> tuple[bool, dict[str, Any] | None]:
    """What a build with ``facts`` compares with, as its editions decide: (decided, baseline).

    Not decided (False, None) when no edition was published: the last build's baseline logic applies.
    """
    edition = last(Path(folder)) if folder else None
    if edition is None:
        return False, None
    shown = edition.facts()
    if snapshot.same_facts(facts, shown):
        return True, shown.get("baseline")  # this is that edition: the same comparison as when it was sent
    return True, {**{k: v for k, v in shown.items() if k != "baseline"}, "edition": edition.marker()}


def baseline_for_new(facts_with_baseline: dict[str, Any], folder: Path) -> dict[str, Any] | None:
    """What a new edition compares with: the last edition, or, for the first, what its build compared with."""
    edition = last(folder)
    if edition is None:
        return facts_with_baseline.get("baseline")
    shown = edition.facts()
    return {**{k: v for k, v in shown.items() if k != "baseline"}, "edition": edition.marker()}


def label(facts: dict[str, Any] | None, folder: Path | str | None) -> str:
    """The title block's edition line: "Edition n, published DATE", "Draft after edition n (published
    DATE)", or "" when no edition was published."""
    edition = last(Path(folder)) if folder else None
    if edition is None or facts is None:
        return ""
    if _is_edition(facts, edition):
        return f"Edition {edition.number}, published {edition.published}"
    return f"Draft after edition {edition.number} (published {edition.published})"


def since_words(marker: dict[str, Any], old_as_of: str, version: str | None) -> tuple[str, str]:
    """The "Since" heading and the start of its sentence, for a baseline that is an edition (plain text)."""
    n, published = marker.get("number"), marker.get("published")
    extra = f"status as of {old_as_of}" + (f", data version {version}" if version else "")
    return f"Since edition {n} of {published}", f"Compared with edition {n}, published {published} ({extra}): "
