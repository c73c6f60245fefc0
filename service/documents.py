"""The documents a clerk hands in: the monthly filing's ledger and the annual report's monthly series."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.application import AggregateNotFoundError

from domain.appeal import AppealCase, case_id
from domain.request import Request, request_id
from domain.values import month_bounds
from projections.ledger import Ledger, build_ledger
from projections.render.charts import MonthlyPoint

if TYPE_CHECKING:
    from uuid import UUID

    from domain.book import Aggregate
    from service.tracker import Tracker


def load_aggregate(tracker: Tracker, aggregate_id: UUID) -> Aggregate | None:
    """Return an aggregate of the store, or None if nothing was recorded under that id."""
    try:
        found: Aggregate = tracker.app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None
    return found


def monthly_ledger(tracker: Tracker, month: str) -> Ledger:
    """Load the applications and cases active in a month and return the month's ledger."""
    tracker.catch_up()
    code = tracker.agency
    first, last = month_bounds(month)
    candidates = [
        f
        for f in tracker.view.requests(code)
        if not f.voided and f.received <= last and (f.closed is None or f.closed >= first)
    ]
    cases = [c for c in tracker.view.cases(code) if c.appealed <= last]
    numbers = {f.number for f in candidates} | {c.request for c in cases}
    requests = [
        r for r in (load_aggregate(tracker, request_id(code, n)) for n in sorted(numbers)) if isinstance(r, Request)
    ]
    appeals = [
        a for a in (load_aggregate(tracker, case_id(code, c.number)) for c in cases) if isinstance(a, AppealCase)
    ]
    from service.clerk_views import deadline_rules
    from service.deadlines import working_calendar

    # The local rules and the store's calendar years, as `due` uses them (报备 on time, the reply deadline).
    return build_ledger(month, requests, appeals, rules=deadline_rules(), calendar=working_calendar(tracker.app))


def monthly_series(tracker: Tracker, year: int) -> list[MonthlyPoint]:
    """Return (month, received, answered) for each month of a year, from the maintained counts."""
    tracker.catch_up()
    counts = tracker.view.month_counts(tracker.agency)
    series = []
    for month in (f"{year}-{m:02d}" for m in range(1, 13)):
        received = sum(n for (m, row, _), n in counts.items() if m == month and row == "new")
        answered = sum(n for (m, row, _), n in counts.items() if m == month and row not in ("new", "fees_fen"))
        series.append((month, received, answered))
    return series
