"""What one application adds to a period's table 三 (its footprint), and whether a step would change a closed year's.

What an application counts is `count_into` (domain/counting.py), the one statement the tables are summed from;
how a step changes the application is its event class's `changes` (domain/request.py). A period's table 三 (a
year or a month) holds of one application its counts within the period and what it carries in from before it
(received, not yet closed, in its applicant type's column): its footprint in that period (`footprint`). The
closed-year check (年度结账, `changed_years`) and the filed-month check (projections/filed_months.py) compare
footprints before and after a change. Pure.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from domain.changes import as_date, changed_fields
from domain.counting import FEES_ROW, CountKey, count_into
from domain.months import month_of
from domain.request import EVENT_CLASSES

# Steps that can change the tables of a year other than their own date's (docs/counting.md: corrections, voiding).
RETROACTIVE_STEPS = frozenset({"classified", "corrected", "voided"})
Footprint = tuple[tuple[tuple[str, str, int], ...], tuple[tuple[str, int], ...]]


@dataclass(frozen=True, slots=True)
class Counted:
    """What the tables of any year count of one application."""

    received: dt.date
    closed: dt.date | None
    applicant_type: str
    outcome: str | None
    voided: bool

    def footprint(self, period: str) -> Footprint | None:
        """Return what the application adds to a period's table 三 (a year "2025", a month "2025-11")."""
        counts: Counter[CountKey] = Counter()
        if not self.voided:
            closed = month_of(self.closed) if self.closed is not None else None
            count_into(counts, "", month_of(self.received), self.applicant_type, closed, self.outcome, ())
        return footprint(counts, period)

    def after(self, name: str, date: dt.date, fields: Mapping[str, Any]) -> Counted:
        """Return the counted facts after a step, as its event class's changes say (domain/request.py)."""
        cls = EVENT_CLASSES.get(name)
        if cls is None:
            return self
        changes = [change for change in cls.changes if change.field in _COUNTED]
        new = changed_fields(changes, functools.partial(getattr, self), _Step(date, fields))
        return replace(self, **{field: _AS_COUNTED[field](value) for field, value in new.items()})


class _Step:
    """A line's fields read as an event's attributes (a field the line does not give is None)."""

    def __init__(self, date: dt.date, fields: Mapping[str, Any]) -> None:
        self.date, self._fields = date, fields

    def __getattr__(self, name: str) -> Any:
        return self._fields.get(name)


def footprint(counts: Mapping[CountKey, int], period: str) -> Footprint | None:
    """Return what an application's counts add to a period's table 三 (None: it is not in that period's table).

    The period is a year ("2025") or a month ("2025-11"): the counts within it, row by row, and what it carries in
    from before it, column by column (received before it, less closed before it). Fees are no cell of table 三.
    """
    size = len(period)
    within = tuple(
        sorted(
            (row, column, n)
            for (_, month, row, column), n in counts.items()
            if month[:size] == period and row != FEES_ROW
        )
    )
    carried: Counter[str] = Counter()
    for (_, month, row, column), n in counts.items():
        if month[:size] < period and row != FEES_ROW:
            carried[column] += n if row == "new" else -n
    carried_in = tuple(sorted((column, n) for column, n in carried.items() if n))
    return (within, carried_in) if within or carried_in else None


_COUNTED = frozenset(field.name for field in fields(Counted))
# How Counted holds what the changes set: dates as dates (a line's dates are ISO text), codes as text.
_AS_COUNTED: dict[str, Any] = {
    "received": as_date,
    "closed": as_date,
    "applicant_type": str,
    "outcome": lambda code: None if code is None else str(code),
    "voided": bool,
}


def changed_years(
    before: Counted, name: str, fields: Mapping[str, Any], years: set[int], *, date: dt.date
) -> list[int]:
    """Return the given years whose table 三 a retroactive step dated `date` would change."""
    if name not in RETROACTIVE_STEPS:
        return []
    after = before.after(name, date, fields)
    return sorted(year for year in years if before.footprint(str(year)) != after.footprint(str(year)))
