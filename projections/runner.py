"""Keep the view up to date with the log (catch-up) and rebuild it from nothing (replay)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from eventsourcing.persistence import IntegrityError, OperationalError, Tracking

from projections.agencies import AgencyFacts
from projections.decode import pages
from projections.facts import CaseFacts, CountKey, RequestFacts, contributions
from projections.fold import Changes, Key, _family, fold_events, fold_into

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
    def replace_all(self, changes: Changes, tracking: Tracking | None) -> None: ...
    def requests(self, agency: str | None = None, *, open_only: bool = False) -> list[RequestFacts]: ...
    def cases(self, agency: str | None = None) -> list[CaseFacts]: ...
    def agencies(self) -> list[AgencyFacts]: ...
    def all_counts(self) -> dict[CountKey, int]: ...


def catch_up(app: Any, view: View, progress: Progress | None = None) -> int:
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


def fold_saved(app: Any, view: View, events: list[Any], ids: Sequence[int]) -> bool:
    """Apply events just saved (with these notification ids) to the view without reading them back.

    Only when the view stands exactly at the position before them, from before its facts are loaded until its
    transaction commits (checked there): then these are the next events, each applied once, to facts nobody
    changed meanwhile. Otherwise nothing is written and False is returned; the caller's catch-up applies them.
    """
    if not ids or len(ids) != len(events) or ids[-1] - ids[0] + 1 != len(ids):
        return False
    first, last = ids[0], ids[-1]
    # Read the position before loading the facts the fold starts from: the commit then checks that it has not
    # moved since, hence that nobody changed those facts meanwhile (positions only grow).
    if (view.max_tracking_id(app.name) or 0) != first - 1:
        return False
    changes = fold_events(events, view.load_requests, view.load_cases, view.load_agencies)
    try:
        view.commit(changes, Tracking(app.name, last), start=first - 1)
    except (IntegrityError, OperationalError):  # moved on meanwhile, or busy: the catch-up will do it
        return False
    return True


@dataclass
class Rebuilt:
    """A view folded from nothing, in memory."""

    changes: Changes = field(default_factory=Changes)
    position: int = 0
    events: int = 0


def rebuild(app: Any, progress: Progress | None = None) -> Rebuilt:
    """Fold the whole log from an empty state, streaming it page by page.

    The facts are folded in place (the same fold as the catch-up's); the counts are the sum of the final facts'
    contributions, which is what the catch-up's deltas add up to.
    """
    result = Rebuilt()
    state = result.changes
    for position, count, events in pages(app, 0, BATCH):
        fold_into(events, [_family(e) for e in events], state.requests, state.cases, state.agencies)
        result.position, result.events = position, result.events + count
        if progress:
            progress(count)
    for facts in state.requests.values():
        state.counts.update(contributions(facts))
    state.counts = +state.counts  # drop zeros
    return result


def differences(view: View, rebuilt: Rebuilt, application_name: str, limit: int = 20) -> list[str]:
    """Compare the maintained view with a rebuilt one; return the differences found (empty: they agree)."""
    requests = {k: v for k, v in rebuilt.changes.requests.items() if v is not None}
    voided = {k for k, v in requests.items() if v.voided}
    cases = {k: v for k, v in rebuilt.changes.cases.items() if v is not None and (v.agency, v.request) not in voided}
    found = [
        *_compare("count", view.all_counts(), dict(rebuilt.changes.counts)),
        *_compare_rows("application", view.requests(), requests),
        *_compare_rows("case", view.cases(), cases),
        *_compare("agency", {f.agency: f for f in view.agencies()}, rebuilt.changes.agencies),
    ]
    position = view.max_tracking_id(application_name) or 0
    if position != rebuilt.position:
        found.append(f"position: maintained {position}, log {rebuilt.position}")
    return found[:limit]


def _compare_rows(what: str, maintained: list[Any], replayed: dict[Key, Any]) -> Iterator[str]:
    """Compare stored facts (unique by agency and number) with replayed ones, without indexing the stored ones."""
    if len(maintained) == len(replayed) and all(replayed.get((f.agency, f.number)) == f for f in maintained):
        return
    yield from _compare(what, {(f.agency, f.number): f for f in maintained}, replayed)


def _compare(what: str, maintained: dict[Any, Any], replayed: dict[Any, Any]) -> Iterator[str]:
    if maintained == replayed:
        return  # the usual case, compared in C; otherwise find which keys differ
    for key in sorted(set(maintained) | set(replayed), key=str):
        if maintained.get(key) != replayed.get(key):
            name = "/".join(key) if isinstance(key, tuple) else key
            yield f"{what} {name}: maintained {maintained.get(key)}, replay {replayed.get(key)}"
