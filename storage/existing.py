"""Ask the event log once which of many aggregates exist, instead of one failed load per new application."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from eventsourcing.persistence import ApplicationRecorder
    from eventsourcing.postgres import PostgresDatastore
    from eventsourcing.sqlite import SQLiteDatastore

CHUNK = 500  # ids per query: under SQLite's limit of bound parameters


def existing_ids(recorder: ApplicationRecorder, ids: Iterable[UUID]) -> set[UUID]:
    """Return the ids among `ids` that have at least one stored event."""
    from eventsourcing.sqlite import SQLiteDatastore

    from storage.store import datastore_of

    datastore, table = datastore_of(recorder), _events_table(recorder)
    wanted = list(dict.fromkeys(ids))
    found: set[UUID] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        if isinstance(datastore, SQLiteDatastore):
            found.update(_sqlite(datastore, table, chunk))
        else:
            found.update(_postgres(datastore, table, chunk))
    return found


def _events_table(recorder: ApplicationRecorder) -> str:
    table = getattr(recorder, "events_table_name", None)
    assert isinstance(table, str), f"a recorder without an events table: {recorder!r}"
    return table


def _sqlite(datastore: SQLiteDatastore, table: str, ids: list[UUID]) -> set[UUID]:
    marks = ", ".join("?" * len(ids))
    sql = f"SELECT DISTINCT originator_id FROM {table} WHERE originator_id IN ({marks})"
    with datastore.transaction(commit=False) as c:
        c.execute(sql, [i.hex for i in ids])
        return {UUID(row[0]) for row in c.fetchall()}


def _postgres(datastore: PostgresDatastore, table: str, ids: list[UUID]) -> set[UUID]:
    from psycopg.sql import SQL, Identifier

    statement = SQL("SELECT DISTINCT originator_id FROM {}.{} WHERE originator_id = ANY(%s::uuid[])").format(
        Identifier(datastore.schema), Identifier(table)
    )
    with datastore.transaction(commit=False) as c:
        c.execute(statement, [ids])
        return {UUID(str(row["originator_id"])) for row in c.fetchall()}
