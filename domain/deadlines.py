"""What a deadline of docs/deadlines.md is: its kinds, the counting settings, how it is built, shown and ordered (pure).

The deadlines themselves: a request's in domain/request_deadlines.py (its reply clock in domain/reply_clock.py),
an agency's filings and reports in domain/agency_deadlines.py, an appeal case's in domain/case_deadlines.py.
Each takes the as-of date: only events dated on or before it count, and a deadline is overdue when it falls
before it. Every `Deadline` explains itself in Chinese, step by step (`steps`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from domain.calendar import WorkingCalendar
from domain.errors import CalendarYearUnknown


class DeadlineKind(StrEnum):
    """The `kind` codes of the `due` output (docs/deadlines.md, a contract)."""

    REGISTRATION = "registration"
    CORRECTION_NOTICE = "correction_notice"
    CORRECTION_PERIOD = "correction_period"
    REPLY = "reply"
    CONSULTATION_REPLY = "consultation_reply"
    FEE_PAYMENT = "fee_payment"
    MONTHLY_FILING = "monthly_filing"
    MONTHLY_FILING_AMENDMENT = "monthly_filing_amendment"
    ANNUAL_REPORT = "annual_report"
    RECONSIDERATION_REPLY = "reconsideration_reply"
    LITIGATION_DEFENCE = "litigation_defence"


KIND_LABELS: dict[DeadlineKind, str] = {
    DeadlineKind.REGISTRATION: "报备期限",
    DeadlineKind.CORRECTION_NOTICE: "补正告知期限",
    DeadlineKind.CORRECTION_PERIOD: "补正期限",
    DeadlineKind.REPLY: "答复期限",
    DeadlineKind.CONSULTATION_REPLY: "征求意见答复期限",
    DeadlineKind.FEE_PAYMENT: "缴费期限",
    DeadlineKind.MONTHLY_FILING: "月度报送期限",
    DeadlineKind.MONTHLY_FILING_AMENDMENT: "月报更正重报期限",
    DeadlineKind.ANNUAL_REPORT: "年度报告发布期限",
    DeadlineKind.RECONSIDERATION_REPLY: "行政复议答复期限",
    DeadlineKind.LITIGATION_DEFENCE: "行政诉讼答辩期限",
}


@dataclass(frozen=True)
class DeadlineRules:
    """The counting settings; the defaults are the seed agency's rules and the statutes (docs/deadlines.md)."""

    registration_working_days: int = 2
    filing_day_of_month: int = 2
    filing_day_moves_on_holiday: bool = False
    filing_amendment_working_days: int = 2
    fee_wait_pauses_reply: bool = True
    correction_notice_working_days: int = 7
    reply_working_days: int = 20
    consultation_working_days: int = 15
    fee_payment_working_days: int = 20
    reconsideration_working_days: int = 10
    reconsideration_simplified_working_days: int = 5
    litigation_calendar_days: int = 15

    def __post_init__(self) -> None:
        if not 1 <= self.filing_day_of_month <= 28:
            raise ValueError(f"filing_day_of_month must be 1–28 (every month has it), not {self.filing_day_of_month}")
        for name, value in vars(self).items():
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise ValueError(f"{name} must not be negative, not {value}")


@dataclass(frozen=True)
class Deadline:
    """One open deadline: what is due, for which request, case, month or year, when, and why."""

    kind: DeadlineKind
    due: dt.date | None  # None when a calendar year is missing
    request: str | None = None
    case: str | None = None
    month: str | None = None
    year: int | None = None
    overdue: bool = False
    paused: bool = False
    calendar_missing: int | None = None
    steps: list[str] = field(default_factory=list, hash=False)

    @property
    def subject(self) -> str:
        """Return the application number, case number, month or year the deadline belongs to."""
        return self.request or self.case or self.month or (str(self.year) if self.year is not None else "")


def deadline_to_json(deadline: Deadline) -> dict[str, object]:
    """Return the contract object of `due --format json` (docs/deadlines.md)."""
    data: dict[str, object] = {}
    if deadline.month is not None:
        data["month"] = deadline.month
    elif deadline.year is not None:
        data["year"] = deadline.year
    elif deadline.case is not None:
        data["case"] = deadline.case
    else:
        data["request"] = deadline.request
    data["kind"] = deadline.kind.value
    data["due"] = deadline.due.isoformat() if deadline.due is not None else None
    data["overdue"] = deadline.overdue
    if deadline.paused:
        data["paused"] = True
    if deadline.calendar_missing is not None:
        data["calendar_missing"] = deadline.calendar_missing
    return data


def deadline_sort_key(deadline: Deadline) -> tuple[bool, dt.date, str, str]:
    """Order by due date (unknown dates last), then kind, then subject."""
    return (deadline.due is None, deadline.due or dt.date.max, deadline.kind.value, deadline.subject)


def sort_deadlines(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """Return the deadlines in the order of the `due` output."""
    return sorted(deadlines, key=deadline_sort_key)


# -- building a deadline ---------------------------------------------------------------------------

Compute = Callable[[list[str]], dt.date]


def build_deadline(
    kind: DeadlineKind,
    compute: Compute,
    as_of: dt.date,
    *,
    request: str | None = None,
    case: str | None = None,
    month: str | None = None,
    year: int | None = None,
    paused: bool = False,
    advisory: bool = False,
) -> Deadline:
    """Run a computation that writes its steps; an unknown calendar year leaves the date unknown."""
    steps: list[str] = []
    try:
        due = compute(steps)
    except CalendarYearUnknown as missing:
        steps.append(
            f"缺少 {missing.year} 年的工作日安排（国务院办公厅节假日通知），无法计算日期；"
            f"请添加：gongkai calendar add {missing.year} --holidays … --workdays … --source …"
        )
        return Deadline(
            kind, None, request, case, month, year, paused=paused, calendar_missing=missing.year, steps=steps
        )
    steps.append(f"{KIND_LABELS[kind]} {due}")
    overdue = not advisory and due < as_of
    return Deadline(kind, due, request, case, month, year, overdue=overdue, paused=paused, steps=steps)


def after_working_days(calendar: WorkingCalendar, steps: list[str], start: dt.date, n: int, basis: str) -> dt.date:
    due = calendar.add_working_days(start, n)
    steps.append(f"+{n} 个工作日 → {due}（{basis}）")
    return due
