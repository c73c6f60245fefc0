"""The deadlines of DOMAIN.md §3, derived from histories (pure: every date, the calendar and the rules are arguments).

Each function takes the as-of date: only events dated on or before it count, and a deadline is overdue
when it falls before it. Every `Deadline` explains itself in Chinese, step by step (`steps`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from domain.appeal import AppealCase
from domain.calendar import WorkingCalendar
from domain.codes import AppealKind, Party, Procedure
from domain.errors import CalendarYearUnknown
from domain.labels import PARTY_LABELS
from domain.request import Request
from domain.values import month_bounds, month_of


class DeadlineKind(StrEnum):
    """The `kind` codes of the `due` output (DOMAIN.md §3, a contract)."""

    REGISTRATION = "registration"
    CORRECTION_NOTICE = "correction_notice"
    CORRECTION_PERIOD = "correction_period"
    REPLY = "reply"
    CONSULTATION_REPLY = "consultation_reply"
    FEE_PAYMENT = "fee_payment"
    MONTHLY_FILING = "monthly_filing"
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
    DeadlineKind.ANNUAL_REPORT: "年度报告发布期限",
    DeadlineKind.RECONSIDERATION_REPLY: "行政复议答复期限",
    DeadlineKind.LITIGATION_DEFENCE: "行政诉讼答辩期限",
}


@dataclass(frozen=True)
class DeadlineRules:
    """The counting settings; the defaults are the seed agency's rules and the statutes (DOMAIN.md §3)."""

    registration_working_days: int = 2
    filing_day_of_month: int = 2
    filing_day_moves_on_holiday: bool = False
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


def deadline_to_json(deadline: Deadline) -> dict[str, Any]:
    """Return the contract object of `due --format json` (DOMAIN.md §3)."""
    data: dict[str, Any] = {}
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

_Compute = Callable[[list[str]], dt.date]


def _deadline(
    kind: DeadlineKind,
    compute: _Compute,
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


def _after_working_days(calendar: WorkingCalendar, steps: list[str], start: dt.date, n: int, basis: str) -> dt.date:
    due = calendar.add_working_days(start, n)
    steps.append(f"+{n} 个工作日 → {due}（{basis}）")
    return due


# -- what a request's history says as of a date ----------------------------------------------------


@dataclass(frozen=True)
class _Pause:
    """The reply clock stands still in (start, end]."""

    start: dt.date
    end: dt.date
    reasons: tuple[str, ...]
    running: bool  # not over on the as-of date, which stands in for its end


@dataclass
class _Consultation:
    party: Party | None
    start: dt.date
    end: dt.date | None = None

    @property
    def label(self) -> str:
        return f"向{PARTY_LABELS[self.party]}征求意见" if self.party else "征求意见"


@dataclass
class _Fee:
    notified: dt.date
    served: dt.date
    paid: dt.date | None = None


@dataclass
class _Facts:
    """A request's state as of a date, with the dates the deadlines count from."""

    number: str
    received: dt.date
    received_corrected: dt.date | None = None  # the date of the `corrected` event that moved `received`
    registered: bool = False
    closed: bool = False
    voided: bool = False
    correction_requested: dt.date | None = None  # the latest 补正 request
    correction_until: dt.date | None = None
    awaiting_correction: bool = False
    correction_received: dt.date | None = None  # the latest 补正 received: the reply count restarts from it
    consultations: list[_Consultation] = field(default_factory=list)
    fees: list[_Fee] = field(default_factory=list)
    extension: tuple[dt.date, int] | None = None


def _end_consultation(facts: _Facts, party: Party | None, day: dt.date) -> None:
    # the same pairing as Request.open_consultation_index: the first open one that matches
    for consultation in facts.consultations:
        if consultation.end is None and (party is None or consultation.party in (party, None)):
            consultation.end = day
            return


def _pay_fee(facts: _Facts, day: dt.date) -> None:
    unpaid = next((fee for fee in facts.fees if fee.paid is None), None)
    if unpaid is not None:
        unpaid.paid = day


def _apply(facts: _Facts, event: Request.Event) -> None:
    match event:
        case Request.Registered():
            facts.registered = True
        case Request.CorrectionRequested():
            facts.correction_requested, facts.correction_until = event.date, event.until
            facts.awaiting_correction = True
        case Request.CorrectionReceived():
            facts.awaiting_correction, facts.correction_received = False, event.date
        case Request.ConsultationStarted():
            facts.consultations.append(_Consultation(event.party, event.date))
        case Request.ConsultationEnded():
            _end_consultation(facts, event.party, event.date)
        case Request.Extended():
            facts.extension = facts.extension or (event.date, event.days)
        case Request.FeeNotified():
            facts.fees.append(_Fee(event.date, event.served or event.date))
        case Request.FeePaid():
            _pay_fee(facts, event.date)
        case Request.Answered() | Request.Withdrawn():
            facts.closed = True
        case Request.Corrected() if event.received_date is not None:
            facts.received, facts.received_corrected = event.received_date, event.date
        case Request.Voided():
            facts.voided = True


def _facts(request: Request, as_of: dt.date) -> _Facts | None:
    """Fold the events dated on or before `as_of`; None if the request was not yet received then."""
    events = [event for event in request.history if event.date <= as_of]
    if not events:
        return None
    facts = _Facts(request.number, events[0].date)
    for event in events[1:]:
        _apply(facts, event)
    return facts


def _receipt_step(facts: _Facts) -> str:
    if facts.received_corrected is not None:
        return f"{facts.received} 收到申请（{facts.received_corrected} 更正的收到日期，条例 第三十一条）"
    return f"{facts.received} 收到申请"


# -- the request's deadlines -----------------------------------------------------------------------


def request_deadlines(
    request: Request, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> list[Deadline]:
    """Return a request's open deadlines as of a date (DOMAIN.md §3), in `due` order."""
    facts = _facts(request, as_of)
    if facts is None or facts.voided:
        return []
    deadlines: list[Deadline | None] = [_registration_deadline(facts, as_of, rules, calendar)]
    if not facts.closed:
        deadlines.append(_correction_notice_deadline(facts, as_of, rules, calendar))
        deadlines.append(_correction_period_deadline(facts, as_of))
        deadlines.append(_reply_deadline(facts, as_of, rules, calendar))
        deadlines.extend(_consultation_deadlines(facts, as_of, rules, calendar))
        deadlines.extend(_fee_deadlines(facts, as_of, rules, calendar))
    return sort_deadlines(d for d in deadlines if d is not None)


def _registration_deadline(
    facts: _Facts, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline | None:
    """Return the 报备 deadline until the request is registered, also after the answer (local rule)."""
    if facts.registered:
        return None

    def compute(steps: list[str]) -> dt.date:
        steps.append(_receipt_step(facts))
        return _after_working_days(calendar, steps, facts.received, rules.registration_working_days, "本地报备规定")

    return _deadline(DeadlineKind.REGISTRATION, compute, as_of, request=facts.number)


def _correction_notice_deadline(
    facts: _Facts, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline | None:
    """Return the advisory 补正 notice deadline until it passes or a 补正 is requested (条例 第三十条)."""
    if facts.correction_requested is not None:
        return None

    def compute(steps: list[str]) -> dt.date:
        steps.append(_receipt_step(facts))
        days = rules.correction_notice_working_days
        return _after_working_days(calendar, steps, facts.received, days, "条例 第三十条，一次性告知补正")

    deadline = _deadline(DeadlineKind.CORRECTION_NOTICE, compute, as_of, request=facts.number, advisory=True)
    if deadline.due is not None and deadline.due < as_of:
        return None
    return deadline


def _correction_period_deadline(facts: _Facts, as_of: dt.date) -> Deadline | None:
    """Return the 补正 period the agency set, until the corrected application arrives (条例 第三十条)."""
    until = facts.correction_until
    if not facts.awaiting_correction or until is None:
        return None

    def compute(steps: list[str]) -> dt.date:
        steps.append(f"{facts.correction_requested} 要求补正，补正期限 {until}（条例 第三十条）")
        steps.append("逾期不补正的，视为放弃申请（other_no_correction）")
        return until

    return _deadline(DeadlineKind.CORRECTION_PERIOD, compute, as_of, request=facts.number)


def _consultation_deadlines(
    facts: _Facts, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> list[Deadline]:
    """Return the reply deadline of each consultation still running (条例 第三十二、三十三条)."""
    return [
        _consultation_deadline(facts.number, consultation, as_of, rules, calendar)
        for consultation in facts.consultations
        if consultation.end is None
    ]


def _consultation_deadline(
    number: str, consultation: _Consultation, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline:
    def compute(steps: list[str]) -> dt.date:
        steps.append(f"{consultation.start} {consultation.label}")
        days = rules.consultation_working_days
        return _after_working_days(calendar, steps, consultation.start, days, "条例 第三十二条")

    return _deadline(DeadlineKind.CONSULTATION_REPLY, compute, as_of, request=number)


def _fee_deadlines(facts: _Facts, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar) -> list[Deadline]:
    """Return the payment deadline of each unpaid fee notice (国办函〔2020〕109号)."""
    return [_fee_deadline(facts.number, fee, as_of, rules, calendar) for fee in facts.fees if fee.paid is None]


def _fee_deadline(number: str, fee: _Fee, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar) -> Deadline:
    def compute(steps: list[str]) -> dt.date:
        served = f"，{fee.served} 送达" if fee.served != fee.notified else ""
        steps.append(f"{fee.notified} 发出收费通知{served}")
        days = rules.fee_payment_working_days
        due = _after_working_days(calendar, steps, fee.served, days, "国办函〔2020〕109号")
        steps.append("逾期未缴费的，视为放弃申请（other_fee_unpaid）")
        return due

    return _deadline(DeadlineKind.FEE_PAYMENT, compute, as_of, request=number)


# -- the reply deadline ----------------------------------------------------------------------------


def _pauses(facts: _Facts, rules: DeadlineRules, as_of: dt.date) -> list[_Pause]:
    """Return the clock stops of 条例 第三十三条 (and, by setting, the fee wait); a running one ends on `as_of`."""
    stops = [(c.start, c.end, c.label) for c in facts.consultations]
    if rules.fee_wait_pauses_reply:
        stops += [(fee.notified, fee.paid, "等待缴费") for fee in facts.fees]
    return [_Pause(start, end or as_of, (reason,), running=end is None) for start, end, reason in stops]


def _union(pauses: list[_Pause], start: dt.date) -> list[_Pause]:
    """Return the union of the intervals (pause start, pause end] that lie after `start`, in date order."""
    merged: list[_Pause] = []
    for pause in sorted(pauses, key=lambda p: p.start):
        pause = replace(pause, start=max(pause.start, start))
        if pause.end <= pause.start:
            continue
        if merged and pause.start <= merged[-1].end:
            last = merged[-1]
            reasons = last.reasons + tuple(r for r in pause.reasons if r not in last.reasons)
            merged[-1] = _Pause(last.start, max(last.end, pause.end), reasons, last.running or pause.running)
        else:
            merged.append(pause)
    return merged


def _reply_deadline(facts: _Facts, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar) -> Deadline:
    """Return the reply deadline: 20 working days, restarted by a 补正, paused, extended (条例 第三十、三十三条)."""
    if facts.awaiting_correction:
        compute, paused = _awaiting_correction(facts, as_of, rules, calendar), True
    else:
        compute = _running_reply(facts, as_of, rules, calendar)
        paused = any(pause.running for pause in _pauses(facts, rules, as_of))
    return _deadline(DeadlineKind.REPLY, compute, as_of, request=facts.number, paused=paused)


def _awaiting_correction(facts: _Facts, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar) -> _Compute:
    def compute(steps: list[str]) -> dt.date:
        steps.append(_receipt_step(facts))
        steps.append(f"{facts.correction_requested} 要求补正，尚未收到补正：暂停计时")
        steps.append(f"假定 {as_of} 收到补正后的申请，重新起算（条例 第三十条）")
        return _after_working_days(calendar, steps, as_of, rules.reply_working_days, "条例 第三十三条")

    return compute


def _running_reply(facts: _Facts, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar) -> _Compute:
    start = facts.correction_received or facts.received
    pauses = _union(_pauses(facts, rules, as_of), start)

    def compute(steps: list[str]) -> dt.date:
        steps.append(_receipt_step(facts))
        if facts.correction_received is not None:
            steps.append(f"{start} 收到补正后的申请，重新起算（条例 第三十条）")
        due = _after_working_days(calendar, steps, start, rules.reply_working_days, "条例 第三十三条")
        return _apply_clock_steps(facts, start, pauses, due, as_of, calendar, steps)

    return compute


def _apply_clock_steps(
    facts: _Facts,
    start: dt.date,
    pauses: list[_Pause],
    due: dt.date,
    as_of: dt.date,
    calendar: WorkingCalendar,
    steps: list[str],
) -> dt.date:
    """Move the reply deadline by each pause and the extension, in date order (extension first on a tie)."""
    extension = facts.extension
    items: list[tuple[dt.date, int, _Pause | None]] = [(p.start, 1, p) for p in pauses]
    if extension is not None and extension[0] >= start:
        items.append((extension[0], 0, None))
    elif extension is not None:
        steps.append(f"{extension[0]} 的延期早于重新起算，不计入（从严计算）")
    for _day, _order, pause in sorted(items, key=lambda item: item[:2]):
        if pause is None:
            assert extension is not None
            due = _extend(extension, due, calendar, steps)
        else:
            due = _pause(pause, due, calendar, steps)
    return due


def _extend(extension: tuple[dt.date, int], due: dt.date, calendar: WorkingCalendar, steps: list[str]) -> dt.date:
    day, days = extension
    late = f"（晚于当时的期限 {due}）" if day > due else ""
    extended = calendar.add_working_days(due, days)
    steps.append(f"{day} 延期 {days} 个工作日{late} → {extended}（条例 第三十三条）")
    return extended


def _pause(pause: _Pause, due: dt.date, calendar: WorkingCalendar, steps: list[str]) -> dt.date:
    span = f"{pause.start} 至 {pause.end}{'（查询日，尚未结束）' if pause.running else ''} {'、'.join(pause.reasons)}"
    if pause.start >= due:
        steps.append(f"{span}，开始时期限已届满，不影响期限")
        return due
    days = calendar.working_days_between(pause.start, pause.end)
    moved = calendar.add_working_days(due, days)
    steps.append(f"{span}，暂停 {days} 个工作日 → {moved}（条例 第三十三条）")
    return moved


# -- agency and case deadlines ---------------------------------------------------------------------


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

    return _deadline(DeadlineKind.MONTHLY_FILING, compute, as_of, month=month)


def annual_report_deadline(year: int, as_of: dt.date) -> Deadline:
    """Return the due date of a year's annual report: 31 January of the next year (条例 第四十九条)."""

    def compute(steps: list[str]) -> dt.date:
        due = dt.date(year + 1, 1, 31)
        steps.append(f"{year} 年度政府信息公开工作年度报告，于次年 1 月 31 日前公布 → {due}（条例 第四十九条）")
        return due

    return _deadline(DeadlineKind.ANNUAL_REPORT, compute, as_of, year=year)


def case_deadlines(case: AppealCase, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar) -> list[Deadline]:
    """Return a case's reply or defence deadline until the agency responds or the case is decided."""
    events = [event for event in case.history if event.date <= as_of]
    if not events or any(isinstance(e, AppealCase.Responded | AppealCase.Decided) for e in events):
        return []
    appealed = events[0]
    assert isinstance(appealed, AppealCase.Appealed)
    if appealed.kind is AppealKind.RECONSIDERATION:
        return [reconsideration_deadline(appealed, as_of, rules, calendar)]
    return [litigation_deadline(appealed, as_of, rules, calendar)]


def reconsideration_deadline(
    appealed: AppealCase.Appealed, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline:
    """Return the reconsideration reply deadline: 10 working days, 5 if simplified (行政复议法 第四十八、五十四条)."""
    simplified = appealed.procedure is Procedure.SIMPLIFIED

    def compute(steps: list[str]) -> dt.date:
        steps.append(f"{appealed.date} 收到行政复议申请书副本（案件 {appealed.case}，申请 {appealed.request}）")
        if simplified:
            days, basis = rules.reconsideration_simplified_working_days, "行政复议法 第五十四条，简易程序"
        else:
            days, basis = rules.reconsideration_working_days, "行政复议法 第四十八条"
        return _after_working_days(calendar, steps, appealed.date, days, f"{basis}；第八十八条：工作日")

    return _deadline(DeadlineKind.RECONSIDERATION_REPLY, compute, as_of, case=appealed.case)


def litigation_deadline(
    appealed: AppealCase.Appealed, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline:
    """Return the defence deadline: 15 calendar days, a non-working last day moved on (行政诉讼法 第六十七条)."""

    def compute(steps: list[str]) -> dt.date:
        steps.append(f"{appealed.date} 收到起诉状副本（案件 {appealed.case}，申请 {appealed.request}）")
        days = rules.litigation_calendar_days
        last = appealed.date + dt.timedelta(days=days)
        steps.append(f"+{days} 日 → {last}（行政诉讼法 第六十七条）")
        due = calendar.next_working_day_on_or_after(last)
        if due != last:
            steps.append(f"{last} 不是工作日，顺延至 {due}（行政诉讼法 第一百零一条，适用民事诉讼法关于期间的规定）")
        return due

    return _deadline(DeadlineKind.LITIGATION_DEFENCE, compute, as_of, case=appealed.case)
