"""`replay` on a real SQLite file and PostgreSQL: a tampered table is found and put right, an equal one left alone."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from domain.lines import parse_object
from service.settings import Settings
from service.tracker import Tracker
from tests.conftest import TODAY

ONLINE = {"channel": "online", "applicant_type": "natural_person"}
LINES: list[dict[str, Any]] = [
    {"event": "agency_named", "date": "2020-01-02", "agency_name": "某某局"},
    {"event": "received", "request": "S1", "date": "2020-03-02", **ONLINE},
    {"event": "received", "request": "S2", "date": "2020-06-02", "channel": "mail", "applicant_type": "other_org"},
    {"event": "fee_notified", "request": "S2", "date": "2020-06-03", "amount": "10.00"},
    {"event": "fee_paid", "request": "S2", "date": "2020-06-04"},
    {"event": "answered", "request": "S1", "date": "2020-03-20", "outcome": "unavailable_not_held"},
    {"event": "appealed", "request": "S1", "case": "C1", "date": "2020-04-01", "kind": "reconsideration"},
    {"event": "appeal_decided", "case": "C1", "date": "2020-05-01", "result": "upheld"},
]
TAMPERS = {
    "an outcome changed": ("UPDATE gk_requests SET outcome = 'disclosed' WHERE number = 'S1'", "application A/S1"),
    "an application deleted": ("DELETE FROM gk_requests WHERE number = 'S2'", "application A/S2"),
    "an application added": (
        "INSERT INTO gk_requests SELECT agency, 'X9', received, applicant_type, state, registered, closed, outcome, "
        "voided, fees, awaiting_correction, open_consultations, unpaid_fees FROM gk_requests WHERE number = 'S2'",
        "application A/X9",
    ),
    "a fee changed": ("UPDATE gk_requests SET fees = '[[\"2020-06-04\", 1]]' WHERE number = 'S2'", "application A/S2"),
    "a decision deleted": ("UPDATE gk_cases SET decisions = '[]'", "case A/C1"),
    "a count changed": ("UPDATE gk_counts SET n = n + 1 WHERE row = 'new'", "count A/2020-"),
    "an agency renamed": ("UPDATE gk_agencies SET name = '别的局'", "agency A"),
}


@pytest.fixture
def tracker(db: str) -> Iterator[Tracker]:
    opened = Tracker(Settings(db=db, agency="A", clerk="test", today=TODAY))
    opened.record([(n, parse_object(line)) for n, line in enumerate(LINES, start=1)])
    yield opened
    opened.close()


def execute(db: str, sql: str) -> list[Any]:
    """Run SQL on the store behind gongkai's back (as someone editing the database by hand would)."""
    if db.startswith("postgresql://"):
        import psycopg

        url, _, query = db.partition("?")
        schema = query.split("schema=", 1)[1].split("&", 1)[0]
        with psycopg.connect(url) as connection:
            connection.execute(f'SET search_path TO "{schema}"')
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else []
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.parametrize("tamper", TAMPERS)
def test_a_tampered_table_is_reported_then_replaced(db: str, tracker: Tracker, tamper: str) -> None:
    sql, named = TAMPERS[tamper]
    assert tracker.replay()[1] == []
    execute(db, sql)
    _, found = tracker.replay()
    assert found, tamper
    assert any(line.startswith(named) for line in found), found
    assert tracker.replay()[1] == []  # the rebuilt tables replaced the tampered ones


def test_a_row_that_differs_only_in_form_agrees_and_is_rewritten(db: str, tracker: Tracker) -> None:
    execute(db, "UPDATE gk_requests SET fees = '[ ]' WHERE number = 'S1'")
    assert tracker.replay()[1] == []
    assert execute(db, "SELECT fees FROM gk_requests WHERE number = 'S1'") == [("[]",)]


def test_an_agreeing_replay_writes_nothing(tmp_path: Any) -> None:
    db = str(tmp_path / "store.db")
    tracker = Tracker(Settings(db=db, agency="A", clerk="test", today=TODAY))
    try:
        tracker.record([(n, parse_object(line)) for n, line in enumerate(LINES, start=1)])
        execute(db, "CREATE TABLE deleted (number TEXT)")
        execute(db, "CREATE TRIGGER log AFTER DELETE ON gk_requests BEGIN INSERT INTO deleted VALUES (old.number); END")
        assert tracker.replay()[1] == []
        assert execute(db, "SELECT number FROM deleted") == []
        execute(db, "UPDATE gk_requests SET state = 'open' WHERE number = 'S1'")
        assert tracker.replay()[1] != []
        assert sorted(execute(db, "SELECT number FROM deleted")) == [("S1",), ("S2",)]  # replaced, as a whole
    finally:
        tracker.close()


def test_an_emptied_table_is_reported_in_twenty_lines_and_rebuilt(db: str, tracker: Tracker) -> None:
    more = [{"event": "received", "request": f"M{n:02d}", "date": "2020-07-01", **ONLINE} for n in range(30)]
    tracker.record([(n, parse_object(line)) for n, line in enumerate(more, start=1)])
    execute(db, "DELETE FROM gk_requests")
    _, found = tracker.replay()
    assert len(found) == 20
    assert all(line.startswith("application A/") and "maintained None" in line for line in found)
    assert tracker.replay()[1] == []
    assert execute(db, "SELECT COUNT(*) FROM gk_requests") == [(32,)]
