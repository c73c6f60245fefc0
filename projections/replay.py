"""Rebuild the view from the whole log, compare it with the maintained one, and say what differs (replay).

A plain-JSON store is folded straight from each event's JSON into mutable rows (plain_fold.py: `fold_plain`, then
`freeze`). Other stores (encrypted, compressed, sealed fields) are decoded by their mapper and folded by the pure
fold, then turned into rows. Comparing rows, not facts, lets the stored rows be streamed from the database without
building facts for them; the facts decide only where two rows' text differs.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

from projections.decode import fast, pages, plain_pages
from projections.facts import CountKey, contributions
from projections.fold import Changes, Key, _family, fold_into
from projections.plain_fold import VOIDED, fold_plain, freeze
from projections.rows import (
    R,
    Row,
    TableRows,
    agency_facts,
    agency_row,
    case_facts,
    case_row,
    request_facts,
    request_row,
)

if TYPE_CHECKING:
    from storage.protocols import EventStore

# The plain-JSON fold moved to plain_fold.py; its names are still read from here.
__all__ = ["Rebuilt", "ReplayView", "Verdict", "compare", "fold_plain", "freeze", "rebuild"]

BATCH = 2000
Progress = Callable[[int], None]


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


def rebuild(app: EventStore, progress: Progress | None = None) -> Rebuilt:
    """Fold the whole log from an empty state, streaming it page by page."""
    return _rebuild_plain(app, progress) if fast(app.mapper) else _rebuild_decoded(app, progress)


def _rebuild_decoded(app: EventStore, progress: Progress | None) -> Rebuilt:
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
def _rebuild_plain(app: EventStore, progress: Progress | None) -> Rebuilt:
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
    replayed_rows: Mapping[str, R] | Mapping[Key, R],
    facts: Callable[[R], object],
    *,
    keyed_by_code: bool = False,
) -> bool:
    """Compare a stored table, row by row, with the replayed rows; return whether every row is the same text."""
    replayed = cast("Mapping[str | Key, R]", replayed_rows)  # keyed by code, or by (agency, number)
    seen = 0
    differing: dict[str | Key, tuple[R | None, R | None]] = {}
    stored_pages = cast("Iterator[list[R]]", view.table_rows(table))  # the table's rows are the replayed rows' kind
    for rows in stored_pages:
        seen += len(rows)
        for row in rows:
            key: str | Key = row[0] if keyed_by_code else (row[0], row[1])
            if (mine := replayed.get(key)) != row:
                differing[key] = (row, mine)
    if not differing and seen == len(replayed):
        return True
    if seen - sum(1 for _, mine in differing.values() if mine is None) != len(replayed):
        # some replayed rows are missing from the table: find which
        stored = {row[0] if keyed_by_code else (row[0], row[1]) for rows in view.table_rows(table) for row in rows}
        differing.update((missing, (None, row)) for missing, row in replayed.items() if missing not in stored)
    for key in sorted(differing, key=str):
        if len(found) >= limit:
            break  # enough to show: the tables are rewritten anyway
        before, after = differing[key]
        _report(found, what, key, before and facts(before), after and facts(after))
    return False


def _compare(
    found: list[str], limit: int, what: str, maintained: Mapping[CountKey, int], replayed: Mapping[CountKey, int]
) -> bool:
    if maintained == replayed:
        return True  # the usual case, compared in C; otherwise find which keys differ
    for key in sorted(set(maintained) | set(replayed), key=str):
        if len(found) >= limit:
            break
        _report(found, what, key, maintained.get(key), replayed.get(key))
    return False


def _report(found: list[str], what: str, key: str | tuple[str, ...], maintained: object, replayed: object) -> None:
    if maintained != replayed:  # rows whose text differs only in form (the same facts) are no difference
        name = "/".join(key) if isinstance(key, tuple) else key
        found.append(f"{what} {name}: maintained {maintained}, replay {replayed}")
