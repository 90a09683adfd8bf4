"""``analysis commentary confirm ID ...`` and ``analysis commentary status``: an analyst's commentary against
the facts it was written for (``analysis.pipeline.confirm``)."""

from __future__ import annotations

import argparse

from .cli_common import data_dir_option, project_options


def _commentary(args: argparse.Namespace) -> int:
    from .pipeline import Options
    from .pipeline.confirm import confirm, status

    opts = Options(briefings_file=args.briefings, notebooks_dir=args.notebooks_dir, data_dir=args.data_dir,
                   reports_dir=args.reports_dir)
    if args.action == "confirm":
        if not args.ids:
            print("error: name the briefing(s) whose commentary you confirm: analysis commentary confirm ID ...")
            return 2
        return confirm(opts, args.ids)
    return status(opts)


def commentary_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``commentary`` command, added to the command line of ``analysis.cli``."""
    c = sub.add_parser(
        "commentary", help="confirm a briefing's commentary against today's facts, or list where each stands",
        description="confirm ID ...: you have read the commentary (notebooks/commentary/ID.md) against the facts "
                    "as they are now; record them beside it, so the next build shows it as current and "
                    "'analysis publish' takes it. status: each commentary's state as its last build saw it "
                    "(exit 1 when one needs confirming).")
    c.add_argument("action", choices=["confirm", "status"])
    c.add_argument("ids", nargs="*", metavar="ID", help="briefing ids (confirm)")
    data_dir_option(c)
    project_options(c)
    c.set_defaults(func=_commentary)
