"""The front page, ``reports/index.html``: every briefing in the list, rendered from the Jinja template
``analysis/report/templates/frontpage/index.html.j2`` (autoescaped, so no title can become markup)."""

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

    rows = []
    for b in briefings:
        entry = manifest.get(b.id)
        rows.append({"id": b.id, "title": str(b.parameters.get("title", b.id)),
                     "built": bool(entry) and (reports_dir / b.id / f"{b.id}.html").exists(),
                     "as_of": str((entry or {}).get("as_of", ""))})
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True)
    page = env.get_template("index.html.j2").render(briefings=rows)
    write_atomic(reports_dir / "index.html", page.encode("utf-8"))
