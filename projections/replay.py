"""Rebuild the view from the whole log, compare it with the maintained one, and say what differs (replay).

A plain-JSON store is folded straight from each event's JSON into mutable rows (one list per application, case
and agency, in its table's column order, dates kept as their ISO text), frozen into the tables' rows once at
the end: the rules of the catch-up's pure fold (facts.py, agencies.py), which tests/unit/test_fast_decode.py
checks this fold against. Other stores (encrypted, compressed, sealed fields) are decoded by their mapper and
folded by the pure fold, then turned into rows. Comparing rows, not facts, lets the stored rows be streamed
from the database without building facts for them; the facts decide only where two rows' text differs.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from sys import intern
from typing import Any, Protocol

from eventsourcing.persistence import MapperDeserialisationError

from projections.decode import (
    CALENDAR,
    CASE,
    KNOWN_TOPICS,
    REQUEST,
    fast,
    pages,
    plain_pages,
    topic_kind,
)
from projections.facts import FEES_ROW, CountKey, _fen, contributions
from projections.fold import Changes, _family, fold_into
from projections.rows import Row, TableRows, agency_facts, agency_row, case_facts, case_row, request_facts, request_row
from storage.upcasting import decode_state

BATCH = 2000
Progress = Callable[[int], None]
# Where the rebuild's mutable request rows keep each column (REQUEST_COLUMNS order, rows.py).
AGENCY_CODE, NUMBER, RECEIVED, APPLICANT_TYPE, STATE, REGISTERED, CLOSED, OUTCOME, VOIDED, FEES = range(10)
AWAITING_CORRECTION, OPEN_CONSULTATIONS, UNPAID_FEES = 10, 11, 12


class ReplayView(Protocol):
    """What a view backend offers the replay (SQLite and PostgreSQL implement it)."""

    def max_tracking_id(self, application_name: str) -> int | None: ...
    def table_rows(self, table: str) -> Iterator[list[Row]]: ...
    def all_counts(self) -> dict[CountKey, int]: ...


@dataclass
class Rebuilt:
    """A view folded from nothing, in memory, as its tables' rows."""

    rows: TableRows = field(default_factory=TableRows)
    position: int = 0
    events: int = 0


@dataclass
class Verdict:
    """What a comparison found: the differences in facts, and whether the stored rows must be rewritten."""

    found: list[str]
    rewrite: bool  # some stored row's text, or the position, is not the rebuilt one's


def rebuild(app: Any, progress: Progress | None = None) -> Rebuilt:
    """Fold the whole log from an empty state, streaming it page by page."""
    return _rebuild_plain(app, progress) if fast(app.mapper) else _rebuild_decoded(app, progress)


def _rebuild_decoded(app: Any, progress: Progress | None) -> Rebuilt:
    """Fold events decoded by the store's mapper with the pure fold, then turn the facts into rows."""
    result, state = Rebuilt(), Changes()
    for position, count, events in pages(app, 0, BATCH):
        fold_into(events, [_family(e) for e in events], state.requests, state.cases, state.agencies)
        result.position, result.events = position, result.events + count
        if progress:
            progress(count)
    rows = result.rows
    for key, facts in state.requests.items():
        if facts is not None:
            rows.requests[key] = request_row(facts)
            rows.counts.update(contributions(facts))
    rows.counts = +rows.counts  # drop zeros
    rows.cases = {key: case_row(facts) for key, facts in state.cases.items() if facts is not None}
    rows.agencies = {code: agency_row(facts) for code, facts in state.agencies.items()}
    return result


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while the block runs."""
    # The replay makes millions of short-lived acyclic containers and keeps hundreds of thousands: the collector's
    # passes over them cost ~10% of the replay and free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@_without_cycle_collection()
def _rebuild_plain(app: Any, progress: Progress | None) -> Rebuilt:
    result = Rebuilt()
    requests: dict[Any, list[Any]] = {}
    cases: dict[Any, list[Any]] = {}
    agencies: dict[str, list[Any]] = {}
    days: dict[str, str] = {}
    for position, events in plain_pages(app, 0, BATCH):
        fold_plain(events, requests, cases, agencies, days)
        result.position, result.events = position, result.events + len(events)
        if progress:
            progress(len(events))
    result.rows = freeze(requests, cases, agencies)
    return result


def fold_plain(
    events: list[tuple[int, str, bytes]],
    requests: dict[Any, list[Any]],
    cases: dict[Any, list[Any]],
    agencies: dict[str, list[Any]],
    days: dict[str, str],
) -> None:
    """Apply plain-JSON events (position, topic, state) in order to mutable rows: the rules of fold_request/case/agency.

    `days` maps each date's text to its ISO form, checked once per distinct text and shared by every row. The
    three steps nearly every application takes (received, registered, answered) are folded inline: this loop
    runs once per event of the whole log.
    """
    topic, kinds = "", KNOWN_TOPICS
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
                if name == "received":
                    requests[key] = [
                        *key,
                        day,
                        intern(data["applicant_type"]),
                        "open",
                        None,
                        None,
                        None,
                        0,
                        [],
                        0,
                        0,
                        0,
                    ]
                elif (row := requests.get(key)) is None:
                    continue  # an event before the application's receipt changes nothing (as in fold_request)
                elif name == "registered":
                    if row[REGISTERED] is None:
                        row[REGISTERED] = day
                elif name == "answered":
                    row[STATE], row[CLOSED], row[OUTCOME] = "answered", day, intern(data["outcome"])
                else:
                    _request_step(row, name, data, day, days)
            elif family == CASE:
                _fold_case(cases, (facts[0], data["case"]), name, data, day)
            elif name == "agency_named":
                facts[2] = data.get("agency_name")
            elif name == "monthly_filing_submitted":
                facts[3].add(data.get("month"))
            elif name == "annual_report_published":
                facts[4].add(data.get("year"))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, StopIteration) as error:
        raise MapperDeserialisationError(f"stored event ({topic}) cannot be read: {error!r}") from error


def _request_step(row: list[Any], name: str, data: dict[str, Any], day: str, days: dict[str, str]) -> None:
    """Apply any other step of an application to its row (as facts._apply, then _with_open_state)."""
    if name == "correction_requested":
        row[AWAITING_CORRECTION] = 1
        _open_state(row)
    elif name == "correction_received":
        row[AWAITING_CORRECTION] = 0
        _open_state(row)
    elif name == "consultation_started":
        row[OPEN_CONSULTATIONS] += 1
        _open_state(row)
    elif name == "consultation_ended":
        row[OPEN_CONSULTATIONS] = max(0, row[OPEN_CONSULTATIONS] - 1)
        _open_state(row)
    elif name == "fee_notified":
        row[UNPAID_FEES] += 1
        _open_state(row)
    elif name == "fee_paid":
        row[UNPAID_FEES] = max(0, row[UNPAID_FEES] - 1)
        row[FEES].append([day, _fen(data.get("amount"))])
        _open_state(row)
    elif name == "withdrawn":
        row[STATE], row[CLOSED], row[OUTCOME] = "withdrawn", day, "other"
    elif name == "classified":
        row[APPLICANT_TYPE] = intern(data["applicant_type"])
    elif name == "corrected":
        _correct(row, data, days)
    elif name == "voided":
        row[STATE], row[VOIDED] = "voided", 1


def _open_state(row: list[Any]) -> None:
    """Name where an open application waits, after one of the fields it depends on changed (as _with_open_state)."""
    if row[CLOSED] is None and not row[VOIDED]:
        if row[AWAITING_CORRECTION]:
            row[STATE] = "awaiting_correction"
        elif row[OPEN_CONSULTATIONS]:
            row[STATE] = "consulting"
        elif row[UNPAID_FEES]:
            row[STATE] = "awaiting_fee"
        else:
            row[STATE] = "open"


def _correct(row: list[Any], data: dict[str, Any], days: dict[str, str]) -> None:
    if text := data.get("received_date"):
        row[RECEIVED] = days.get(text) or _iso(days, text)
    if code := data.get("applicant_type"):
        row[APPLICANT_TYPE] = intern(code)
    if code := data.get("outcome"):
        row[OUTCOME] = intern(code)
    if text := data.get("answered_date"):
        row[CLOSED] = days.get(text) or _iso(days, text)


def _fold_case(cases: dict[Any, list[Any]], key: tuple[str, str], name: str, data: dict[str, Any], day: str) -> None:
    if name == "appealed":
        cases[key] = [key[0], key[1], data.get("request"), intern(data["kind"]), day, [], None]
    elif (row := cases.get(key)) is not None:
        if name == "appeal_decided":
            row[5].append([day, data["result"]])
        elif name == "appeal_responded" and row[6] is None:
            row[6] = day


def _iso(days: dict[str, str], text: str) -> str:
    """Return a date's ISO text (a bad date fails here, once per distinct text)."""
    day = days[text] = dt.date.fromisoformat(text).isoformat()
    return day


def freeze(requests: dict[Any, list[Any]], cases: dict[Any, list[Any]], agencies: dict[str, list[Any]]) -> TableRows:
    """Turn the mutable rows into the tables' rows, in place, and sum the counts (facts.contributions)."""
    counts: Counter[CountKey] = Counter()
    for key, row in requests.items():
        fees = row[FEES]
        if not row[VOIDED]:
            agency, column = row[AGENCY_CODE], row[APPLICANT_TYPE]
            counts[(agency, row[RECEIVED][:7], "new", column)] += 1
            if row[CLOSED] is not None and row[OUTCOME] is not None:
                counts[(agency, row[CLOSED][:7], row[OUTCOME], column)] += 1
            for paid, fen in fees:
                counts[(agency, paid[:7], FEES_ROW, "total")] += fen
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


@_without_cycle_collection()
def compare(view: ReplayView, rebuilt: Rebuilt, application_name: str, limit: int = 20) -> Verdict:
    """Compare the maintained view with a rebuilt one, streaming the stored rows; say what differs."""
    rows = rebuilt.rows
    voided = {key for key, row in rows.requests.items() if row[VOIDED]}
    cases = {key: row for key, row in rows.cases.items() if (row[0], row[2]) not in voided}
    found: list[str] = []
    exact = [
        _compare(found, limit, "count", view.all_counts(), dict(rows.counts)),
        _compare_rows(found, limit, "application", view, "gk_requests", rows.requests, request_facts),
        _compare_rows(found, limit, "case", view, "gk_cases", cases, case_facts),
        _compare_rows(found, limit, "agency", view, "gk_agencies", rows.agencies, agency_facts, keyed_by_code=True),
    ]
    position = view.max_tracking_id(application_name) or 0
    if position != rebuilt.position:
        found.append(f"position: maintained {position}, log {rebuilt.position}")
    return Verdict(found[:limit], rewrite=bool(found) or not all(exact))


def _compare_rows(
    found: list[str],
    limit: int,
    what: str,
    view: ReplayView,
    table: str,
    replayed: dict[Any, Row],
    facts: Callable[[Row], Any],
    *,
    keyed_by_code: bool = False,
) -> bool:
    """Compare a stored table, row by row, with the replayed rows; return whether every row is the same text."""
    seen = 0
    differing: dict[Any, tuple[Row | None, Row | None]] = {}
    for rows in view.table_rows(table):
        seen += len(rows)
        for row in rows:
            key = row[0] if keyed_by_code else (row[0], row[1])
            if (mine := replayed.get(key)) != row:
                differing[key] = (row, mine)
    if not differing and seen == len(replayed):
        return True
    if seen - sum(1 for _, mine in differing.values() if mine is None) != len(replayed):
        # some replayed rows are missing from the table: find which
        stored = {row[0] if keyed_by_code else (row[0], row[1]) for rows in view.table_rows(table) for row in rows}
        differing.update((key, (None, row)) for key, row in replayed.items() if key not in stored)
    for key in sorted(differing, key=str):
        if len(found) >= limit:
            break  # enough to show: the tables are rewritten anyway
        before, after = differing[key]
        _report(found, what, key, before and facts(before), after and facts(after))
    return False


def _compare(found: list[str], limit: int, what: str, maintained: dict[Any, Any], replayed: dict[Any, Any]) -> bool:
    if maintained == replayed:
        return True  # the usual case, compared in C; otherwise find which keys differ
    for key in sorted(set(maintained) | set(replayed), key=str):
        if len(found) >= limit:
            break
        _report(found, what, key, maintained.get(key), replayed.get(key))
    return False


def _report(found: list[str], what: str, key: Any, maintained: Any, replayed: Any) -> None:
    if maintained != replayed:  # rows whose text differs only in form (the same facts) are no difference
        name = "/".join(key) if isinstance(key, tuple) else key
        found.append(f"{what} {name}: maintained {maintained}, replay {replayed}")
