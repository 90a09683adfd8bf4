"""The analyst's commentary on the page: key findings on page 1, comments at the end of sections, live
placeholders and citations, and a visible note while the commentary is unconfirmed or may be out of date.

``BriefingCommentary`` is mixed into ``analysis.report.briefing.Briefing``; the file format, the checks and
the comparison with the confirmed facts are ``analysis.report.commentary``.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from . import i18n
from .commentary import FINDINGS, Block, Commentary, State, depends_on, read_commentary, state_of
from .fragments import render
from .i18n import _
from .text import (
    STATUS_TEXT,
    STRENGTH_TEXT,
    Html,
    day_text,
    deadline_text,
    esc,
    figure_text,
    goal_text,
    markup,
    missing,
    money_text,
    when_text,
)

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    import pandas as pd

    from .text import Citations

_TOKEN = re.compile("\ue000(\\d+)\ue001")
GRADED = ("met", "partly", "missed", "disputed")


@cache
def _markdown() -> Any:
    import mistune

    # Raw HTML in the analyst's text is shown as text, and unsafe link schemes are dropped.
    return mistune.create_markdown(escape=True, plugins=["strikethrough", "table"])


_CJK_BREAK = re.compile(r"(?<=[^\x00-\x7f])[ \t]*\n[ \t]*(?=[^\x00-\x7f\-*])")
"""A line break between two Chinese characters (not before a list item)."""


class BriefingCommentary:
    """The commentary sections of a briefing (see ``Briefing`` for the data they read)."""

    citations: Citations
    targets: pd.DataFrame
    investments: pd.DataFrame
    policies: pd.DataFrame
    facts: dict[str, Any]
    as_of: date
    remarks: Commentary | None
    remarks_state: State | None
    briefing_id: str

    def _read_commentary(self, path: Path | str | None, briefing_id: str) -> None:
        """Read the commentary the build names (checked by the build before it started) and compare it with
        the facts it was last confirmed against."""
        from pathlib import Path

        self.briefing_id = briefing_id
        self.remarks = read_commentary(Path(path)) if path else None
        self.remarks_state = None
        if self.remarks is not None:
            self.remarks_state = state_of(self.remarks, self.commentary_facts(), self._target_names())

    def commentary_facts(self) -> dict[str, Any]:
        """The facts the commentary depends on, as the confirmation records them."""
        assert self.remarks is not None
        return depends_on(self.remarks, {**self.facts, "counts": self.counts})

    @cached_property
    def counts(self) -> dict[str, int]:
        """How many targets have each status, how many are numeric and past their deadline, how many verdicts
        (met, partly, missed, disputed) rest on strong, fair and weak evidence, how many policies."""
        import pandas as pd

        t = self.targets
        out = {s: int(n) for s, n in t["status"].value_counts().items()}
        day = pd.Timestamp(self.as_of)
        past = (t["comparator"] != "qualitative") & t["deadline"].notna() & (t["deadline"] < day)
        out.update({"targets": len(t), "policies": len(self.policies), "past-deadline": int(past.sum())})
        graded = t[t["status"].isin(GRADED)]
        out.update({s: int((graded["strength"] == s).sum()) for s in STRENGTH_TEXT})
        return dict(sorted(out.items()))

    def _target_names(self) -> dict[str, str]:
        return {str(r["id"]): _short(str(r["description_en"])) for _i, r in self.targets.iterrows()}

    # -- on the page --------------------------------------------------------------------------------

    def commentary(self, section: str) -> Html:
        """The analyst's comment placed after ``section`` (the build adds this call after that section)."""
        if self.remarks is None:
            return Html("")
        blocks = self.remarks.of(section, i18n.current())
        if not blocks:
            return Html("")
        return render("commentary", blocks=[self._block_html(b) for b in blocks], findings=False,
                      label=self._label(), stale=self._stale())

    def findings(self) -> Html:
        """The key findings on page 1, and the note when the commentary is unconfirmed or may be out of date."""
        if self.remarks is None:
            return Html("")
        blocks = self.remarks.of(FINDINGS, i18n.current())
        note = ""
        if self.remarks_state is not None and self.remarks_state.state != "confirmed":
            s = self.remarks_state
            note = (_("Draft: the analyst's text below has not yet been confirmed against the data.") if s.state ==
                    "unconfirmed" else _("The analyst's text in this briefing may be out of date: {changes} since it "
                                         "was confirmed on {confirmed}. Its live figures are current; numbers written "
                                         "in the prose may not be.").format(changes="; ".join(s.changes), confirmed=s.confirmed))
        return render("commentary", blocks=[self._block_html(b) for b in blocks], findings=True, note=note,
                      label=self._label(), stale=self._stale())

    def _label(self) -> str:
        s = self.remarks_state
        if s is None or s.state == "unconfirmed":
            return _("Analyst's comment (draft)")
        return _("Analyst's comment, confirmed against the data on {day}").format(day=day_text(str(s.confirmed)))

    def _stale(self) -> bool:
        return self.remarks_state is not None and self.remarks_state.state == "stale"

    def _block_html(self, block: Block) -> Any:
        if block.language != i18n.current():  # the English text where none is written in this language, marked
            with i18n.use(block.language):
                html = self._block_markup(block)
            label = esc(_("(in English: no Chinese text written yet)"))
            return markup(f'<div lang="{i18n.HTML_LANG[block.language]}" class="other-language">'
                          f'<p class="printed" lang="{i18n.HTML_LANG[i18n.current()]}">{label}</p>{html}</div>')
        return self._block_markup(block)

    def _block_markup(self, block: Block) -> Any:
        pieces: list[str] = []
        text = block.text
        if block.language == "zh":  # a line break inside Chinese prose is no space
            text = _CJK_BREAK.sub("", text)

        def token(html: str) -> str:
            pieces.append(html)
            return f"\ue000{len(pieces) - 1}\ue001"

        from .commentary import CITATION, PLACEHOLDER

        text = PLACEHOLDER.sub(lambda m: token(self._placeholder(*m.group(1).split())), text)
        text = CITATION.sub(lambda m: token(" ".join(
            str(self.citations.cite(p.strip().removeprefix("@"))) for p in m.group(1).split(";"))), text)
        html = str(_markdown()(text))
        return markup(_TOKEN.sub(lambda m: pieces[int(m.group(1))], html))

    def _placeholder(self, kind: str, arg: str) -> str:
        """The live text of one placeholder, as HTML."""
        if kind == "count":
            return esc(f"{self.counts.get(arg, 0):,}")
        if kind == "amount":
            rows = self.investments[self.investments["id"] == arg]
            if rows.empty:
                return esc("(amount not shown as of this date)")
            i = rows.iloc[0]
            return esc(money_text(i)) + " " + str(self.citations.cite(i["source_id"]))
        rows = self.targets[self.targets["id"] == arg]
        if rows.empty:
            return esc("(target not shown as of this date)")
        t = rows.iloc[0]
        if kind == "target":
            return esc(t["description_en"])
        if kind == "goal":
            return esc(goal_text(t))
        if kind == "deadline":
            return esc(deadline_text(t["deadline"], t["deadline_precision"]))
        if kind == "status":
            word = STATUS_TEXT[str(t["status"])]
            strength = t["strength"]
            if str(t["status"]) in GRADED and isinstance(strength, str):
                word += _(", on {strength}").format(strength=STRENGTH_TEXT[strength])
            return esc(word)
        if kind in ("evidence", "latest"):
            outcome = t["evidence_id" if kind == "evidence" else "latest_id"]
            if missing(outcome):
                return esc(_("no deciding figure") if kind == "evidence" else _("no figure on record"))
            return self._live_figure(str(outcome))
        if kind == "share":
            return esc(self._share(t))
        raise ValueError(f"unknown placeholder {kind!r}")  # read_commentary() refuses it first

    def _live_figure(self, outcome_id: str) -> str:
        o = self.outcome(outcome_id)
        text = _("{figure} ({when})").format(figure=figure_text(float(o["value"]), str(o["qualifier"]), str(o["unit"])),
                                            when=when_text(o))
        return esc(text) + " " + str(self.cite_row("outcomes", o["id"], o["source_id"]))

    def _share(self, t: Any) -> str:
        """The latest figure as a share of the goal, when both are numbers in the same unit."""
        goal = t["target_value"]
        if missing(t["latest_id"]) or missing(goal) or float(goal) <= 0:
            return _("no share of the goal")
        o = self.outcome(t["latest_id"])
        if str(o["unit"]) != str(t["unit"]):
            return _("no share of the goal (the latest figure is in another unit)")
        return _("{share} of the goal").format(share=f"{float(o['value']) / float(goal):.0%}")

    if TYPE_CHECKING:  # Briefing's
        def outcome(self, outcome_id: object) -> Any: ...

        def cite_row(self, table: str, row_id: object, source_id: object) -> str: ...


def _short(text: str, limit: int = 60) -> str:
    text = text.rstrip(". ")
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
