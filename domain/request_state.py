"""An application's (申请) state: what its events have changed so far, read by its refusals, deadlines and tables.

Each event class of domain/request.py says how it changes this state (its `changes`); `RequestState.fold` applies
them. The refusals (domain/request_refusals.py), the deadlines (domain/request_deadlines.py) and the catch-up's
facts read it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from domain.codes import ApplicantType, Channel, Outcome, Party

if TYPE_CHECKING:
    from domain.request import Request

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
