"""What a reader gets: the briefing a notebook builds (``briefing``, ``tables``), the words and numbers
it prints (``text``), its charts (``style``, ``charts``), the overview's portfolio tables (``overview``),
the facts it saves and compares (``snapshot``), and the nbconvert exporters and templates that turn the
executed notebook into HTML and PDF (``exporters``, ``templates/``).

Notebooks use ``from analysis.report import Briefing``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Briefing"]


def __getattr__(name: str) -> Any:
    if name == "Briefing":  # imported on first use, so that 'analysis.report.style' alone stays light
        from .briefing import Briefing

        return Briefing
    raise AttributeError(f"module 'analysis.report' has no attribute {name!r}")
