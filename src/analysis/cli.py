"""Command line: ``analysis validate``, ``charts``, ``build``, ``publish``, ``diff``, ``add-source``, ``add`` and
``notebooks``, ``import`` and ``commentary``.

Start-up stays light: nothing imports pandas or matplotlib until a command needs it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from . import paths
from .cli_commentary import commentary_parser
from .cli_common import data_dir_option as _data_dir_option
from .cli_common import not_written as _not_written
from .cli_common import project_options as _project_options
from .cli_common import shown as _shown
from .cli_import import import_parser


def _validate(args: argparse.Namespace) -> int:
    from .data.validate import check

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


def _charts(args: argparse.Namespace) -> int:
    import time

    start = time.perf_counter()
    from .data.problems import DataError
    from .report import charts
    from .report.style import FontMissingError, save_chart
    from .status import target_status

    try:
        ds = _load_or_report(args.data_dir)
    except DataError:
        return 1
    try:
        status = target_status(ds, args.as_of, args.due_window_months)
        drawn = {
            "timeline": charts.timeline(ds, status, args.as_of, language=args.language),
            "investments": charts.investments(ds),
            "progress": charts.progress(ds, status),
        }
        import matplotlib.pyplot as plt

        for name, fig in drawn.items():
            for path in save_chart(fig, args.out, name):
                print(f"wrote {_shown(path)}")
            plt.close(fig)
    except FontMissingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(drawn)} charts as of {args.as_of.isoformat()} in {time.perf_counter() - start:.1f} s")
    return 0


def _build(args: argparse.Namespace) -> int:
    from .pipeline import Options, main_build

    opts = Options(briefings_file=args.briefings, notebooks_dir=args.notebooks_dir,
                   data_dir=args.data_dir, reports_dir=args.reports_dir,
                   only=args.only or [], jobs=args.jobs, force=args.force,
                   as_of=args.as_of.isoformat() if args.as_of else None, timeout=args.timeout)
    if args.watch:
        from .pipeline.watch import watch

        def say(line: str) -> None:
            print(line, flush=True)

        try:
            return watch(opts, say)
        except KeyboardInterrupt:  # before the first build started
            print("stopped watching", flush=True)
            return 0
    return main_build(opts)


def _publish(args: argparse.Namespace) -> int:
    from .pipeline import Options
    from .pipeline.publish import PublishOptions, main_publish

    return main_publish(PublishOptions(
        Options(briefings_file=args.briefings, notebooks_dir=args.notebooks_dir, data_dir=args.data_dir,
                reports_dir=args.reports_dir, only=args.only or [], jobs=args.jobs,
                as_of=args.as_of.isoformat() if args.as_of else None, timeout=args.timeout),
        date=args.date.isoformat() if args.date else None, force=args.force))


def _diff(args: argparse.Namespace) -> int:
    from .report.snapshot import SnapshotError, as_text, compare, read

    try:
        old, new = read(args.old), read(args.new)
    except SnapshotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(as_text(compare(old, new)))
    return 0


def _add_source(args: argparse.Namespace) -> int:
    from .data.sources import AddError, add_source

    values = {"id": args.id, "title": args.title, "url": args.url, "publisher": args.publisher,
              "published": args.published, "grade": args.grade, "language": args.language,
              "accessed": args.accessed, "note": args.note}
    try:
        added = add_source(args.data_dir, {k: v for k, v in values.items() if v is not None},
                           snapshot=args.snapshot, archive=args.archive)
    except AddError as exc:
        return _not_written(exc.problems)
    _say_added(f"source {args.id!r}", args.data_dir / "sources.csv", added.line, added.notes)
    if added.snapshot:
        print(f"saved its text as {_shown(added.snapshot)}")
    print("next: cite it (source_id) from a policy, target, investment or outcome row, then run 'make validate'")
    return 0


def _say_added(what: str, path: Path, line: int, notes: list[str]) -> None:
    print(f"added {what} to {_shown(path)} (line {line})")
    for note in notes:
        print(f"  {note}")


_NEXT = {
    "policy": "next: add its targets (analysis add target --policy-id {id}), then run 'make validate'",
    "target": "next: record progress against it (analysis add outcome --target-id {id}), then run 'make validate'",
    "outcome": "next: run 'make validate', then 'make reports' to see it in the briefings",
}


def _add(args: argparse.Namespace) -> int:
    from .data.append import AddError
    from .data.rows import COLUMNS, TABLES, add_row

    given = {c: getattr(args, c) for c in COLUMNS[TABLES[args.kind]] if getattr(args, c) is not None}
    try:
        added = add_row(args.data_dir, args.kind, given, ask=input if sys.stdin.isatty() else None)
    except AddError as exc:
        return _not_written(exc.problems)
    _say_added(f"{args.kind} {added.values['id']!r}", added.path, added.line, added.notes)
    print(_NEXT[args.kind].format(id=added.values["id"]))
    return 0


def _add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from .data.rows import COLUMNS, TABLES, flag
    from .data.schema import DescriptorError, read_descriptor

    try:
        package = read_descriptor(paths.DATA_DIR)
    except DescriptorError:
        package = None  # the flags stay; only their help is shorter
    a = sub.add_parser(
        "add",
        help="add a policy, target or outcome row, checked first; defaults from the rows it links to",
        description="Add one row, checked like every row before anything is written. Give columns as flags; "
                    "required ones left out are asked for on a terminal (an error when input is piped).",
    )
    kinds = a.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, table in TABLES.items():
        k = kinds.add_parser(kind, help=f"add a row to {table}.csv",
                             description=f"Add one row to {table}.csv. Every column has a flag; see "
                                         "README 'Adding a fact' for the defaults taken from linked rows.")
        fields = {f.name: f for t in (package.tables if package else ()) if t.name == table for f in t.fields}
        for column in COLUMNS[table]:
            fl = fields.get(column)
            text = fl.description if fl else ""
            if fl and fl.enum and len(fl.enum) <= 10:
                text += f" One of: {', '.join(fl.enum)}."
            if column == "id" and kind != "policy":
                text += f" Left out: suggested from the {'policy id and ' if kind == 'target' else ''}metric" + (
                    " and the date" if kind == "outcome" else "")
            k.add_argument(flag(column), dest=column, metavar=column.upper(),
                           help=("(required) " if fl and fl.required else "") + text.replace("%", "%%"))
        _data_dir_option(k)
        k.set_defaults(func=_add)


def _notebooks(args: argparse.Namespace) -> int:
    from . import notebooks

    if args.action == "sync":
        for line in notebooks.sync(args.dir) or ["notebooks and scripts already in step; no outputs"]:
            print(line)
        return 0
    problems = notebooks.check_pairs(args.dir)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{len(notebooks.pairs(args.dir))} notebook(s) paired with their scripts, no outputs")
    return 1 if problems else 0


def _load_or_report(data_dir: Path):  # type: ignore[no-untyped-def]
    """Load the data; on errors print them as validate does and re-raise."""
    from .data.loading import load
    from .data.problems import DataError

    try:
        return load(data_dir)
    except DataError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{data_dir}: {len(exc.problems)} error(s); fix them first (analysis validate)", file=sys.stderr)
        raise


def _date_argument(text: str) -> date:

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _build_options(b: argparse.ArgumentParser, only: str) -> None:
    b.add_argument("--only", nargs="+", metavar="ID", help=only)
    b.add_argument("--jobs", type=int, default=0, metavar="N",
                   help="briefings built at once (default: the number of CPUs)")
    b.add_argument("--as-of", type=_date_argument, default=None, metavar="DATE",
                   help="status date for every briefing, YYYY-MM-DD (default: each entry's as_of, else today)")
    _data_dir_option(b)
    _project_options(b)
    b.add_argument("--timeout", type=int, default=600, metavar="SECONDS",
                   help="longest a single notebook cell may run (default: 600)")


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
    _data_dir_option(v)
    v.add_argument("--archive", type=Path, default=None, metavar="DIR",
                   help="folder of plain-text source snapshots named <source id>.txt: every figure as "
                        "printed must be found in its source's snapshot")
    v.add_argument("--warnings", action="store_true",
                   help="also list warnings (figures without the text as printed, uncited sources)")
    v.set_defaults(func=_validate)

    c = sub.add_parser(
        "charts",
        help="draw the timeline, investment and progress charts as SVG and PNG",
        description="Draw every chart for the data into a folder (SVG with text as paths, PNG at 200 dpi).",
    )
    _data_dir_option(c)
    c.add_argument("--out", type=Path, default=paths.CHARTS_DIR, metavar="DIR",
                   help="where to write the charts (default: reports/charts/)")
    c.add_argument("--as-of", type=_date_argument, default=date.today(), metavar="DATE",
                   help="date the target status is computed for, YYYY-MM-DD (default: today)")
    c.add_argument("--language", choices=["en", "zh", "both"], default="en",
                   help="language of policy names on the timeline (default: en)")
    c.add_argument("--due-window-months", type=int, default=12, metavar="N",
                   help="a target is 'due soon' when its deadline is within N months (default: 12)")
    c.set_defaults(func=_charts)

    b = sub.add_parser(
        "build",
        help="run every briefing notebook and export it as HTML and PDF (skips what is up to date)",
        description="Build the briefings listed in reports/briefings.yml into reports/<id>/.",
    )
    b.add_argument("--force", action="store_true", help="rebuild even what is up to date")
    b.add_argument("--watch", action="store_true",
                   help="after building, rebuild what is affected whenever a CSV, notebook, template or the list "
                        "of briefings is saved, until Ctrl-C")
    _build_options(b, "build only these briefings")
    b.set_defaults(func=_build)

    p = sub.add_parser(
        "publish",
        help="stamp the current build of each briefing as its next edition (kept in reports/<id>/editions/)",
        description="Record the current build of each briefing as edition n (its facts.json, its PDF and "
                    "edition.json in reports/<id>/editions/<n>/), after checking that its last build succeeded "
                    "and is up to date, and rebuild it so that it says 'Edition n, published DATE'.",
    )
    p.add_argument("--date", type=_date_argument, default=None, metavar="DATE",
                   help="the date published, YYYY-MM-DD (default: today)")
    p.add_argument("--force", action="store_true", help="publish even if nothing changed since the last edition")
    _build_options(p, "publish only these briefings")
    p.set_defaults(func=_publish)

    d = sub.add_parser(
        "diff",
        help="what changed between two briefing snapshots (facts.json)",
        description="Compare two snapshots written by 'analysis build' (reports/<id>/facts.json, or the folder "
                    "holding one): new and removed targets, amounts and policies, status changes, revised figures.",
    )
    d.add_argument("old", type=Path, help="the earlier facts.json (or its folder)")
    d.add_argument("new", type=Path, help="the later facts.json (or its folder)")
    d.set_defaults(func=_diff)

    a = sub.add_parser(
        "add-source",
        help="add a source row to data/sources.csv, checked first; optionally archive its text",
        description="Add one source, checked like every row before anything is written. With --snapshot and "
                    "--archive, copy the page's plain text to ARCHIVE/<id>.txt for 'analysis validate --archive'.",
    )
    a.add_argument("--id", required=True, help="new source id: lower-case letters, digits, hyphens "
                                               "(e.g. xinhua-2026-03-01-platforms)")
    a.add_argument("--title", required=True, help="title as the page prints it, or [a description in brackets]")
    a.add_argument("--publisher", required=True, help="who published it (and the host, if a repost)")
    a.add_argument("--grade", required=True, choices=["official", "major-media", "secondary", "weak"],
                   help="reliability grade")
    a.add_argument("--url", help="address of the page")
    a.add_argument("--published", metavar="DATE", help="publication date at the precision known: YYYY, YYYY-MM "
                                                       "or YYYY-MM-DD")
    a.add_argument("--language", choices=["en", "zh-Hans", "zh-Hant"],
                   help="language of the page (default: zh-Hans if the title has Chinese, else en)")
    a.add_argument("--accessed", metavar="DATE", help="date the page was read, YYYY-MM-DD (default: today)")
    a.add_argument("--note", help="curator's note, in your own words")
    a.add_argument("--snapshot", type=Path, metavar="FILE", help="the page saved as plain UTF-8 text")
    a.add_argument("--archive", type=Path, metavar="DIR", help="the team's archive folder (outside the project)")
    _data_dir_option(a)
    a.set_defaults(func=_add_source)
    _add_parsers(sub)
    import_parser(sub)
    commentary_parser(sub)

    n = sub.add_parser(
        "notebooks",
        help="check or sync the notebooks with their jupytext scripts (and strip outputs)",
        description="check: every notebook in notebooks/ has its percent script, the two hold the same cells, and "
                    "no outputs are saved. sync: make it so (the newer file of a pair wins).",
    )
    n.add_argument("action", choices=["check", "sync"])
    n.add_argument("--dir", type=Path, default=paths.NOTEBOOKS_DIR, help="the notebooks folder (default: notebooks/)")
    n.set_defaults(func=_notebooks)
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
