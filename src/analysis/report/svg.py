"""Charts as inline SVG for the HTML page: tooltips, an accessible name, ids that cannot collide.

matplotlib writes an ``id`` for every artist given a ``gid``, but nothing more. ``tooltip`` gives an artist
a gid and remembers its text on the figure; ``inline_svg`` then parses the SVG matplotlib wrote, puts a
``<title>`` inside each such element (browsers show it on hover), prefixes every id with the chart's
name (two charts on one page would otherwise share ``patch_1`` or a clip path), slims what matplotlib
wrote (``_slim``: the same picture with less for a renderer to cascade, which makes the overview's PDF
about a second quicker), and names the chart for screen readers (``role="img"``, ``aria-labelledby``
pointing at its ``<title>`` and its caption). All text goes through ElementTree, which escapes it: a
value from the data stays text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ..core.unicode import WITHOUT_BIDI

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_TIPS = "_briefing_tooltips"
_ROWS = "_briefing_mark_rows"
_URL = re.compile(r"url\(#([^)]+)\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML


def tooltip(artist: Artist, text: str, fields: dict[str, str] | None = None) -> str:
    """Give ``artist`` (already on a figure) a tooltip, and ``fields``, what it says as a row of the chart's
    table of marks (``mark_rows``); returns the gid it now has."""
    fig = artist.figure
    assert fig is not None, "add the artist to an axes before giving it a tooltip"
    tips = tooltips(fig)
    gid = f"tip-{len(tips) + 1}"
    artist.set_gid(gid)
    tips[gid] = text
    setattr(fig, _TIPS, tips)
    setattr(fig, _ROWS, [*getattr(fig, _ROWS, []), dict(fields) if fields else {"Mark": " ".join(text.split())}])
    return gid


def mark_rows(fig: Figure) -> list[dict[str, str]]:
    """What each mark with a tooltip says, as a row (column name to text), in drawing order."""
    return list(getattr(fig, _ROWS, []))


def tooltips(fig: Figure) -> dict[str, str]:
    """The tooltips given to artists of ``fig``, by gid."""
    return dict(getattr(fig, _TIPS, {}))


def clean(text: str) -> str:
    """Text that XML can hold, in reading order: control characters (other than tab and newline) and
    bidirectional controls dropped (as ``text.esc`` drops them from the page)."""
    return _CONTROL.sub("", text.translate(WITHOUT_BIDI))


def inline_svg(svg: str, prefix: str, title: str, tips: dict[str, str] | None = None, caption: str | None = None) -> str:
    """The ``<svg>`` element of ``svg`` ready to sit inside an HTML page (see the module docstring).

    ``prefix`` becomes the chart's id and the prefix of every id inside it; the chart's accessible name is
    its ``<title>`` (``prefix-title``) and the element ``caption`` names (the figure's caption; by default
    ``prefix-caption``).
    """
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(clean(svg[svg.index("<svg"):]))
    for meta in root.findall(f"{{{SVG_NS}}}metadata"):
        root.remove(meta)
    tips = tips or {}
    renamed: dict[str, str] = {}
    for el in root.iter():
        old = el.get("id")
        if old is not None:
            renamed[old] = f"{prefix}-{old}"
            el.set("id", renamed[old])
            if old in tips:
                tip = ET.Element(f"{{{SVG_NS}}}title")
                tip.text = clean(tips[old])
                el.insert(0, tip)
    href = f"{{{XLINK_NS}}}href"
    for el in root.iter():
        for name, value in el.attrib.items():
            if name in (href, "href") and value.startswith("#") and value[1:] in renamed:
                el.set(name, "#" + renamed[value[1:]])
            elif "url(#" in value:
                el.set(name, _URL.sub(lambda m: f"url(#{renamed.get(m.group(1), m.group(1))})", value))
        if el.tag == f"{{{SVG_NS}}}style" and el.text:
            el.text = re.sub(r"(^|\})\s*([^{}]+)\{", lambda m: f"{m.group(1)}#{prefix} {m.group(2).strip()} {{",
                             el.text.strip())
    _slim(root, {renamed[t] for t in tips if t in renamed})
    root.set("id", prefix)
    root.set("class", "chart")
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title {caption or prefix + '-caption'}")
    name = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}-title"})
    name.text = clean(title)
    root.insert(0, name)
    return ET.tostring(root, encoding="unicode")


_PRESENTATION = {"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
                 "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity",
                 "font-family", "font-size", "font-style", "font-weight", "text-anchor", "clip-path"}


def _slim(root: ET.Element, tips: set[str]) -> None:
    """Less for a renderer to cascade: matplotlib wraps every mark in a ``<g id=...>`` and styles it with a
    ``style`` attribute, and an SVG renderer parses each of those as a style sheet. Wrappers that carry only an
    id nothing points at are removed (their children take their place); ``style`` declarations become
    presentation attributes (the same properties, in SVG's own attributes); matplotlib's one style rule
    (round joins, butt caps for every element) moves to the root, where every element inherits it. A
    declaration that is not a presentation property stays in ``style``."""
    g, title = f"{{{SVG_NS}}}g", f"{{{SVG_NS}}}title"
    text = ET.tostring(root, encoding="unicode")
    pointed = set(_URL.findall(text)) | {m for m in re.findall(r'href="#([^"]+)"', text)}
    keep = pointed | tips  # and the marks with a tooltip, by the id they were given

    def unwrap(parent: ET.Element) -> None:
        children: list[ET.Element] = []
        for el in list(parent):
            unwrap(el)
            bare = el.tag == g and set(el.attrib) <= {"id"} and el.get("id") not in keep
            if bare and not any(c.tag == title for c in el):
                children.extend(el)
            else:
                children.append(el)
        for el in list(parent):
            parent.remove(el)
        parent.extend(children)

    for defs in root.findall(f"{{{SVG_NS}}}defs"):
        for sheet in defs.findall(f"{{{SVG_NS}}}style"):
            for name, value in re.findall(r"([a-z-]+)\s*:\s*([^;}]+)", sheet.text or ""):
                root.set(name, value.strip())
            defs.remove(sheet)
        if len(defs) == 0:
            root.remove(defs)
    unwrap(root)
    for el in root.iter():
        style = el.attrib.pop("style", None)
        if style:
            rest = []
            for declaration in style.split(";"):
                name, _, value = declaration.partition(":")
                if name.strip() in _PRESENTATION and value.strip():
                    el.set(name.strip(), value.strip())
                elif declaration.strip():
                    rest.append(declaration.strip())
            if rest:
                el.set("style", "; ".join(rest))
        if el is not root and el.tag != title and el.get("id") is not None and el.get("id") not in keep:
            del el.attrib["id"]
