"""Charts as inline SVG for the HTML page: tooltips, an accessible name, ids that cannot collide.

matplotlib writes an ``id`` for every artist given a ``gid``, but nothing more. ``tooltip`` gives an artist
a gid and remembers its text on the figure; ``inline_svg`` then parses the SVG matplotlib wrote, puts a
``<title>`` inside each such element (browsers show it on hover), prefixes every id with the chart's
name (two charts on one page would otherwise share ``patch_1`` or a clip path), scopes matplotlib's style
sheet to the chart, and names the chart for screen readers (``role="img"``, ``aria-labelledby`` pointing
at its ``<title>`` and its caption). All text goes through ElementTree, which escapes it: a value from
the data stays text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ..data.validate import BIDI_CONTROLS

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_TIPS = "_briefing_tooltips"
_URL = re.compile(r"url\(#([^)]+)\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML
_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))


def tooltip(artist: Artist, text: str) -> str:
    """Give ``artist`` (already on a figure) a tooltip; returns the gid it now has."""
    fig = artist.figure
    assert fig is not None, "add the artist to an axes before giving it a tooltip"
    tips = tooltips(fig)
    gid = f"tip-{len(tips) + 1}"
    artist.set_gid(gid)
    tips[gid] = text
    setattr(fig, _TIPS, tips)
    return gid


def tooltips(fig: Figure) -> dict[str, str]:
    """The tooltips given to artists of ``fig``, by gid."""
    return dict(getattr(fig, _TIPS, {}))


def clean(text: str) -> str:
    """Text that XML can hold, in reading order: control characters (other than tab and newline) and
    bidirectional controls dropped (as ``text.esc`` drops them from the page)."""
    return _CONTROL.sub("", text.translate(_BIDI))


def inline_svg(svg: str, prefix: str, title: str, tips: dict[str, str] | None = None) -> str:
    """The ``<svg>`` element of ``svg`` ready to sit inside an HTML page (see the module docstring).

    ``prefix`` becomes the chart's id and the prefix of every id inside it; the chart's accessible name is
    its ``<title>`` (``prefix-title``) and the element ``prefix-caption`` (the figure's caption).
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
    root.set("id", prefix)
    root.set("class", "chart")
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-caption")
    name = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}-title"})
    name.text = clean(title)
    root.insert(0, name)
    return ET.tostring(root, encoding="unicode")
