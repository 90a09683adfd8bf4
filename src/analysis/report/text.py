"""Text for readers: escaping, numbers, dates, goals and figures in words, and small HTML pieces.

Every piece of text from the data goes through ``esc``: HTML-escaped, bidirectional controls dropped,
Chinese runs marked ``lang="zh-Hans"`` so browsers (and, through ``analysis.report.typst``, the PDF) pick Simplified-Chinese glyphs. The
formatters here are shared by the briefing sections, the overview, the charts and ``facts.json``, so a
goal or a figure reads the same everywhere.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..core.unicode import WITHOUT_BIDI

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff《》“”"
_CJK = re.compile(rf"[\u3000-\u30ff{_HAN}\uff00-\uffef]+(?:[\s\d.%~\-+()（）]*[\u3040-\u30ff{_HAN}]+)*")
STATUS_TEXT = {"met": "met", "disputed": "disputed", "partly": "partly met", "missed": "missed",
               "claimed": "claimed, no figure", "restated": "restated", "projected": "projected",
               "not-found": "no result found", "overdue": "overdue", "due-soon": "due soon", "upcoming": "upcoming",
               "qualitative": "qualitative"}
STRENGTH_TEXT = {"strong": "strong evidence", "fair": "fair evidence", "weak": "weak evidence"}
MATCH_TEXT = {"same": "the same measure", "proxy": "a near measure (proxy)", "partial": "part of the measure"}
TREND_TEXT = {"on-track": "on track", "needs-acceleration": "needs acceleration", "off-track": "off track",
              "moving-away": "moving away"}
GRADE_TEXT = {"official": "official", "major-media": "major media", "secondary": "secondary", "weak": "weak"}
GRADE_RANK = {"official": 0, "major-media": 1, "secondary": 2, "weak": 3}
BINDING_TEXT = {"binding": "binding (约束性)", "anticipatory": "anticipatory (预期性)"}




def esc(value: object) -> str:
    """HTML-escape text from the data, marking runs of Chinese as ``lang="zh-Hans"``.

    Bidirectional embedding, override and isolate controls are dropped, so no value can reorder the text
    around it (right-to-left letters themselves display as they should).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = html.escape(str(value).translate(WITHOUT_BIDI))
    return _CJK.sub(lambda m: f'<span lang="{han_lang(m.group(0))}">{m.group(0)}</span>', text)


_KANA = re.compile(r"[\u3040-\u30ff]")
_TRADITIONAL = set("個國經濟業網際聯臺這為與發區門機們點實產過數據雲術開關應對東車書長題變參強類電進達識標準議資總號"
                   "級裝務種絡設備廠創擇顯億萬傳統營運輸銷價處當時會員廣說語證還選鐵銀錄問間陽陸隨雙離響項領頭風館體龍")
_SIMPLIFIED = set("万个国经济业网际联这为与发区门机们点实产过数据云术开关应对东车书长题变参强类电进达识标准议资总号"
                  "级装务种络设备厂创择显亿传统营运输销价处当时会员广说语证还选铁银录问间阳陆随双离响项领头风馆体龙")


def han_lang(run: str) -> str:
    """The language of a run of Han characters, so that a browser and typst pick the right forms:
    ``ja`` with kana, or with traditional forms beside simplified ones (Japanese writes 万 and 個);
    ``zh-Hant`` with traditional forms only (a Hong Kong or Taiwan page); otherwise ``zh-Hans``."""
    chars = set(run)
    if _KANA.search(run) or (chars & _TRADITIONAL and chars & _SIMPLIFIED):
        return "ja"
    return "zh-Hant" if chars & _TRADITIONAL else "zh-Hans"


def esc_plain(value: object) -> str:
    """HTML-escape text without marking Chinese runs (for text in another language, such as Japanese)."""
    return html.escape(str(value).translate(WITHOUT_BIDI))


def missing(value: object) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


class Html:
    """An HTML fragment a notebook cell displays: ``text/html``, and the same as typst for the PDF
    (``analysis.report.typst``); no plain-text repr to leak."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        from .typst import MIME, to_typst  # the same content, for print (analysis.report.exporters)

        return {"text/html": self.markup, MIME: to_typst(self.markup)}

    def __str__(self) -> str:
        return self.markup


@dataclass
class Citations:
    """Numbers sources in the order they are first cited, keeping the numbers of earlier builds.

    ``kept`` holds the numbers a briefing series has given so far (read from its last build): a source
    cited before keeps its number, a new one takes the next number never used, so "[7]" in last month's
    edition is "[7]" in this one. ``numbers`` holds the sources cited in this build only.
    """

    numbers: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def cite(self, source_id: object) -> str:
        """The citation mark for a source (markup: ``<a class="cite" ...>[3]</a>``), numbering it if new."""
        if missing(source_id):
            return markup("")
        key = str(source_id)
        number = self.numbers.get(key)
        if number is None:
            number = self.kept.get(key) or max([0, *self.kept.values(), *self.numbers.values()]) + 1
            self.numbers[key] = number
        return markup(f'<a class="cite" href="#source-{number}">[{number}]</a>')

    def all_numbers(self) -> dict[str, int]:
        """Every number the series has given, this build's included: what the next build keeps."""
        return {**self.kept, **self.numbers}


def markup(text: str) -> str:
    """Markup made by the package itself (a citation mark, a chart), which a template passes on as is."""
    from markupsafe import Markup

    return Markup(text)


def plain_number(value: float) -> str:
    if math.isnan(value):
        return ""
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.4g} billion"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.4g} million"
    return f"{value:,.10g}"



def rate_text(value: float) -> str:
    return f"{value:+.1%}"


def join_words(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def figure_text(value: float, qualifier: str, unit: str) -> str:
    """A reported figure as printed in English: 'more than 350,000 enterprises', 'about 71.5%'."""
    sign = {"about": "about ", "at-least": "at least ", "more-than": "more than "}.get(qualifier, "")
    number = plain_number(value)
    return f"{sign}{number}%" if unit == "%" else f"{sign}{number} {unit}"


def when_text(o: Any) -> str:
    """The time a reported figure describes (its report date where none is given), at its precision."""
    if not missing(o["refers_to"]):
        return plain_date(o["refers_to"], o["refers_to_precision"])
    return plain_date(o["reported"], o["reported_precision"])


def count_text(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _year_text(value: object) -> str:
    return "" if missing(value) else str(value.year)  # type: ignore[attr-defined]


def period_text(start: object, end: object) -> str:
    """A period by its years: '2018–2020', '2015' (no end printed), '' (none)."""
    return "–".join(x for x in (_year_text(start), _year_text(end)) if x)


GOAL_WORDS = {"at-least": "at least", "more-than": "more than", "at-most": "at most", "about": "about", "equal": ""}


def goal_text(t: Any) -> str:
    """A target's goal in words, as a policy writes it: 'at least 10,000 factories', 'at least a 20% increase',
    '1 to 2 enterprises', 'at least 2 times the baseline', 'qualitative'."""
    if missing(t["target_value"]):
        return "qualitative"
    unit, comparator = str(t["unit"]), str(t["comparator"])
    value = plain_number(float(t["target_value"]))
    if comparator == "range" and not missing(t["target_max"]):
        value = f"{value} to {plain_number(float(t['target_max']))}"
        comparator = "equal"
    words = GOAL_WORDS.get(comparator, "")
    if unit.startswith("%"):  # '% increase': 'a 20% increase'; '%': '80%'
        rest = unit[1:].strip()
        amount = f"{value}%" + (f" {rest}" if rest else "")
        return f"{words} {'a ' + amount if rest else amount}".strip()
    if unit.startswith("multiple of "):
        return f"{words} {value} times the {unit[len('multiple of '):]}".strip()
    if unit == "CNY":
        return f"{words} CNY {value}".strip()
    return f"{words} {value} {unit}".strip()


def money_text(i: Any) -> str:
    """An amount with its qualifier and currency: 'about CNY 70 billion', 'not stated'."""
    if missing(i["amount"]):
        return "not stated"
    sign = {"about": "about ", "more-than": "more than ", "at-least": "at least ",
            "up-to": "up to "}.get(str(i["qualifier"]), "")
    return f"{sign}{i['currency']} {plain_number(float(i['amount']))}"


def plain_date(value: object, precision: object) -> str:
    if missing(value):
        return ""
    fmt = {"year": "%Y", "month": "%Y-%m"}.get(str(precision), "%Y-%m-%d")
    return value.strftime(fmt)  # type: ignore[attr-defined]


def deadline_text(value: object, precision: object) -> str:
    if missing(value):
        return "no date"
    return str(value.year) if str(precision) == "year" else value.strftime("%Y-%m-%d")  # type: ignore[attr-defined]


COMPARATOR_SYMBOL = {"at-least": "≥", "more-than": ">", "at-most": "≤", "equal": "=", "about": "≈"}


def compact_number(value: float) -> str:
    """A number as an axis or a table cell shows it: '1.2k', '3 bn', '4.45 trn'."""
    for div, suffix in ((1e12, " trn"), (1e9, " bn"), (1e6, " m"), (1e3, "k")):
        if abs(value) >= div:
            return f"{value / div:g}{suffix}"
    return f"{value:g}"


def target_text(comparator: str, value: float, top: float | None = None) -> str:
    """A target as a reader scans it: '≥ 120', '3–5', '≈ 5'."""
    if comparator == "range" and top is not None:
        return f"{compact_number(value)}–{compact_number(top)}"
    return f"{COMPARATOR_SYMBOL.get(comparator, '')} {compact_number(value)}".strip()


_HOUSEKEEPING = re.compile(r"\s*The figure as printed was not captured in the research notes\.")
_ROW_ID = re.compile(r"(?<![\w/.-])[a-z0-9]+(?:-[a-z0-9]+){2,}(?![\w/-])")


def reader_note(text: str, names: dict[str, str]) -> str:
    """A curator's note in a reader's words: a row id it mentions becomes that row's name (``names``: id to
    words), and a sentence that only tells curators what the research notes lack is left out (the page
    says where the figure as printed is missing)."""
    text = _HOUSEKEEPING.sub("", text).strip()
    return _ROW_ID.sub(lambda m: names.get(m.group(0), m.group(0)), text)
