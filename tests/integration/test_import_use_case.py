"""The import use case (service/importing.py) on a real store: all or nothing, problems as values, any route."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator

import pytest

import storage.parallel_read
from domain.errors import InvalidInputError, Problem
from service.importing import ImportResult, import_events
from service.settings import Settings
from service.tracker import Tracker
from tests.conftest import TODAY

RECEIVED = {"event": "received", "date": "2026-03-02", "channel": "online", "applicant_type": "natural_person"}


@pytest.fixture
def tracker(new_store: Callable[[], str]) -> Iterator[Tracker]:
    opened = Tracker(Settings(db=new_store(), agency="A", clerk="test", today=TODAY))
    yield opened
    opened.close()


def _jsonl(*objects: dict[str, object], blank: int = 0) -> io.BufferedReader:
    text = "\n".join(json.dumps(data, ensure_ascii=False) for data in objects) + "\n" * (blank + 1)
    return io.BufferedReader(io.BytesIO(text.encode("utf-8")))  # peekable, as a file opened "rb" is


def _year(applications: int) -> list[dict[str, object]]:
    lines: list[dict[str, object]] = []
    for n in range(applications):
        lines.append({**RECEIVED, "request": f"Y-{n}"})
        lines.append({"event": "answered", "request": f"Y-{n}", "date": "2026-03-20", "outcome": "disclosed"})
    return lines


def test_an_import_records_every_line_and_says_what_it_did(tracker: Tracker) -> None:
    result = import_events(tracker, _jsonl(*_year(3), blank=2), name="year.jsonl")
    assert isinstance(result, ImportResult)
    assert (result.recorded, result.already, result.lines, result.skipped) == (6, 0, 6, 2)
    again = import_events(tracker, _jsonl(*_year(3)), name="year.jsonl")
    assert (again.recorded, again.already, again.skipped) == (0, 6, 0)
    assert tracker.counts()["events"] == 6


def test_problems_are_values_in_line_order_and_nothing_is_written(tracker: Tracker) -> None:
    lines = _year(2)
    lines[3] = {**lines[3], "outcome": "approved"}  # line 4: an unknown code
    lines.append({"event": "registered", "request": "NOBODY", "date": "2026-03-03"})  # line 5: an unknown request
    with pytest.raises(InvalidInputError) as refused:
        import_events(tracker, _jsonl(*lines), name="bad.jsonl")
    problems = refused.value.problems
    assert all(isinstance(problem, Problem) for problem in problems)
    assert [(p.line, p.field) for p in problems if isinstance(p, Problem)] == [(4, "outcome"), (5, "request")]
    assert str(problems[0]).startswith("line 4, field outcome: unknown code 'approved'")
    assert tracker.counts()["events"] == 0


def test_a_file_of_another_kind_is_refused_as_a_whole(tracker: Tracker) -> None:
    with pytest.raises(InvalidInputError) as refused:
        import_events(tracker, io.BufferedReader(io.BytesIO(b"request,date\nR1,2026-03-02\n")), name="t.csv")
    (problem,) = refused.value.problems
    assert isinstance(problem, Problem) and problem.line is None and "CSV" in problem.reason
    with pytest.raises(InvalidInputError, match="empty: no event lines"):
        import_events(tracker, _jsonl(blank=3), name="empty.jsonl")


@pytest.mark.parametrize("stored_first", [False, True], ids=["empty-store", "store-with-events"])
def test_the_parallel_read_and_the_empty_store_route_give_the_same_result(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch, stored_first: bool
) -> None:
    monkeypatch.setattr(storage.parallel_read, "PARALLEL_LINES", 10)  # a child reads the later lines
    if stored_first:
        import_events(tracker, _jsonl({**RECEIVED, "request": "FIRST"}), name="first.jsonl")
    lines = _year(40)
    bad = list(lines)
    bad[70] = {**bad[70], "date": "2026-02-30"}  # in the child's part: the received line of Y-35
    bad[5] = {**bad[5], "channel": "pigeon"}  # in this process's part
    with pytest.raises(InvalidInputError) as refused:
        import_events(tracker, _jsonl(*bad), name="year.jsonl")
    # 72: Y-35's answer, whose application was never received; nothing was written by the refused import
    assert [p.line for p in refused.value.problems if isinstance(p, Problem)] == [6, 71, 72]
    assert tracker.counts()["events"] == (1 if stored_first else 0)
    result = import_events(tracker, _jsonl(*lines), name="year.jsonl")
    assert (result.recorded, result.already, result.lines) == (80, 0, 80)
