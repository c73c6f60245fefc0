"""Checking the hash chain (storage/chain.py) against the log: `verify`, the chain's head, and the closes.

`verify_chain` recomputes the chain from the first event (or a trusted link) and names the first position where
the log no longer matches: an event whose row was edited, an event deleted (its link has no event) or inserted
(an event without a link). The use cases below read the chain table (`ChainReader`) and the `year_closed`
events, which record the head as it stood.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from storage.chain import CHAIN_TABLE, GENESIS, HEAD_NAME, HEAD_TABLE, PAGE, id_bytes, link

if TYPE_CHECKING:
    from storage.protocols import Datastore, EventStore


@dataclass(frozen=True)
class Problem:
    """The first place where the log and its chain disagree."""

    position: int
    originator_id: str
    version: int
    kind: str  # "changed", "deleted", "inserted"

    def describe(self, name: str | None = None) -> str:
        """Say in plain words what was found, naming the event."""
        who = name or f"aggregate {self.originator_id}"
        what = {
            "changed": "its stored row (content, topic, version or position) or its link no longer match: edited",
            "deleted": "it is missing from the log: the row was deleted",
            "inserted": "it has no link in the chain: the row was inserted behind the application's back",
        }[self.kind]
        return f"event #{self.position} ({who} v{self.version}): {what}"


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: the events checked, the head link, and the first problem if any."""

    checked: int
    head: str
    position: int
    start: int
    problem: Problem | None = None
    links: dict[int, str] = field(default_factory=dict)  # the recomputed links at the positions watched


def _events(app: EventStore, start: int) -> Iterator[Notification]:
    while notes := app.recorder.select_notifications(start=start, limit=PAGE, inclusive_of_start=False):
        yield from notes
        start = notes[-1].id


def _links(reader: ChainReader, start: int) -> Iterator[tuple[int, str, int, bytes]]:
    while rows := reader.links_after(start, PAGE):
        yield from rows
        start = rows[-1][0]


def verify_chain(
    app: EventStore, reader: ChainReader, *, start: int = 0, anchor: bytes = GENESIS, watch: Collection[int] = ()
) -> Verdict:
    """Recompute the chain from a position whose link is trusted; return the first disagreement.

    The recomputed links at the positions in `watch` are kept (a close's or a published head, to compare).
    """
    previous, checked, position = anchor, 0, start
    seen: dict[int, str] = {}
    events, links = _events(app, start), _links(reader, start)
    event, chained = next(events, None), next(links, None)
    while event is not None or chained is not None:
        if chained is None or (event is not None and event.id < chained[0]):
            assert event is not None
            return Verdict(checked, previous.hex(), position, start, _problem(event, "inserted"), seen)
        if event is None or chained[0] < event.id:
            found = Problem(chained[0], chained[1], chained[2], "deleted")
            return Verdict(checked, previous.hex(), position, start, found, seen)
        expected = link(previous, event.id, event.originator_id, event.originator_version, event.topic, event.state)
        if expected != chained[3]:
            return Verdict(checked, previous.hex(), position, start, _problem(event, "changed"), seen)
        previous, position, checked = expected, event.id, checked + 1
        if position in watch:
            seen[position] = expected.hex()
        event, chained = next(events, None), next(links, None)
    return Verdict(checked, previous.hex(), position, start, links=seen)


def _problem(event: Notification, kind: str) -> Problem:
    found = id_bytes(event.originator_id)
    name = found.hex() if isinstance(found, bytes) else str(found)
    return Problem(event.id, name, event.originator_version, kind)


class ChainReader:
    """Read the chain table of a store (SQLite or PostgreSQL)."""

    def __init__(self, datastore: Datastore, table: str, marker: str) -> None:
        self.datastore, self.table, self.marker = datastore, table, marker

    def links_after(self, start: int, limit: int) -> list[tuple[int, str, int, bytes]]:
        """Return up to `limit` links after a position, in order."""
        m = self.marker
        sql = (
            f"SELECT notification_id, originator_id, originator_version, link FROM {self.table} "
            f"WHERE notification_id > {m} ORDER BY notification_id LIMIT {m}"
        )
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql, (start, limit))
            return [
                (int(r["notification_id"]), str(r["originator_id"]), int(r["originator_version"]), _hex(r["link"]))
                for r in c.fetchall()
            ]

    def link_at(self, position: int) -> bytes | None:
        """Return the stored link at a position, if any."""
        sql = f"SELECT link FROM {self.table} WHERE notification_id = {self.marker}"
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql, (position,))
            row = c.fetchone()
        return _hex(row["link"]) if row else None

    def head(self) -> tuple[int, str] | None:
        """Return the high-water mark: the last position and link ever written (None on a store made before it)."""
        table = self.table.replace(CHAIN_TABLE, HEAD_TABLE)
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT position, link FROM {table} WHERE name = {self.marker}", (HEAD_NAME,))
            row = c.fetchone()
        return (int(row["position"]), str(row["link"])) if row else None

    def last_link(self) -> tuple[int, str] | None:
        """Return the last link of the chain table and its position."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT notification_id, link FROM {self.table} ORDER BY notification_id DESC LIMIT 1")
            row = c.fetchone()
        return (int(row["notification_id"]), str(row["link"])) if row else None

    def link_before(self, position: int) -> tuple[int, bytes] | None:
        """Return the last link before a position, and its position."""
        m = self.marker
        sql = f"SELECT notification_id, link FROM {self.table} WHERE notification_id < {m} "
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql + f"ORDER BY notification_id DESC LIMIT {m}", (position, 1))
            row = c.fetchone()
        return (int(row["notification_id"]), _hex(row["link"])) if row else None


def _hex(value: str) -> bytes:
    try:
        return bytes.fromhex(value)
    except (ValueError, TypeError):
        return b""  # an edited link that is not even hex still compares unequal


def chain_reader(app: EventStore) -> ChainReader:
    """Return the chain reader of an application's store."""
    from storage.store import datastore_of

    datastore = datastore_of(app.recorder)
    if isinstance(app.recorder, SQLiteApplicationRecorder):
        return ChainReader(datastore, CHAIN_TABLE, "?")
    assert not isinstance(datastore, SQLiteDatastore)
    return ChainReader(datastore, f'"{datastore.schema}".{CHAIN_TABLE}', "%s")


# -- the use cases ------------------------------------------------------------------------------------

CLOSE_TOPIC = "domain.agency:Agency.YearClosed"


def last_close(app: EventStore) -> tuple[int, int] | None:
    """Return the position and year of the latest `year_closed` event, if any year was closed."""
    found, start = None, 0
    while notes := app.recorder.select_notifications(
        start=start, limit=PAGE, topics=(CLOSE_TOPIC,), inclusive_of_start=False
    ):
        found, start = notes[-1], notes[-1].id
    if found is None:
        return None
    from domain.agency import Agency

    try:
        event = app.mapper.to_domain_event(found)
    except Exception:
        return found.id, 0
    return found.id, event.year if isinstance(event, Agency.YearClosed) else 0


@dataclass(frozen=True)
class CloseRecord:
    """A `year_closed` event: where it is, its year, and the chain head it recorded (None for older closes)."""

    position: int
    year: int
    chain_position: int | None
    chain_hash: str | None


def close_records(app: EventStore) -> list[CloseRecord]:
    """Return every `year_closed` event of the log, oldest first (a close that cannot be read records no head)."""
    from domain.agency import Agency

    found: list[CloseRecord] = []
    start = 0
    while notes := app.recorder.select_notifications(
        start=start, limit=PAGE, topics=(CLOSE_TOPIC,), inclusive_of_start=False
    ):
        for note in notes:
            try:
                event = app.mapper.to_domain_event(note)
            except Exception:  # a damaged close is named by the chain check; here it records nothing
                event = None
            if isinstance(event, Agency.YearClosed):
                year, chain_position, chain_hash = event.year, event.chain_position, event.chain_hash
            else:
                year, chain_position, chain_hash = 0, None, None
            found.append(CloseRecord(note.id, year, chain_position, chain_hash))
        start = notes[-1].id
    return found


def chain_head(app: EventStore) -> tuple[int, str] | None:
    """Return the position and link of the chain's head as written: the high-water mark, else the last link."""
    reader = chain_reader(app)
    return reader.head() or reader.last_link()


def verify_store(app: EventStore, *, since: int = 0, watch: Collection[int] = ()) -> Verdict:
    """Check the chain from the start of the log, or from the link just before position `since`."""
    reader = chain_reader(app)
    if since <= 1:
        return verify_chain(app, reader, watch=watch)
    before = reader.link_before(since)
    if before is None:
        return verify_chain(app, reader)
    return verify_chain(app, reader, start=before[0], anchor=before[1], watch=watch)


def link_of(app: EventStore, position: int) -> str | None:
    """Return the recomputed chain link at a position (None if the chain breaks before it or it is absent)."""
    previous, reader = GENESIS, chain_reader(app)
    for event in _events(app, 0):
        if event.id > position:
            break
        previous = link(previous, event.id, event.originator_id, event.originator_version, event.topic, event.state)
        if event.id == position:
            return previous.hex() if reader.link_at(position) == previous else None
    return None


def name_event(app: EventStore, problem: Problem) -> str | None:
    """Return which application or case an event belongs to, if the log still says so."""
    try:
        stored = app.recorder.select_events(UUID(problem.originator_id), lte=1)
        first = app.mapper.to_domain_event(stored[0]) if stored else None
    except Exception:
        return None
    if first is None:
        return None
    if case := getattr(first, "case", None):
        return f"案件 {case}"
    if request := getattr(first, "request", None):
        return f"申请 {request}"
    return f"机关 {getattr(first, 'agency', '?')}"
