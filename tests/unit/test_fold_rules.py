"""One fold per concept: every fold reads the event classes' `changes`, so the aggregate, the deadline state and
the catch-up's facts agree on every history (the plain-JSON folds are held to the facts in test_fast_decode.py and
test_batch_fold.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings

from domain.agency import AGENCY_EVENT_CLASSES, Agency
from domain.appeal import CASE_EVENT_CLASSES, AppealCase
from domain.changes import DATE, Change
from domain.event import AggregateEvent
from domain.request import EVENT_CLASSES, Request, RequestState
from domain.request_deadlines import state_as_of
from projections.agencies import AgencyFacts
from projections.facts import CaseFacts, RequestFacts
from projections.fold import fold_agency, fold_case, fold_request
from tests.conftest import book_of
from tests.histories import histories

T = TypeVar("T")


def _blank(cls: type[T]) -> T:
    """Return an aggregate's state before its first event (as Book.created makes it, without the event)."""
    state = object.__new__(cls)
    state.__init__()  # type: ignore[misc]
    return state


FAMILIES: list[tuple[dict[str, Any], Any]] = [
    (EVENT_CLASSES, RequestState()),
    (CASE_EVENT_CLASSES, _blank(AppealCase)),
    (AGENCY_EVENT_CLASSES, _blank(Agency)),
]


@pytest.mark.parametrize(("classes", "state"), FAMILIES, ids=["request", "case", "agency"])
def test_every_change_names_a_field_of_the_state_and_of_the_event(classes: dict[str, Any], state: Any) -> None:
    # a misspelt field would otherwise be a new attribute of the aggregate that no fold reads
    for name, cls in classes.items():
        change: Change
        for change in cls.changes:
            assert hasattr(state, change.field), f"{name}: the state has no field {change.field}"
            assert change.source in (None, DATE) or change.source in cls.model_fields, f"{name}: {change.source}"


def test_the_facts_keep_only_fields_the_state_has() -> None:
    request, case, agency = RequestState(), _blank(AppealCase), _blank(Agency)
    # what the tables keep is a part of the one state (besides an agency's code and the date of its first event
    # of any kind, which the facts take from every event of the agency)
    assert all(hasattr(request, field) for field in RequestFacts.__dataclass_fields__)
    assert all(hasattr(case, field) for field in CaseFacts.__dataclass_fields__)
    assert all(
        hasattr(agency, field) for field in AgencyFacts.__dataclass_fields__ if field not in {"agency", "first_date"}
    )


def _as_request_facts(state: RequestState) -> RequestFacts:
    values = {field: getattr(state, field) for field in RequestFacts.__dataclass_fields__}
    values["applicant_type"] = str(state.applicant_type)
    values["outcome"] = None if state.outcome is None else str(state.outcome)
    values["voided"] = state.voided is not None
    return RequestFacts(**values)


def _as_case_facts(case: AppealCase) -> CaseFacts:
    values = {field: getattr(case, field) for field in CaseFacts.__dataclass_fields__}
    values["kind"] = str(case.kind)
    values["decisions"] = tuple((day, str(result)) for day, result in case.decisions)
    return CaseFacts(**values)


def _as_snapshot(state: RequestState) -> dict[str, Any]:
    """Return every field of a request's state, its consultations and fee notices as plain tuples."""
    values = {field: getattr(state, field) for field in vars(RequestState())}
    values["consultations"] = [(c.party, c.start, c.end) for c in state.consultations]
    values["fees"] = [(fee.amount, fee.notified, fee.served, fee.paid) for fee in state.fees]
    return values


@settings(max_examples=60, deadline=None)
@given(histories())
def test_the_aggregate_the_deadline_state_and_the_facts_fold_alike(lines: list[dict[str, Any]]) -> None:
    book = book_of(lines)
    for aggregate in book.changed():
        events: list[AggregateEvent] = list(aggregate.history)
        if isinstance(aggregate, Request):
            facts: Any = None
            for event in events:
                facts = fold_request(facts, event)
            assert facts == _as_request_facts(aggregate)
            as_of = state_as_of(aggregate, dt.date.max)
            assert as_of is not None and _as_snapshot(as_of) == _as_snapshot(aggregate)
        elif isinstance(aggregate, AppealCase):
            case: Any = None
            for event in events:
                case = fold_case(case, event)
            assert case == _as_case_facts(aggregate)
        else:
            assert isinstance(aggregate, Agency)
            known: Any = None
            for event in events[1:]:  # after agency_opened, which no import line records
                known = fold_agency(known, event)
            if known is not None:
                assert (known.name, known.filed_months, known.published_years) == (
                    aggregate.name,
                    aggregate.filed_months,
                    aggregate.published_years,
                )


def test_a_request_before_receipt_has_no_state_and_a_later_date_folds_only_earlier_steps() -> None:
    received = {
        "event": "received",
        "request": "1",
        "date": "2026-09-18",
        "channel": "mail",
        "applicant_type": "natural_person",
    }
    answered = {"event": "answered", "request": "1", "date": "2026-10-09", "outcome": "disclosed"}
    (request,) = book_of([received, answered]).changed()
    assert isinstance(request, Request)
    assert state_as_of(request, dt.date(2026, 9, 17)) is None
    before_answer = state_as_of(request, dt.date(2026, 10, 8))
    assert before_answer is not None and (before_answer.state, before_answer.closed) == ("open", None)
    assert (request.state, request.closed, request.outcome) == ("answered", dt.date(2026, 10, 9), "disclosed")
