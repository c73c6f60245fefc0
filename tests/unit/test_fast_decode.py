"""The replay's fast path (json.loads into slim events, folded in place) equals the pure fold of pydantic events."""

from __future__ import annotations

from collections import Counter
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Notification
from hypothesis import given, settings

from projections.decode import Slim, decode, fast
from projections.facts import CountKey, contributions
from projections.fold import _family, fold_events, fold_into
from service.mapper import PydanticMapper
from tests.conftest import book_of, events_of
from tests.histories import histories


def _stored(events: list[Any]) -> list[Notification]:
    mapper = PydanticMapper(JSONTranscoder())
    notes = []
    for i, event in enumerate(events, 1):
        stored = mapper.to_stored_event(event)
        notes.append(Notification(stored.originator_id, stored.originator_version, stored.topic, stored.state, i))
    return notes


def _none(keys: Any) -> dict[Any, Any]:
    return {}


@settings(max_examples=60, deadline=None)
@given(histories())
def test_slim_events_fold_like_pydantic_events(lines: list[dict[str, Any]]) -> None:
    events = events_of(book_of(lines))
    notes = _stored(events)
    mapper = PydanticMapper(JSONTranscoder())
    assert fast(mapper)
    slim_events = decode(mapper, notes)
    assert all(type(e) is Slim for e in slim_events)
    pure = fold_events(events, _none, _none, _none)
    quick = fold_events(slim_events, _none, _none, _none)
    assert quick == pure

    # the rebuild folds in place, in pages, and sums the final facts' contributions
    requests: dict[Any, Any] = {}
    cases: dict[Any, Any] = {}
    agencies: dict[Any, Any] = {}
    for start in range(0, len(slim_events), 7):
        page = slim_events[start : start + 7]
        fold_into(page, [_family(e) for e in page], requests, cases, agencies)
    counts: Counter[CountKey] = Counter()
    for facts in requests.values():
        counts.update(contributions(facts))
    assert (requests, cases, agencies) == (pure.requests, pure.cases, pure.agencies)
    assert +counts == +pure.counts


def test_an_encrypted_or_compressed_store_is_decoded_by_its_mapper() -> None:
    class Plain:
        def compress(self, data: bytes) -> bytes:
            return data

        def decompress(self, data: bytes) -> bytes:
            return data

    mapper = PydanticMapper(JSONTranscoder(), compressor=Plain())  # type: ignore[arg-type]
    assert not fast(mapper)
    events = events_of(
        book_of(
            [
                {
                    "event": "received",
                    "request": "R1",
                    "date": "2025-03-01",
                    "channel": "online",
                    "applicant_type": "natural_person",
                }
            ]
        )
    )
    assert decode(mapper, _stored(events)) == events
