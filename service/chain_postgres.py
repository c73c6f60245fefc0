"""The hash chain on PostgreSQL: eventsourcing's recorder, writing each link under the insert's table lock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

from service.chain import CHAIN_DDL, CHAIN_TABLE, GENESIS, chain_rows
from service.keys import postgres_key_tables


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    """Links are computed after the INSERT, in its transaction, while `LOCK TABLE … EXCLUSIVE` serialises writers."""

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        # The database-function insert path bypasses the hooks below; the chain needs them.
        self.datastore.enable_db_functions = False
        schema = Identifier(self.datastore.schema)
        self.chain_table = SQL("{0}.{1}").format(schema, Identifier(CHAIN_TABLE))
        self.sql_create_statements.append(
            SQL("CREATE TABLE IF NOT EXISTS {0} (" + CHAIN_DDL + ")").format(self.chain_table)
        )
        self.sql_create_statements += postgres_key_tables(self.datastore.schema)

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        assert ids is not None
        curs.execute(SQL("SELECT link FROM {0} ORDER BY notification_id DESC LIMIT 1").format(self.chain_table))
        row = curs.fetchone()
        previous = bytes.fromhex(row["link"]) if row else GENESIS
        rows = chain_rows(previous, ids, stored_events)
        curs.executemany(SQL("INSERT INTO {0} VALUES (%s, %s, %s, %s)").format(self.chain_table), rows)
        return ids
