"""The application (申请) aggregate and its events: how each event changes the request's state.

This module is the one statement of a request's rules. Each event class says how it changes the request's state
(`changes`, the words of domain/changes.py); every fold reads that: the aggregate below, the deadline facts
(domain/request_deadlines.py), the catch-up's facts and the plain-JSON fold (projections/facts.py,
projections/plain_fold.py). What only an object can hold (which consultation a `consultation_ended` closes, which
fee notice a `fee_paid` pays) is the event's `evolve`. The refusals the state implies are in
domain/request_refusals.py. docs/adding-an-event-field.md shows a field added here.
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
from domain.event import AggregateEvent, KeepsHistory
from domain.reminders import ReminderFields
from domain.request_refusals import RequestRules
from domain.values import Amount, Code, IsoDate, Text, name_id

# A request's state codes (`cli` has their Chinese labels): a final one is set by a step; an open one follows
# from what the request waits for, named again after each step that changes one of STATE_INPUTS.
FINAL_STATES = frozenset({"answered", "withdrawn", "voided"})
STATE_INPUTS = frozenset({"awaiting_correction", "open_consultations", "unpaid_fees"})


def open_state(awaiting_correction: object, open_consultations: int, unpaid_fees: int) -> str:
    """Return where an open application waits: for a 补正, a consultation's reply, a fee, or nothing."""
    if awaiting_correction:
        return "awaiting_correction"
    if open_consultations:
        return "consulting"
    if unpaid_fees:
        return "awaiting_fee"
    return "open"


def fen(amount: Decimal | str) -> int:
    """Return an amount in yuan (a Decimal or its text) in fen, as the tables count fees."""
    return int(Decimal(str(amount)) * 100)


class FeeNotice:
    """A fee notice and whether it has been paid."""

    __slots__ = ("amount", "notified", "paid", "served")

    def __init__(self, amount: Decimal, notified: dt.date, served: dt.date) -> None:
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


@functools.lru_cache(maxsize=1 << 17)  # an import names each aggregate on many lines
def request_id(agency: str, number: str) -> UUID:
    """Return the aggregate id of an agency's application number (the same number, the same id)."""
    return name_id(f"gongkai:request:{agency}:{number}")


class Request(RequestRules, RequestState, KeepsHistory, BaseAggregate[UUID]):
    """One application under the 条例: received, handled step by step, closed once."""

    class Event(AggregateEvent):
        request: Code
        names_state: ClassVar[bool] = False  # whether it changes what the open state follows from

        def __init_subclass__(cls, **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            cls.names_state = any(change.field in STATE_INPUTS for change in cls.changes)

        def apply(self, aggregate: Request) -> None:
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


# What a `corrected` can correct: the fields its changes read.
CORRECTED_FIELDS = frozenset(change.source for change in Request.Corrected.changes if change.source)
Request.corrected_fields = CORRECTED_FIELDS

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
