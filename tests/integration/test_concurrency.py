"""Several clerks at once on one store: conflicts are retried, nothing is lost or doubled."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from domain.errors import InvalidInputError
from domain.lines import parse_object
from service.settings import Settings
from service.tracker import Tracker
from tests.conftest import TODAY

BENCH = Path(__file__).parents[2] / "bench" / "concurrency.py"


def _tracker(db: str, clerk: str) -> Tracker:
    return Tracker(Settings(db=db, agency="A", clerk=clerk, today=TODAY))


def _lines(*objects: dict[str, Any]) -> list[tuple[int, Any]]:
    return [(n, parse_object(o)) for n, o in enumerate(objects, start=1)]


RECEIVED = {
    "event": "received",
    "request": "R1",
    "date": "2026-03-02",
    "channel": "mail",
    "applicant_type": "other_org",
}


def test_parallel_clerks_lose_and_double_nothing(db: str) -> None:
    command = [sys.executable, str(BENCH), "--db", db, "--processes", "3", "--commands", "24"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["ok"], figures
    assert figures["events"] == figures["expected_events"] == 4 + 3 * 24
    assert figures["recorded"] == 3 * 24 and figures["replay_agrees"]


def test_a_conflicting_save_is_retried_on_the_application_as_it_is_now(db: str) -> None:
    first, second = _tracker(db, "王芳"), _tracker(db, "李四")
    try:
        first.record(_lines(RECEIVED))
        register = _lines({"event": "registered", "request": "R1", "date": "2026-03-03"})
        checked = first.check(register, [])  # the first clerk has loaded R1 at version 1 ...
        second.record(
            _lines({"event": "classified", "request": "R1", "date": "2026-03-03", "applicant_type": "natural_person"})
        )
        result = first.record(register, checked=checked)  # ... and saves after the second clerk: retried
        assert (result.recorded, result.already) == (1, 0)
        history = [(e.name, e.clerk) for e in first.request("R1").history]
        assert history == [("received", "王芳"), ("classified", "李四"), ("registered", "王芳")]
        assert first.replay()[1] == []
    finally:
        first.close()
        second.close()


def test_a_command_made_impossible_meanwhile_says_what_changed_and_by_whom(db: str) -> None:
    first, second = _tracker(db, "王芳"), _tracker(db, "李四")
    try:
        first.record(_lines(RECEIVED))
        answer = _lines({"event": "answered", "request": "R1", "date": "2026-03-20", "outcome": "disclosed"})
        checked = first.check(answer, [])
        second.record(_lines({"event": "withdrawn", "request": "R1", "date": "2026-03-10"}))
        with pytest.raises(InvalidInputError) as refused:
            first.record(answer, checked=checked)
        message = str(refused.value)
        assert "withdrawn" in message and "changed meanwhile: 李四 recorded withdrawn (2026-03-10)" in message
        assert [e.name for e in first.request("R1").history] == ["received", "withdrawn"]
    finally:
        first.close()
        second.close()
