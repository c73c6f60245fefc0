"""The application (申请) aggregate: its events, how each changes its state and the refusals (docs/refusals.md).

This module is the one statement of a request's rules. Each event class says how it changes the request's state
(`changes`, the words of domain/changes.py); every fold reads that: the aggregate below, the deadline facts
(domain/deadline_facts.py), the catch-up's facts and the replay's plain-JSON fold (projections/facts.py,
projections/replay.py). What only an object can hold (which consultation a `consultation_ended` closes, which
fee notice a `fee_paid` pays) is the event's `evolve`. docs/adding-an-event-field.md shows a field added here.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import Field

from domain.changes import DATE, Append, Count, First, Given, Set
from domain.codes import ApplicantType, Channel, Outcome, Party
from domain.errors import RefusedError
from domain.event import AggregateEvent, KeepsHistory
from domain.labels import PARTY_LABELS, outcome_label, step_label
from domain.messages import zh_en
from domain.reminders import REMINDER_EVENT_NAMES, ReminderFields
from domain.values import Amount, Code, IsoDate, Text, name_id

# Steps still possible once a request is closed or voided (docs/import-format.md).
AFTER_CLOSE = frozenset({"registered", "classified", "corrected"})
# How a closed application was closed, in the clerk's words.
_CLOSING = {"answered": "答复", "withdrawn": "撤回"}
# Steps that move the reply clock; one request's are in date order.
CLOCK_STEPS = frozenset(
    {
        "correction_requested",
        "correction_received",
        "consultation_started",
        "consultation_ended",
        "extended",
        "fee_notified",
        "fee_paid",
        "answered",
        "withdrawn",
    }
)
# A request's state codes (`cli` has their Chinese labels): a final one is set by a step; an open one follows
# from what the request waits for, named again after each step that changes one of STATE_INPUTS.
FINAL_STATES = frozenset({"answered", "withdrawn", "voided"})
STATE_INPUTS = frozenset({"awaiting_correction", "open_consultations", "unpaid_fees"})


def open_state(awaiting_correction: Any, open_consultations: int, unpaid_fees: int) -> str:
    """Return where an open application waits: for a 补正, a consultation's reply, a fee, or nothing."""
    if awaiting_correction:
        return "awaiting_correction"
    if open_consultations:
        return "consulting"
    if unpaid_fees:
        return "awaiting_fee"
    return "open"


def fen(amount: Any) -> int:
    """Return an amount in yuan (a Decimal or its text) in fen, as the tables count fees."""
    return int(Decimal(str(amount)) * 100)


@functools.lru_cache(maxsize=1 << 17)  # an import names each aggregate on many lines
def request_id(agency: str, number: str) -> UUID:
    """Return the aggregate id of an agency's application number (the same number, the same id)."""
    return name_id(f"gongkai:request:{agency}:{number}")


class FeeNotice:
    """A fee notice and whether it has been paid."""

    __slots__ = ("amount", "notified", "paid", "served")

    def __init__(self, amount: Any, notified: dt.date, served: dt.date) -> None:
        self.amount, self.notified, self.served = amount, notified, served
        self.paid: dt.date | None = None


class Consultation:
    """A consultation (征求意见) of a party, open until its reply."""

    __slots__ = ("end", "party", "start")

    def __init__(self, party: Party | None, start: dt.date) -> None:
        self.party, self.start = party, start
        self.end: dt.date | None = None


class RequestState:
    """A request's state after the events folded so far: what the refusals, deadlines and tables read."""

    def __init__(self) -> None:
        self.agency = self.number = ""
        self.received = dt.date.min
        self.received_corrected: dt.date | None = None  # the date of the `corrected` that moved `received`
        self.channel = Channel.OTHER
        self.applicant_type = ApplicantType.NATURAL_PERSON
        self.applicant: str | None = None
        self.subject: str | None = None
        self.state = "open"
        self.registered: dt.date | None = None
        self.corrections_requested = 0
        self.correction_requested: dt.date | None = None  # the latest 补正 request
        self.correction_until: dt.date | None = None
        self.awaiting_correction = False
        self.correction_received: dt.date | None = None  # the latest 补正 received: the reply count restarts
        self.open_consultations = 0
        self.consultations: list[Consultation] = []
        self.extended: dt.date | None = None
        self.extension_days: int | None = None
        self.unpaid_fees = 0
        self.fees: list[FeeNotice] = []
        self.fees_fen: tuple[tuple[dt.date, int], ...] = ()  # (paid, fen) of each fee paid
        self.closed: dt.date | None = None
        self.outcome: Outcome | None = None
        self.voided: dt.date | None = None

    def fold(self, event: Request.Event) -> None:
        """Apply one event's changes (its class's `changes`, then what only an object holds)."""
        type(event).apply_changes(self, event)
        if event.names_state and self.state not in FINAL_STATES:
            self.state = open_state(self.awaiting_correction, self.open_consultations, self.unpaid_fees)
        event.evolve(self)

    @property
    def is_closed(self) -> bool:
        """Tell whether the request was answered or withdrawn."""
        return self.closed is not None

    def unpaid_fee(self) -> FeeNotice | None:
        """Return the earliest fee notice not yet paid."""
        return next((fee for fee in self.fees if fee.paid is None), None)

    def open_consultation_index(self, party: Party | None) -> int:
        """Return the position of the open consultation a `consultation_ended` closes."""
        for index, consultation in enumerate(self.consultations):
            if consultation.end is None and (party is None or consultation.party in (party, None)):
                return index
        return -1


class Request(RequestState, KeepsHistory, BaseAggregate[UUID]):
    """One application under the 条例: received, handled step by step, closed once."""

    class Event(AggregateEvent):
        request: Code
        names_state: ClassVar[bool] = False  # whether it changes what the open state follows from

        def __init_subclass__(cls, **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            cls.names_state = any(change.field in STATE_INPUTS for change in cls.changes)

        def apply(self, aggregate: Any) -> None:
            """Append the event to the request's history and fold it into the state."""
            aggregate.history.append(self)
            aggregate.fold(self)

    class Received(Event, CanInitAggregate[UUID]):
        name = "received"
        channel: Channel
        applicant_type: ApplicantType
        applicant: Text | None = None
        subject: Text | None = None
        changes = (
            Set("agency", "agency"),
            Set("number", "request"),
            Set("received", DATE),
            Set("channel", "channel"),
            Set("applicant_type", "applicant_type"),
            Set("applicant", "applicant"),
            Set("subject", "subject"),
        )

    class Registered(Event):
        name = "registered"
        changes = (First("registered"),)

    class Classified(Event):
        name = "classified"
        applicant_type: ApplicantType
        changes = (Set("applicant_type", "applicant_type"),)

    class CorrectionRequested(Event):
        name = "correction_requested"
        until: IsoDate | None = None
        changes = (
            Count("corrections_requested", +1),
            Set("correction_requested", DATE),
            Set("correction_until", "until"),
            Set("awaiting_correction", value=True),
        )

    class CorrectionReceived(Event):
        name = "correction_received"
        changes = (Set("awaiting_correction", value=False), Set("correction_received", DATE))

    class ConsultationStarted(Event):
        name = "consultation_started"
        party: Party | None = None
        changes = (Count("open_consultations", +1),)

        def evolve(self, req: RequestState) -> None:
            req.consultations.append(Consultation(self.party, self.date))

    class ConsultationEnded(Event):
        name = "consultation_ended"
        party: Party | None = None
        changes = (Count("open_consultations", -1),)

        def evolve(self, req: RequestState) -> None:
            index = req.open_consultation_index(self.party)
            if index >= 0:
                req.consultations[index].end = self.date

    class Extended(Event):
        name = "extended"
        days: int = Field(default=20, ge=1, le=20, strict=True)
        approved_by: Text | None = None
        changes = (First("extended"), First("extension_days", "days"))

    class FeeNotified(Event):
        name = "fee_notified"
        amount: Amount
        served: IsoDate | None = None
        changes = (Count("unpaid_fees", +1),)

        def evolve(self, req: RequestState) -> None:
            req.fees.append(FeeNotice(self.amount, self.date, self.served or self.date))

    class FeePaid(Event):
        name = "fee_paid"
        amount: Amount
        changes = (Count("unpaid_fees", -1), Append("fees_fen", "amount", fen))

        def evolve(self, req: RequestState) -> None:
            notice = req.unpaid_fee()
            if notice is not None:
                notice.paid = self.date

    class Answered(Event):
        name = "answered"
        outcome: Outcome
        changes = (Set("state", value="answered"), Set("closed", DATE), Set("outcome", "outcome"))

    class Withdrawn(Event):
        name = "withdrawn"
        reason: Text | None = None
        changes = (Set("state", value="withdrawn"), Set("closed", DATE), Set("outcome", value=Outcome.OTHER))

    class Corrected(Event):
        name = "corrected"
        reason: Text
        received_date: IsoDate | None = None
        channel: Channel | None = None
        applicant_type: ApplicantType | None = None
        outcome: Outcome | None = None
        answered_date: IsoDate | None = None
        changes = (
            Given("received", "received_date"),
            Given("channel", "channel"),
            Given("applicant_type", "applicant_type"),
            Given("outcome", "outcome"),
            Given("closed", "answered_date"),
        )

        def evolve(self, req: RequestState) -> None:
            if self.received_date is not None:
                req.received_corrected = self.date

    class Voided(Event):
        name = "voided"
        reason: Text
        changes = (Set("state", value="voided"), Set("voided", DATE))

    class ReminderSending(Event, ReminderFields):
        """The scheduler claimed a reminder about one of the request's deadlines (not an import line)."""

        name = "reminder_sending"

    class ReminderSent(Event, ReminderFields):
        name = "reminder_sent"

    class ReminderFailed(Event, ReminderFields):
        name = "reminder_failed"

    def __init__(self) -> None:
        super().__init__()
        self.history: list[Request.Event] = []

    # -- the rules -------------------------------------------------------------------------------

    def _refuse(self, rule: str, advice: str = "", field: str = "event") -> RefusedError:
        return RefusedError(f"申请 {self.number}", rule, advice, field)

    def check_step(self, name: str, date: dt.date) -> None:
        """Refuse a step dated before receipt, after the close, or out of order (docs/refusals.md)."""
        step = step_label(name)
        if date < self.received:
            raise self._refuse(
                zh_en(
                    f"{step}日期 {date} 早于收到申请的日期 {self.received}",
                    f"{name} is dated {date}, before the application was received on {self.received}",
                ),
                zh_en("请核对日期", "check the date"),
                "date",
            )
        if self.voided and name not in AFTER_CLOSE:
            raise self._refuse(
                zh_en(
                    f"该申请已于 {self.voided} 作废，只能再报备、更正申请人类别或更正",
                    f"the application was voided on {self.voided}; only register, classify and correct are possible",
                ),
            )
        if name == "answered" and self.closed:
            raise self._refuse(
                zh_en(
                    f"该申请已于 {self.closed} {_CLOSING.get(self.state, '办结')}，不能再次答复",
                    f"it was already closed on {self.closed} ({self.state}); a second answer is not possible",
                ),
                zh_en(
                    "如需更改办理结果或答复日期，请用 gongkai correct 申请号 --reason … --outcome …/--answered-date …",
                    "to change the outcome or the date, use `gongkai correct NUMBER --reason … --outcome …`",
                ),
            )
        if self.closed and name not in AFTER_CLOSE:
            raise self._refuse(
                zh_en(
                    f"该申请已于 {self.closed} {_CLOSING.get(self.state, '办结')}，"
                    "办结后只能报备、更正申请人类别或更正",
                    f"it was closed on {self.closed} ({self.state}); only register, classify and correct are "
                    "possible now",
                ),
                zh_en(
                    "如需更改已记录的内容，请用 gongkai correct 申请号 --reason …",
                    "to change a recorded value, use `gongkai correct NUMBER --reason …`",
                ),
            )
        if name in CLOCK_STEPS:
            last = max((e.date for e in self.history if e.name in CLOCK_STEPS), default=self.received)
            if date < last:
                raise self._refuse(
                    zh_en(
                        f"{step}日期 {date} 早于该申请上一步的日期 {last}",
                        f"{name} is dated {date}, before the request's previous step on {last}",
                    ),
                    zh_en("同一申请的各步骤请按日期先后记录", "record the steps of one request in date order"),
                    "date",
                )

    def check_outcome(self, outcome: Outcome) -> None:
        """Refuse an outcome whose preconditions the history lacks (docs/refusals.md)."""
        label = outcome_label(outcome)
        if outcome is Outcome.OTHER_NO_CORRECTION and not self.awaiting_correction:
            raise self._refuse(
                zh_en(
                    f"办理结果“{label}”需要一个尚未收到补正的补正通知",
                    "outcome other_no_correction needs a 补正 request that is still unanswered",
                ),
                zh_en(
                    "请先用 gongkai request-correction 记录补正通知，或选择其他办理结果",
                    "record it first with `gongkai request-correction`, or choose another outcome",
                ),
                "outcome",
            )
        if outcome is Outcome.OTHER_FEE_UNPAID and self.unpaid_fee() is None:
            raise self._refuse(
                zh_en(
                    f"办理结果“{label}”需要一份尚未缴费的收费通知",
                    "outcome other_fee_unpaid needs a fee notice that is still unpaid",
                ),
                zh_en(
                    "请先用 gongkai notify-fee 记录收费通知，或选择其他办理结果",
                    "record it first with `gongkai notify-fee`, or choose another outcome",
                ),
                "outcome",
            )
        if outcome is Outcome.UNAVAILABLE_STILL_UNCLEAR and not self.corrections_requested:
            raise self._refuse(
                zh_en(f"办理结果“{label}”需要先有补正通知", "outcome unavailable_still_unclear needs a 补正 request"),
                zh_en(
                    "请先用 gongkai request-correction 记录补正通知，或选择其他办理结果",
                    "record it first with `gongkai request-correction`, or choose another outcome",
                ),
                "outcome",
            )

    def check_fields(self, name: str, date: dt.date, fields: dict[str, Any]) -> None:
        """Refuse what a particular kind of step forbids."""
        if name == "answered":
            self.check_outcome(Outcome(fields["outcome"]))
        elif name == "extended" and self.extended:
            raise self._refuse(
                zh_en(f"该申请已于 {self.extended} 延期", f"it was already extended on {self.extended}"),
                zh_en("答复期限只能延长一次", "the reply time can be extended once"),
            )
        elif name == "consultation_ended" and self.open_consultation_index(fields.get("party")) < 0:
            party = fields.get("party")
            with_zh = f"（{PARTY_LABELS[party]}）" if party else ""
            with_en = f" with {party}" if party else ""
            raise self._refuse(
                zh_en(f"没有正在进行的征求意见{with_zh}可以结束", f"there is no open consultation{with_en} to end"),
                zh_en("请先用 gongkai consult 记录征求意见", "record it first with `gongkai consult`"),
            )
        elif name == "fee_paid" and self.unpaid_fee() is None:
            raise self._refuse(
                zh_en("没有未缴费的收费通知", "there is no unpaid fee notice"),
                zh_en("请先用 gongkai notify-fee 记录收费通知", "record it first with `gongkai notify-fee`"),
            )
        elif name == "received":
            raise self._refuse(
                zh_en(
                    f"这个受理编号已于 {self.received} 收到过", f"this number was already received on {self.received}"
                ),
                zh_en(
                    "同一机关的受理编号不能重复：请换一个编号，或用 gongkai correct 更正已记录的内容",
                    "application numbers are unique within an agency: use another number, or `gongkai correct`",
                ),
                "request",
            )
        elif name == "corrected":
            self.check_correction(date, fields)
        elif name == "voided" and self.voided:
            raise self._refuse(zh_en(f"该申请已于 {self.voided} 作废", f"it was already voided on {self.voided}"))
        elif name == "registered" and self.registered is not None and self.registered != date:
            raise self._refuse(
                zh_en(
                    f"已于 {self.registered} 报备，不能再记录另一个报备日期 {date}",
                    f"already registered (报备) on {self.registered}; a second 报备 with another date is refused",
                ),
                zh_en("报备只记录一次；若第一次的日期录错，请核对后联系管理员", "报备 is recorded once"),
                "date",
            )

    def check_correction(self, date: dt.date, fields: dict[str, Any]) -> None:
        """Refuse a correction that corrects nothing or would make the history impossible."""
        if not CORRECTED_FIELDS & fields.keys():
            raise self._refuse(
                zh_en(
                    "更正至少要给出一项更正后的值（--received-date、--channel、--applicant-type、--outcome 或 "
                    "--answered-date）",
                    "a correction must give at least one corrected value",
                ),
                "",
                "reason",
            )
        if ({"outcome", "answered_date"} & fields.keys()) and not self.closed:
            raise self._refuse(
                zh_en(
                    "办理结果和答复日期只能在申请办结后更正",
                    "outcome and answered_date can be corrected only once the application is closed",
                ),
                zh_en("尚未办结的申请请用 gongkai answer 记录答复", "use `gongkai answer` for an open application"),
                "outcome" if "outcome" in fields else "answered_date",
            )
        if "outcome" in fields:
            self.check_outcome(Outcome(fields["outcome"]))
        received = dt.date.fromisoformat(fields.get("received_date", self.received.isoformat()))
        answered_text = fields.get("answered_date")
        closed = dt.date.fromisoformat(answered_text) if answered_text else self.closed
        first_step = min((e.date for e in self.history[1:] if e.name not in REMINDER_EVENT_NAMES), default=date)
        if received > min(first_step, date):
            raise self._refuse(
                zh_en(
                    f"更正后的收到日期 {received} 会晚于该申请 {min(first_step, date)} 的步骤",
                    f"received_date {received} would fall after the request's step of {min(first_step, date)}",
                ),
                "",
                "received_date",
            )
        if closed is not None and not received <= closed <= date:
            raise self._refuse(
                zh_en(
                    f"答复日期 {closed} 应在收到日期（{received}）和本次更正（{date}）之间",
                    f"answered_date {closed} must lie between receipt ({received}) and this correction ({date})",
                ),
                "",
                "answered_date",
            )

    def prepare(self, name: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Fill in the defaults a step takes from the history (a fee paid is the notified amount)."""
        if name == "fee_paid" and "amount" not in fields:
            notice = self.unpaid_fee()
            if notice is not None:
                return {**fields, "amount": f"{notice.amount:.2f}"}
        return fields


# What a `corrected` can correct: the fields its changes read.
CORRECTED_FIELDS = frozenset(change.source for change in Request.Corrected.changes if change.source)

EVENT_CLASSES: dict[str, type[Request.Event]] = {
    cls.name: cls
    for cls in (
        Request.Received,
        Request.Registered,
        Request.Classified,
        Request.CorrectionRequested,
        Request.CorrectionReceived,
        Request.ConsultationStarted,
        Request.ConsultationEnded,
        Request.Extended,
        Request.FeeNotified,
        Request.FeePaid,
        Request.Answered,
        Request.Withdrawn,
        Request.Corrected,
        Request.Voided,
    )
}
