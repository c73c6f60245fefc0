"""The deadline use cases: the working-day calendar of the store, open deadlines as of a date, one request's status.

Deadlines are computed on read from the events and the calendar, never stored: adding a calendar year or
recording a step changes them at once. Candidates come from the maintained view; each candidate's whole
history is then loaded and `domain.deadlines` decides, counting only events dated on or before the as-of date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.agency import Agency, agency_id
from domain.agency_deadlines import agency_deadlines, amendment_deadlines, filings_as_of
from domain.appeal import AppealCase, case_id
from domain.calendar import WorkingCalendar, YearArrangement
from domain.calendar_years import CALENDAR_ID, CalendarYears
from domain.case_deadlines import case_deadlines
from domain.deadlines import Deadline, DeadlineRules, sort_deadlines
from domain.request import Request, request_id
from domain.request_deadlines import request_deadlines
from projections.agencies import AgencyFacts
from projections.facts import CaseFacts, RequestFacts

if TYPE_CHECKING:
    from service.tracker import Tracker
    from storage.protocols import EventStore

Owner = Request | AppealCase | Agency
A = TypeVar("A", Request, AppealCase, Agency)


@dataclass(frozen=True)
class OpenDeadline:
    """An open deadline and the aggregate its reminders are recorded on (None: an agency not yet opened)."""

    deadline: Deadline
    owner_id: UUID
    owner: Owner | None
    agency: str


def load(app: EventStore, aggregate_id: UUID) -> Owner | CalendarYears | None:
    """Return an aggregate with its whole history, or None if the store has none with this id."""
    try:
        found: Owner | CalendarYears = app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None
    return found


def _loaded(app: EventStore, aggregate_id: UUID, kind: type[A]) -> A | None:
    """Return an aggregate of a kind, or None if the store has none of it with this id."""
    found = load(app, aggregate_id)
    return found if isinstance(found, kind) else None


# -- the calendar ------------------------------------------------------------------------------------


def calendar_years(app: EventStore) -> CalendarYears | None:
    """Return the store's recorded calendar years, or None when nobody has added one."""
    found = load(app, CALENDAR_ID)
    return found if isinstance(found, CalendarYears) else None


def working_calendar(app: EventStore) -> WorkingCalendar:
    """Return the working-day calendar: the years the agency added, else the chinesecalendar package."""
    years = calendar_years(app)
    return WorkingCalendar(years.arrangements() if years else ())


def add_calendar_year(tracker: Tracker, arrangement: YearArrangement, *, date: dt.date) -> bool:
    """Record a year's arrangement from the State Council's notice; return False if it is already recorded."""
    years = calendar_years(tracker.app)
    who = {"agency": tracker.agency, "clerk": tracker.settings.clerk}
    if years is None:
        years = CalendarYears._create(CalendarYears.Opened, id=CALENDAR_ID, date=date, **who)
    added = years.add_year(arrangement, date=date, **who)
    if years.pending_events:
        tracker.app.save(years)
    return added


# -- open deadlines ----------------------------------------------------------------------------------


def _request_candidate(facts: RequestFacts, as_of: dt.date) -> bool:
    """Tell whether an application may have a deadline open on `as_of` (its history decides)."""
    if facts.received > as_of:
        return False
    open_then = facts.closed is None or facts.closed > as_of
    unregistered_then = facts.registered is None or facts.registered > as_of
    return open_then or unregistered_then


def _case_candidate(facts: CaseFacts, as_of: dt.date) -> bool:
    if facts.appealed > as_of or (facts.responded is not None and facts.responded <= as_of):
        return False
    return not any(day <= as_of for day, _result in facts.decisions)


def _owner_deadlines(
    app: EventStore,
    agency: str,
    owners: list[RequestFacts | CaseFacts],
    as_of: dt.date,
    rules: DeadlineRules,
    cal: WorkingCalendar,
) -> Iterator[OpenDeadline]:
    """Yield the open deadlines of the applications and cases whose facts say one may be open on `as_of`."""
    owner: Owner | None
    for facts in owners:
        if isinstance(facts, RequestFacts):
            if not _request_candidate(facts, as_of):
                continue
            owner_id = request_id(agency, facts.number)
            owner = request = _loaded(app, owner_id, Request)
            deadlines = request_deadlines(request, as_of, rules, cal) if request is not None else []
        else:
            if not _case_candidate(facts, as_of):
                continue
            owner_id = case_id(agency, facts.number)
            owner = case = _loaded(app, owner_id, AppealCase)
            deadlines = case_deadlines(case, as_of, rules, cal) if case is not None else []
        for deadline in deadlines:
            yield OpenDeadline(deadline, owner_id, owner, agency)


def _agency_deadlines(
    tracker: Tracker, facts: AgencyFacts, as_of: dt.date, rules: DeadlineRules, cal: WorkingCalendar
) -> Iterator[OpenDeadline]:
    from service.filing import changed_filings

    app = tracker.app
    owner_id = agency_id(facts.agency)
    agency = load(app, owner_id)
    handed_in = [e for e in agency.history if e.date <= as_of] if isinstance(agency, Agency) else []
    months = {e.month for e in handed_in if isinstance(e, Agency.MonthlyFilingSubmitted)}
    years = {e.year for e in handed_in if isinstance(e, Agency.AnnualReportPublished)}
    found = agency_deadlines(facts.first_date, months, years, as_of, rules, cal)
    if isinstance(agency, Agency):
        filings = filings_as_of(agency.history, as_of)
        changed = [month for month, filed in filings.items() if filed.changed_on is not None]
        if changed:
            differing = set(changed_filings(tracker, facts.agency, changed, agency))
            found += amendment_deadlines(filings, differing, as_of, rules, cal)
    for deadline in found:
        yield OpenDeadline(deadline, owner_id, agency if isinstance(agency, Agency) else None, facts.agency)


def open_deadlines(
    tracker: Tracker,
    *,
    as_of: dt.date,
    rules: DeadlineRules,
    calendar: WorkingCalendar,
    agencies: list[str] | None = None,
) -> list[OpenDeadline]:
    """Return every deadline open on `as_of` for the given agencies (default: the one commands act for)."""
    tracker.catch_up()
    codes = agencies if agencies is not None else [tracker.agency]
    view, app = tracker.view, tracker.app
    found: list[OpenDeadline] = []
    for code in codes:
        owners: list[RequestFacts | CaseFacts] = [*view.requests(code), *view.cases(code)]
        found += _owner_deadlines(app, code, owners, as_of, rules, calendar)
        for facts in view.agencies():
            if facts.agency == code:
                found += _agency_deadlines(tracker, facts, as_of, rules, calendar)
    order = {id(d): n for n, d in enumerate(sort_deadlines(o.deadline for o in found))}
    return sorted(found, key=lambda o: order[id(o.deadline)])


def within(deadlines: list[Deadline], as_of: dt.date, days: int | None) -> list[Deadline]:
    """Keep the deadlines due within `days` calendar days of `as_of`, with every overdue or undated one."""
    if days is None:
        return deadlines
    last = as_of + dt.timedelta(days=days)
    return [d for d in deadlines if d.due is None or d.due <= last]


@dataclass(frozen=True)
class Status:
    """One application's open deadlines, with those of its appeal cases, and the reminders sent about them."""

    request: Request
    deadlines: list[Deadline]
    reminders: list[Request.ReminderSent]


def request_status(
    tracker: Tracker, number: str, *, as_of: dt.date, rules: DeadlineRules, calendar: WorkingCalendar
) -> Status:
    """Return an application's deadlines as of a date, each explained step by step."""
    request = tracker.request(number)
    deadlines = request_deadlines(request, as_of, rules, calendar)
    for case in tracker.cases_of(request.number):
        deadlines += case_deadlines(case, as_of, rules, calendar)
    reminders = [e for e in request.history if isinstance(e, Request.ReminderSent) and e.date <= as_of]
    return Status(request, sort_deadlines(deadlines), reminders)
