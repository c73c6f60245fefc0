"""The refusals of docs/refusals.md, each enforced by the aggregate and nothing else refused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from domain.errors import RefusedError, UnknownRequestError
from domain.request import Request
from tests.conftest import book_of


def received(number: str = "R1", date: str = "2026-03-02", **extra: Any) -> dict[str, Any]:
    return {
        "event": "received",
        "request": number,
        "date": date,
        "channel": "online",
        "applicant_type": "natural_person",
        **extra,
    }


def step(event: str, date: str, number: str = "R1", **fields: Any) -> dict[str, Any]:
    return {"event": event, "request": number, "date": date, **fields}


REFUSED = {
    "future date": [received(date="2026-11-26")],
    "unknown request": [step("registered", "2026-03-03", number="NOPE")],
    "before receipt": [received(), step("registered", "2026-03-01")],
    "after answer": [
        received(),
        step("answered", "2026-03-05", outcome="disclosed"),
        step("consultation_started", "2026-03-06"),
    ],
    "after withdrawal": [received(), step("withdrawn", "2026-03-05"), step("extended", "2026-03-06")],
    "after void": [
        received(),
        step("voided", "2026-03-03", reason="录入错误"),
        step("answered", "2026-03-05", outcome="disclosed"),
    ],
    "second answer": [
        received(),
        step("answered", "2026-03-05", outcome="disclosed"),
        step("answered", "2026-03-06", outcome="disclosed"),
    ],
    "no_correction without 补正": [received(), step("answered", "2026-03-05", outcome="other_no_correction")],
    "no_correction after 补正 answered": [
        received(),
        step("correction_requested", "2026-03-03"),
        step("correction_received", "2026-03-04"),
        step("answered", "2026-03-05", outcome="other_no_correction"),
    ],
    "fee_unpaid without notice": [received(), step("answered", "2026-03-05", outcome="other_fee_unpaid")],
    "fee_unpaid after payment": [
        received(),
        step("fee_notified", "2026-03-03", amount="100.00"),
        step("fee_paid", "2026-03-04"),
        step("answered", "2026-03-05", outcome="other_fee_unpaid"),
    ],
    "still_unclear without 补正": [received(), step("answered", "2026-03-05", outcome="unavailable_still_unclear")],
    "second extension": [received(), step("extended", "2026-03-03"), step("extended", "2026-03-04")],
    "consultation_ended without one": [received(), step("consultation_ended", "2026-03-04")],
    "consultation_ended wrong party": [
        received(),
        step("consultation_started", "2026-03-03", party="agency"),
        step("consultation_ended", "2026-03-04", party="third_party"),
    ],
    "fee_paid without notice": [received(), step("fee_paid", "2026-03-04", amount="10.00")],
    "duplicate number": [received(), received(date="2026-03-03")],
    "appeal for unknown request": [
        {"event": "appealed", "request": "NOPE", "case": "C1", "kind": "reconsideration", "date": "2026-03-05"}
    ],
    "appeal before receipt": [
        received(),
        {"event": "appealed", "request": "R1", "case": "C1", "kind": "reconsideration", "date": "2026-03-01"},
    ],
    "decision for unknown case": [{"event": "appeal_decided", "case": "C9", "result": "upheld", "date": "2026-03-05"}],
    "decision before appeal": [
        received(),
        {"event": "appealed", "request": "R1", "case": "C1", "kind": "reconsideration", "date": "2026-04-01"},
        {"event": "appeal_decided", "case": "C1", "result": "upheld", "date": "2026-03-05"},
    ],
    "filing within its month": [{"event": "monthly_filing_submitted", "month": "2026-03", "date": "2026-03-31"}],
    "report within its year": [{"event": "annual_report_published", "year": 2025, "date": "2025-12-31"}],
}


@pytest.mark.parametrize("history", REFUSED.values(), ids=REFUSED.keys())
def test_impossible_step_is_refused_with_a_reason(history: list[dict[str, Any]]) -> None:
    book_of(history[:-1])
    with pytest.raises(RefusedError) as refused:
        book_of(history)
    message = str(refused.value)
    subject, _, words = message.partition("：")  # "申请 B-1：中文 / English"
    assert subject and " / " in words and re.search(r"[\u4e00-\u9fff]", words.split(" / ")[0])
    assert refused.value.field in {"event", "date", "request", "case", "outcome", "reason", "received_date"}


def test_unknown_request_names_the_number_and_what_to_do() -> None:
    with pytest.raises(UnknownRequestError, match=r"NOPE.*gongkai receive NOPE"):
        book_of([step("registered", "2026-03-03", number="NOPE")])


ACCEPTED = {
    "registration after answer": [
        received(),
        step("answered", "2026-03-05", outcome="disclosed"),
        step("registered", "2026-03-09"),
    ],
    "classification after close": [
        received(),
        step("withdrawn", "2026-03-05"),
        step("classified", "2026-03-09", applicant_type="other_org"),
    ],
    "correction after void": [
        received(),
        step("voided", "2026-03-05", reason="重复录入"),
        step("corrected", "2026-03-09", reason="日期", received_date="2026-03-01"),
    ],
    "appeal before the answer": [
        received(),
        {"event": "appealed", "request": "R1", "case": "C1", "kind": "reconsideration", "date": "2026-04-20"},
    ],
    "litigation after reconsideration without one": [
        received(),
        step("answered", "2026-03-05", outcome="withheld_process_info"),
        {
            "event": "appealed",
            "request": "R1",
            "case": "C2",
            "kind": "litigation_after_reconsideration",
            "date": "2026-05-01",
        },
    ],
    "two cases on one request": [
        received(),
        {"event": "appealed", "request": "R1", "case": "C1", "kind": "reconsideration", "date": "2026-04-01"},
        {"event": "appealed", "request": "R1", "case": "C2", "kind": "litigation_direct", "date": "2026-04-02"},
    ],
    "still_unclear after a completed 补正": [
        received(),
        step("correction_requested", "2026-03-03"),
        step("correction_received", "2026-03-04"),
        step("answered", "2026-03-20", outcome="unavailable_still_unclear"),
    ],
    "answer on a holiday": [received(date="2026-09-30"), step("answered", "2026-10-03", outcome="disclosed")],
    "two overlapping consultations": [
        received(),
        step("consultation_started", "2026-03-03", party="agency"),
        step("consultation_started", "2026-03-04", party="third_party"),
        step("consultation_ended", "2026-03-05", party="third_party"),
        step("consultation_ended", "2026-03-06"),
    ],
    "fee_unpaid with an unpaid notice": [
        received(),
        step("fee_notified", "2026-03-03", amount="1700.00"),
        step("answered", "2026-04-20", outcome="other_fee_unpaid"),
    ],
}


@pytest.mark.parametrize("history", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_possible_step_is_accepted(history: list[dict[str, Any]]) -> None:
    book = book_of(history)
    assert book.recorded == len(history)


def test_fee_paid_defaults_to_the_notified_amount() -> None:
    book = book_of([received(), step("fee_notified", "2026-03-03", amount="1700.00"), step("fee_paid", "2026-03-04")])
    request = next(book.changed())
    assert isinstance(request, Request) and isinstance(paid := request.history[-1], Request.FeePaid)
    assert str(paid.amount) == "1700.00"


def test_corrections_win_everywhere() -> None:
    book = book_of(
        [
            received(),
            step("answered", "2026-03-05", outcome="disclosed"),
            step(
                "corrected",
                "2026-03-09",
                reason="录错",
                outcome="partially_disclosed",
                answered_date="2026-03-06",
                applicant_type="commercial_enterprise",
            ),
        ]
    )
    request = next(book.changed())
    assert isinstance(request, Request)
    assert (request.outcome, str(request.closed), request.applicant_type) == (
        "partially_disclosed",
        "2026-03-06",
        "commercial_enterprise",
    )
