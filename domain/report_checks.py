"""Check any report JSON against the rules of tables 三 and 四 (docs/report-checks.md): pure, no I/O.

A report may be ours or typed in from a published one, so nothing about its shape is trusted: a missing table,
row or cell, a string or a negative number where a count belongs, is a problem named like a broken rule, and the
sums are checked only over cells that are counts (one bad cell is one problem, not a cascade).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from domain.codes import OTHER_OUTCOMES, AppealKind, ApplicantType, Outcome, TableFormat
from domain.labels import (
    APPEAL_COLUMN_LABELS,
    APPEAL_GROUP_LABELS,
    APPLICANT_LABELS,
    ORG_GROUP_LABEL,
    OTHER_LABEL_2019,
    ROW_LABELS,
    outcome_label,
)
from domain.messages import Message, zh_en

Rule = Literal["shape", "balance", "handled_sum", "row_total", "appeal_total", "carried_in", "previous_year", "layout"]
Value = int | str | None  # a side of a rule: a count, or what stood where a count belongs (None: nothing)

PERSON_COLUMNS: tuple[str, ...] = tuple(t.value for t in ApplicantType)
APPLICANT_COLUMNS: tuple[str, ...] = (*PERSON_COLUMNS, "total")
APPEAL_GROUPS: tuple[str, ...] = tuple(k.value for k in AppealKind)
APPEAL_PARTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending")
APPEAL_COLUMNS: tuple[str, ...] = (*APPEAL_PARTS, "total")
_OUTCOMES = frozenset(o.value for o in Outcome)
_2021_ONLY = frozenset(o.value for o in OTHER_OUTCOMES if o is not Outcome.OTHER)
_FORMATS = frozenset(f.value for f in TableFormat)
LAST_2019_YEAR = 2020  # 国办公开办函〔2021〕30号: the 2021 format from report year 2021 on
# The 勾稽关系 spans four rows: its problem names them all, as the header note of table 三 does.
BALANCE_ROW = "new+carried_in=total_handled+carried_out"
BALANCE_LABEL = "一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理"


@dataclass(frozen=True)
class ReportProblem:
    """One broken rule (or a warning): where (table, row, column, each with its label), both sides, and why."""

    rule: Rule
    table: str  # "三", "四", or "" for the report as a whole
    row: str
    row_label: str
    column: str
    column_label: str
    left: Value
    right: Value
    message: Message

    def to_json(self) -> dict[str, object]:
        """Return the problem as a JSON object (`check-report --format json`)."""
        return {
            "rule": self.rule,
            "table": self.table,
            "row": self.row,
            "row_label": self.row_label,
            "column": self.column,
            "column_label": self.column_label,
            "left": self.left,
            "right": self.right,
            "message": str(self.message),
        }


def outcome_rows(layout: TableFormat) -> tuple[str, ...]:
    """Return the outcome rows of a layout, whose sum is （七）总计 (2019: one （六）其他处理 row, `other`)."""
    return tuple(o.value for o in Outcome if layout is TableFormat.F2021 or o.value not in _2021_ONLY)


def table3_rows(layout: TableFormat) -> tuple[str, ...]:
    """Return every row of table 三 of a layout, in the official order."""
    return ("new", "carried_in", *outcome_rows(layout), "total_handled", "carried_out")


def row_label(row: str, layout: TableFormat) -> str:
    """Return a table 三 row's official label in a layout."""
    if row == Outcome.OTHER and layout is TableFormat.F2019:
        return OTHER_LABEL_2019
    return outcome_label(row) if row in _OUTCOMES else ROW_LABELS[row][2]


def column_label(column: str) -> str:
    """Return a table 三 column's label: "自然人", "法人或其他组织·商业企业", "总计"."""
    label = APPLICANT_LABELS[column]
    return label if column in ("natural_person", "total") else f"{ORG_GROUP_LABEL}·{label}"


def report_layout(report: Mapping[str, object]) -> TableFormat | None:
    """Return the layout of a report: its `format`, else the rows present (None when `format` is no format)."""
    declared = report.get("format")
    if declared is not None:
        return TableFormat(str(declared)) if str(declared) in _FORMATS else None
    applications = report.get("applications")
    present = set(applications) if isinstance(applications, Mapping) else set()
    return TableFormat.F2021 if present & _2021_ONLY else TableFormat.F2019


def report_year(report: Mapping[str, object]) -> int | None:
    """Return the report's year when it states one as a number."""
    year = report.get("year")
    return year if type(year) is int else None


def check_report(report: Mapping[str, object], previous: Mapping[str, object] | None = None) -> list[ReportProblem]:
    """Return every rule of tables 三 and 四 the report breaks (and, given last year's, the cross-year rule)."""
    if not isinstance(report, Mapping):
        return [
            _whole("shape", zh_en("报告应为 JSON 对象", "the report must be a JSON object"), "", type(report).__name__)
        ]
    layout = report_layout(report)
    if layout is None:
        declared = str(report.get("format"))
        return [
            _whole(
                "shape",
                zh_en(
                    f"format 应为 2019 或 2021，而不是 {declared!r}", f"format must be 2019 or 2021, not {declared!r}"
                ),
                "format",
                declared,
            )
        ]
    problems = _check_applications(report.get("applications"), layout)
    problems += _check_appeals(report.get("appeals"))
    if previous is not None:
        problems += _check_previous(report, previous, layout)
    return problems


def layout_warnings(report: Mapping[str, object]) -> list[ReportProblem]:
    """Return the warnings about a report's layout: a 2019 layout in a later year (real reports do this)."""
    if not isinstance(report, Mapping):
        return []
    year, layout = report_year(report), report_layout(report)
    if year is None or layout is not TableFormat.F2019 or year <= LAST_2019_YEAR:
        return []
    message = zh_en(
        f"{year} 年度的报告使用 2019 年版表格（国办公开办函〔2019〕60号）；{LAST_2019_YEAR + 1} 年度起应使用 2021 年版"
        "（国办公开办函〔2021〕30号），其（六）其他处理分为三行",
        f"a {year} report in the 2019 layout; from {LAST_2019_YEAR + 1} on the 2021 layout applies, whose "
        "（六）其他处理 has three rows",
    )
    return [_whole("layout", message, "format", layout.value, year)]


def _whole(rule: Rule, message: Message, row: str, left: Value, right: Value = None) -> ReportProblem:
    return ReportProblem(rule, "", row, "", "", "", left, right, message)


def _cell(value: object) -> Value:
    """Return what stood in a cell as a side of a rule: the count, else its text (None when absent)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return str(value)


def _shown(value: object) -> str:
    """Return a value as a clerk reads it in a message: its repr, cut short (a cell may hold any text)."""
    shown = repr(value)
    return shown if len(shown) <= 40 else f"{shown[:37]}…"


def _counts(
    table: str, row: str, label: str, values: object, columns: tuple[str, ...], labels: Mapping[str, str]
) -> tuple[dict[str, int], list[ReportProblem]]:
    """Return a row's cells that are counts, and a problem for each cell that is missing or is no count."""
    if not isinstance(values, Mapping):
        found = _cell(values) if not isinstance(values, list) else "[…]"
        message = zh_en(
            f"表{table}「{label}」行应为各列计数的对象", f"table {table} row {row} must be an object of counts"
        )
        return {}, [ReportProblem("shape", table, row, label, "", "", found, None, message)]
    counts: dict[str, int] = {}
    problems: list[ReportProblem] = []
    for column in columns:
        value = values.get(column)
        if type(value) is int and value >= 0:
            counts[column] = value
            continue
        if column not in values:
            what = zh_en("缺少该列", "missing")
        else:
            what = zh_en(f"{_shown(value)} 不是非负整数", f"{_shown(value)} not a whole number ≥ 0")
        message = zh_en(
            f"表{table}「{label}」行「{labels[column]}」列：{what.zh}",
            f"table {table} row {row}, column {column}: {what.en}",
        )
        problems.append(ReportProblem("shape", table, row, label, column, labels[column], _cell(value), None, message))
    return counts, problems


def _check_applications(table: object, layout: TableFormat) -> list[ReportProblem]:
    if not isinstance(table, Mapping):
        return [_missing_table("三", "applications")]
    labels = {column: column_label(column) for column in APPLICANT_COLUMNS}
    rows: dict[str, dict[str, int]] = {}
    problems: list[ReportProblem] = []
    for row in table3_rows(layout):
        label = row_label(row, layout)
        if row not in table:
            message = zh_en(f"表三缺少「{label}」行（{row}）", f"table 三 has no row {row} ({layout.value} layout)")
            problems.append(ReportProblem("shape", "三", row, label, "", "", None, None, message))
            continue
        rows[row], found = _counts("三", row, label, table[row], APPLICANT_COLUMNS, labels)
        problems += found
        problems += _sum_rule("row_total", "三", row, label, "total", "总计", rows[row], PERSON_COLUMNS)
    for column in APPLICANT_COLUMNS:
        problems += _column_rules(rows, column, labels[column], layout)
    return problems


def _missing_table(table: str, key: str) -> ReportProblem:
    message = zh_en(
        f"报告缺少表{table}（{key}），或它不是 JSON 对象", f"the report has no table {table} object ({key})"
    )
    return ReportProblem("shape", table, "", "", "", "", None, None, message)


def _sum_rule(
    rule: Rule,
    table: str,
    row: str,
    label: str,
    column: str,
    column_words: str,
    counts: Mapping[str, int],
    parts: tuple[str, ...],
) -> list[ReportProblem]:
    """Check that a row's total cell equals the sum of its parts (skipped when a cell is no count)."""
    if column not in counts or any(part not in counts for part in parts):
        return []
    total, expected = counts[column], sum(counts[part] for part in parts)
    if total == expected:
        return []
    message = zh_en(
        f"表{table}「{label}」行：「{column_words}」列为 {total}，但其余各列之和为 {expected}",
        f"table {table} row {row}: column {column} is {total}, but the other columns add up to {expected}",
    )
    return [ReportProblem(rule, table, row, label, column, column_words, total, expected, message)]


def _column_rules(
    rows: Mapping[str, Mapping[str, int]], column: str, label: str, layout: TableFormat
) -> list[ReportProblem]:
    """Check a column of table 三: （七） = the outcome rows' sum; 一 + 二 = （七） + 四 (勾稽关系)."""
    problems: list[ReportProblem] = []
    cells = {row: counts[column] for row, counts in rows.items() if column in counts}
    outcomes = outcome_rows(layout)
    if "total_handled" in cells and all(row in cells for row in outcomes):
        handled, summed = cells["total_handled"], sum(cells[row] for row in outcomes)
        if handled != summed:
            message = zh_en(
                f"表三「{label}」列：（七）总计为 {handled}，但各办理结果行之和为 {summed}",
                f"table 三 column {column}: total_handled is {handled}, but the outcome rows add up to {summed}",
            )
            problems.append(
                ReportProblem(
                    "handled_sum", "三", "total_handled", "（七）总计", column, label, handled, summed, message
                )
            )
    if all(row in cells for row in ("new", "carried_in", "total_handled", "carried_out")):
        came = cells["new"] + cells["carried_in"]
        went = cells["total_handled"] + cells["carried_out"]
        if came != went:
            message = zh_en(
                f"表三「{label}」列：一、本年新收 + 二、上年结转 = {came}，"
                f"但（七）总计 + 四、结转下年度 = {went}（勾稽关系）",
                f"table 三 column {column}: new + carried_in = {came}, but total_handled + carried_out = {went}",
            )
            problems.append(
                ReportProblem("balance", "三", BALANCE_ROW, BALANCE_LABEL, column, label, came, went, message)
            )
    return problems


def _check_appeals(table: object) -> list[ReportProblem]:
    if not isinstance(table, Mapping):
        return [_missing_table("四", "appeals")]
    labels = {**APPEAL_COLUMN_LABELS}
    problems: list[ReportProblem] = []
    for group in APPEAL_GROUPS:
        label = _group_label(group)
        if group not in table:
            message = zh_en(f"表四缺少「{label}」（{group}）", f"table 四 has no group {group}")
            problems.append(ReportProblem("shape", "四", group, label, "", "", None, None, message))
            continue
        counts, found = _counts("四", group, label, table[group], APPEAL_COLUMNS, labels)
        problems += found
        problems += _sum_rule("appeal_total", "四", group, label, "total", "总计", counts, APPEAL_PARTS)
    return problems


def _group_label(group: str) -> str:
    label = APPEAL_GROUP_LABELS[group]
    return label if group == AppealKind.RECONSIDERATION else f"行政诉讼·{label}"


def _check_previous(
    report: Mapping[str, object], previous: Mapping[str, object], layout: TableFormat
) -> list[ReportProblem]:
    """Check this year's 二、上年结转 against last year's 四、结转下年度, column by column."""
    problems: list[ReportProblem] = []
    year, last = report_year(report), report_year(previous) if isinstance(previous, Mapping) else None
    if year is not None and last is not None and last != year - 1:
        message = zh_en(
            f"上年报告是 {last} 年度的，而本报告是 {year} 年度的，应为 {year - 1} 年度",
            f"the previous report is for {last}, not {year - 1}, the year before {year}",
        )
        return [_whole("previous_year", message, "year", year, last)]
    before = previous.get("applications") if isinstance(previous, Mapping) else None
    carried_out = before.get("carried_out") if isinstance(before, Mapping) else None
    label_out = ROW_LABELS["carried_out"][2]
    if not isinstance(carried_out, Mapping):
        message = zh_en(f"上年报告缺少表三「{label_out}」行", "the previous report has no table 三 row carried_out")
        return [ReportProblem("shape", "三", "carried_out", label_out, "", "", None, None, message)]
    applications = report.get("applications")
    carried_in = applications.get("carried_in") if isinstance(applications, Mapping) else None
    if not isinstance(carried_in, Mapping):
        return []  # already a problem of this report's shape
    for column in APPLICANT_COLUMNS:
        now, then = carried_in.get(column), carried_out.get(column)
        if type(then) is not int or then < 0:
            message = zh_en(
                f"上年报告表三「{label_out}」行「{column_label(column)}」列：{_shown(then)} 不是非负整数",
                f"previous report, table 三 row carried_out, column {column}: {_shown(then)} not a whole number ≥ 0",
            )
            problems.append(
                ReportProblem(
                    "shape", "三", "carried_out", label_out, column, column_label(column), _cell(then), None, message
                )
            )
        elif type(now) is int and now != then:
            message = zh_en(
                f"表三「{column_label(column)}」列：二、上年结转为 {now}，但上年报告的四、结转下年度继续办理为 {then}",
                f"table 三 column {column}: carried_in is {now}, but last year's carried_out is {then}",
            )
            problems.append(
                ReportProblem(
                    "carried_in",
                    "三",
                    "carried_in",
                    row_label("carried_in", layout),
                    column,
                    column_label(column),
                    now,
                    then,
                    message,
                )
            )
    return problems
