"""Fold a run of events into changed facts and count deltas: shared by the catch-up and the replay (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from domain.agency import Agency
from domain.appeal import AppealCase
from domain.calendar_years import CalendarYears
from domain.request import Request
from projections.agencies import AgencyFacts, fold_agency
from projections.facts import CaseFacts, CountKey, RequestFacts, delta, fold_case, fold_request

Key = tuple[str, str]  # (agency, number)


@dataclass
class Changes:
    """Facts after a run of events, the facts before it, and the counts' change."""

    requests: dict[Key, RequestFacts | None] = field(default_factory=dict)
    cases: dict[Key, CaseFacts | None] = field(default_factory=dict)
    agencies: dict[str, AgencyFacts] = field(default_factory=dict)
    counts: Counter[CountKey] = field(default_factory=Counter)


def fold_events(
    events: Iterable[Any],
    load_requests: Callable[[set[Key]], dict[Key, RequestFacts]],
    load_cases: Callable[[set[Key]], dict[Key, CaseFacts]],
    load_agencies: Callable[[set[str]], dict[str, AgencyFacts]],
) -> Changes:
    """Apply events in order to the facts they touch (loaded once) and return what changed."""
    events = list(events)
    request_keys = {(e.agency, e.request) for e in events if isinstance(e, Request.Event)}
    case_keys = {(e.agency, e.case) for e in events if isinstance(e, AppealCase.Event)}
    before = load_requests(request_keys)
    changes = Changes(
        requests=dict(before),
        cases=dict(load_cases(case_keys)),
        agencies=dict(load_agencies({e.agency for e in events})),
    )
    for event in events:
        if isinstance(event, CalendarYears.Event):
            continue  # the working-day calendar is the whole store's, no agency's, and counts in no table
        changes.agencies[event.agency] = fold_agency(changes.agencies.get(event.agency), event)
        if isinstance(event, Request.Event):
            key = (event.agency, event.request)
            changes.requests[key] = fold_request(changes.requests.get(key), event)
        elif isinstance(event, AppealCase.Event):
            key = (event.agency, event.case)
            changes.cases[key] = fold_case(changes.cases.get(key), event)
        elif not isinstance(event, Agency.Event):
            raise TypeError(f"unknown event {type(event).__qualname__}")
    for key, after in changes.requests.items():
        changes.counts.update(delta(before.get(key), after))
    return changes
