"""Fold events into what is known of each agency: its name, first event, filings and reports (pure)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, fields
from typing import Any

from domain.agency import AGENCY_EVENT_CLASSES
from domain.changes import Change, changed_fields
from projections.facts import replace


@dataclass(frozen=True, slots=True)
class AgencyFacts:
    """An agency as the deadlines and report headings need it."""

    agency: str
    first_date: dt.date
    name: str | None = None
    filed_months: frozenset[str] = frozenset()
    published_years: frozenset[int] = frozenset()


_FIELDS = frozenset(f.name for f in fields(AgencyFacts))
_STEPS: dict[str, tuple[Change, ...]] = {
    name: tuple(c for c in cls.changes if c.field in _FIELDS) for name, cls in AGENCY_EVENT_CLASSES.items()
}


def fold_agency(facts: AgencyFacts | None, event: Any) -> AgencyFacts:
    """Return the agency's facts after any event of that agency (its own: as the event class's `changes` say)."""
    if facts is None:
        facts = AgencyFacts(event.agency, event.date)  # an agency is known from its first event of any kind
    elif event.date < facts.first_date:
        facts = replace(facts, first_date=event.date)
    changes = _STEPS.get(event.name)
    if not changes:
        return facts
    return replace(facts, **changed_fields(changes, functools.partial(getattr, facts), event))
