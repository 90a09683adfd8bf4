"""Appending one checked row to a table of the package: what ``add-source`` and ``add`` share.

The row is written the way the file is already written: the same line ending (CRLF or LF), its byte-order
mark left as it is (and no second one), and a file that did not end with a newline still does not. Before
anything is written, a copy of the package with the row added goes through the validator; only problems
on the new row (or the file's header) stop it, and the row must read back at the line it was given.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..files import write_atomic
from .problems import ProblemsError

BOM = b"\xef\xbb\xbf"


class AddError(ProblemsError):
    """The row was not added; ``problems`` say why, one line each."""


@dataclass(frozen=True)
class Layout:
    """How a CSV file is written: its line ending, whether it starts with a BOM and ends with a newline."""

    newline: str = "\n"
    bom: bool = False
    final_newline: bool = True


def layout(data: bytes) -> Layout:
    """The layout of ``data``: the line ending is the first line's (LF when the file has a single line)."""
    first = data.find(b"\n")
    newline = "\r\n" if first > 0 and data[first - 1:first] == b"\r" else "\n"
    return Layout(newline, data.startswith(BOM), not data or data.endswith(b"\n"))


def header_of(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig", errors="replace")
    return next(csv.reader(io.StringIO(text, newline="")), [])


def appended(original: bytes, header: list[str], values: dict[str, str]) -> tuple[bytes, int]:
    """``original`` with a row of ``values`` (in ``header`` order) appended in kind, and the row's line."""
    shape = layout(original)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=shape.newline).writerow([values.get(c, "") for c in header])
    row = buffer.getvalue().encode("utf-8")
    lines = original.count(b"\n")
    if not shape.final_newline:  # the row goes on a line of its own, and the file keeps ending without one
        newline = shape.newline.encode("ascii")
        row, lines = newline + row[: -len(newline)], lines + 1
    return original + row, lines + 1


@dataclass(frozen=True)
class Checked:
    """A row that passed the validator, ready to be written: the file's new bytes and the row's line."""

    path: Path
    data: bytes
    line: int

    def write(self) -> int:
        write_atomic(self.path, self.data)
        return self.line


def check_row(data_dir: Path, table: str, values: dict[str, str], also: list[str] | None = None) -> Checked:
    """Check ``values`` as a new row of ``table`` without writing it; ``AddError`` lists every problem.

    ``also`` are the caller's own problems (e.g. with a snapshot), reported with the row's.
    """
    from .schema import DescriptorError, read_descriptor
    from .validate import check

    try:
        path = data_dir / read_descriptor(data_dir).table(table).path
    except (DescriptorError, KeyError) as exc:
        raise AddError([f"{data_dir / 'datapackage.json'}: {exc}"]) from None
    if not path.is_file():
        raise AddError([f"{path}: not found (is --data-dir the folder holding datapackage.json?)"])
    original = path.read_bytes()
    try:
        original.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AddError([f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8 first, so a row is not added "
                        "in another encoding"]) from None
    header = header_of(original)
    unknown = [k for k in values if k not in header]
    if unknown:
        raise AddError([f"{path}: no column(s) {', '.join(unknown)} (columns: {', '.join(header)})"])
    data, line = appended(original, header, values)

    # The row is checked in a copy of the package, exactly as `analysis validate` would check it.
    with tempfile.TemporaryDirectory(prefix=f"add-{table}-") as scratch:
        copy = Path(scratch) / "data"
        shutil.copytree(data_dir, copy)
        (copy / path.name).write_bytes(data)
        report = check(copy)
    mine = [p for p in report.errors if Path(p.file).name == path.name]
    problems = [f"{path}:{p.line}:{p.column}: {p.message}" for p in mine if p.line in (line, 0, 1)]
    problems += also or []
    if problems:
        raise AddError(problems)
    if not any(r.line == line for r in report.rows.get(table, [])):
        shown = [f"{path}:{p.line}:{p.column}: {p.message}" for p in mine[:5]]
        raise AddError([f"{path}: the new row would not read back at line {line}: the file has problems of its "
                        "own; fix them first (analysis validate)", *shown])
    return Checked(path, data, line)
