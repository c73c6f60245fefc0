"""`annual_inputs`, what the annual report reads of the office's part, on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.codes import TableFormat
from domain.lines import parse_object
from domain.report_sections import TextSection
from service.report_inputs import annual_inputs
from service.settings import Settings
from service.tracker import Tracker
from tests.conftest import TODAY


def _record(tracker: Tracker, *objects: dict[str, Any]) -> None:
    tracker.record([(i, parse_object(data)) for i, data in enumerate(objects, start=1)])


def test_a_year_with_nothing_recorded_reads_every_figure_as_zero(new_store: Callable[[], str]) -> None:
    tracker = Tracker(Settings(db=new_store(), agency="A", clerk="test", today=TODAY))
    try:
        inputs = annual_inputs(tracker, 2024)
    finally:
        tracker.close()
    assert inputs.table_format is TableFormat.F2021 and inputs.texts == {} and inputs.history == ()
    assert inputs.proactive["fees"] == {"amount_10k_yuan": "0"} and not inputs.proactive_recorded
    assert sum(len(columns) for columns in inputs.proactive.values()) == 10


def test_the_years_figures_and_latest_texts_with_their_records(new_store: Callable[[], str]) -> None:
    store = new_store()
    tracker = Tracker(Settings(db=store, agency="A", clerk="李四", today=TODAY))
    try:
        _record(
            tracker,
            {"event": "proactive_figures_recorded", "date": "2025-01-06", "year": 2024,
             "figures": {"penalties": {"decisions": 9}, "fees": {"amount_10k_yuan": "1.5"}}},
            {"event": "report_text_recorded", "date": "2025-01-06", "year": 2024, "section": "overview", "text": "旧"},
            {"event": "proactive_figures_recorded", "date": "2025-01-08", "year": 2024,
             "figures": {"penalties": {"decisions": 11}}},
            {"event": "report_text_recorded", "date": "2025-01-08", "year": 2024, "section": "overview", "text": "新"},
            {"event": "report_text_recorded", "date": "2025-01-08", "year": 2023, "section": "other", "text": "上年"},
        )  # fmt: skip
    finally:
        tracker.close()
    reopened = Tracker(Settings(db=store, agency="A", clerk="test", today=TODAY))
    try:
        inputs = annual_inputs(reopened, 2024)
    finally:
        reopened.close()
    assert inputs.proactive["penalties"] == {"decisions": 11}
    assert inputs.proactive["fees"] == {"amount_10k_yuan": "1.5"}
    assert inputs.proactive["licensing"] == {"decisions": 0}
    assert inputs.texts == {TextSection.OVERVIEW: "新"}
    assert [(r.date.isoformat(), r.clerk, r.event) for r in inputs.history] == [
        ("2025-01-06", "李四", "proactive_figures_recorded"),
        ("2025-01-06", "李四", "report_text_recorded"),
        ("2025-01-08", "李四", "proactive_figures_recorded"),
        ("2025-01-08", "李四", "report_text_recorded"),
    ]
