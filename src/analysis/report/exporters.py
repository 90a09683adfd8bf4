"""nbconvert exporters for briefings: ``briefing_html`` and ``briefing_pdf``.

Both are registered under the ``nbconvert.exporters`` entry point, so after ``make setup`` anyone can run
``jupyter nbconvert --to briefing_pdf any.ipynb``. The PDF is the same HTML laid out by WeasyPrint (A4,
"page N of M", the title as running header, bookmarks from headings, embedded fonts, live links): no
LaTeX, no browser download.
"""

from __future__ import annotations

import base64
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter
from traitlets import default

from ..files import document_date
from .text import esc

TEMPLATES = Path(__file__).parent / "templates"
_ANCHOR = re.compile(r'<a class="anchor-link" href="[^"]*">.*?</a>', re.S)
_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _svg_base64(svg: str) -> str:
    return base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _toc(html: str) -> str:
    items = [f'<li><a href="#{ident}">{_TAG.sub("", label).strip()}</a></li>' for ident, label in _H2.findall(html)]
    return html.replace("<!--briefing-toc-->", f"<ol>{''.join(items)}</ol>", 1)


class BriefingHTMLExporter(HTMLExporter):
    """A briefing as one self-contained HTML page: narrative and results only, sources cited."""

    export_from_notebook = "Briefing HTML"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "briefing"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATES)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register_filter("zh", esc)
        self.register_filter("strip_anchor_links", lambda html: _ANCHOR.sub("", html))
        self.register_filter("svg_base64", _svg_base64)

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        resources = dict(resources or {})
        params = nb.metadata.get("papermill", {}).get("parameters", {})
        meta = dict(nb.metadata.get("briefing", {}))
        resources["briefing"] = {
            "title": meta.get("title") or params.get("title") or nb.metadata.get("title") or "Briefing",
            "as_of": meta.get("as_of") or params.get("as_of") or "",
            "document_date": document_date(meta.get("as_of") or params.get("as_of") or ""),
            "data_version": meta.get("data_version") or "",
            "edition": meta.get("edition") or "",  # set by the build once an edition was published
            "id": meta.get("id") or "",  # set by the build: the page then links to its PDF and the front page
        }
        resources["briefing_css"] = (TEMPLATES / "briefing" / "briefing.css").read_text(encoding="utf-8")
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return _toc(html), resources


class BriefingPDFExporter(BriefingHTMLExporter):
    """The briefing HTML laid out as an A4 PDF by WeasyPrint."""

    export_from_notebook = "Briefing PDF"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    @default("template_file")
    def _template_file_default(self) -> str:
        return "index.html.j2"

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[bytes, dict[str, Any]]:  # type: ignore[override]
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return html_to_pdf(html), resources


_CREATED = re.compile(r'<meta content="([0-9T:Z-]+)" name="dcterms.created"|<meta name="dcterms.created" content="([0-9T:Z-]+)"')


def html_to_pdf(html: str) -> bytes:
    """Lay out briefing HTML as PDF with WeasyPrint, the same bytes for the same HTML."""
    return render_pdf(html)[0]


def render_pdf(html: str) -> tuple[bytes, int]:
    """Lay out briefing HTML as PDF with WeasyPrint: the PDF's bytes (the same for the same HTML) and its
    number of pages.

    fontTools stamps each font it subsets with the time, unless ``SOURCE_DATE_EPOCH`` is set: for the
    layout it is set to the document's own date (its ``dcterms.created``) when the caller has not set it.
    """
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    found = _CREATED.search(html)
    stamp = found.group(1) or found.group(2) if found else "1970-01-01T00:00:00Z"
    epoch = str(int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()))
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = previous if previous and previous.isdigit() else epoch
    try:
        document = weasyprint.HTML(string=html, base_url=str(TEMPLATES)).render()
        return document.write_pdf(), len(document.pages)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
