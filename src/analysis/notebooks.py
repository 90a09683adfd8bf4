"""Notebooks that review well: each ``notebooks/*.ipynb`` is paired with a jupytext percent script.

The script (``notebooks/<name>.py``) is what a reviewer reads in a diff; the ``.ipynb`` is what papermill
runs, committed without outputs. ``notebooks/jupytext.toml`` declares the pairing, so JupyterLab (with
jupytext installed, as ``make setup`` does) saves both files together.

- ``check_pairs(folder)`` lists what is wrong, one line each: a notebook without its script (or the reverse),
  a pair whose cells differ, outputs or execution counts in a committed notebook, a missing kernelspec.
- ``sync(folder)`` repairs that: for each pair the newer file wins (as ``jupytext --sync`` decides),
  then outputs are stripped. ``analysis notebooks sync`` / ``make notebooks`` run it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import paths

SCRIPT_FORMAT = "py:percent"


def _cells(nb: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    """What a review should see: each cell's type, source and tags (not outputs, ids or metadata)."""
    return [(c.cell_type, c.source.strip(), tuple(c.get("metadata", {}).get("tags", []))) for c in nb.cells]


def _first_difference(a: list[Any], b: list[Any]) -> str:
    for n, (x, y) in enumerate(zip(a, b, strict=False), start=1):
        if x != y:
            what = "type" if x[0] != y[0] else "tags" if x[2] != y[2] else "source"
            line = next((s for s in y[1].splitlines() if s.strip()), "")[:50]
            return f"cell {n} ({line!r}) differs in its {what}"
    return f"the notebook has {len(a)} cells, the script {len(b)}"


def pairs(folder: Path = paths.NOTEBOOKS_DIR) -> list[tuple[Path, Path]]:
    names = {p.stem for p in folder.glob("*.ipynb")} | {p.stem for p in folder.glob("*.py")}
    return [(folder / f"{n}.ipynb", folder / f"{n}.py") for n in sorted(names)]


def check_pairs(folder: Path = paths.NOTEBOOKS_DIR) -> list[str]:
    """Everything that keeps the notebooks from reviewing well; empty when all is in order."""
    from .pipeline.execute import skip_slow_iri_checker

    skip_slow_iri_checker()
    import jupytext
    import nbformat

    problems = []
    fix = "run 'make notebooks' (analysis notebooks sync)"
    for ipynb, script in pairs(folder):
        if not ipynb.exists():
            problems.append(f"{script}: no paired notebook {ipynb.name}; {fix}")
            continue
        if not script.exists():
            problems.append(f"{ipynb}: no paired script {script.name}; {fix}")
            continue
        try:
            nb = nbformat.read(ipynb, as_version=4)
            text = jupytext.read(script, fmt=SCRIPT_FORMAT)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is one problem line
            problems.append(f"{ipynb.parent}/{ipynb.stem}: cannot read the pair: {type(exc).__name__}: {exc}")
            continue
        if _cells(nb) != _cells(text):
            newer = script if script.stat().st_mtime > ipynb.stat().st_mtime else ipynb
            problems.append(f"{ipynb}: out of sync with {script.name}: {_first_difference(_cells(nb), _cells(text))} "
                            f"({newer.name} is newer); {fix}")
        with_outputs = [n for n, c in enumerate(nb.cells, start=1)
                        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))]
        if with_outputs:
            problems.append(f"{ipynb}: cell(s) {', '.join(map(str, with_outputs))} hold outputs or execution counts, "
                            f"which are not committed; {fix}")
        kernel = nb.metadata.get("kernelspec", {})
        if not kernel.get("name") or not kernel.get("language"):
            problems.append(f"{ipynb}: metadata lacks a kernelspec with name and language (papermill needs both)")
    return problems


def strip_outputs(nb: Any) -> bool:
    """Remove outputs and execution counts in place; say whether anything changed."""
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
            cell.outputs, cell.execution_count = [], None
            changed = True
    return changed


def sync(folder: Path = paths.NOTEBOOKS_DIR) -> list[str]:
    """Bring each pair in line (the newer file wins) and strip outputs; return what was done."""
    from .pipeline.execute import skip_slow_iri_checker

    skip_slow_iri_checker()
    import contextlib
    import io

    import nbformat
    from jupytext.cli import jupytext as jupytext_cli

    done = []
    for ipynb, script in pairs(folder):
        source = ipynb if ipynb.exists() else script
        if not ipynb.exists() or not script.exists():
            done.append(f"created {(script if ipynb.exists() else ipynb).name} from {source.name}")
        before = {p: p.read_bytes() for p in (ipynb, script) if p.exists()}
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            status = jupytext_cli(["--sync", "--quiet", str(source)])
        if status:
            raise RuntimeError(f"jupytext could not sync {source}")
        nb = nbformat.read(ipynb, as_version=4)
        if strip_outputs(nb):
            nbformat.write(nb, ipynb)
            done.append(f"stripped outputs from {ipynb.name}")
        for path, old in before.items():
            if path.read_bytes() != old:
                done.append(f"updated {path.name}")
    return done
