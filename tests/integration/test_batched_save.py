"""The import's batched save: the same stored events, links and tables as `app.save` gives, on both backends."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, ProgrammingError
from eventsourcing.postgres import PostgresApplicationRecorder

from domain.errors import Problem
from domain.lines import parse_object
from projections.runner import fold_saved
from service.settings import Settings
from service.tracker import Tracker
from storage.chain import ChainedSQLiteRecorder, PreparedLinks, chain_rows, link_array
from storage.chain_postgres import ChainedPostgresRecorder
from storage.chain_verify import chain_reader, verify_store
from storage.keys import new_key
from storage.store import encode_events, save_events, save_stored
from tests.conftest import TODAY


def open_tracker(store: str, key: str | None = None) -> Tracker:
    return Tracker(Settings(db=store, agency="A", clerk="test", today=TODAY, cipher_key=key))


def lines(first: int, count: int) -> list[tuple[int, Any]]:
    """Return numbered lines: `count` applications from number `first`, each received, registered and answered."""
    objects: list[dict[str, Any]] = []
    for n in range(first, first + count):
        number, day = f"B-{n}", f"2025-03-{1 + n % 20:02d}"
        objects += [
            {"event": "received", "request": number, "date": day, "channel": "online", "applicant_type": "other_org"},
            {"event": "registered", "request": number, "date": day},
            {"event": "answered", "request": number, "date": f"2025-04-{1 + n % 20:02d}", "outcome": "disclosed"},
        ]
    return [(i, parse_object(data)) for i, data in enumerate(objects, start=1)]


def pending(tracker: Tracker, numbered: list[tuple[int, Any]]) -> list[Any]:
    problems: list[Problem] = []
    book = tracker.check(numbered, problems)
    assert problems == []
    return [event for aggregate in book.changed() for event in aggregate.collect_events()]


def log_of(tracker: Tracker) -> list[tuple[Any, ...]]:
    notes = tracker.app.recorder.select_notifications(start=0, limit=1_000_000, inclusive_of_start=False)
    return [(n.id, str(n.originator_id), n.originator_version, n.topic, bytes(n.state)) for n in notes]


def tables_of(tracker: Tracker) -> tuple[Any, ...]:
    view = tracker.view
    return (
        view.max_tracking_id(tracker.app.name),
        sorted(map(repr, view.requests())),
        sorted(map(repr, view.cases())),
        sorted(map(repr, view.agencies())),
        view.all_counts(),
    )


def test_the_batched_save_stores_what_app_save_stores(new_store: Callable[[], str]) -> None:
    fast, normal = open_tracker(new_store()), open_tracker(new_store())
    for first, count in ((0, 40), (40, 25)):  # two batches: the second continues the log, its links and its tables
        events = pending(fast, lines(first, count))
        same = copy.deepcopy(events)  # the very same events (ids, versions, timestamps) for the other store
        assert fold_saved(fast.app, fast.view, events, save_events(fast.app, events))
        normal.app.save(*same)
        normal.catch_up()
    assert fast.catch_up() == 0  # the tables folded every saved event already
    assert log_of(fast) == log_of(normal)
    assert chain_reader(fast.app).links_after(0, 1_000_000) == chain_reader(normal.app).links_after(0, 1_000_000)
    assert tables_of(fast) == tables_of(normal)
    assert verify_store(fast.app).problem is None
    assert fast.replay()[1] == []
    fast.close()
    normal.close()


def test_tables_fold_saved_events_only_right_after_their_position(new_store: Callable[[], str]) -> None:
    tracker = open_tracker(new_store())
    behind = pending(tracker, lines(0, 5))
    tracker.app.save(*behind)  # saved, not yet applied to the tables (a process killed before its catch-up)
    events = pending(tracker, lines(5, 5))
    ids = save_events(tracker.app, events)
    assert not fold_saved(tracker.app, tracker.view, events, ids)  # the tables stand before `behind`
    assert tracker.view.max_tracking_id(tracker.app.name) is None
    assert tracker.catch_up() == 30
    assert not fold_saved(tracker.app, tracker.view, events, ids)  # applied already: never twice
    assert tracker.catch_up() == 0
    assert tracker.counts()["applications"] == 10
    assert tracker.replay()[1] == []
    tracker.close()


def test_a_conflicting_batch_writes_nothing(new_store: Callable[[], str]) -> None:
    tracker, other = open_tracker(store := new_store()), None
    tracker.record(lines(0, 3))
    other = open_tracker(store)
    mine = pending(tracker, lines(0, 6))  # applications 3-5 are new here …
    theirs = pending(other, lines(4, 1))  # … and another clerk records application 4 first
    save_events(other.app, theirs)
    before = log_of(tracker)
    with pytest.raises(IntegrityError):
        save_events(tracker.app, mine)
    assert log_of(tracker) == before  # neither application 3 nor 5, nor any link
    assert verify_store(tracker.app).problem is None
    tracker.close()
    other.close()


def test_an_encrypted_store_saves_through_the_cipher(new_store: Callable[[], str]) -> None:
    store, key = new_store(), new_key()
    tracker = open_tracker(store, key)
    received = {
        "event": "received",
        "request": "E-1",
        "date": "2025-03-01",
        "channel": "mail",
        "applicant_type": "natural_person",
        "applicant": "李某",
    }
    numbered = [(1, parse_object(received))]
    tracker.record([*numbered, *lines(0, 3)])
    assert all("李某".encode() not in state for *_, state in log_of(tracker))  # sealed, never plain text
    assert tracker.request("E-1").applicant == "李某"
    assert verify_store(tracker.app).problem is None
    assert tracker.replay()[1] == []
    tracker.close()


@pytest.mark.parametrize("new_store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_postgres_copy_gives_the_ids_and_links_of_eventsourcings_insert(new_store: Callable[[], str]) -> None:
    copied, inserted = open_tracker(new_store()), open_tracker(new_store())
    assert isinstance(copied.app.recorder, ChainedPostgresRecorder)
    for first in (0, 30):
        events = pending(copied, lines(first, 30))
        stored = copied.app.mapper.to_stored_events(events)  # type: ignore[attr-defined]
        assert copied.app.recorder.insert_events(stored) == PostgresApplicationRecorder.insert_events(
            inserted.app.recorder, stored
        )
    assert log_of(copied) == log_of(inserted)
    assert chain_reader(copied.app).links_after(0, 1_000_000) == chain_reader(inserted.app).links_after(0, 1_000_000)
    assert verify_store(copied.app).problem is None
    copied.close()
    inserted.close()


def test_a_batch_folded_by_a_child_gives_the_tables_folded_here(
    new_store: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import service.tracker
    import storage.aside

    ended: list[bool] = []
    wait = storage.aside._wait

    def remembered(pid: int) -> bool:
        ended.append(wait(pid))
        return ended[-1]

    monkeypatch.setattr(storage.aside, "_wait", remembered)
    found = []
    for aside in (1, 10**9):  # every batch folded by a forked child while this process saves it; none
        monkeypatch.setattr(service.tracker, "ASIDE_EVENTS", aside)
        monkeypatch.setattr(service.tracker, "SAVE_BATCH", 50)  # several batches, the later continuing the tables
        tracker = open_tracker(new_store())
        tracker.record(lines(0, 40))
        tracker.record(lines(0, 40) + lines(40, 30))  # re-import: 40 already held, 30 new
        assert tracker.catch_up() == 0  # every batch was folded into the tables as it was saved
        assert tracker.replay()[1] == []
        assert verify_store(tracker.app).problem is None  # the links the child computed (SQLite) are the chain's
        found.append(tables_of(tracker))
        tracker.close()
    assert found[0] == found[1] and found[0][0] == 210
    assert len(ended) >= 3 and all(ended)  # the children folded the batches (none failed over to this process)


@pytest.mark.parametrize("new_store", ["sqlite"], indirect=True)  # PostgreSQL computes its links in its insert
def test_links_computed_ahead_are_used_only_where_they_follow_the_log(new_store: Callable[[], str]) -> None:
    tracker = open_tracker(new_store())
    recorder = tracker.app.recorder
    assert isinstance(recorder, ChainedSQLiteRecorder)
    end, previous = recorder.chain_end()
    assert (end, previous) == (0, bytes(32))
    stored = encode_events(tracker.app, pending(tracker, lines(0, 4)))
    asked: list[str] = []

    def ahead() -> tuple[str, str] | None:
        asked.append("yes")
        return link_array(previous, range(end + 1, end + 1 + len(stored)), stored)

    ids = save_stored(tracker.app, stored, PreparedLinks(end, previous, len(stored), ahead))
    assert asked == ["yes"] and recorder.prepared is None
    with recorder.datastore.transaction(commit=False) as c:  # the rows the insert computes itself
        c.execute("SELECT * FROM gk_chain ORDER BY notification_id")
        assert [tuple(row) for row in c.fetchall()] == chain_rows(previous, ids, stored)
    stale = recorder.chain_end()  # then another clerk saves: links computed to follow `stale` no longer do
    save_events(tracker.app, pending(tracker, lines(4, 1)))
    stored = encode_events(tracker.app, pending(tracker, lines(5, 2)))

    def wrong() -> tuple[str, str] | None:
        asked.append("stale")
        return "[]", ""

    save_stored(tracker.app, stored, PreparedLinks(*stale, len(stored), wrong))
    assert asked == ["yes"]  # not asked: computed in the insert
    assert verify_store(tracker.app).problem is None
    assert recorder.chain_end()[0] == len(log_of(tracker))
    before, now = log_of(tracker), recorder.chain_end()
    stored = encode_events(tracker.app, pending(tracker, lines(7, 2)))
    with pytest.raises(ProgrammingError):  # links that do not cover the events: refused, nothing written
        save_stored(tracker.app, stored, PreparedLinks(*now, len(stored), lambda: ('["00"]', "00")))
    assert log_of(tracker) == before and recorder.chain_end() == now
    tracker.close()
