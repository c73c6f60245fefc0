"""The tamper-evident hash chain over the stored events, written in the same transaction as each insert.

Each stored event's link is SHA-256 over the previous link and everything the row holds: its position
(notification id), aggregate id, version, topic and stored state (ciphertext when the store is encrypted,
so checking needs no key). The links live in `gk_chain`, one row per event, beside the events. `verify`
(storage/chain_verify.py) recomputes the chain from the first event and names the first position where the log no
longer matches: an event whose row was edited, an event deleted (its link has no event) or inserted (an event
without a link). What it proves: nobody changed the log *without also rewriting every later link*; an anchor
printed outside the store (the head in an annual report) closes that gap up to the anchor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from eventsourcing.persistence import ProgrammingError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from domain.errors import GongkaiError
from storage.keys import SQLITE_KEY_TABLES

if TYPE_CHECKING:
    from psycopg import Cursor
    from psycopg.rows import DictRow

GENESIS = bytes(32)
CHAIN_TABLE = "gk_chain"
CHAIN_DDL = (
    "notification_id BIGINT PRIMARY KEY, originator_id TEXT NOT NULL, originator_version BIGINT NOT NULL, "
    "link TEXT NOT NULL"
)
# In SQLite only `INTEGER PRIMARY KEY` names the rowid (a BIGINT key is a second index, written with every link).
# A store made before keeps its table: the same columns and queries.
SQLITE_CHAIN_DDL = CHAIN_DDL.replace("BIGINT PRIMARY KEY", "INTEGER PRIMARY KEY")
# The high-water mark: the last position and link ever written, advanced in each insert's transaction. A log
# whose end lies before it was cut at its tail (events deleted with their links): the next insert is refused,
# so that no position is ever used twice, and `verify` reports the cut.
HEAD_TABLE = "gk_head"
HEAD_DDL = "name TEXT PRIMARY KEY, position BIGINT NOT NULL, link TEXT NOT NULL"
HEAD_NAME = "log"
PAGE = 5000
LARGE_INSERT = 10_000  # events in one insert from which the connection's page cache is enlarged
LARGE_INSERT_CACHE_KIB = 65536


def link(previous: bytes, position: int, originator_id: object, version: object, topic: object, state: object) -> bytes:
    """Return the link of one stored event, given the link before it (total: a tampered row of any type hashes)."""
    parts = [previous, position.to_bytes(8, "big", signed=True)]
    for value in (id_bytes(originator_id), version, topic, state):
        encoded = _typed(value)
        parts += (len(encoded).to_bytes(8, "big"), encoded)
    return hashlib.sha256(b"".join(parts)).digest()


def id_bytes(originator_id: object) -> object:
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


@dataclass(frozen=True)
class PreparedLinks:
    """A batch's links computed ahead (by a forked child), valid only where they were computed to follow.

    `end` is the log's last position and `previous` its last link when they were computed (read before the
    insert); the insert uses `links()` (`link_array`) only if its events follow exactly that position and link,
    else computes them itself.
    """

    end: int
    previous: bytes
    count: int
    links: Callable[[], tuple[str, str] | None]

    def follow(self, end: int, previous: bytes, count: int) -> bool:
        return (self.end, self.previous, self.count) == (end, previous, count)


def link_array(previous: bytes, ids: Sequence[int], events: Sequence[StoredEvent]) -> tuple[str, str] | None:
    """Return the links of events about to be inserted as a JSON array of hex texts, and the last link's hex.

    None unless every event's aggregate id is a UUID: then the events table holds the id's hex text, which the
    chain row holds too (`chain_rows`), so the insert can take the id and version from the events table.
    """
    if not events or any(type(event.originator_id) is not UUID for event in events):
        return None
    links = [chained.hex() for chained in _links_of(previous, ids, events)]
    return json.dumps(links), links[-1]


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
    last_id: object = None
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


def cut_message(held: int, end: int, witness: tuple[str, str]) -> str:
    """Say that the log once held events up to `held` (as a witness says) but now ends at `end`."""
    return (
        f"事件日志在末尾被截断：{witness[0]}记录到 #{held}，日志现在只到 #{end} / the event log was cut at its tail: "
        f"{witness[1]} events up to #{held}, but the log now ends at #{end}"
    )


HIGH_WATER = ("高水位标记（gk_head）", "the high-water mark (gk_head) says it held")
TABLES_WITNESS = ("统计表", "the maintained tables have applied")
PUBLISHED_WITNESS = ("公布的链头", "the published head says it held")


class LogCutError(GongkaiError):
    """The log ends before a position it once held: recording now would reuse a position or hide the cut."""

    def __init__(self, held: int, end: int, witness: tuple[str, str] = HIGH_WATER) -> None:
        self.held, self.end = held, end
        super().__init__(
            f"{cut_message(held, end, witness)}. Nothing was recorded, so that no position is used twice: run "
            "`gongkai verify` to see what is missing, and restore the store from a backup made before the cut"
        )


def check_head(curs: SQLiteCursor | Cursor[DictRow], head_table: str, marker: str, end: int) -> None:
    """Refuse to insert after a log whose end (the last position before the new events) lies before its mark."""
    curs.execute(f"SELECT position FROM {head_table} WHERE name = {marker}", (HEAD_NAME,))
    row = curs.fetchone()
    if row is not None and int(row["position"]) > end:
        raise LogCutError(int(row["position"]), end)


def advance_head_statement(head_table: str, marker: str) -> str:
    """Return the upsert that moves the high-water mark to the last inserted event."""
    return (
        f"INSERT INTO {head_table} (name, position, link) VALUES ({marker}, {marker}, {marker}) "
        "ON CONFLICT (name) DO UPDATE SET position = excluded.position, link = excluded.link"
    )


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite recorder, extended to write each event's link in the insert's transaction."""

    prepared: PreparedLinks | None = None  # the next insert's links computed ahead (`save_stored`), if any

    def chain_end(self) -> tuple[int, bytes]:
        """Return the log's last position and last link now (what the next insert's links will follow)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT MAX(rowid) FROM {self.events_table_name}")
            end = int(c.fetchone()[0] or 0)
            c.execute(f"SELECT link FROM {CHAIN_TABLE} ORDER BY notification_id DESC LIMIT 1")
            row = c.fetchone()
        return end, bytes.fromhex(row["link"]) if row else GENESIS

    def construct_create_table_statements(self) -> list[str]:
        """Add the chain and the key tables to the events table."""
        statements = super().construct_create_table_statements()
        statements.append(f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} ({SQLITE_CHAIN_DDL})")
        statements.append(f"CREATE TABLE IF NOT EXISTS {HEAD_TABLE} ({HEAD_DDL})")
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
        check_head(c, HEAD_TABLE, "?", ids[0] - 1)  # SQLite gives the largest rowid plus one: a cut is reused
        c.execute(f"SELECT link FROM {CHAIN_TABLE} ORDER BY notification_id DESC LIMIT 1")
        row = c.fetchone()
        previous = bytes.fromhex(row["link"]) if row else GENESIS
        prepared, self.prepared = self.prepared, None
        computed = None
        if prepared is not None and prepared.follow(ids[0] - 1, previous, len(ids)):
            computed = prepared.links()  # computed by a child from the same events, position and link
        if computed is not None:
            # The chain rows `chain_rows` gives, made in SQLite: the n-th link with the id and version of the event
            # at position ids[0] + n, just inserted (a UUID's hex text in both tables, `link_array`).
            array, last_link = computed
            c.execute(
                f"INSERT INTO {CHAIN_TABLE} SELECT e.rowid, e.originator_id, e.originator_version, j.value "
                f"FROM json_each(?) AS j JOIN {self.events_table_name} AS e ON e.rowid = ? + j.key ORDER BY j.key",
                (array, ids[0]),
            )
            c.execute("SELECT changes()")
            if int(c.fetchone()[0]) != len(ids):
                raise ProgrammingError("the links computed ahead do not match the inserted events")
        else:
            links = chain_rows(previous, ids, stored_events)
            c.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?, ?, ?)", links)
            last_link = links[-1][3]
        c.execute(advance_head_statement(HEAD_TABLE, "?"), (HEAD_NAME, ids[-1], last_link))
        return ids


def _event_rows(stored_events: Sequence[StoredEvent]) -> list[tuple[UUID | str, int, str, bytes]]:
    """Return the events table's rows of stored events (an aggregate's id as hex text, made once per run of it)."""
    rows: list[tuple[UUID | str, int, str, bytes]] = []
    append = rows.append
    last_id: object = None
    text_id: UUID | str = ""
    for stored in stored_events:
        originator_id = stored.originator_id
        if originator_id is not last_id:
            last_id = originator_id
            text_id = originator_id.hex if isinstance(originator_id, UUID) else originator_id
        append((text_id, stored.originator_version, stored.topic, stored.state))
    return rows
