"""What a briefing depends on, hashed: its notebook, its parameters, the data, the package's code and
templates; and the manifest (``reports/.manifest.json``) that remembers the hashes of each briefing's last
good build, so an unchanged briefing is skipped and a changed one says why it was rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import write_atomic
from ..report.editions import EDITIONS, input_entries

if TYPE_CHECKING:
    from .spec import BriefingSpec

MANIFEST = ".manifest.json"
FACTS = "facts.json"
NUMBERS = "source-numbers.json"  # the numbers each source has had in a briefing series
CODE_DIR = Path(__file__).resolve().parents[1]
"""The package: every file of code and every template below it is an input of every briefing."""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_inputs() -> list[Path]:
    """The package's code and templates: a change to any of them rebuilds every briefing."""
    return sorted(p for p in CODE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def input_hashes(b: BriefingSpec, data_dir: Path, code: dict[str, str],
                 reports_dir: Path | None = None) -> dict[str, str]:
    """One hash per input, keyed by a readable name, so a rebuild can say what changed. With
    ``reports_dir``, the briefing's last published edition is one (``analysis.report.editions``)."""
    hashes = {f"notebook {b.notebook.name}": digest(b.notebook),
              "parameters": hashlib.sha256(json.dumps(b.parameters, sort_keys=True).encode()).hexdigest()}
    for p in sorted(data_dir.iterdir()):
        if p.is_file():
            hashes[f"data {p.name}"] = digest(p)
    compare_to = b.parameters.get("compare_to")
    if compare_to:
        path = Path(compare_to)
        hashes["compare_to"] = digest(path / FACTS if path.is_dir() else path)
    if reports_dir is not None:
        hashes.update(input_entries(reports_dir / b.id / EDITIONS))
    hashes.update(code)
    return hashes


def changed(old: dict[str, str] | None, new: dict[str, str]) -> list[str]:
    if old is None:
        return ["no earlier build"]
    changed = [k for k in new if old.get(k) != new[k]]
    changed += [f"{k} (removed)" for k in old if k not in new]
    code = [k for k in changed if k.startswith("code ")]
    if len(code) > 2:
        changed = [k for k in changed if not k.startswith("code ")] + [f"{len(code)} code files"]
    return changed


def read_manifest(reports_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((reports_dir / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_manifest(reports_dir: Path, manifest: dict[str, Any]) -> None:
    write_atomic(reports_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
