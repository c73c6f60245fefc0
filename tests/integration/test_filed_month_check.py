"""A filed month stays true, cheaply (docs/tables.md): after a recording only the filed months it touches are compared.

On a real store, SQLite and PostgreSQL: October and November 2026 are filed with their figures on 1 December. A
recording that touches only December reads none of the tables the comparison reads and records nothing; one that
touches November compares November alone and records `filed_month_changed` for it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from domain.agency import Agency
from domain.lines import parse_object
from service.filing import load_agency, month_figures
from service.settings import Settings
from service.tracker import Tracker

if TYPE_CHECKING:
    from storage.protocols import MaintainedView

LINES = [
    {"event": "received", "request": "R1", "date": "2026-09-10", "channel": "mail", "applicant_type": "other_org"},
    {"event": "answered", "request": "R1", "date": "2026-09-25", "outcome": "disclosed"},
    {"event": "appealed", "case": "C1", "request": "R1", "date": "2026-10-10", "kind": "reconsideration"},
    {"event": "received", "request": "R2", "date": "2026-11-03", "channel": "online", "applicant_type": "自然人"},
    # R5 was appealed in October, then found to have been received in November: October lists its case alone.
    {"event": "received", "request": "R5", "date": "2026-10-05", "channel": "mail", "applicant_type": "自然人"},
    {"event": "appealed", "case": "C5", "request": "R5", "date": "2026-10-10", "kind": "litigation_direct"},
    {"event": "corrected", "request": "R5", "date": "2026-11-20", "received_date": "2026-11-02", "reason": "录错"},
]
TABLE_READS = ("month_counts", "cases", "requests")  # what comparing a month's figures reads: whole tables


class CountingView:
    """The store's real view, counting the reads of whole tables (every call is the real view's)."""

    def __init__(self, view: MaintainedView) -> None:
        self._view = view
        self.reads: Counter[str] = Counter()

    def __getattr__(self, name: str) -> object:
        found: object = getattr(self._view, name)
        if name not in TABLE_READS or not callable(found):
            return found
        read = cast("Callable[..., object]", found)

        def counted(*args: object, **kwargs: object) -> object:
            self.reads[name] += 1
            return read(*args, **kwargs)

        return counted


@pytest.fixture
def filed(db: str) -> Iterator[Callable[[dt.date], Tracker]]:
    """Return an opener of the store as on a given day, October and November filed with figures on 1 December."""
    opened: list[Tracker] = []

    def on(day: dt.date) -> Tracker:
        opened.append(Tracker(Settings(db=db, agency="A", clerk="t", today=day)))
        return opened[-1]

    first = on(dt.date(2026, 12, 1))
    first.record([(n, parse_object(line)) for n, line in enumerate(LINES, 1)])
    for month in ("2026-10", "2026-11"):
        figures = month_figures(first, month).model_dump(mode="json")
        line = {"event": "monthly_filing_submitted", "month": month, "date": "2026-12-01", "figures": figures}
        first.record([(1, parse_object(line))])
    yield on
    for tracker in opened:
        tracker.close()


def _changes_noted(tracker: Tracker) -> list[str]:
    agency = load_agency(tracker, "A")
    assert agency is not None
    return [e.month for e in agency.history if isinstance(e, Agency.FiledMonthChanged)]


def _spy(tracker: Tracker) -> CountingView:
    spy = CountingView(tracker.view)
    tracker.view = cast("MaintainedView", spy)
    return spy


@pytest.mark.parametrize(
    "line",
    [
        {"event": "received", "request": "R3", "date": "2026-12-02", "channel": "mail", "applicant_type": "自然人"},
        {"event": "answered", "request": "R2", "date": "2026-12-02", "outcome": "disclosed"},  # open in November
        {"event": "registered", "request": "R2", "date": "2026-12-02"},  # a step that counts in no month
        {"event": "appeal_decided", "case": "C1", "date": "2026-12-02", "result": "upheld"},  # pending in November
    ],
    ids=["received", "answered", "registered", "decided"],
)
def test_a_recording_touching_only_an_unfiled_month_reads_no_table_and_records_nothing(
    filed: Callable[[dt.date], Tracker], line: dict[str, str]
) -> None:
    tracker = filed(dt.date(2026, 12, 2))
    spy = _spy(tracker)
    done = tracker.record([(1, parse_object(line))])
    assert done.recorded == 1
    assert done.changed_filings == ()
    assert not any(spy.reads[name] for name in TABLE_READS), spy.reads
    assert _changes_noted(tracker) == []


def test_a_recording_touching_a_filed_month_compares_that_month_alone(filed: Callable[[dt.date], Tracker]) -> None:
    tracker = filed(dt.date(2026, 12, 3))
    late = {"event": "received", "request": "R4", "date": "2026-11-25", "channel": "mail", "applicant_type": "自然人"}
    done = tracker.record([(1, parse_object(late))])
    assert [changes.month for changes in done.changed_filings] == ["2026-11"]
    assert _changes_noted(tracker) == ["2026-11"]
    # Correcting the late application's date into October changes both months; November is noted again.
    moved = {
        "event": "corrected",
        "request": "R4",
        "date": "2026-12-03",
        "received_date": "2026-10-30",
        "reason": "录错",
    }
    again = tracker.record([(1, parse_object(moved))])
    assert sorted(changes.month for changes in again.changed_filings) == ["2026-10", "2026-11"]
    assert _changes_noted(tracker) == ["2026-11", "2026-10", "2026-11"]


def test_voiding_an_application_takes_its_case_off_the_filed_months_复议表(filed: Callable[[dt.date], Tracker]) -> None:
    """October lists R5's case but not R5 (received in November, as corrected).

    Voiding R5 changes October's table 四 and 复议（诉讼）表 alone, and November's figures and both its forms.
    """
    tracker = filed(dt.date(2026, 12, 3))
    void = {"event": "voided", "request": "R5", "date": "2026-12-03", "reason": "重复登记"}
    done = tracker.record([(1, parse_object(void))])
    october, november = done.changed_filings
    assert october.month == "2026-10"
    assert october.lines() == [  # the view leaves out the cases of a voided application: table 四 too
        "未经复议直接起诉·尚未审结 1→0",
        "未经复议直接起诉·总计 1→0",
        "复议（诉讼）表不再列入 C5",
    ]
    assert november.month == "2026-11"
    assert (november.removed, november.cases_removed) == (("R5",), ("C5",))
    assert _changes_noted(tracker) == ["2026-10", "2026-11"]


def test_the_view_reads_the_applications_not_closed_before_a_day(filed: Callable[[dt.date], Tracker]) -> None:
    """What a month's list is chosen from (`service.filing:MonthFigures`): every application not closed before it."""
    view = filed(dt.date(2026, 12, 3)).view
    every = view.requests("A")
    assert [r.number for r in every if r.closed is not None] == ["R1"]  # closed on 2026-09-25
    for day in (dt.date(2026, 9, 1), dt.date(2026, 9, 25), dt.date(2026, 9, 26), dt.date(2026, 11, 1)):
        kept = [r for r in every if r.closed is None or r.closed >= day]
        assert view.requests("A", not_closed_before=day) == kept
        assert view.requests(not_closed_before=day) == kept  # every agency: the store holds one
        assert view.requests("A", open_only=True, not_closed_before=day) == view.requests("A", open_only=True)


def test_an_excel_ledger_with_a_late_application_notes_the_filed_month(
    filed: Callable[[dt.date], Tracker], tmp_path: Path
) -> None:
    from service.ledger_import import import_ledger
    from tests.integration.test_ledger_import import write_ledger

    tracker = filed(dt.date(2026, 12, 3))
    late = ["R9", "2026年11月25日", "信函", "自然人", None, None, None, None, None]
    done = import_ledger(tracker, write_ledger(tmp_path / "台账.xlsx", [late]))
    assert done.saved and done.recorded == 1
    assert [(c.month, c.added) for c in done.changed_filings] == [("2026-11", ("R9",))]
    assert _changes_noted(tracker) == ["2026-11"]
