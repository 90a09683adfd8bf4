"""The house style of every chart, applied through a context manager (nothing global at import).

Fonts: DejaVu Sans (ships with matplotlib) for Latin text, with Noto Sans CJK SC behind it as a per-glyph
fallback, so Chinese renders in Simplified-Chinese forms. The CJK face comes from the Debian package
``fonts-noto-cjk``; if it is missing, ``house_style()`` raises ``FontMissingError`` saying so, rather
than letting matplotlib draw empty boxes.

Colours: the Okabe-Ito palette (safe for the common forms of colour blindness), each status also with its
own marker shape so the chart reads in greyscale.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import N_, Words, zh

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LATIN_FONT = "DejaVu Sans"
CJK_FONT = "Noto Sans CJK SC"
CJK_PACKAGE = "fonts-noto-cjk"

INK = "#222222"
MUTED = "#6b6b6b"
GRID = "#e3e3e3"
LANE = "#f4f4f4"

# status -> (colour, marker, filled)
STATUS_STYLE: dict[str, tuple[str, str, bool]] = {
    "met": ("#009E73", "o", True),
    "disputed": ("#D55E00", "d", False),
    "partly": ("#009E73", "p", False),
    "missed": ("#D55E00", "X", True),
    "claimed": ("#56B4E9", "P", True),
    "restated": ("#0072B2", ">", True),
    "projected": ("#E69F00", "v", False),
    "not-found": ("#E69F00", "^", False),
    "overdue": ("#E69F00", "^", True),
    "due-soon": ("#CC79A7", "D", True),
    "upcoming": ("#0072B2", "o", False),
    "qualitative": ("#8c8c8c", "s", False),
}
STATUS_LABEL = Words({
    "met": N_("met"), "disputed": N_("disputed: sources disagree"), "partly": N_("partly met"), "missed": N_("missed"),
    "claimed": N_("claimed done, no figure"), "restated": N_("restated by a later plan"),
    "projected": N_("projected, no final figure"),
    "not-found": N_("no result found (searched)"), "overdue": N_("overdue, not yet searched"),
    "due-soon": N_("due soon"), "upcoming": N_("upcoming"), "qualitative": N_("qualitative goal"),
})
# status -> colour of text naming it: the hue darkened to at least 4.5:1 on white and on the lane shade
# (the badge colours of the HTML tables)
STATUS_TEXT_COLOUR: dict[str, str] = {
    "met": "#007A5A", "disputed": "#B34E00", "partly": "#007A5A", "missed": "#B34E00", "claimed": "#6A3D9A",
    "restated": "#0069A6", "projected": "#7A5200", "not-found": "#7A5200", "overdue": "#7A5200",
    "due-soon": "#A8487F", "upcoming": "#0069A6", "qualitative": "#5E5E5E",
}
KIND_COLOUR = {
    "spending": "#0072B2", "driven": "#009E73", "investment": "#56B4E9", "fund": "#999999",
    "subsidy": "#CC79A7", "pledge": "#E69F00",
}


class FontMissingError(RuntimeError):
    """The CJK font needed for Chinese text is not installed."""


FONT_MISSING = (f"Chinese text needs the font '{CJK_FONT}', which is not installed. Install the Debian package "
                f"{CJK_PACKAGE} (sudo apt-get install {CJK_PACKAGE}), or run 'make setup' as root.")


def cjk_font_path() -> str:
    """Path of the Noto Sans CJK SC face, rebuilding matplotlib's font cache once if needed."""
    from matplotlib import font_manager

    def find() -> str | None:
        for entry in font_manager.fontManager.ttflist:
            if entry.name == CJK_FONT:
                return str(entry.fname)
        return None

    found = find()
    if found is None:
        # matplotlib's font cache may predate the font's installation: add the files to it.
        for path in _system_cjk_files():
            font_manager.fontManager.addfont(path)
        found = find()
    if found is None:
        raise FontMissingError(FONT_MISSING)
    return found


def require_cjk_font() -> None:
    """Raise ``FontMissingError`` unless the system has the CJK face (asked of fontconfig, which
    the browser uses too; matplotlib is asked only where fontconfig is absent). Takes milliseconds."""
    import shutil

    if shutil.which("fc-list") is None:
        cjk_font_path()
    elif not _system_cjk_files():
        raise FontMissingError(FONT_MISSING)


def _system_cjk_files() -> list[str]:
    import glob
    import shutil
    import subprocess

    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", "-f", "%{file}\n", f":family={CJK_FONT}"], check=False, capture_output=True,
                             text=True, timeout=30).stdout
        files = sorted({line.strip() for line in out.splitlines() if line.strip()})
        if files:
            return files
    return sorted(glob.glob("/usr/share/fonts/**/NotoSansCJK*", recursive=True))


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style for the charts drawn inside the ``with`` block."""
    import matplotlib

    cjk_font_path()
    rc = {
        # A list of families: matplotlib falls back glyph by glyph along it (not along 'sans-serif').
        "font.family": [CJK_FONT, LATIN_FONT] if zh() else [LATIN_FONT, CJK_FONT],  # the SC face first in Chinese
        "font.size": 9,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 9,
        "axes.labelcolor": INK,
        "axes.edgecolor": MUTED,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": GRID,
        "grid.linewidth": 0.6,
        "xtick.color": INK,
        "ytick.color": INK,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.frameon": False,
        "legend.fontsize": 8,
        "figure.facecolor": "white",
        "figure.dpi": 100,
        "svg.fonttype": "path",
        "svg.hashsalt": "industrial-internet",
        "pdf.fonttype": 42,
    }
    with matplotlib.rc_context(rc):
        yield


FILE_FORMATS: tuple[tuple[str, dict], ...] = (("svg", {"metadata": {"Date": None}}), ("png", {"dpi": 200}))
MADE_FROM = ".made-from.json"
"""In a folder of saved charts: for each chart's name, the hash of what its files were drawn from."""


def chart_key(drawn: str) -> str:
    """What a chart's files depend on: ``drawn`` (the chart as matplotlib's SVG with text as text, which
    holds every mark, label and colour), how the files are written, matplotlib's version and this module
    (the house style). Equal keys, equal files."""
    import hashlib

    import matplotlib

    h = hashlib.sha256()
    for part in (drawn, repr(FILE_FORMATS), matplotlib.__version__, Path(__file__).read_text(encoding="utf-8")):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _made_from(directory: Path) -> dict[str, str]:
    from ..files import read_json_object

    return read_json_object(directory / MADE_FROM)


def save_chart(fig: Figure, directory: Path | str, name: str, *, key: str | None = None,
                reuse: Path | str | None = None) -> list[Path]:
    """Write ``name.svg`` (text as paths) and ``name.png`` (200 dpi) atomically; return both paths.

    With ``key`` (``chart_key``) the key is recorded in the folder's ``.made-from.json``; with ``reuse`` too
    (the folder of an earlier build), files drawn there from the same key are copied instead of drawn
    again: drawing them is most of the cost of a chart, and an edit to one row leaves most charts as
    they were."""
    import json

    from ..files import replacing, write_atomic

    directory = Path(directory)
    finals = [directory / f"{name}.{ext}" for ext, _ in FILE_FORMATS]
    earlier = Path(reuse) if reuse else None
    if key and earlier and _made_from(earlier).get(name) == key and all((earlier / f.name).is_file() for f in finals):
        for final in finals:
            write_atomic(final, (earlier / final.name).read_bytes())
    else:
        for final, (ext, kwargs) in zip(finals, FILE_FORMATS, strict=True):
            with replacing(final, suffix=f".{ext}") as tmp, house_style():
                fig.savefig(tmp, format=ext, **kwargs)
    if key:
        keys = _made_from(directory)
        keys[name] = key
        write_atomic(directory / MADE_FROM, (json.dumps(keys, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return finals


def reused_text(earlier: Path | str | None, name: str, key: str) -> str | None:
    """The text kept under ``name`` (``keep_text``) in the folder of an earlier build, if it was made from
    ``key``; else ``None``."""
    if not earlier:
        return None
    folder = Path(earlier)
    kept = folder / f".{name}.json"
    return kept.read_text(encoding="utf-8") if _made_from(folder).get(name) == key and kept.is_file() else None


def keep_text(directory: Path | str, name: str, key: str, text: str) -> None:
    """Keep ``text`` (a chart drawn for a phone, as JSON) in the charts folder, recorded as made from ``key``,
    for the next build to reuse (``reused_text``). A dot file: not one of the chart files a reader opens."""
    import json

    from ..files import write_atomic

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    write_atomic(directory / f".{name}.json", text.encode("utf-8"))
    keys = _made_from(directory)
    keys[name] = key
    write_atomic(directory / MADE_FROM, (json.dumps(keys, indent=1, sort_keys=True) + "\n").encode("utf-8"))
