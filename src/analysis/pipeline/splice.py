"""One briefing's own additions to the generic notebook, checked before the build starts and spliced in
as it runs: the analyst's commentary (``notebooks/commentary/<id>.md``, ``analysis.report.commentary``)
and extra analysis cells (``notebooks/extra/<id>.py``).

The extra cells are a jupytext percent script. A cell whose header says where it goes, ``# %%
after="targets"``, starts a run of cells placed at the end of that section; the cells after it follow it
until the next header with ``after``. The sections are the notebook's ``## `` headings as slugs ("Key
figures" is ``key-figures``, "Reported results" ``reported-results``). Nothing goes after Sources. The
cells run in the notebook's kernel, with the briefing (``b``) and everything the notebook imported in
scope; their outputs render as any cell's do (tables, Markdown, charts, printed text).

A commentary block after a section shows at the same place: the build adds one cell there that renders
it (``analysis.report.briefing.show_commentary``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data.problems import did_you_mean
from ..data.reads import TextRows
from ..report.commentary import FINDINGS, NOT_AFTER, Commentary, CommentaryError, check_ids, commentary_path, read_commentary

_HEADER = re.compile(r"^# %%(.*)$")
_SLUG = re.compile(r"[^a-z0-9]+")
INLINE_CELL = """\
# Added by the build before the extra cells: a matplotlib figure they draw shows in the page.
%matplotlib inline"""
COMMENTARY_CELL = """\
# Added by the build: the analyst's comment on the section above (notebooks/commentary/{bid}.md).
from analysis.report.briefing import show_commentary
show_commentary(globals(), context, {section!r})"""


def section_slug(heading: str) -> str:
    return _SLUG.sub("-", heading.lower()).strip("-")


def sections(cells: list[Any]) -> dict[str, int]:
    """Each ``## `` section of a notebook and the index of the cell it ends before (the next section's
    heading, or the end)."""
    starts: list[tuple[str, int]] = []
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        first = source.lstrip().splitlines()[0] if source.strip() else ""
        if first.startswith("## "):
            starts.append((section_slug(first[3:]), i))
    return {name: (starts[k + 1][1] if k + 1 < len(starts) else len(cells)) for k, (name, _) in enumerate(starts)}


def notebook_sections(notebook: Path) -> dict[str, int]:
    import json

    return sections(json.loads(notebook.read_text(encoding="utf-8")).get("cells", []))


def extra_path(notebooks_dir: Path, briefing_id: str) -> Path:
    return notebooks_dir / "extra" / f"{briefing_id}.py"


@dataclass(frozen=True)
class Extra:
    path: Path
    runs: tuple[tuple[str, tuple[Any, ...]], ...]
    """(section, cells) in file order."""


def read_extra(path: Path, known: list[str]) -> Extra:
    """The extra cells of one briefing, in runs by section; raise ``CommentaryError`` with FILE:LINE."""
    import jupytext

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CommentaryError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    lines = text.splitlines()
    headers = [n for n, line in enumerate(lines, start=1) if _HEADER.match(line)]
    problems = []
    if not headers:
        raise CommentaryError([f"{path}:1: no cells; start each with a line '# %% after=\"SECTION\"' (jupytext "
                               "percent format)"])
    before = [s for s in lines[:headers[0] - 1] if s.strip() and not s.lstrip().startswith("#")]
    if before:
        problems.append(f"{path}:1: code before the first cell; put it in a cell ('# %% after=\"SECTION\"')")
    cells = [c for c in jupytext.reads(text, fmt="py:percent").cells]
    cells = cells[len(cells) - len(headers):]  # the text before the first header (comments only) is dropped
    runs: list[tuple[str, list[Any]]] = []
    for line, cell in zip(headers, cells, strict=True):
        header = lines[line - 1]
        after = cell.metadata.pop("after", None)
        if after is None and "after" in header:
            problems.append(f"{path}:{line}: write the section in quotes: # %% after=\"SECTION\"")
            continue
        if after is None:
            if not runs:
                problems.append(f"{path}:{line}: the first cell must say where it goes: # %% after=\"SECTION\"")
                continue
            runs[-1][1].append(cell)
            continue
        if after in NOT_AFTER:
            problems.append(f"{path}:{line}: nothing can be placed after {after!r}: what it cites would not be listed")
        elif after == FINDINGS or after not in known:
            choices = [s for s in known if s not in NOT_AFTER]
            problems.append(f"{path}:{line}: unknown section {after!r}{did_you_mean(str(after), choices)} (sections "
                            f"of the briefing's notebook: {', '.join(choices)})")
        runs.append((str(after), [cell]))
    if problems:
        raise CommentaryError(problems)
    return Extra(path, tuple((s, tuple(c)) for s, c in runs))


@dataclass(frozen=True)
class Additions:
    """What one briefing adds to its notebook."""

    commentary: Commentary | None = None
    extra: Extra | None = None


def read_additions(briefing_id: str, notebook: Path, notebooks_dir: Path, package: TextRows,
                   policies: list[str] | None, languages: tuple[str, ...] | None = None) -> Additions:
    """Read and check a briefing's commentary and extra cells; raise ``CommentaryError`` listing every
    problem (an unknown section, target, amount or source id), before anything runs."""
    known = list(notebook_sections(notebook))
    problems: list[str] = []
    commentary = extra = None
    path = commentary_path(notebooks_dir, briefing_id)
    if path.exists():
        try:
            commentary = read_commentary(path, known, languages)
            chosen = policies if policies is not None else [r["id"] for r in package.rows("policies")]
            problems += check_ids(commentary, {r["id"]: r["policy_id"] for r in package.rows("targets")},
                                  {r["id"] for r in package.rows("sources")},
                                  {r["id"]: r["policy_id"] for r in package.rows("investments")}, chosen)
        except CommentaryError as exc:
            problems += exc.problems
    path = extra_path(notebooks_dir, briefing_id)
    if path.exists():
        try:
            extra = read_extra(path, known)
        except CommentaryError as exc:
            problems += exc.problems
    if problems:
        raise CommentaryError(problems)
    return Additions(commentary, extra)


def orphans(notebooks_dir: Path, ids: set[str]) -> list[str]:
    """Commentary and extra files named after no briefing (a typo in the file name would hide them)."""
    out = []
    for folder, suffix in (("commentary", ".md"), ("extra", ".py")):
        for path in sorted((notebooks_dir / folder).glob(f"*{suffix}")):
            if path.stem not in ids:
                out.append(f"{path}: no briefing {path.stem!r} in the list of briefings"
                           f"{did_you_mean(path.stem, sorted(ids))}; it is not used (rename it to a briefing's id)")
    return out


def splice(cells: list[Any], additions: Additions, briefing_id: str) -> list[Any]:
    """The notebook's cells with the extra cells and the commentary cells placed at the end of their
    sections (extra cells first, then the comment, which may discuss them)."""
    import nbformat

    ends = sections(cells)
    inserts: dict[int, list[Any]] = {}
    for section, run in additions.extra.runs if additions.extra else ():
        for cell in run:  # new cells, so each has an id as the notebook's format asks
            new = nbformat.v4.new_markdown_cell if cell.cell_type == "markdown" else nbformat.v4.new_code_cell
            inserts.setdefault(ends[section], []).append(
                new(cell.source, metadata={**cell.metadata, "tags": [*cell.metadata.get("tags", []), "extra"]}))
    if additions.commentary is not None:
        # One cell per section: it shows the section's blocks in the page's language (a zh block beside an en one).
        for section in dict.fromkeys(b.section for b in additions.commentary.blocks):
            if section != FINDINGS:
                block = next(b for b in additions.commentary.blocks if b.section == section)
                code = COMMENTARY_CELL.format(bid=briefing_id, section=block.section)
                inserts.setdefault(ends[block.section], []).append(
                    nbformat.v4.new_code_cell(code, metadata={"tags": ["commentary-by-build"]}))
    if additions.extra is not None and additions.extra.runs:
        first = min(ends[section] for section, _ in additions.extra.runs)
        inserts[first].insert(0, nbformat.v4.new_code_cell(INLINE_CELL, metadata={"tags": ["extra-by-build"]}))
    out: list[Any] = []
    for i, cell in enumerate(cells):
        out.extend(inserts.get(i, []))
        out.append(cell)
    out.extend(inserts.get(len(cells), []))
    return out
