"""Fold events into the facts the tables count: one row per application and per appeal case (pure)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, TypeVar

from domain.appeal import CASE_EVENT_CLASSES
from domain.changes import Change, as_date, changed_fields
from domain.months import month_of
from domain.request import EVENT_CLASSES, FINAL_STATES, open_state

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


# How the facts hold what the one fold (each event class's `changes`, domain/request.py) sets: codes as their
# text, dates as dates (a line's or a slim event's date fields may be ISO text), `voided` as a flag.
_AS_FACTS: dict[str, Callable[[Any], Any]] = {
    "applicant_type": str,
    "outcome": lambda code: None if code is None else str(code),
    "voided": bool,
    "received": as_date,
    "registered": as_date,
    "closed": as_date,
}
_REQUEST_FIELDS = frozenset(f.name for f in fields(RequestFacts))
# Per event name: the changes that touch the facts, and whether the open state is named again after it.
_REQUEST_STEPS: dict[str, tuple[tuple[Change, ...], bool]] = {
    name: (tuple(c for c in cls.changes if c.field in _REQUEST_FIELDS), cls.names_state)
    for name, cls in EVENT_CLASSES.items()
}


def fold_request(facts: RequestFacts | None, event: Any) -> RequestFacts | None:
    """Return the facts after one application event (events arrive in the request's own order)."""
    step = _REQUEST_STEPS.get(event.name)
    if step is None:
        return facts  # a reminder: it changes no fact
    changes, names_state = step
    if event.name == "received":
        return RequestFacts(**_converted(changed_fields(changes, _unset, event), _AS_FACTS))
    if facts is None:
        return None  # an event before the application's receipt changes nothing
    new = _converted(changed_fields(changes, functools.partial(getattr, facts), event), _AS_FACTS)
    if names_state and facts.state not in FINAL_STATES:
        merged = functools.partial(_merged, facts, new)
        new["state"] = open_state(merged("awaiting_correction"), merged("open_consultations"), merged("unpaid_fees"))
    return replace(facts, **new) if new else facts


def _unset(field: str) -> Any:
    return None


def _merged(facts: RequestFacts, new: dict[str, Any], field: str) -> Any:
    return new[field] if field in new else getattr(facts, field)


def _converted(values: dict[str, Any], conversions: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    for field, value in values.items():
        convert = conversions.get(field)
        if convert is not None:
            values[field] = convert(value)
    return values


_CASE_FIELDS = frozenset(f.name for f in fields(CaseFacts))
_CASE_STEPS: dict[str, tuple[Change, ...]] = {
    name: tuple(c for c in cls.changes if c.field in _CASE_FIELDS) for name, cls in CASE_EVENT_CLASSES.items()
}
_AS_CASE_FACTS: dict[str, Callable[[Any], Any]] = {
    "kind": str,
    "appealed": as_date,
    "responded": as_date,
    "decisions": lambda decisions: tuple((day, str(result)) for day, result in decisions),
}


def fold_case(facts: CaseFacts | None, event: Any) -> CaseFacts | None:
    """Return the case facts after one appeal event (as its event class's `changes` say, domain/appeal.py)."""
    changes = _CASE_STEPS.get(event.name)
    if changes is None:
        return facts  # a reminder: it changes no fact
    if event.name == "appealed":
        return CaseFacts(**_converted(changed_fields(changes, _unset, event), _AS_CASE_FACTS))
    if facts is None:
        return None
    new = _converted(changed_fields(changes, functools.partial(getattr, facts), event), _AS_CASE_FACTS)
    return replace(facts, **new) if new else facts


def count_into(
    counts: Counter[CountKey],
    agency: str,
    received_month: str,
    applicant_type: str,
    closed_month: str | None,
    outcome: str | None,
    fees: Iterable[tuple[str, int]],
) -> None:
    """Add what one live application counts in the monthly tables (the one statement of it, DOMAIN.md §2).

    `new` in its month of receipt, its outcome in its month of closing, both in its applicant type's column;
    each fee paid, in fen, in its month. Tables 三 and 四 of any period are sums of these counts
    (projections/tables.py); a voided application counts nothing.
    """
    counts[(agency, received_month, "new", applicant_type)] += 1
    if closed_month is not None and outcome is not None:
        counts[(agency, closed_month, outcome, applicant_type)] += 1
    for month, fen in fees:
        counts[(agency, month, FEES_ROW, "total")] += fen


def contributions(facts: RequestFacts | None) -> Counter[CountKey]:
    """Return what one application adds to the monthly counts (`count_into`)."""
    counts: Counter[CountKey] = Counter()
    if facts is None or facts.voided:
        return counts
    closed = month_of(facts.closed) if facts.closed is not None else None
    fees = ((month_of(paid), fen) for paid, fen in facts.fees_fen)
    count_into(counts, facts.agency, month_of(facts.received), facts.applicant_type, closed, facts.outcome, fees)
    return counts


def delta(before: RequestFacts | None, after: RequestFacts | None) -> Counter[CountKey]:
    """Return the change in counts when an application's facts change (zero entries dropped)."""
    change = contributions(after)
    change.subtract(contributions(before))
    return Counter({key: n for key, n in change.items() if n})
