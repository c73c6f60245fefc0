"""The tamper-evident hash chain over the stored events, written in the same transaction as each insert.

Each stored event's link is SHA-256 over the previous link and everything the row holds: its position
(notification id), aggregate id, version, topic and stored state (ciphertext when the store is encrypted,
so checking needs no key). The links live in `gk_chain`, one row per event, beside the events. `verify`
recomputes the chain from the first event and names the first position where the log no longer matches:
an event whose row was edited, an event deleted (its link has no event) or inserted (an event without a
link). What it proves: nobody changed the log *without also rewriting every later link*; an anchor
printed outside the store (the head in an annual report) closes that gap up to the anchor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from eventsourcing.persistence import Notification, ProgrammingError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from storage.keys import SQLITE_KEY_TABLES

if TYPE_CHECKING:
    from storage.protocols import Datastore, EventStore

GENESIS = bytes(32)
CHAIN_TABLE = "gk_chain"
CHAIN_DDL = (
    "notification_id BIGINT PRIMARY KEY, originator_id TEXT NOT NULL, originator_version BIGINT NOT NULL, "
    "link TEXT NOT NULL"
)
# In SQLite only `INTEGER PRIMARY KEY` names the rowid (a BIGINT key is a second index, written with every link).
# A store made before keeps its table: the same columns and queries.
SQLITE_CHAIN_DDL = CHAIN_DDL.replace("BIGINT PRIMARY KEY", "INTEGER PRIMARY KEY")
PAGE = 5000
LARGE_INSERT = 10_000  # events in one insert from which the connection's page cache is enlarged
LARGE_INSERT_CACHE_KIB = 65536


def link(previous: bytes, position: int, originator_id: object, version: object, topic: object, state: object) -> bytes:
    """Return the link of one stored event, given the link before it (total: a tampered row of any type hashes)."""
    parts = [previous, position.to_bytes(8, "big", signed=True)]
    for value in (_id_bytes(originator_id), version, topic, state):
        encoded = _typed(value)
        parts += (len(encoded).to_bytes(8, "big"), encoded)
    return hashlib.sha256(b"".join(parts)).digest()


def _id_bytes(originator_id: object) -> object:
    if type(originator_id) is UUID:
        return originator_id.bytes
    try:
        return UUID(str(originator_id)).bytes
    except ValueError:
        return originator_id  # not an id at all: hashed as whatever it is


def _typed(value: object) -> bytes:
    """Return a value's bytes with a type tag, so a BLOB edited into TEXT (or a number) hashes differently."""
    kind = type(value)
    if kind is bytes:
        return b"B" + cast(bytes, value)
    if kind is str:
        return b"S" + cast(str, value).encode("utf-8", "surrogatepass")
    if isinstance(value, bytes | bytearray | memoryview):
        return b"B" + bytes(value)
    if isinstance(value, str):
        return b"S" + value.encode("utf-8", "surrogatepass")
    if isinstance(value, int):
        return b"I" + str(value).encode()
    return b"R" + repr(value).encode()


def chain_rows(previous: bytes, ids: Sequence[int], events: Sequence[StoredEvent]) -> list[tuple[int, str, int, str]]:
    """Return the chain rows of newly inserted events, continuing from the previous link."""
    rows: list[tuple[int, str, int, str]] = []
    append = rows.append
    last_id, hex_id = None, ""
    for position, event, chained in zip(ids, events, _links_of(previous, ids, events), strict=True):
        originator_id = event.originator_id
        if originator_id is not last_id:  # an aggregate's events come together: its id's text is made once
            last_id = originator_id
            hex_id = originator_id.hex if type(originator_id) is UUID else UUID(str(originator_id)).hex
        append((position, hex_id, event.originator_version, chained.hex()))
    return rows


def _link_of(previous: bytes, position: int, event: StoredEvent) -> bytes:
    """Return `link` of a stored event as `chain_rows` computes it."""
    return next(_links_of(previous, [position], [event]))


def _links_of(previous: bytes, ids: Sequence[int], events: Sequence[StoredEvent]) -> Iterator[bytes]:
    """Yield the links of events one after the other: `link`, with the usual types (UUID, int, str, bytes) inline."""
    sha256 = hashlib.sha256
    topics: dict[str, bytes] = {}  # a topic's length and bytes, made once
    last_id: Any = None
    id_part = b""
    for position, event in zip(ids, events, strict=True):
        originator_id, version, topic, state = event.originator_id, event.originator_version, event.topic, event.state
        if originator_id is not last_id:  # an aggregate's events come together: its id's bytes are made once
            last_id = originator_id
            id_part = _ID_LENGTH + b"B" + originator_id.bytes if type(originator_id) is UUID else b""
        if id_part and type(version) is int and type(topic) is str and type(state) is bytes:
            topic_part = topics.get(topic) or topics.setdefault(
                topic, _sized(b"S" + topic.encode("utf-8", "surrogatepass"))
            )
            version_part = _VERSIONS[version] if 0 <= version < len(_VERSIONS) else _sized(b"I%d" % version)
            previous = sha256(
                b"".join(
                    (
                        previous,
                        position.to_bytes(8, "big", signed=True),
                        id_part,
                        version_part,
                        topic_part,
                        (len(state) + 1).to_bytes(8, "big"),
                        b"B",
                        state,
                    )
                )
            ).digest()
        else:
            previous = link(previous, position, originator_id, version, topic, state)
        yield previous


def _sized(encoded: bytes) -> bytes:
    return len(encoded).to_bytes(8, "big") + encoded


_ID_LENGTH = (17).to_bytes(8, "big")  # b"B" and the 16 bytes of a UUID
_VERSIONS = tuple(_sized(b"I%d" % version) for version in range(1024))


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite recorder, extended to write each event's link in the insert's transaction."""

    def construct_create_table_statements(self) -> list[str]:
        """Add the chain and the key tables to the events table."""
        statements = super().construct_create_table_statements()
        statements.append(f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} ({SQLITE_CHAIN_DDL})")
        statements += SQLITE_KEY_TABLES
        return statements

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        if not stored_events:
            return []
        rows = _event_rows(stored_events)
        if len(rows) >= LARGE_INSERT:
            # The primary key's index takes each aggregate's id at random: with SQLite's default 2 MB page cache a
            # large batch keeps writing out pages and reading them back. Kept for the connection (imports reuse it).
            c.execute(f"PRAGMA cache_size = -{LARGE_INSERT_CACHE_KIB}")
        # One executemany, not one execute per event. Its first row takes the write lock, so nobody inserts
        # meanwhile and SQLite gives each row the largest rowid plus one: the batch's notification ids are the
        # last `len(rows)` up to the maximum (checked on the first row). Reading the chain's head cannot race.
        c.executemany(self.insert_events_statement, rows)
        c.execute(f"SELECT MAX(rowid) FROM {self.events_table_name}")
        last = int(c.fetchone()[0])
        ids = list(range(last - len(rows) + 1, last + 1))
        c.execute(
            f"SELECT rowid FROM {self.events_table_name} WHERE originator_id = ? AND originator_version = ?",
            rows[0][:2],
        )
        if int(c.fetchone()[0]) != ids[0]:
            raise ProgrammingError("the inserted events' notification ids are not consecutive")
        c.execute(f"SELECT link FROM {CHAIN_TABLE} ORDER BY notification_id DESC LIMIT 1")
        row = c.fetchone()
        previous = bytes.fromhex(row["link"]) if row else GENESIS
        c.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?, ?, ?)", chain_rows(previous, ids, stored_events))
        return ids


def _event_rows(stored_events: Sequence[StoredEvent]) -> list[tuple[Any, int, str, bytes]]:
    """Return the events table's rows of stored events (an aggregate's id as hex text, made once per run of it)."""
    rows: list[tuple[Any, int, str, bytes]] = []
    append = rows.append
    last_id: Any = None
    text_id: Any = None
    for stored in stored_events:
        originator_id = stored.originator_id
        if originator_id is not last_id:
            last_id = originator_id
            text_id = originator_id.hex if isinstance(originator_id, UUID) else originator_id
        append((text_id, stored.originator_version, stored.topic, stored.state))
    return rows


# -- verifying ------------------------------------------------------------------------------------------


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


def _events(app: EventStore, start: int) -> Iterator[Notification]:
    while notes := app.recorder.select_notifications(start=start, limit=PAGE, inclusive_of_start=False):
        yield from notes
        start = notes[-1].id


def _links(reader: ChainReader, start: int) -> Iterator[tuple[int, str, int, bytes]]:
    while rows := reader.links_after(start, PAGE):
        yield from rows
        start = rows[-1][0]


def verify_chain(app: EventStore, reader: ChainReader, *, start: int = 0, anchor: bytes = GENESIS) -> Verdict:
    """Recompute the chain from a position whose link is trusted; return the first disagreement."""
    previous, checked, position = anchor, 0, start
    events, links = _events(app, start), _links(reader, start)
    event, chained = next(events, None), next(links, None)
    while event is not None or chained is not None:
        if chained is None or (event is not None and event.id < chained[0]):
            assert event is not None
            return Verdict(checked, previous.hex(), position, start, _problem(event, "inserted"))
        if event is None or chained[0] < event.id:
            found = Problem(chained[0], chained[1], chained[2], "deleted")
            return Verdict(checked, previous.hex(), position, start, found)
        expected = link(previous, event.id, event.originator_id, event.originator_version, event.topic, event.state)
        if expected != chained[3]:
            return Verdict(checked, previous.hex(), position, start, _problem(event, "changed"))
        previous, position, checked = expected, event.id, checked + 1
        event, chained = next(events, None), next(links, None)
    return Verdict(checked, previous.hex(), position, start)


def _problem(event: Notification, kind: str) -> Problem:
    found = _id_bytes(event.originator_id)
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


def verify_store(app: EventStore, *, since: int = 0) -> Verdict:
    """Check the chain from the start of the log, or from the link just before position `since`."""
    reader = chain_reader(app)
    if since <= 1:
        return verify_chain(app, reader)
    before = reader.link_before(since)
    if before is None:
        return verify_chain(app, reader)
    return verify_chain(app, reader, start=before[0], anchor=before[1])


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
