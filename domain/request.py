"""The application (申请) aggregate and its events: how each event changes the request's state.

This module is the one statement of a request's rules. Each event class says how it changes the request's state
(`changes`, the words of domain/changes.py); every fold reads that: the aggregate below, the deadline facts
(domain/request_deadlines.py), the catch-up's facts and the plain-JSON fold (projections/facts.py,
projections/plain_fold.py). What only an object can hold (which consultation a `consultation_ended` closes, which
fee notice a `fee_paid` pays) is the event's `evolve`. The state is in domain/request_state.py, the refusals it
implies in domain/request_refusals.py. docs/adding-an-event-field.md shows a field added here.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import Field

from domain.changes import DATE, Append, Count, First, Given, Set
from domain.codes import ApplicantType, Channel, Outcome, Party
from domain.event import AggregateEvent, KeepsHistory
from domain.reminders import ReminderFields
from domain.request_refusals import RequestRules
from domain.request_state import (
    FINAL_STATES,
    STATE_INPUTS,
    Consultation,
    FeeNotice,
    RequestState,
    fen,
    open_state,
)
from domain.values import Amount, Code, IsoDate, Text, name_id

# The state and its helpers are read from here too (projections, deadlines, tests).
__all__ = [
    "CORRECTED_FIELDS",
    "EVENT_CLASSES",
    "FINAL_STATES",
    "Consultation",
    "FeeNotice",
    "Request",
    "RequestState",
    "open_state",
    "request_id",
]


@functools.lru_cache(maxsize=1 << 17)  # an import names each aggregate on many lines
def request_id(agency: str, number: str) -> UUID:
    """Return the aggregate id of an agency's application number (the same number, the same id)."""
    return name_id(f"gongkai:request:{agency}:{number}")


class Request(RequestRules, KeepsHistory, BaseAggregate[UUID]):
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
