"""The whole annual report of a year (`annual-report`): gather its parts, check them, build it (docs/annual-report.md).

The parts: the year's tables (a closed year's kept tables, with the close's hash), table 二 and the office's texts
(`service.report_inputs:annual_inputs`), and last year's tables (`service.previous_reports:previous_year_tables`:
a closed year's kept tables, else the events, else an imported report).
Before anything is built, the tables go through `domain.report_checks:check_report` with last year's tables for
the cross-year rule: a report that breaks a rule is refused, with every broken rule named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from domain.closing import YearClose, tables_hash
from domain.codes import TableFormat
from domain.errors import RefusedError
from domain.messages import zh_en
from domain.report_checks import ReportProblem, check_report, layout_warnings
from projections.annual_report import build_annual_report, missing_texts
from projections.render.rows import Report, table_format

if TYPE_CHECKING:
    from service.reports import Reports
    from service.tracker import Tracker


@dataclass(frozen=True)
class AnnualReport:
    """A checked whole report, and what the clerk should hear about it (on stderr)."""

    whole: Report
    warnings: list[str] = field(default_factory=list)


class BrokenReportError(RefusedError):
    """The year's tables break a rule of docs/report-checks.md: the report is not written."""

    def __init__(self, year: int, problems: list[ReportProblem]) -> None:
        lines = "\n".join(f"  {problem.message}" for problem in problems)
        super().__init__(
            f"{year} 年度报告",
            zh_en(
                f"表格不符合 {len(problems)} 条规则，不生成年度报告：\n{lines}\n",
                f"the tables break {len(problems)} rule(s) (above); no report was written",
            ),
            zh_en(
                "请先更正数据（gongkai correct；上年结转不符时，按实际日期补录上年未办结的申请，"
                "或用 import-report 更正上年报告），再生成",
                "correct the figures first (`gongkai correct`; for 上年结转, enter last year's open applications with "
                "their real dates, or correct last year's tables with `import-report`), then write the report again",
            ),
            "year",
        )
        self.problems = problems


def year_tables(reports: Reports, year: int) -> tuple[Report, YearClose | None]:
    """Return the year's tables: a closed year's kept ones (checked against its hash), else today's."""
    close = reports.year_close(year)
    if close is None:
        return reports.report(str(year)), None
    if tables_hash(close.report) != close.sha256:
        raise RefusedError(
            f"{year} 年度",
            zh_en(
                "结账时保存的表格与其 sha256 不符，存储可能被改动",
                "the tables kept by the close do not match its sha256: the store may have been edited",
            ),
            zh_en("请运行 gongkai verify", "run `gongkai verify`"),
            "year",
        )
    kept = dict(close.report)
    code = str(kept.get("agency_code", ""))
    kept["agency"] = reports.agency_name(code)
    kept["agency_code"] = reports.display_code(code)
    return kept, close


def check_tables(year: int, report: Report, previous: Report | None) -> list[str]:
    """Refuse tables that break a rule (BrokenReportError); return the warnings (a 2019 layout in a later year)."""
    problems = check_report(report, previous)
    if problems:
        raise BrokenReportError(year, problems)
    return [str(problem.message) for problem in layout_warnings(report)]


def assemble(
    year: int,
    report: Report,
    *,
    proactive: Report,
    texts: Mapping[str, str],
    previous: Report | None,
    close: YearClose | None,
) -> AnnualReport:
    """Check the year's tables (and last year's with them), then build the whole report."""
    warnings = check_tables(year, report, previous)
    whole = build_annual_report(report, proactive=proactive, texts=texts, previous=previous, close=close)
    missing = missing_texts(texts, table_format(report))
    if missing:
        warnings.append(
            zh_en(
                f"尚未记录正文：{'、'.join(missing)}（这些节只有从数据生成的句子或为空）",
                f"no text recorded yet for {len(missing)} section(s): only generated sentences or nothing",
            )
        )
    return AnnualReport(whole, warnings)


def annual_report(tracker: Tracker, year: int) -> AnnualReport:
    """Return the checked whole report of a year for the agency commands act for."""
    from domain.proactive import filled
    from service.previous_reports import previous_year_tables
    from service.report_inputs import annual_inputs

    report, close = year_tables(tracker, year)
    previous = previous_year_tables(tracker, year)
    inputs = annual_inputs(tracker, year)
    proactive = filled(TableFormat(str(report["format"])), inputs.proactive)
    texts = {section.value: text for section, text in inputs.texts.items()}
    done = assemble(year, report, proactive=proactive, texts=texts, previous=previous, close=close)
    today = tracker.settings.today
    if today <= dt.date(year, 12, 31):  # a draft: its figures are not yet the year's
        done.warnings.append(
            zh_en(
                f"{year} 年度尚未结束（今天是 {today}），报告中的数字还不是全年的",
                f"{year} has not ended (today is {today}): the figures are not yet the whole year's",
            )
        )
    if close is not None:
        from service.reports import closed_status

        status = closed_status(tracker, year)
        if status is not None and not status.equal:  # the report prints the kept tables; say that today's differ
            done.warnings.append(status.message())
    return done
