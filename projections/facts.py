"""The facts the tables keep: one row per application and per appeal case, and what each counts (pure, light).

The folds that build them are projections/fold.py (`fold_request`, `fold_case`), from the event classes' changes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, TypeVar

from domain.counting import FEES_ROW as FEES_ROW  # re-exported: the tables' row of fees
from domain.counting import CountKey as CountKey
from domain.counting import count_into
from domain.months import month_of


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
        """Return the case's latest result dated on or before `day`, else `pending` (docs/tables.md)."""
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
