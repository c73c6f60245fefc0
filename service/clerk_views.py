"""What a clerk looks at: one application (or appeal case) as `show` prints it, and the open ones as `list` does.

Both are read on the fly from the histories, the local deadline rules and the store's working-day calendar, so a
late 报备 or an overdue step shows at once. The JSON shapes are docs/command-line.md's (`show`) and extend freely.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.appeal import AppealCase, case_id
from domain.calendar import WorkingCalendar
from domain.deadlines import Deadline, DeadlineKind, DeadlineRules
from domain.errors import CalendarYearUnknown, UnknownRequestError
from domain.event import DomainEvent
from domain.registration import Registration, registration
from domain.request import Request, request_id
from domain.request_deadlines import request_deadlines
from service.settings import SHANGHAI

if TYPE_CHECKING:
    from service.tracker import Tracker

# The deadlines counted in calendar days; every other one counts working days (docs/deadlines.md).
CALENDAR_DAY_KINDS = frozenset({DeadlineKind.CORRECTION_PERIOD, DeadlineKind.LITIGATION_DEFENCE})
STATE_WORDS = {
    "open": "办理中",
    "awaiting_correction": "待补正",
    "consulting": "征求意见中",
    "awaiting_fee": "待缴费",
    "extended": "已延期",
    "answered": "已答复",
    "withdrawn": "已撤回",
    "voided": "已作废",
}
UNREGISTERED = "待报备"


def deadline_rules() -> DeadlineRules:
    """Return the local deadline rules of the settings file and variables (`[deadlines]`)."""
    from service.notify_settings import load_scheduler_settings
    from service.settings import default_settings_file, scheduler_environment

    return load_scheduler_settings(scheduler_environment(), default_settings_file()).rules


def recorded_at(timestamp: dt.datetime) -> str:
    """Return when an event was recorded, in Asia/Shanghai (stored timestamps are UTC)."""
    aware = timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=dt.UTC)
    return aware.astimezone(SHANGHAI).isoformat(timespec="seconds")


def state_code(request: Request) -> str:
    """Return the request's state, with `extended` for an open request whose reply time was extended."""
    code = request.state
    return "extended" if code == "open" and request.extended is not None else code


def state_words(request: Request, reg: Registration | None = None) -> list[str]:
    """Return the request's state in the clerk's words, with 待报备 while 报备 is missing, and a late 报备."""
    words = [STATE_WORDS[state_code(request)]]
    late = f"逾期{reg.late_working_days}个工作日" if reg is not None and reg.late else ""
    if request.registered is None and request.voided is None:
        words.append(f"{UNREGISTERED}（已{late}）" if late else UNREGISTERED)
    elif late:
        words.append(f"报备{late}")
    return words


@dataclass(frozen=True)
class NextDeadline:
    """The deadline a clerk must meet next, and how many days are left (negative: overdue by)."""

    deadline: Deadline
    days_left: int | None  # None while the calendar lacks a year
    working_days: bool

    def to_json(self) -> dict[str, object]:
        """Return the `next_deadline` object of `list --format json`."""
        d = self.deadline
        return {
            "kind": d.kind.value,
            "due": d.due.isoformat() if d.due else None,
            "overdue": d.overdue,
            "paused": d.paused,
            "days_left": self.days_left,
            "days_unit": "working" if self.working_days else "calendar",
        }

    def words(self) -> str:
        """Return days left as a clerk reads them: 剩3个工作日 / 已逾期2个工作日 / 剩5个自然日."""
        if self.days_left is None:
            return "日期未定（缺少日历年份） / undetermined (calendar year missing)"
        unit = "个工作日" if self.working_days else "个自然日"
        if self.deadline.paused:
            return "暂停计时 / paused"
        if self.days_left < 0 or self.deadline.overdue:
            return f"已逾期{abs(self.days_left)}{unit}"
        return "今日到期" if self.days_left == 0 else f"剩{self.days_left}{unit}"


def next_deadline(deadlines: list[Deadline], as_of: dt.date, calendar: WorkingCalendar) -> NextDeadline | None:
    """Return the earliest deadline that runs (a paused reply only when nothing else is open)."""
    running = [d for d in deadlines if not d.paused and d.due is not None]
    chosen = running[0] if running else (deadlines[0] if deadlines else None)
    if chosen is None:
        return None
    working = chosen.kind not in CALENDAR_DAY_KINDS
    if chosen.due is None:
        return NextDeadline(chosen, None, working)
    try:
        if working:
            ahead = calendar.working_days_between(as_of, chosen.due)
            behind = calendar.working_days_between(chosen.due, as_of)
            days = ahead if chosen.due >= as_of else -max(1, behind)
        else:
            days = (chosen.due - as_of).days
    except CalendarYearUnknown:
        return NextDeadline(chosen, None, working)
    return NextDeadline(chosen, days, working)


@dataclass(frozen=True)
class OpenApplication:
    """One row of `list`: an application still open, or answered but not yet reported (报备)."""

    request: Request
    registration: Registration
    next: NextDeadline | None

    @property
    def overdue(self) -> bool:
        """Tell whether its next deadline (or its 报备) is overdue."""
        return bool(self.next and self.next.deadline.overdue) or (
            self.registration.registered is None and self.registration.late
        )

    def sort_key(self) -> tuple[bool, dt.date, str]:
        """Order overdue first, then by the next deadline, then by number."""
        due = self.next.deadline.due if self.next and self.next.deadline.due else dt.date.max
        return (not self.overdue, due, self.request.number)

    def to_json(self) -> dict[str, object]:
        """Return the object of `list --format json`."""
        r, reg = self.request, self.registration
        return {
            "request": r.number,
            "received": r.received.isoformat(),
            "applicant_type": str(r.applicant_type),
            "state": state_code(r),
            "state_words": state_words(r, reg),
            "registered": reg.registered.isoformat() if reg.registered else None,
            "registration_due": reg.due.isoformat() if reg.due else None,
            "registration_late": reg.late,
            "overdue": self.overdue,
            "next_deadline": self.next.to_json() if self.next else None,
        }


def open_applications(tracker: Tracker, as_of: dt.date) -> list[OpenApplication]:
    """Return the open applications (and the answered ones still awaiting 报备), overdue first."""
    from service.deadlines import working_calendar

    tracker.catch_up()
    rules, calendar = deadline_rules(), working_calendar(tracker.app)
    found: list[OpenApplication] = []
    for facts in tracker.view.requests(tracker.agency):
        if facts.voided or facts.received > as_of or (facts.closed is not None and facts.registered is not None):
            continue
        request = tracker.request(facts.number)
        if request.closed is not None and request.closed <= as_of and request.registered is not None:
            continue
        reg = registration(request, as_of, rules.registration_working_days, calendar)
        deadlines = request_deadlines(request, as_of, rules, calendar)
        found.append(OpenApplication(request, reg, next_deadline(deadlines, as_of, calendar)))
    return sorted(found, key=OpenApplication.sort_key)


def event_json(event: DomainEvent) -> dict[str, object]:
    """Return one event of a history as `show --format json` lists it."""
    return {
        "event": event.name,
        "date": event.date.isoformat(),
        **{k: v for k, v in event.business_fields().items() if v is not None},
        "clerk": event.clerk,
        "recorded_at": recorded_at(event.timestamp),
    }


@dataclass(frozen=True)
class RequestView:
    """An application as `show` presents it: its history, its cases, its 报备."""

    request: Request
    cases: list[AppealCase]
    registration: Registration
    agency_code: str  # as a reader sees it: the real code ("" for the placeholder)

    def events(self) -> list[DomainEvent]:
        """Return the application's and its cases' events, oldest first (same date: in recorded order)."""
        merged = [*self.request.history, *(e for case in self.cases for e in case.history)]
        return sorted(merged, key=lambda e: (e.date, e.timestamp))

    def to_json(self) -> dict[str, object]:
        """Return the object of `show REQ --format json` (docs/command-line.md)."""
        r, reg = self.request, self.registration
        return {
            "request": r.number,
            "agency_code": self.agency_code,
            "state": state_code(r),
            "state_words": state_words(r, reg),
            "received": r.received.isoformat(),
            "registered": reg.registered.isoformat() if reg.registered else None,
            "registration_due": reg.due.isoformat() if reg.due else None,
            "registration_late": reg.late,
            "registration_late_working_days": reg.late_working_days,
            "cases": [c.number for c in self.cases],
            "events": [event_json(e) for e in self.events()],
        }


def request_view(tracker: Tracker, number: str) -> RequestView:
    """Return an application with its cases and whether its 报备 was (or is) late, as of today."""
    from service.deadlines import working_calendar

    request = tracker.request(number)
    calendar = working_calendar(tracker.app)
    reg = registration(request, tracker.settings.today, deadline_rules().registration_working_days, calendar)
    return RequestView(request, tracker.cases_of(number), reg, tracker.display_code(request.agency))


@dataclass(frozen=True)
class CaseView:
    """An appeal case as `show CASE` presents it: its events and the application(s) it concerns."""

    case: AppealCase
    requests: list[Request]
    agency_code: str

    def result(self) -> str | None:
        """Return the latest decision's result code, None while pending."""
        return str(self.case.decisions[-1][1]) if self.case.decisions else None

    def to_json(self) -> dict[str, object]:
        """Return the object of `show CASE --format json`."""
        c = self.case
        return {
            "case": c.number,
            "agency_code": self.agency_code,
            "kind": str(c.kind),
            "body": getattr(c, "body", None),
            "procedure": str(c.procedure) if c.procedure else None,
            "appealed": c.appealed.isoformat(),
            "responded": c.responded.isoformat() if c.responded else None,
            "result": self.result(),
            "decided": c.decisions[-1][0].isoformat() if c.decisions else None,
            "requests": [r.number for r in self.requests],
            "events": [event_json(e) for e in sorted(c.history, key=lambda e: (e.date, e.timestamp))],
        }


def find_case(tracker: Tracker, number: str) -> CaseView | None:
    """Return the appeal case with this number, or None when the agency has none."""
    from service.deadlines import load

    case = load(tracker.app, case_id(tracker.agency, number))
    if not isinstance(case, AppealCase):
        return None
    request = load(tracker.app, request_id(tracker.agency, case.request))
    return CaseView(case, [request] if isinstance(request, Request) else [], tracker.display_code(case.agency))


def show_target(tracker: Tracker, number: str) -> RequestView | CaseView:
    """Return the application with this number, else the appeal case; refuse when there is neither."""
    try:
        return request_view(tracker, number)
    except UnknownRequestError:
        found = find_case(tracker, number)
        if found is None:
            raise UnknownRequestError(
                f"申请 {number}",
                "没有这个受理编号或案号 / no application or case with this number",
                "请核对编号；`gongkai list` 列出在办申请 / check the number; `gongkai list` lists the open ones",
                "request",
            ) from None
        return found
