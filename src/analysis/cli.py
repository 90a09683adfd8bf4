"""Command line: ``analysis validate`` (more commands arrive with the report build).

Start-up stays light: nothing imports pandas or matplotlib until a command needs it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths


def _validate(args: argparse.Namespace) -> int:
    from .validate import check

    report = check(args.data_dir, args.archive)
    shown = report.problems if args.warnings else report.errors
    for problem in shown:
        print(problem)
    counts = ", ".join(f"{n} {name}" for name, n in report.row_counts.items())
    archive = ""
    if args.archive is not None:
        archive = (f"; {report.archive_checked} printed figures found in "
                   f"{report.archive_snapshots} archive snapshot(s)")
        if report.errors:
            archive = f"; archive checked against {args.archive}"
    hint = "" if args.warnings or not report.warnings else " (--warnings lists them)"
    summary = (f"{args.data_dir}: {counts}; {len(report.errors)} error(s), "
               f"{len(report.warnings)} warning(s){hint}{archive}")
    print(summary, file=sys.stderr if report.errors else sys.stdout)
    return 1 if report.errors else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Industrial Internet Policy Tracker: check the curated data and build briefings.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    v = sub.add_parser(
        "validate",
        help="check the data package; print each problem as FILE:LINE:COLUMN: message",
        description="Check data/ against datapackage.json and the project's rules. Exit 1 if any error.",
    )
    v.add_argument("--data-dir", type=Path, default=paths.DATA_DIR, metavar="DIR",
                   help="folder holding datapackage.json and the CSVs (default: the project's data/)")
    v.add_argument("--archive", type=Path, default=None, metavar="DIR",
                   help="folder of plain-text source snapshots named <source id>.txt: every figure as "
                        "printed must be found in its source's snapshot")
    v.add_argument("--warnings", action="store_true",
                   help="also list warnings (figures without the text as printed, uncited sources)")
    v.set_defaults(func=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
