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
from .i18n import N_, Words, _, zh

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff《》“”"
_CJK = re.compile(rf"[\u3000-\u30ff{_HAN}\uff00-\uffef]+(?:[\s\d.%~\-+()（）]*[\u3040-\u30ff{_HAN}]+)*")
STATUS_TEXT = Words({"met": N_("met"), "disputed": N_("disputed"), "partly": N_("partly met"), "missed": N_("missed"),
                     "claimed": N_("claimed, no figure"), "restated": N_("restated"), "projected": N_("projected"),
                     "not-found": N_("no result found"), "overdue": N_("overdue"), "due-soon": N_("due soon"),
                     "upcoming": N_("upcoming"), "qualitative": N_("qualitative")})
STRENGTH_TEXT = Words({"strong": N_("strong evidence"), "fair": N_("fair evidence"), "weak": N_("weak evidence")})
MATCH_TEXT = Words({"same": N_("the same measure"), "proxy": N_("a near measure (proxy)"),
                    "partial": N_("part of the measure")})
TREND_TEXT = Words({"on-track": N_("on track"), "needs-acceleration": N_("needs acceleration"),
                    "off-track": N_("off track"), "moving-away": N_("moving away")})
GRADE_TEXT = Words({"official": N_("official"), "major-media": N_("major media"), "secondary": N_("secondary"),
                    "weak": N_("weak")})
KIND_TEXT = Words({"spending": N_("spending"), "driven": N_("driven"), "investment": N_("investment"), "fund": N_("fund"),
                   "subsidy": N_("subsidy"), "pledge": N_("pledge")})
"""A kind of money in words (the legend, the tables)."""
CONFIDENCE_TEXT = Words({"high": N_("high"), "medium": N_("medium"), "low": N_("low")})
GRADE_RANK = {"official": 0, "major-media": 1, "secondary": 2, "weak": 3}
BINDING_TEXT = Words({"binding": N_("binding (约束性)"), "anticipatory": N_("anticipatory (预期性)")})
UNIT_ZH = {"%": "%", "% increase": "%", "% of GDP": "%（占GDP）", "% reduction": "%", "CNY": "元", "EUR": "欧元",
           "USD": "美元", "apps": "个应用", "base stations": "个基站", "bases": "个基地", "benchmarks": "个标杆",
           "cases": "个案例", "categories": "类", "cities": "个城市", "devices": "台设备", "enterprises": "家企业",
           "factories": "家工厂", "fields": "个领域", "index points": "点", "industries": "个行业", "networks": "张网络",
           "nodes": "个节点", "pilots": "个试点", "platforms": "个平台", "projects": "个项目", "provinces": "个省份",
           "registrations": "个注册量", "resolutions": "次解析", "resolutions per day": "次/日解析", "scenarios": "个场景",
           "sectors": "个行业", "standards": "项标准", "sub-centres": "个分中心", "systems": "个体系", "tasks": "项任务",
           "users": "户",
           "multiple of baseline": "倍（相对基线）", "connections": "个连接", "patents": "件专利"}
"""Each unit as a Chinese figure writes it after the number (a measure word and the noun)."""




def esc(value: object) -> str:
    """HTML-escape text from the data, marking runs of Chinese as ``lang="zh-Hans"``.

    Bidirectional embedding, override and isolate controls are dropped, so no value can reorder the text
    around it (right-to-left letters themselves display as they should).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    raw = str(value).translate(WITHOUT_BIDI)
    if zh():  # a page in Chinese: English from the data is marked English, for screen readers and fonts
        out, last = [], 0
        for m in _LATIN.finditer(raw):
            if sum(c.isalpha() for c in m.group(0)) < 2:
                continue
            out += [_esc_han(raw[last:m.start()]), f'<span lang="en">{html.escape(m.group(0))}</span>']
            last = m.end()
        return "".join(out) + _esc_han(raw[last:])
    return _esc_han(raw)


_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9'’.-]*(?:[\s,;:()/&+–-]*[A-Za-z0-9][A-Za-z0-9'’.-]*)*\)?")
"""A run of English words, addresses among them ('y.tt'); one of two letters or more ('5G' or a lone 'N' stays as it is)."""


def _esc_han(raw: str) -> str:
    text = html.escape(raw)
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
    if zh():  # 万 and 亿, as Chinese sources print them
        for div, word in ((1e8, "亿"), (1e4, "万")):
            if abs(value) >= div and (value / div) * 1e4 == round((value / div) * 1e4):
                return f"{value / div:.10g}{word}"
        return f"{value:.10g}"
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.4g} billion"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.4g} million"
    return f"{value:,.10g}"



def rate_text(value: float) -> str:
    return f"{value:+.1%}"


def join_words(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' (甲、乙和丙)."""
    if zh():
        return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def figure_text(value: float, qualifier: str, unit: str) -> str:
    """A reported figure as printed in English: 'more than 350,000 enterprises', 'about 71.5%'."""
    number = plain_number(value)
    if zh():
        sign = {"about": "约", "at-least": "至少", "more-than": "超过"}.get(qualifier, "")
        return f"{sign}{number}{UNIT_ZH.get(unit, ' ' + unit)}"
    sign = {"about": "about ", "at-least": "at least ", "more-than": "more than "}.get(qualifier, "")
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
        return STATUS_TEXT["qualitative"]
    unit, comparator = str(t["unit"]), str(t["comparator"])
    value = plain_number(float(t["target_value"]))
    if zh():
        return _goal_zh(t, unit, comparator, value)
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


def unit_label(unit: str) -> str:
    """A unit as an axis names it: 'enterprises', or in Chinese the noun without its measure word (企业)."""
    if not zh():
        return unit
    words = UNIT_ZH.get(unit, unit)
    return words[1:] if len(words) > 2 and words[0] in "个家项台张件次" else words


GOAL_ZH = {"at-least": "不少于", "more-than": "超过", "at-most": "不超过", "about": "约", "equal": ""}


def _goal_zh(t: Any, unit: str, comparator: str, value: str) -> str:
    """A goal in Chinese: 不少于1万家工厂, 提高20%以上, 达到基线的2倍."""
    if comparator == "range" and not missing(t["target_max"]):
        value = f"{value}至{plain_number(float(t['target_max']))}"
        comparator = "equal"
    words = GOAL_ZH.get(comparator, "")
    if unit == "% increase":
        return f"提高{words}{value}%"
    if unit == "% reduction":
        return f"降低{words}{value}%"
    if unit.startswith("multiple of "):
        return f"{words}基线水平的{value}倍"
    return f"{words}{value}{UNIT_ZH.get(unit, ' ' + unit)}"


def money_text(i: Any) -> str:
    """An amount with its qualifier and currency: 'about CNY 70 billion', 'not stated' (约700亿元)."""
    if missing(i["amount"]):
        return _("not stated")
    if zh():
        sign = {"about": "约", "more-than": "超过", "at-least": "至少", "up-to": "最高"}.get(str(i["qualifier"]), "")
        return f"{sign}{plain_number(float(i['amount']))}{UNIT_ZH.get(str(i['currency']), str(i['currency']))}"
    sign = {"about": "about ", "more-than": "more than ", "at-least": "at least ",
            "up-to": "up to "}.get(str(i["qualifier"]), "")
    return f"{sign}{i['currency']} {plain_number(float(i['amount']))}"


def plain_date(value: object, precision: object) -> str:
    if missing(value):
        return ""
    if zh():  # 2025年, 2025年12月, 2025年12月3日
        y, m, d = value.year, value.month, value.day  # type: ignore[attr-defined]
        return {"year": f"{y}年", "month": f"{y}年{m}月"}.get(str(precision), f"{y}年{m}月{d}日")
    fmt = {"year": "%Y", "month": "%Y-%m"}.get(str(precision), "%Y-%m-%d")
    return value.strftime(fmt)  # type: ignore[attr-defined]


def day_text(day: str) -> str:
    """An ISO date as the page's language writes it: ``2026-12-03``, or ``2026年12月3日`` in Chinese."""
    if not zh() or len(day) < 10 or not day[:4].isdigit():
        return day
    from datetime import date

    return plain_date(date.fromisoformat(day[:10]), "day")


def sort_when(value: object) -> tuple[bool, Any]:
    """A date as a sort key, an unknown one last (NaT compares false with everything, so a sort on it would
    follow the order the rows came in)."""
    return (True, 0) if missing(value) else (False, value)


def deadline_text(value: object, precision: object) -> str:
    if missing(value):
        return _("no date")
    if zh():
        return plain_date(value, "year" if str(precision) == "year" else "day")
    return str(value.year) if str(precision) == "year" else value.strftime("%Y-%m-%d")  # type: ignore[attr-defined]


COMPARATOR_SYMBOL = {"at-least": "≥", "more-than": ">", "at-most": "≤", "equal": "=", "about": "≈"}


def compact_number(value: float) -> str:
    """A number as an axis or a table cell shows it: '1.2k', '3 bn', '4.45 trn'."""
    units = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")) if zh() else ((1e12, " trn"), (1e9, " bn"), (1e6, " m"), (1e3, "k"))
    for div, suffix in units:
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
