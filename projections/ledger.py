"""The monthly ledger (台账, docs/tables.md): one row per application active in a month, one per appeal case (pure).

An application is active in a month when it was received by the month's end and was still open at its start
or was closed within it; a voided one is not. Its values are the latest ones (the latest correction wins, as
in the tables), its steps those dated by the month's end. The rows must agree with the month's table 三:
`check_ledger` says so before anything is written.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, TypeVar

from domain.appeal import AppealCase
from domain.calendar import WorkingCalendar
from domain.deadlines import Deadline, DeadlineKind, DeadlineRules
from domain.errors import GongkaiError
from domain.labels import (
    APPEAL_GROUP_LABELS,
    APPLICANT_LABELS,
    CHANNEL_LABELS,
    LITIGATION_LABEL,
    RESULT_LABELS,
    outcome_label,
)
from domain.registration import registration
from domain.request import Request
from domain.request_deadlines import request_deadlines
from domain.values import month_bounds

if TYPE_CHECKING:
    from projections.render.rows import Report

E = TypeVar("E", bound=Request.Event)  # one kind of step

YES, NO, NOT_APPLICABLE, OVERDUE = "是", "否", "—", "已逾期"
DONE, CARRIED = "办结", "结转"


class LedgerMismatchError(GongkaiError):
    """The ledger rows and the month's table 三 disagree: a bug, never written."""


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One application in the month's 汇总表."""

    number: str
    received: dt.date
    channel: str
    applicant_type: str
    applicant: str
    subject: str
    registered: dt.date | None
    registration: str  # the 报备 cell: its date and whether on time, e.g. 2026-09-24（逾期1个工作日）
    correction_requested: dt.date | None
    correction_received: dt.date | None
    consultation_started: dt.date | None
    consultation_ended: dt.date | None
    extended: dt.date | None
    fee_notified: dt.date | None
    fee_paid: dt.date | None
    fee_amount: Decimal | None
    reply_due: dt.date | None
    answered: dt.date | None
    outcome: str
    on_time: str
    status: str
    clerk: str
    remarks: str


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One appeal case in the month's 复议（诉讼）表."""

    applicant: str
    request: str
    kind: str
    authority: str  # 复议机关或法院: the `body` recorded on `appealed`; empty (for the clerk) when none was
    appealed: dt.date
    number: str
    responded: dt.date | None
    result: str
    result_date: dt.date | None
    remarks: str


@dataclass(frozen=True, slots=True)
class Ledger:
    """A month's ledger: its rows, its cases, and the counts they must share with table 三 and 四."""

    month: str
    rows: tuple[LedgerRow, ...]
    cases: tuple[CaseRow, ...]
    new_cases: int = 0
    received_in_month: int = 0
    remarks: list[str] = field(default_factory=list)

    @property
    def first(self) -> dt.date:
        """Return the month's first day."""
        return month_bounds(self.month)[0]

    @property
    def last(self) -> dt.date:
        """Return the month's last day."""
        return month_bounds(self.month)[1]


class Listable(Protocol):
    """An application as the ledger chooses its rows: an aggregate (`Request`) or its facts (`RequestFacts`)."""

    @property
    def number(self) -> str: ...
    @property
    def received(self) -> dt.date: ...
    @property
    def closed(self) -> dt.date | None: ...
    @property
    def voided(self) -> dt.date | bool | None: ...


class ListableCase(Protocol):
    """A case as the 复议（诉讼）表 chooses its rows: an aggregate (`AppealCase`) or its facts (`CaseFacts`)."""

    @property
    def number(self) -> str: ...
    @property
    def request(self) -> str: ...
    @property
    def appealed(self) -> dt.date: ...
    @property
    def decisions(self) -> Sequence[tuple[dt.date, str]]: ...


R = TypeVar("R", bound=Listable)
C = TypeVar("C", bound=ListableCase)


def is_active(request: Listable, first: dt.date, last: dt.date) -> bool:
    """Tell whether an application belongs in the ledger of the month first..last."""
    if request.voided or request.received > last:  # a voided one: its date (aggregate) or True (facts)
        return False
    return request.closed is None or request.closed >= first


def listed(month: str, requests: Iterable[R], cases: Iterable[C]) -> tuple[list[R], list[C]]:
    """Return the applications the month's 汇总表 lists and the cases its 复议（诉讼）表 lists, in their order.

    `requests` should hold the applications the cases name, so that a voided one's cases are left out too.
    """
    first, last = month_bounds(month)
    everyone = list(requests)
    active = sorted((r for r in everyone if is_active(r, first, last)), key=lambda r: (r.received, r.number))
    voided = {r.number for r in everyone if r.voided}
    live = [c for c in cases if c.request not in voided]
    shown = sorted((c for c in live if case_is_active(c, first, last)), key=lambda c: (c.appealed, c.number))
    return active, shown


def _first(events: Sequence[Request.Event], kind: type[E]) -> E | None:
    return next((e for e in events if type(e) is kind), None)


def reply_deadline(
    request: Request, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline | None:
    """Return the reply deadline as it stood on the day of the answer (or on as_of, if still open)."""
    closing = request.closed if request.closed is not None and request.closed <= as_of else None
    view = copy.copy(request)
    view.history = [e for e in request.history if e.name not in ("answered", "withdrawn")]
    found = request_deadlines(view, closing or as_of, rules, calendar)
    return next((d for d in found if d.kind is DeadlineKind.REPLY), None)


def ledger_row(request: Request, last: dt.date, rules: DeadlineRules, calendar: WorkingCalendar) -> LedgerRow:
    """Return an application's ledger row as of the month's last day."""
    steps = [e for e in request.history if e.date <= last]
    closed = request.closed if request.closed is not None and request.closed <= last else None
    deadline = reply_deadline(request, last, rules, calendar)
    due = deadline.due if deadline is not None else None
    remarks: list[str] = []
    if deadline is not None and deadline.calendar_missing:
        remarks.append(f"缺少{deadline.calendar_missing}年工作日安排，无法计算答复期限")
    elif deadline is not None and deadline.paused and closed is None:
        remarks.append("答复期限暂停计时（补正、征求意见或缴费）")
    withdrawn = request.state == "withdrawn"
    if closed is None:
        on_time = OVERDUE if deadline is not None and due is not None and due < last and not deadline.paused else ""
    elif withdrawn:
        on_time = NOT_APPLICABLE
        reason = _first(steps, Request.Withdrawn)
        remarks.append(f"申请人撤回{'：' + reason.reason if reason and reason.reason else ''}")
    else:
        on_time = NOT_APPLICABLE if due is None else (YES if closed <= due else NO)
    remarks += [f"{e.date} 更正：{e.reason}" for e in steps if isinstance(e, Request.Corrected)]
    for name, label in (
        ("correction_requested", "补正"),
        ("consultation_started", "征求意见"),
        ("fee_notified", "收费"),
    ):
        extra = sum(1 for e in steps if e.name == name) - 1
        if extra > 0:
            remarks.append(f"另有{extra}次{label}")
    fee, paid = _first(steps, Request.FeeNotified), _first(steps, Request.FeePaid)
    received = request.history[0]
    return LedgerRow(
        number=request.number,
        received=request.received,
        channel=CHANNEL_LABELS[request.channel],
        applicant_type=APPLICANT_LABELS[request.applicant_type],
        applicant=request.applicant or "",
        subject=request.subject or "",
        registered=request.registered if request.registered and request.registered <= last else None,
        registration=registration(request, last, rules.registration_working_days, calendar).words(),
        correction_requested=_date(_first(steps, Request.CorrectionRequested)),
        correction_received=_date(_first(steps, Request.CorrectionReceived)),
        consultation_started=_date(_first(steps, Request.ConsultationStarted)),
        consultation_ended=_date(_first(steps, Request.ConsultationEnded)),
        extended=_date(_first(steps, Request.Extended)),
        fee_notified=_date(fee),
        fee_paid=_date(paid),
        fee_amount=paid.amount if paid else fee.amount if fee else None,
        reply_due=due,
        answered=closed,
        outcome=outcome_label(request.outcome) if closed and request.outcome else "",
        on_time=on_time,
        status=DONE if closed else CARRIED,
        clerk=received.clerk,
        remarks="；".join(remarks),
    )


def _date(event: Request.Event | None) -> dt.date | None:
    return event.date if event is not None else None


def case_kind_label(kind: str) -> str:
    """Return a case's kind as the 复议（诉讼）表 names it."""
    if kind == "reconsideration":
        return APPEAL_GROUP_LABELS[kind]
    return f"{LITIGATION_LABEL}（{APPEAL_GROUP_LABELS[kind]}）"


def case_row(case: AppealCase, applicant: str, first: dt.date, last: dt.date) -> CaseRow:
    """Return a case's row as of the month's last day: its latest result dated by then, else 尚未审结."""
    decisions = [(day, result) for day, result in case.decisions if day <= last]
    result_date, result = decisions[-1] if decisions else (None, "pending")
    remarks = ["本月新收"] if case.appealed >= first else []
    if case.procedure:
        remarks.append("简易程序")
    return CaseRow(
        applicant=applicant,
        request=case.request,
        kind=case_kind_label(case.kind),
        authority=case.body or "",
        appealed=case.appealed,
        number=case.number,
        responded=case.responded if case.responded and case.responded <= last else None,
        result=RESULT_LABELS[result],
        result_date=result_date,
        remarks="；".join(remarks),
    )


def case_is_active(case: ListableCase, first: dt.date, last: dt.date) -> bool:
    """Tell whether a case belongs in the month's 复议（诉讼）表: filed by its end, not decided before its start."""
    if case.appealed > last:
        return False
    return case.appealed >= first or not any(day < first for day, _ in case.decisions)


def build_ledger(
    month: str,
    requests: Sequence[Request],
    cases: Iterable[AppealCase],
    *,
    rules: DeadlineRules | None = None,
    calendar: WorkingCalendar | None = None,
) -> Ledger:
    """Return the month's ledger from the aggregates (those not active in the month are left out).

    `requests` should hold the applications the cases name, so that a voided one's cases are left out too.
    """
    first, last = month_bounds(month)
    rules, calendar = rules or DeadlineRules(), calendar or WorkingCalendar()
    everyone = {r.number: r for r in requests}
    live = [c for c in cases if c.request not in everyone or everyone[c.request].voided is None]
    active, shown = listed(month, requests, live)
    applicants = {number: r.applicant or "" for number, r in everyone.items()}
    return Ledger(
        month,
        tuple(ledger_row(r, last, rules, calendar) for r in active),
        tuple(case_row(c, applicants.get(c.request, ""), first, last) for c in shown),
        new_cases=sum(1 for c in live if first <= c.appealed <= last),
        received_in_month=sum(1 for r in active if r.received >= first),
    )


LATE_ENTRY = "补录"


def mark_late_entries(ledger: Ledger, numbers: Iterable[str]) -> Ledger:
    """Return the ledger with 补录 in the 备注 of each application recorded after the month was first filed."""
    late = set(numbers)
    if not late:
        return ledger
    rows = tuple(
        replace(row, remarks="；".join(filter(None, (LATE_ENTRY, row.remarks)))) if row.number in late else row
        for row in ledger.rows
    )
    return replace(ledger, rows=rows)


def check_ledger(ledger: Ledger, report: Report) -> None:
    """Raise LedgerMismatchError unless the ledger's rows agree with the month's tables 三 and 四."""
    rows = report["applications"]
    pairs = {
        "new (本月新收)": (ledger.received_in_month, rows["new"]["total"]),
        "carried_in (上月结转)": (len(ledger.rows) - ledger.received_in_month, rows["carried_in"]["total"]),
        "total_handled (办结)": (sum(r.status == DONE for r in ledger.rows), rows["total_handled"]["total"]),
        "carried_out (结转)": (sum(r.status == CARRIED for r in ledger.rows), rows["carried_out"]["total"]),
        "appeals (本月复议诉讼)": (ledger.new_cases, sum(g["total"] for g in report["appeals"].values())),
    }
    for what, (in_ledger, in_table) in pairs.items():
        if in_ledger != in_table:
            raise LedgerMismatchError(
                f"BUG: the {ledger.month} ledger and its table 三/四 disagree on {what}: "
                f"{in_ledger} rows ≠ {in_table} in the table; nothing was written"
            )
