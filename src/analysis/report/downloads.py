"""The data behind a briefing, for a reader to download: ``<id>.csv`` (its targets) and ``<id>.xlsx``
(targets, money and sources, one sheet each).

Raw values, not the briefing's formatted strings: numbers as numbers in their units, dates at the precision
the source gives (``2023``, ``2021-01``), each row with its source's id, address and grade. The CSV is UTF-8
with a byte-order mark, so Excel shows Chinese as Chinese. Both files are the same bytes for the same
inputs: the workbook carries the briefing's document date, never the clock.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import write_atomic
from .text import missing

if TYPE_CHECKING:
    import pandas as pd

CSV_NAME, XLSX_NAME = "data.csv", "data.xlsx"
"""The names in the build's work folder; the build publishes them as ``<id>.csv`` and ``<id>.xlsx``."""


def _text(value: Any) -> str:
    """A text cell: '' where the data has none."""
    return "" if missing(value) else str(value)


def _view_columns(view: Any) -> dict[str, str]:
    """An analyst's assessment (``analysis.status.AnalystView``) as the download's columns."""
    if view is None:
        return {"analyst_assessed": "", "analyst_verdict": "", "analyst_confidence": "", "analyst_text": "",
                "analyst_stale": ""}
    return {"analyst_assessed": view.assessed.isoformat(), "analyst_verdict": view.verdict or "",
            "analyst_confidence": view.confidence, "analyst_text": view.text, "analyst_stale": "; ".join(view.stale)}


def _partial(value: Any, precision: Any) -> str:
    """A date at the precision the data gives: '2023', '2021-01', '2021-01-13'; '' where none."""
    if missing(value):
        return ""
    return value.strftime({"year": "%Y", "month": "%Y-%m"}.get(str(precision), "%Y-%m-%d"))


TARGET_COLUMNS = (
    "id", "policy_id", "policy", "target", "metric", "comparator", "target_value", "target_max", "unit", "deadline",
    "status", "strength", "deciding_value", "deciding_qualifier", "deciding_outcome_id", "deciding_match",
    "share_of_goal", "disagreeing_outcome_ids", "latest_value", "latest_qualifier", "latest_refers_to",
    "latest_outcome_id", "latest_share_of_goal", "claim_outcome_id", "restated_by", "projected_value",
    "projected_rate", "projection_reaches", "projection_from", "projection_to", "searched", "searches",
    "search_log", "analyst_assessed", "analyst_verdict", "analyst_confidence", "analyst_text", "analyst_stale",
    "trend", "trend_observed_rate", "trend_needed_rate", "binding", "follows", "as_printed",
    "source_id", "source_grade", "source_url")
MONEY_COLUMNS = ("id", "policy_id", "what", "kind", "qualifier", "amount", "currency", "period_start", "period_end",
                 "as_printed", "source_id", "source_grade", "source_url")
SOURCE_COLUMNS = ("id", "title", "publisher", "published", "url", "grade")
SEARCH_COLUMNS = ("target_id", "checked", "looked_for", "note")
"""The columns of each table, written even when a briefing has no rows (a policy with no targets)."""


def tables(targets_shown: pd.DataFrame, investments: pd.DataFrame, sources_known: pd.DataFrame,
           policies: pd.DataFrame, checks: pd.DataFrame | None = None,
           views: dict[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """A briefing's targets (with their status columns, ``analysis.status.target_status``), money, sources
    and the searches for its targets' results, as plain tables; ``policies`` names the policies."""
    import pandas as pd

    sources = sources_known.set_index("id")
    titles = dict(zip(policies["id"], policies["title_en"], strict=True))

    def source_columns(source_id: Any) -> dict[str, Any]:
        s = sources.loc[source_id]
        return {"source_id": source_id, "source_grade": str(s["grade"]), "source_url": _text(s["url"])}

    shown = set(targets_shown["id"])
    searches = [] if checks is None else [
        {"target_id": c["target_id"], "checked": c["checked"].strftime("%Y-%m-%d"), "looked_for": c["looked_for"],
         "note": _text(c["note"])}
        for _, c in checks[checks["target_id"].isin(shown)].sort_values(["target_id", "checked"]).iterrows()]
    logs: dict[str, list[str]] = {}
    for c in searches:
        logs.setdefault(str(c["target_id"]), []).append(
            f"{c['checked']}: {c['looked_for']}" + (f" Found: {c['note']}" if c["note"] else ""))
    targets = []
    for _, t in targets_shown.iterrows():
        targets.append({
            "id": t["id"], "policy_id": t["policy_id"], "policy": titles.get(t["policy_id"], ""),
            "target": t["description_en"], "metric": t["metric"], "comparator": str(t["comparator"]),
            "target_value": t["target_value"], "target_max": t["target_max"],
            "unit": _text(t["unit"]),
            "deadline": _partial(t["deadline"], t["deadline_precision"]), "status": str(t["status"]),
            "strength": _text(t["strength"]),
            "deciding_value": t["evidence_value"], "deciding_qualifier": _text(t["evidence_qualifier"]),
            "deciding_outcome_id": _text(t["evidence_id"]), "deciding_match": _text(t["evidence_match"]),
            "share_of_goal": t["share_of_goal"], "disagreeing_outcome_ids": _text(t["rival_ids"]),
            "latest_value": t["latest_value"], "latest_qualifier": _text(t["latest_qualifier"]),
            "latest_refers_to": _partial(t["latest_refers"], "day"), "latest_outcome_id": _text(t["latest_id"]),
            "latest_share_of_goal": t["latest_share_of_goal"],
            "claim_outcome_id": _text(t["claim_id"]), "restated_by": _text(t["restated_by"]),
            "projected_value": t["projected_value"], "projected_rate": t["projected_rate"],
            "projection_reaches": "" if missing(t["projection_reaches"]) else bool(t["projection_reaches"]),
            "projection_from": _partial(t["projection_start_date"], "day"),
            "projection_to": _partial(t["projection_end_date"], "day"),
            "searched": _partial(t["checked"], "month"), "searches": len(logs.get(str(t["id"]), [])),
            "search_log": " | ".join(logs.get(str(t["id"]), [])),
            **_view_columns((views or {}).get(str(t["id"]))),
            "trend": _text(t["trend"]),
            "trend_observed_rate": t["trend_observed_rate"], "trend_needed_rate": t["trend_needed_rate"],
            "binding": _text(t["binding"]),
            "follows": _text(t["follows"]), "as_printed": _text(t["as_printed"]),
            **source_columns(t["source_id"]),
        })
    money = []
    for _, i in investments.iterrows():
        money.append({
            "id": i["id"], "policy_id": i["policy_id"], "what": i["funded"], "kind": str(i["kind"]),
            "qualifier": _text(i["qualifier"]), "amount": i["amount"],
            "currency": _text(i["currency"]),
            "period_start": _partial(i["period_start"], i["period_start_precision"]),
            "period_end": _partial(i["period_end"], i["period_end_precision"]),
            "as_printed": _text(i["as_printed"]), **source_columns(i["source_id"]),
        })
    cited = sorted({*[r["source_id"] for r in targets], *[r["source_id"] for r in money]})
    listed = [{"id": s, "title": sources.at[s, "title"], "publisher": sources.at[s, "publisher"],
               "published": _partial(sources.at[s, "published"], sources.at[s, "published_precision"]),
               "url": _text(sources.at[s, "url"]), "grade": str(sources.at[s, "grade"])} for s in cited]
    return {"targets": pd.DataFrame(targets, columns=list(TARGET_COLUMNS)),
            "money": pd.DataFrame(money, columns=list(MONEY_COLUMNS)),
            "sources": pd.DataFrame(listed, columns=list(SOURCE_COLUMNS)),
            "searches": pd.DataFrame(searches, columns=list(SEARCH_COLUMNS))}


def write(frames: dict[str, pd.DataFrame], folder: Path, document_date: str) -> list[Path]:
    """Write ``data.csv`` (the targets) and ``data.xlsx`` (every table) of ``tables`` into ``folder``;
    ``document_date`` (ISO) dates the workbook."""
    csv_path, xlsx_path = folder / CSV_NAME, folder / XLSX_NAME
    write_atomic(csv_path, frames["targets"].to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))
    write_atomic(xlsx_path, _workbook(frames, document_date))
    return [csv_path, xlsx_path]


def _workbook(frames: dict[str, pd.DataFrame], document_date: str) -> bytes:
    import pandas as pd

    stamp = datetime.fromisoformat(document_date.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
        writer.book.properties.creator = "Industrial Internet Policy Tracker"
        writer.book.properties.created = stamp
        writer.book.properties.modified = stamp
    return _fixed_zip_times(buffer.getvalue(), stamp)


def _fixed_zip_times(data: bytes, stamp: datetime) -> bytes:
    """The same workbook with every zip entry, and the 'modified' date openpyxl stamps at saving, dated
    ``stamp``: the same inputs give the same bytes."""
    modified = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = modified.sub(rb"\g<1>" + when + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()
