"""报备 once and on time: the pure rule (a second date refused, the same date already recorded) and the lateness."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.book import Book
from domain.calendar import WorkingCalendar
from domain.errors import RefusedError
from domain.lines import parse_object
from domain.registration import registration
from domain.request import Request, request_id

TODAY = dt.date(2026, 11, 25)
CALENDAR = WorkingCalendar()


def book_with(*steps: tuple[str, str]) -> Book:
    book = Book(lambda _id: None, today=TODAY, agency="A", clerk="t")
    received = {"event": "received", "request": "R", "date": "2026-09-18", "channel": "mail"}
    book.record(parse_object({**received, "applicant_type": "natural_person"}))
    for event, date in steps:
        book.record(parse_object({"event": event, "request": "R", "date": date}))
    return book


def request_of(book: Book) -> Request:
    found = book.get(request_id("A", "R"))
    assert isinstance(found, Request)
    return found


def test_second_registration_with_another_date_is_refused() -> None:
    book = book_with(("registered", "2026-09-21"))
    with pytest.raises(RefusedError, match="已于 2026-09-21 报备") as refused:
        book.record(parse_object({"event": "registered", "request": "R", "date": "2026-09-22"}))
    assert refused.value.field == "date"
    assert request_of(book).registered == dt.date(2026, 9, 21)


def test_same_registration_again_is_already_recorded() -> None:
    book = book_with(("registered", "2026-09-21"))
    assert book.record(parse_object({"event": "registered", "request": "R", "date": "2026-09-21"})) is False
    assert [e.name for e in request_of(book).history] == ["received", "registered"]


@pytest.mark.parametrize(
    ("registered", "as_of", "late"),
    [
        ("2026-09-21", "2026-09-30", 0),  # Fri 9-18 + Sun 9-20 (调休) + Mon 9-21: on the last day
        ("2026-09-22", "2026-09-30", 1),
        ("2026-09-26", "2026-09-30", 3),  # a Saturday after 9-22, 9-23, 9-24: rest days add nothing
        (None, "2026-09-21", 0),  # not yet due
        (None, "2026-09-27", 3),  # a Sunday: 9-22, 9-23, 9-24 (9-25 中秋)
        ("2026-09-24", "2026-09-23", 2),  # as of a date before the 报备: still missing then
    ],
)
def test_lateness_counts_working_days_after_the_deadline(registered: str | None, as_of: str, late: int) -> None:
    book = book_with(("registered", registered)) if registered else book_with()
    found = registration(request_of(book), dt.date.fromisoformat(as_of), 2, CALENDAR)
    assert found.due == dt.date(2026, 9, 21)
    assert found.late_working_days == late and found.late is (late > 0)
    if registered and dt.date.fromisoformat(registered) <= dt.date.fromisoformat(as_of):
        assert found.registered == dt.date.fromisoformat(registered)
        assert found.words() == (f"{registered}（逾期{late}个工作日）" if late else f"{registered}（按期）")
