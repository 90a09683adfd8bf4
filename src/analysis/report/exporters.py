"""nbconvert exporters for briefings: ``briefing_html`` and ``briefing_pdf``.

Both are registered under the ``nbconvert.exporters`` entry point, so after ``make setup`` anyone can run
``jupyter nbconvert --to briefing_pdf any.ipynb``. The HTML page is the reference for content. The PDF is
typst: each section's output carries a typst representation beside its HTML (``text/x-typst``,
``analysis.report.typst``), as ``text/latex`` does for nbconvert's LaTeX exporter; the template
``templates/briefing_typst/index.typ.j2`` lays them out with the print design of
``templates/briefing/briefing.typ`` (A4, "page N of M", the title as running header, bookmarks from
headings, live links and citations, tables whose headers repeat, Chinese in Noto Sans CJK SC), and the
``typst`` package compiles it in-process: tagged PDF, fonts embedded and subset, the same bytes for the same
notebook. No LaTeX, no browser.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter, TemplateExporter
from traitlets import default

from ..files import document_date
from . import i18n
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
        resources["briefing"] = meta = briefing_meta(nb)
        resources["briefing_css"] = (TEMPLATES / "briefing" / "briefing.css").read_text(encoding="utf-8")
        with i18n.use(meta["language"]):
            html, resources = super().from_notebook_node(localised(nb), resources, **kw)
        return _toc(html), resources

    def _create_environment(self) -> Any:
        return i18n.install(super()._create_environment())


class BriefingPDFExporter(TemplateExporter):
    """The briefing as an A4 PDF, through typst."""

    export_from_notebook = "Briefing PDF"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "briefing_typst"

    @default("template_file")
    def _template_file_default(self) -> str:
        return "index.typ.j2"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATES)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("raw_mimetypes")
    def _raw_mimetypes_default(self) -> list[str]:
        return []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from . import typst as ty

        self.register_filter("typst_string", ty.string)
        self.register_filter("typst_text", lambda value: ty.escape(str(value)))
        self.register_filter("typst_title", lambda value: ty.to_typst(esc(value)).strip())
        self.register_filter("html2typst", ty.to_typst)
        self.register_filter("markdown2typst", _markdown_to_typst)
        self.register_filter("typst_picture", _picture)

    def _create_environment(self) -> Any:
        return i18n.install(super()._create_environment())

    @property
    def display_data_priority(self) -> list[str]:  # type: ignore[override]
        return ["text/x-typst", "image/svg+xml", "image/png", "text/markdown", "text/html", "text/plain"]

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[bytes, dict[str, Any]]:  # type: ignore[override]
        resources = dict(resources or {})
        resources["briefing"] = briefing_meta(nb)
        stamp = resources["briefing"]["document_date"]
        resources["briefing"]["typst_date"] = (  # the document's own date (SOURCE_DATE_EPOCH, else its as-of)
            f"datetime(year: {int(stamp[:4])}, month: {int(stamp[5:7])}, day: {int(stamp[8:10])}, "
            f"hour: {int(stamp[11:13])}, minute: {int(stamp[14:16])}, second: {int(stamp[17:19])})")
        resources["typst_preamble"] = (TEMPLATES / "briefing" / "briefing.typ").read_text(encoding="utf-8")
        resources["typst_files"] = {}
        with i18n.use(resources["briefing"]["language"]):
            source, resources = super().from_notebook_node(localised(nb), resources, **kw)
        pdf = compile_typst(source, resources["typst_files"])
        resources["typst_source"] = source
        return pdf, resources


def localised(nb: Any) -> Any:
    """The notebook with its Markdown cells in the current language (``analysis.report.i18n``)."""
    if i18n.current() == "en":
        return nb
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = i18n.translate_markdown(cell.source)
    return nb


def briefing_meta(nb: Any) -> dict[str, str]:
    """What the title block and the citation say: from the build's metadata, else the parameters."""
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    meta = dict(nb.metadata.get("briefing", {}))
    language = meta.get("language") or ("zh" if params.get("language") == "zh" else "en")
    editions = meta.get("editions") or [language]
    others = [(e, i18n.HTML_LANG[e], i18n.stem(str(meta.get("id")), e)) for e in editions if e != language]
    out = {
        "language": i18n.checked(language),
        "html_lang": i18n.HTML_LANG[language],
        "stem": i18n.stem(str(meta.get("id") or ""), language),
        "index": f"{i18n.stem('index', language)}.html",  # the front page in the same language
        "others": others,  # type: ignore[dict-item]
        "title": meta.get("title") or params.get("title") or nb.metadata.get("title") or "Briefing",
        "as_of": meta.get("as_of") or params.get("as_of") or "",
        "as_of_text": title_date(str(meta.get("as_of") or params.get("as_of") or ""), language),
        "document_date": document_date(meta.get("as_of") or params.get("as_of") or ""),
        "data_version": meta.get("data_version") or "",
        "edition": meta.get("edition") or "",  # set by the build once an edition was published
        "id": meta.get("id") or "",  # set by the build: the page then links to its PDF and the front page
        "base_url": meta.get("base_url") or params.get("base_url") or "",
    }
    return {**out, **citation(out)}


PUBLISHER = "Industrial Internet Policy Tracker"
PUBLISHER_ZH = "工业互联网政策追踪"


def title_date(day: str, language: str) -> str:
    """A date of the title block: ``2026-12-03`` in English, ``2026年12月3日`` in Chinese."""
    from .text import day_text as words

    with i18n.use(language):
        return words(day)


def citation(meta: dict[str, str]) -> dict[str, str]:
    """The briefing cited in APA style, and the same as BibTeX and CSL-JSON.

    The data version is the package's release (``1.0.0``, as the data ZIP and the front page give it),
    then this briefing's rows (the hash after ``+``); the page's address where ``base_url`` says where the
    site is published."""
    import json

    release, _, rows = meta["data_version"].partition("+")
    day = meta["as_of"][:10]
    url = f"{meta['base_url'].rstrip('/')}/{meta['id']}/{meta.get('stem') or meta['id']}.html" if meta["base_url"] and meta["id"] else ""
    when = ""
    if len(day) == 10:
        from datetime import date

        d = date.fromisoformat(day)
        when = f"{d.year}, {d:%B} {d.day}"
    version = f"data version {release}" + (f", rows {rows}" if rows else "") if release else ""
    apa = (f"{PUBLISHER}. ({when or 'n.d.'}). {meta['title']} [Briefing; status as of {day}"
           + (f"; {version}" if version else "") + (f"; {meta['edition']}" if meta["edition"] else "") + "]."
           + (f" {url}" if url else ""))
    if meta.get("language") == "zh":  # the same order, in the words and dates of a Chinese reference
        version = f"数据版本 {release}" + (f"，数据行 {rows}" if rows else "") if release else ""
        apa = (f"{PUBLISHER_ZH}. ({title_date(day, 'zh') or '日期不详'}). {meta['title']} [简报；状态截至{title_date(day, 'zh')}"
               + (f"；{version}" if version else "") + (f"；{meta['edition']}" if meta["edition"] else "") + "]."
               + (f" {url}" if url else ""))
    key = re.sub(r"[^a-z0-9]+", "-", f"iipt-{meta['id'] or 'briefing'}-{day}".lower()).strip("-")
    fields = [("title", meta["title"]), ("author", "{" + PUBLISHER + "}"), ("year", day[:4]),
              ("month", day[5:7].lstrip("0")), ("note", f"Briefing, status as of {day}" + (f", {version}" if version else "")),
              ("version", meta["data_version"]), ("url", url)]
    bib = "@misc{" + key + ",\n" + ",\n".join(f"  {k} = {{{_bib(v) if k != 'author' else v}}}" for k, v in fields if v) + "\n}"
    csl = {"id": key, "type": "report", "genre": "Briefing", "title": meta["title"],
           "author": [{"literal": PUBLISHER}], "publisher": PUBLISHER, "version": meta["data_version"],
           "note": f"Status as of {day}"}
    if len(day) == 10:
        csl["issued"] = {"date-parts": [[int(day[:4]), int(day[5:7]), int(day[8:10])]]}
    if url:
        csl["URL"] = url
    return {"release": release, "rows": rows, "url": url, "apa": apa, "bibtex": bib,
            "csl": json.dumps([csl], ensure_ascii=False, indent=1)}


def _bib(text: str) -> str:
    """Text inside a BibTeX field: its special characters escaped."""
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def _markdown_to_typst(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from .typst import to_typst

    return to_typst(markdown2html_mistune(text))


def _picture(data: str, resources: dict[str, Any]) -> str:
    """A PNG output saved beside the typst source; its file name."""
    files = resources["typst_files"]
    name = f"picture-{len(files) + 1}.png"
    files[name] = base64.b64decode(data)
    return name


_LINK = re.compile(r"#link\(<([A-Za-z0-9_.:-]+)>\)")
_DEFINED = re.compile(r"(?<=[\])]) <([A-Za-z0-9_.:-]+)>")


def _settle_labels(source: str) -> str:
    """Each label defined once, and no link to a label that is not there (typst refuses both): a second
    definition is dropped, and a link to nothing keeps only its text."""
    seen: set[str] = set()

    def once(m: re.Match[str]) -> str:
        if m.group(1) in seen:
            return ""
        seen.add(m.group(1))
        return m.group(0)

    source = _DEFINED.sub(once, source)
    return _LINK.sub(lambda m: m.group(0) if m.group(1) in seen else "#box", source)


def compile_typst(source: str, files: dict[str, bytes] | None = None) -> bytes:
    """Compile typst source (and the files it reads) to PDF, in-process; the same bytes for the same input."""
    import tempfile

    import typst

    with tempfile.TemporaryDirectory(prefix="briefing-typst-") as tmp:
        folder = Path(tmp)
        for name, data in (files or {}).items():
            (folder / name).write_bytes(data)
        main = folder / "briefing.typ"
        main.write_text(_settle_labels(source), encoding="utf-8")
        return bytes(typst.compile(str(main), root=str(folder), pdf_tags=True))


def pdf_pages(pdf: bytes) -> int:
    """How many pages a PDF of ours has (typst writes each page object as /Type /Page)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
