"""Folding a saved batch's JSON into rows (the import's fast path) gives the rows and counts of the pure fold."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import JSONTranscoder
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.batch import fold_batch
from projections.fold import fold_events
from projections.rows import agency_row, case_row, request_row
from storage.mapper import PydanticMapper
from tests.conftest import book_of, events_of
from tests.histories import histories


def _loader(facts: dict[Any, Any]) -> Any:
    return lambda keys: {key: facts[key] for key in keys if facts.get(key) is not None}


def assert_batch_fold_equals_pure_fold(events: list[Any], stored_before: int) -> None:
    """Fold the first `stored_before` events of each aggregate purely (the tables), then the rest both ways."""
    versions: dict[Any, int] = {}
    before: list[Any] = []
    batch: list[Any] = []
    for event in events:
        versions[event.originator_id] = version = versions.get(event.originator_id, 0) + 1
        (before if version <= stored_before else batch).append(event)
    tables = fold_events(before, _loader({}), _loader({}), _loader({}))
    loaders = _loader(tables.requests), _loader(tables.cases), _loader(tables.agencies)
    pure = fold_events(batch, *loaders)
    mapper = PydanticMapper(JSONTranscoder())
    states = [(i, s.topic, s.state) for i, s in enumerate(mapper.to_stored_events(batch), len(before) + 1)]
    rows = fold_batch(batch, states, *loaders)
    assert rows.requests == {k: request_row(f) for k, f in pure.requests.items() if f is not None}
    assert rows.cases == {k: case_row(f) for k, f in pure.cases.items() if f is not None}
    assert rows.agencies == {k: agency_row(f) for k, f in pure.agencies.items()}
    assert rows.counts == {k: n for k, n in pure.counts.items() if n}


@settings(max_examples=80, deadline=None)
@given(histories(), st.integers(min_value=0, max_value=6))
def test_a_saved_batch_folds_into_the_rows_and_counts_of_the_pure_fold(
    lines: list[dict[str, Any]], stored_before: int
) -> None:
    assert_batch_fold_equals_pure_fold(events_of(book_of(lines)), stored_before)


def test_a_batch_of_later_steps_subtracts_what_the_stored_rows_counted() -> None:
    fields = {"channel": "online", "applicant_type": "natural_person"}
    lines = [
        {"event": "agency_named", "date": "2025-01-02", "agency_name": "某某局"},
        {"event": "received", "request": "R1", "date": "2025-01-03", **fields},
        {"event": "answered", "request": "R1", "date": "2025-01-20", "outcome": "disclosed"},
        {
            "event": "corrected",
            "request": "R1",
            "date": "2025-02-03",
            "outcome": "withheld_state_secret",
            "reason": "wrong outcome",
        },
        {"event": "received", "request": "R2", "date": "2025-01-06", **fields},
        {"event": "fee_notified", "request": "R2", "date": "2025-01-07", "amount": "10.00"},
        {"event": "fee_paid", "request": "R2", "date": "2025-01-08", "amount": "10.00"},
        {"event": "voided", "request": "R2", "date": "2025-02-01", "reason": "entered by mistake"},
    ]
    for stored_before in range(5):
        assert_batch_fold_equals_pure_fold(events_of(book_of(lines)), stored_before)
