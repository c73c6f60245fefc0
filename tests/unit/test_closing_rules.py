"""Year-end close: a closed year refuses events dated in it and corrections that would change its tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from domain.closing import tables_hash
from domain.errors import ClosedYearError, RefusedError
from domain.footprint import Counted, changed_years
from domain.lines import parse_object
from tests.conftest import book_of

HASH = "0" * 64


def _received(number: str, date: str, **extra: Any) -> dict[str, Any]:
    return {
        "event": "received",
        "request": number,
        "date": date,
        "channel": "online",
        "applicant_type": "natural_person",
        **extra,
    }


def _history() -> list[dict[str, Any]]:
    return [
        _received("R1", "2024-03-01"),
        {"event": "answered", "request": "R1", "date": "2024-03-20", "outcome": "disclosed"},
        _received("R2", "2024-12-20"),  # carried over into 2025
        _received("R3", "2025-01-03"),
        {"event": "year_closed", "date": "2025-01-10", "year": 2024, "sha256": HASH, "report": {"year": 2024}},
    ]


def _refusal(extra: dict[str, Any]) -> RefusedError:
    with pytest.raises(RefusedError) as caught:
        book_of([*_history(), extra])
    return caught.value


def test_event_dated_in_a_closed_year_is_refused_with_how_to_reopen() -> None:
    error = _refusal(_received("R9", "2024-12-31"))
    assert isinstance(error, ClosedYearError)
    assert "2024, a closed year (closed on 2025-01-10" in str(error)
    assert "gongkai reopen-year 2024 --reason" in str(error)
    assert error.field == "date"


def test_reclassifying_an_application_counted_in_a_closed_year_is_refused() -> None:
    error = _refusal({"event": "classified", "request": "R1", "date": "2025-02-01", "applicant_type": "other_org"})
    assert isinstance(error, ClosedYearError) and "would change the tables of 2024" in str(error)
    carried = {"event": "classified", "request": "R2", "date": "2025-02-01", "applicant_type": "other_org"}
    assert isinstance(_refusal(carried), ClosedYearError)  # R2 is 2024's carried_out


def test_corrections_that_leave_a_closed_year_alone_are_accepted() -> None:
    book = book_of(
        [
            *_history(),
            {"event": "classified", "request": "R3", "date": "2025-02-01", "applicant_type": "other_org"},
            {"event": "corrected", "request": "R1", "date": "2025-02-01", "reason": "渠道录错", "channel": "mail"},
            {"event": "answered", "request": "R2", "date": "2025-01-15", "outcome": "disclosed"},
            {
                "event": "corrected",
                "request": "R2",
                "date": "2025-02-02",
                "reason": "日期",
                "answered_date": "2025-01-14",
            },
        ]
    )
    assert book.recorded == 9


def test_correction_moving_an_answer_into_a_closed_year_and_voiding_are_refused() -> None:
    moved = [
        {"event": "answered", "request": "R2", "date": "2025-01-15", "outcome": "disclosed"},
        {"event": "corrected", "request": "R2", "date": "2025-02-02", "reason": "日期", "answered_date": "2024-12-30"},
    ]
    with pytest.raises(ClosedYearError):
        book_of([*_history(), *moved])
    with pytest.raises(ClosedYearError):
        book_of([*_history(), {"event": "voided", "request": "R1", "date": "2025-02-01", "reason": "录错"}])


def test_reopened_year_accepts_changes_and_can_be_closed_again() -> None:
    book = book_of(
        [
            *_history(),
            {"event": "year_reopened", "date": "2025-02-01", "year": 2024, "reason": "R1 申请人类别录错"},
            {"event": "classified", "request": "R1", "date": "2025-02-01", "applicant_type": "other_org"},
            {"event": "year_closed", "date": "2025-02-02", "year": 2024, "sha256": "1" * 64, "report": {}},
        ]
    )
    assert book.recorded == 8
    with pytest.raises(ClosedYearError):
        book.record(
            parse_object(
                {"event": "classified", "request": "R1", "date": "2025-02-03", "applicant_type": "natural_person"}
            )
        )


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ({"event": "year_closed", "date": "2024-12-31", "year": 2024, "sha256": HASH, "report": {}}, "has not ended"),
        ({"event": "year_closed", "date": "2025-01-11", "year": 2024, "sha256": HASH, "report": {}}, "already closed"),
        ({"event": "year_reopened", "date": "2025-01-11", "year": 2023, "reason": "x"}, "not closed"),
        ({"event": "year_reopened", "date": "2025-01-09", "year": 2024, "reason": "x"}, "before 2024 was closed"),
    ],
)
def test_close_and_reopen_refusals(line: dict[str, Any], reason: str) -> None:
    assert reason in str(_refusal(line))


def test_changed_years_follows_the_counting_rules() -> None:
    before = Counted(dt.date(2023, 12, 1), dt.date(2025, 1, 5), "natural_person", "disclosed", False)
    day = dt.date(2026, 1, 5)
    years = {2022, 2023, 2024, 2025}
    assert changed_years(before, "classified", {"applicant_type": "other_org"}, years, date=day) == [2023, 2024, 2025]
    assert changed_years(before, "corrected", {"outcome": "other", "reason": "x"}, {2023, 2024}, date=day) == []
    assert changed_years(before, "registered", {}, {2023}, date=day) == []
    # the step's changes are its event class's (domain/request.py): a voiding takes it out of every year it was in
    assert changed_years(before, "voided", {"reason": "x"}, years, date=day) == [2023, 2024, 2025]
    moved = {"received_date": "2024-01-02", "answered_date": "2025-01-06", "reason": "x"}
    assert changed_years(before, "corrected", moved, years, date=day) == [2023, 2024]


def test_tables_hash_ignores_the_agency_name_but_not_a_number() -> None:
    report = {"year": 2024, "agency": "甲", "agency_code": "A", "applications": {"new": {"total": 1}}}
    assert tables_hash(report) == tables_hash({**report, "agency": "乙"})
    assert tables_hash(report) != tables_hash({**report, "applications": {"new": {"total": 2}}})
