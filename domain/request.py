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
from domain.reminders import REMINDER_EVENT_NAMES, ReminderFields
from domain.values import Amount, Code, IsoDate, Text, name_id

# Steps still possible once a request is closed or voided (DOMAIN.md §4).
AFTER_CLOSE = frozenset({"registered", "classified", "corrected"})
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
        if date < self.received:
            raise self._refuse(
                f"{name} is dated {date}, before the application was received on {self.received}",
                "check the date",
                "date",
            )
        if self.voided and name not in AFTER_CLOSE:
            raise self._refuse(
                f"the application was voided on {self.voided}; only registered, classified and corrected are possible",
            )
        if name == "answered" and self.closed:
            raise self._refuse(
                f"it was already closed on {self.closed} ({self.closing})",
                "a second answer is not possible: to change the outcome or date, record `corrected`",
            )
        if self.closed and name not in AFTER_CLOSE:
            raise self._refuse(
                f"it was closed on {self.closed} ({self.closing}); only registered, classified and corrected "
                "are possible now",
                "to change a recorded value, record `corrected`",
            )
        if name in CLOCK_STEPS:
            last = max((e.date for e in self.history if e.name in CLOCK_STEPS), default=self.received)
            if date < last:
                raise self._refuse(
                    f"{name} is dated {date}, before the request's previous step on {last}",
                    "record the steps of one request in date order",
                    "date",
                )

    def check_outcome(self, outcome: Outcome) -> None:
        """Refuse an outcome whose preconditions the history lacks (DOMAIN.md §4)."""
        if outcome is Outcome.OTHER_NO_CORRECTION and not self.awaiting_correction:
            raise self._refuse(
                "outcome other_no_correction needs a 补正 request that is still unanswered",
                "record correction_requested first, or choose another outcome",
                "outcome",
            )
        if outcome is Outcome.OTHER_FEE_UNPAID and self.unpaid_fee() is None:
            raise self._refuse(
                "outcome other_fee_unpaid needs a fee notice that is still unpaid",
                "record fee_notified first, or choose another outcome",
                "outcome",
            )
        if outcome is Outcome.UNAVAILABLE_STILL_UNCLEAR and not self.corrections_requested:
            raise self._refuse(
                "outcome unavailable_still_unclear needs a 补正 request",
                "record correction_requested first, or choose another outcome",
                "outcome",
            )

    def check_fields(self, name: str, date: dt.date, fields: dict[str, Any]) -> None:
        """Refuse what a particular kind of step forbids."""
        if name == "answered":
            self.check_outcome(Outcome(fields["outcome"]))
        elif name == "extended" and self.extended:
            raise self._refuse(f"it was already extended on {self.extended}", "the reply time can be extended once")
        elif name == "consultation_ended" and self.open_consultation_index(fields.get("party")) < 0:
            party = f" with {fields['party']}" if fields.get("party") else ""
            raise self._refuse(f"there is no open consultation{party} to end", "record consultation_started first")
        elif name == "fee_paid" and self.unpaid_fee() is None:
            raise self._refuse("there is no unpaid fee notice", "record fee_notified first")
        elif name == "received":
            raise self._refuse(
                f"this number was already received on {self.received}",
                "application numbers are unique within an agency: use another number, or `corrected`",
                "request",
            )
        elif name == "corrected":
            self.check_correction(date, fields)
        elif name == "voided" and self.voided:
            raise self._refuse(f"it was already voided on {self.voided}")
        elif name == "registered" and self.registered is not None and self.registered != date:
            raise self._refuse(
                f"已于 {self.registered} 报备，不能再记录另一个报备日期 {date} / already registered (报备) on "
                f"{self.registered}; a second 报备 with another date is refused",
                "报备只记录一次；若第一次的日期录错，请核对后联系管理员，不要重复报备 / 报备 is recorded once",
                "date",
            )

    def check_correction(self, date: dt.date, fields: dict[str, Any]) -> None:
        """Refuse a correction that corrects nothing or would make the history impossible."""
        values = {"received_date", "channel", "applicant_type", "outcome", "answered_date"}
        if not values & fields.keys():
            raise self._refuse("a correction must give at least one corrected value", "", "reason")
        if ({"outcome", "answered_date"} & fields.keys()) and not self.closed:
            raise self._refuse(
                "outcome and answered_date can be corrected only once the application is closed",
                "record `answered` for an open application",
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
                f"received_date {received} would fall after the request's step of {min(first_step, date)}",
                "",
                "received_date",
            )
        if closed is not None and not received <= closed <= date:
            raise self._refuse(
                f"answered_date {closed} must lie between receipt ({received}) and this correction ({date})",
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
