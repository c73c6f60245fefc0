"""The plain-JSON fold: events folded straight from their stored JSON into mutable rows (replay and import).

A plain-JSON store's events are folded into one mutable row per application, case and agency, in its table's
column order (rows.py), dates kept as their ISO text, and frozen into the tables' rows once at the end
(`freeze`). The rows change as each event class's `changes` say (domain/request.py, domain/appeal.py,
domain/agency.py), compiled once per event name into column operations (`_compile`) and written out as one
function (`_written_out`); the catch-up's pure fold (fold.py) reads the same statement, and
tests/unit/test_fast_decode.py holds the two equal. This loop runs once per event of the whole log: it is
benchmarked (BENCHMARKS.md, replay and import).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from sys import intern
from typing import Any

from eventsourcing.persistence import MapperDeserialisationError

from domain.agency import AGENCY_EVENT_CLASSES
from domain.appeal import CASE_EVENT_CLASSES
from domain.changes import APPEND, COUNT, DATE, FIRST, GIVEN, INCLUDE, SET, Change
from domain.counting import count_into
from domain.request import EVENT_CLASSES, FINAL_STATES, open_state
from projections.decode import CALENDAR, CASE, KNOWN_TOPICS, REQUEST, topic_kind
from projections.facts import CountKey
from projections.rows import AGENCY_COLUMNS, CASE_COLUMNS, REQUEST_COLUMNS, TableRows
from storage.upcasting import decode_state

# Where the rebuild's mutable request rows keep each column (REQUEST_COLUMNS order, rows.py).
AGENCY_CODE, NUMBER, RECEIVED, APPLICANT_TYPE, STATE, REGISTERED, CLOSED, OUTCOME, VOIDED, FEES = range(10)
AWAITING_CORRECTION, OPEN_CONSULTATIONS, UNPAID_FEES = 10, 11, 12


def fold_plain(
    events: list[tuple[int, str, bytes]],
    requests: dict[Any, list[Any]],
    cases: dict[Any, list[Any]],
    agencies: dict[str, list[Any]],
    days: dict[str, str],
) -> None:
    """Apply plain-JSON events (position, topic, state) in order to mutable rows: the rules of fold_request/case/agency.

    An application's row changes as its event class's `changes` say (domain/request.py), compiled once per event
    name into column operations (`_PLANS`). `days` maps each date's text to its ISO form, checked once per
    distinct text and shared by every row. This loop runs once per event of the whole log.
    """
    topic, kinds, plans, case_plans, agency_plans = "", KNOWN_TOPICS, _PLANS, _CASE_PLANS, _AGENCY_PLANS
    try:
        for _, topic, state in events:
            name, family = kinds.get(topic) or topic_kind(topic)
            if family == CALENDAR:
                continue  # the working-day calendar is the whole store's, no agency's, and counts in no table
            data = decode_state(topic, state)
            text = data["date"]
            day = days.get(text) or _iso(days, text)
            agency = data["agency"]
            facts = agencies.get(agency)
            if facts is None:
                agencies[agency] = facts = [intern(agency), day, None, set(), set()]
            elif day < facts[1]:
                facts[1] = day
            if family == REQUEST:
                key = (facts[0], data["request"])
                row = requests.get(key)
                if name == "received":
                    requests[key] = row = [*key, None, None, "open", None, None, None, 0, [], 0, 0, 0]
                elif row is None:
                    continue  # an event before the application's receipt changes nothing (as in fold_request)
                change_row, names_state = plans.get(name) or _NO_PLAN
                change_row(row, data, day, days)
                if names_state and row[STATE] not in FINAL_STATES:
                    row[STATE] = open_state(row[AWAITING_CORRECTION], row[OPEN_CONSULTATIONS], row[UNPAID_FEES])
            elif family == CASE:
                key = (facts[0], data["case"])
                case = cases.get(key)
                if name == "appealed":
                    cases[key] = case = [*key, None, None, None, [], None]
                elif case is None:
                    continue  # as in fold_case
                (case_plans.get(name) or _NO_PLAN)[0](case, data, day, days)
            elif name in agency_plans:
                agency_plans[name][0](facts, data, day, days)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, StopIteration) as error:
        raise MapperDeserialisationError(f"stored event ({topic}) cannot be read: {error!r}") from error


# How a row holds what a change sets (rows.py): dates as ISO text, codes as shared text, flags as 0/1. What a
# change's source gives: the event's date, a constant, a date field, a code, or a value to convert.
_DAY, _CONST, _DAY_FIELD, _CODE, _FIELD, _CONVERTED = "day", "const", "day_field", "code", "field", "converted"
# A row's agency and number come from its key (the event's agency and request or case), not from the plan.
_KEY_FIELDS = frozenset({"agency", "number"})
# (how, column, what the source is, the source or constant, its conversion)
Operation = tuple[str, int, str, Any, Callable[[Any], Any] | None]
Operations = tuple[Operation, ...]
# Applies an event's operations to a row: (row, the event's JSON, its ISO date, the shared ISO dates).
RowChange = Callable[[list[Any], dict[str, Any], str, dict[str, str]], None]
Plan = tuple[RowChange, bool]  # and whether the open state is named again after it


def _flag(value: Any) -> int:
    return int(bool(value))


def _compile(
    changes: tuple[Change, ...],
    columns: Sequence[str],
    dates: frozenset[str] = frozenset(),
    codes: frozenset[str] = frozenset(),
    flags: frozenset[str] = frozenset(),
) -> Operations:
    """Compile an event class's changes into operations on a row's columns (a field no column holds is left out)."""
    plan: list[Operation] = []
    for change in changes:
        field = change.field
        if field not in columns or field in _KEY_FIELDS:
            continue  # a field the tables do not keep (the channel, the consultations' parties …)
        index = columns.index(field)
        if change.source is None:
            value = change.value
            constant = int(bool(value)) if field in flags else (str(value) if isinstance(value, str) else value)
            plan.append((change.op, index, _CONST, constant, None))
        elif field in flags:
            plan.append((change.op, index, _CONVERTED, change.source, _flag))
        elif change.source == DATE:
            plan.append((change.op, index, _DAY, None, None))
        elif field in dates:
            plan.append((change.op, index, _DAY_FIELD, change.source, None))
        elif change.convert is not None:
            plan.append((change.op, index, _CONVERTED, change.source, change.convert))
        else:
            plan.append((change.op, index, _CODE if field in codes else _FIELD, change.source, None))
    return tuple(plan)


def _iso(days: dict[str, str], text: str) -> str:
    """Return a date's ISO text (a bad date fails here, once per distinct text)."""
    day = days[text] = dt.date.fromisoformat(text).isoformat()
    return day


def _written_out(plan: Operations) -> RowChange:
    """Return a function applying compiled operations (`_compile`) to a mutable row, reading an event's plain JSON.

    Written out once per event class, as domain/changes.py `compiled` writes the object fold: the replay runs it
    once per event of the log, where interpreting the operations cost ~10% of a replay. Sources and constants are
    bound as names, never written into the code; columns are the row's integer positions.
    """
    lines, names = ["def change_row(row, data, day, days):"], dict[str, Any](intern=intern, max=max, _iso=_iso)
    for i, (op, index, kind, source, convert) in enumerate(plan):
        names[f"s{i}"], names[f"c{i}"], column = source, convert, int(index)
        if kind == _DAY:
            lines.append("    v = day")
        elif kind == _CONST:
            lines.append(f"    v = s{i}")
        else:
            lines.append(f"    v = data.get(s{i})")
            if kind == _CODE:
                lines.append("    if v is not None: v = intern(v)")
            elif kind == _DAY_FIELD:
                lines.append("    if v is not None: v = days.get(v) or _iso(days, v)")
            elif kind != _FIELD and convert is not None:
                lines.append(f"    if v is not None: v = c{i}(v)")
        if op == SET:
            lines.append(f"    row[{column}] = v")
        elif op == GIVEN:
            lines.append(f"    if v is not None: row[{column}] = v")
        elif op == FIRST:
            lines.append(f"    if row[{column}] is None: row[{column}] = v")
        elif op == COUNT:
            lines.append(f"    row[{column}] = max(0, row[{column}] + v)")
        elif op == APPEND:
            lines.append(f"    row[{column}].append([day, v])")
        elif op == INCLUDE:
            lines.append(f"    row[{column}].add(v)")
        else:
            raise ValueError(f"unknown change {op!r}")
    lines.append("    return None")
    exec("\n".join(lines), names)
    function: RowChange = names["change_row"]
    return function


# The request row's columns (rows.py), its fees column named as the state's field.
_REQUEST_FIELDS = tuple("fees_fen" if column == "fees" else column for column in REQUEST_COLUMNS)
_NO_PLAN: Plan = (_written_out(()), False)
_PLANS: dict[str, Plan] = {
    name: (
        _written_out(
            _compile(
                cls.changes,
                _REQUEST_FIELDS,
                dates=frozenset({"received", "registered", "closed"}),
                codes=frozenset({"applicant_type", "outcome"}),
                flags=frozenset({"voided", "awaiting_correction"}),
            )
        ),
        cls.names_state,
    )
    for name, cls in EVENT_CLASSES.items()
}
_CASE_PLANS: dict[str, Plan] = {
    name: (
        _written_out(
            _compile(cls.changes, CASE_COLUMNS, dates=frozenset({"appealed", "responded"}), codes=frozenset({"kind"}))
        ),
        False,
    )
    for name, cls in CASE_EVENT_CLASSES.items()
}
_AGENCY_PLANS: dict[str, Plan] = {
    name: (_written_out(_compile(cls.changes, AGENCY_COLUMNS)), False) for name, cls in AGENCY_EVENT_CLASSES.items()
}


def freeze(requests: dict[Any, list[Any]], cases: dict[Any, list[Any]], agencies: dict[str, list[Any]]) -> TableRows:
    """Turn the mutable rows into the tables' rows, in place, and sum the counts (facts.count_into)."""
    counts: Counter[CountKey] = Counter()
    for key, row in requests.items():
        fees = row[FEES]
        if not row[VOIDED]:  # a month is the first 7 characters of an ISO date
            closed = row[CLOSED]
            paid = [(day[:7], fen) for day, fen in fees] if fees else ()
            count_into(
                counts,
                row[AGENCY_CODE],
                row[RECEIVED][:7],
                row[APPLICANT_TYPE],
                closed and closed[:7],
                row[OUTCOME],
                paid,
            )
        row[FEES] = json.dumps(fees) if fees else "[]"
        requests[key] = tuple(row)  # type: ignore[assignment]
    for key, row in cases.items():
        row[5] = json.dumps(row[5])
        cases[key] = tuple(row)  # type: ignore[assignment]
    rows = {
        code: (row[0], row[1], row[2], json.dumps(sorted(row[3])), json.dumps(sorted(row[4])))
        for code, row in agencies.items()
    }
    return TableRows(requests, cases, rows, +counts)  # type: ignore[arg-type]
