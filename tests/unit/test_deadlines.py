"""The deadlines of docs/deadlines.md, hand-computed on the real 2026 calendar.

2026 around National Day: Sun 9-20 and Sat 10-10 are working days; 9-25..27 (Mid-autumn) and 10-1..7 are not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.agency_deadlines import agency_deadlines
from domain.appeal import AppealCase, case_id
from domain.book import Book
from domain.calendar import WorkingCalendar, parse_arrangement
from domain.case_deadlines import case_deadlines
from domain.deadlines import Deadline, DeadlineKind, DeadlineRules, deadline_sort_key, deadline_to_json
from domain.imported_reports import outside_through
from domain.lines import parse_object
from domain.request import Request, request_id
from domain.request_deadlines import request_deadlines

D = dt.date.fromisoformat
RULES = DeadlineRules()
CALENDAR = WorkingCalendar()
# Test data only: an invented 2027 arrangement (the real notice is not out yet).
FAKE_2027 = parse_arrangement(2027, ["2027-01-01"], [], "test fixture, not the real notice")
RECEIVED = {
    "event": "received",
    "request": "1",
    "date": "2026-09-18",
    "channel": "mail",
    "applicant_type": "natural_person",
}


def book_of(*lines: dict[str, Any]) -> Book:
    book = Book(load=lambda _id: None, today=D("2027-12-31"), agency="A", clerk="t")
    for line in lines:
        book.record(parse_object({"request": "1", **line}))
    return book


def request_of(*lines: dict[str, Any]) -> Request:
    request = book_of(*lines).get(request_id("A", "1"))
    assert isinstance(request, Request)
    return request


def deadlines(
    *lines: dict[str, Any], as_of: str, rules: DeadlineRules = RULES, calendar: WorkingCalendar = CALENDAR
) -> dict[DeadlineKind, Deadline]:
    found = request_deadlines(request_of(*lines), D(as_of), rules, calendar)
    by_kind = {d.kind: d for d in found}
    assert len(by_kind) == len(found), "one deadline per kind in these tests"
    return by_kind


def due(*lines: dict[str, Any], as_of: str, kind: DeadlineKind = DeadlineKind.REPLY, **options: Any) -> str | None:
    found = deadlines(*lines, as_of=as_of, **options)[kind].due
    return found.isoformat() if found else None


def event(name: str, date: str, **fields: Any) -> dict[str, Any]:
    return {"event": name, "date": date, **fields}


# -- the reply (条例 第三十三条) --------------------------------------------------------------------


def test_reply_is_due_twenty_working_days_after_receipt() -> None:
    reply = deadlines(RECEIVED, as_of="2026-09-18")[DeadlineKind.REPLY]
    assert reply.due == D("2026-10-22")
    assert (reply.overdue, reply.paused, reply.calendar_missing) == (False, False, None)
    assert reply.steps == ["2026-09-18 收到申请", "+20 个工作日 → 2026-10-22（条例 第三十三条）", "答复期限 2026-10-22"]


def test_reply_is_overdue_only_after_its_day() -> None:
    assert not deadlines(RECEIVED, as_of="2026-10-22")[DeadlineKind.REPLY].overdue
    assert deadlines(RECEIVED, as_of="2026-10-23")[DeadlineKind.REPLY].overdue


def test_reply_restarts_from_the_corrected_application() -> None:
    lines = (
        RECEIVED,
        event("correction_requested", "2026-09-22", until="2026-10-16"),
        event("correction_received", "2026-10-12"),
    )
    reply = deadlines(*lines, as_of="2026-10-12")[DeadlineKind.REPLY]
    assert reply.due == D("2026-11-09")  # 10-13 … 11-09 is 20 working days
    assert not reply.paused
    assert "2026-10-12 收到补正后的申请，重新起算（条例 第三十条）" in reply.steps


def test_reply_waits_while_a_correction_is_awaited() -> None:
    lines = (RECEIVED, event("correction_requested", "2026-09-22", until="2026-10-16"))
    reply = deadlines(*lines, as_of="2026-10-09")[DeadlineKind.REPLY]
    assert reply.paused
    assert reply.due == D("2026-11-05")  # as if the corrected application arrived on the as-of date
    assert not reply.overdue


def test_a_consultation_pauses_the_reply_by_its_working_days() -> None:
    lines = (RECEIVED, event("consultation_started", "2026-10-09"), event("consultation_ended", "2026-10-15"))
    reply = deadlines(*lines, as_of="2026-10-20")[DeadlineKind.REPLY]
    assert reply.due == D("2026-10-29")  # (10-09, 10-15] holds 10-10, 12, 13, 14, 15
    assert "2026-10-09 至 2026-10-15 征求意见，暂停 5 个工作日 → 2026-10-29（条例 第三十三条）" in reply.steps


def test_a_running_consultation_is_listed_paused_as_if_it_ended_on_the_as_of_date() -> None:
    lines = (RECEIVED, event("consultation_started", "2026-10-09", party="third_party"))
    found = deadlines(*lines, as_of="2026-10-12")
    assert found[DeadlineKind.REPLY].paused
    assert found[DeadlineKind.REPLY].due == D("2026-10-26")  # (10-09, 10-12] holds 10-10 and 10-12
    assert found[DeadlineKind.CONSULTATION_REPLY].due == D("2026-10-29")
    assert found[DeadlineKind.CONSULTATION_REPLY].steps[0] == "2026-10-09 向第三方征求意见"


def test_overlapping_fee_wait_and_consultation_are_counted_once() -> None:
    lines = (
        RECEIVED,
        event("consultation_started", "2026-10-09"),
        event("fee_notified", "2026-10-12", amount="100.00"),
        event("consultation_ended", "2026-10-15"),
        event("fee_paid", "2026-10-20"),
    )
    # (10-09, 10-20] holds 8 working days; counted separately it would be 5 + 6
    assert due(*lines, as_of="2026-10-21") == "2026-11-03"
    reply = deadlines(*lines, as_of="2026-10-21")[DeadlineKind.REPLY]
    assert "2026-10-09 至 2026-10-20 征求意见、等待缴费，暂停 8 个工作日 → 2026-11-03（条例 第三十三条）" in reply.steps


def test_the_fee_wait_pause_is_a_setting() -> None:
    lines = (RECEIVED, event("fee_notified", "2026-10-09", amount="100.00"), event("fee_paid", "2026-10-15"))
    assert due(*lines, as_of="2026-10-21") == "2026-10-29"
    assert due(*lines, as_of="2026-10-21", rules=DeadlineRules(fee_wait_pauses_reply=False)) == "2026-10-22"


def test_a_pause_starting_after_the_deadline_does_not_revive_it() -> None:
    lines = (RECEIVED, event("consultation_started", "2026-10-26"), event("consultation_ended", "2026-10-28"))
    reply = deadlines(*lines, as_of="2026-10-29")[DeadlineKind.REPLY]
    assert reply.due == D("2026-10-22")
    assert reply.overdue


def test_an_extension_adds_its_days_to_the_deadline_as_it_stands() -> None:
    assert due(RECEIVED, event("extended", "2026-10-20"), as_of="2026-10-21") == "2026-11-19"
    assert due(RECEIVED, event("extended", "2026-10-20", days=10), as_of="2026-10-21") == "2026-11-05"


def test_a_pause_and_an_extension_both_move_the_reply() -> None:
    lines = (
        RECEIVED,
        event("consultation_started", "2026-10-09"),
        event("consultation_ended", "2026-10-15"),
        event("extended", "2026-10-20"),
    )
    reply = deadlines(*lines, as_of="2026-10-21")[DeadlineKind.REPLY]
    assert reply.due == D("2026-11-26")
    assert reply.steps[-2:] == ["2026-10-20 延期 20 个工作日 → 2026-11-26（条例 第三十三条）", "答复期限 2026-11-26"]


def test_an_extension_before_a_restart_is_not_carried_over() -> None:
    lines = (
        RECEIVED,
        event("extended", "2026-09-21"),
        event("correction_requested", "2026-09-22"),
        event("correction_received", "2026-10-12"),
    )
    reply = deadlines(*lines, as_of="2026-10-12")[DeadlineKind.REPLY]
    assert reply.due == D("2026-11-09")
    assert "2026-09-21 的延期早于重新起算，不计入（从严计算）" in reply.steps


def test_a_late_extension_still_counts_and_is_flagged() -> None:
    reply = deadlines(RECEIVED, event("extended", "2026-10-23", days=5), as_of="2026-10-23")[DeadlineKind.REPLY]
    assert reply.due == D("2026-10-29")
    assert "2026-10-23 延期 5 个工作日（晚于当时的期限 2026-10-22） → 2026-10-29（条例 第三十三条）" in reply.steps


def test_a_corrected_receipt_date_moves_the_deadlines() -> None:
    lines = (RECEIVED, event("corrected", "2026-09-21", reason="typo", received_date="2026-09-17"))
    assert due(*lines, as_of="2026-09-20") == "2026-10-22"  # the correction is not known yet
    assert due(*lines, as_of="2026-09-21") == "2026-10-21"
    registration = deadlines(*lines, as_of="2026-09-21")[DeadlineKind.REGISTRATION]
    assert (registration.due, registration.overdue) == (D("2026-09-20"), True)  # Sun 9-20 is a working day
    assert registration.steps[0] == "2026-09-17 收到申请（2026-09-21 更正的收到日期，条例 第三十一条）"


def test_a_reply_in_an_unknown_year_says_which_year_is_missing() -> None:
    received = {**RECEIVED, "date": "2026-12-10"}
    reply = deadlines(received, as_of="2026-12-10")[DeadlineKind.REPLY]
    assert (reply.due, reply.calendar_missing, reply.overdue) == (None, 2027, False)
    assert "gongkai calendar add 2027" in reply.steps[-1]
    assert deadline_to_json(reply) == {
        "request": "1",
        "kind": "reply",
        "due": None,
        "overdue": False,
        "calendar_missing": 2027,
    }
    assert deadlines(received, as_of="2026-12-10")[DeadlineKind.REGISTRATION].due == D("2026-12-14")


def test_a_reply_in_an_added_year_gets_a_date() -> None:
    received = {**RECEIVED, "date": "2026-12-10"}
    assert due(received, as_of="2026-12-10", calendar=WorkingCalendar([FAKE_2027])) == "2027-01-08"


# -- registration and closing -----------------------------------------------------------------------


@pytest.mark.parametrize(("received", "expected"), [("2026-09-30", "2026-10-09"), ("2026-01-03", "2026-01-05")])
def test_registration_is_due_two_working_days_after_receipt(received: str, expected: str) -> None:
    assert due({**RECEIVED, "date": received}, as_of=received, kind=DeadlineKind.REGISTRATION) == expected


def test_registration_stays_open_after_the_answer_and_closes_when_registered() -> None:
    answered = event("answered", "2026-10-20", outcome="disclosed")
    assert set(deadlines(RECEIVED, answered, as_of="2026-10-21")) == {DeadlineKind.REGISTRATION}
    assert deadlines(RECEIVED, answered, event("registered", "2026-10-21"), as_of="2026-10-21") == {}


def test_a_withdrawn_request_keeps_only_its_registration() -> None:
    lines = (RECEIVED, event("fee_notified", "2026-09-22", amount="10.00"), event("withdrawn", "2026-09-23"))
    assert set(deadlines(*lines, as_of="2026-09-23")) == {DeadlineKind.REGISTRATION}
    assert set(deadlines(*lines, as_of="2026-09-22")) >= {DeadlineKind.REPLY, DeadlineKind.FEE_PAYMENT}


def test_a_voided_request_has_no_deadlines() -> None:
    assert deadlines(RECEIVED, event("voided", "2026-09-21", reason="entered twice"), as_of="2026-09-21") == {}


def test_only_events_up_to_the_as_of_date_count() -> None:
    lines = (RECEIVED, event("registered", "2026-09-21"), event("answered", "2026-10-20", outcome="disclosed"))
    assert set(deadlines(*lines, as_of="2026-09-20")) == {
        DeadlineKind.REGISTRATION,
        DeadlineKind.CORRECTION_NOTICE,
        DeadlineKind.REPLY,
    }
    assert deadlines(*lines, as_of="2026-09-17") == {}


# -- 补正 (条例 第三十条) -----------------------------------------------------------------------------


def test_the_correction_notice_is_advisory_and_ends_with_its_date() -> None:
    notice = deadlines(RECEIVED, as_of="2026-09-29")[DeadlineKind.CORRECTION_NOTICE]
    assert notice.due == D("2026-09-29")
    assert not notice.overdue
    assert DeadlineKind.CORRECTION_NOTICE not in deadlines(RECEIVED, as_of="2026-09-30")


def test_the_correction_period_runs_until_the_corrected_application_arrives() -> None:
    requested = event("correction_requested", "2026-09-22", until="2026-10-16")
    found = deadlines(RECEIVED, requested, as_of="2026-10-19")
    assert DeadlineKind.CORRECTION_NOTICE not in found
    assert found[DeadlineKind.CORRECTION_PERIOD].due == D("2026-10-16")
    assert found[DeadlineKind.CORRECTION_PERIOD].overdue
    received = event("correction_received", "2026-10-12")
    assert DeadlineKind.CORRECTION_PERIOD not in deadlines(RECEIVED, requested, received, as_of="2026-10-19")


def test_a_correction_request_without_a_period_has_no_period_deadline() -> None:
    found = deadlines(RECEIVED, event("correction_requested", "2026-09-22"), as_of="2026-09-23")
    assert DeadlineKind.CORRECTION_PERIOD not in found
    assert found[DeadlineKind.REPLY].paused


# -- consultations and fees ---------------------------------------------------------------------------


def test_each_running_consultation_has_its_own_deadline() -> None:
    lines = (
        RECEIVED,
        event("consultation_started", "2026-10-08", party="third_party"),
        event("consultation_started", "2026-10-09", party="agency"),
        event("consultation_ended", "2026-10-13", party="third_party"),
    )
    found = request_deadlines(request_of(*lines), D("2026-10-14"), RULES, CALENDAR)
    consultations = [d for d in found if d.kind is DeadlineKind.CONSULTATION_REPLY]
    assert [d.due for d in consultations] == [D("2026-10-29")]
    assert consultations[0].steps[0] == "2026-10-09 向其他机关征求意见"


def test_a_fee_is_due_twenty_working_days_after_the_notice_is_served() -> None:
    notified = event("fee_notified", "2026-10-09", amount="100.00", served="2026-10-12")
    fee = deadlines(RECEIVED, notified, as_of="2026-10-12")[DeadlineKind.FEE_PAYMENT]
    assert fee.due == D("2026-11-09")
    assert fee.steps[0] == "2026-10-09 发出收费通知，2026-10-12 送达"
    paid = event("fee_paid", "2026-10-20")
    assert DeadlineKind.FEE_PAYMENT not in deadlines(RECEIVED, notified, paid, as_of="2026-10-20")


# -- cases ----------------------------------------------------------------------------------------------


def case_of(kind: str, date: str, *later: dict[str, Any], procedure: str | None = None) -> AppealCase:
    appealed = {"event": "appealed", "case": "C1", "kind": kind, "date": date, "request": "1"}
    if procedure:
        appealed["procedure"] = procedure
    book = Book(load=lambda _id: None, today=D("2027-12-31"), agency="A", clerk="t")
    for line in ({**RECEIVED, "date": "2026-09-01"}, appealed, *({"case": "C1", **line} for line in later)):
        book.record(parse_object(line))
    case = book.get(case_id("A", "C1"))
    assert isinstance(case, AppealCase)
    return case


@pytest.mark.parametrize(
    ("appealed", "expected"),
    [
        ("2026-09-16", "2026-10-08"),  # 10-01 is National Day
        ("2026-09-26", "2026-10-12"),  # 10-11 is a Sunday
        ("2026-09-25", "2026-10-10"),  # 10-10 is a 调休 Saturday, a working day
        ("2026-09-23", "2026-10-08"),
    ],
)
def test_litigation_defence_is_due_fifteen_calendar_days_later_moved_off_holidays(appealed: str, expected: str) -> None:
    [defence] = case_deadlines(case_of("litigation_direct", appealed), D(appealed), RULES, CALENDAR)
    assert defence.kind is DeadlineKind.LITIGATION_DEFENCE
    assert defence.due == D(expected)
    assert deadline_to_json(defence) == {"case": "C1", "kind": "litigation_defence", "due": expected, "overdue": False}


def test_a_holiday_move_is_explained() -> None:
    [defence] = case_deadlines(case_of("litigation_direct", "2026-09-16"), D("2026-09-16"), RULES, CALENDAR)
    assert defence.steps[1] == "+15 日 → 2026-10-01（行政诉讼法 第六十七条）"
    assert defence.steps[2].startswith("2026-10-01 不是工作日，顺延至 2026-10-08")


@pytest.mark.parametrize(("procedure", "expected"), [(None, "2026-10-20"), ("simplified", "2026-10-13")])
def test_reconsideration_reply_counts_working_days(procedure: str | None, expected: str) -> None:
    case = case_of("reconsideration", "2026-09-30", procedure=procedure)
    [reply] = case_deadlines(case, D("2026-10-21"), RULES, CALENDAR)
    assert reply.kind is DeadlineKind.RECONSIDERATION_REPLY
    assert reply.due == D(expected)
    assert reply.overdue


@pytest.mark.parametrize(
    "later",
    [event("appeal_responded", "2026-10-10"), event("appeal_decided", "2026-10-10", result="upheld")],
)
def test_a_case_deadline_closes_with_the_response_or_a_decision(later: dict[str, Any]) -> None:
    case = case_of("reconsideration", "2026-09-30", later)
    assert case_deadlines(case, D("2026-10-10"), RULES, CALENDAR) == []
    assert len(case_deadlines(case, D("2026-10-09"), RULES, CALENDAR)) == 1


# -- the agency's filings and reports --------------------------------------------------------------------


def test_monthly_filings_are_due_on_the_second_including_empty_months() -> None:
    found = agency_deadlines(D("2026-07-15"), {"2026-07"}, set(), D("2026-10-05"), RULES, CALENDAR)
    assert [(d.month, d.due, d.overdue) for d in found] == [
        ("2026-08", D("2026-09-02"), True),
        ("2026-09", D("2026-10-02"), True),
    ]
    assert deadline_to_json(found[0]) == {
        "month": "2026-08",
        "kind": "monthly_filing",
        "due": "2026-09-02",
        "overdue": True,
    }


def test_the_filing_day_can_move_off_holidays() -> None:
    rules = DeadlineRules(filing_day_moves_on_holiday=True)
    [filing] = agency_deadlines(D("2026-09-01"), set(), set(), D("2026-10-05"), rules, CALENDAR)
    assert filing.due == D("2026-10-08")
    [filing] = agency_deadlines(D("2026-12-01"), set(), {2026}, D("2027-01-05"), rules, CALENDAR)
    assert (filing.month, filing.due, filing.calendar_missing) == ("2026-12", None, 2027)


def test_nothing_through_the_year_of_an_imported_report_is_due() -> None:
    # The office began on gongkai after its 2024 report: it entered an application of 2023 still open then.
    outside = outside_through({2023, 2024})
    found = agency_deadlines(D("2023-11-20"), set(), set(), D("2025-03-05"), RULES, CALENDAR, outside)
    assert [(d.kind.value, d.subject) for d in found] == [
        ("monthly_filing", "2025-01"),
        ("monthly_filing", "2025-02"),
    ]
    assert outside_through(()) is None


def test_annual_reports_are_due_on_31_january() -> None:
    found = agency_deadlines(D("2025-11-03"), {"2025-11", "2025-12"}, set(), D("2026-02-01"), RULES, CALENDAR)
    assert [(d.kind.value, d.subject, d.due) for d in found] == [
        ("annual_report", "2025", D("2026-01-31")),
        ("monthly_filing", "2026-01", D("2026-02-02")),
    ]
    assert deadline_to_json(found[0]) == {"year": 2025, "kind": "annual_report", "due": "2026-01-31", "overdue": True}
    assert (
        agency_deadlines(D("2025-11-03"), {"2025-11", "2025-12", "2026-01"}, {2025}, D("2026-02-01"), RULES, CALENDAR)
        == []
    )


def test_an_agency_without_events_has_no_deadlines() -> None:
    assert agency_deadlines(None, set(), set(), D("2026-10-05"), RULES, CALENDAR) == []


# -- output -------------------------------------------------------------------------------------------------


def test_deadlines_sort_by_due_then_kind_with_unknown_dates_last() -> None:
    unknown = Deadline(DeadlineKind.REGISTRATION, None, request="1", calendar_missing=2027)
    reply = Deadline(DeadlineKind.REPLY, D("2026-10-22"), request="1")
    filing = Deadline(DeadlineKind.MONTHLY_FILING, D("2026-10-22"), month="2026-09")
    early = Deadline(DeadlineKind.REPLY, D("2026-10-01"), request="2")
    assert sorted([unknown, reply, filing, early], key=deadline_sort_key) == [early, filing, reply, unknown]


def test_a_paused_deadline_says_so_in_json() -> None:
    lines = (RECEIVED, event("consultation_started", "2026-10-09"))
    reply = deadlines(*lines, as_of="2026-10-12")[DeadlineKind.REPLY]
    assert deadline_to_json(reply) == {
        "request": "1",
        "kind": "reply",
        "due": "2026-10-26",
        "overdue": False,
        "paused": True,
    }


def test_rules_refuse_impossible_settings() -> None:
    with pytest.raises(ValueError, match="filing_day_of_month"):
        DeadlineRules(filing_day_of_month=31)
    with pytest.raises(ValueError, match="reply_working_days"):
        DeadlineRules(reply_working_days=-1)


# -- properties --------------------------------------------------------------------------------------------

# late enough for 调休 and the October holiday, early enough that pauses (≤ 55 days) and 40 working days stay in 2026,
# the last year the calendar knows
received_days = st.dates(min_value=D("2026-01-01"), max_value=D("2026-06-30"))


@given(received=received_days, days=st.integers(min_value=1, max_value=20))
def test_an_extension_moves_the_reply_by_exactly_its_working_days(received: dt.date, days: int) -> None:
    line = {**RECEIVED, "date": received.isoformat()}
    as_of = received + dt.timedelta(days=1)
    plain = deadlines(line, as_of=as_of.isoformat())[DeadlineKind.REPLY].due
    extended = deadlines(line, event("extended", as_of.isoformat(), days=days), as_of=as_of.isoformat())
    assert plain is not None
    assert CALENDAR.working_days_between(plain, extended[DeadlineKind.REPLY].due or plain) == days


def _budget_walk(received: dt.date, intervals: list[tuple[dt.date, dt.date]], budget: int = 20) -> dt.date:
    """The reply due by another route: the n-th working day after receipt that no pause (start, end] covers."""
    day, left = received, budget
    while left:
        day += dt.timedelta(days=1)
        if CALENDAR.is_working_day(day) and not any(start < day <= end for start, end in intervals):
            left -= 1
    return day


def _paired(received: dt.date, spans: list[tuple[int, int]]) -> list[tuple[dt.date, dt.date]]:
    """Return intervals whose starts and ends are both in date order, as first-open-first-closed pairing needs."""
    starts = sorted(received + dt.timedelta(days=a) for a, _ in spans)
    ends = sorted(received + dt.timedelta(days=a + b) for a, b in spans)
    return list(zip(starts, ends, strict=True))


spans = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 15)), max_size=3)


@given(received=received_days, consulted=spans, fees=spans, days=st.none() | st.integers(1, 20))
def test_pauses_and_extension_match_counting_the_unpaused_working_days(
    received: dt.date, consulted: list[tuple[int, int]], fees: list[tuple[int, int]], days: int | None
) -> None:
    consultations, notices = _paired(received, consulted), _paired(received, fees)
    steps: list[tuple[dt.date, int, dict[str, Any]]] = []
    for start, end in consultations:
        steps += [(start, 0, event("consultation_started", "")), (end, 1, event("consultation_ended", ""))]
    for start, end in notices:
        steps += [(start, 0, event("fee_notified", "", amount="1.00")), (end, 1, event("fee_paid", ""))]
    if days is not None:  # dated the day after receipt: always before the deadline
        steps.append((received + dt.timedelta(days=1), 2, event("extended", "", days=days)))
    lines = [{**RECEIVED, "date": received.isoformat()}]
    lines += [{**line, "date": day.isoformat()} for day, _, line in sorted(steps, key=lambda step: step[:2])]
    as_of = max([received + dt.timedelta(days=1), *(end for _, end in consultations + notices)])
    reply = deadlines(*lines, as_of=as_of.isoformat())[DeadlineKind.REPLY]
    assert reply.due == _budget_walk(received, consultations + notices, 20 + (days or 0))
