"""An agency's deadlines of docs/deadlines.md: the monthly filings (local rule) and annual reports (条例 第四十九条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from domain.calendar import WorkingCalendar
from domain.deadlines import Deadline, DeadlineKind, DeadlineRules, after_working_days, build_deadline, sort_deadlines
from domain.values import month_bounds, month_of

if TYPE_CHECKING:
    from domain.agency import Agency
    from domain.filing import FiledMonth


def _months(first: dt.date, last: dt.date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def agency_deadlines(
    first_event_date: dt.date | None,
    filed_months: AbstractSet[str],
    published_years: AbstractSet[int],
    as_of: dt.date,
    rules: DeadlineRules,
    calendar: WorkingCalendar,
) -> list[Deadline]:
    """Return the monthly filings and annual reports not yet handed in (local rule; 条例 第四十九条).

    `filed_months` and `published_years` are those recorded on or before `as_of`.
    """
    if first_event_date is None or first_event_date > as_of:
        return []
    last_month = month_bounds(month_of(as_of))[0] - dt.timedelta(days=1)
    deadlines = [
        monthly_filing_deadline(month, as_of, rules, calendar)
        for month in _months(first_event_date, last_month)
        if month not in filed_months
    ]
    deadlines += [
        annual_report_deadline(year, as_of)
        for year in range(first_event_date.year, as_of.year)
        if year not in published_years
    ]
    return sort_deadlines(deadlines)


def monthly_filing_deadline(month: str, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar) -> Deadline:
    """Return the due date of a month's two tables: the filing day of the next month (local rule)."""

    def compute(steps: list[str]) -> dt.date:
        day = month_bounds(month)[1] + dt.timedelta(days=rules.filing_day_of_month)
        steps.append(f"{month} 汇总表、复议（诉讼）表，于次月 {rules.filing_day_of_month} 日前报送 → {day}（本地规定）")
        if rules.filing_day_moves_on_holiday and not calendar.is_working_day(day):
            day = calendar.next_working_day_on_or_after(day)
            steps.append(f"当日不是工作日，顺延 → {day}")
        return day

    return build_deadline(DeadlineKind.MONTHLY_FILING, compute, as_of, month=month)


def annual_report_deadline(year: int, as_of: dt.date) -> Deadline:
    """Return the due date of a year's annual report: 31 January of the next year (条例 第四十九条)."""

    def compute(steps: list[str]) -> dt.date:
        due = dt.date(year + 1, 1, 31)
        steps.append(f"{year} 年度政府信息公开工作年度报告，于次年 1 月 31 日前公布 → {due}（条例 第四十九条）")
        return due

    return build_deadline(DeadlineKind.ANNUAL_REPORT, compute, as_of, year=year)


def filings_as_of(history: Iterable[Agency.Event], as_of: dt.date) -> dict[str, FiledMonth]:
    """Return what the agency had filed of each month, and any change since, counting events dated by `as_of`."""
    from domain.agency import Agency

    scratch = Agency.__new__(Agency)  # a state to fold into, not an aggregate to save
    scratch.__init__()  # type: ignore[misc]
    for event in history:
        if event.date <= as_of:
            event.apply(scratch)
    return scratch.filings


def amendment_deadlines(
    filings: Mapping[str, FiledMonth],
    differing: AbstractSet[str],
    as_of: dt.date,
    rules: DeadlineRules,
    calendar: WorkingCalendar,
) -> list[Deadline]:
    """Return the re-filing of each filed month changed since its last filing (local rule, docs/tables.md).

    `differing`: the months whose figures now differ from their last filing (`domain.filing:compare_filing`); a
    change undone since needs no re-filing.
    """
    found = []
    for month, filed in sorted(filings.items()):
        changed_on = filed.changed_on
        if changed_on is None or month not in differing:
            continue

        def compute(steps: list[str], month: str = month, changed_on: dt.date = changed_on) -> dt.date:
            steps.append(f"{changed_on} 记录的变动改变了已报送的 {month} 月报数据，须更正重报（本地规定）")
            days = rules.filing_amendment_working_days
            return after_working_days(calendar, steps, changed_on, days, "变动记录之日起")

        found.append(build_deadline(DeadlineKind.MONTHLY_FILING_AMENDMENT, compute, as_of, month=month))
    return found
