"""The agency aggregate: its name and the documents it hands in (monthly filings, annual reports)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate
from pydantic import Field

from domain.errors import RefusedError
from domain.event import DomainEvent
from domain.values import Month, Text, month_bounds


def agency_id(agency: str) -> UUID:
    """Return the aggregate id of an agency code."""
    return uuid5(NAMESPACE_URL, f"gongkai:agency:{agency}")


class Agency(BaseAggregate[UUID]):
    """An agency's own facts, which belong to no single application."""

    class Event(DomainEvent, CanMutateAggregate[UUID]):
        def apply(self, aggregate: Any) -> None:
            aggregate.history.append(self)
            self.evolve(aggregate)

        def evolve(self, agency: Agency) -> None:
            """Change the agency's state."""

    class Opened(Event, CanInitAggregate[UUID]):
        """The first fact recorded for an agency (implicit: no import line)."""

        name = "agency_opened"

        def evolve(self, agency: Agency) -> None:
            agency.code = self.agency

    class Named(Event):
        name = "agency_named"
        agency_name: Text

        def evolve(self, agency: Agency) -> None:
            agency.agency_name = self.agency_name

    class MonthlyFilingSubmitted(Event):
        name = "monthly_filing_submitted"
        month: Month

        def evolve(self, agency: Agency) -> None:
            agency.filed_months.add(self.month)

    class AnnualReportPublished(Event):
        name = "annual_report_published"
        year: int = Field(ge=2008, le=2200, strict=True)

        def evolve(self, agency: Agency) -> None:
            agency.published_years.add(self.year)

    def __init__(self) -> None:
        self.history: list[Agency.Event] = []
        self.code = ""
        self.agency_name: str | None = None
        self.filed_months: set[str] = set()
        self.published_years: set[int] = set()

    def holds(self, name: str, date: dt.date, fields: dict[str, Any]) -> bool:
        """Tell whether the history already records this fact."""
        return any(event.same_fact(name, date, fields) for event in self.history)

    def check_step(self, name: str, date: dt.date, fields: dict[str, Any]) -> None:
        """Refuse a filing dated within its own month, or a report within its own year."""
        if name == "monthly_filing_submitted" and date <= month_bounds(fields["month"])[1]:
            raise RefusedError(
                f"机关 {self.code}",
                f"the filing for {fields['month']} is dated {date}, within that month",
                "a monthly filing is submitted after its month ends",
                "date",
            )
        if name == "annual_report_published" and date.year <= fields["year"]:
            raise RefusedError(
                f"机关 {self.code}",
                f"the annual report for {fields['year']} is dated {date}, within that year",
                "an annual report is published after its year ends",
                "date",
            )


AGENCY_EVENT_CLASSES: dict[str, type[Agency.Event]] = {
    cls.name: cls for cls in (Agency.Named, Agency.MonthlyFilingSubmitted, Agency.AnnualReportPublished)
}
