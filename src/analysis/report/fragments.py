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
    return env


def render(template: str, **values: Any) -> Html:
    """The fragment ``templates/sections/<template>.html.j2`` rendered with ``values``."""
    return Html(environment().get_template(f"{template}.html.j2").render(**values).strip())


class Svg:
    """A chart shown inline as SVG with real text (vector in HTML and PDF), in a ``<figure>`` whose
    ``<figcaption>`` says in one sentence what the chart shows (and, for some charts, cites its sources).

    ``svg`` is the chart's ``<svg>`` element, named by ``<name>-title`` and ``<name>-caption`` (see
    ``analysis.report.svg.inline_svg``); ``caption`` is plain text, ``sources`` citation marks. Shown as
    ``text/html``: Jupyter and the briefing template show the same figure, caption and tooltips.
    """

    def __init__(self, svg: str, caption: str = "", name: str = "chart", sources: str = "",
                 details: list[str] | None = None) -> None:
        self.svg = svg
        self.caption = caption
        self.name = name
        self.sources = sources
        self.details = details or []
        """What each mark says in its tooltip, in drawing order: listed under the chart (collapsed), so that
        a keyboard, a touch screen or a screen reader reaches what a mouse finds by hovering."""

    def html(self) -> str:
        # The frame scrolls sideways on a phone, where the chart keeps a legible size (briefing.css), so it
        # takes the keyboard focus too, named by the caption.
        return str(render("chart", svg=markup(self.svg), caption=self.caption, name=self.name,
                          sources=markup(self.sources), details=self.details))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        from .typst import MIME, to_typst

        html = self.html()
        return {"text/html": html, MIME: to_typst(html)}

    def __str__(self) -> str:
        return self.html()
