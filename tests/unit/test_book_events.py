"""The book builds aggregates and applies events as eventsourcing's `_create` and `trigger_event` do."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings

import domain.book
from domain.event import DomainEvent
from tests.conftest import book_of, events_of
from tests.histories import histories


def _reference_created(cls: Any, event_class: Any, aggregate_id: Any, **fields: Any) -> Any:
    return cls._create(event_class, id=aggregate_id, **fields)


def _reference_trigger(aggregate: Any, event_class: Any, **fields: Any) -> None:
    aggregate.trigger_event(event_class, **fields)


def _state(book: domain.book.Book) -> dict[Any, Any]:
    """Return every aggregate's state and events, their recording times left out (they differ run to run)."""
    state = {}
    for aggregate in book.changed():
        events = list(aggregate.pending_events)
        assert aggregate.created_on == events[0].timestamp and aggregate.modified_on == events[-1].timestamp
        assert getattr(aggregate, "history", events) == events
        attributes = {
            key: value
            for key, value in vars(aggregate).items()
            if key not in ("_created_on", "_modified_on", "_pending_events", "history")
        }
        recorded = [(type(e), e.model_dump(exclude={"timestamp"})) for e in events if isinstance(e, DomainEvent)]
        assert len(recorded) == len(events)
        state[aggregate.id] = (type(aggregate), _plain(attributes), recorded)
    return state


def _plain(value: Any) -> Any:
    """Return a value with objects of slotted classes (a fee notice) as their attributes, to compare by value."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(type(value), "__slots__") and not isinstance(value, str | int | float):
        return (type(value), {name: _plain(getattr(value, name, None)) for name in type(value).__slots__})
    return value


@settings(max_examples=80, deadline=None)
@given(histories())
def test_the_book_builds_the_aggregates_eventsourcing_would(lines: list[dict[str, Any]]) -> None:
    fast = _state(book_of(lines))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(domain.book, "created", _reference_created)
        patch.setattr(domain.book, "trigger", _reference_trigger)
        reference = _state(book_of(lines))
    assert fast == reference


def test_the_book_builds_agencies_and_cases_eventsourcing_would() -> None:
    fields = {"channel": "online", "applicant_type": "natural_person"}
    lines: list[dict[str, Any]] = [
        {"event": "agency_named", "date": "2025-01-02", "agency_name": "某某局"},
        {"event": "received", "request": "R1", "date": "2025-01-03", **fields},
        {"event": "fee_notified", "request": "R1", "date": "2025-01-04", "amount": "10.00"},
        {"event": "answered", "request": "R1", "date": "2025-01-20", "outcome": "disclosed"},
        {"event": "monthly_filing_submitted", "date": "2025-02-03", "month": "2025-01"},
        {"event": "appealed", "case": "C1", "request": "R1", "date": "2025-02-04", "kind": "reconsideration"},
        {"event": "appeal_decided", "case": "C1", "date": "2025-03-04", "result": "upheld"},
        {"event": "annual_report_published", "date": "2026-01-10", "year": 2025},
    ]
    fast = _state(book_of(lines))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(domain.book, "created", _reference_created)
        patch.setattr(domain.book, "trigger", _reference_trigger)
        reference = _state(book_of(lines))
    assert fast == reference and len(fast) == 3


@settings(max_examples=80, deadline=None)
@given(histories())
def test_events_built_from_checked_lines_give_the_state_validated_events_give(lines: list[dict[str, Any]]) -> None:
    fast = book_of(lines)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(domain.book, "build_event", lambda event_class, values: event_class(**values))
        reference = book_of(lines)
    assert _state(fast) == _state(reference)
    for built, validated in zip(events_of(fast), events_of(reference), strict=True):
        assert built.model_dump_json(exclude={"timestamp"}) == validated.model_dump_json(exclude={"timestamp"})
        assert built.__pydantic_fields_set__ == validated.__pydantic_fields_set__
