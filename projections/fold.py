"""Fold a run of events into changed facts and count deltas: shared by the catch-up and the replay (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from projections.agencies import AgencyFacts, fold_agency
from projections.decode import AGENCY, CALENDAR, CASE, REQUEST, Slim, family_of
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
    families = [_family(e) for e in events]
    request_keys = {(e.agency, e.request) for e, f in zip(events, families, strict=True) if f == REQUEST}
    case_keys = {(e.agency, e.case) for e, f in zip(events, families, strict=True) if f == CASE}
    before = load_requests(request_keys)
    changes = Changes(
        requests=dict(before),
        cases=dict(load_cases(case_keys)),
        agencies=dict(load_agencies({e.agency for e in events})),
    )
    fold_into(events, families, changes.requests, changes.cases, changes.agencies)
    for key, after in changes.requests.items():
        changes.counts.update(delta(before.get(key), after))
    return changes


_FAMILIES: dict[type, str] = {}


def _family(event: Any) -> str:
    if type(event) is Slim:
        return event.family
    cls = type(event)
    family = _FAMILIES.get(cls)
    if family is None:
        family = _FAMILIES[cls] = family_of(cls)
    return family


def fold_into(
    events: list[Any],
    families: list[str],
    requests: dict[Key, RequestFacts | None],
    cases: dict[Key, CaseFacts | None],
    agencies: dict[str, AgencyFacts],
) -> None:
    """Apply events in order to the facts in the dictionaries (which hold every fact the events touch)."""
    for event, family in zip(events, families, strict=True):
        if family == CALENDAR:
            continue  # the working-day calendar is the whole store's, no agency's, and counts in no table
        agency = event.agency
        agencies[agency] = fold_agency(agencies.get(agency), event)
        if family == REQUEST:
            key = (agency, event.request)
            requests[key] = fold_request(requests.get(key), event)
        elif family == CASE:
            key = (agency, event.case)
            cases[key] = fold_case(cases.get(key), event)
        elif family != AGENCY:
            raise TypeError(f"unknown event {type(event).__qualname__}")
