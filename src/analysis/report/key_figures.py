"""The key figures' sentences: where the targets past their deadline stand, and how the open ones trend.

Plain functions on the briefing's targets table (``Briefing.targets``: the targets with their status columns),
so the sentence reads the same in a briefing and in a test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .text import TREND_TEXT, count_text, join_words

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


