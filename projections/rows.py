"""Turn facts into table rows and back: the storage shape shared by every view backend."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from sys import intern
from typing import Any, TypeVar

from projections.agencies import AgencyFacts
from projections.facts import CaseFacts, CountKey, RequestFacts

REQUEST_COLUMNS = (
    "agency",
    "number",
    "received",
    "applicant_type",
    "state",
    "registered",
    "closed",
    "outcome",
    "voided",
    "fees",
    "awaiting_correction",
    "open_consultations",
    "unpaid_fees",
)
CASE_COLUMNS = ("agency", "number", "request", "kind", "appealed", "decisions", "responded")
AGENCY_COLUMNS = ("agency", "first_date", "name", "filed_months", "published_years")
# The view's tables in SQL that SQLite and PostgreSQL both accept (the backends add their own options).
TABLES = {
    "gk_requests": (
        "agency TEXT NOT NULL, number TEXT NOT NULL, received TEXT NOT NULL, applicant_type TEXT NOT NULL, "
        "state TEXT NOT NULL, registered TEXT, closed TEXT, outcome TEXT, voided INTEGER NOT NULL, fees TEXT NOT NULL, "
        "awaiting_correction INTEGER NOT NULL, open_consultations INTEGER NOT NULL, unpaid_fees INTEGER NOT NULL, "
        "PRIMARY KEY (agency, number)"
    ),
    "gk_cases": (
        "agency TEXT NOT NULL, number TEXT NOT NULL, request TEXT NOT NULL, kind TEXT NOT NULL, "
        "appealed TEXT NOT NULL, decisions TEXT NOT NULL, responded TEXT, PRIMARY KEY (agency, number)"
    ),
    "gk_agencies": (
        "agency TEXT PRIMARY KEY, first_date TEXT NOT NULL, name TEXT, filed_months TEXT NOT NULL, "
        "published_years TEXT NOT NULL"
    ),
    "gk_counts": (
        "agency TEXT NOT NULL, month TEXT NOT NULL, row TEXT NOT NULL, col TEXT NOT NULL, n INTEGER NOT NULL, "
        "PRIMARY KEY (agency, month, row, col)"
    ),
}


# The stored rows, in their tables' column order (the columns above): dates as ISO text, flags as 0/1, lists as JSON.
RequestRow = tuple[str, str, str, str, str, str | None, str | None, str | None, int, str, int, int, int]
CaseRow = tuple[str, str, str, str, str, str, str | None]
AgencyRow = tuple[str, str, str | None, str, str]
Row = RequestRow | CaseRow | AgencyRow
R = TypeVar("R", RequestRow, CaseRow, AgencyRow)  # the rows of one table
# A row as a DB-API cursor gives it: its columns' types are the query's.
DbRow = tuple[Any, ...]


@dataclass
class TableRows:
    """Every row of the view's tables, as stored: what a replay compares with the view and writes in its place."""

    requests: dict[tuple[str, str], RequestRow] = field(default_factory=dict)  # (agency, number) → gk_requests row
    cases: dict[tuple[str, str], CaseRow] = field(default_factory=dict)  # (agency, number) → gk_cases row
    agencies: dict[str, AgencyRow] = field(default_factory=dict)  # agency → gk_agencies row
    counts: Counter[CountKey] = field(default_factory=Counter)  # (agency, month, row, col) → n


_DATES: dict[str, dt.date] = {}  # a store's business dates are a few thousand strings: parse each once, share it


def _date(text: str) -> dt.date:
    day = _DATES.get(text)
    if day is None:
        day = _DATES[text] = dt.date.fromisoformat(text)
    return day


def _day(text: str | None) -> dt.date | None:
    return _date(text) if text else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def request_row(f: RequestFacts) -> RequestRow:
    """Return the stored row of an application's facts (in REQUEST_COLUMNS order)."""
    fees = json.dumps([[d.isoformat(), fen] for d, fen in f.fees_fen])
    return (
        f.agency,
        f.number,
        f.received.isoformat(),
        f.applicant_type,
        f.state,
        _iso(f.registered),
        _iso(f.closed),
        f.outcome,
        int(f.voided),
        fees,
        int(f.awaiting_correction),
        f.open_consultations,
        f.unpaid_fees,
    )


def request_facts(row: RequestRow) -> RequestFacts:
    """Return an application's facts from its stored row (codes interned: many rows share them)."""
    (
        agency,
        number,
        received,
        applicant_type,
        state,
        registered,
        closed,
        outcome,
        voided,
        fees,
        awaiting,
        consulting,
        unpaid,
    ) = row
    return RequestFacts(
        agency=intern(agency),
        number=number,
        received=_date(received),
        applicant_type=intern(applicant_type),
        state=intern(state),
        registered=_day(registered),
        closed=_day(closed),
        outcome=outcome and intern(outcome),
        voided=bool(voided),
        fees_fen=tuple((_date(d), fen) for d, fen in json.loads(fees)) if fees != "[]" else (),
        awaiting_correction=bool(awaiting),
        open_consultations=consulting,
        unpaid_fees=unpaid,
    )


def case_row(f: CaseFacts) -> CaseRow:
    """Return the stored row of a case's facts."""
    decisions = json.dumps([[d.isoformat(), result] for d, result in f.decisions])
    return (f.agency, f.number, f.request, f.kind, f.appealed.isoformat(), decisions, _iso(f.responded))


def case_facts(row: CaseRow) -> CaseFacts:
    """Return a case's facts from its stored row."""
    decisions = tuple((dt.date.fromisoformat(d), result) for d, result in json.loads(row[5]))
    return CaseFacts(row[0], row[1], row[2], row[3], dt.date.fromisoformat(row[4]), decisions, _day(row[6]))


def agency_row(f: AgencyFacts) -> AgencyRow:
    """Return the stored row of an agency's facts."""
    return (
        f.agency,
        f.first_date.isoformat(),
        f.name,
        json.dumps(sorted(f.filed_months)),
        json.dumps(sorted(f.published_years)),
    )


def agency_facts(row: AgencyRow) -> AgencyFacts:
    """Return an agency's facts from its stored row."""
    return AgencyFacts(
        row[0], dt.date.fromisoformat(row[1]), row[2], frozenset(json.loads(row[3])), frozenset(json.loads(row[4]))
    )
