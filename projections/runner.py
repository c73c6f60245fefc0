"""Keep the view up to date with the log (catch-up) and rebuild it from nothing (replay)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from eventsourcing.persistence import IntegrityError, Notification, Tracking

from projections.agencies import AgencyFacts
from projections.facts import CaseFacts, CountKey, RequestFacts
from projections.fold import Changes, Key, fold_events

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


def _pages(app: Any, start: int) -> Iterator[list[Notification]]:
    while notes := app.recorder.select_notifications(start=start, limit=BATCH, inclusive_of_start=False):
        yield notes
        start = notes[-1].id


def catch_up(app: Any, view: View, progress: Progress | None = None) -> int:
    """Apply every event recorded since the view's position, a batch per transaction; return how many.

    Another process may catch up at the same time: a batch is committed only if the view is still at the
    position it was folded from; otherwise it is folded again from the position the other process reached.
    """
    applied = conflicts = 0
    start = view.max_tracking_id(app.name) or 0
    while notes := app.recorder.select_notifications(start=start, limit=BATCH, inclusive_of_start=False):
        events = [app.mapper.to_domain_event(note) for note in notes]
        changes = fold_events(events, view.load_requests, view.load_cases, view.load_agencies)
        try:
            view.commit(changes, Tracking(app.name, notes[-1].id), start=start)
        except IntegrityError:
            conflicts += 1
            if conflicts > MAX_CONFLICTS:
                raise
            start = view.max_tracking_id(app.name) or 0
            continue
        start = notes[-1].id
        applied += len(notes)
        if progress:
            progress(len(notes))
    return applied


@dataclass
class Rebuilt:
    """A view folded from nothing, in memory."""

    changes: Changes = field(default_factory=Changes)
    position: int = 0
    events: int = 0


def rebuild(app: Any, progress: Progress | None = None) -> Rebuilt:
    """Fold the whole log from an empty state, streaming it page by page."""
    result = Rebuilt()
    state = result.changes
    for notes in _pages(app, 0):
        events = [app.mapper.to_domain_event(note) for note in notes]
        step = fold_events(
            events,
            lambda keys: {k: v for k in keys if (v := state.requests.get(k))},
            lambda keys: {k: v for k in keys if (v := state.cases.get(k))},
            lambda codes: {c: state.agencies[c] for c in codes if c in state.agencies},
        )
        state.requests.update(step.requests)
        state.cases.update(step.cases)
        state.agencies.update(step.agencies)
        state.counts.update(step.counts)
        result.position, result.events = notes[-1].id, result.events + len(notes)
        if progress:
            progress(len(notes))
    state.counts = +state.counts  # drop zeros
    return result


def differences(view: View, rebuilt: Rebuilt, application_name: str, limit: int = 20) -> list[str]:
    """Compare the maintained view with a rebuilt one; return the differences found (empty: they agree)."""
    requests = {k: v for k, v in rebuilt.changes.requests.items() if v is not None}
    voided = {k for k, v in requests.items() if v.voided}
    cases = {k: v for k, v in rebuilt.changes.cases.items() if v is not None and (v.agency, v.request) not in voided}
    found = [
        *_compare("count", view.all_counts(), dict(rebuilt.changes.counts)),
        *_compare("application", {(f.agency, f.number): f for f in view.requests()}, requests),
        *_compare("case", {(f.agency, f.number): f for f in view.cases()}, cases),
        *_compare("agency", {f.agency: f for f in view.agencies()}, rebuilt.changes.agencies),
    ]
    position = view.max_tracking_id(application_name) or 0
    if position != rebuilt.position:
        found.append(f"position: maintained {position}, log {rebuilt.position}")
    return found[:limit]


def _compare(what: str, maintained: dict[Any, Any], replayed: dict[Any, Any]) -> Iterator[str]:
    for key in sorted(set(maintained) | set(replayed), key=str):
        if maintained.get(key) != replayed.get(key):
            name = "/".join(key) if isinstance(key, tuple) else key
            yield f"{what} {name}: maintained {maintained.get(key)}, replay {replayed.get(key)}"
