"""A request's deadlines of docs/deadlines.md: 报备, 补正, consultation replies, fees, and the reply (pure).

The request's state as of a date is the one fold of its events (`RequestState`, domain/request.py) over those
dated on or before it; the reply deadline's clock is domain/reply_clock.py.
"""

from __future__ import annotations

import datetime as dt

from domain.calendar import WorkingCalendar
from domain.deadlines import Deadline, DeadlineKind, DeadlineRules, after_working_days, build_deadline, sort_deadlines
from domain.reply_clock import consultation_label, receipt_step, reply_deadline
from domain.request import Consultation, FeeNotice, Request, RequestState


def state_as_of(request: Request, as_of: dt.date) -> RequestState | None:
    """Fold the events dated on or before `as_of`; None if the request was not yet received then."""
    events = [event for event in request.history if event.date <= as_of]
    if not events:
        return None
    state = RequestState()
    for event in events:
        state.fold(event)
    return state


def request_deadlines(
    request: Request, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> list[Deadline]:
    """Return a request's open deadlines as of a date (docs/deadlines.md), in `due` order."""
    facts = state_as_of(request, as_of)
    if facts is None or facts.voided:
        return []
    deadlines: list[Deadline | None] = [_registration_deadline(facts, as_of, rules, calendar)]
    if not facts.closed:
        deadlines.append(_correction_notice_deadline(facts, as_of, rules, calendar))
        deadlines.append(_correction_period_deadline(facts, as_of))
        deadlines.append(reply_deadline(facts, as_of, rules, calendar))
        deadlines.extend(_consultation_deadlines(facts, as_of, rules, calendar))
        deadlines.extend(_fee_deadlines(facts, as_of, rules, calendar))
    return sort_deadlines(d for d in deadlines if d is not None)


def _registration_deadline(
    facts: RequestState, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline | None:
    """Return the 报备 deadline until the request is registered, also after the answer (local rule)."""
    if facts.registered:
        return None

    def compute(steps: list[str]) -> dt.date:
        steps.append(receipt_step(facts))
        return after_working_days(calendar, steps, facts.received, rules.registration_working_days, "本地报备规定")

    return build_deadline(DeadlineKind.REGISTRATION, compute, as_of, request=facts.number)


def _correction_notice_deadline(
    facts: RequestState, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline | None:
    """Return the advisory 补正 notice deadline until it passes or a 补正 is requested (条例 第三十条)."""
    if facts.correction_requested is not None:
        return None

    def compute(steps: list[str]) -> dt.date:
        steps.append(receipt_step(facts))
        days = rules.correction_notice_working_days
        return after_working_days(calendar, steps, facts.received, days, "条例 第三十条，一次性告知补正")

    deadline = build_deadline(DeadlineKind.CORRECTION_NOTICE, compute, as_of, request=facts.number, advisory=True)
    if deadline.due is not None and deadline.due < as_of:
        return None
    return deadline


def _correction_period_deadline(facts: RequestState, as_of: dt.date) -> Deadline | None:
    """Return the 补正 period the agency set, until the corrected application arrives (条例 第三十条)."""
    until = facts.correction_until
    if not facts.awaiting_correction or until is None:
        return None

    def compute(steps: list[str]) -> dt.date:
        steps.append(f"{facts.correction_requested} 要求补正，补正期限 {until}（条例 第三十条）")
        steps.append("逾期不补正的，视为放弃申请（other_no_correction）")
        return until

    return build_deadline(DeadlineKind.CORRECTION_PERIOD, compute, as_of, request=facts.number)


def _consultation_deadlines(
    facts: RequestState, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> list[Deadline]:
    """Return the reply deadline of each consultation still running (条例 第三十二、三十三条)."""
    return [
        _consultation_deadline(facts.number, consultation, as_of, rules, calendar)
        for consultation in facts.consultations
        if consultation.end is None
    ]


def _consultation_deadline(
    number: str, consultation: Consultation, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline:
    def compute(steps: list[str]) -> dt.date:
        steps.append(f"{consultation.start} {consultation_label(consultation)}")
        days = rules.consultation_working_days
        return after_working_days(calendar, steps, consultation.start, days, "条例 第三十二条")

    return build_deadline(DeadlineKind.CONSULTATION_REPLY, compute, as_of, request=number)


def _fee_deadlines(
    facts: RequestState, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> list[Deadline]:
    """Return the payment deadline of each unpaid fee notice (国办函〔2020〕109号)."""
    return [_fee_deadline(facts.number, fee, as_of, rules, calendar) for fee in facts.fees if fee.paid is None]


def _fee_deadline(
    number: str, fee: FeeNotice, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Deadline:
    def compute(steps: list[str]) -> dt.date:
        served = f"，{fee.served} 送达" if fee.served != fee.notified else ""
        steps.append(f"{fee.notified} 发出收费通知{served}")
        days = rules.fee_payment_working_days
        due = after_working_days(calendar, steps, fee.served, days, "国办函〔2020〕109号")
        steps.append("逾期未缴费的，视为放弃申请（other_fee_unpaid）")
        return due

    return build_deadline(DeadlineKind.FEE_PAYMENT, compute, as_of, request=number)
