"""Section fragments from Jinja templates (``templates/sections/``), autoescaped.

Each section of a briefing gathers plain values (text, numbers in words, citation marks) and renders one
template: escaping is the default, so text from the data can never become markup, and wording is a
template edit. The ``text`` filter escapes too and also marks runs of Chinese ``lang="zh-Hans"``
(``analysis.report.text.esc``); the macros in ``macros.html.j2`` hold the small pieces every section
shares (a status badge, the figure as printed, a curator's note, a table's header).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from .i18n import _, install
from .text import STATUS_TEXT, Html, esc, esc_plain, markup

SECTIONS = Path(__file__).parent / "templates" / "sections"


@cache
def environment() -> Any:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(SECTIONS), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["text"] = lambda value: Markup(esc(value))
    env.filters["plain"] = lambda value: Markup(esc_plain(value))
    env.globals["STATUS_TEXT"] = STATUS_TEXT
    return install(env)


def render(template: str, **values: Any) -> Html:
    """The fragment ``templates/sections/<template>.html.j2`` rendered with ``values``."""
    return Html(environment().get_template(f"{template}.html.j2").render(**values).strip())


def mark_tables(rows: list[dict[str, str]]) -> list[tuple[str, list[str], list[list[str]]]]:
    """A chart's marks as tables, one per kind of mark (rows with the same columns), in order of first
    appearance: (caption, columns, rows)."""
    tables: dict[tuple[str, ...], list[list[str]]] = {}
    for row in rows:
        tables.setdefault(tuple(row), []).append(list(row.values()))
    named = {_("Goal"): _("Targets"), _("Reported figure"): _("Reported figures")}
    out = [(next((v for k, v in named.items() if k in cols), _("Marks")), list(cols), body) for cols, body in tables.items()]
    return sorted(out, key=lambda t: t[0] != _("Targets"))  # the targets first, then what was reported


class Svg:
    """A chart shown inline as SVG with real text (vector in HTML and PDF), in a ``<figure>`` whose
    ``<figcaption>`` says in one sentence what the chart shows (and, for some charts, cites its sources).

    ``svg`` is the chart's ``<svg>`` element, named by ``<name>-title`` and ``<name>-caption`` (see
    ``analysis.report.svg.inline_svg``); ``caption`` is plain text, ``sources`` citation marks. Shown as
    ``text/html``: Jupyter and the briefing template show the same figure, caption and tooltips.
    """

    def __init__(self, svg: str, caption: str = "", name: str = "chart", sources: str = "",
                 details: list[dict[str, str]] | None = None, phone: str = "") -> None:
        self.svg = svg
        self.phone = phone
        """The same chart drawn for a narrow screen (``timeline.PHONE``), shown there in place of ``svg``."""
        self.caption = caption
        self.name = name
        self.sources = sources
        self.details = details or []
        """What each mark says in its tooltip, as a row, in drawing order: tables under the chart (collapsed,
        one per kind of mark), so that a keyboard, a touch screen or a screen reader reaches what a mouse
        finds by hovering."""

    def html(self) -> str:
        # A narrow screen shows the chart drawn for it (briefing.css), where the page's shows text under 12 px.
        return str(render("chart", svg=markup(self.svg), phone=markup(self.phone), caption=self.caption,
                          name=self.name, sources=markup(self.sources), tables=mark_tables(self.details),
                          marks=len(self.details)))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        from .typst import MIME, to_typst

        html = self.html()
        return {"text/html": html, MIME: to_typst(html)}

    def __str__(self) -> str:
        return self.html()
