"""A hypothesis strategy for valid random histories in the import format (docs/import-format.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from domain.codes import AppealKind, AppealResult, ApplicantType, Channel, Outcome

START = dt.date(2023, 10, 1)
END = dt.date(2026, 11, 25)
PLAIN_OUTCOMES = [
    o.value
    for o in Outcome
    if o not in {Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_FEE_UNPAID, Outcome.UNAVAILABLE_STILL_UNCLEAR}
]


@st.composite
def request_history(draw: st.DrawFn, number: str) -> list[dict[str, Any]]:
    """Draw one application's legal life: steps in date order, closed or still open."""
    day = START + dt.timedelta(days=draw(st.integers(0, (END - START).days - 60)))
    lines: list[dict[str, Any]] = []

    def add(event: str, gap: int = 0, **fields: Any) -> None:
        nonlocal day
        day = min(day + dt.timedelta(days=gap), END)
        lines.append({"event": event, "request": number, "date": day.isoformat(), **fields})

    gap = st.integers(0, 40)
    add(
        "received",
        channel=draw(st.sampled_from([c.value for c in Channel])),
        applicant_type=draw(st.sampled_from([t.value for t in ApplicantType])),
    )
    if draw(st.booleans()):
        add("registered", draw(st.integers(0, 3)))
    corrected = awaiting = unpaid = False
    if draw(st.integers(0, 4)) == 0:
        add("correction_requested", draw(gap))
        corrected = awaiting = True
        if draw(st.booleans()):
            add("correction_received", draw(gap))
            awaiting = False
    if draw(st.integers(0, 5)) == 0:
        add("consultation_started", draw(gap), party="third_party")
        add("consultation_ended", draw(gap), party="third_party")
    if draw(st.integers(0, 6)) == 0:
        add("fee_notified", draw(gap), amount=f"{draw(st.integers(1, 3000))}.00")
        unpaid = True
        if draw(st.booleans()):
            add("fee_paid", draw(gap))
            unpaid = False
    if draw(st.integers(0, 6)) == 0:
        add("extended", draw(gap), days=draw(st.integers(1, 20)))
    if draw(st.integers(0, 8)) == 0:
        add("classified", draw(gap), applicant_type=draw(st.sampled_from([t.value for t in ApplicantType])))
    outcomes = PLAIN_OUTCOMES + ["other_no_correction"] * awaiting + ["other_fee_unpaid"] * unpaid
    outcomes += ["unavailable_still_unclear"] * corrected
    close = draw(st.sampled_from(["answer", "answer", "answer", "withdraw", "open"]))
    if close == "answer":
        add("answered", draw(gap), outcome=draw(st.sampled_from(outcomes)))
    elif close == "withdraw":
        add("withdrawn", draw(gap))
    if close != "open" and draw(st.integers(0, 6)) == 0:
        add("corrected", draw(gap), reason="更正", outcome=draw(st.sampled_from(PLAIN_OUTCOMES)))
    if close == "open" and draw(st.integers(0, 6)) == 0:  # after the close only corrections (docs/import-format.md)
        add("voided", draw(gap), reason="录入错误")
    return lines


@st.composite
def appeal_history(draw: st.DrawFn, request: list[dict[str, Any]], case: str) -> list[dict[str, Any]]:
    """Draw an appeal against an application, perhaps decided (several times)."""
    day = dt.date.fromisoformat(request[-1]["date"]) + dt.timedelta(days=draw(st.integers(0, 60)))
    day = min(day, END)
    number = request[0]["request"]
    lines = [
        {
            "event": "appealed",
            "request": number,
            "case": case,
            "date": day.isoformat(),
            "kind": draw(st.sampled_from([k.value for k in AppealKind])),
        }
    ]
    for _ in range(draw(st.integers(0, 2))):
        if day >= END:
            break
        day = min(day + dt.timedelta(days=draw(st.integers(1, 200))), END)  # same-day repeats would be one fact
        lines.append(
            {
                "event": "appeal_decided",
                "case": case,
                "date": day.isoformat(),
                "result": draw(st.sampled_from([r.value for r in AppealResult])),
            }
        )
    return lines


@st.composite
def histories(draw: st.DrawFn, max_requests: int = 25) -> list[dict[str, Any]]:
    """Draw a valid history of many applications and cases, interleaved by date."""
    lines: list[dict[str, Any]] = []
    for index in range(draw(st.integers(1, max_requests))):
        request = draw(request_history(f"R{index}"))
        lines += request
        if draw(st.integers(0, 5)) == 0:
            lines += draw(appeal_history(request, f"C{index}"))
    return sorted(lines, key=lambda line: line["date"])  # stable: one request's order is kept
