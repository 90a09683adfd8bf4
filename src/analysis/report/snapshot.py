"""What a briefing showed, saved beside it, and what changed since: ``facts.json`` and its comparison.

Each build writes ``reports/<id>/facts.json``: the briefing's as-of date and data version, and for every
policy, target and amount it showed the readable values a reader saw (goal, deadline, status, latest
evidence, the figure as printed). Keys are sorted, so two snapshots of the same facts are the same bytes.

The next build compares with that snapshot and the briefing opens with "Since <earlier as-of date>". A
rebuild that changes no fact (a forced rebuild, a code change) keeps comparing with the same earlier
briefing rather than with itself: the snapshot carries the baseline it was compared with, and a
snapshot whose facts equal the new ones hands that baseline on. The notebook parameter ``compare_to``
names a snapshot to compare with instead (say, the one mailed last quarter).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import read_json_object
from .i18n import N_, _
from .text import day_text

FORMAT = 2
READS = (1, 2)
"""Formats a snapshot can be compared with. Format 2 writes goals in words ("at least 30 factories" where
format 1 wrote "≥ 30 factories"): a goal is compared only between snapshots of one format, so the change of
wording is not reported as a revised goal."""
WORDING = {"goal": 2}
"""A field and the format from which it is written as it is now."""
FACTS = "facts.json"
"""A briefing's snapshot, beside its HTML (and in each published edition)."""
NUMBERS = "source-numbers.json"
"""Beside facts.json: the number each source has had in the briefing's series, so numbers stay put."""
TABLES = ("policies", "targets", "investments")
SINGULAR = {"policies": "policy", "targets": "target", "investments": "amount"}
# The fields whose change is a revision a reader should hear about, in the order they are listed.
REVISED = {
    "policies": ("title", "issued", "period"),
    "targets": ("goal", "deadline", "as_printed", "evidence", "latest"),
    "investments": ("amount", "as_printed", "period", "kind"),
}
FIGURE_IDS = {"evidence": "evidence_id", "latest": "latest_id"}
"""A figure field and the outcome id behind it: another id is a new figure (another source, a later date),
not a revision of the old one."""
LINEAGE = ("follows", "restated_by")
"""Target fields whose change is a change of lineage."""
FIELD_TEXT = {"goal": N_("goal"), "deadline": N_("deadline"), "as_printed": N_("as printed"),
              "evidence": N_("deciding figure"), "latest": N_("last known figure"), "strength": N_("strength"),
              "follows": N_("continues"), "restated_by": N_("restated by"), "amount": N_("amount"),
              "period": N_("period"), "kind": N_("kind"), "title": N_("title"), "issued": N_("issued")}


class SnapshotError(ValueError):
    """A facts.json that cannot be read or is not a briefing snapshot."""


# -- taking a snapshot ------------------------------------------------------------------------------


def same_facts(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two snapshots show the same facts on the same date (title and data version aside)."""
    return all(a.get(k) == b.get(k) for k in ("as_of", *TABLES)) and _commentary_seen(a) == _commentary_seen(b)


def _commentary_seen(snapshot: dict[str, Any]) -> tuple[object, object] | None:
    """What a reader sees of the analyst's commentary: its text and whether it is marked out of date."""
    c = snapshot.get("commentary")
    return (c.get("digest"), c.get("state")) if isinstance(c, dict) else None


def baseline_for(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the briefing compares with, given the snapshot of its last build.

    A last build that showed the same facts was itself only a rebuild, so its own baseline is kept.
    """
    if previous is None:
        return None
    if same_facts(current, previous):
        return previous.get("baseline")
    return _without_baseline(previous)


def _without_baseline(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in snapshot.items() if k != "baseline"}


def dumps(snapshot: dict[str, Any]) -> bytes:
    return (json.dumps(snapshot, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def read(path: Path | str) -> dict[str, Any]:
    """Read a snapshot: a facts.json, or a folder holding one (``reports/<id>``)."""
    path = Path(path)
    if path.is_dir():
        path = path / "facts.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such snapshot (a facts.json written by 'analysis build')") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SnapshotError(f"{path}: not a readable snapshot ({exc})") from None
    if not isinstance(data, dict) or data.get("format") not in READS or not all(
            isinstance(data.get(t), dict) for t in TABLES) or not isinstance(data.get("as_of"), str):
        raise SnapshotError(f"{path}: not a briefing snapshot (expected format {FORMAT} with as_of, "
                            f"{', '.join(TABLES)})")
    return data


# -- comparing two snapshots ------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    kind: str  # added, removed, status, revised
    table: str  # policies, targets, investments
    id: str
    label: str
    field: str = ""
    old: str | None = None
    new: str | None = None


@dataclass(frozen=True)
class Comparison:
    old_as_of: str
    new_as_of: str
    changes: tuple[Change, ...]

    def of(self, kind: str, table: str | None = None) -> list[Change]:
        return [c for c in self.changes if c.kind == kind and (table is None or c.table == table)]


def compare(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """Every added and removed row, status change and revised figure, in a stable order."""
    changes: list[Change] = []
    for table in TABLES:
        before, after = old.get(table, {}), new.get(table, {})
        for key in sorted(after.keys() - before.keys()):
            changes.append(Change("added", table, key, _label(after[key])))
        for key in sorted(before.keys() - after.keys()):
            changes.append(Change("removed", table, key, _label(before[key])))
        for key in sorted(before.keys() & after.keys()):
            a, b = before[key], after[key]
            if table == "targets" and a.get("status") != b.get("status"):
                changes.append(Change("status", table, key, _label(b), "status", a.get("status"), b.get("status")))
            elif table == "targets" and "strength" in a and a.get("strength") != b.get("strength"):
                changes.append(Change("strength", table, key, _label(b), "strength", a.get("strength"),
                                      b.get("strength")))
            for name in REVISED[table]:
                if a.get(name) == b.get(name) or _reworded(name, old, new):
                    continue
                ids = FIGURE_IDS.get(name) if table == "targets" else None
                if ids and ids in a and a.get(ids) != b.get(ids):
                    changes.append(Change("figure", table, key, _label(b), name, a.get(name), b.get(name)))
                else:
                    changes.append(Change("revised", table, key, _label(b), name, a.get(name), b.get(name)))
            if table == "targets" and "assessment" in a and a.get("assessment") != b.get("assessment"):
                changes.append(Change("assessment", table, key, _label(b), "assessment",
                                      _assessment_text(a.get("assessment")), _assessment_text(b.get("assessment"))))
            for name in LINEAGE if table == "targets" else ():
                # A field the earlier snapshot did not record (an older format) is not a change.
                if name in a and a.get(name) != b.get(name):
                    changes.append(Change("lineage", table, key, _label(b), name, a.get(name), b.get(name)))
    if _commentary_seen(old) != _commentary_seen(new) and "commentary" in new:
        c = new["commentary"]
        state = str(c.get("state"))
        what = "written" if _commentary_seen(old) is None else "revised" if (old.get("commentary") or {}).get(
            "digest") != c.get("digest") else "checked again"
        changes.append(Change("commentary", "briefing", "commentary", COMMENTARY_LABEL, "commentary",
                              None, (what, state, str(c.get("confirmed")))))
    return Comparison(str(old.get("as_of", "")), str(new.get("as_of", "")), tuple(changes))


def _reworded(name: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether ``name`` is written differently in the two snapshots' formats (not comparable)."""
    since = WORDING.get(name)
    return since is not None and (int(old.get("format") or 1) >= since) != (int(new.get("format") or 1) >= since)


def _assessment_text(view: Any) -> str | None:
    """An assessment in a few words: 'partly met, 2026-12-03, stale'."""
    if not isinstance(view, dict):
        return None
    words = [str(view.get("verdict") or "agrees with the computed status"), str(view.get("assessed", ""))]
    if view.get("stale"):
        words.append("stale")
    return ", ".join(words)


def _label(row: dict[str, Any]) -> str:
    return str(row.get("description") or row.get("title") or "").rstrip(" .")


COMMENTARY_LABEL = N_("The analyst's commentary")
N_("written"), N_("revised"), N_("checked again")  # what happened to the commentary, in the Since section

SECTIONS = (  # heading, kind, table
    (N_("Status changes"), "status", None),
    (N_("Stronger or weaker evidence"), "strength", None),
    (N_("New figures"), "figure", None),
    (N_("Revised figures"), "revised", None),
    (N_("Lineage changes"), "lineage", None),
    (N_("Analysts' assessments"), "assessment", None),
    (N_("Commentary"), "commentary", None),
    (N_("New targets"), "added", "targets"),
    (N_("New amounts of money"), "added", "investments"),
    (N_("New policies"), "added", "policies"),
    (N_("No longer in the data"), "removed", None),
)


def _value(text: str | None) -> str:
    return _("none") if text is None else text


def describe(change: Change) -> str:
    """One change as a plain sentence fragment, without the row's label."""
    if change.kind in ("status", "strength"):
        return f"{_value(change.old)} → {_value(change.new)}"
    if change.kind == "figure":
        return _("{field} now {new} (a new figure; before: {old})").format(
            field=_(FIELD_TEXT.get(change.field, change.field)), new=_value(change.new), old=_value(change.old))
    if change.kind == "commentary":
        what, state, confirmed = change.new
        words = {"confirmed": _("confirmed against the data on {day}").format(day=day_text(confirmed)),
                 "stale": _("may be out of date"), "unconfirmed": _("not yet confirmed against the data")}.get(state, "")
        return _("{what}; {words}").format(what=_(what), words=words)
    if change.kind in ("revised", "lineage", "assessment"):
        return _("{field} was {old}, now {new}").format(
            field=_(FIELD_TEXT.get(change.field, change.field)), old=_value(change.old), new=_value(change.new))
    return SINGULAR[change.table]


def as_text(comparison: Comparison) -> str:
    """The comparison for a terminal: one heading per kind of change, one line per change."""
    lines = [f"Since {comparison.old_as_of} (now as of {comparison.new_as_of}):"]
    if not comparison.changes:
        lines.append("  no targets, statuses, figures or amounts changed")
    for heading, kind, table in SECTIONS:
        changes = comparison.of(kind, table)
        if changes:
            lines.append(f"{heading} ({len(changes)}):")
            for c in changes:
                detail = f": {describe(c)}" if kind in ("status", "strength", "figure", "revised", "lineage",
                                                         "assessment", "commentary") else ""
                detail = f" ({describe(c)})" if kind == "removed" else detail
                lines.append(f"  {c.id}  {c.label}{detail}")
    return "\n".join(lines)


def read_numbers(previous_facts: Path | str | None) -> dict[str, int]:
    """The source numbers of the series' last build, kept beside its facts.json; none (a fresh start) if
    unreadable."""
    if not previous_facts:
        return {}
    numbers = read_json_object(Path(previous_facts).parent / NUMBERS).get("sources")
    if not isinstance(numbers, dict):
        return {}
    return {str(k): v for k, v in numbers.items() if isinstance(v, int) and not isinstance(v, bool) and v > 0}
