"""The store on a real SQLite file and on PostgreSQL: incremental tables equal the fold and the replay."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from domain.errors import Problem
from domain.lines import parse_object
from service.settings import Settings
from service.tracker import Tracker
from tests.conftest import TODAY, fold_report, stored_events
from tests.histories import histories


def open_tracker(store: str | Path) -> Tracker:
    return Tracker(Settings(db=str(store), agency="A", clerk="test", today=TODAY))


def numbered(lines: list[dict[str, Any]]) -> list[tuple[int, Any]]:
    return [(n, parse_object(line)) for n, line in enumerate(lines, start=1)]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(histories())
def test_maintained_tables_equal_the_pure_fold_and_the_replay(
    new_store: Callable[[], str], lines: list[dict[str, Any]]
) -> None:
    tracker = open_tracker(new_store())
    try:
        third = len(lines) // 3 or 1
        for start in range(0, len(lines), third):  # several commands, each caught up on its own
            tracker.record(numbered(lines)[start : start + third])
        for period in ("2023", "2024", "2025", "2026", "2024-02", "2025-12"):
            expected = fold_report(lines, period)
            actual = tracker.report(period)
            assert actual["applications"] == expected["applications"], period
            assert actual["appeals"] == expected["appeals"], period
            assert actual["fees_collected"] == expected["fees_collected"], period
        rebuilt, differences = tracker.replay()
        assert differences == []
        assert rebuilt.events >= len(lines)
    finally:
        tracker.close()


def seed_lines() -> list[dict[str, Any]]:
    return [
        {
            "event": "received",
            "request": "S1",
            "date": "2020-03-02",
            "channel": "online",
            "applicant_type": "natural_person",
        },
        {
            "event": "received",
            "request": "S2",
            "date": "2020-06-02",
            "channel": "mail",
            "applicant_type": "natural_person",
        },
        {"event": "answered", "request": "S1", "date": "2020-03-20", "outcome": "unavailable_not_held"},
        {"event": "answered", "request": "S2", "date": "2020-06-10", "outcome": "rejected_petition_complaint"},
    ]


def test_reimport_records_nothing_twice(db: str) -> None:
    tracker = open_tracker(db)
    first = tracker.record(numbered(seed_lines()))
    again = tracker.record(numbered(seed_lines()))
    assert (first.recorded, first.already) == (4, 0)
    assert (again.recorded, again.already) == (0, 4)
    assert tracker.counts()["applications"] == 2
    tracker.close()


def test_an_interrupted_import_is_completed_by_importing_again(db: str) -> None:
    tracker = open_tracker(db)
    problems: list[Problem] = []
    book = tracker.check(numbered(seed_lines()), problems)
    tracker.app.save(next(book.changed()))  # the process died after its first batch
    tracker.close()
    tracker = open_tracker(db)
    result = tracker.record(numbered(seed_lines()))
    assert (result.recorded, result.already) == (2, 2)
    assert tracker.report("2020")["applications"]["total_handled"]["total"] == 2
    assert tracker.replay()[1] == []
    tracker.close()


def test_each_event_is_applied_once_even_when_catch_up_runs_again(db: str) -> None:
    tracker = open_tracker(db)
    tracker.record(numbered(seed_lines()))
    assert tracker.catch_up() == 0
    other = open_tracker(db)  # a second clerk's process
    assert other.catch_up() == 0
    assert other.report("2020")["applications"]["new"]["total"] == 2
    tracker.close()
    other.close()


def test_a_refused_batch_writes_nothing(db: str) -> None:
    tracker = open_tracker(db)
    tracker.record(numbered(seed_lines()))
    bad = [*seed_lines(), {"event": "answered", "request": "S1", "date": "2020-04-01", "outcome": "disclosed"}]
    bad.insert(
        0, {"event": "received", "request": "S3", "date": "2020-07-01", "channel": "fax", "applicant_type": "other_org"}
    )
    try:
        tracker.record(numbered(bad))
    except Exception as error:
        assert "line 6" in str(error)
    else:
        raise AssertionError("a second answer was accepted")
    tracker.close()
    assert stored_events(db) == 4
