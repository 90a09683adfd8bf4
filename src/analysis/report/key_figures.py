"""The key figures' sentences: where the targets past their deadline stand, and how the open ones trend.

Plain functions on the briefing's targets table (``Briefing.targets``: the targets with their status columns),
so the sentence reads the same in a briefing and in a test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .i18n import N_, _, ngettext, zh
from .text import TREND_TEXT, deadline_text, figure_text, goal_text, join_words, missing

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
        share = _(" ({share})").format(share=f"{settled / len(past):.0%}")

        def strong(status: str) -> int:
            return int(((past["status"] == status) & (past["strength"] == "strong")).sum())

        decided = [_("{n} met ({strong} on strong evidence)").format(n=int(n.get("met", 0)), strong=strong("met"))]
        if n.get("disputed", 0):
            decided.append(_("{n} disputed").format(n=int(n["disputed"])))
        decided.append(_("{n} missed").format(n=int(n.get("missed", 0))))
        rest = [ngettext(one, many, int(n[s])).format(n=int(n[s])) for s, one, many in (
            ("partly", N_("{n} is partly met"), N_("{n} are partly met")),
            ("claimed", N_("{n} rests on an official claim without a figure"),
             N_("{n} rest on an official claim without a figure")),
            ("restated", N_("{n} was restated by a later plan"), N_("{n} were restated by a later plan")),
            ("projected", N_("{n} has only a projection from its last figures"),
             N_("{n} have only a projection from their last figures")),
            ("not-found", N_("{n} has no public result that a search found"),
             N_("{n} have no public result that a search found")),
            ("overdue", N_("{n} has not been searched for yet"), N_("{n} have not been searched for yet")))
            if n.get(s, 0)]
        lead = ngettext("Of {n} numeric target past its deadline", "Of {n} numeric targets past their deadline",
                        len(past)).format(n=len(past))
        how = ngettext("{settled}{share} is settled by a reported figure ({decided})",
                       "{settled}{share} are settled by a reported figure ({decided})",
                       settled).format(settled=settled, share=share, decided=join_words(decided))
        text = _("{lead}, {settled}").format(lead=lead, settled=how)
        text = _("{text}; {rest}.").format(text=text, rest=join_words(rest)) if rest else _("{text}.").format(text=text)
    else:
        text = _("No numeric target is past its deadline.")
    open_ = numeric[numeric["status"].isin(["due-soon", "upcoming"])]
    if len(open_):
        trends = open_["trend"].value_counts()
        judged = [f"{int(trends[k])} {TREND_TEXT[k]}" for k in TREND_TEXT if trends.get(k, 0)]
        of_open = ngettext("Of {n} open target", "Of {n} open targets", len(open_)).format(n=len(open_))
        text += " " + (_("{of_open}, {judged} by the growth so far.").format(of_open=of_open, judged=join_words(judged))
                       if judged else _("{of_open}, none has two figures to judge a trend by.").format(of_open=of_open))
    return text




NAMED = 4
"""Targets named in each line of the verdict; more are counted ("and 3 more")."""


def verdicts(t: pd.DataFrame, named: int = NAMED) -> list[tuple[str, str]]:
    """The verdict in words that name the targets: which were met, missed and partly met (each with the
    figure that decided it, against its goal), and which open ones fall due next. (label, sentence) pairs,
    in that order, each naming at most ``named`` targets."""
    lines = []
    for status, label in (("met", N_("Met")), ("missed", N_("Missed")), ("disputed", N_("Disputed")),
                          ("partly", N_("Partly met"))):
        rows = t[t["status"] == status].sort_values(["deadline", "id"], na_position="last")
        if len(rows):
            lines.append((_(label), _named([_("{name} ({decided})").format(name=_name(r), decided=_decided(r))
                                            for _i, r in rows.iterrows()], named)))
    due = t[t["status"].isin(["due-soon", "upcoming"])].sort_values(["deadline", "id"], na_position="last")
    if len(due):
        lines.append((_("Next due"), _named([_("{name} ({goal} by {deadline})").format(
            name=_name(r), goal=goal_text(r), deadline=deadline_text(r["deadline"], r["deadline_precision"]))
            for _i, r in due.iterrows()], named)))
    return lines


def _name(r: pd.Series) -> str:
    if zh() and isinstance(r.get("description_zh"), str) and r["description_zh"]:
        return str(r["description_zh"])
    return str(r["metric"]) if isinstance(r["metric"], str) and r["metric"] else str(r["description_en"]).rstrip(".")


def _decided(r: pd.Series) -> str:
    if missing(r["evidence_value"]):
        return _("goal {goal}").format(goal=goal_text(r))
    return _("{figure} against {goal}").format(
        figure=figure_text(float(r["evidence_value"]), str(r["evidence_qualifier"]), str(r["unit"])), goal=goal_text(r))


def _named(items: list[str], named: int) -> str:
    shown = items[:named]
    more = len(items) - len(shown)
    return _("; ").join(shown) + (_("; and {n} more").format(n=more) if more else "") + _(".")
