"""A filed month stays true: the filing's figures, the one comparison, the re-filing and its deadline (pure)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from typing import Any

from eventsourcing.persistence import JSONTranscoder, StoredEvent
from eventsourcing.utils import get_topic

from domain.agency import Agency, agency_id
from domain.agency_deadlines import amendment_deadlines, filings_as_of
from domain.calendar import WorkingCalendar
from domain.deadlines import DeadlineKind, DeadlineRules
from domain.filing import FiledFigures, FiledMonth, compare_filing
from domain.lines import parse_object
from storage.mapper import PydanticMapper
from tests.conftest import FIXTURES, book_of

FILING = get_topic(Agency.MonthlyFilingSubmitted)
NONE = {"natural_person": 0, "commercial_enterprise": 0, "total": 0}


def _figures(new: int, *, ledger: tuple[str, ...] = ("R1",), upheld: int = 0) -> FiledFigures:
    return FiledFigures(
        applications={"new": {**NONE, "natural_person": new, "total": new}, "carried_in": NONE},
        appeals={"reconsideration": {"upheld": upheld, "pending": 0, "total": upheld}},
        ledger=ledger,
        cases=(),
    )


def test_the_comparison_names_each_changed_cell_in_the_months_words_and_the_late_entries() -> None:
    changes = compare_filing("2026-11", _figures(1), _figures(2, ledger=("R1", "R9"), upheld=1))
    assert changes.lines() == [
        "一、本月新收政府信息公开申请数量·自然人 1→2",
        "一、本月新收政府信息公开申请数量·总计 1→2",
        "行政复议·结果维持 0→1",
        "行政复议·总计 0→1",
        "补录 R9",
    ]
    assert changes.added == ("R9",) and not changes.removed
    message = changes.message()
    assert message.startswith("注意：2026-11 已报送的月报数据已变动") and "WARNING" in message
    assert not compare_filing("2026-11", _figures(1), _figures(1))


def _filing(date: str, figures: FiledFigures | None) -> dict[str, Any]:
    line: dict[str, Any] = {"event": "monthly_filing_submitted", "month": "2026-11", "date": date}
    if figures is not None:
        line["figures"] = figures.model_dump(mode="json")
    return line


def test_a_refiling_with_other_figures_is_recorded_the_same_day_and_one_with_the_same_is_already_recorded() -> None:
    book = book_of([_filing("2026-12-01", _figures(1))], today=dt.date(2026, 12, 9))
    assert book.record(parse_object(_filing("2026-12-01", _figures(2))))
    assert not book.record(parse_object(_filing("2026-12-04", _figures(2))))  # unchanged: already recorded, any day
    assert book.record(parse_object(_filing("2026-12-04", _figures(3))))
    agency = book.get(agency_id("A"))
    assert isinstance(agency, Agency)
    filed = agency.filings["2026-11"]
    assert (filed.first, filed.last, filed.first_on) == (_figures(1), _figures(3), dt.date(2026, 12, 1))


def test_an_old_filing_reads_without_figures_and_has_nothing_to_compare() -> None:
    with sqlite3.connect(FIXTURES / "store_v1.db") as db:
        row = db.execute("SELECT state FROM stored_events WHERE topic = ? LIMIT 1", [FILING]).fetchone()
    data = json.loads(bytes(row[0]))
    assert "figures" not in data and "class_version" not in data  # as the code before figures stored it
    stored = StoredEvent(uuid.UUID(data["originator_id"]), data["originator_version"], FILING, bytes(row[0]))
    event = PydanticMapper(JSONTranscoder()).to_domain_event(stored)
    assert isinstance(event, Agency.MonthlyFilingSubmitted) and event.figures is None
    filings = filings_as_of([event], event.date)
    assert filings == {event.month: FiledMonth(None, None)}


def test_the_refiling_is_due_two_working_days_after_the_change_was_recorded_while_the_figures_differ() -> None:
    book = book_of([_filing("2026-12-01", _figures(1))], today=dt.date(2026, 12, 9))
    agency = book.get(agency_id("A"))
    assert isinstance(agency, Agency)
    agency.trigger_event(
        Agency.FiledMonthChanged, month="2026-11", figures=_figures(2), date=dt.date(2026, 12, 3), agency="A",
        clerk="test",
    )  # fmt: skip
    calendar, rules = WorkingCalendar(), DeadlineRules()
    before = filings_as_of(agency.history, dt.date(2026, 12, 2))
    assert amendment_deadlines(before, {"2026-11"}, dt.date(2026, 12, 2), rules, calendar) == []
    filings = filings_as_of(agency.history, dt.date(2026, 12, 8))
    (due,) = amendment_deadlines(filings, {"2026-11"}, dt.date(2026, 12, 8), rules, calendar)
    assert (due.kind, due.month, due.due, due.overdue) == (
        DeadlineKind.MONTHLY_FILING_AMENDMENT,
        "2026-11",
        dt.date(2026, 12, 7),  # Thursday 3 December + 2 working days
        True,
    )
    assert amendment_deadlines(filings, set(), dt.date(2026, 12, 8), rules, calendar) == []  # the change undone
