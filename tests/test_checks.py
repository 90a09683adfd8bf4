"""Each check of the validator, on a copy of the shipped data with one row broken.

Every case asserts the file, the physical line, the column and the message.
"""

from __future__ import annotations

import pytest

from analysis.data.validate import check

PROD = "ii-plan-2021-2023-productivity"

# (table, row id, text in the row, replacement, column, message fragment)
CASES = [
    ("targets", "mic2025-step1", ",Manufacturing power ranking,", ",,", "metric", "required value is missing"),
    ("targets", PROD, ",at-least,20,", ",at-least,20%,", "target_value", "expected a number written out in full"),
    ("investments", "ii-plan-2018-2020-driven-investment", ",70000000000,", ",7e10,", "amount",
     "expected a number written out in full"),
    ("investments", "ii-plan-2018-2020-driven-investment", ",70000000000,", ",\"70,000,000,000\",", "amount",
     "expected a number written out in full"),
    ("sources", "kslaw-2017-11-02", ",secondary,", ",Secondary,", "grade", "did you mean 'secondary'?"),
    ("sources", "kslaw-2017-11-02", ",https://www.kslaw.com", ",www.kslaw.com", "url", "expected a web address"),
    ("sources", "kslaw-2017-11-02", "kslaw-2017-11-02,", "KSLaw_2017,", "id", "is not a valid id"),
    ("policies", "made-in-china-2025", ",2015-05-08,", ",2015-13-08,", "issued", "month 13 does not exist"),
    ("policies", "made-in-china-2025", ",2015-05-08,", ",2015-02-30,", "issued", "day 30 does not exist"),
    ("policies", "made-in-china-2025", ",2015-05-08,", ",8 May 2015,", "issued", "expected a date as YYYY"),
    ("outcomes", "smart-mfg-pilots-2017", ",2017-11-28,", ",28/11/2017,", "reported", "expected a date as YYYY"),
    ("targets", "mic2025-step1", ",Manufacturing power ranking,", ", Manufacturing power ranking,", "metric",
     "leading or trailing spaces"),
    ("targets", PROD, ",ii-plan-2021-2023,", ",ii-plan-2021-2024,", "policy_id",
     "unknown policy id 'ii-plan-2021-2024': not in policies.csv; did you mean 'ii-plan-2021-2023'?"),
    ("outcomes", "cnc-rate-2021-10", ",yktchina-2021-11-30-lianghua,", ",yktchina-2021-11-30-lianhua,", "source_id",
     "did you mean 'yktchina-2021-11-30-lianghua'?"),
    ("outcomes", "cnc-rate-2021-10", "14fyp-lianghua-2021-cnc-rate,", "14fyp-lianghua-2021-cnc,", "target_id",
     "unknown target id"),
    ("policies", "ii-plan-2021-2023", ",2021,2023,", ",2021,2019,", "period_end", "period ends (2019) before it starts (2021)"),
    ("targets", PROD, ",2023,,national (key enterprises),", ",2020,,national (key enterprises),", "deadline",
     "deadline 2020 is before the policy 'ii-plan-2021-2023' was issued (2021-01-13)"),
    ("targets", "mic2025-step1", ",qualitative,,,", ",qualitative,5,,", "target_value", "a qualitative target has no numeric value"),
    ("targets", PROD, ",% increase,", ",,", "unit", "a numeric target needs a unit"),
    ("targets", PROD, ",at-least,20,,", ",at-least,,,", "target_value", "comparator 'at-least' needs a target_value"),
    ("targets", "swg-workplan-2019-test-systems", ",range,1,2,", ",range,1,,", "target_max", "comparator 'range' needs target_max"),
    ("targets", "swg-workplan-2019-test-systems", ",range,1,2,", ",range,3,2,", "target_max", "is not above its lower end"),
    ("targets", PROD, ",at-least,20,,", ",at-least,20,30,", "target_max", "only for comparator 'range'"),
    ("targets", PROD, ",% increase,", ",% growth,", "unit", "is not allowed: expected one of"),
    ("investments", "ii-plan-2018-2020-driven-investment", ",CNY,", ",,", "currency", "an amount needs an ISO 4217 currency"),
    ("investments", "ii-plan-2018-2020-driven-investment", ",CNY,", ",RMB,", "currency", "'RMB' is not allowed"),
    ("investments", "ii-special-fund-2018", ",not-stated,", ",about,", "amount", "qualifier 'about' needs an amount"),
    ("outcomes", "cnc-rate-2021-10", ",54.6,%,", ",54.6,,", "unit", "a reported value needs a unit"),
    ("outcomes", "cnc-rate-2021-10", ",54.6,%,", ",54.6,index points,", "unit", "differs from its target's unit '%'"),
    ("outcomes", "cnc-rate-2021-10", ",14fyp-lianghua-2021,", ",ii-plan-2021-2023,", "policy_id",
     "differs from its target's policy '14fyp-lianghua-2021'"),
    ("outcomes", "cnc-rate-2021-10", ",2021-10-31,2021-11-30,", ",2022-10-31,2021-11-30,", "refers_to",
     "refers to 2022-10-31, after it was reported (2021-11-30)"),
]


@pytest.mark.parametrize(("table", "row_id", "old", "new", "column", "message"), CASES,
                         ids=[f"{c[0]}-{c[4]}-{i}" for i, c in enumerate(CASES)])
def test_check_names_file_line_column(data, table, row_id, old, new, column, message) -> None:
    line = data.replace(table, row_id, old, new)
    report = check(data.dir)
    hits = [p for p in report.errors if message in p.message]
    assert hits, f"expected {message!r}; got:\n" + "\n".join(map(str, report.problems))
    assert (hits[0].file, hits[0].line, hits[0].column) == (str(data.path(table)), line, column)


def test_duplicate_primary_key(data) -> None:
    row = data.lines("targets")[data.line_of("targets", PROD) - 1]
    line = data.append("targets", row.replace(",20,", ",25,", 1))
    errors = check(data.dir).errors
    assert [(p.line, p.column) for p in errors if "duplicate key" in p.message] == [(line, "id")]
    assert f"already used on line {data.line_of('targets', PROD)}" in str(errors[0])


def test_duplicate_fact_under_another_id(data) -> None:
    first = data.line_of("targets", PROD)
    row = data.lines("targets")[first - 1]
    line = data.append("targets", row.replace(PROD, PROD + "-again", 1))
    errors = [p for p in check(data.dir).errors if "same fact" in p.message]
    assert [(p.line, p.column) for p in errors] == [(line, "id")]
    assert f"on line {first}" in errors[0].message


def test_citation_to_a_missing_row(data) -> None:
    line = data.append("citations", "targets,ii-plan-2021-2023-productivty,kslaw-2017-11-02,,")
    errors = check(data.dir).errors
    assert [(p.file, p.line, p.column) for p in errors] == [(str(data.path("citations")), line, "row_id")]
    assert "did you mean 'ii-plan-2021-2023-productivity'?" in errors[0].message


def test_citation_repeating_the_rows_own_source(data) -> None:
    line = data.append("citations", f"targets,{PROD},ecomnet-2021-plan-goals,,")
    errors = check(data.dir).errors
    assert [(p.line, p.column) for p in errors] == [(line, "source_id")]
    assert "already the row's own source" in errors[0].message


def test_numeric_fact_without_printed_figure_is_a_warning(data) -> None:
    line = data.replace("targets", PROD, ",20%以上,", ",,")
    report = check(data.dir)
    assert report.errors == []
    hits = [p for p in report.warnings if p.line == line and p.file == str(data.path("targets"))]
    assert [(p.column, p.severity) for p in hits] == [("as_printed", "warning")]


def test_uncited_source_is_a_warning(data) -> None:
    line = data.append("sources", "zz-unused,Some page,Someone,2020,,https://example.org/x,en,weak,")
    hits = [p for p in check(data.dir).warnings if p.line == line]
    assert [(p.column, p.message) for p in hits] == [("id", "source 'zz-unused' is not cited by any row")]
