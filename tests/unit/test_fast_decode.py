"""The replay's fast path (json.loads into slim events, folded in place) equals the pure fold of pydantic events."""

from __future__ import annotations

from collections import Counter
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Notification
from hypothesis import given, settings

from projections.decode import Slim, decode, fast
from projections.facts import CountKey, contributions
from projections.fold import _family, fold_events, fold_into
from projections.plain_fold import fold_plain, freeze
from projections.rows import agency_row, case_row, request_row
from storage.mapper import PydanticMapper
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


@settings(max_examples=80, deadline=None)
@given(histories())
def test_the_replay_folds_plain_json_into_the_rows_of_the_pure_fold(lines: list[dict[str, Any]]) -> None:
    assert_replay_fold_equals_pure_fold(lines)


def test_the_replay_fold_applies_corrections_responses_and_agency_facts_like_the_pure_fold() -> None:
    def received(number: str, date: str, agency: str = "A") -> dict[str, Any]:
        fields = {"channel": "online", "applicant_type": "natural_person", "agency": agency}
        return {"event": "received", "request": number, "date": date, **fields}

    lines = [
        {"event": "agency_named", "date": "2025-01-02", "agency_name": "某某局"},
        received("R1", "2025-01-03"),
        received("R1", "2025-01-05", agency="B"),  # the same number in another agency is another application
        received("R2", "2025-01-06"),
        {"event": "consultation_started", "request": "R2", "date": "2025-01-07", "party": "third_party"},
        {"event": "answered", "request": "R1", "date": "2025-01-20", "outcome": "disclosed"},
        {
            "event": "corrected",
            "request": "R1",
            "date": "2025-02-01",
            "reason": "录错",
            **{"received_date": "2025-01-02", "applicant_type": "other_org"},
            **{"answered_date": "2025-01-21", "outcome": "partially_disclosed"},
        },
        {"event": "withdrawn", "request": "R2", "date": "2025-01-15"},
        {"event": "corrected", "request": "R2", "date": "2025-02-02", "reason": "录错", "answered_date": "2025-02-01"},
        received("R3", "2025-01-06", agency="B"),
        {"event": "voided", "request": "R3", "date": "2025-01-07", "reason": "录入错误", "agency": "B"},
        {"event": "appealed", "request": "R1", "case": "C1", "date": "2025-02-03", "kind": "reconsideration"},
        {"event": "appeal_responded", "case": "C1", "date": "2025-02-10"},
        {"event": "appeal_responded", "case": "C1", "date": "2025-02-11"},
        {"event": "appeal_decided", "case": "C1", "date": "2025-03-01", "result": "upheld"},
        {"event": "monthly_filing_submitted", "date": "2025-02-02", "month": "2025-01"},
        {"event": "monthly_filing_submitted", "date": "2025-02-02", "month": "2025-01", "agency": "B"},
        {"event": "annual_report_published", "date": "2026-01-20", "year": 2025},
        {
            "event": "proactive_figures_recorded",
            "date": "2026-01-05",
            "year": 2025,
            "figures": {"licensing": {"decisions": 3}},
        },
        {
            "event": "report_text_recorded",
            "date": "2026-01-06",
            "year": 2025,
            "section": "other",
            "text": "无。",
            "agency": "B",
        },
        {"event": "fee_notified", "request": "R1", "date": "2025-01-08", "amount": "12.50", "agency": "B"},
        {"event": "fee_paid", "request": "R1", "date": "2025-01-09", "agency": "B"},
    ]
    assert_replay_fold_equals_pure_fold(lines)


def assert_replay_fold_equals_pure_fold(lines: list[dict[str, Any]]) -> None:
    events = events_of(book_of(lines))
    pure = fold_events(events, _none, _none, _none)
    requests: dict[Any, Any] = {}
    cases: dict[Any, Any] = {}
    agencies: dict[Any, Any] = {}
    days: dict[str, str] = {}
    notes = _stored(events)
    for start in range(0, len(notes), 7):  # in pages, mutable rows carried from one page to the next
        fold_plain([(n.id, n.topic, n.state) for n in notes[start : start + 7]], requests, cases, agencies, days)
    rows = freeze(requests, cases, agencies)
    assert rows.requests == {k: request_row(f) for k, f in pure.requests.items() if f is not None}
    assert rows.cases == {k: case_row(f) for k, f in pure.cases.items() if f is not None}
    assert rows.agencies == {k: agency_row(f) for k, f in pure.agencies.items()}
    assert rows.counts == +pure.counts


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
