"""The hash chain on PostgreSQL: eventsourcing's recorder, writing each link under the insert's table lock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import Cursor
from psycopg.sql import SQL, Identifier

from storage.chain import CHAIN_DDL, CHAIN_TABLE, GENESIS, chain_rows
from storage.keys import postgres_key_tables

if TYPE_CHECKING:
    from psycopg.rows import DictRow


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    """Links are computed after the INSERT, in its transaction, while `LOCK TABLE … EXCLUSIVE` serialises writers."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        # The database-function insert path bypasses the hooks below; the chain needs them.
        self.datastore.enable_db_functions = False
        schema = Identifier(self.datastore.schema)
        self.chain_table = SQL("{0}.{1}").format(schema, Identifier(CHAIN_TABLE))
        self.events_table = SQL("{0}.{1}").format(schema, Identifier(self.events_table_name))
        self.sql_create_statements.append(
            SQL("CREATE TABLE IF NOT EXISTS {0} (" + CHAIN_DDL + ")").format(self.chain_table)
        )
        self.sql_create_statements += postgres_key_tables(self.datastore.schema)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert events and their links with COPY, under eventsourcing's table lock, in one transaction.

        The lock serialises writers, so the notification ids the sequence gives the copied rows follow the
        last one before them, in the order copied: they are read back and checked against the rows.
        """
        if not stored_events or any(value is not None for value in kwargs.values()):  # e.g. a tracking record
            inserted: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return inserted
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            curs.execute(SQL("SELECT COALESCE(MAX(notification_id), 0) AS last FROM {0}").format(self.events_table))
            row = curs.fetchone()
            assert row is not None
            before = row["last"]
            columns = "(originator_id, originator_version, topic, state)"
            statement = SQL("COPY {0} " + columns + " FROM STDIN (FORMAT BINARY)").format(self.events_table)
            with curs.copy(statement) as copy:
                copy.set_types(["uuid", "int8", "text", "bytea"])
                for event in stored_events:
                    copy.write_row((event.originator_id, event.originator_version, event.topic, event.state))
            curs.execute(
                SQL("SELECT notification_id FROM {0} WHERE notification_id > %s ORDER BY notification_id").format(
                    self.events_table
                ),
                [before],
            )
            ids = [int(r["notification_id"]) for r in curs.fetchall()]
            if len(ids) != len(stored_events) or not all(self._holds(curs, ids[i], stored_events[i]) for i in (0, -1)):
                raise ProgrammingError("the copied events' notification ids do not follow the rows copied")
            self._insert_links(curs, ids, stored_events, copy=True)
        return ids

    def _holds(self, curs: Cursor[DictRow], notification_id: int, event: StoredEvent) -> bool:
        curs.execute(
            SQL("SELECT originator_id, originator_version FROM {0} WHERE notification_id = %s").format(
                self.events_table
            ),
            [notification_id],
        )
        row = curs.fetchone()
        return row is not None and (row["originator_id"], row["originator_version"]) == (
            event.originator_id,
            event.originator_version,
        )

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        assert ids is not None
        self._insert_links(curs, ids, stored_events, copy=False)  # in eventsourcing's pipeline: no COPY
        return ids

    def _insert_links(
        self, curs: Cursor[DictRow], ids: Sequence[int], stored_events: Sequence[StoredEvent], *, copy: bool
    ) -> None:
        curs.execute(SQL("SELECT link FROM {0} ORDER BY notification_id DESC LIMIT 1").format(self.chain_table))
        row = curs.fetchone()
        previous = bytes.fromhex(row["link"]) if row else GENESIS
        rows = chain_rows(previous, ids, stored_events)
        if not copy:
            curs.executemany(SQL("INSERT INTO {0} VALUES (%s, %s, %s, %s)").format(self.chain_table), rows)
            return
        with curs.copy(SQL("COPY {0} FROM STDIN (FORMAT BINARY)").format(self.chain_table)) as writer:
            writer.set_types(["int8", "text", "int8", "text"])
            for chained in rows:
                writer.write_row(chained)
