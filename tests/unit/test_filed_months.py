"""Which filed months a change touches (docs/tables.md: a filed month stays true), from the facts alone (pure).

Each expectation is checked against the tables themselves: a month said untouched has the same table 三, table 四
and forms before and after (`month_tables` below builds them with the reports' own functions).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from domain.codes import TableFormat
from domain.footprint import Counted, footprint
from domain.lines import parse_object
from projections.facts import CaseFacts, CountKey, RequestFacts, contributions
from projections.filed_months import case_months, request_months, voiding_months
from projections.fold import fold_request
from projections.ledger import listed
from projections.tables import Period, Table, appeals_table, applications_table
from tests.conftest import book_of

MONTHS = {f"2026-{m:02d}" for m in range(8, 13)}
D = dt.date
OPEN = RequestFacts("A", "R1", D(2026, 9, 10), "natural_person")
CLOSED = RequestFacts("A", "R1", D(2026, 9, 10), "natural_person", closed=D(2026, 10, 20), outcome="disclosed")


def month_tables(requests: list[RequestFacts], cases: list[CaseFacts], month: str) -> tuple[Table, Table, list[str]]:
    """Return a month's tables 三 and 四 and the numbers its two forms list, as the reports build them."""
    counts: Counter[CountKey] = Counter()
    for facts in requests:
        counts.update(contributions(facts))
    by_month = {(m, row, column): n for (_, m, row, column), n in counts.items()}
    period = Period(month)
    live = [c for c in cases if not any(r.voided and r.number == c.request for r in requests)]  # as the view reads
    rows, shown = listed(month, requests, live)
    forms = [r.number for r in rows] + [c.number for c in shown]
    return applications_table(by_month, period, TableFormat.F2021), appeals_table(live, period), forms


def changed(before: list[RequestFacts], after: list[RequestFacts], cases: list[CaseFacts] | None = None) -> set[str]:
    return {m for m in MONTHS if month_tables(before, cases or [], m) != month_tables(after, cases or [], m)}


@pytest.mark.parametrize(
    ("before", "after", "touched"),
    [
        (None, OPEN, {"2026-09", "2026-10", "2026-11", "2026-12"}),  # received: listed and carried until closed
        (OPEN, CLOSED, {"2026-10", "2026-11", "2026-12"}),  # answered in October: no longer carried after it
        (CLOSED, RequestFacts("A", "R1", D(2026, 9, 10), "natural_person", closed=D(2026, 10, 20), outcome="other"),
         {"2026-10"}),  # a corrected outcome: its month alone
        (OPEN, RequestFacts("A", "R1", D(2026, 9, 10), "natural_person", registered=D(2026, 9, 11)), set()),
        (OPEN, RequestFacts("A", "R1", D(2026, 9, 10), "natural_person", voided=True),
         {"2026-09", "2026-10", "2026-11", "2026-12"}),
        (CLOSED, RequestFacts("A", "R1", D(2026, 8, 30), "natural_person", closed=D(2026, 10, 20), outcome="disclosed"),
         {"2026-08", "2026-09"}),  # received corrected into August: August gains it, September's carried-in
    ],
    ids=["received", "answered", "outcome corrected", "registered", "voided", "received corrected"],
)  # fmt: skip
def test_an_application_touches_the_months_whose_tables_or_汇总表_it_changes(
    before: RequestFacts | None, after: RequestFacts, touched: set[str]
) -> None:
    assert request_months(before, after, MONTHS) == touched
    assert changed([before] if before else [], [after]) == touched  # exactly the months whose tables change


def test_one_application_voided_and_another_entered_in_the_same_cell_touches_that_month() -> None:
    """No figure moves; the 汇总表 lists another number: both applications touch their months."""
    late = RequestFacts("A", "R2", D(2026, 9, 20), "natural_person")
    voided = RequestFacts("A", "R1", D(2026, 9, 10), "natural_person", voided=True)
    month = Period("2026-09")
    assert month_tables([OPEN], [], month.key)[:2] == month_tables([voided, late], [], month.key)[:2]
    touched = request_months(OPEN, voided, MONTHS) | request_months(None, late, MONTHS)
    assert "2026-09" in touched
    assert touched == changed([OPEN], [voided, late])


def test_a_case_touches_the_months_whose_table_四_or_复议表_it_changes() -> None:
    appealed = CaseFacts("A", "C1", "R1", "reconsideration", D(2026, 10, 10))
    decided = CaseFacts("A", "C1", "R1", "reconsideration", D(2026, 10, 10), decisions=((D(2026, 11, 5), "upheld"),))
    assert case_months(None, appealed, MONTHS) == {"2026-10", "2026-11", "2026-12"}  # listed until decided
    assert case_months(appealed, decided, MONTHS) == {"2026-12"}  # not listed after the month it was decided in
    assert case_months(appealed, appealed, MONTHS) == set()
    assert case_months(None, decided, MONTHS) == {"2026-10", "2026-11"}
    for before, after in [(None, appealed), (appealed, decided), (None, decided)]:
        cases = [] if before is None else [before]
        expected = {m for m in MONTHS if month_tables([CLOSED], cases, m) != month_tables([CLOSED], [after], m)}
        assert case_months(before, after, MONTHS) == expected


def test_voiding_touches_every_month_from_the_earliest_receipt_its_cases_may_be_in() -> None:
    book = book_of(
        [
            {"event": "received", "request": "R1", "date": "2026-09-10", "channel": "mail", "applicant_type": "自然人"},
            {"event": "corrected", "request": "R1", "date": "2026-10-02", "received_date": "2026-10-01", "reason": "x"},
        ]
    )
    request = next(aggregate for aggregate, _ in book.touched())
    states: list[RequestFacts | None] = [None]
    for event in request.history:
        states.append(fold_request(states[-1], event))
    assert voiding_months(states, MONTHS) == {"2026-09", "2026-10", "2026-11", "2026-12"}
    assert voiding_months([None], MONTHS) == set()


def test_a_footprint_reads_a_year_as_the_closed_year_check_did_and_a_month_alike() -> None:
    counted = Counted(D(2025, 12, 1), D(2026, 2, 5), "natural_person", "disclosed", False)
    assert counted.footprint("2026") == ((("disclosed", "natural_person", 1),), (("natural_person", 1),))
    assert counted.footprint("2025-12") == ((("new", "natural_person", 1),), ())
    assert counted.footprint("2026-01") == ((), (("natural_person", 1),))
    assert counted.footprint("2026-03") is None  # received and closed before it
    fees: Counter[CountKey] = Counter({("A", "2026-01", "fees_fen", "total"): 500})
    assert footprint(fees, "2026-01") is None and footprint(fees, "2026-02") is None  # fees are no cell of table 三


def test_the_book_yields_what_its_lines_changed_with_the_version_stored_before() -> None:
    book = book_of(
        [{"event": "received", "request": "R1", "date": "2026-09-10", "channel": "mail", "applicant_type": "自然人"}]
    )
    assert [(aggregate.number, stored) for aggregate, stored in book.touched()] == [("R1", 0)]
    book.record(parse_object({"event": "registered", "request": "R1", "date": "2026-09-11"}))
    assert [(len(aggregate.history), stored) for aggregate, stored in book.touched()] == [(2, 0)]
