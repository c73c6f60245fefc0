"""The application (申请) aggregate: its events, and the refusals of DOMAIN.md §4."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from uuid import UUID

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import Field

from domain.codes import ApplicantType, Channel, Outcome, Party
from domain.errors import RefusedError
from domain.event import AggregateEvent, KeepsHistory
from domain.labels import PARTY_LABELS, outcome_label, step_label
from domain.messages import zh_en
from domain.reminders import REMINDER_EVENT_NAMES, ReminderFields
from domain.values import Amount, Code, IsoDate, Text, name_id

# Steps still possible once a request is closed or voided (DOMAIN.md §4).
AFTER_CLOSE = frozenset({"registered", "classified", "corrected"})
# How a closed application was closed, in the clerk's words.
_CLOSING = {"answered": "答复", "withdrawn": "撤回", "": "办结"}
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


class Request(KeepsHistory, BaseAggregate[UUID]):
    """One application under the 条例: received, handled step by step, closed once."""

    class Event(AggregateEvent):
        request: Code

    class Received(Event, CanInitAggregate[UUID]):
        name = "received"
        channel: Channel
        applicant_type: ApplicantType
        applicant: Text | None = None
        subject: Text | None = None

        def evolve(self, req: Request) -> None:
            req.agency, req.number, req.received = self.agency, self.request, self.date
            req.channel, req.applicant_type = self.channel, self.applicant_type
            req.applicant, req.subject = self.applicant, self.subject

    class Registered(Event):
        name = "registered"

        def evolve(self, req: Request) -> None:
            req.registered = req.registered or self.date

    class Classified(Event):
        name = "classified"
        applicant_type: ApplicantType

        def evolve(self, req: Request) -> None:
            req.applicant_type = self.applicant_type

    class CorrectionRequested(Event):
        name = "correction_requested"
        until: IsoDate | None = None

        def evolve(self, req: Request) -> None:
            req.corrections_requested += 1
            req.awaiting_correction = True

    class CorrectionReceived(Event):
        name = "correction_received"

        def evolve(self, req: Request) -> None:
            req.awaiting_correction = False

    class ConsultationStarted(Event):
        name = "consultation_started"
        party: Party | None = None

        def evolve(self, req: Request) -> None:
            req.consultations.append((self.party, self.date))

    class ConsultationEnded(Event):
        name = "consultation_ended"
        party: Party | None = None

        def evolve(self, req: Request) -> None:
            req.consultations.pop(req.open_consultation_index(self.party))

    class Extended(Event):
        name = "extended"
        days: int = Field(default=20, ge=1, le=20, strict=True)
        approved_by: Text | None = None

        def evolve(self, req: Request) -> None:
            req.extended = self.date

    class FeeNotified(Event):
        name = "fee_notified"
        amount: Amount
        served: IsoDate | None = None

        def evolve(self, req: Request) -> None:
            req.fees.append(FeeNotice(self.amount, self.date, self.served or self.date))

    class FeePaid(Event):
        name = "fee_paid"
        amount: Amount

        def evolve(self, req: Request) -> None:
            req.unpaid_fee().paid = self.date  # type: ignore[union-attr]

    class Answered(Event):
        name = "answered"
        outcome: Outcome

        def evolve(self, req: Request) -> None:
            req.closed, req.outcome, req.closing = self.date, self.outcome, "answered"

    class Withdrawn(Event):
        name = "withdrawn"
        reason: Text | None = None

        def evolve(self, req: Request) -> None:
            req.closed, req.outcome, req.closing = self.date, Outcome.OTHER, "withdrawn"

    class Corrected(Event):
        name = "corrected"
        reason: Text
        received_date: IsoDate | None = None
        channel: Channel | None = None
        applicant_type: ApplicantType | None = None
        outcome: Outcome | None = None
        answered_date: IsoDate | None = None

        def evolve(self, req: Request) -> None:
            req.received = self.received_date or req.received
            req.channel = self.channel or req.channel
            req.applicant_type = self.applicant_type or req.applicant_type
            req.outcome = self.outcome or req.outcome
            req.closed = self.answered_date or req.closed

    class Voided(Event):
        name = "voided"
        reason: Text

        def evolve(self, req: Request) -> None:
            req.voided = self.date

    class ReminderSending(Event, ReminderFields):
        """The scheduler claimed a reminder about one of the request's deadlines (not an import line)."""

        name = "reminder_sending"

    class ReminderSent(Event, ReminderFields):
        name = "reminder_sent"

    class ReminderFailed(Event, ReminderFields):
        name = "reminder_failed"

    def __init__(self) -> None:
        self.history: list[Request.Event] = []
        self.agency = self.number = ""
        self.received = dt.date.min
        self.channel = Channel.OTHER
        self.applicant_type = ApplicantType.NATURAL_PERSON
        self.applicant: str | None = None
        self.subject: str | None = None
        self.registered: dt.date | None = None
        self.corrections_requested = 0
        self.awaiting_correction = False
        self.consultations: list[tuple[Party | None, dt.date]] = []
        self.extended: dt.date | None = None
        self.fees: list[FeeNotice] = []
        self.closed: dt.date | None = None
        self.closing: str | None = None
        self.outcome: Outcome | None = None
        self.voided: dt.date | None = None

    # -- queries ---------------------------------------------------------------------------------

    @property
    def is_closed(self) -> bool:
        """Tell whether the request was answered or withdrawn."""
        return self.closed is not None

    def unpaid_fee(self) -> FeeNotice | None:
        """Return the earliest fee notice not yet paid."""
        return next((fee for fee in self.fees if fee.paid is None), None)

    def open_consultation_index(self, party: Party | None) -> int:
        """Return the position of the open consultation a `consultation_ended` closes."""
        for index, (open_party, _) in enumerate(self.consultations):
            if party is None or open_party in (party, None):
                return index
        return -1

    def state(self) -> str:
        """Return the request's state code (see `cli` for its Chinese label)."""
        if self.voided:
            return "voided"
        if self.closing:
            return self.closing
        if self.awaiting_correction:
            return "awaiting_correction"
        if self.consultations:
            return "consulting"
        if self.unpaid_fee():
            return "awaiting_fee"
        return "open"

    # -- the rules -------------------------------------------------------------------------------

    def _refuse(self, rule: str, advice: str = "", field: str = "event") -> RefusedError:
        return RefusedError(f"申请 {self.number}", rule, advice, field)

    def check_step(self, name: str, date: dt.date) -> None:
        """Refuse a step dated before receipt, after the close, or out of order (DOMAIN.md §4)."""
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
                    f"该申请已于 {self.closed} {_CLOSING[self.closing or '']}，不能再次答复",
                    f"it was already closed on {self.closed} ({self.closing}); a second answer is not possible",
                ),
                zh_en(
                    "如需更改办理结果或答复日期，请用 gongkai correct 申请号 --reason … --outcome …/--answered-date …",
                    "to change the outcome or the date, use `gongkai correct NUMBER --reason … --outcome …`",
                ),
            )
        if self.closed and name not in AFTER_CLOSE:
            raise self._refuse(
                zh_en(
                    f"该申请已于 {self.closed} {_CLOSING[self.closing or '']}，办结后只能报备、更正申请人类别或更正",
                    f"it was closed on {self.closed} ({self.closing}); only register, classify and correct are "
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
        """Refuse an outcome whose preconditions the history lacks (DOMAIN.md §4)."""
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

    def check_correction(self, date: dt.date, fields: dict[str, Any]) -> None:
        """Refuse a correction that corrects nothing or would make the history impossible."""
        values = {"received_date", "channel", "applicant_type", "outcome", "answered_date"}
        if not values & fields.keys():
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
