"""Events that evolve: class_version and upcasters, applied by the mapper and by the fast readers' decode step."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import uuid
from pathlib import Path
from typing import Any, ClassVar

import pytest
from eventsourcing.persistence import JSONTranscoder, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import get_topic

import domain.agency
import domain.appeal
import domain.calendar_years
import domain.request
from domain.appeal import AppealCase
from domain.event import DomainEvent
from projections.decode import slim
from projections.ledger import case_row
from storage.mapper import PydanticMapper
from storage.upcasting import VERSIONED_TOPICS, class_version, decode_state, upcaster, upcaster_of
from tests.conftest import FIXTURES, book_of, events_of

APPEALED = get_topic(AppealCase.Appealed)
BODY = "宁波市鄞州区人民政府"
LINES: list[dict[str, Any]] = [
    {
        "event": "received",
        "request": "R1",
        "date": "2025-03-03",
        "channel": "online",
        "applicant_type": "natural_person",
    },
    {"event": "answered", "request": "R1", "date": "2025-03-20", "outcome": "withheld_process_info"},
    {"event": "appealed", "case": "C1", "date": "2025-04-01", "request": "R1", "kind": "reconsideration", "body": BODY},
    {"event": "appealed", "case": "C2", "date": "2025-04-02", "request": "R1", "kind": "litigation_direct"},
]


def _event_classes() -> set[type]:
    """Return every event class of the four aggregates' modules."""
    found: set[type] = set()
    pending: list[type] = [DomainEvent]
    while pending:
        cls: type
        for cls in pending.pop().__subclasses__():
            if cls.__module__.startswith("domain.") and cls not in found:
                found.add(cls)
                pending.append(cls)
    assert {cls.__module__ for cls in found} >= {m.__name__ for m in (domain.agency, domain.appeal, domain.request)}
    assert domain.calendar_years  # imported so that its events are among the subclasses
    return found


def _first_stored_appealed() -> bytes:
    """Return the state of an `appealed` event as the code before class_version stored it (the fixture store)."""
    with sqlite3.connect(FIXTURES / "store_v1.db") as db:
        row = db.execute("SELECT state FROM stored_events WHERE topic = ? LIMIT 1", [APPEALED]).fetchone()
    return bytes(row[0])


def test_versioned_topics_name_exactly_the_classes_of_a_later_version() -> None:
    later = {get_topic(cls) for cls in _event_classes() if class_version(cls) > 1}
    assert later == VERSIONED_TOPICS
    assert class_version(AppealCase.Appealed) == 2


def test_appealed_of_version_1_is_upcast_to_no_body() -> None:
    upcast = upcaster_of(AppealCase.Appealed)
    assert upcast is not None
    state: dict[str, Any] = {"case": "C1", "kind": "reconsideration"}
    upcast(state)
    assert state == {"case": "C1", "kind": "reconsideration", "body": None}
    current = {"case": "C1", "body": BODY, "class_version": 2}
    upcast(current)
    assert current == {"case": "C1", "body": BODY}  # a current state only loses its version mark


def test_decode_state_upcasts_an_old_appealed_and_leaves_other_events_as_stored() -> None:
    old = _first_stored_appealed()
    assert "body" not in json.loads(old)
    decoded = decode_state(APPEALED, old)
    assert decoded["body"] is None and "class_version" not in decoded
    assert decoded == {**json.loads(old), "body": None}
    received = get_topic(domain.request.Request.Received)
    state = b'{"date":"2025-03-03","agency":"A","request":"R1","applicant_type":"natural_person"}'
    assert decode_state(received, state) == json.loads(state)
    assert decode_state(received, memoryview(state)) == decode_state(received, state.decode()) == json.loads(state)
    assert upcaster(received) is None  # a first version: nothing to do for it, ever


def test_a_class_version_newer_than_the_class_is_refused_with_what_to_do() -> None:
    state = b'{"case":"C1","class_version":3}'
    with pytest.raises(ValueError, match="newer gongkai"):
        decode_state(APPEALED, state)
    event = _events()[2]
    stored = PydanticMapper(JSONTranscoder()).to_stored_event(event)
    future = stored.state.replace(b'"class_version":2', b'"class_version":3')
    with pytest.raises(MapperDeserialisationError, match="upgrade gongkai"):
        PydanticMapper(JSONTranscoder()).to_domain_event(
            StoredEvent(stored.originator_id, stored.originator_version, stored.topic, future)
        )


def _events() -> list[Any]:
    return events_of(book_of(LINES))


def test_a_new_appealed_is_stored_with_its_version_and_read_back_with_its_body() -> None:
    mapper = PydanticMapper(JSONTranscoder())
    events = _events()
    one_by_one = [mapper.to_stored_event(event) for event in events]
    assert [s.state for s in mapper.to_stored_events(events)] == [s.state for s in one_by_one]
    appealed = [json.loads(s.state) for s in one_by_one if s.topic == APPEALED]
    assert [(state["body"], state["class_version"]) for state in appealed] == [(BODY, 2), (None, 2)]
    assert all("class_version" not in json.loads(s.state) for s in one_by_one if s.topic != APPEALED)
    assert [mapper.to_domain_event(s) for s in one_by_one] == events
    assert [event.body for event in events if event.name == "appealed"] == [BODY, None]
    case = [slim(s) for s in one_by_one if s.topic == APPEALED]  # the fast fold reads the same case
    # a Slim's fields are the sources of the event classes' changes, made at import: mypy cannot see them
    read = [(c.case, c.kind) for c in case]  # type: ignore[attr-defined]
    assert read == [("C1", "reconsideration"), ("C2", "litigation_direct")]


def test_an_old_appealed_read_by_the_mapper_has_no_body_and_the_aggregate_neither() -> None:
    old = _first_stored_appealed()
    data = json.loads(old)
    stored = StoredEvent(uuid.UUID(data["originator_id"]), data["originator_version"], APPEALED, old)
    event = PydanticMapper(JSONTranscoder()).to_domain_event(stored)
    assert isinstance(event, AppealCase.Appealed)
    assert event.body is None and event.case == data["case"]
    case = event.mutate(None)  # the aggregate the event starts, as the repository rebuilds it
    assert isinstance(case, AppealCase)
    assert case.body is None and case.number == data["case"]


class Renamed(DomainEvent):
    """A hypothetical event whose field was renamed (v2) and which then gained one (v3)."""

    name: ClassVar[str] = "renamed"
    class_version: ClassVar[int] = 3
    label: str
    note: str | None = None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["label"] = state.pop("title")

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        state["note"] = None


def test_the_mapper_upcasts_through_every_version_in_turn() -> None:
    mapper = PydanticMapper(JSONTranscoder())
    key = uuid.uuid4()
    envelope: dict[str, Any] = {
        "originator_id": str(key),
        "originator_version": 1,
        "timestamp": dt.datetime(2025, 1, 2, tzinfo=dt.UTC).isoformat(),
        "date": "2025-01-02",
        "agency": "A",
        "clerk": "c",
    }
    topic = get_topic(Renamed)
    v1 = json.dumps({**envelope, "title": "旧名"}).encode()
    v2 = json.dumps({**envelope, "label": "旧名", "class_version": 2}).encode()
    read = [mapper.to_domain_event(StoredEvent(key, 1, topic, state)) for state in (v1, v2)]
    assert [(e.label, e.note) for e in read] == [("旧名", None), ("旧名", None)]
    now = Renamed.model_validate({**envelope, "label": "新名", "note": "备注"})
    stored = mapper.to_stored_event(now)
    assert json.loads(stored.state)["class_version"] == 3
    assert mapper.to_domain_event(stored) == now


def test_the_body_reaches_the_row_of_the_case_in_the_monthly_ledger() -> None:
    cases = [a for a in book_of(LINES).changed() if isinstance(a, AppealCase)]
    first, last = dt.date(2025, 4, 1), dt.date(2025, 4, 30)
    rows = {case.number: case_row(case, "申请人", first, last) for case in cases}
    assert rows["C1"].authority == BODY
    assert rows["C2"].authority == ""  # none recorded: left for the clerk


def test_no_reader_decodes_a_stored_state_but_through_the_one_decode_step() -> None:
    # A fast reader that scanned states itself would read old events without their upcast: the fold would not
    # notice today (no fold reads `body`), the next field's fold would. Only the mapper and decode_state decode.
    root = Path(__file__).resolve().parents[2]
    allowed = {root / "storage" / "upcasting.py", root / "storage" / "mapper.py"}
    bypasses = []
    for package in ("domain", "projections", "storage", "service", "cli", "scheduler"):
        for path in sorted((root / package).rglob("*.py")):
            if path in allowed:
                continue
            for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if "make_scanner(" in text or "scan_json(" in text or re.search(r"json\.loads\([^)]*state", text):
                    bypasses.append(f"{path.relative_to(root)}:{number}: {text.strip()}")
    assert not bypasses, "decode stored states with storage.upcasting.decode_state:\n" + "\n".join(bypasses)
