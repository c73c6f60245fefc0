"""An event built from its line's checked values is the event validation makes: the same values, types and JSON."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain import checked_events
from domain.checked_events import build_event
from domain.codes import AppealKind, AppealResult, ApplicantType, Channel, Outcome, Party, Procedure
from domain.lines import ALL_EVENT_CLASSES, parse_object
from tests.conftest import book_of

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=12)
_CODE = st.text("ABCXYZ019-_/甲乙", min_size=1, max_size=10)
_DAY = st.dates(dt.date(2019, 1, 1), dt.date(2026, 11, 25)).map(dt.date.isoformat)
_AMOUNT = st.builds(lambda yuan, fen: f"{yuan}.{fen:02d}", st.integers(0, 99999), st.integers(0, 99))


def _codes(kind: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value for member in kind])


_FIELDS: dict[str, tuple[dict[str, st.SearchStrategy[Any]], dict[str, st.SearchStrategy[Any]]]] = {
    # event: (required fields, optional fields) besides event, date, agency and clerk
    "received": (
        {"request": _CODE, "channel": _codes(Channel), "applicant_type": _codes(ApplicantType)},
        {"applicant": _TEXT, "subject": _TEXT},
    ),
    "registered": ({"request": _CODE}, {}),
    "classified": ({"request": _CODE, "applicant_type": _codes(ApplicantType)}, {}),
    "correction_requested": ({"request": _CODE}, {"until": _DAY}),
    "correction_received": ({"request": _CODE}, {}),
    "consultation_started": ({"request": _CODE}, {"party": _codes(Party)}),
    "consultation_ended": ({"request": _CODE}, {"party": _codes(Party)}),
    "extended": ({"request": _CODE}, {"days": st.integers(1, 20), "approved_by": _TEXT}),
    "fee_notified": ({"request": _CODE, "amount": _AMOUNT}, {"served": _DAY}),
    "fee_paid": ({"request": _CODE, "amount": _AMOUNT}, {}),
    "answered": ({"request": _CODE, "outcome": _codes(Outcome)}, {}),
    "withdrawn": ({"request": _CODE}, {"reason": _TEXT}),
    "corrected": (
        {"request": _CODE, "reason": _TEXT},
        {
            "received_date": _DAY,
            "channel": _codes(Channel),
            "applicant_type": _codes(ApplicantType),
            "outcome": _codes(Outcome),
            "answered_date": _DAY,
        },
    ),
    "voided": ({"request": _CODE, "reason": _TEXT}, {}),
    "appealed": ({"case": _CODE, "request": _CODE, "kind": _codes(AppealKind)}, {"procedure": _codes(Procedure)}),
    "appeal_responded": ({"case": _CODE}, {}),
    "appeal_decided": ({"case": _CODE, "result": _codes(AppealResult)}, {}),
    "agency_named": ({"agency_name": _TEXT}, {}),
    "monthly_filing_submitted": (
        {"month": st.builds("{}-{:02d}".format, st.integers(2019, 2026), st.integers(1, 12))},
        {},
    ),
    "annual_report_published": ({"year": st.integers(2019, 2026)}, {}),
    "year_closed": (
        {
            "year": st.integers(2019, 2026),
            "sha256": st.text("0123456789abcdef", min_size=64, max_size=64),
            "report": st.dictionaries(_CODE, st.integers() | _TEXT | st.lists(st.integers(), max_size=3), max_size=4),
        },
        {},
    ),
    "year_reopened": ({"year": st.integers(2019, 2026), "reason": _TEXT}, {}),
    "proactive_figures_recorded": (
        {
            "year": st.integers(2021, 2026),
            "figures": st.fixed_dictionaries(
                {"licensing": st.fixed_dictionaries({"decisions": st.integers(0, 100)})},
                optional={"fees": st.fixed_dictionaries({"amount_10k_yuan": st.sampled_from(["0", "12.5"])})},
            ),
        },
        {},
    ),
    "report_text_recorded": (
        {
            "year": st.integers(2019, 2026),
            "section": st.sampled_from(["overview", "problems", "other"]),
            "text": _TEXT.filter(str.strip),
        },
        {},
    ),
}


@st.composite
def lines(draw: st.DrawFn) -> dict[str, Any]:
    """Draw one valid import line of any event, with any of its optional fields (and perhaps agency and clerk)."""
    name = draw(st.sampled_from(sorted(_FIELDS)))
    required, optional = _FIELDS[name]
    line: dict[str, Any] = {"event": name, "date": draw(_DAY)}
    line |= {key: draw(strategy) for key, strategy in required.items()}
    line |= {key: draw(strategy) for key, strategy in optional.items() if draw(st.booleans())}
    line |= {key: draw(strategy) for key, strategy in (("agency", _CODE), ("clerk", _TEXT)) if draw(st.booleans())}
    return line


def _values(data: dict[str, Any], *, first: bool) -> tuple[type[Any], dict[str, Any]]:
    """Return an event class and the values a book gives it for a line (as Book.record and created/trigger do)."""
    line = parse_object(data)
    envelope: dict[str, Any] = {"originator_topic": "domain.request:Request"} if first else {}
    envelope |= {
        "originator_id": uuid.uuid4(),
        "originator_version": 1 if first else 7,
        "timestamp": dt.datetime.now(dt.UTC),
        "date": line.date,
        "agency": line.agency or "AG",
        "clerk": line.clerk or "某某",
    }
    return ALL_EVENT_CLASSES[line.event], {**envelope, **line.fields}


def _same(built: Any, validated: Any) -> None:
    assert type(built) is type(validated)
    assert list(built.__dict__.items()) == list(validated.__dict__.items())  # the same values, in the same order
    assert [type(value) for value in built.__dict__.values()] == [type(value) for value in validated.__dict__.values()]
    assert built.__pydantic_fields_set__ == validated.__pydantic_fields_set__
    assert (built.__pydantic_extra__, built.__pydantic_private__) == (None, None)
    assert built.model_dump_json() == validated.model_dump_json()
    assert built == validated


@settings(max_examples=400, deadline=None)
@given(lines())
def test_an_event_built_from_a_checked_line_is_the_validated_event(data: dict[str, Any]) -> None:
    first = data["event"] in ("received", "appealed")
    event_class, values = _values(data, first=first)
    validated = event_class(**values)
    build_event(event_class, dict(values))  # the first event of a recorder (agency, clerk) is validated in full
    recorder = (values["agency"], values["clerk"])
    assert recorder in checked_events._RECORDERS  # so the next is built without validation
    _same(build_event(event_class, dict(values)), validated)
    checked_events._RECORDERS.discard(recorder)


def test_a_recorder_the_settings_name_is_validated_like_the_lines() -> None:
    line = {"event": "received", "request": "R1", "date": "2025-01-03", "channel": "online"}
    line["applicant_type"] = "natural_person"
    for _ in range(2):  # a bad agency code is refused every time, not only the first
        with pytest.raises(ValidationError, match="agency"):
            book_of([line], agency="A B")


def test_an_event_class_with_its_own_validators_is_always_validated_in_full() -> None:
    from pydantic import field_validator

    received = ALL_EVENT_CLASSES["received"]

    class Checked(received):  # type: ignore[valid-type, misc]
        @field_validator("request")
        @classmethod
        def _not_x(cls, value: str) -> str:
            if value == "X":
                raise ValueError("X is not a number")
            return value

    assert checked_events._plan(received) is not None
    assert checked_events._plan(Checked) is None
