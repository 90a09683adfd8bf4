"""``analysis import``: a sheet or CSV file of rows into a table, all or nothing (``analysis.data.importing``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .cli_common import data_dir_option, not_written, shown


def _import(args: argparse.Namespace) -> int:
    from .data.importing import ImportRefused, import_rows

    try:
        done = import_rows(args.data_dir, args.table, args.file, args.sheet, dry_run=args.dry_run)
    except ImportRefused as exc:
        return not_written(exc.problems)
    listed = ", ".join(done.ids[:5]) + (f" and {len(done.ids) - 5} more" if len(done.ids) > 5 else "")
    verb = "imported" if done.written else "would import (dry run, nothing written)"
    print(f"{verb} {done.rows} row(s) into {shown(done.path)} from line {done.first_line}"
          + (f": {listed}" if listed else ""))
    if done.written:
        print("next: run 'make reports' to see them in the briefings")
    return 0


def import_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``import`` command, added to the command line of ``analysis.cli``."""
    i = sub.add_parser(
        "import", help="import the rows of a spreadsheet or CSV into a table, all or nothing",
        description="Append every row of a sheet (.xlsx) or CSV file to a table of the package. The rows are "
                    "checked together with the rest of the data first; if any row has a problem, nothing is "
                    "written and each problem is named by sheet, row and column. The first row names the "
                    "columns (those of the table's CSV; any subset, in any order).")
    i.add_argument("table", metavar="TABLE", help="the table: outcomes, targets, policies, sources, checks, ...")
    i.add_argument("file", type=Path, metavar="FILE", help="an .xlsx workbook or a .csv file")
    i.add_argument("--sheet", metavar="NAME", help="the workbook's sheet (default: the one named like the "
                                                   "table, else the first)")
    i.add_argument("--dry-run", action="store_true", help="check and say what would be imported; write nothing")
    data_dir_option(i)
    i.set_defaults(func=_import)
