"""The print representation of a briefing's sections: their HTML, as typst markup.

Every section a briefing shows is HTML made by the package's own templates (``templates/sections/``), with
a small vocabulary of elements and classes. ``to_typst`` turns that HTML into typst markup, and a
section's mimebundle carries it as ``text/x-typst`` beside ``text/html`` (as ``text/latex`` rides along for
LaTeX), so the PDF exporter (``analysis.report.exporters``) prints the same content the page shows, laid
out for paper by the functions of ``templates/briefing/briefing.typ`` (``#badge``, ``#note``, ``#chart``
...). Markdown (notebook cells, commentary, extra cells) is rendered to HTML first, then converted.

Text is escaped character by character, so nothing from the data can become typst code; an element the
converter does not know is printed as its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

MIME = "text/x-typst"
_SPECIAL = re.compile(r"([\\#*_$<>@\[\]`~/=\-+\"'])")  # quotes too: text keeps its own, no smart quotes
_SPACE = re.compile(r"\s+")
_LABEL = re.compile(r"[^A-Za-z0-9_.:-]")
VOID = frozenset({"br", "img", "meta", "hr", "input", "source", "wbr", "col"})

COLUMNS = {
    # Print widths of the house tables, in the order of their columns (the HTML's are in briefing.css).
    "targets": "(25%, 15%, 8%, 15%, 29%, 8%)",
    "policies": "(46%, 22%, 11%, 10%, 11%)",
    "results": "(57%, 23%, 10%, 10%)",
    "money": "(40%, 22%, 12%, 12%, 14%)",
    "money-by-period": "(12%, 40%, 22%, 12%, 14%)",
    "all-targets": "(37%, 26%, 8%, 29%)",
    "by-measure": "(50%, 24%, 12%, 14%)",
}
TWO_COLUMNS = frozenset({"all-targets"})
FUNCTIONS = {
    # An element of class C printed as #C-function[...]: the functions of templates/briefing/briefing.typ.
    "note": "note", "printed": "printed",
    "commentary": "commentary", "findings": "findings", "commentary-note": "draftnote",
    "commentary-label": "note", "since-group": "sincegroup", "table-caption": "tablecaption",
    "chart-sources": "note", "strength": "note", "trend": "note", "analyst": "analyst", "stale": "stalenote",
    "cite-text": "citetext", "rules": "rules", "since": "since", "sources": "sourcelist", "lineage": "lineage",
}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):  # close up to the matching element (forgiving, as HTML is)
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree.root


_LONG = re.compile(r"[^\s\u200b\u2e80-\u9fff\uf900-\uffef]{32,}")  # Chinese breaks anywhere already


def escape(text: str) -> str:
    """Text as typst markup that prints exactly that text. A run of more than 32 characters without a
    space gets a zero-width break opportunity every 24, so that it wraps inside its column (as the HTML's
    overflow-wrap does) instead of running over the next one."""
    text = _LONG.sub(lambda m: "\u200b".join(m.group(0)[i:i + 24] for i in range(0, len(m.group(0)), 24)), text)
    return _SPECIAL.sub(r"\\\1", text)


def string(text: str) -> str:
    """A typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'


def label_name(name: str) -> str:
    return _LABEL.sub("-", name) or "x"


_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_LANGS = {"zh-Hans": 'lang: "zh", region: "cn"', "zh": 'lang: "zh", region: "cn"',
          "zh-Hant": 'lang: "zh", region: "tw"', "ja": 'lang: "ja"',
          "en": 'font: latin, lang: "en"'}  # English inside a Chinese page: the Latin face first


def to_typst(html: str) -> str:
    """A fragment of the package's HTML as typst markup."""
    svgs: list[str] = []

    def keep(m: re.Match[str]) -> str:  # as written: the HTML parser would lower-case viewBox and the like
        svgs.append(m.group(0))
        return f'<svg data-kept="{len(svgs) - 1}"></svg>'

    writer = _Writer(svgs)
    return writer.blocks(parse_html(_SVG.sub(keep, html)).children).strip() + "\n"


class _Writer:
    def __init__(self, svgs: list[str]) -> None:
        self.svgs = svgs
        self.in_cell = 0
        self.in_sources = 0

    # -- inline ---------------------------------------------------------------------------------------

    def inline(self, children: list[Node | str]) -> str:
        return "".join(self.inline_one(c) for c in children)

    def inline_one(self, c: Node | str) -> str:
        """One piece of running text. Each function call it writes ends with ';', so the text after it can
        never continue it (a '(' or '[' right after '#text(...)[...]' would otherwise be read as more
        arguments); what it passes through (an element it does not know) is left as it is."""
        if isinstance(c, str):
            return escape(_SPACE.sub(" ", c))
        tag, cls = c.tag, c.classes
        inner = self.inline(c.children)
        if tag in ("svg", "style", "script", "title"):
            return ""
        if tag in ("strong", "b"):
            return f"#strong[{inner}];"
        if tag in ("em", "i"):
            return f"#emph[{inner}];"
        if tag == "br":
            return "#linebreak();"
        if tag == "code":
            return f"#raw({string(c.text())});"
        if tag == "a" and "anchor-link" in cls:
            return ""  # the pilcrow nbconvert adds to headings, for a browser
        if tag == "a":
            href = c.attrs.get("href", "")
            if href.startswith("#"):
                return f"#link(<{label_name(href[1:])}>)[{inner}];"
            if href.startswith(("http://", "https://", "mailto:")):
                # On paper a link cannot be clicked: a source's address is printed after its title.
                return f"#{'srclink' if self.in_sources else 'link'}({string(href)})[{inner}];"
            if href.startswith("../") and href.endswith(".html"):  # another briefing: its PDF, beside this one
                return f"#link({string(href[:-5] + '.pdf')})[{inner}];"
            return inner
        if tag == "span" and "status" in cls:
            kind = next((k[7:] for k in cls if k.startswith("status-")), "")
            # In a table cell the badge wraps inside its column; in running text it stays on one line.
            return f"#{'cellbadge' if self.in_cell else 'badge'}({string(kind)})[{inner}];"
        if tag == "span" and "grade" in cls:
            kind = next((k[6:] for k in cls if k.startswith("grade-")), "")
            return f"#grade({string(kind)})[{inner}];"
        if tag == "span" and "change-label" in cls:
            return f"#strong[{inner}];"
        lang = c.attrs.get("lang", "")
        if lang in _LANGS:
            return f"#text({_LANGS[lang]})[{inner}];"
        if any(k in FUNCTIONS for k in cls) and tag in ("span", "div", "p"):
            name = FUNCTIONS[next(k for k in cls if k in FUNCTIONS)]
            return f"#{name}[{inner}];"
        if tag in BLOCKS:
            return self.block(c)
        return inner

    # -- blocks ---------------------------------------------------------------------------------------

    def blocks(self, children: list[Node | str]) -> str:
        out: list[str] = []
        run: list[Node | str] = []

        def flush() -> None:
            text = self.inline(run).strip()
            if text:
                out.append(text + "\n\n")
            run.clear()

        for c in children:
            if isinstance(c, Node) and c.tag in BLOCKS:
                flush()
                out.append(self.block(c))
            else:
                run.append(c)
        flush()
        return "".join(out)

    def block(self, c: Node) -> str:
        tag, cls = c.tag, c.classes
        if "screen-only" in cls:
            return ""  # what a screen reader or a finger needs (a disclosure, a finder); paper has the table
        ident = c.attrs.get("id")
        anchor = f" <{label_name(ident)}>" if ident else ""
        if tag in ("h1", "h2", "h3", "h4"):
            level = {"h1": 1, "h2": 1, "h3": 2, "h4": 3}[tag]
            return f"#heading(level: {level})[{self.inline(c.children).strip()}]{anchor}\n\n"
        if tag == "p":
            name = next((FUNCTIONS[k] for k in cls if k in FUNCTIONS), None)
            body = self.inline(c.children).strip()
            return (f"#{name}[{body}]" if name else f"#par[{body}]") + f"{anchor}\n\n" if body else ""
        if tag in ("ul", "ol") and (name := next((FUNCTIONS[k] for k in cls if k in FUNCTIONS), None)):
            self.in_sources += "sources" in cls
            inner = self.block(Node(tag, {}, c.children)).strip()
            self.in_sources -= "sources" in cls
            return f"#{name}[{inner}]\n\n"
        if tag in ("ul", "ol"):
            items = [i for i in c.children if isinstance(i, Node) and i.tag == "li"]
            if tag == "ol":
                start = int(c.attrs.get("start") or 1)
                parts = []
                for n, item in enumerate(items, start=start):
                    number = _item_number(item.attrs.get("value") or item.attrs.get("id", ""), n)
                    mark = f"#metadata({number}) <{label_name(item.attrs['id'])}>" if item.attrs.get("id") else ""
                    parts.append(f"enum.item({number})[{mark}{self.item(item)}]")
                return f"#enum(tight: true, {', '.join(parts)})\n\n" if parts else ""
            inner = ", ".join(f"[{self.item(i)}]" for i in items)
            return f"#list(tight: true, {inner})\n\n" if items else ""
        if tag == "table":
            return self.table(c)
        if tag == "figure":
            return self.figure(c)
        if tag == "pre":
            return f"#raw({string(c.text())}, block: true)\n\n"
        if tag == "img":
            return ""  # pictures in an HTML fragment come as their own output (image/png), not inline
        if "key-figures" in cls:  # the boxes side by side, each a number over its label
            boxes = [k for k in c.children if isinstance(k, Node) and "kf" in k.classes]
            parts = []
            for k in boxes:
                n = next((x for x in k.children if isinstance(x, Node) and "kf-n" in x.classes), None)
                lab = next((x for x in k.children if isinstance(x, Node) and "kf-l" in x.classes), None)
                parts.append(f"#kf[{self.inline(n.children).strip() if n else ''}][{self.inline(lab.children).strip() if lab else ''}]")
            return f"#keyfigures[{' '.join(parts)}]\n\n"
        name = next((FUNCTIONS[k] for k in cls if k in FUNCTIONS), None)
        body = self.blocks(c.children).strip()
        if not body:
            return ""
        if name:
            return f"#{name}[{body}]{anchor}\n\n"
        return f"#block[{body}]{anchor}\n\n" if anchor else body + "\n\n"

    def item(self, li: Node) -> str:
        has_blocks = any(isinstance(x, Node) and x.tag in BLOCKS for x in li.children)
        return self.blocks(li.children).strip() if has_blocks else self.inline(li.children).strip()

    def table(self, t: Node) -> str:
        rows: list[tuple[bool, Node]] = []
        for part in t.children:
            if not isinstance(part, Node):
                continue
            if part.tag == "tr":
                rows.append((False, part))
            for tr in part.children if part.tag in ("thead", "tbody", "tfoot") else ():
                if isinstance(tr, Node) and tr.tag == "tr":
                    rows.append((part.tag == "thead", tr))
        kind = next((k for k in t.classes if k in COLUMNS), None)
        width = max((sum(int(cell.attrs.get("colspan") or 1) for cell in _row_cells(tr)) for _i, tr in rows), default=1)
        columns = COLUMNS[kind] if kind else f"{width}"
        header = [self.cell(cell) for head, tr in rows if head for cell in _row_cells(tr)]
        body = [self.cell(cell, "group" in tr.classes) for head, tr in rows if not head for cell in _row_cells(tr)]
        if not header and rows and all(cell.tag == "th" for cell in _row_cells(rows[0][1])):
            first = len(_row_cells(rows[0][1]))
            header, body = body[:first], body[first:]
        head = f"table.header({', '.join(header)}), " if header else ""
        style = "housetable" if "data" in t.classes else "plaintable"
        made = f"#{style}(columns: {columns}, {head}{', '.join(body)})"
        if kind in TWO_COLUMNS:  # a long list of short rows: two to a page width
            made = f"#twocolumns[{made}]"
        return made + "\n\n"

    def cell(self, cell: Node, group: bool = False) -> str:
        has_blocks = any(isinstance(x, Node) and x.tag in BLOCKS for x in cell.children)
        self.in_cell += 1
        body = self.blocks(cell.children).strip() if has_blocks else self.inline(cell.children).strip()
        self.in_cell -= 1
        options = []
        if "num" in cell.classes:
            options.append("align: right")
        if int(cell.attrs.get("colspan") or 1) > 1:
            options.append(f"colspan: {int(cell.attrs['colspan'])}")
        if cell.tag == "th" or group:
            body = f"#strong[{body}]"
        if group:  # a row that heads the rows under it
            options.append("fill: band")
        return f"table.cell({', '.join(options)})[{body}]" if options else f"[{body}]"

    def figure(self, f: Node) -> str:
        svg = _find(f, "svg")
        caption = _find(f, "figcaption")
        cap = self.inline(caption.children).strip() if caption else ""
        if svg is None:
            return self.blocks([c for c in f.children if c is not caption]) + (f"#note[{cap}]\n\n" if cap else "")
        return f"#chart({string(self.svg(svg))}, [{cap}])\n\n"

    def svg(self, node: Node) -> str:
        text = self.svgs[int(node.attrs["data-kept"])]
        if "xmlns=" not in text[:300]:
            text = text.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
        return _CJK_TEXT.sub(_simplified, text)


_CJK_TEXT = re.compile(r"<(text|tspan)\b([^>]*)>([^<]*[\u3400-\u9fff][^<]*)<")
_FAMILY = re.compile(r'\sfont-family="[^"]*"')


def _simplified(m: re.Match[str]) -> str:
    """A chart's text with Chinese in it, set in the Simplified face first: typst's SVG renderer otherwise
    falls back to the first CJK face it finds, the Japanese one."""
    attrs = _FAMILY.sub("", m.group(2))
    return f'<{m.group(1)}{attrs} font-family="Noto Sans CJK SC,DejaVu Sans">{m.group(3)}<'


BLOCKS = frozenset({"p", "div", "section", "aside", "nav", "header", "footer", "main", "ul", "ol", "table",
                    "figure", "h1", "h2", "h3", "h4", "pre", "blockquote", "details", "dl", "img"})


def _row_cells(tr: Node) -> list[Node]:
    return [c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]


def _find(node: Node, tag: str) -> Node | None:
    for c in node.children:
        if isinstance(c, Node):
            if c.tag == tag:
                return c
            found = _find(c, tag)
            if found is not None:
                return found
    return None


def _item_number(text: str, default: int) -> int:
    digits = re.search(r"\d+", text)
    return int(digits.group(0)) if digits else default
