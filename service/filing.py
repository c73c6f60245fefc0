"""A filed month stays true (docs/tables.md): the figures a filing keeps, and the changes noticed after a recording."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from eventsourcing.application import AggregateNotFoundError

from domain.agency import Agency, agency_id
from domain.appeal import AppealCase
from domain.filing import Amendment, FiledFigures, FilingChanges, amendment_json, compare_filing, figures_of
from domain.months import month_bounds
from projections.ledger import listed

if TYPE_CHECKING:
    from domain.book import Book
    from domain.request import Request
    from projections.decode import FoldEvent
    from projections.facts import CaseFacts, RequestFacts
    from service.tracker import Tracker


@dataclass
class MonthFigures:
    """A month's figures now, for one agency, from the maintained tables (each table read once for several months)."""

    tracker: Tracker
    agency: str
    _counts: dict[tuple[str, str, str], int] | None = None
    _cases: list[CaseFacts] | None = None
    _requests: list[RequestFacts] | None = None
    _since: dt.date | None = None  # the applications read are those not closed before this day

    def tables(self, month: str) -> FiledFigures:
        """Return the month's tables 三 and 四 alone (what `report monthly` prints), without what its forms list."""
        from domain.codes import TableFormat
        from projections.tables import Period, build_report

        if self._counts is None or self._cases is None:
            self._counts = self.tracker.view.month_counts(self.agency)
            self._cases = self.tracker.view.cases(self.agency)
        chosen = TableFormat.for_year(int(month[:4]))
        report = build_report(self._counts, self._cases, Period(month), chosen, agency="", agency_code="")
        return figures_of(report, (), ())

    def __call__(self, month: str) -> FiledFigures:
        """Return the month's figures as a filing keeps them: the tables, and the numbers its two forms list.

        Its list is chosen from the applications not closed before the month (read when a month first needs them,
        again only for an earlier month): one closed before is in no later month's list (`listed`).
        """
        tables = self.tables(month)
        first = month_bounds(month)[0]
        if self._requests is None or self._since is None or first < self._since:
            self._requests = self.tracker.view.requests(self.agency, not_closed_before=first)
            self._since = first
        rows, cases = listed(month, self._requests, self._cases or [])
        listing = {"ledger": tuple(r.number for r in rows), "cases": tuple(c.number for c in cases)}
        return tables.model_copy(update=listing)


def month_figures(tracker: Tracker, month: str) -> FiledFigures:
    """Return the figures `file-monthly` keeps: the month's tables 三 and 四 and what its two forms list."""
    tracker.catch_up()
    return MonthFigures(tracker, tracker.agency)(month)


def load_agency(tracker: Tracker, code: str) -> Agency | None:
    """Return an agency's aggregate, None when nothing was recorded for it."""
    try:
        found: object = tracker.app.repository.get(agency_id(code))
    except AggregateNotFoundError:
        return None
    return found if isinstance(found, Agency) else None


def changed_filings(
    tracker: Tracker, code: str, months: Iterable[str], agency: Agency | None = None
) -> dict[str, tuple[FilingChanges, FiledFigures]]:
    """Return each of the given months, filed with figures, whose figures now differ from its last filing.

    Each month is compared whole (`compare_filing`: tables 三 and 四 and what its two forms list).
    """
    agency = agency if agency is not None else load_agency(tracker, code)
    if agency is None:
        return {}
    now = MonthFigures(tracker, code)
    found: dict[str, tuple[FilingChanges, FiledFigures]] = {}
    for month in sorted(set(months)):
        filed = agency.filings.get(month)
        if filed is None or filed.last is None:
            continue  # not filed, or filed before figures were kept: nothing to compare
        figures = now(month)
        if changes := compare_filing(month, filed.last, figures):
            found[month] = (changes, figures)
    return found


def note_changed_filings(tracker: Tracker, book: Book) -> list[FilingChanges]:
    """After a book's lines were saved: record `filed_month_changed` for each filed month they changed; return the
    changes to warn of.

    Only the filed months the lines' applications and cases touch are compared (`touched_filed_months`); when they
    touch none, nothing more is read. A month already noted with the same figures is not noted again (each change is
    warned of once). Another process may save the agency meanwhile (a reminder): the note is then made again on the
    agency as it is now.
    """
    from storage.concurrency import is_busy, is_conflict, retrying

    warned: list[FilingChanges] = []
    for code, months in sorted(touched_filed_months(book).items()):
        note = functools.partial(_note, tracker, code, months)
        warned += retrying(note, retry_on=lambda e: is_conflict(e) or is_busy(e))
    if warned:
        tracker.catch_up()
    return warned


def filed_with_figures(agency: Agency | None) -> set[str]:
    """Return the months an agency filed with their figures (those a later change is compared with)."""
    if agency is None:
        return set()
    return {month for month, filed in agency.filings.items() if filed.last is not None}


def touched_filed_months(book: Book) -> dict[str, set[str]]:
    """Return, per agency, its months filed with figures whose figures or forms the book's lines can have changed.

    The book holds each agency's aggregate already (the closed-year check loads it for every line), so an agency
    with no month filed with figures costs no read; the applications' and cases' facts before and after the lines
    come from their histories, folded as the tables fold them (`projections.fold`): nothing else is read.
    """
    if not any(filed_with_figures(agency) for agency in book.agencies()):
        return {}  # nothing filed with figures: the touched applications need not be looked at (a bulk import)
    filed: dict[str, set[str]] = {}
    found: dict[str, set[str]] = {}
    for aggregate, stored in book.touched():
        code = aggregate.agency
        if code not in filed:
            loaded = book.get(agency_id(code))
            filed[code] = filed_with_figures(loaded if isinstance(loaded, Agency) else None)
        if filed[code] and (months := _touched(aggregate, stored, filed[code])):
            found.setdefault(code, set()).update(months)
    return found


def _touched(aggregate: Request | AppealCase, stored: int, filed: set[str]) -> set[str]:
    """Return the filed months an application's or case's events after the first `stored` can have changed."""
    from projections.filed_months import case_months, is_voided, request_months, voiding_months
    from projections.fold import fold_case, fold_request

    if isinstance(aggregate, AppealCase):
        case = _states(fold_case, aggregate.history)
        return case_months(case[stored], case[-1], filed)
    states = _states(fold_request, aggregate.history)
    before, after = states[stored], states[-1]
    months = request_months(before, after, filed)
    if is_voided(before) != is_voided(after):
        months |= voiding_months(states, filed)
    return months


F = TypeVar("F")


def _states(fold: Callable[[F | None, FoldEvent], F | None], history: Sequence[FoldEvent]) -> list[F | None]:
    """Return an aggregate's facts before its first event, then after each (the tables' fold, event by event)."""
    states: list[F | None] = [None]
    for event in history:
        states.append(fold(states[-1], event))
    return states


def _note(tracker: Tracker, code: str, months: set[str]) -> list[FilingChanges]:
    agency = load_agency(tracker, code)
    found = changed_filings(tracker, code, months, agency)
    if agency is None or not found:
        return []
    warned = []
    for month, (changes, figures) in found.items():
        if agency.filings[month].noted == figures:
            continue
        agency.trigger_event(
            Agency.FiledMonthChanged,
            month=month,
            figures=figures,
            date=tracker.settings.today,
            agency=code,
            clerk=tracker.settings.clerk,
        )
        warned.append(changes)
    if agency.pending_events:
        tracker.app.save(agency)
    return warned


def amendment(tracker: Tracker, month: str) -> Amendment | None:
    """Return what changed in a filed month against its first filing (the documents mark it 更正), None if nothing."""
    tracker.catch_up()
    agency = load_agency(tracker, tracker.agency)
    filed = agency.filings.get(month) if agency is not None else None
    if filed is None or filed.first is None:
        return None
    changes = compare_filing(month, filed.first, MonthFigures(tracker, tracker.agency)(month))
    return amendment_json(filed, changes) if changes else None
