"""Keep the view up to date with the log (catch-up); replay.py rebuilds it from nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from eventsourcing.persistence import IntegrityError, OperationalError, Tracking

from projections.agencies import AgencyFacts
from projections.batch import finish_batch, start_batch
from projections.decode import fast, pages
from projections.facts import CaseFacts, CountKey, RequestFacts
from projections.fold import Changes, Key, fold_events
from projections.rows import TableRows
from storage.aside import Aside, aside_pair
from storage.chain import PreparedLinks, link_array

if TYPE_CHECKING:
    from eventsourcing.persistence import StoredEvent

    from domain.event import AggregateEvent
    from storage.protocols import EventStore

BATCH = 2000
MAX_CONFLICTS = 1000  # each conflict means another process advanced the view: progress is always made
Progress = Callable[[int], None]


class View(Protocol):
    """What a view backend offers the runner (SQLite and PostgreSQL implement it)."""

    def max_tracking_id(self, application_name: str) -> int | None: ...
    def load_requests(self, keys: set[Key]) -> dict[Key, RequestFacts]: ...
    def load_cases(self, keys: set[Key]) -> dict[Key, CaseFacts]: ...
    def load_agencies(self, codes: set[str]) -> dict[str, AgencyFacts]: ...
    def commit(self, changes: Changes, tracking: Tracking, start: int | None = None) -> None: ...
    def commit_rows(self, rows: TableRows, tracking: Tracking, start: int) -> None: ...
    def requests(self, agency: str | None = None, *, open_only: bool = False) -> list[RequestFacts]: ...
    def cases(self, agency: str | None = None) -> list[CaseFacts]: ...
    def agencies(self) -> list[AgencyFacts]: ...
    def all_counts(self) -> dict[CountKey, int]: ...


def catch_up(app: EventStore, view: View, progress: Progress | None = None) -> int:
    """Apply every event recorded since the view's position, a batch per transaction; return how many.

    Another process may catch up at the same time: a batch is committed only if the view is still at the
    position it was folded from; otherwise it is folded again from the position the other process reached.
    """
    applied = conflicts = 0
    start = view.max_tracking_id(app.name) or 0
    while page := next(pages(app, start, BATCH), None):
        position, count, events = page
        changes = fold_events(events, view.load_requests, view.load_cases, view.load_agencies)
        try:
            view.commit(changes, Tracking(app.name, position), start=start)
        except IntegrityError:
            conflicts += 1
            if conflicts > MAX_CONFLICTS:
                raise
            start = view.max_tracking_id(app.name) or 0
            continue
        start = position
        applied += count
        if progress:
            progress(count)
    return applied


@dataclass
class BegunFold:
    """A batch's fold begun before its events are saved: the view's position then, and its rows being folded."""

    position: int
    rows: Aside[TableRows]
    links: PreparedLinks | None = None  # the batch's chain links, computed by the same child first


def begin_fold(
    app: EventStore,
    view: View,
    events: Sequence[AggregateEvent],
    stored: Sequence[StoredEvent],
    *,
    aside: bool = False,
    chain_from: tuple[int, bytes] | None = None,
) -> BegunFold | None:
    """Read the view's position and the rows a batch about to be saved starts from, and start folding its JSON.

    `aside`: fold in a forked child while this process saves the batch (a large batch on a plain-JSON store).
    `chain_from` (with `aside`): the log's last position and link now; the child first computes the batch's chain
    links as if it followed them (`links`: the insert uses them only if it does).
    None when the store is not plain JSON (then `fold_saved` folds the events themselves).
    """
    if not fast(app.mapper):
        return None
    # Read the position before loading the facts the fold starts from (see fold_saved).
    position = view.max_tracking_id(app.name) or 0
    start = start_batch(events, view.load_requests, view.load_cases, view.load_agencies)
    states = [(0, s.topic, s.state) for s in stored]  # the fold reads no position

    def fold() -> TableRows:
        return finish_batch(start, states)

    if chain_from is None or not aside:
        return BegunFold(position, Aside(fold, fork=aside))
    end, previous = chain_from
    ids = range(end + 1, end + 1 + len(stored))
    links, rows = aside_pair(lambda: link_array(previous, ids, stored), fold)
    return BegunFold(position, rows, PreparedLinks(end, previous, len(stored), links.result))


def fold_saved(
    app: EventStore,
    view: View,
    events: Sequence[AggregateEvent],
    ids: Sequence[int],
    stored: Sequence[StoredEvent] | None = None,
    begun: BegunFold | None = None,
) -> bool:
    """Apply events just saved (with these notification ids) to the view without reading them back.

    Only when the view stands exactly at the position before them, from before its facts are loaded until its
    transaction commits (checked there): then these are the next events, each applied once, to facts nobody
    changed meanwhile. Otherwise nothing is written and False is returned; the caller's catch-up applies them.
    With the events as stored (`stored`) in a plain-JSON store, their JSON is folded into rows as the replay does;
    `begun` is that fold begun before the save (`begin_fold`).
    """
    if not ids or len(ids) != len(events) or ids[-1] - ids[0] + 1 != len(ids):
        return False
    first, last = ids[0], ids[-1]
    if begun is None and stored is not None:
        begun = begin_fold(app, view, events, stored)
    # The position was read before the facts the fold starts from were loaded: the commit then checks that it has
    # not moved since, hence that nobody changed those facts meanwhile (positions only grow).
    position = begun.position if begun is not None else view.max_tracking_id(app.name) or 0
    if position != first - 1:
        return False
    try:
        if begun is not None:
            view.commit_rows(begun.rows.result(), Tracking(app.name, last), start=first - 1)
        else:
            changes = fold_events(events, view.load_requests, view.load_cases, view.load_agencies)
            view.commit(changes, Tracking(app.name, last), start=first - 1)
    except (IntegrityError, OperationalError):  # moved on meanwhile, or busy: the catch-up will do it
        return False
    return True
