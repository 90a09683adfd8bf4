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
from . import i18n
from .i18n import N_
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
    "status", "strength", "deciding_figure", "deciding_date", "deciding_as_printed", "deciding_source_id",
    "deciding_source_url", "latest_figure", "latest_as_printed", "latest_source_id", "deciding_value",
    "deciding_qualifier", "deciding_outcome_id", "deciding_match",
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
           views: dict[str, Any] | None = None, outcomes: pd.DataFrame | None = None,
           page_sources: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """A briefing's targets (with their status columns, ``analysis.status.target_status``), money, sources
    and the searches for its targets' results, as plain tables; ``policies`` names the policies. With
    ``outcomes``, each target carries its deciding and latest figures in words, with their as-printed text
    and source; ``page_sources`` (every source the page cites) fills the sources sheet."""
    import pandas as pd

    from .text import figure_text, when_text

    figures = None if outcomes is None else outcomes.set_index("id")

    def figure(outcome_id: Any) -> dict[str, str]:
        if figures is None or missing(outcome_id) or outcome_id not in figures.index:
            return {"figure": "", "date": "", "as_printed": "", "source_id": "", "source_url": ""}
        o = figures.loc[outcome_id]
        return {"figure": figure_text(float(o["value"]), str(o["qualifier"]), str(o["unit"])) if not missing(o["value"]) else "",
                "date": when_text(o), "as_printed": _text(o["as_printed"]), "source_id": str(o["source_id"]),
                "source_url": _text(sources.at[o["source_id"], "url"]) if o["source_id"] in sources.index else ""}

    sources = sources_known.set_index("id")
    titles = dict(zip(policies["id"], policies["title_en"], strict=True))

    def source_columns(source_id: Any) -> dict[str, Any]:
        s = sources.loc[source_id]
        return {"source_id": source_id, "source_grade": str(s["grade"]), "source_url": _text(s["url"])}

    shown = set(targets_shown["id"])
    searches = [] if checks is None else [
        {"target_id": c["target_id"], "checked": c["checked"].strftime("%Y-%m-%d"), "looked_for": c["looked_for"],
         "note": _text(c["note"])}
        for _i, c in checks[checks["target_id"].isin(shown)].sort_values(["target_id", "checked"]).iterrows()]
    logs: dict[str, list[str]] = {}
    for c in searches:
        logs.setdefault(str(c["target_id"]), []).append(
            f"{c['checked']}: {c['looked_for']}" + (f" Found: {c['note']}" if c["note"] else ""))
    targets = []
    for _i, t in targets_shown.iterrows():
        targets.append({
            "id": t["id"], "policy_id": t["policy_id"], "policy": titles.get(t["policy_id"], ""),
            "target": t["description_en"], "metric": t["metric"], "comparator": str(t["comparator"]),
            "target_value": t["target_value"], "target_max": t["target_max"],
            "unit": _text(t["unit"]),
            "deadline": _partial(t["deadline"], t["deadline_precision"]), "status": str(t["status"]),
            "strength": _text(t["strength"]),
            **{f"deciding_{k}": v for k, v in figure(t["evidence_id"]).items()},
            **{f"latest_{k}": v for k, v in figure(t["latest_id"]).items() if k in ("figure", "as_printed", "source_id")},
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
    for _i, i in investments.iterrows():
        money.append({
            "id": i["id"], "policy_id": i["policy_id"], "what": i["funded"], "kind": str(i["kind"]),
            "qualifier": _text(i["qualifier"]), "amount": i["amount"],
            "currency": _text(i["currency"]),
            "period_start": _partial(i["period_start"], i["period_start_precision"]),
            "period_end": _partial(i["period_end"], i["period_end_precision"]),
            "as_printed": _text(i["as_printed"]), **source_columns(i["source_id"]),
        })
    cited = sorted({*[r["source_id"] for r in targets], *[r["source_id"] for r in money],
                    *[r[k] for r in targets for k in ("deciding_source_id", "latest_source_id") if r[k]],
                    *[s for s in page_sources or [] if s in sources.index]})
    listed = [{"id": s, "title": sources.at[s, "title"], "publisher": sources.at[s, "publisher"],
               "published": _partial(sources.at[s, "published"], sources.at[s, "published_precision"]),
               "url": _text(sources.at[s, "url"]), "grade": str(sources.at[s, "grade"])} for s in cited]
    return {"targets": pd.DataFrame(targets, columns=list(TARGET_COLUMNS)),
            "money": pd.DataFrame(money, columns=list(MONEY_COLUMNS)),
            "sources": pd.DataFrame(listed, columns=list(SOURCE_COLUMNS)),
            "searches": pd.DataFrame(searches, columns=list(SEARCH_COLUMNS))}


def write(frames: dict[str, pd.DataFrame], folder: Path, document_date: str,
          about: dict[str, str] | None = None) -> list[Path]:
    """Write ``data.csv`` (the targets) and ``data.xlsx`` (every table) of ``tables`` into ``folder``;
    ``document_date`` (ISO) dates the workbook. ``about`` (briefing, status date, data version, citation)
    heads the workbook as its first sheet, and the CSV as its first two columns (status date, data version)."""
    import pandas as pd

    about = about or {}
    csv_path, xlsx_path = folder / CSV_NAME, folder / XLSX_NAME
    frames = {name: whole_numbers(frame) for name, frame in frames.items()}
    targets = frames["targets"]
    stamped = pd.concat([pd.DataFrame({"status_as_of": [about.get("status_as_of", "")] * len(targets),
                                       "data_version": [about.get("data_version", "")] * len(targets)}),
                         targets.reset_index(drop=True)], axis=1)
    write_atomic(csv_path, stamped.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))
    write_atomic(xlsx_path, _workbook(frames, document_date, about))
    return [csv_path, xlsx_path]


def whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """A numeric column whose values are all whole (a count with some cells empty, which pandas keeps as
    floats) as integers, so that 30 is written "30", not "30.0"."""
    import pandas as pd

    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if pd.api.types.is_float_dtype(col) and col.notna().any() and (col.dropna() % 1 == 0).all() \
                and col.dropna().abs().max() < 2**53:
            out[name] = col.astype("Int64")
    return out


HEADINGS: dict[str, tuple[str, str]] = {
    "id": (N_("Row id"), "The row's id in the data package."),
    "policy_id": (N_("Policy id"), "The policy's id in the data package."),
    "policy": (N_("Policy"), "The policy that sets the target."),
    "target": (N_("Target"), "What the target promises, in English."),
    "metric": (N_("Measure"), "What is counted."),
    "comparator": (N_("Goal is"), "at-least, more-than, range, equal, about, or qualitative."),
    "target_value": (N_("Goal"), "The number the policy sets."),
    "target_max": (N_("Goal, upper end"), "For a range: its upper end."),
    "unit": (N_("Unit"), "The unit of the goal and the figures."),
    "deadline": (N_("Due"), "The deadline, at the precision the policy gives (2025, 2025-06)."),
    "status": (N_("Status"), "Where the target stands on the status date (the briefing explains each)."),
    "strength": (N_("Evidence"), "How strong the deciding figure is: strong, fair or weak."),
    "deciding_figure": (N_("Deciding figure"), "The figure that decided the status, in words."),
    "deciding_date": (N_("Deciding figure: when"), "The date the deciding figure refers to."),
    "deciding_as_printed": (N_("Deciding figure as printed"), "The deciding figure exactly as its source prints it."),
    "deciding_source_id": (N_("Deciding figure: source"), "The source of the deciding figure (Sources sheet)."),
    "deciding_source_url": (N_("Deciding figure: address"), "Where the deciding figure's source is."),
    "latest_figure": (N_("Latest figure"), "The latest reported figure, in words."),
    "latest_as_printed": (N_("Latest figure as printed"), "The latest figure exactly as its source prints it."),
    "latest_source_id": (N_("Latest figure: source"), "The source of the latest figure (Sources sheet)."),
    "deciding_value": (N_("Deciding value"), "The deciding figure as a number, in the unit."),
    "deciding_qualifier": (N_("Deciding value is"), "more-than, about, at-least ... as the source qualifies it."),
    "deciding_outcome_id": (N_("Deciding figure id"), "The deciding figure's row id (outcomes.csv)."),
    "deciding_match": (N_("Deciding figure measures"), "same: the target's own measure; proxy; partial."),
    "share_of_goal": (N_("Share of goal"), "The deciding value as a share of the goal (1 = the goal)."),
    "disagreeing_outcome_ids": (N_("Disagreeing figures"), "Row ids of figures from sources that disagree."),
    "latest_value": (N_("Latest value"), "The latest figure as a number."),
    "latest_qualifier": (N_("Latest value is"), "How its source qualifies the latest figure."),
    "latest_refers_to": (N_("Latest figure: when"), "The date the latest figure refers to."),
    "latest_outcome_id": (N_("Latest figure id"), "The latest figure's row id (outcomes.csv)."),
    "latest_share_of_goal": (N_("Latest share of goal"), "The latest value as a share of the goal."),
    "claim_outcome_id": (N_("Claim id"), "An official statement that the target was met, without a figure."),
    "restated_by": (N_("Restated by"), "The later target that restated this one."),
    "projected_value": (N_("Projected value"), "Where the last figures point at the deadline (not a verdict)."),
    "projected_rate": (N_("Projected rate"), "The yearly rate the projection uses."),
    "projection_reaches": (N_("Projection reaches goal"), "Whether the projection reaches the goal."),
    "projection_from": (N_("Projection from"), "The first figure the projection uses."),
    "projection_to": (N_("Projection to"), "The last figure the projection uses."),
    "searched": (N_("Last searched"), "When a search for a result was last recorded."),
    "searches": (N_("Searches"), "How many searches are recorded (Searches sheet)."),
    "search_log": (N_("Search log"), "Each search: when, what was looked for, what was found."),
    "analyst_assessed": (N_("Analyst assessed"), "The date of the analyst's latest assessment."),
    "analyst_verdict": (N_("Analyst verdict"), "The analyst's verdict, where it differs from the computed status."),
    "analyst_confidence": (N_("Analyst confidence"), "How sure the analyst is."),
    "analyst_text": (N_("Analyst's note"), "What the analyst wrote."),
    "analyst_stale": (N_("Assessment out of date"), "What changed since the analyst assessed the target."),
    "trend": (N_("Trend"), "on track, needs acceleration, off track, moving away."),
    "trend_observed_rate": (N_("Observed rate"), "The yearly rate the figures show."),
    "trend_needed_rate": (N_("Needed rate"), "The yearly rate needed to reach the goal by the deadline."),
    "binding": (N_("Binding"), "binding (约束性) or anticipatory (预期性), where the policy says."),
    "follows": (N_("Continues"), "The earlier target this one restates."),
    "as_printed": (N_("As printed"), "The goal exactly as the policy prints it."),
    "source_id": (N_("Source"), "The source of the row (Sources sheet)."),
    "source_grade": (N_("Source grade"), "official, major-media, secondary or weak."),
    "source_url": (N_("Source address"), "Where the source is."),
    "what": (N_("What is funded"), "What the money is for."),
    "kind": (N_("Kind"), "spending, driven (investment mobilised), investment, fund, subsidy or pledge."),
    "qualifier": (N_("Amount is"), "about, more-than, at-least, up-to, as the source qualifies it."),
    "amount": (N_("Amount"), "The amount, in the currency."),
    "currency": (N_("Currency"), "The currency of the amount."),
    "period_start": (N_("Period from"), "The start of the period the money covers."),
    "period_end": (N_("Period to"), "The end of the period the money covers."),
    "title": (N_("Title"), "The source's title."),
    "publisher": (N_("Publisher"), "Who published it."),
    "published": (N_("Published"), "When, at the precision known."),
    "url": (N_("Address"), "Where it is."),
    "grade": (N_("Grade"), "official, major-media, secondary or weak: how far to rely on it."),
    "target_id": (N_("Target id"), "The target searched for."),
    "checked": (N_("Searched on"), "When the search was made."),
    "looked_for": (N_("Looked for"), "What was searched for, and where."),
    "note": (N_("Found"), "What the search found."),
}
"""Each column's heading in the workbook, in plain words, and what it holds (the workbook's "about" sheet)."""


def _workbook(frames: dict[str, pd.DataFrame], document_date: str, about: dict[str, str] | None = None) -> bytes:
    import pandas as pd

    stamp = datetime.fromisoformat(document_date.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
    about = about or {}
    cite = (f"Industrial Internet Policy Tracker. {about.get('title', '')}. Briefing, status as of "
            f"{about.get('status_as_of', '')}; data version {about.get('data_version', '')}.")
    head = [("Briefing", about.get("title", "")), ("Status as of", about.get("status_as_of", "")),
            ("Data version", about.get("data_version", "")), ("Cite as", cite),
            ("Licence", "Data licensed CC BY 4.0"), ("", "")]
    head = [(*row, "") for row in head] + [("Sheet and column", "Heading: what it holds", "中文列名")]
    with i18n.use("zh"):  # each heading in Chinese too, for a reader of the Chinese edition
        head += [(f"{name}: {col}", f"{HEADINGS.get(col, (col, ''))[0]}: {HEADINGS.get(col, (col, ''))[1]}",
                  i18n.gettext(HEADINGS.get(col, (col, ""))[0])) for name, frame in frames.items() for col in frame.columns]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame(head, columns=["About this file", "", ""]).to_excel(writer, sheet_name="about", index=False)
        for name, frame in frames.items():
            frame.rename(columns={c: HEADINGS.get(c, (c, ""))[0] for c in frame.columns}).to_excel(
                writer, sheet_name=name, index=False)
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
