"""Report JSON files from outside (`check-report`, `import-report`) and last year's tables (docs/report-checks.md).

An office that starts on gongkai mid-stream imports last year's published tables; `previous_year_tables` then finds
last year's figures for the cross-year rule and the year-on-year sentence, in this order: a closed year's kept
report; the tables computed from the store's events, when the store holds that year's history; the imported
report; else None.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.codes import TableFormat
from domain.errors import InvalidInputError, Problem
from domain.imported_reports import ImportedReport
from domain.lines import LineError, parse_object
from domain.messages import Message, zh_en
from domain.report_checks import (
    APPEAL_COLUMNS,
    APPEAL_GROUPS,
    APPLICANT_COLUMNS,
    ReportProblem,
    check_report,
    report_layout,
    report_year,
    table3_rows,
)

if TYPE_CHECKING:
    from service.reports import Reports
    from service.tracker import Tracker

Report = Mapping[str, object]


class BrokenReportError(InvalidInputError):
    """A report breaks a rule of tables 三 and 四: one problem per broken rule, each naming row, column, both sides."""

    def __init__(self, problems: list[ReportProblem]) -> None:
        self.report_problems = problems
        super().__init__([Problem(None, None, problem.message) for problem in problems])


def read_report(path: str) -> Report:
    """Return the JSON object a file (`-`: stdin) holds (UTF-8, a BOM ignored), or raise InvalidInputError why not."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as stream:
                data = stream.read()
    except OSError as error:
        raise _unreadable(path, f"无法读取文件（{error.strerror}）", f"cannot be read ({error.strerror})") from None
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _unreadable(path, "不是 UTF-8 文本", "is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        where = f"第 {error.lineno} 行第 {error.colno} 列"
        raise _unreadable(
            path, f"不是 JSON：{where}，{error.msg}", f"is not JSON: line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise _unreadable(path, "JSON 嵌套过深", "JSON nested too deep") from None
    if not isinstance(parsed, dict):
        raise _unreadable(path, "应为一个 JSON 对象（报告）", f"must hold one JSON object, not {type(parsed).__name__}")
    return parsed


def _unreadable(path: str, zh: str, en: str) -> InvalidInputError:
    return InvalidInputError([Problem(None, None, zh_en(f"{path}：{zh}", f"{path}: {en}"))])


def kept_tables(report: Report) -> dict[str, object]:
    """Return the report's year, layout, tables 三 and 四 (the rows and columns of its layout) and fees."""
    layout = report_layout(report) or TableFormat.F2021
    applications, appeals = report["applications"], report["appeals"]
    assert isinstance(applications, Mapping) and isinstance(appeals, Mapping)  # check_report said so
    kept: dict[str, object] = {
        "year": report["year"],
        "format": layout.value,
        "applications": {row: _columns(applications[row], APPLICANT_COLUMNS) for row in table3_rows(layout)},
        "appeals": {group: _columns(appeals[group], APPEAL_COLUMNS) for group in APPEAL_GROUPS},
    }
    if report.get("fees_collected") is not None:
        kept["fees_collected"] = report["fees_collected"]
    return kept


def _columns(values: object, columns: tuple[str, ...]) -> dict[str, object]:
    assert isinstance(values, Mapping)
    return {column: values[column] for column in columns}


@dataclass(frozen=True)
class ImportOutcome:
    """What `import-report` did: recorded (or already recorded), and the import it replaced, if any."""

    year: int
    recorded: bool
    replaced: ImportedReport | None
    tables: Mapping[str, object]


def import_report(tracker: Tracker, report: Report, *, source: str, date: dt.date) -> ImportOutcome:
    """Record a previous year's published tables, checked first; the same tables again are already recorded."""
    year = report_year(report)
    if year is None:
        reason = zh_en("报告缺少年度（year，整数），无法导入", "the report has no year (a whole number)")
        raise InvalidInputError([Problem(None, None, reason)])
    problems = check_report(report)
    if problems:
        raise BrokenReportError(problems)
    tables = kept_tables(report)
    earlier = tracker.imported_reports().get(year)
    if earlier is not None and earlier.same_tables(tables):
        return ImportOutcome(year, False, None, tables)
    line = {"event": "previous_report_imported", **tables, "source": source, "date": date.isoformat()}
    try:
        parsed = parse_object(line)
    except LineError as error:  # a value the tables' rules leave open: the year's range, the fees' form
        raise InvalidInputError([Problem(None, None, _in_report(error.field, error.reason))]) from None
    tracker.record([(1, parsed)])
    return ImportOutcome(year, True, earlier, tables)


def _in_report(field: str, reason: str) -> str:
    """Return a field's problem as a problem of the report file (its key, not an option of the command)."""
    if isinstance(reason, Message):
        return zh_en(f"报告的 {field}：{reason.zh}", f"the report's {field}: {reason.en}")
    return f"报告的 {field} / the report's {field}: {reason}"


def holds_history(reports: Reports, year: int) -> bool:
    """Tell whether the store holds a year's history: an application received or a case appealed by its end,
    and no report imported for that year or a later one (an import says the office began on gongkai after it)."""
    if any(imported >= year for imported in reports.imported_reports()):
        return False
    reports.catch_up()
    code, last_month = reports.agency, f"{year}-12"
    if any(row == "new" and month <= last_month for month, row, _ in reports.view.month_counts(code)):
        return True
    return any(case.appealed <= dt.date(year, 12, 31) for case in reports.view.cases(code))


def previous_year_tables(reports: Reports, year: int) -> dict[str, object] | None:
    """Return the tables of the year before `year` (a report JSON, `tables_from` saying whence), or None."""
    last = year - 1
    close = reports.year_close(last)
    if close is not None:
        return {**close.report, "tables_from": "closed_year"}
    if holds_history(reports, last):
        return {**reports.report(str(last)), "tables_from": "events"}
    imported = reports.imported_reports().get(last)
    if imported is not None:
        return {**imported.report, "tables_from": "imported_report"}
    return None
