"""Whether an application's 报备 came on time: the registration deadline of docs/deadlines.md, looked at afterwards.

`due` lists the 报备 deadline while it is open; once 报备 is recorded the deadline closes, and what a clerk
(and the 政务公开科) still needs to see is whether it came late, and by how many working days. Pure: the
calendar, the rule and the as-of date are arguments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.calendar import WorkingCalendar
from domain.errors import CalendarYearUnknown
from domain.request import Request


@dataclass(frozen=True)
class Registration:
    """An application's 报备: when it was due, when it came (None: not yet), and how late."""

    due: dt.date | None  # None while the calendar lacks a year (never guessed)
    registered: dt.date | None
    late_working_days: int  # 0 when on time (or not yet due)
    calendar_missing: int | None = None

    @property
    def late(self) -> bool:
        """Tell whether 报备 came, or is still missing, after its deadline."""
        return self.late_working_days > 0

    def words(self) -> str:
        """Return the 汇总表's 报备 cell: the date and whether it was on time (e.g. 2026-09-24（逾期1个工作日）)."""
        if self.registered is None:
            return f"未报备（已逾期{self.late_working_days}个工作日）" if self.late else ""
        if self.late:
            return f"{self.registered}（逾期{self.late_working_days}个工作日）"
        return f"{self.registered}（按期）" if self.due is not None else self.registered.isoformat()


def registration(request: Request, as_of: dt.date, working_days: int, calendar: WorkingCalendar) -> Registration:
    """Return the 报备 of an application as of a date: due `working_days` after receipt (local rule, seed: 2)."""
    registered = request.registered if request.registered is not None and request.registered <= as_of else None
    try:
        due = calendar.add_working_days(request.received, working_days)
        end = registered or as_of
        # A day past the deadline is late even when it is a rest day (then counted as one working day).
        late = max(1, calendar.working_days_between(due, end)) if end > due else 0
    except CalendarYearUnknown as missing:
        return Registration(None, registered, 0, missing.year)
    return Registration(due, registered, late)
