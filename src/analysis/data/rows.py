"""Adding a policy, target or outcome as an analyst would: ``analysis add policy|target|outcome``.

Values come from flags; what is missing is filled from the rows the new one links to, and what is still
missing is asked for (only when an ``ask`` function is given: the command passes one on a terminal) or
reported, never guessed:

- an outcome given a ``target_id`` takes the target's ``policy_id`` and ``metric`` (and its ``unit`` when a
  value is given); asked for its scope, the target's is offered;
- a target given a ``policy_id`` takes ``scope`` and ``sector`` where every other target of that policy
  has the same one;
- a target's id is suggested as ``<policy_id>-<metric>``, an outcome's as ``<metric>-<date>`` (the
  convention of the ids in the data); a suggested id never repeats one in the file;
- an id that must exist (``target_id``, ``policy_id``, ``source_id``, ``follows``) and does not is refused
  with the nearest one ("did you mean ...?").

The row then goes through the validator like any other (``analysis.data.append``): nothing is written
unless the new row is clean.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .append import AddError, check_row
from .csvfile import CsvFile, Row, read_csv
from .problems import did_you_mean
from .schema import Descriptor, DescriptorError, Field, Table, read_descriptor

Ask = Callable[[str], str]
"""Shows a prompt and returns the line typed (``input`` on a terminal); raises ``EOFError`` at end of input."""

TABLES = {"policy": "policies", "target": "targets", "outcome": "outcomes"}

COLUMNS: dict[str, tuple[str, ...]] = {
    "policies": ("id", "title_en", "title_zh", "issuer", "doc_number", "issued", "period_start", "period_end",
                 "level", "topics", "source_id", "note"),
    "targets": ("id", "policy_id", "metric", "description_en", "description_zh", "comparator", "target_value",
                "target_max", "unit", "baseline_value", "baseline_date", "deadline", "sector", "scope",
                "source_id", "as_printed", "note", "binding", "follows"),
    "outcomes": ("id", "target_id", "policy_id", "metric", "qualifier", "value", "unit", "refers_to", "reported",
                 "scope", "source_id", "as_printed", "note", "match", "strength", "derived_from"),
}
"""The columns of each table, for the command's flags (a test holds them to datapackage.json)."""

LINKS = {"target_id": "targets", "policy_id": "policies", "source_id": "sources", "follows": "targets"}
_SINGULAR = {"targets": "target", "policies": "policy", "sources": "source"}


def flag(column: str) -> str:
    return "--" + column.replace("_", "-")


@dataclass
class AddedRow:
    kind: str
    path: Path
    line: int
    values: dict[str, str]
    notes: list[str] = field(default_factory=list)


class _Links:
    """The rows of the tables a new row may point at, read once."""

    def __init__(self, data_dir: Path, package: Descriptor) -> None:
        self.data_dir, self.package = data_dir, package
        self._files: dict[str, CsvFile] = {}

    def file(self, table: str) -> CsvFile:
        if table not in self._files:
            t = self.package.table(table)
            self._files[table] = read_csv(self.data_dir / t.path, t.path, t.columns)
        return self._files[table]

    def rows(self, table: str) -> list[Row]:
        return self.file(table).rows

    def row(self, table: str, row_id: str | None) -> Row | None:
        return next((r for r in self.rows(table) if row_id and r["id"] == row_id), None)

    def unknown(self, column: str, value: str) -> str | None:
        """The problem with ``value`` in a column that names a row elsewhere, or ``None`` if it exists."""
        table = LINKS[column]
        ids = [r["id"] for r in self.rows(table)]
        if column == "follows":  # one or more earlier targets, separated by spaces
            unknown = [v for v in value.split() if v not in ids]
            if not unknown:
                return None
            value = unknown[0]
        if value in ids:
            return None
        if not self.file(table).readable:
            return (f"cannot look up {value!r}: {self.file(table).label} cannot be read; fix it first "
                    "(analysis validate names the problem)")
        return f"unknown {_SINGULAR[table]} {value!r}{did_you_mean(value, ids)}"


def slug(text: str, words: int = 6) -> str:
    """``text`` as an id part: ASCII letters and digits joined by hyphens, at most ``words`` words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text)[:words])


def _defaults(kind: str, values: dict[str, str], links: _Links, notes: list[str]) -> None:
    """Fill what the linked rows say, never over a value already given."""

    def fill(column: str, value: str, why: str) -> None:
        if value and not values.get(column):
            values[column] = value
            notes.append(f"{column}: {value} ({why}; {flag(column)} sets it)")

    if kind == "outcome" and (target := links.row("targets", values.get("target_id"))) is not None:
        fill("policy_id", target["policy_id"], f"from target {target['id']}")
        fill("metric", target["metric"], f"from target {target['id']}")
        if values.get("value"):
            fill("unit", target["unit"], f"from target {target['id']}")
    if kind == "target" and values.get("policy_id"):
        siblings = [r for r in links.rows("targets") if r["policy_id"] == values["policy_id"]]
        for column in ("scope", "sector"):
            seen = {r[column] for r in siblings}
            if siblings and len(seen) == 1:
                fill(column, seen.pop(), f"as all {len(siblings)} targets of {values['policy_id']}")


def _offers(kind: str, values: dict[str, str], links: _Links) -> dict[str, str]:
    """Answers a prompt offers (Enter takes them) but a command without a terminal does not assume."""
    target = links.row("targets", values.get("target_id")) if kind == "outcome" else None
    return {"scope": target["scope"]} if target is not None and target["scope"] else {}


def suggest_id(kind: str, values: dict[str, str], taken: set[str]) -> str | None:
    """A new id from the row's values, not in ``taken``; ``None`` when the values do not give one."""
    measure = slug(values.get("metric", ""))
    if kind == "target" and values.get("policy_id") and measure:
        base = f"{values['policy_id']}-{measure}"
        year = values.get("deadline", "")[:4]
        candidates = [base, *([f"{base}-{year}"] if year else [])]
    elif kind == "outcome" and measure and (when := values.get("refers_to") or values.get("reported")):
        base = f"{measure}-{when[:7]}"
        candidates = [base]
    else:
        return None
    candidates += [f"{base}-{n}" for n in range(2, 100)]
    return next((c for c in candidates if c not in taken), None)


_ID_FROM = {"target": " (or --policy-id and --metric, to have one suggested)",
            "outcome": " (or --metric and a date, --refers-to or --reported, to have one suggested)"}


def _problem(fl: Field, value: str, links: _Links, taken: dict[str, int]) -> str | None:
    """What is wrong with one answer on its own, or ``None``."""
    from .validate import value_problem

    if message := value_problem(fl, value):
        return message
    if fl.name == "id" and value in taken:
        return f"{value!r} is already used (line {taken[value]}); choose a new id"
    if fl.name in LINKS and value:
        return links.unknown(fl.name, value)
    return None


def _prompt(fl: Field, offer: str) -> str:
    about = fl.description.split(". ")[0].rstrip(".")
    if fl.enum is not None and len(fl.enum) <= 10 and not all(choice in about for choice in fl.enum):
        about = f"{about}: {', '.join(fl.enum)}"
    return f"{fl.name} ({about}){f' [{offer}]' if offer else ''}: "


def _ask_for(fl: Field, ask: Ask, offer: str, links: _Links, taken: dict[str, int]) -> str:
    """Ask until the answer is a valid value of ``fl``; an empty answer takes the offer."""
    prompt = _prompt(fl, offer)
    while True:
        try:
            answer = ask(prompt).strip() or offer
        except EOFError:
            raise AddError([f"input ended before {fl.name} was given"]) from None
        problem = "a value is required" if not answer else _problem(fl, answer, links, taken)
        if problem is None:
            return answer
        prompt = f"  {problem}\n{_prompt(fl, offer)}"


def _introduced(ask: Ask, intro: str) -> Ask:
    """``ask``, with ``intro`` on a line before its first prompt."""
    first = [True]

    def asking(prompt: str) -> str:
        shown = f"{intro}\n{prompt}" if first[0] else prompt
        first[0] = False
        return ask(shown)

    return asking


def _required(kind: str, fl: Field, values: dict[str, str]) -> bool:
    """Whether a column needs a value: the schema's required ones, and for an outcome the date it was reported
    (unless derived, when it is computed) and, for a figure linked to a target, how it measures it (match)."""
    if fl.required:
        return True
    if kind != "outcome":
        return False
    if fl.name == "reported":
        return not values.get("derived_from")
    return fl.name == "match" and bool(values.get("target_id")) and bool(values.get("value") or values.get("derived_from"))


def add_row(data_dir: Path, kind: str, given: dict[str, str], ask: Ask | None = None) -> AddedRow:
    """Append a ``kind`` row (policy, target or outcome) to its table in ``data_dir``, checked first.

    ``given`` maps columns to values (empty ones count as not given). Missing required values are asked for
    with ``ask`` if given, otherwise reported. Raise ``AddError`` (nothing written) with every problem.
    """
    try:
        package = read_descriptor(data_dir)
    except DescriptorError as exc:
        raise AddError([f"{data_dir / 'datapackage.json'}: {exc}"]) from None
    table: Table = package.table(TABLES[kind])
    values = {k: v.strip() for k, v in given.items() if v is not None and v.strip()}
    unknown = [k for k in values if k not in table.columns]
    if unknown:
        raise AddError([f"{table.path}: no column(s) {', '.join(unknown)} (columns: {', '.join(table.columns)})"])
    links = _Links(data_dir, package)
    taken = {r["id"]: r.line for r in links.rows(table.name) if r["id"]} if "id" in table.columns else {}

    problems = [f"{flag(c)}: {p}" for c, v in values.items() if c in LINKS and (p := links.unknown(c, v))]
    if values.get("id") in taken:
        problems.append(f"--id: {values['id']!r} is already used in {table.path} (line {taken[values['id']]}); "
                        "choose a new id")
    if problems:
        raise AddError(problems)

    notes: list[str] = []
    _defaults(kind, values, links, notes)
    required = [fl for fl in table.fields if _required(kind, fl, values) and fl.name != "id"]
    if ask is not None:
        ask = _introduced(ask, f"{table.path}: the required values not given as flags (Enter takes an offer in "
                               "[brackets]; Ctrl-D stops, and nothing is written)")
        for fl in required:
            if not values.get(fl.name):
                values[fl.name] = _ask_for(fl, ask, _offers(kind, values, links).get(fl.name, ""), links, taken)
                _defaults(kind, values, links, notes)
    if not values.get("id") and (suggested := suggest_id(kind, values, set(taken))):
        values["id"] = suggested
        notes.append(f"id: {suggested} (suggested from the {'policy and ' if kind == 'target' else ''}metric"
                     f"{' and date' if kind == 'outcome' else ''}; --id sets it)")
    if not values.get("id") and ask is not None:
        values["id"] = _ask_for(table.field("id"), ask, "", links, taken)

    missing = [flag(fl.name) + (_ID_FROM.get(kind, "") if fl.name == "id" else "")
               for fl in table.fields if _required(kind, fl, values) and not values.get(fl.name)]
    if missing:
        raise AddError([f"missing required value(s): {', '.join(missing)}; give them as flags (or run the "
                        "command in a terminal to be asked for them)"])
    line = check_row(data_dir, table.name, values).write()
    return AddedRow(kind, data_dir / table.path, line, {c: values.get(c, "") for c in table.columns}, notes)
