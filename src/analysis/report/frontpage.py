"""The front page, ``reports/index.html``, rendered from the Jinja template
``analysis/report/templates/frontpage/index.html.j2`` (autoescaped, so no title can become markup).

It says what the tracker covers, how the portfolio stands (targets by status, from each briefing's
``facts.json``), and lists one row per briefing with its issuer, level, year, period, a strip of its
targets by status and links that say what they open ("PDF, 12 pages, 310 KB"). It lists every briefing
of the list being built, then every other briefing whose files are in the folder (built from another
list: the front page merges, it never drops them), and says when a briefing's last build failed, so that
a reader knows its files are older.

The page carries its own small script (sorting and filtering; the table works without it) and its own
styles, both inline and allowed by a Content-Security-Policy that names their hashes and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.status_rules import STATUSES
from ..files import read_json_object, write_atomic
from . import i18n
from .i18n import N_, Words, _, ngettext
from .snapshot import FACTS
from .text import STATUS_TEXT, esc, join_words

TEMPLATES = Path(__file__).resolve().parent / "templates" / "frontpage"
DATA_PACKAGE = "industrial-internet-data.zip"
"""The whole data package as one download, beside the front page (written by ``analysis.pipeline.data_zip``)."""

LEVELS = ("national", "ministerial", "provincial", "municipal")
LEVEL_TEXT = Words({"national": N_("national"), "ministerial": N_("ministerial"), "provincial": N_("provincial"),
                    "municipal": N_("municipal")})
STRIP_COLOUR = {"met": "#007A5A", "disputed": "#E5A07A", "partly": "#7CC4A8", "missed": "#B34E00",
                "claimed": "#6A3D9A", "restated": "#4A5C8C", "projected": "#C9B27A", "not-found": "#E0B458",
                "overdue": "#E69F00", "due-soon": "#A8487F", "upcoming": "#0072B2", "qualitative": "#9A9A9A"}
PERIODS = (("to-2020", N_("ended by 2020")), ("2021-2025", N_("ends 2021–2025")), ("2026-on", N_("ends 2026 or later")),
           ("open", N_("no end date")))
# How each status reads in a sentence: "Of the 94 targets, 19 are met, 52 have no result ...".
STATUS_VERB = {"met": (N_("{n} is met"), N_("{n} are met")),
               "disputed": (N_("{n} is disputed: its sources disagree"), N_("{n} are disputed: their sources disagree")),
               "partly": (N_("{n} is partly met"), N_("{n} are partly met")), "missed": (N_("{n} was missed"), N_("{n} were missed")),
               "restated": (N_("{n} was restated by a later plan"), N_("{n} were restated by a later plan")),
               "projected": (N_("{n} has no final figure, only a projection"), N_("{n} have no final figure, only a projection")),
               "claimed": (N_("{n} rests on an official claim without a figure"), N_("{n} rest on an official claim without a figure")),
               "not-found": (N_("{n} has no public result that a search found"), N_("{n} have no public result that a search found")),
               "overdue": (N_("{n} is overdue and not yet searched for"), N_("{n} are overdue and not yet searched for")),
               "due-soon": (N_("{n} falls due soon"), N_("{n} fall due soon")), "upcoming": (N_("{n} is upcoming"), N_("{n} are upcoming")),
               "qualitative": (N_("{n} is a goal with no number to test"), N_("{n} are goals with no number to test"))}
STRENGTH_STATUSES = ("met", "partly", "missed")
"""The statuses that carry a strength (``analysis.core.status_rules``)."""
_YEAR = re.compile(r"(?:19|20)\d\d")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
PAGES = {language: f"{i18n.stem('index', language)}.html" for language in i18n.LANGUAGES}
"""The front page in each language."""


@dataclass
class Link:
    label: str  # what it opens, with its size: "PDF, 12 pages, 310 KB"
    href: str
    name: str  # the short visible word


@dataclass
class ListedBriefing:
    """One row of the front page's list."""

    id: str
    title: str
    built: bool
    failed: bool = False
    as_of: str = ""
    issuers: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    issued: str = ""  # a year, or "2015–2026" for several policies
    period: str = ""
    periods: list[str] = field(default_factory=list)  # the PERIODS keys its policies fall in
    counts: dict[str, int] = field(default_factory=dict)  # targets by status, in STATUSES order
    strong: dict[str, int] = field(default_factory=dict)  # of those, met/partly/missed on strong evidence
    links: list[Link] = field(default_factory=list)
    sort_year: str = ""  # empty when unknown: sorted last either way
    sort_end: str = ""
    sort_level: int = 9
    rollup: bool = False  # a briefing of several policies (the portfolio, a topic): listed apart, "Across policies"
    page: str = ""  # the web page in the front page's language (the English one where it has no other)

    @property
    def targets(self) -> int:
        return sum(self.counts.values())

    @property
    def strip(self) -> list[dict[str, Any]]:
        return strip(self.counts, 120)

    @property
    def counts_text(self) -> str:
        return _(", ").join(f"{n} {STATUS_TEXT[s]}{strong_text(s, self.strong)}" for s, n in self.counts.items()) or \
            _("no targets")

    @property
    def level_text(self) -> str:
        return _(", ").join(LEVEL_TEXT.get(lv, lv) for lv in self.levels)


def strong_text(status: str, strong: dict[str, int]) -> str:
    """' (3 on strong evidence)' for a status that carries a strength; '' for the others."""
    return _(" ({n} on strong evidence)").format(n=strong.get(status, 0)) if status in STRENGTH_STATUSES else ""


def strip(counts: dict[str, int], width: float) -> list[dict[str, Any]]:
    """Segments of a bar ``width`` wide, one per status, in proportion to the counts."""
    total = sum(counts.values())
    out, x = [], 0.0
    for s, n in counts.items():
        if not n:
            continue  # named in the legend, nothing to draw
        w = width * n / total if total else 0
        out.append({"status": s, "x": round(x, 2), "width": round(w, 2), "colour": STRIP_COLOUR[s], "n": n})
        x += w
    return out


def size_text(n: int) -> str:
    if n < 1024:
        return _("{n} bytes").format(n=n)
    if n < 1024 * 1024:
        return f"{round(n / 1024)} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _period_key(end: int | None) -> str:
    if end is None:
        return "open"
    return "to-2020" if end <= 2020 else "2021-2025" if end <= 2025 else "2026-on"


def _span(policies: list[dict[str, Any]]) -> str:
    """The periods of several policies as one span: '2015–2028, 36 policies'."""
    years = [int(y) for p in policies for y in _YEAR.findall(str(p.get("period", "")))]
    span = f"{min(years)}–{max(years)}, " if years else ""
    return span + ngettext("{n} policy", "{n} policies", len(policies)).format(n=len(policies))


def _read_facts(folder: Path) -> dict[str, Any]:
    return read_json_object(folder / FACTS)


def _listed(reports_dir: Path, bid: str, title: str, entry: dict[str, Any]) -> ListedBriefing:
    folder = reports_dir / bid
    built = bool(entry) and (folder / f"{bid}.html").exists()
    row = ListedBriefing(bid, title, built)
    if not built:
        return row
    own = i18n.stem(bid, i18n.current())
    stem = own if (folder / f"{own}.html").exists() else bid  # the English page where it has no other
    row.page = f"{bid}/{stem}.html"
    if stem != bid:  # the title its own edition gives
        found = _TITLE.search((folder / f"{stem}.html").read_text(encoding="utf-8"))
        row.title = html.unescape(found.group(1)) if found else title
    row.failed = entry.get("inputs") is None  # files from an earlier, complete build
    row.as_of = str(entry.get("as_of", ""))
    facts = _read_facts(folder)
    policies = [p for p in (facts.get("policies") or {}).values() if isinstance(p, dict)]
    row.issuers = sorted({str(p.get("issuer")) for p in policies if p.get("issuer")})
    levels = {str(p.get("level")) for p in policies if p.get("level")}
    row.levels = [lv for lv in LEVELS if lv in levels] + sorted(levels - set(LEVELS))
    row.sort_level = min((LEVELS.index(lv) for lv in row.levels if lv in LEVELS), default=9)
    years = sorted(int(y) for p in policies for y in _YEAR.findall(str(p.get("issued", "")))[:1])
    if years:
        row.issued = str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
        row.sort_year = str(years[0])
    ends = []
    for p in policies:
        found = [int(y) for y in _YEAR.findall(str(p.get("period", "")))]
        ends.append(max(found) if found else None)
    row.periods = [key for key, _ in PERIODS if key in {_period_key(e) for e in ends}]
    row.period = (str(policies[0].get("period") or _("no period stated")) if len(policies) == 1
                  else _span(policies) if policies else "")
    known_ends = [e for e in ends if e is not None]
    row.sort_end = str(max(known_ends)) if known_ends else ""
    row.rollup = len(policies) > 1
    targets = [t for t in (facts.get("targets") or {}).values() if isinstance(t, dict)]
    statuses = Counter(str(t.get("status")) for t in targets)
    row.counts = {s: statuses[s] for s in STATUSES if statuses[s]}
    row.strong = dict(Counter(str(t.get("status")) for t in targets if t.get("strength") == "strong"))
    row.links = _links(folder, bid, int(entry.get("pdf_pages") or 0), stem)
    return row


def _links(folder: Path, bid: str, pages: int, stem: str = "") -> list[Link]:
    links = []
    stem = stem or bid
    for ext, name, what in (("html", _("Web page"), _("Web page")), ("pdf", "PDF", "PDF"),
                            ("csv", "CSV", _("Data as CSV")), ("xlsx", "Excel", _("Data as Excel"))):
        path = folder / f"{stem if ext in ('html', 'pdf') else bid}.{ext}"
        if not path.exists():
            continue
        detail = [what]
        if ext == "pdf" and pages and stem == bid:  # the build counts the first edition's pages
            detail.append(ngettext("{n} page", "{n} pages", pages).format(n=pages))
        detail.append(size_text(path.stat().st_size))
        links.append(Link(_(", ").join(detail), f"{bid}/{path.name}", name))
    return links


def portfolio(rows: list[ListedBriefing], reports_dir: Path) -> dict[str, Any]:
    """Targets by status over every briefing shown, each target once (a target shown in several
    briefings counts once, with its status in the briefing of the latest status date)."""
    latest: dict[str, tuple[str, str]] = {}
    policies: set[str] = set()
    years: list[int] = []
    for row in rows:
        if not row.built:
            continue
        facts = _read_facts(reports_dir / row.id)
        for pid, p in (facts.get("policies") or {}).items():
            policies.add(pid)
            years += [int(y) for y in _YEAR.findall(str(p.get("issued", "")) if isinstance(p, dict) else "")[:1]]
        for tid, t in (facts.get("targets") or {}).items():
            if isinstance(t, dict) and (tid not in latest or row.as_of > latest[tid][0]):
                latest[tid] = (row.as_of, str(t.get("status")), t.get("strength") == "strong")
    counts = Counter(status for _i, status, _ in latest.values())
    strong = dict(Counter(status for _i, status, is_strong in latest.values() if is_strong))
    # The verdicts are always named, none included: "0 missed" is news, an absent "missed" is a question.
    total = sum(counts.values())
    ordered = {s: counts[s] for s in STATUSES if counts[s] or (total and s in ("met", "partly", "missed"))}
    items = [{"status": s, "text": STATUS_TEXT[s], "n": n, "share": f"{n / total:.0%}",
              "verb": _(STATUS_VERB[s][n != 1]).format(n=n) + (strong_text(s, strong) if n else ""),
              "strong": strong_text(s, strong) if n else ""}
             for s, n in ordered.items()]
    bar = [{**s, "text": STATUS_TEXT[s["status"]]} for s in strip(ordered, 600)]
    return {"policies": len(policies), "first_year": min(years, default=None), "targets": total, "statuses": items,
            "bar": bar, "listing": _(", ").join(f"{i['n']} {i['text']}" for i in items),
            "verbs": join_words([i["verb"] for i in items]) if items else ""}


def _common(values: Iterable[str]) -> str:
    found = Counter(v for v in values if v)
    return found.most_common(1)[0][0] if found else ""


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def write_index(reports_dir: Path, briefings: Iterable[tuple[str, str]], manifest: dict[str, Any],
                data_version: str = "") -> None:
    """Write the front page for ``briefings`` (id and title, in list order), as the manifest says they were
    last built; ``data_version`` is the whole package's (each briefing cites the version of the rows it reads)."""

    briefings = list(briefings)
    for language, name in PAGES.items():  # both pages, each linking to the other
        with i18n.use(language):
            page = _page(reports_dir, briefings, manifest, data_version, language)
        write_atomic(reports_dir / name, page.encode("utf-8"))


def _page(reports_dir: Path, briefings: list[tuple[str, str]], manifest: dict[str, Any], data_version: str,
          language: str) -> str:
    import jinja2
    from markupsafe import Markup

    listed = {bid for bid, _i in briefings}
    rows = [_listed(reports_dir, bid, title, manifest.get(bid) or {}) for bid, title in briefings]
    rows += [_listed(reports_dir, bid, str(entry.get("title", bid)), entry) for bid, entry in sorted(manifest.items())
             if bid not in listed and isinstance(entry, dict) and (reports_dir / bid / f"{bid}.html").exists()]
    built = [r for r in rows if r.built]
    env = i18n.install(jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                          keep_trailing_newline=True))
    env.filters["text"] = lambda value: Markup(esc(value))  # English in the Chinese page marked, and the reverse
    script = (TEMPLATES / "frontpage.js").read_text(encoding="utf-8")
    style = (TEMPLATES / "frontpage.css").read_text(encoding="utf-8")
    package = reports_dir / DATA_PACKAGE
    filters = {
        "level": [(lv, LEVEL_TEXT[lv]) for lv in LEVELS if any(lv in r.levels for r in built)],
        "issuer": [(i, i) for i in sorted({i for r in built for i in r.issuers})],
        "period": [(k, _(text)) for k, text in PERIODS if any(k in r.periods for r in built)],
        "status": [(s, STATUS_TEXT[s]) for s in STATUSES if any(s in r.counts for r in built)],
        "hastargets": [(k, text) for k, text in (("yes", _("with targets")), ("no", _("with no targets")))
                       if any(bool(r.targets) == (k == "yes") for r in built if not r.rollup)],
    }
    return env.get_template("index.html.j2").render(
        briefings=rows, built=len(built), as_of=_common(r.as_of for r in built),
        data_version=data_version, portfolio=portfolio(rows, reports_dir),
        filters=filters, script=script, style=style, html_lang=i18n.HTML_LANG[language],
        others=[(lang, i18n.HTML_LANG[lang], name) for lang, name in PAGES.items() if lang != language],
        csp=f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; img-src 'self' data:; "
            "base-uri 'none'; form-action 'none'",
        package={"href": DATA_PACKAGE, "size": size_text(package.stat().st_size)} if package.exists() else None,
    )
