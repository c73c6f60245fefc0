"""Bounded fuzzing (hypothesis): the import parser and the domain transitions never fail in an unnamed way."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.book import Book
from domain.codes import ApplicantType, Channel, Outcome, Party
from domain.errors import Problem, RefusedError
from domain.lines import LINE_MODELS, Line, LineError, parse_object
from service.reading import read_lines
from tests.conftest import TODAY, fold_report

BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIELDS = sorted(
    {"event", "request", "date", "case", "agency", "clerk"} | {k for m in LINE_MODELS.values() for k in m.model_fields}
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


@BOUNDED
@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_named(data: bytes) -> None:
    problems: list[Problem] = []
    lines = list(read_lines(io.BytesIO(data), problems))
    assert all(isinstance(line, Line) for _, line in lines)
    assert all(problem.line is not None and problem.in_file().startswith("第 ") for problem in problems)


@BOUNDED
@given(
    st.dictionaries(
        st.sampled_from(FIELDS) | st.text(max_size=6),
        JSON | st.sampled_from(["2026-03-02", "2026-02-30", "received", "answered", "B-1", "disclosed"]),
        max_size=7,
    ),
    st.sampled_from(sorted(LINE_MODELS)),
)
def test_any_object_is_parsed_or_refused_with_its_field(data: dict[str, Any], event: str) -> None:
    data.setdefault("event", event)
    try:
        line = parse_object(data)
    except LineError as error:
        assert error.field and error.reason
        return
    json.dumps(line.fields)  # what is accepted is plain JSON
    assert line.event == data["event"]


DAYS = st.integers(min_value=0, max_value=400).map(lambda n: dt.date(2025, 12, 1) + dt.timedelta(days=n))
STEP = st.fixed_dictionaries(
    {
        "event": st.sampled_from(
            [
                "received",
                "registered",
                "classified",
                "correction_requested",
                "correction_received",
                "consultation_started",
                "consultation_ended",
                "extended",
                "fee_notified",
                "fee_paid",
                "answered",
                "withdrawn",
                "corrected",
                "voided",
                "appealed",
                "appeal_decided",
            ]
        ),
        "request": st.sampled_from(["F-1", "F-2", "F-3"]),
        "date": DAYS.map(dt.date.isoformat),
    },
    optional={
        "channel": st.sampled_from(list(Channel)),
        "applicant_type": st.sampled_from(list(ApplicantType)),
        "outcome": st.sampled_from(list(Outcome)),
        "party": st.sampled_from(list(Party)),
        "amount": st.sampled_from(["0.00", "100.00", "1700.00"]),
        "reason": st.just("理由"),
        "case": st.sampled_from(["K-1", "K-2"]),
        "kind": st.sampled_from(["reconsideration", "litigation_direct"]),
        "result": st.sampled_from(["upheld", "corrected", "other"]),
    },
)


@BOUNDED
@given(st.lists(STEP, max_size=25))
def test_any_sequence_of_steps_is_recorded_or_refused_and_the_tables_balance(steps: list[dict[str, Any]]) -> None:
    book = Book(lambda _id: None, today=TODAY, agency="A", clerk="fuzz")
    accepted: list[dict[str, Any]] = []
    for step in steps:
        data = {k: str(v) for k, v in step.items()}
        if data["event"] == "appeal_decided":
            data.pop("request")
        try:
            book.record(parse_object(data))
        except (LineError, RefusedError):
            continue
        accepted.append(data)
    for year in ("2025", "2026"):
        rows = fold_report(accepted, year)["applications"]
        for column in rows["new"]:
            assert (
                rows["new"][column] + rows["carried_in"][column]
                == rows["total_handled"][column] + rows["carried_out"][column]
            )
