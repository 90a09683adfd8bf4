"""What a briefing depends on, hashed: its notebook, its parameters, the data, the package's code and
templates; and the manifest (``reports/.manifest.json``) that remembers the hashes of each briefing's last
good build, so an unchanged briefing is skipped and a changed one says why it was rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..data.reads import TextRows, input_digests, read_text_rows
from ..files import read_json_object, write_atomic
from ..report.editions import EDITIONS, input_entries
from ..report.snapshot import FACTS

if TYPE_CHECKING:
    from .spec import BriefingSpec

MANIFEST = ".manifest.json"
CODE_DIR = Path(__file__).resolve().parents[1]
"""The package: every file of code and every template below it is an input of every briefing."""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_inputs() -> list[Path]:
    """The package's code and templates: a change to any of them rebuilds every briefing."""
    return sorted(p for p in CODE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def selected(b: BriefingSpec) -> list[str] | None:
    """The policies a briefing shows: a list of ids, or ``None`` for every policy."""
    policies = b.parameters.get("policies", "all")
    return None if policies in ("all", None) else [str(p) for p in policies]


def input_hashes(b: BriefingSpec, data_dir: Path, code: dict[str, str], package: TextRows | None = None,
                 reports_dir: Path | None = None) -> dict[str, str]:
    """One hash per input, keyed by a readable name, so a rebuild can say what changed. With
    ``reports_dir``, the briefing's last published edition is one (``analysis.report.editions``).

    The data enters row by row, as ``analysis.data.reads`` says the briefing reads it: a briefing of one
    policy depends on that policy's rows (and their lineage, citations and sources), not on the whole
    package, so a new figure for one plan rebuilds the briefings that show it and the overview only.
    """
    hashes = {f"notebook {b.notebook.name}": digest(b.notebook),
              "parameters": hashlib.sha256(json.dumps(b.parameters, sort_keys=True).encode()).hexdigest()}
    for path in b.additions:  # its commentary, the record of its confirmation, its extra cells
        hashes[f"{path.parent.name} {path.name}"] = digest(path)
    hashes.update(input_digests(package or read_text_rows(data_dir), selected(b)))
    compare_to = b.parameters.get("compare_to")
    if compare_to:
        path = Path(compare_to)
        hashes["compare_to"] = digest(path / FACTS if path.is_dir() else path)
    if reports_dir is not None:
        hashes.update(input_entries(reports_dir / b.id / EDITIONS))
    hashes.update(code)
    return hashes


def changed(old: dict[str, str] | None, new: dict[str, str]) -> list[str]:
    """What differs between two sets of input hashes, in words: ``outcome 5g-list-2023 changed``."""
    if old is None:
        return ["no earlier build"]
    differ = [k for k in new if old.get(k) != new[k]]
    gone = [k for k in old if k not in new]
    words = []
    for k in differ:
        if k.startswith("data "):
            words.append(f"{k[5:]} {'changed' if k in old else 'added'}")
        else:
            words.append(k)
    words += [f"{k[5:]} removed" if k.startswith("data ") else f"{k} (removed)" for k in gone]
    code = [w for w in words if w.startswith("code ")]
    if len(code) > 2:
        words = [w for w in words if not w.startswith("code ")] + [f"{len(code)} code files"]
    rows = [w for w in words if w.endswith((" changed", " added", " removed")) and not w.startswith("code ")]
    if len(rows) > 3:  # a big edit: say how many rows, and the first few
        words = [w for w in words if w not in rows] + [f"{len(rows)} data rows ({', '.join(rows[:3])}, ...)"]
    return words


def read_manifest(reports_dir: Path) -> dict[str, Any]:
    return read_json_object(reports_dir / MANIFEST)


def save_manifest(reports_dir: Path, manifest: dict[str, Any]) -> None:
    write_atomic(reports_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
