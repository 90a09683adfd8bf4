"""Reading one CSV file into rows that remember their physical line, reporting what is malformed.

Nothing here raises for bad input: encoding errors, NUL bytes, unclosed quotes, ragged rows and
header trouble all come back as problems, and whatever rows could be read come back too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .problems import WHOLE, Problem


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class CsvFile:
    label: str
    header: list[str]
    rows: list[Row]
    problems: list[Problem]
    readable: bool
    """False when the header could not be read, so no row-level checks make sense."""


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def read_csv(path: Path, label: str, expected: list[str]) -> CsvFile:
    """Read ``path`` (shown as ``label`` in problems) against the ``expected`` columns."""
    problems: list[Problem] = []

    def problem(line: int, column: str, message: str) -> None:
        problems.append(Problem(label, line, column, message))

    def unreadable() -> CsvFile:
        return CsvFile(label, [], [], problems, readable=False)

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problem(0, WHOLE, f"file is missing: expected a CSV with columns {', '.join(expected)}")
        return unreadable()
    except OSError as exc:
        problem(0, WHOLE, f"cannot read the file: {exc.strerror}")
        return unreadable()

    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    encoding_problem: Problem | None = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        encoding_problem = Problem(
            label, data.count(b"\n", 0, exc.start) + 1, WHOLE,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte {exc.start}): save the file as UTF-8",
        )
        text = data.decode("utf-8", errors="surrogateescape")

    if not text.strip():
        problem(1, WHOLE, f"file is empty: expected a header row with columns {', '.join(expected)}")
        return unreadable()

    nul = text.find("\x00")
    if nul >= 0:
        problem(_line_of(text, nul), WHOLE, "contains a NUL byte: the file is binary or corrupted")
        return unreadable()

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        while True:
            start = reader.line_num + 1
            records.append((start, next(reader)))
    except StopIteration:
        pass
    except csv.Error as exc:
        message = str(exc)
        if "unexpected end of data" in message:
            message = "unclosed quote: a quoted field starting on this line is never closed"
        else:
            message = f"malformed CSV ({message})"
        problem(start, WHOLE, message + "; rows after this point were not checked")

    if not records:
        return unreadable()

    header_line, header = records[0]
    header = [h.strip().encode("utf-8", "surrogateescape").decode("utf-8", "replace") or f"(unnamed column {i})"
              for i, h in enumerate(header, start=1)]
    delimiter = _other_delimiter(header, expected)
    if delimiter:
        problem(header_line, WHOLE, f"this file uses {delimiter} as its delimiter, not ',': save it as "
                "comma-separated values (CSV UTF-8); no row was checked")
        return unreadable()
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problem(header_line, name, "column appears twice in the header")
        seen.add(name)
    for name in expected:
        if name not in seen:
            problem(header_line, name, "column is missing from the header (required by datapackage.json)")
    for name in header:
        if name not in expected:
            problem(header_line, name,
                    f"unknown column {name!r}: not in datapackage.json (expected {', '.join(expected)})")
    if set(header) == set(expected) and header != expected and len(header) == len(expected):
        problem(header_line, WHOLE, f"columns are out of order: datapackage.json lists {', '.join(expected)}")
    if header != expected:
        # Every row would be read against the wrong columns: one cascade of errors per row. Say it once.
        problem(header_line, WHOLE, f"the header does not match datapackage.json, so no row was checked: "
                f"fix the header first (expected {', '.join(expected)})")
        if encoding_problem is not None:
            problems.append(encoding_problem)
        return CsvFile(label, header, [], problems, readable=False)

    rows: list[Row] = []
    for line, record in records[1:]:
        if not record:
            problem(line, WHOLE, "blank line: remove it")
            continue
        if len(record) != len(header):
            where = header[len(record)] if len(record) < len(header) else WHOLE
            problem(line, where, f"row has {len(record)} fields but the header has {len(header)}")
            continue
        values = dict(zip(header, record, strict=True))
        if encoding_problem is not None:
            for name, value in values.items():
                if any("\udc80" <= ch <= "\udcff" for ch in value):
                    problem(line, name, "value is not valid UTF-8: save the file as UTF-8")
                    values[name] = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        rows.append(Row(line, values))
    if encoding_problem is not None and not any("UTF-8" in p.message for p in problems):
        problems.append(encoding_problem)
    return CsvFile(label, header, rows, problems, readable=True)


_DELIMITERS = {";": "';' (semicolons)", "\t": "tabs", "|": "'|'"}


def _other_delimiter(header: list[str], expected: list[str]) -> str | None:
    """The delimiter a spreadsheet saved the file with, when it is not a comma (Excel in many locales: ';')."""
    if len(expected) < 2 or len(header) != 1:
        return None
    for char, name in _DELIMITERS.items():
        if header[0].count(char) >= 1:
            return name
    return None
