"""A filed month stays true (docs/tables.md): the figures a filing keeps, and the changes noticed after a recording."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventsourcing.application import AggregateNotFoundError

from domain.agency import Agency, agency_id
from domain.filing import Amendment, FiledFigures, FilingChanges, amendment_json, compare_filing, figures_of
from projections.ledger import listed

if TYPE_CHECKING:
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
        """Return the month's figures as a filing keeps them: the tables, and the numbers its two forms list."""
        tables = self.tables(month)
        if self._requests is None:  # every application of the agency: read only when a month needs its list
            self._requests = self.tracker.view.requests(self.agency)
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


def changed_filings(tracker: Tracker, code: str) -> dict[str, tuple[FilingChanges, FiledFigures]]:
    """Return each filed month of an agency whose figures now differ from its last filing: the changes, the figures."""
    agency = load_agency(tracker, code)
    if agency is None:
        return {}
    now = MonthFigures(tracker, code)
    found: dict[str, tuple[FilingChanges, FiledFigures]] = {}
    for month, filed in sorted(agency.filings.items()):
        if filed.last is None:
            continue  # filed before figures were kept: nothing to compare
        tables = now.tables(month)
        if (tables.applications, tables.appeals) == (filed.last.applications, filed.last.appeals):
            continue  # no figure moved (the forms' lists are read only for a month whose figures did)
        figures = now(month)
        if changes := compare_filing(month, filed.last, figures):
            found[month] = (changes, figures)
    return found


def note_changed_filings(tracker: Tracker, codes: Iterable[str]) -> list[FilingChanges]:
    """After a recording: record `filed_month_changed` for each filed month it changed; return the changes to warn of.

    A month already noted with the same figures is not noted again (each change is warned of once). Another process
    may save the agency meanwhile (a reminder): the note is then made again on the agency as it is now.
    """
    from storage.concurrency import is_busy, is_conflict, retrying

    warned: list[FilingChanges] = []
    for code in sorted(set(codes)):
        warned += retrying(functools.partial(_note, tracker, code), retry_on=lambda e: is_conflict(e) or is_busy(e))
    if warned:
        tracker.catch_up()
    return warned


def _note(tracker: Tracker, code: str) -> list[FilingChanges]:
    found = changed_filings(tracker, code)
    agency = load_agency(tracker, code) if found else None
    if agency is None:
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
