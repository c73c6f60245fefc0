"""Last year's tables on a real store (service/previous_reports.py): closed, computed, imported, or none."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from domain.errors import InvalidInputError
from domain.report_checks import check_report
from service.closing import close_year
from service.importing import import_events
from service.previous_reports import BrokenReportError, holds_history, import_report, previous_year_tables
from service.settings import Settings
from service.tracker import Tracker
from storage.view_reader import open_caught_up
from tests.conftest import FIXTURES, SHANGHAI_EXAMPLE, TODAY, lines_of


@pytest.fixture
def tracker(new_store: Callable[[], str]) -> Iterator[Tracker]:
    opened = Tracker(Settings(db=new_store(), agency="A", clerk="test", today=TODAY))
    yield opened
    opened.close()


def published(year: int) -> dict[str, Any]:
    """Return Shanghai's published 2024 tables as the report of another year (2021 layout)."""
    report: dict[str, Any] = {**json.loads(SHANGHAI_EXAMPLE.read_text(encoding="utf-8")), "year": year}
    return report


def record(tracker: Tracker, lines: list[dict[str, Any]]) -> None:
    stream = io.BufferedReader(io.BytesIO("\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode()))
    import_events(tracker, stream, name="lines.jsonl")


def received(number: str, day: str) -> dict[str, Any]:
    return {
        "event": "received",
        "request": number,
        "date": day,
        "channel": "online",
        "applicant_type": "natural_person",
    }


def test_an_imported_report_is_kept_never_counted_and_shown_as_imported(tracker: Tracker) -> None:
    done = import_report(tracker, published(2024), source="sh2024.json", date=dt.date(2025, 1, 10))
    assert done.recorded and done.replaced is None
    kept = tracker.imported_reports()[2024]
    assert (kept.source, kept.recorded_on, kept.report["format"]) == ("sh2024.json", dt.date(2025, 1, 10), "2021")
    assert kept.report["applications"] == published(2024)["applications"]
    assert "source" not in kept.report and check_report(kept.report) == []
    counted = tracker.report("2024")["applications"]
    assert all(value == 0 for row in counted.values() for value in row.values())
    assert tracker.counts()["applications"] == 0


def test_the_same_tables_again_are_already_recorded_and_others_replace_them(tracker: Tracker) -> None:
    import_report(tracker, published(2024), source="a.json", date=dt.date(2025, 1, 10))
    events = tracker.counts()["events"]
    again = import_report(tracker, {**published(2024), "source": "retyped"}, source="b.json", date=dt.date(2025, 2, 1))
    assert not again.recorded and tracker.counts()["events"] == events
    corrected = published(2024)
    corrected["appeals"]["reconsideration"] = {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1}
    replaced = import_report(tracker, corrected, source="c.json", date=dt.date(2025, 2, 2))
    assert replaced.recorded and replaced.replaced is not None and replaced.replaced.source == "a.json"
    assert tracker.imported_reports()[2024].report["appeals"] == corrected["appeals"]


def test_a_report_that_breaks_a_rule_or_is_not_over_is_refused_and_nothing_written(tracker: Tracker) -> None:
    broken = published(2024)
    broken["applications"]["new"]["total"] = 35
    events = tracker.counts()["events"]
    with pytest.raises(BrokenReportError) as refused:
        import_report(tracker, broken, source="x.json", date=dt.date(2025, 1, 10))
    problem = refused.value.report_problems[0]
    assert (problem.rule, problem.row, problem.column) == ("row_total", "new", "total")
    assert "「总计」列为 35，但其余各列之和为 34" in str(refused.value.problems[0])
    with pytest.raises(InvalidInputError) as early:
        import_report(tracker, published(2025), source="x.json", date=dt.date(2025, 12, 31))
    assert "2025 年度尚未结束" in str(early.value.problems[0])
    assert tracker.counts()["events"] == events and tracker.imported_reports() == {}


def test_a_2019_report_keeps_its_layout_and_only_its_rows(tracker: Tracker) -> None:
    seed = json.loads((FIXTURES / "yinzhou-justice-bureau-2020-report.json").read_text(encoding="utf-8"))
    seed["applications"]["an_extra_row"] = {"natural_person": "x"}
    import_report(tracker, seed, source="seed.json", date=dt.date(2021, 1, 20))
    kept = tracker.imported_reports()[2020].report
    assert kept["format"] == "2019" and len(kept["applications"]) == 23  # type: ignore[arg-type]
    assert "an_extra_row" not in kept["applications"]  # type: ignore[operator]


def test_last_year_is_none_without_history_or_import(tracker: Tracker) -> None:
    assert previous_year_tables(tracker, 2025) is None


def test_the_imported_report_is_last_year_for_the_first_year(tracker: Tracker) -> None:
    import_report(tracker, published(2024), source="sh2024.json", date=dt.date(2025, 1, 10))
    # the one application still open at the end of 2024 is entered with its real date, to be answered in 2025
    record(tracker, [received("2024-34", "2024-12-23"), received("2025-1", "2025-03-02")])
    assert not holds_history(tracker, 2024)  # one application of 2024 is not 2024's history
    last = previous_year_tables(tracker, 2025)
    assert last is not None and last["tables_from"] == "imported_report" and last["year"] == 2024
    this_year = tracker.report("2025")
    assert check_report(this_year, last) == []  # carried_in 1 = the published carried_out 1
    # the year after, the store's own 2025 is last year
    following = previous_year_tables(tracker, 2026)
    assert following is not None and following["tables_from"] == "events" and following["year"] == 2025
    assert following["applications"] == this_year["applications"]


def test_computed_from_events_when_the_store_holds_the_year(tracker: Tracker) -> None:
    record(tracker, lines_of(FIXTURES / "shanghai_2024.jsonl"))
    last = previous_year_tables(tracker, 2025)
    assert last is not None and last["tables_from"] == "events"
    assert last["applications"] == published(2024)["applications"]
    assert check_report(tracker.report("2025"), last) == []


def test_a_closed_year_gives_its_kept_report(tracker: Tracker) -> None:
    record(tracker, [received("1", "2025-03-02")])
    closing = Tracker(replace_today(tracker.settings, dt.date(2026, 1, 10)))
    try:
        _, kept = close_year(closing, 2025)
    finally:
        closing.close()
    last = previous_year_tables(tracker, 2026)
    assert last is not None and last["tables_from"] == "closed_year"
    assert {k: v for k, v in last.items() if k != "tables_from"} == kept


def test_the_fast_reader_finds_the_same_last_year(tracker: Tracker) -> None:
    import_report(tracker, published(2024), source="sh2024.json", date=dt.date(2025, 1, 10))
    tracker.catch_up()
    reader = open_caught_up(tracker.settings)
    assert reader is not None
    try:
        assert reader.imported_reports() == tracker.imported_reports()
        assert previous_year_tables(reader, 2025) == previous_year_tables(tracker, 2025)
    finally:
        reader.close()


def replace_today(settings: Settings, today: dt.date) -> Settings:
    return dataclasses.replace(settings, today=today)
