"""The rules of tables 三 and 四 on any report JSON (docs/report-checks.md): each broken once, in both layouts."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.codes import TableFormat
from domain.report_checks import (
    APPEAL_COLUMNS,
    APPEAL_GROUPS,
    APPLICANT_COLUMNS,
    BALANCE_ROW,
    ReportProblem,
    check_report,
    layout_warnings,
    report_layout,
    table3_rows,
)
from tests.conftest import fold_report
from tests.histories import histories

FIXTURES = Path(__file__).parents[1] / "fixtures"
SHARED_EXAMPLE = Path("/work/shared/examples/shanghai-stc-2024.json")


def load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return loaded


def shanghai() -> dict[str, Any]:
    return load("shanghai-stc-2024.json")  # 2021 layout, `format` given


def yinzhou() -> dict[str, Any]:
    return load("yinzhou-justice-bureau-2020-report.json")  # 2019 layout, no `format`: read from the rows


REAL = {"shanghai": shanghai, "yinzhou": yinzhou}


def only(problems: list[ReportProblem]) -> ReportProblem:
    assert len(problems) == 1, [str(p.message) for p in problems]
    return problems[0]


@pytest.mark.parametrize("name", REAL)
def test_the_real_published_tables_hold_every_rule(name: str) -> None:
    assert check_report(REAL[name]()) == []
    assert layout_warnings(REAL[name]()) == []


def printed_counts(text: str, start: str, end: str) -> list[int]:
    """Return the counts printed one a line between two headings of the seed report, in reading order."""
    part = text[text.index(start) : text.index(end, text.index(start))]
    return [int(line) for line in part.split("\n") if re.fullmatch(r"\s*\d+\s*", line)]


def test_the_seed_json_is_the_seed_reports_printed_tables() -> None:
    text = (FIXTURES / "yinzhou-justice-bureau-2020-annual-report.txt").read_text(encoding="utf-8")
    table3 = printed_counts(text, "三、收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况")
    table4 = printed_counts(text, "政府信息公开行政复议、行政诉讼情况", "2020年度，本单位无因")
    report = yinzhou()
    rows = table3_rows(TableFormat.F2019)
    assert table3 == [report["applications"][row][column] for row in rows for column in APPLICANT_COLUMNS]
    assert table4 == [report["appeals"][group][column] for group in APPEAL_GROUPS for column in APPEAL_COLUMNS]


@pytest.mark.skipif(not SHARED_EXAMPLE.exists(), reason="the shared example is outside the repository")
def test_the_shared_example_is_the_fixture_and_holds() -> None:
    example = json.loads(SHARED_EXAMPLE.read_text(encoding="utf-8"))
    assert example == shanghai() and check_report(example) == []


def test_the_layout_is_read_from_format_else_from_the_rows() -> None:
    assert report_layout(shanghai()) is TableFormat.F2021
    assert report_layout(yinzhou()) is TableFormat.F2019
    undeclared = shanghai()
    del undeclared["format"]
    assert report_layout(undeclared) is TableFormat.F2021 and check_report(undeclared) == []


def test_shanghai_as_published_leaves_a_total_blank_and_that_is_named() -> None:
    # The published table prints nothing in 四、结转下年度继续办理 · 总计 (the fixture's `source` says it is 1).
    published = shanghai()
    published["applications"]["carried_out"]["total"] = ""
    problem = only(check_report(published))
    assert (problem.rule, problem.table, problem.row, problem.column) == ("shape", "三", "carried_out", "total")
    assert (problem.left, problem.right) == ("", None)
    assert problem.row_label == "四、结转下年度继续办理" and problem.column_label == "总计"
    assert str(problem.message).startswith("表三「四、结转下年度继续办理」行「总计」列：'' 不是非负整数 / ")


@pytest.mark.parametrize("name", REAL)
def test_a_row_total_that_is_not_its_six_columns(name: str) -> None:
    report = REAL[name]()
    report["applications"]["new"]["total"] += 1
    problems = check_report(report)
    row_total = next(p for p in problems if p.rule == "row_total")
    assert (row_total.table, row_total.row, row_total.column) == ("三", "new", "total")
    assert row_total.row_label == "一、本年新收政府信息公开申请数量" and row_total.column_label == "总计"
    new = report["applications"]["new"]["total"]
    assert (row_total.left, row_total.right) == (new, new - 1)
    assert str(row_total.message).startswith(f"表三「一、本年新收政府信息公开申请数量」行：「总计」列为 {new}，")
    # the 总计 column's balance breaks with it: one problem per broken rule
    assert [p.rule for p in problems] == ["row_total", "balance"]


@pytest.mark.parametrize("name", REAL)
def test_a_handled_total_that_is_not_the_outcome_rows(name: str) -> None:
    report = REAL[name]()
    rows = report["applications"]
    for row in ("new", "total_handled"):  # the 勾稽关系 and each row's 总计 still hold, the outcome rows do not add up
        rows[row]["natural_person"] += 1
        rows[row]["total"] += 1
    broken = check_report(report)
    assert [(p.rule, p.row, p.column) for p in broken] == [
        ("handled_sum", "total_handled", "natural_person"),
        ("handled_sum", "total_handled", "total"),
    ]
    handled = rows["total_handled"]["natural_person"]
    assert (broken[0].left, broken[0].right) == (handled, handled - 1)
    assert broken[0].row_label == "（七）总计" and broken[0].column_label == "自然人"
    assert broken[0].message.zh == f"表三「自然人」列：（七）总计为 {handled}，但各办理结果行之和为 {handled - 1}"


@pytest.mark.parametrize("name", REAL)
def test_the_balance_of_a_column(name: str) -> None:
    report = REAL[name]()
    rows = report["applications"]
    for row in ("new", "total_handled", "unavailable_not_held"):
        rows[row]["commercial_enterprise"] += 1
        rows[row]["total"] += 1
    rows["carried_out"]["commercial_enterprise"] += 2
    rows["carried_out"]["total"] += 2
    problems = check_report(report)
    assert [(p.rule, p.column) for p in problems] == [
        ("balance", "commercial_enterprise"),
        ("balance", "total"),
    ]
    problem = problems[0]
    came = rows["new"]["commercial_enterprise"] + rows["carried_in"]["commercial_enterprise"]
    assert (problem.left, problem.right) == (came, came + 2)
    assert problem.row == BALANCE_ROW and problem.column_label == "法人或其他组织·商业企业"
    assert "勾稽关系" in problem.message.zh and "new + carried_in" in problem.message.en


@pytest.mark.parametrize("name", REAL)
def test_a_table_four_total_that_is_not_its_four(name: str) -> None:
    report = REAL[name]()
    report["appeals"]["litigation_after_reconsideration"]["corrected"] = 10
    report["appeals"]["litigation_after_reconsideration"]["other"] = 1  # a county's 2023: 总计 0 beside 10 + 1
    problem = only(check_report(report))
    assert (problem.rule, problem.table, problem.row, problem.column) == (
        "appeal_total",
        "四",
        "litigation_after_reconsideration",
        "total",
    )
    assert (problem.left, problem.right) == (0, 11)
    assert problem.row_label == "行政诉讼·复议后起诉"
    assert problem.message.zh == "表四「行政诉讼·复议后起诉」行：「总计」列为 0，但其余各列之和为 11"


@pytest.mark.parametrize("name", REAL)
@pytest.mark.parametrize(
    ("value", "shown"), [("3", "'3'"), (-1, "-1"), (1.5, "1.5"), (True, "True"), (None, "None"), ([1], "[1]")]
)
def test_a_cell_that_is_no_count_is_named_and_not_summed(name: str, value: object, shown: str) -> None:
    report = REAL[name]()
    report["applications"]["disclosed"]["natural_person"] = value
    problem = only(check_report(report))
    assert (problem.rule, problem.row, problem.column) == ("shape", "disclosed", "natural_person")
    assert f"：{shown} 不是非负整数" in problem.message.zh


@pytest.mark.parametrize("name", REAL)
def test_missing_rows_columns_and_tables(name: str) -> None:
    report = REAL[name]()
    del report["applications"]["rejected_repeat"]
    del report["applications"]["carried_in"]["other_org"]
    del report["appeals"]["litigation_direct"]
    found = {(p.rule, p.table, p.row, p.column) for p in check_report(report)}
    assert found == {
        ("shape", "三", "rejected_repeat", ""),
        ("shape", "三", "carried_in", "other_org"),
        ("shape", "四", "litigation_direct", ""),
    }
    assert [p.rule for p in check_report({"applications": [], "appeals": 3})] == ["shape", "shape"]


def test_a_2021_format_with_the_2019_rows_misses_the_three_other_rows() -> None:
    report = yinzhou()
    report["format"] = "2021"
    missing = [p.row for p in check_report(report)]
    assert missing == ["other_no_correction", "other_fee_unpaid"]
    assert check_report({**report, "format": "2020"})[0].message.zh == "format 应为 2019 或 2021，而不是 '2020'"


def test_a_2019_layout_in_a_later_year_is_a_warning_not_a_problem() -> None:
    report = yinzhou()
    report["year"] = 2024
    assert check_report(report) == []
    warning = only(layout_warnings(report))
    assert (warning.rule, warning.left, warning.right) == ("layout", "2019", 2024)
    assert "国办公开办函〔2021〕30号" in warning.message.zh
    assert layout_warnings(shanghai()) == [] and layout_warnings({**report, "year": 2020}) == []


def previous_of(report: dict[str, Any]) -> dict[str, Any]:
    """Return a balanced report of the year before, whose carried_out is this year's carried_in."""
    before = copy.deepcopy(report)
    before["year"] = report["year"] - 1
    rows = before["applications"]
    rows["carried_out"] = dict(report["applications"]["carried_in"])
    for column, n in rows["carried_out"].items():
        rows["new"][column] = rows["total_handled"][column] + n - rows["carried_in"][column]
    return before


@pytest.mark.parametrize("name", REAL)
def test_this_years_carried_in_is_last_years_carried_out(name: str) -> None:
    report = REAL[name]()
    previous = previous_of(report)
    assert check_report(previous) == [] and check_report(report, previous) == []
    previous["applications"]["carried_out"]["natural_person"] += 1
    previous["applications"]["carried_out"]["total"] += 1
    problems = [p for p in check_report(report, previous) if p.rule == "carried_in"]
    assert [p.column for p in problems] == ["natural_person", "total"]
    now = report["applications"]["carried_in"]["natural_person"]
    assert (problems[0].left, problems[0].right) == (now, now + 1)
    assert problems[0].row == "carried_in" and problems[0].row_label == "二、上年结转政府信息公开申请数量"
    assert "上年报告的四、结转下年度继续办理" in problems[0].message.zh


def test_the_previous_report_must_be_of_the_year_before_and_readable() -> None:
    report = shanghai()
    wrong_year = {**previous_of(report), "year": 2021}
    problem = only(check_report(report, wrong_year))
    assert (problem.rule, problem.left, problem.right) == ("previous_year", 2024, 2021)
    assert only(check_report(report, {"applications": {}})).row == "carried_out"
    unreadable = previous_of(report)
    unreadable["applications"]["carried_out"]["total"] = "2"
    assert (only(check_report(report, unreadable)).rule, only(check_report(report, unreadable)).left) == ("shape", "2")


def test_problems_are_json_objects() -> None:
    report = shanghai()
    report["appeals"]["reconsideration"]["total"] = 2
    as_json = only(check_report(report)).to_json()
    assert json.loads(json.dumps(as_json, ensure_ascii=False)) == {
        "rule": "appeal_total",
        "table": "四",
        "row": "reconsideration",
        "row_label": "行政复议",
        "column": "total",
        "column_label": "总计",
        "left": 2,
        "right": 1,
        "message": "表四「行政复议」行：「总计」列为 2，但其余各列之和为 1 / "
        "table 四 row reconsideration: column total is 2, but the other columns add up to 1",
    }


@pytest.mark.parametrize("layout", list(TableFormat))
def test_every_row_of_a_layout_is_checked(layout: TableFormat) -> None:
    assert len(table3_rows(layout)) == {TableFormat.F2019: 23, TableFormat.F2021: 25}[layout]


@settings(max_examples=30, deadline=None)
@given(histories())
def test_every_table_gongkai_folds_holds_every_rule_and_the_next_year(lines: list[dict[str, Any]]) -> None:
    for layout in TableFormat:
        previous = None
        for year in (2023, 2024, 2025):
            report = fold_report(lines, str(year), layout)
            assert check_report(report, previous) == []
            previous = report


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(list(REAL)),
    st.sampled_from(["applications", "appeals", "format", "year"]),
    st.integers(min_value=0, max_value=30),
    st.sampled_from([*APPLICANT_COLUMNS, *APPEAL_COLUMNS, None]),
    JSON,
)
def test_any_json_anywhere_gives_problems_never_an_exception(
    name: str, key: str, row_index: int, column: str | None, value: object
) -> None:
    report = REAL[name]()
    table = report.get(key)
    if isinstance(table, dict) and table:
        row = sorted(table)[row_index % len(table)]
        if column is None or not isinstance(table[row], dict):
            table[row] = value
        else:
            table[row][column] = value
    else:
        report[key] = value
    for previous in (None, report, {"applications": value}):
        problems = check_report(report, previous)
        assert all(isinstance(problem, ReportProblem) for problem in problems)
        json.dumps([problem.to_json() for problem in problems], ensure_ascii=False, allow_nan=True)
    layout_warnings(report)


def test_a_missing_cell_says_missing_and_a_long_text_is_cut_short() -> None:
    report = shanghai()
    del report["applications"]["new"]["other_org"]
    report["applications"]["carried_in"]["other_org"] = "长" * 2100
    missing, long_text = check_report(report)
    assert missing.message.zh == "表三「一、本年新收政府信息公开申请数量」行「法人或其他组织·其他」列：缺少该列"
    assert len(long_text.message) < 200 and "…" in long_text.message.zh
