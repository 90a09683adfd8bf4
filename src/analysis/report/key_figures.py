"""The key figures' sentences: where the targets past their deadline stand, and how the open ones trend.

Plain functions on the briefing's targets table (``Briefing.targets``: the targets with their status columns),
so the sentence reads the same in a briefing and in a test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .text import TREND_TEXT, count_text, deadline_text, figure_text, goal_text, join_words, missing

if TYPE_CHECKING:
    from datetime import date

    import pandas as pd


def headline(t: pd.DataFrame, as_of: date) -> str:
    """One sentence on the numeric targets past their deadline (how many a figure settles, how strong, what
    is known of the rest), and one on the open ones (their trends)."""
    import pandas as pd

    day = pd.Timestamp(as_of)
    numeric = t[t["comparator"] != "qualitative"]
    past = numeric[numeric["deadline"].notna() & (numeric["deadline"] < day)]
    n = past["status"].value_counts()
    settled = int(n.get("met", 0) + n.get("missed", 0) + n.get("disputed", 0))
    if len(past):
        share = f" ({settled / len(past):.0%})"

        def strong(status: str) -> int:
            return int(((past["status"] == status) & (past["strength"] == "strong")).sum())

        decided = [f"{int(n.get('met', 0))} met ({strong('met')} on strong evidence)"]
        if n.get("disputed", 0):
            decided.append(f"{int(n['disputed'])} disputed")
        decided.append(f"{int(n.get('missed', 0))} missed")
        rest = [f"{int(n[s])} {one if n[s] == 1 else many}" for s, one, many in (
            ("partly", "is partly met", "are partly met"),
            ("claimed", "rests on an official claim without a figure", "rest on an official claim without a figure"),
            ("restated", "was restated by a later plan", "were restated by a later plan"),
            ("projected", "has only a projection from its last figures", "have only a projection from their last figures"),
            ("not-found", "has no public result that a search found", "have no public result that a search found"),
            ("overdue", "has not been searched for yet", "have not been searched for yet")) if n.get(s, 0)]
        text = (f"Of {count_text(len(past), 'numeric target')} past their deadline, {settled}{share} "
                f"{'is' if settled == 1 else 'are'} settled by a reported figure ({join_words(decided)})")
        text += f"; {join_words(rest)}." if rest else "."
    else:
        text = "No numeric target is past its deadline."
    open_ = numeric[numeric["status"].isin(["due-soon", "upcoming"])]
    if len(open_):
        trends = open_["trend"].value_counts()
        judged = [f"{int(trends[k])} {TREND_TEXT[k]}" for k in TREND_TEXT if trends.get(k, 0)]
        text += (f" Of {count_text(len(open_), 'open target')}, " + (
            f"{join_words(judged)} by the growth so far" if judged else "none has two figures to judge a trend by")
            + ".")
    return text




NAMED = 4
"""Targets named in each line of the verdict; more are counted ("and 3 more")."""


def verdicts(t: pd.DataFrame, named: int = NAMED) -> list[tuple[str, str]]:
    """The verdict in words that name the targets: which were met, missed and partly met (each with the
    figure that decided it, against its goal), and which open ones fall due next. (label, sentence) pairs,
    in that order, each naming at most ``named`` targets."""
    lines = []
    for status, label in (("met", "Met"), ("missed", "Missed"), ("disputed", "Disputed"), ("partly", "Partly met")):
        rows = t[t["status"] == status].sort_values(["deadline", "id"], na_position="last")
        if len(rows):
            lines.append((label, _named([f"{_name(r)} ({_decided(r)})" for _, r in rows.iterrows()], named)))
    due = t[t["status"].isin(["due-soon", "upcoming"])].sort_values(["deadline", "id"], na_position="last")
    if len(due):
        lines.append(("Next due", _named([f"{_name(r)} ({goal_text(r)} by {deadline_text(r['deadline'], r['deadline_precision'])})"
                                          for _, r in due.iterrows()], named)))
    return lines


def _name(r: pd.Series) -> str:
    return str(r["metric"]) if isinstance(r["metric"], str) and r["metric"] else str(r["description_en"]).rstrip(".")


def _decided(r: pd.Series) -> str:
    if missing(r["evidence_value"]):
        return f"goal {goal_text(r)}"
    return f"{figure_text(float(r['evidence_value']), str(r['evidence_qualifier']), str(r['unit']))} against {goal_text(r)}"


def _named(items: list[str], named: int) -> str:
    shown = items[:named]
    more = len(items) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more else "") + "."
