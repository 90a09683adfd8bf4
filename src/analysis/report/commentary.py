"""An analyst's commentary on one briefing: ``notebooks/commentary/<briefing-id>.md``, read, checked, and
compared with the facts it was last confirmed against.

The file is Markdown in blocks. ``::: findings`` holds the key findings, shown on page 1; ``::: after
SECTION`` a comment shown at the end of a section of the briefing's notebook (its ``## `` headings as slugs:
``key-figures``, ``targets``, ``money`` ...). Each block ends with a line ``:::``. Outside the blocks only
blank lines are allowed; ``<!-- comments -->`` are dropped wherever they are. Inside, two kinds of live text:

- placeholders, ``{{ status TARGET }}`` and the like (``PLACEHOLDERS``), which render the current fact;
- citations, ``[@source-id]`` or ``[@a; @b]``, which become numbered marks joining the briefing's Sources.

Numbers and claims written out in the prose do not update. So a commentary records the facts it was
written against: ``analysis commentary confirm ID`` (``make confirm ID=...``) writes them beside the file
(``<briefing-id>.confirmed.json``), and a build compares them with today's (``differences``). Until the
analyst confirms again, the page says the commentary may be out of date and ``analysis publish`` refuses.

What a commentary depends on: the counts of targets by status (the findings sit beside them); every
target a placeholder names; every target of the briefing when a block sits after a section that shows
them all (``BESIDE_TARGETS``); every amount when a block sits after the money (``BESIDE_MONEY``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..data.problems import ProblemsError, did_you_mean
from ..files import write_atomic
from .i18n import LANGUAGES
from .text import STATUS_TEXT

FINDINGS = "findings"
FORMAT = 1
BESIDE_TARGETS = frozenset({"targets", "timeline", "progress", "lineage", "status-by-policy"})
BESIDE_MONEY = frozenset({"money", "money-by-period"})
NOT_AFTER = frozenset({"sources"})
"""Nothing is placed after the Sources list: what it cites would not be listed."""

TARGET_PLACEHOLDERS = {
    "target": "the target's description",
    "goal": "its goal, as the targets table shows it ('at least 30 factories')",
    "deadline": "its deadline",
    "status": "its computed status, with the strength of the evidence ('met, on strong evidence')",
    "evidence": "the figure that decided its status, with its date and source",
    "latest": "the latest figure reported for it, with its date and source",
    "share": "the latest figure as a share of the goal ('96%')",
}
COUNTS = ("targets", "policies", "past-deadline", "strong", "fair", "weak", "met", "disputed", "partly", "missed", "claimed", "restated",
          "projected", "not-found", "overdue", "due-soon", "upcoming", "qualitative")
PLACEHOLDERS = {**TARGET_PLACEHOLDERS,
                "count": ("how many targets (or policies) of the briefing: all, past their deadline (numeric "
                          "ones), with a verdict on strong, fair or weak evidence, or with a status: "
                          f"{', '.join(COUNTS)}"),
                "amount": "an amount of money (an id from investments.csv), with its source"}

_FENCE = re.compile(r"^:::\s*(.*?)\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
CITATION = re.compile(r"\[(@[^\[\]]*)\]")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class CommentaryError(ProblemsError):
    """The commentary is wrong; ``problems`` say where, as ``FILE:LINE: what``."""


@dataclass(frozen=True)
class Ref:
    kind: str
    arg: str
    line: int


@dataclass(frozen=True)
class Block:
    section: str
    """``findings`` or the section it follows."""
    line: int
    """The line of its opening fence."""
    text: str
    refs: tuple[Ref, ...]
    sources: tuple[tuple[str, int], ...]
    """Source ids cited, with their lines."""
    language: str = "en"
    """The language it is written in (``::: findings zh``): a Chinese edition shows its ``zh`` blocks, and an
    English block, marked as such, where the section has no ``zh`` one."""


@dataclass(frozen=True)
class Commentary:
    path: Path
    blocks: tuple[Block, ...]
    digest: str
    """A hash of the file's text."""

    def of(self, section: str, language: str = "en") -> list[Block]:
        """The blocks of ``section`` in ``language``; in English where it has none in that language."""
        own = [b for b in self.blocks if b.section == section and b.language == language]
        return own or [b for b in self.blocks if b.section == section and b.language == "en"]

    @property
    def cited_targets(self) -> list[str]:
        return sorted({r.arg for b in self.blocks for r in b.refs if r.kind in TARGET_PLACEHOLDERS})

    @property
    def beside_all_targets(self) -> bool:
        return any(b.section in BESIDE_TARGETS for b in self.blocks)

    @property
    def beside_money(self) -> bool:
        return any(b.section in BESIDE_MONEY for b in self.blocks) or any(
            r.kind == "amount" for b in self.blocks for r in b.refs)


def commentary_path(notebooks_dir: Path, briefing_id: str) -> Path:
    return notebooks_dir / "commentary" / f"{briefing_id}.md"


def confirmation_path(commentary: Path) -> Path:
    """Where the facts of the last confirmation are kept: beside the commentary."""
    return commentary.with_name(f"{commentary.stem}.confirmed.json")


def read_commentary(path: Path, sections: list[str] | None = None, languages: tuple[str, ...] | None = None) -> Commentary:
    """Read a commentary; raise ``CommentaryError`` listing every problem as ``FILE:LINE: what``.
    ``sections``: the sections its notebook has (``None``: not checked, as inside a build's kernel);
    ``languages``: the editions the briefing is built in (a block in another language is an error)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CommentaryError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    problems: list[str] = []
    blocks: list[Block] = []
    # Comments are the analyst's notes to themselves: dropped wherever they are, keeping the line numbers.
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    opened: tuple[str, int, str] | None = None
    body: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        fence = _FENCE.match(line)
        if opened is None:
            if fence is None:
                if line.strip():
                    problems.append(f"{path}:{n}: text outside a block; start one with '::: {FINDINGS}' or "
                                    "'::: after SECTION' and end it with ':::'")
                continue
            words = fence.group(1).split()
            language = words.pop() if len(words) in (2, 3) and words[-1] in LANGUAGES and words != ["after", words[-1]] else "en"
            section, problem = _opening(words, sections)
            if problem:
                problems.append(f"{path}:{n}: {problem}")
            elif languages is not None and language not in languages:
                problems.append(f"{path}:{n}: a block in {language!r}, but the briefing is built only in "
                                f"{', '.join(languages)} (its 'language' in reports/briefings.yml: both builds en and zh)")
            if (section, language) in seen:
                problems.append(f"{path}:{n}: a second block for {section!r} in {language!r} (the first is on line "
                                f"{seen[section, language]}); write one block per section and language")
            seen.setdefault((section, language), n)
            opened, body = (section, n, language), []
        elif fence is not None and not fence.group(1):
            blocks.append(_block(path, opened[0], opened[1], body, problems, opened[2]))
            opened = None
        elif fence is not None:
            problems.append(f"{path}:{n}: a block opens inside the block of line {opened[1]}; close that one "
                            "first with a line ':::'")
        else:
            body.append(line)
    if opened is not None:
        problems.append(f"{path}:{opened[1]}: the block opened here is never closed; end it with a line ':::'")
    if problems:
        raise CommentaryError(problems)
    return Commentary(path, tuple(blocks), hashlib.sha256(path.read_bytes()).hexdigest())


def _opening(words: list[str], sections: list[str] | None) -> tuple[str, str]:
    """The section a fence opens, and a problem ("" if none)."""
    if words == [FINDINGS]:
        return FINDINGS, ""
    if len(words) != 2 or words[0] != "after":
        return " ".join(words), (f"expected '::: {FINDINGS}' or '::: after SECTION' (then, for a block in another "
                                 f"language, its code: {', '.join(LANGUAGES)}), got '::: {' '.join(words)}'")
    section = words[1]
    if section in NOT_AFTER:
        return section, f"nothing can be placed after {section!r}: what it cites would not be listed"
    if sections is not None and section not in sections:
        known = [s for s in sections if s not in NOT_AFTER]
        return section, (f"unknown section {section!r}{did_you_mean(section, known)} (sections of the "
                         f"briefing's notebook: {', '.join(known)})")
    return section, ""


def _block(path: Path, section: str, line: int, body: list[str], problems: list[str], language: str = "en") -> Block:
    refs: list[Ref] = []
    cited: list[tuple[str, int]] = []
    for n, text in enumerate(body, start=line + 1):
        for m in PLACEHOLDER.finditer(text):
            words = m.group(1).split()
            if len(words) != 2 or words[0] not in PLACEHOLDERS or not _ID.fullmatch(words[1]):
                problems.append(f"{path}:{n}: placeholder {m.group(0)!r}: expected '{{{{ KIND ID }}}}' with KIND one of "
                                f"{', '.join(PLACEHOLDERS)}" + (did_you_mean(words[0], list(PLACEHOLDERS)) if words else ""))
                continue
            if words[0] == "count" and words[1] not in COUNTS:
                problems.append(f"{path}:{n}: '{{{{ count {words[1]} }}}}': unknown count"
                                f"{did_you_mean(words[1], list(COUNTS))} (counts: {', '.join(COUNTS)})")
                continue
            refs.append(Ref(words[0], words[1], n))
        for m in CITATION.finditer(text):
            for part in m.group(1).split(";"):
                sid = part.strip().removeprefix("@")
                if not part.strip().startswith("@") or not _ID.fullmatch(sid):
                    problems.append(f"{path}:{n}: citation {m.group(0)!r}: expected '[@source-id]' or '[@a; @b]'")
                    break
                cited.append((sid, n))
    return Block(section, line, "\n".join(body).strip("\n"), tuple(refs), tuple(cited), language)


def check_ids(c: Commentary, targets: dict[str, str], sources: set[str], amounts: dict[str, str],
              policies: list[str]) -> list[str]:
    """Problems with the ids a commentary names: ``targets`` and ``amounts`` map every id to its policy;
    ``policies`` are the briefing's (a placeholder names one of their targets or amounts)."""
    problems = []
    mine = set(policies)
    for block in c.blocks:
        for r in block.refs:
            where = f"{c.path}:{r.line}: '{{{{ {r.kind} {r.arg} }}}}'"
            if r.kind in TARGET_PLACEHOLDERS:
                table, known = "targets", targets
            elif r.kind == "amount":
                table, known = "investments", amounts
            else:
                continue
            if r.arg not in known:
                ids = sorted(k for k, p in known.items() if p in mine)
                problems.append(f"{where}: no {table[:-1] if table == 'targets' else 'amount'} {r.arg!r} in "
                                f"{table}.csv{did_you_mean(r.arg, ids or sorted(known))}")
            elif known[r.arg] not in mine:
                problems.append(f"{where}: {r.arg!r} belongs to policy {known[r.arg]!r}, which this briefing does "
                                "not show")
        for sid, line in block.sources:
            if sid not in sources:
                problems.append(f"{c.path}:{line}: citation '[@{sid}]': no source {sid!r} in sources.csv"
                                f"{did_you_mean(sid, sorted(sources))}")
    return problems


# -- what it was written against -----------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """Where a commentary stands against today's facts."""

    state: str
    """``confirmed``, ``stale`` (a fact it depends on changed since) or ``unconfirmed`` (never confirmed)."""
    confirmed: str | None = None
    """The date of the last confirmation."""
    changes: tuple[str, ...] = field(default_factory=tuple)
    """What changed since, one phrase each."""

    def as_facts(self) -> dict[str, Any]:
        return {"state": self.state, "confirmed": self.confirmed, "changes": list(self.changes)}

    def sentence(self, briefing_id: str) -> str:
        """What the build prints and the draft page says."""
        if self.state == "unconfirmed":
            return (f"the commentary of {briefing_id} was never confirmed against the data: read it, then run "
                    f"'make confirm ID={briefing_id}'")
        if self.state == "stale":
            return (f"the commentary of {briefing_id} may be out of date: {'; '.join(self.changes)} since it was "
                    f"confirmed on {self.confirmed}; edit it if needed, then run 'make confirm ID={briefing_id}'")
        return f"the commentary of {briefing_id} was confirmed against the data on {self.confirmed}"


def commentary_state(folder: Path) -> State | None:
    """The commentary's state as the briefing's last build in ``folder`` (``reports/<id>``) saw it."""
    try:
        facts = json.loads((folder / "facts.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    c = facts.get("commentary") if isinstance(facts, dict) else None
    if not isinstance(c, dict):
        return None
    return State(str(c.get("state")), c.get("confirmed"), tuple(c.get("changes") or ()))


def depends_on(c: Commentary, facts: dict[str, Any]) -> dict[str, Any]:
    """The facts a commentary depends on, from a briefing's facts (``analysis.report.briefing.take``) and
    its counts."""
    targets = facts["targets"]
    wanted = sorted(targets) if c.beside_all_targets else [t for t in c.cited_targets if t in targets]
    keep = ("status", "strength", "evidence", "latest")
    out: dict[str, Any] = {"counts": facts["counts"],
                           "targets": {t: {k: targets[t].get(k) for k in keep} for t in wanted}}
    if c.beside_money:
        out["amounts"] = {i: v["amount"] for i, v in facts["investments"].items()}
    return out


def read_confirmation(c: Commentary) -> dict[str, Any] | None:
    """The last confirmation of a commentary, or ``None``; raise ``CommentaryError`` when it is unreadable."""
    path = confirmation_path(c.path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CommentaryError([f"{path}: not a confirmation record ({exc}); delete it and confirm again"]) from None
    if not isinstance(record, dict) or record.get("format") != FORMAT or not isinstance(record.get("facts"), dict):
        raise CommentaryError([f"{path}: not a confirmation record of format {FORMAT}; delete it and confirm again"])
    return record


def write_confirmation(c: Commentary, briefing_id: str, facts: dict[str, Any], today: date) -> Path:
    """Record that the analyst confirmed the commentary against ``facts`` (``depends_on``) today."""
    path = confirmation_path(c.path)
    record = {"format": FORMAT, "briefing": briefing_id, "confirmed": today.isoformat(), "text_sha256": c.digest,
              "facts": facts}
    write_atomic(path, (json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    return path


def state_of(c: Commentary, now: dict[str, Any], names: dict[str, str]) -> State:
    """Compare the facts of the last confirmation with ``now`` (``depends_on``); ``names`` give each
    target's short name for the sentences."""
    record = read_confirmation(c)
    if record is None:
        return State("unconfirmed")
    changes = differences(record["facts"], now, names)
    return State("stale" if changes else "confirmed", str(record.get("confirmed")), tuple(changes))


def differences(old: dict[str, Any], new: dict[str, Any], names: dict[str, str]) -> list[str]:
    """What changed between two sets of facts, in phrases: "2 targets it discusses changed status: ..."."""
    out = []
    old_t, new_t = old.get("targets", {}), new.get("targets", {})

    def name(t: str) -> str:
        return names.get(t, t)

    def word(status: object) -> str:
        return STATUS_TEXT.get(str(status), str(status))

    status = [f"{name(t)} ({word(old_t[t].get('status'))} → {word(new_t[t].get('status'))})" for t in new_t
              if t in old_t and old_t[t].get("status") != new_t[t].get("status")]
    if status:
        out.append(f"{_count(len(status), 'target it discusses changed', 'targets it discusses changed')} status: "
                   + _first_names(status))
    figures = [name(t) for t in new_t if t in old_t and old_t[t].get("status") == new_t[t].get("status")
               and any(old_t[t].get(k) != new_t[t].get(k) for k in ("evidence", "latest", "strength"))]
    if figures:
        out.append(f"{_count(len(figures), 'target has', 'targets have')} a new or changed figure: " + _first_names(figures))
    added = [name(t) for t in new_t if t not in old_t]
    gone = [t for t in old_t if t not in new_t]
    if added:
        out.append(f"{_count(len(added), 'target is', 'targets are')} new beside it: " + _first_names(added))
    if gone:
        out.append(f"{_count(len(gone), 'target it discussed is', 'targets it discussed are')} no longer shown: "
                   + _first_names(gone))
    oc, nc = old.get("counts", {}), new.get("counts", {})
    counts = [f"{k} {oc.get(k, 0)} → {nc.get(k, 0)}" for k in sorted(set(oc) | set(nc)) if oc.get(k, 0) != nc.get(k, 0)]
    if counts:
        out.append("the counts changed (" + ", ".join(counts) + ")")
    if old.get("amounts", {}) != new.get("amounts", {}) and "amounts" in new:
        out.append("the amounts of money changed")
    return out


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _first_names(names: list[str], shown: int = 3) -> str:
    """The first few names, and how many more: a note stays a sentence."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")
