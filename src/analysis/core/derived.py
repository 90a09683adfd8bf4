"""Figures the library computes from two reported ones: ``derived_from`` on an outcome row.

A plan that sets "20 new nodes in 2020" is settled by no page that prints "20 new"; two reported totals
(75 at end-October 2020, 25 in November 2019) settle it by their difference. The curator names the two
rows, ``later - earlier`` or ``part / base``, and leaves value, qualifier, unit and reported empty: they are
computed here, never typed in, so the figure always follows its inputs.

Pure code on plain values: the validator (on text rows) and the loader (on typed frames) both call
``resolve``, so the check and the table can never disagree.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .dates import parse_partial_date

_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
DERIVED = re.compile(rf"({_ID}) ([-/]) ({_ID})")
"""``derived_from``: 'later - earlier' (a difference of two totals) or 'part / base' (a ratio)."""
RATIO_UNIT = "multiple of baseline"
_LOWER_BOUNDS = ("more-than", "at-least")


class Figure(NamedTuple):
    """One outcome row's figure, as written in the data (dates at their precision)."""

    value: float | None
    qualifier: str
    unit: str
    refers_to: str
    reported: str


def parse(text: str) -> tuple[str, str, str] | None:
    """``'a - b'`` or ``'a / b'`` as (a, operation, b); ``None`` if it is neither."""
    m = DERIVED.fullmatch(text.strip())
    return (m.group(1), m.group(2), m.group(3)) if m else None


def combine(op: str, a: float, a_qualifier: str, b: float, b_qualifier: str) -> tuple[float, str]:
    """The value and qualifier of ``a - b`` or ``a / b``.

    Exact from exact figures; a lower bound stays a lower bound when the figure taken away (or divided by)
    is exact; otherwise only "about": a lower bound subtracted, or in a ratio's base, is read at its figure,
    so the result is approximate."""
    value = a - b if op == "-" else a / b
    if b_qualifier == "exact" and a_qualifier in ("exact", *_LOWER_BOUNDS):
        return value, a_qualifier
    return value, "about"


def _later(a: str, b: str) -> str:
    """The later of two report dates, by the first day each stands for: the day both figures were known (the
    status rules count a figure from the first day of the period it was reported in)."""
    try:
        return a if parse_partial_date(a).first >= parse_partial_date(b).first else b
    except ValueError:
        return a or b


def resolve(figures: dict[str, Figure], derived: dict[str, str]) -> dict[str, Figure | str]:
    """For each derived row (id -> its ``derived_from``): the computed ``Figure``, or what is wrong.

    The computed figure takes the inputs' unit (``multiple of baseline`` for a ratio), the later report
    date of the two, and refers to the row's own ``refers_to`` where given, else to the first input's."""
    out: dict[str, Figure | str] = {}
    for row_id, text in derived.items():
        parts = parse(text)
        if parts is None:
            out[row_id] = f"expected 'later-id - earlier-id' or 'part-id / base-id', got {text!r}"
            continue
        a_id, op, b_id = parts
        problem = None
        for name in (a_id, b_id):
            if name == row_id:
                problem = "a derived figure cannot be computed from itself"
            elif name not in figures:
                problem = f"names {name!r}, which is not an outcome id in outcomes.csv"
            elif name in derived:
                problem = f"names {name!r}, itself a derived figure: derive from reported figures only"
            elif figures[name].value is None:
                problem = f"names {name!r}, which has no value (a claim)"
            if problem:
                break
        if problem is None and a_id == b_id:
            problem = "names the same outcome twice"
        if problem is None and figures[a_id].unit != figures[b_id].unit:
            problem = (f"{a_id!r} is in {figures[a_id].unit!r} and {b_id!r} in {figures[b_id].unit!r}: "
                       "only figures in the same unit combine")
        if problem is None and op == "/" and not figures[b_id].value:
            problem = f"{b_id!r} is 0: cannot divide by it"
        if problem is not None:
            out[row_id] = problem
            continue
        a, b = figures[a_id], figures[b_id]
        assert a.value is not None and b.value is not None
        value, qualifier = combine(op, a.value, a.qualifier, b.value, b.qualifier)
        own = figures.get(row_id)
        refers = own.refers_to if own is not None and own.refers_to else a.refers_to
        out[row_id] = Figure(value, qualifier, RATIO_UNIT if op == "/" else a.unit, refers,
                             _later(a.reported, b.reported))
    return out


def inputs(text: str) -> tuple[str, str]:
    """The two outcome ids a valid ``derived_from`` names."""
    parts = parse(text)
    if parts is None:
        raise ValueError(f"not a derived_from: {text!r}")
    return parts[0], parts[2]
