"""Plan reminders from deadlines (pure): which reminder is current, when the next one falls, whether to send.

A deadline due on D is reminded, at the reminder time of day (Asia/Shanghai), on the working days
`before_working_days` before D (`before_3`, `before_1`), on D (`due`), and every working day after D while it
stays open (`overdue_1`, `overdue_2`, …); a monthly filing also on the 1st of the month it is due in
(`month_start`). A deadline whose date needs a calendar year nobody has added is reminded once
(`calendar_missing`). A paused reply deadline is not reminded: its clock stands still. Only the latest
reminder whose time has come is sent: after an outage the clerk gets the current one, not a backlog.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from domain.calendar import WorkingCalendar
from domain.deadlines import KIND_LABELS, Deadline, DeadlineKind
from domain.errors import CalendarYearUnknown
from domain.reminders import Attempts, Status

CALENDAR_MISSING = "calendar_missing"
DUE = "due"
MONTH_START = "month_start"


@dataclass(frozen=True)
class Policy:
    """When reminders fall and how failed ones are retried (see service.notify_settings)."""

    before_working_days: tuple[int, ...] = (3, 1)
    time: dt.time = dt.time(9, 0)
    retry_seconds: float = 300.0
    retry_max_seconds: float = 3600.0
    lease_seconds: float = 900.0
    # Overdue reminders one sweep sends at most; the rest are summed up in one log line (a store with years of
    # overdue filings must not flood the office with hundreds of messages at once).
    max_overdue_per_sweep: int = 20


def deadline_key(deadline: Deadline) -> str:
    """Return the key of a deadline: its kind, subject and due date (a moved deadline is a new one)."""
    when = deadline.due.isoformat() if deadline.due else f"missing-{deadline.calendar_missing}"
    return f"{deadline.kind.value}:{deadline.subject}:{when}"


def reminder_day(now: dt.datetime, policy: Policy) -> dt.date:
    """Return the latest day whose reminder time has come (yesterday before the time, today after it)."""
    day = now.date()
    return day if now.time() >= policy.time else day - dt.timedelta(days=1)


def reminder_time(day: dt.date, policy: Policy, tz: dt.tzinfo) -> dt.datetime:
    """Return the moment a day's reminders go out."""
    return dt.datetime.combine(day, policy.time, tzinfo=tz)


def _early_points(
    deadline: Deadline, due: dt.date, calendar: WorkingCalendar, policy: Policy
) -> list[tuple[dt.date, str]]:
    points: list[tuple[dt.date, str]] = []
    for n in policy.before_working_days:
        try:
            points.append((calendar.subtract_working_days(due, n), f"before_{n}"))
        except CalendarYearUnknown:
            continue  # an earlier point in an unknown year is skipped, never guessed
    if deadline.kind is DeadlineKind.MONTHLY_FILING and due.day > 1:
        points.append((due.replace(day=1), MONTH_START))
    return sorted(points)


def current_offset(deadline: Deadline, day: dt.date, calendar: WorkingCalendar, policy: Policy) -> str | None:
    """Return the latest reminder of a deadline whose day is on or before `day`, or None."""
    if deadline.paused:
        return None
    if deadline.due is None:
        return CALENDAR_MISSING
    due = deadline.due
    if day < due:
        earlier = [(point, offset) for point, offset in _early_points(deadline, due, calendar, policy) if point <= day]
        return earlier[-1][1] if earlier else None
    try:
        overdue = calendar.working_days_between(due, day)
    except CalendarYearUnknown:
        return "overdue"
    return f"overdue_{overdue}" if overdue else DUE


def next_reminder_day(deadline: Deadline, day: dt.date, calendar: WorkingCalendar, policy: Policy) -> dt.date | None:
    """Return the first reminder day of a deadline after `day`, or None when there is none to plan."""
    if deadline.paused or deadline.due is None:
        return None
    due = deadline.due
    later = [point for point, _ in _early_points(deadline, due, calendar, policy) if point > day]
    if due > day:
        later.append(due)
    else:
        with contextlib.suppress(CalendarYearUnknown):  # the next overdue day is planned once its year is added
            later.append(calendar.add_working_days(day, 1))
    return min(later, default=None)


@dataclass(frozen=True)
class Decision:
    """Whether to send a reminder through a channel now, else when to look again (None: never)."""

    send: bool
    again: dt.datetime | None = None


def decide(attempts: Attempts | None, now: dt.datetime, policy: Policy) -> Decision:
    """Send a new reminder; never a sent one; a failed one after its back-off; a stale claim after its lease."""
    if attempts is None or attempts.status is Status.NEW:
        return Decision(True)
    if attempts.status is Status.SENT or attempts.at is None:
        return Decision(False)
    if attempts.status is Status.SENDING:
        wait = policy.lease_seconds
    else:
        wait = min(policy.retry_seconds * 2 ** max(attempts.failures - 1, 0), policy.retry_max_seconds)
    again = attempts.at + dt.timedelta(seconds=wait)
    return Decision(True) if now >= again else Decision(False, again)


# -- the message -------------------------------------------------------------------------------------


def subject_label(deadline: Deadline) -> str:
    """Return what a deadline belongs to, in Chinese."""
    if deadline.request:
        return f"申请 {deadline.request}"
    if deadline.case:
        return f"案件 {deadline.case}"
    if deadline.month:
        return deadline.month
    return str(deadline.year)


def urgency(deadline: Deadline, day: dt.date, calendar: WorkingCalendar) -> str:
    """Return how near a deadline is, in Chinese: left, due today, overdue, or its date unknown."""
    due = deadline.due
    if due is None:
        return f"缺少 {deadline.calendar_missing} 年工作日安排，无法计算期限"
    try:
        if day < due:
            return f"还剩 {calendar.working_days_between(day, due)} 个工作日（{due} 到期）"
        if day == due:
            return f"今日到期（{due}）"
        return f"已逾期 {calendar.working_days_between(due, day)} 个工作日（{due} 到期）"
    except CalendarYearUnknown:
        return f"{due} 到期" if day <= due else f"已逾期（{due} 到期）"


def message_text(deadline: Deadline, agency: str, agency_name: str, day: dt.date, calendar: WorkingCalendar) -> str:
    """Return the body of a reminder: who, what, when, and how the date was computed."""
    lines = [
        f"机关：{agency_name}（{agency}）" if agency else f"机关：{agency_name}",
        f"事项：{subject_label(deadline)} · {KIND_LABELS[deadline.kind]}",
        f"状态：{urgency(deadline, day, calendar)}",
        "计算过程：",
        *(f"  {n}. {step}" for n, step in enumerate(deadline.steps, start=1)),
    ]
    if deadline.request:
        lines.append(f"详情：gongkai status {deadline.request}")
    return "\n".join(lines)
