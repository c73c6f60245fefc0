"""Ask the event log once which of many aggregates exist, instead of one failed load per new application."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

CHUNK = 500  # ids per query: under SQLite's limit of bound parameters


def existing_ids(recorder: Any, ids: Iterable[UUID]) -> set[UUID]:
    """Return the ids among `ids` that have at least one stored event."""
    wanted = list(dict.fromkeys(ids))
    found: set[UUID] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(_sqlite(recorder, chunk) if _is_sqlite(recorder) else _postgres(recorder, chunk))
    return found


def _is_sqlite(recorder: Any) -> bool:
    from eventsourcing.sqlite import SQLiteDatastore

    return isinstance(recorder.datastore, SQLiteDatastore)


def _sqlite(recorder: Any, ids: list[UUID]) -> set[UUID]:
    marks = ", ".join("?" * len(ids))
    sql = f"SELECT DISTINCT originator_id FROM {recorder.events_table_name} WHERE originator_id IN ({marks})"
    with recorder.datastore.transaction(commit=False) as c:
        c.execute(sql, [i.hex for i in ids])
        return {UUID(row[0]) for row in c.fetchall()}


def _postgres(recorder: Any, ids: list[UUID]) -> set[UUID]:
    from psycopg.sql import SQL, Identifier

    statement = SQL("SELECT DISTINCT originator_id FROM {}.{} WHERE originator_id = ANY(%s::uuid[])").format(
        Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name)
    )
    with recorder.datastore.transaction(commit=False) as c:
        c.execute(statement, [ids])
        return {UUID(str(row["originator_id"])) for row in c.fetchall()}
