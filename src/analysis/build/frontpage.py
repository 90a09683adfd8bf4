"""The front page, ``reports/index.html``, rendered from the Jinja template
``analysis/report/templates/frontpage/index.html.j2`` (autoescaped, so no title can become markup).

It lists every briefing of the list being built, then every other briefing whose files are in the folder
(built from another list: the front page merges, it never drops them), and says when a briefing's last
build failed, so that a reader knows its files are older.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import write_atomic

if TYPE_CHECKING:
    from .spec import BriefingSpec

TEMPLATES = Path(__file__).resolve().parents[1] / "report" / "templates" / "frontpage"


def write_index(reports_dir: Path, briefings: Iterable[BriefingSpec], manifest: dict[str, Any]) -> None:
    """Write the front page for ``briefings``, as the manifest says they were last built."""
    import jinja2

    def row(bid: str, title: str) -> dict[str, Any]:
        entry = manifest.get(bid) or {}
        built = bool(entry) and (reports_dir / bid / f"{bid}.html").exists()
        return {"id": bid, "title": title, "built": built, "as_of": str(entry.get("as_of", "")),
                "failed": built and entry.get("inputs") is None}  # files from an earlier, complete build

    listed = {b.id for b in briefings}
    rows = [row(b.id, str(b.parameters.get("title", b.id))) for b in briefings]
    rows += [row(bid, str(entry.get("title", bid))) for bid, entry in sorted(manifest.items())
             if bid not in listed and isinstance(entry, dict) and (reports_dir / bid / f"{bid}.html").exists()]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True)
    page = env.get_template("index.html.j2").render(briefings=rows)
    write_atomic(reports_dir / "index.html", page.encode("utf-8"))
