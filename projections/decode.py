"""Decode stored events for the fold: `json.loads` + the few fields the fold reads, no pydantic (fast path).

The fold (projections/fold.py) reads only an event's name and family, agency, date, key
(request or case) and the fields its class's `changes` read (domain/request.py, appeal.py, agency.py). A `Slim`
event carries exactly those, as the JSON holds them (the folds take a date field's ISO text as its date, a code's
text as the code). A store whose states are encrypted or compressed, or whose personal fields are sealed, is
decoded by its mapper instead.
Plain states are decoded by `storage.upcasting.decode_state`, which upcasts an event stored by an older version
of its class.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator, Sequence
from sys import intern
from typing import TYPE_CHECKING, Any, Protocol, cast

from eventsourcing.persistence import MapperDeserialisationError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import resolve_topic

from domain.agency import AGENCY_EVENT_CLASSES, Agency
from domain.appeal import CASE_EVENT_CLASSES, AppealCase
from domain.request import EVENT_CLASSES, Request
from storage.upcasting import decode_state

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.persistence import ApplicationRecorder, Mapper

    from storage.protocols import EventStore

REQUEST, CASE, AGENCY, CALENDAR = "request", "case", "agency", "calendar"
# The event fields the folds read: the keys, and every source of a change (the event classes' `changes`).
_OPTIONAL = tuple(
    sorted(
        {"request", "case"}
        | {
            change.source
            for classes in (EVENT_CLASSES, CASE_EVENT_CLASSES, AGENCY_EVENT_CLASSES)
            for cls in classes.values()
            for change in cls.changes
            if change.source not in (None, "date", "agency")
        }
    )
)


class FoldEvent(Protocol):
    """What every fold reads of an event: a domain event, or a `Slim` one read from plain JSON.

    Its key is the field named as its family (`request`, `case`); the fields its class's `changes` read are
    attributes too.
    """

    @property
    def name(self) -> str: ...
    @property
    def agency(self) -> str: ...
    @property
    def date(self) -> dt.date: ...


def family_of(cls: type) -> str:
    """Return which aggregate an event class belongs to: request, case, agency or calendar."""
    if issubclass(cls, Request.Event):
        return REQUEST
    if issubclass(cls, AppealCase.Event):
        return CASE
    if issubclass(cls, Agency.Event):
        return AGENCY
    from domain.calendar_years import CalendarYears  # the working-day calendar: imported for its events only

    if issubclass(cls, CalendarYears.Event):
        return CALENDAR
    raise TypeError(f"unknown event {cls.__qualname__}")


class Slim:
    """The part of a stored event the fold reads."""

    __slots__ = ("name", "family", "agency", "date", *_OPTIONAL)

    def __init__(self, name: str, family: str, data: dict[str, Any], day: dt.date) -> None:
        get = data.get
        # codes repeat across hundreds of thousands of facts: share one string each
        self.name, self.family, self.agency, self.date = name, family, intern(data["agency"]), day
        for field in _OPTIONAL:
            setattr(self, field, get(field))


_DATES: dict[str, dt.date] = {}  # a year of business dates is a few hundred strings: parse each once, share it
KNOWN_TOPICS: dict[str, tuple[str, str]] = {}  # topic → (event name, family), filled by topic_kind


def topic_kind(topic: str) -> tuple[str, str]:
    """Return the event name and family of a stored topic (resolved once per topic)."""
    known = KNOWN_TOPICS.get(topic)
    if known is None:
        cls = resolve_topic(topic)
        known = KNOWN_TOPICS[topic] = (cls.name, family_of(cls))
    return known


def fast(mapper: Mapper[UUID]) -> bool:
    """Tell whether the mapper stores plain JSON, so `decode` may skip it."""
    return not (mapper.cipher or mapper.compressor or getattr(mapper, "fields", None))


def slim(stored: StoredEvent) -> Slim:
    """Return the fold's view of one plain-JSON stored event."""
    return _slim(stored.topic, stored.state)


def _slim(topic: str, state: bytes) -> Slim:
    name, family = topic_kind(topic)
    try:
        data = decode_state(topic, state)
        text = data["date"]
        day = _DATES.get(text)
        if day is None:
            day = _DATES[text] = dt.date.fromisoformat(text)
        return Slim(name, family, data, day)
    except (ValueError, KeyError, TypeError, StopIteration) as error:
        raise MapperDeserialisationError(f"stored event ({topic}) cannot be read: {error!r}") from error


def decode(mapper: Mapper[UUID], notes: Sequence[StoredEvent]) -> list[FoldEvent]:
    """Return the events of stored ones for the fold: slim ones when the store is plain JSON, else the mapper's."""
    if fast(mapper):
        return [slim(note) for note in notes]
    # every stored topic is one of gongkai's event classes (a DomainEvent, which is a FoldEvent)
    return cast("list[FoldEvent]", [mapper.to_domain_event(note) for note in notes])


def plain_pages(app: EventStore, start: int, limit: int) -> Iterator[tuple[int, list[tuple[int, str, bytes]]]]:
    """Yield (last position, (position, topic, state) of each event) for each page of the log after `start`.

    SQLite and PostgreSQL are read with one narrow query per page (position, topic, state), not through the
    recorder's notifications (no `Notification` or `UUID` per event); other stores page with `select_notifications`.
    """
    recorder = app.recorder
    read = _narrow_reader(recorder)
    if read is not None:
        while rows := read(start, limit):
            start = rows[-1][0]
            yield start, rows
        return
    while notes := recorder.select_notifications(start=start, limit=limit, inclusive_of_start=False):
        start = notes[-1].id
        yield start, [(note.id, note.topic, note.state) for note in notes]


def _narrow_reader(recorder: ApplicationRecorder) -> Callable[[int, int], list[tuple[int, str, bytes]]] | None:
    """Return a reader of one page of (position, topic, state) after a position, for SQLite and PostgreSQL."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        sql = f"SELECT rowid, topic, state FROM {recorder.events_table_name} WHERE rowid>? ORDER BY rowid LIMIT ?"

        def read_sqlite(start: int, limit: int) -> list[tuple[int, str, bytes]]:
            with recorder.datastore.transaction(commit=False) as c:
                c.sqlite_cursor.row_factory = None  # plain tuples, not sqlite3.Row
                c.execute(sql, (start, limit))
                return list(c.fetchall())

        return read_sqlite
    postgres = sys.modules.get("eventsourcing.postgres")  # imported only when the store is PostgreSQL
    if postgres is not None and isinstance(recorder, postgres.PostgresApplicationRecorder):
        from psycopg.rows import tuple_row
        from psycopg.sql import SQL, Identifier

        statement = SQL(
            "SELECT notification_id, topic, state FROM {}.{} "
            "WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
        ).format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))

        def read_postgres(start: int, limit: int) -> list[tuple[int, str, bytes]]:
            with recorder.datastore.transaction(commit=False) as c:
                c.row_factory = tuple_row
                c.execute(statement, [start, limit])
                return list(c.fetchall())

        return read_postgres
    return None


def pages(app: EventStore, start: int, limit: int) -> Iterator[tuple[int, int, list[FoldEvent]]]:
    """Yield (last position, how many, events for the fold) for each page of the log after `start`.

    A plain-JSON store is read as (topic, state) pairs and decoded slim; other stores page with
    `select_notifications` and their mapper.
    """
    if fast(app.mapper):
        for position, rows in plain_pages(app, start, limit):
            yield position, len(rows), [_slim(topic, state) for _, topic, state in rows]
        return
    recorder = app.recorder
    while notes := recorder.select_notifications(start=start, limit=limit, inclusive_of_start=False):
        start = notes[-1].id
        yield start, len(notes), decode(app.mapper, notes)
