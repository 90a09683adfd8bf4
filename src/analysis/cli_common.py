"""Small pieces every command of ``analysis.cli`` shares: the --data-dir option, how a refusal is printed and
how a path is shown."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def not_written(problems: list[str]) -> int:
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    print("nothing was written", file=sys.stderr)
    return 1


def data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR, metavar="DIR",
                        help="folder holding datapackage.json and the CSVs (default: the project's data/)")


def project_options(parser: argparse.ArgumentParser) -> None:
    """Where the project's folders are: the reports, the list of briefings, the notebooks."""
    parser.add_argument("--reports-dir", type=Path, default=paths.REPORTS_DIR, metavar="DIR",
                        help="where the briefings go (default: the project's reports/)")
    parser.add_argument("--briefings", type=Path, default=paths.REPORTS_DIR / "briefings.yml", metavar="FILE",
                        help="the list of briefings (default: reports/briefings.yml)")
    parser.add_argument("--notebooks-dir", type=Path, default=paths.NOTEBOOKS_DIR, metavar="DIR",
                        help="where the notebooks named in the list live, with their commentary/ and extra/ "
                             "(default: the project's notebooks/)")
