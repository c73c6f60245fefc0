"""Properties every table of every valid history keeps (docs/tables.md)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from domain.codes import TableFormat
from projections.tables import COLUMNS, ReportJson, outcome_rows
from tests.conftest import fold_report
from tests.histories import histories

YEARS = (2023, 2024, 2025, 2026)


def assert_balanced(report: ReportJson) -> None:
    rows = report["applications"]
    for column in [*COLUMNS, "total"]:
        assert rows["new"][column] + rows["carried_in"][column] == (
            rows["total_handled"][column] + rows["carried_out"][column]
        ), column
        assert rows["total_handled"][column] == sum(
            rows[r][column] for r in outcome_rows(TableFormat(report["format"]))
        )
        assert min(values[column] for values in rows.values()) >= 0
    for values in rows.values():
        assert values["total"] == sum(values[c] for c in COLUMNS)
    for group in report["appeals"].values():
        assert group["total"] == group["upheld"] + group["corrected"] + group["other"] + group["pending"]


@settings(max_examples=60, deadline=None)
@given(histories())
def test_every_year_balances_and_carries_over(lines: list[dict[str, Any]]) -> None:
    previous = None
    for year in YEARS:
        report = fold_report(lines, str(year))
        assert_balanced(report)
        if previous is not None:
            assert report["applications"]["carried_in"] == previous["applications"]["carried_out"]
        previous = report


@settings(max_examples=40, deadline=None)
@given(histories())
def test_twelve_months_add_up_to_the_year(lines: list[dict[str, Any]]) -> None:
    for year in YEARS:
        annual = fold_report(lines, str(year))["applications"]
        reports = [fold_report(lines, f"{year}-{m:02d}") for m in range(1, 13)]
        months = [report["applications"] for report in reports]
        for report in reports:
            assert_balanced(report)
        for row, values in annual.items():
            if row in ("carried_in", "carried_out"):
                continue
            for column in values:
                assert values[column] == sum(m[row][column] for m in months), (row, column)
        assert months[0]["carried_in"] == annual["carried_in"]
        assert months[-1]["carried_out"] == annual["carried_out"]


@settings(max_examples=30, deadline=None)
@given(histories())
def test_both_formats_agree_except_in_the_other_rows(lines: list[dict[str, Any]]) -> None:
    new = fold_report(lines, "2024", TableFormat.F2021)["applications"]
    old = fold_report(lines, "2024", TableFormat.F2019)["applications"]
    assert len(new) == 25 and len(old) == 23
    for column in [*COLUMNS, "total"]:
        others = new["other_no_correction"][column] + new["other_fee_unpaid"][column] + new["other"][column]
        assert old["other"][column] == others
        assert old["total_handled"][column] == new["total_handled"][column]
