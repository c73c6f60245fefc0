"""Fold events into what is known of each agency: its name, first event, filings and reports (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from projections.facts import replace


@dataclass(frozen=True, slots=True)
class AgencyFacts:
    """An agency as the deadlines and report headings need it."""

    agency: str
    first_date: dt.date
    name: str | None = None
    filed_months: frozenset[str] = frozenset()
    published_years: frozenset[int] = frozenset()


def fold_agency(facts: AgencyFacts | None, event: Any) -> AgencyFacts:
    """Return the agency's facts after any event of that agency."""
    if facts is None:
        facts = AgencyFacts(event.agency, event.date)
    elif event.date < facts.first_date:
        facts = replace(facts, first_date=event.date)
    match event.name:
        case "agency_named":
            return replace(facts, name=event.agency_name)
        case "monthly_filing_submitted":
            return replace(facts, filed_months=facts.filed_months | {event.month})
        case "annual_report_published":
            return replace(facts, published_years=facts.published_years | {event.year})
    return facts
