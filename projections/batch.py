"""Fold a batch of plain-JSON events into the rows it changes, as the replay folds the whole log (fast path).

The catch-up's pure fold (fold.py) builds frozen facts event by event and a count delta per application; a bulk
import saves batches of tens of thousands of events, nearly all of applications the tables do not hold yet. This
fold loads the rows the batch touches that already exist (an aggregate whose first event in the batch is its
version 1 has none), folds the events' JSON into mutable rows with `fold_plain` (plain_fold.py), freezes them once,
and subtracts what the loaded rows counted before: the same rows and count changes as the pure fold
(tests/unit/test_batch_fold.py).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from projections.agencies import AgencyFacts
from projections.decode import CALENDAR, CASE, REQUEST
from projections.facts import CaseFacts, CountKey, RequestFacts, contributions
from projections.fold import Key, _family
from projections.plain_fold import FEES, fold_plain, freeze
from projections.rows import TableRows, case_row, request_row

if TYPE_CHECKING:
    from domain.event import AggregateEvent


def fold_batch(
    events: Sequence[AggregateEvent],
    states: Sequence[tuple[int, str, bytes]],
    load_requests: Callable[[set[Key]], dict[Key, RequestFacts]],
    load_cases: Callable[[set[Key]], dict[Key, CaseFacts]],
    load_agencies: Callable[[set[str]], dict[str, AgencyFacts]],
) -> TableRows:
    """Return the rows a batch changes and the counts' change (zeros dropped).

    `events` are the domain events (for their keys and versions), `states` the same events as stored
    (position, topic, plain JSON).
    """
    return finish_batch(start_batch(events, load_requests, load_cases, load_agencies), states)


@dataclass
class BatchStart:
    """The rows a batch starts from (as mutable rows) and the facts they held: what `finish_batch` folds onto."""

    before: dict[Key, RequestFacts]
    requests: dict[Any, list[Any]]
    cases: dict[Any, list[Any]]
    agencies: dict[str, list[Any]]


def start_batch(
    events: Sequence[AggregateEvent],
    load_requests: Callable[[set[Key]], dict[Key, RequestFacts]],
    load_cases: Callable[[set[Key]], dict[Key, CaseFacts]],
    load_agencies: Callable[[set[str]], dict[str, AgencyFacts]],
) -> BatchStart:
    """Load the rows a batch of events touches that may exist already (the only step that reads the view)."""
    request_keys: set[Key] = set()
    case_keys: set[Key] = set()
    seen: set[Key] = set()
    codes: set[str] = set()
    last_id: object = None
    last_family = ""
    for event in events:
        if event.originator_id is last_id:  # an aggregate's events come together: its key is its first event's
            if last_family != CALENDAR:
                codes.add(event.agency)
            continue
        last_id = event.originator_id
        family = last_family = _family(event)
        if family == CALENDAR:
            continue
        codes.add(event.agency)
        if family == REQUEST:  # the key is the field named as the family
            key, keys = (event.agency, getattr(event, family)), request_keys
        elif family == CASE:
            key, keys = (event.agency, getattr(event, family)), case_keys
        else:
            continue
        if key not in seen:
            seen.add(key)
            if event.originator_version != 1:  # stored before this batch: its row may exist
                keys.add(key)
    before = load_requests(request_keys) if request_keys else {}
    return BatchStart(
        before,
        {key: _request_row(facts) for key, facts in before.items()},
        {key: _case_row(facts) for key, facts in (load_cases(case_keys) if case_keys else {}).items()},
        {code: _agency_row(facts) for code, facts in load_agencies(codes).items()},
    )


def finish_batch(start: BatchStart, states: Sequence[tuple[int, str, bytes]]) -> TableRows:
    """Fold the batch's stored states onto the rows it starts from; return the rows and the counts' change (pure)."""
    fold_plain(list(states), start.requests, start.cases, start.agencies, {})
    rows = freeze(start.requests, start.cases, start.agencies)
    counts: Counter[CountKey] = rows.counts
    for facts in start.before.values():
        counts.subtract(contributions(facts))
    rows.counts = Counter({key: n for key, n in counts.items() if n})
    return rows


def _request_row(facts: RequestFacts) -> list[Any]:
    row: list[Any] = list(request_row(facts))
    row[FEES] = json.loads(row[FEES])
    return row


def _case_row(facts: CaseFacts) -> list[Any]:
    row: list[Any] = list(case_row(facts))
    row[5] = json.loads(row[5])
    return row


def _agency_row(facts: AgencyFacts) -> list[Any]:
    return [facts.agency, facts.first_date.isoformat(), facts.name, set(facts.filed_months), set(facts.published_years)]
