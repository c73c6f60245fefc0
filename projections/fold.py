"""Fold events into facts and count deltas: shared by the catch-up and the replay (pure).

Each event changes its request's, case's or agency's facts as its event class's `changes` say: `fold_request`,
`fold_case`, `fold_agency` keep the changes to the fields the facts have.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from domain.agency import AGENCY_EVENT_CLASSES
from domain.appeal import CASE_EVENT_CLASSES
from domain.changes import Change, as_date, changed_fields
from domain.request import EVENT_CLASSES, FINAL_STATES, open_state
from projections.agencies import AgencyFacts
from projections.decode import AGENCY, CALENDAR, CASE, REQUEST, Slim, family_of
from projections.facts import CaseFacts, CountKey, RequestFacts, delta, replace

if TYPE_CHECKING:
    from projections.decode import FoldEvent

Key = tuple[str, str]  # (agency, number)


@dataclass
class Changes:
    """Facts after a run of events, the facts before it, and the counts' change."""

    requests: dict[Key, RequestFacts | None] = field(default_factory=dict)
    cases: dict[Key, CaseFacts | None] = field(default_factory=dict)
    agencies: dict[str, AgencyFacts] = field(default_factory=dict)
    counts: Counter[CountKey] = field(default_factory=Counter)


def fold_events(
    events: Iterable[FoldEvent],
    load_requests: Callable[[set[Key]], dict[Key, RequestFacts]],
    load_cases: Callable[[set[Key]], dict[Key, CaseFacts]],
    load_agencies: Callable[[set[str]], dict[str, AgencyFacts]],
) -> Changes:
    """Apply events in order to the facts they touch (loaded once) and return what changed."""
    events = list(events)
    families = [_family(e) for e in events]
    # An event's key is the field named as its family (`request`, `case`).
    request_keys = {(e.agency, getattr(e, f)) for e, f in zip(events, families, strict=True) if f == REQUEST}
    case_keys = {(e.agency, getattr(e, f)) for e, f in zip(events, families, strict=True) if f == CASE}
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


def _family(event: FoldEvent) -> str:
    if type(event) is Slim:
        return event.family
    cls = type(event)
    family = _FAMILIES.get(cls)
    if family is None:
        family = _FAMILIES[cls] = family_of(cls)
    return family


def fold_into(
    events: list[FoldEvent],
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
            key = (agency, getattr(event, family))  # the key is the field named as the family
            requests[key] = fold_request(requests.get(key), event)
        elif family == CASE:
            key = (agency, getattr(event, family))
            cases[key] = fold_case(cases.get(key), event)
        elif family != AGENCY:
            raise TypeError(f"unknown event {type(event).__qualname__}")


# -- one event at a time: each family's event classes say what changes (domain/request.py, appeal.py, agency.py)

# How the facts hold what the one fold (each event class's `changes`, domain/request.py) sets: codes as their
# text, dates as dates (a line's or a slim event's date fields may be ISO text), `voided` as a flag.
_AS_FACTS: dict[str, Callable[[Any], Any]] = {
    "applicant_type": str,
    "outcome": lambda code: None if code is None else str(code),
    "voided": bool,
    "received": as_date,
    "registered": as_date,
    "closed": as_date,
}
_REQUEST_FIELDS = frozenset(f.name for f in fields(RequestFacts))
# Per event name: the changes that touch the facts, and whether the open state is named again after it.
_REQUEST_STEPS: dict[str, tuple[tuple[Change, ...], bool]] = {
    name: (tuple(c for c in cls.changes if c.field in _REQUEST_FIELDS), cls.names_state)
    for name, cls in EVENT_CLASSES.items()
}


def fold_request(facts: RequestFacts | None, event: FoldEvent) -> RequestFacts | None:
    """Return the facts after one application event (events arrive in the request's own order)."""
    step = _REQUEST_STEPS.get(event.name)
    if step is None:
        return facts  # a reminder: it changes no fact
    changes, names_state = step
    if event.name == "received":
        return RequestFacts(**_converted(changed_fields(changes, _unset, event), _AS_FACTS))
    if facts is None:
        return None  # an event before the application's receipt changes nothing
    new = _converted(changed_fields(changes, functools.partial(getattr, facts), event), _AS_FACTS)
    if names_state and facts.state not in FINAL_STATES:
        merged = functools.partial(_merged, facts, new)
        new["state"] = open_state(merged("awaiting_correction"), merged("open_consultations"), merged("unpaid_fees"))
    return replace(facts, **new) if new else facts


def _unset(field: str) -> Any:
    return None


def _merged(facts: RequestFacts, new: dict[str, Any], field: str) -> Any:
    return new[field] if field in new else getattr(facts, field)


def _converted(values: dict[str, Any], conversions: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    for name, value in values.items():
        convert = conversions.get(name)
        if convert is not None:
            values[name] = convert(value)
    return values


_CASE_FIELDS = frozenset(f.name for f in fields(CaseFacts))
_CASE_STEPS: dict[str, tuple[Change, ...]] = {
    name: tuple(c for c in cls.changes if c.field in _CASE_FIELDS) for name, cls in CASE_EVENT_CLASSES.items()
}
_AS_CASE_FACTS: dict[str, Callable[[Any], Any]] = {
    "kind": str,
    "appealed": as_date,
    "responded": as_date,
    "decisions": lambda decisions: tuple((day, str(result)) for day, result in decisions),
}


def fold_case(facts: CaseFacts | None, event: FoldEvent) -> CaseFacts | None:
    """Return the case facts after one appeal event (as its event class's `changes` say, domain/appeal.py)."""
    changes = _CASE_STEPS.get(event.name)
    if changes is None:
        return facts  # a reminder: it changes no fact
    if event.name == "appealed":
        return CaseFacts(**_converted(changed_fields(changes, _unset, event), _AS_CASE_FACTS))
    if facts is None:
        return None
    new = _converted(changed_fields(changes, functools.partial(getattr, facts), event), _AS_CASE_FACTS)
    return replace(facts, **new) if new else facts


_AGENCY_FIELDS = frozenset(f.name for f in fields(AgencyFacts))
_AGENCY_STEPS: dict[str, tuple[Change, ...]] = {
    name: tuple(c for c in cls.changes if c.field in _AGENCY_FIELDS) for name, cls in AGENCY_EVENT_CLASSES.items()
}


def fold_agency(facts: AgencyFacts | None, event: FoldEvent) -> AgencyFacts:
    """Return the agency's facts after any event of that agency (its own: as the event class's `changes` say)."""
    if facts is None:
        facts = AgencyFacts(event.agency, event.date)  # an agency is known from its first event of any kind
    elif event.date < facts.first_date:
        facts = replace(facts, first_date=event.date)
    changes = _AGENCY_STEPS.get(event.name)
    if not changes:
        return facts
    return replace(facts, **changed_fields(changes, functools.partial(getattr, facts), event))
