"""Closed years (年度结账): which facts of an application a closed year's tables count, and the hash of those tables.

Pure: a year's tables are the contract JSON of DOMAIN.md §2; the projection computes them, this module only
says how they are fingerprinted and whether a step would change what a closed year counted.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from domain.changes import as_date, changed_fields
from domain.request import EVENT_CLASSES

# Keys of the report JSON that are not the tables (the agency's name may change without changing a number).
_NOT_TABLES = frozenset({"agency", "closed_year"})
# Steps that can change the tables of a year other than their own date's (DOMAIN.md §2: corrections, voiding).
RETROACTIVE_STEPS = frozenset({"classified", "corrected", "voided"})


def tables_of(report: Mapping[str, Any]) -> dict[str, Any]:
    """Return the part of a report that a close freezes: year, format, agency code, tables 三 and 四, fees."""
    return {key: value for key, value in report.items() if key not in _NOT_TABLES}


def tables_hash(report: Mapping[str, Any]) -> str:
    """Return the sha256 of a report's tables as canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(tables_of(report), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class YearClose:
    """A closed year: the day it was closed and the tables it froze."""

    year: int
    closed_on: dt.date
    sha256: str
    report: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Counted:
    """What the tables of any year count of one application."""

    received: dt.date
    closed: dt.date | None
    applicant_type: str
    outcome: str | None
    voided: bool

    def footprint(self, year: int) -> tuple[Any, ...] | None:
        """Return what the application adds to a year's table 三 (None: it is not in that year's table)."""
        if self.voided or self.received.year > year or (self.closed is not None and self.closed.year < year):
            return None
        closed_here = self.closed is not None and self.closed.year == year
        return (
            self.applicant_type,
            self.received.year == year,
            self.outcome if closed_here else None,
            self.closed is None or self.closed.year > year,
        )

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
    return sorted(year for year in years if before.footprint(year) != after.footprint(year))
