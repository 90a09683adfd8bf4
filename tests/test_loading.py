"""load(): typed frames, partial dates resolved to the right end of their period, errors raised not coerced."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis
from analysis import DataError, load

from .conftest import FIXTURE_DATA


@pytest.fixture(scope="module")
def ds() -> analysis.Dataset:
    return load(FIXTURE_DATA)


def test_every_table_is_a_frame_with_all_rows(ds) -> None:
    assert len(ds.targets) == (FIXTURE_DATA / "targets.csv").read_text(encoding="utf-8").count("\n") - 1
    assert ds.version.startswith("1.0.0+") and len(ds.version) == len("1.0.0+") + 8
    for name in ("sources", "policies", "bodies", "targets", "investments", "outcomes", "citations"):
        assert isinstance(getattr(ds, name), pd.DataFrame)


def test_types(ds) -> None:
    t = ds.targets
    assert t["target_value"].dtype == "float64"
    assert isinstance(t["comparator"].dtype, pd.CategoricalDtype)
    assert "qualitative" in t["comparator"].cat.categories
    assert pd.api.types.is_datetime64_any_dtype(t["deadline"])
    assert pd.api.types.is_string_dtype(t["metric"])
    assert ds.investments["amount"].dtype == "float64"
    assert isinstance(ds.sources["grade"].dtype, pd.CategoricalDtype)


def test_year_deadline_means_end_of_year_and_issue_date_means_start(ds) -> None:
    t = ds.targets.set_index("id")
    assert t.loc["ii-plan-2021-2023-productivity", "deadline"] == pd.Timestamp("2023-12-31")
    assert t.loc["ii-plan-2021-2023-productivity", "deadline_precision"] == "year"
    assert t.loc["swg-workplan-2019-key-tasks", "deadline"] == pd.Timestamp("2019-12-31")
    assert t.loc["swg-workplan-2019-key-tasks", "deadline_precision"] == "day"
    assert pd.isna(t.loc["sc-ii-guideline-2017-top-rank", "deadline"])  # "by mid-century": no date printed
    p = ds.policies.set_index("id")
    assert p.loc["ii-security-2019", "issued"] == pd.Timestamp("2019-08-01")
    assert p.loc["ii-security-2019", "issued_precision"] == "month"
    assert p.loc["swg-workplan-2019", "period_end"] == pd.Timestamp("2019-12-31")


def test_amounts_are_in_units_not_by_convention(ds) -> None:
    inv = ds.investments.set_index("id")
    assert inv.loc["ii-plan-2018-2020-driven-investment", "amount"] == 70_000_000_000
    assert inv.loc["ii-plan-2018-2020-driven-investment", "currency"] == "CNY"


def test_bad_value_raises_instead_of_coercing(data) -> None:
    line = data.replace("targets", "ii-plan-2021-2023-productivity", ",at-least,20,", ",at-least,twenty,")
    with pytest.raises(DataError) as info:
        load(data.dir)
    assert [(p.line, p.column) for p in info.value.problems] == [(line, "target_value")]
    assert f"targets.csv:{line}:target_value:" in str(info.value)


def test_warnings_do_not_stop_loading(data) -> None:
    data.replace("targets", "ii-plan-2021-2023-productivity", ",20%以上,", ",,")
    assert len(load(data.dir).targets) > 0


def test_data_version_follows_the_content_not_the_bytes(data) -> None:
    """A changed value gives a new data version; a file re-saved with CRLF and a BOM does not."""
    from analysis.data.validate import check

    first = check(data.dir).version
    path = data.path("targets")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert check(data.dir).version == first
    data.replace("outcomes", "smart-mfg-pilots-2017", ",206,", ",207,")
    assert check(data.dir).version != first
