"""The working-day arrangements an agency adds from the State Council's notice, as events (store-wide).

The notice is national, so one aggregate per store holds every added year; a later addition for the same
year replaces an earlier one. `gongkai calendar add` records `calendar_year_added`; the deadlines are
computed on read, so every open deadline that needed the year is recomputed from then on.
"""

from __future__ import annotations

import datetime as dt
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import Field

from domain.calendar import YearArrangement
from domain.event import AggregateEvent, KeepsHistory
from domain.values import IsoDate, Text

CALENDAR_ID: UUID = uuid5(NAMESPACE_URL, "gongkai:calendar")


class CalendarYears(KeepsHistory, BaseAggregate[UUID]):
    """The years of holiday arrangements recorded in this store."""

    class Event(AggregateEvent):
        """An event of this aggregate."""

    class Opened(Event, CanInitAggregate[UUID]):
        """The store's first calendar fact (implicit)."""

        name = "calendar_opened"

    class YearAdded(Event):
        """A year's arrangement from the State Council's notice: the weekdays off and the weekend workdays."""

        name = "calendar_year_added"
        year: int = Field(ge=2000, le=2200, strict=True)
        holidays: tuple[IsoDate, ...]
        workdays: tuple[IsoDate, ...]
        source: Text

        def evolve(self, calendar: CalendarYears) -> None:
            calendar.years[self.year] = self.arrangement()

        def arrangement(self) -> YearArrangement:
            """Return the arrangement the event records."""
            return YearArrangement(self.year, frozenset(self.holidays), frozenset(self.workdays), self.source)

    def __init__(self) -> None:
        self.history: list[CalendarYears.Event] = []
        self.years: dict[int, YearArrangement] = {}

    def arrangements(self) -> list[YearArrangement]:
        """Return the latest arrangement of every added year, by year."""
        return [self.years[year] for year in sorted(self.years)]

    def add_year(self, arrangement: YearArrangement, *, date: dt.date, agency: str, clerk: str) -> bool:
        """Record a validated arrangement; return False when the same one is already the year's."""
        arrangement.validate()
        if self.years.get(arrangement.year) == arrangement:
            return False
        self.trigger_event(
            CalendarYears.YearAdded,
            date=date,
            agency=agency,
            clerk=clerk,
            year=arrangement.year,
            holidays=tuple(sorted(arrangement.holidays)),
            workdays=tuple(sorted(arrangement.workdays)),
            source=arrangement.source,
        )
        return True
