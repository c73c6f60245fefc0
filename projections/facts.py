"""Fold events into the facts the tables count: one row per application and per appeal case (pure)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, fields
from decimal import Decimal
from operator import attrgetter
from typing import Any, TypeVar

from domain.months import month_of

# A count key: (agency, month, row, column). Rows are `new`, the outcome codes and `fees_fen`.
CountKey = tuple[str, str, str, str]
FEES_ROW = "fees_fen"


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What the tables need to know about one application, as of the events folded so far."""

    agency: str
    number: str
    received: dt.date
    applicant_type: str
    state: str = "open"
    registered: dt.date | None = None
    closed: dt.date | None = None
    outcome: str | None = None
    voided: bool = False
    fees_fen: tuple[tuple[dt.date, int], ...] = ()
    awaiting_correction: bool = False
    open_consultations: int = 0
    unpaid_fees: int = 0


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What table 四 needs to know about one appeal case."""

    agency: str
    number: str
    request: str
    kind: str
    appealed: dt.date
    decisions: tuple[tuple[dt.date, str], ...] = ()
    responded: dt.date | None = None

    def result_as_of(self, day: dt.date) -> str:
        """Return the case's latest result dated on or before `day`, else `pending` (DOMAIN.md §2)."""
        results = [result for date, result in self.decisions if date <= day]
        return results[-1] if results else "pending"


T = TypeVar("T")
_FIELDS: dict[type, tuple[tuple[str, ...], Any]] = {}


def replace(facts: T, **changes: Any) -> T:
    """Return a copy of frozen facts with some fields changed (`dataclasses.replace`, without its generality)."""
    cls = type(facts)
    known = _FIELDS.get(cls)
    if known is None:
        names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
        known = _FIELDS[cls] = (names, attrgetter(*names))
    values = dict(zip(known[0], known[1](facts), strict=True))
    values.update(changes)
    return cls(**values)


def _fen(amount: Any) -> int:
    return int(Decimal(str(amount)) * 100)


def _open_state(facts: RequestFacts) -> str:
    if facts.awaiting_correction:
        return "awaiting_correction"
    if facts.open_consultations:
        return "consulting"
    if facts.unpaid_fees:
        return "awaiting_fee"
    return "open"


def _with_open_state(facts: RequestFacts) -> RequestFacts:
    if facts.voided or facts.closed is not None:
        return facts
    state = _open_state(facts)
    return facts if state == facts.state else replace(facts, state=state)


def fold_request(facts: RequestFacts | None, event: Any) -> RequestFacts | None:
    """Return the facts after one application event (events arrive in the request's own order)."""
    name = event.name
    if name == "received":
        return RequestFacts(event.agency, event.request, event.date, str(event.applicant_type))
    if facts is None:
        return None
    return _with_open_state(_apply(facts, name, event))


def _apply(facts: RequestFacts, name: str, event: Any) -> RequestFacts:
    match name:
        case "registered":
            return replace(facts, registered=facts.registered or event.date)
        case "classified":
            return replace(facts, applicant_type=str(event.applicant_type))
        case "correction_requested":
            return replace(facts, awaiting_correction=True)
        case "correction_received":
            return replace(facts, awaiting_correction=False)
        case "consultation_started":
            return replace(facts, open_consultations=facts.open_consultations + 1)
        case "consultation_ended":
            return replace(facts, open_consultations=max(0, facts.open_consultations - 1))
        case "fee_notified":
            return replace(facts, unpaid_fees=facts.unpaid_fees + 1)
        case "fee_paid":
            fees = (*facts.fees_fen, (event.date, _fen(event.amount)))
            return replace(facts, unpaid_fees=max(0, facts.unpaid_fees - 1), fees_fen=fees)
        case "answered":
            return replace(facts, closed=event.date, outcome=str(event.outcome), state="answered")
        case "withdrawn":
            return replace(facts, closed=event.date, outcome="other", state="withdrawn")
        case "corrected":
            return _correct(facts, event)
        case "voided":
            return replace(facts, voided=True, state="voided")
    return facts


def _correct(facts: RequestFacts, event: Any) -> RequestFacts:
    return replace(
        facts,
        received=event.received_date or facts.received,
        applicant_type=str(event.applicant_type or facts.applicant_type),
        outcome=str(event.outcome) if event.outcome else facts.outcome,
        closed=event.answered_date or facts.closed,
    )


def fold_case(facts: CaseFacts | None, event: Any) -> CaseFacts | None:
    """Return the case facts after one appeal event."""
    match event.name:
        case "appealed":
            return CaseFacts(event.agency, event.case, event.request, str(event.kind), event.date)
        case "appeal_decided" if facts is not None:
            return replace(facts, decisions=(*facts.decisions, (event.date, str(event.result))))
        case "appeal_responded" if facts is not None:
            return replace(facts, responded=facts.responded or event.date)
    return facts


def contributions(facts: RequestFacts | None) -> Counter[CountKey]:
    """Return what one application adds to the monthly counts: `new`, its outcome, the fees it paid."""
    counts: Counter[CountKey] = Counter()
    if facts is None or facts.voided:
        return counts
    column = facts.applicant_type
    counts[(facts.agency, month_of(facts.received), "new", column)] += 1
    if facts.closed is not None and facts.outcome is not None:
        counts[(facts.agency, month_of(facts.closed), facts.outcome, column)] += 1
    for paid, fen in facts.fees_fen:
        counts[(facts.agency, month_of(paid), FEES_ROW, "total")] += fen
    return counts


def delta(before: RequestFacts | None, after: RequestFacts | None) -> Counter[CountKey]:
    """Return the change in counts when an application's facts change (zero entries dropped)."""
    change = contributions(after)
    change.subtract(contributions(before))
    return Counter({key: n for key, n in change.items() if n})
