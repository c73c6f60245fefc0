"""What is known of each agency: its name, first event, filings, reports (pure, light; projections/fold.py folds it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AgencyFacts:
    """An agency as the deadlines and report headings need it."""

    agency: str
    first_date: dt.date
    name: str | None = None
    filed_months: frozenset[str] = frozenset()
    published_years: frozenset[int] = frozenset()
