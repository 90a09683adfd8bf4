"""What a briefing reads, row by row: the rows of the data package that can show in a briefing of some
policies, and a digest of each, so that a build rebuilds a briefing only when something it shows changed.

A briefing of policies P reads:

- the rows of P in ``policies.csv``, their targets, money (``investments.csv``) and outcomes (linked to
  one of their targets, or to one of P without a target: claims and reported results);
- the lineage of those targets: every target linked to one of them through ``follows``, in either
  direction and at any distance, with its policy, outcomes and searches (the lineage section shows their
  status);
- the two reported figures behind each derived figure above (``derived_from``), whatever their policy;
- the searches (``checks.csv``) and the analysts' assessments (``assessments.csv``) of every target above,
  and the citations of every row above;
- every source those rows, citations and assessments name;
- the schema, ``datapackage.json``.

Rows are compared by their values, not their bytes: a file re-saved with other line endings or a byte-order
mark, or with its columns in another order, reads the same. The overview (``policies: all``) reads every
row. The same rule gives the briefing's data version, ``1.0.0+<hash of what it reads>``, so that a briefing
that was not rebuilt is byte for byte the briefing a forced build would give.

Reading is done with the ``csv`` module only (no pandas): an up-to-date build must stay well under half a
second. The rows are those of the build's one read (``analysis.data.package_files``), the same the
validator checks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core import derived
from .package_files import PackageFiles, read_files

# The tables and the column that names a row; citations and checks have no id of their own.
KEYS = {"policies": ("id",), "targets": ("id",), "outcomes": ("id",), "investments": ("id",), "sources": ("id",),
        "bodies": ("id",), "citations": ("table", "row_id", "source_id"), "checks": ("target_id", "checked"),
        "assessments": ("target_id", "assessed")}
UNREAD = {"sources": ("accessed", "note"), "citations": ("as_printed", "note"), "checks": ("note",)}
"""Columns no briefing shows (the curators' working notes): editing them rebuilds nothing."""
SINGULAR = {"policies": "policy", "targets": "target", "outcomes": "outcome", "investments": "amount",
            "sources": "source", "bodies": "body", "citations": "citation", "checks": "search",
            "assessments": "assessment"}


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class TextRows:
    """The package's rows as text, by table: what the files hold, before any typing."""

    descriptor: dict
    version: str
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def rows(self, table: str) -> list[dict[str, str]]:
        return self.tables.get(table, [])

    @classmethod
    def of(cls, read: PackageFiles) -> TextRows:
        """The rows of a package already read (``analysis.data.package_files``): a build's one read."""
        if read.descriptor is None:
            return cls({}, "")
        tables = {}
        for table in read.descriptor.tables:
            f = read.files.get(table.name)
            # A file the strict reader could not take whole (columns in another order, say) is read loosely:
            # its rows, by value, are what they were, and the validator reports the file.
            tables[table.name] = ([r.values for r in f.rows] if f is not None and f.readable
                                  else _loose_rows(read.data_dir / table.path))
        return cls(read.descriptor.raw, read.descriptor.version, tables)


def _loose_rows(path: Path) -> list[dict[str, str]]:
    """A CSV's rows by its own header; none when it cannot be read at all."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    try:
        return [{k: (v or "") for k, v in row.items() if k is not None}
                for row in csv.DictReader(io.StringIO(text, newline=""))]
    except csv.Error:
        return []


def read_text_rows(data_dir: Path) -> TextRows:
    """Read ``data_dir`` as text. Unreadable parts read as empty: the validator, not this, reports them."""
    return TextRows.of(read_files(data_dir))


def _key(table: str, row: dict[str, str]) -> str:
    return "/".join(row.get(k, "") for k in KEYS.get(table, ("id",)))


def _lineage(pkg: TextRows, targets: set[str]) -> set[str]:
    """Every target linked to one of ``targets`` through ``follows``, either way, at any distance."""
    links: dict[str, set[str]] = {}
    for t in pkg.rows("targets"):
        for earlier in t.get("follows", "").replace("|", " ").split():
            links.setdefault(t["id"], set()).add(earlier)
            links.setdefault(earlier, set()).add(t["id"])
    seen, todo = set(targets), list(targets)
    while todo:
        for other in links.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _with_inputs(pkg: TextRows, outcomes: list[dict[str, str]]) -> list[dict[str, str]]:
    """``outcomes`` and the reported figures their derived figures are computed from (``derived_from``)."""
    names = {n for o in outcomes if (parts := derived.parse(o.get("derived_from", ""))) for n in parts[::2]}
    ids = {o.get("id") for o in outcomes}
    return outcomes + [o for o in pkg.rows("outcomes") if o.get("id") in names and o.get("id") not in ids]


def rows_read(pkg: TextRows, policy_ids: Iterable[str] | None) -> dict[str, list[dict[str, str]]]:
    """The rows a briefing of ``policy_ids`` reads, by table (``None``: every policy, every row)."""
    if policy_ids is None:
        return {name: list(rows) for name, rows in pkg.tables.items()}
    chosen = set(policy_ids)
    own = {t["id"] for t in pkg.rows("targets") if t.get("policy_id") in chosen}
    targets = _lineage(pkg, own)
    policies = chosen | {t.get("policy_id", "") for t in pkg.rows("targets") if t["id"] in targets}
    read: dict[str, list[dict[str, str]]] = {
        "policies": [p for p in pkg.rows("policies") if p.get("id") in policies],
        "targets": [t for t in pkg.rows("targets") if t["id"] in targets],
        "outcomes": _with_inputs(pkg, [o for o in pkg.rows("outcomes") if o.get("target_id") in targets
                                       or (o.get("policy_id") in policies and not o.get("target_id"))]),
        "investments": [i for i in pkg.rows("investments") if i.get("policy_id") in chosen],
        "checks": [c for c in pkg.rows("checks") if c.get("target_id") in targets],
        "assessments": [a for a in pkg.rows("assessments") if a.get("target_id") in targets],
    }
    named = {(table, _key(table, row)) for table in ("policies", "targets", "outcomes", "investments")
             for row in read[table]}
    read["citations"] = [c for c in pkg.rows("citations") if (c.get("table"), c.get("row_id")) in named]
    cited = {row.get("source_id", "") for rows in read.values() for row in rows}
    cited |= {s for a in read["assessments"] for s in a.get("source_ids", "").split()}
    read["sources"] = [s for s in pkg.rows("sources") if s.get("id") in cited]
    return read


def input_digests(pkg: TextRows, policy_ids: Iterable[str] | None) -> dict[str, str]:
    """One digest per row read, keyed so that a rebuild can say what changed: ``outcome 5g-list-2023``."""
    out = {"data schema": _digest(pkg.descriptor)}
    for table, rows in rows_read(pkg, policy_ids).items():
        for row in rows:
            shown = {k: v for k, v in row.items() if k not in UNREAD.get(table, ())}
            out[f"data {SINGULAR.get(table, table)} {_key(table, row)}"] = _digest(shown)
    return out


def slice_version(pkg: TextRows, policy_ids: Iterable[str] | None) -> str:
    """The data version a briefing cites: the curators' version and a hash of exactly what it reads."""
    return f"{pkg.version}+{_digest(sorted(input_digests(pkg, policy_ids).items()))[:8]}"
