"""The maintained tables in PostgreSQL, in the store's schema, with tracking in the same transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, cast

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Cursor

if TYPE_CHECKING:
    import datetime as dt

    from psycopg.rows import DictRow, TupleRow
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from projections.agencies import AgencyFacts
from projections.facts import CaseFacts, CountKey, RequestFacts
from projections.fold import Changes, Key
from projections.rows import (
    AGENCY_COLUMNS,
    CASE_COLUMNS,
    REQUEST_COLUMNS,
    TABLES,
    Row,
    TableRows,
    agency_facts,
    agency_row,
    case_facts,
    case_row,
    request_facts,
    request_row,
)
from storage.view_commit import CommitsWithTracking

COUNT_COLUMNS = ("agency", "month", "row", "col", "n")
# Keys of each table: the leading columns of its row encoding.
KEYS = {"gk_requests": 2, "gk_cases": 2, "gk_agencies": 1, "gk_counts": 4}


def _ddl(definition: str) -> str:
    """Return a shared table definition in PostgreSQL: byte-order text (as SQLite sorts) and 64-bit counts."""
    return definition.replace("TEXT", 'TEXT COLLATE "C"').replace("n INTEGER", "n BIGINT")


def _names(columns: Sequence[str], prefix: str = "") -> Composed:
    return SQL(", ").join(SQL(prefix) + Identifier(c) for c in columns)


class PostgresView(CommitsWithTracking["Cursor[DictRow]"], PostgresTrackingRecorder):
    def _transaction(self, commit: bool) -> AbstractContextManager[Cursor[DictRow]]:
        return self.datastore.transaction(commit=commit)

    """Facts per application, case and agency, and monthly counts, maintained event by event."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        for name, definition in TABLES.items():
            self.sql_create_statements.append(
                SQL("CREATE TABLE IF NOT EXISTS {}.{} (" + _ddl(definition) + ")").format(
                    Identifier(self.datastore.schema), Identifier(name)
                )
            )
        self.sql_create_statements.append(
            SQL("CREATE INDEX IF NOT EXISTS gk_requests_open ON {}.{} (agency, state)").format(
                Identifier(self.datastore.schema), Identifier("gk_requests")
            )
        )

    def _table(self, name: str) -> Composed:
        return SQL("{}.{}").format(Identifier(self.datastore.schema), Identifier(name))

    # -- reading ---------------------------------------------------------------------------------

    def _select(self, statement: SQL | Composed, params: Sequence[object] = ()) -> list[TupleRow]:
        with self.datastore.transaction(commit=False) as c:
            cursor = cast("Cursor[TupleRow]", c)  # the same cursor, reading tuples from here on
            cursor.row_factory = tuple_row
            cursor.execute(statement, params)
            return list(cursor.fetchall())

    def _load(self, keys: set[Key], table: str, columns: tuple[str, ...]) -> list[TupleRow]:
        if not keys:
            return []
        agencies, numbers = zip(*keys, strict=True)
        statement = SQL(
            "SELECT {} FROM {} WHERE (agency, number) IN (SELECT * FROM unnest(%s::text[], %s::text[]))"
        ).format(_names(columns), self._table(table))
        return self._select(statement, [list(agencies), list(numbers)])

    def load_requests(self, keys: set[Key]) -> dict[Key, RequestFacts]:
        """Return the stored facts of the given applications."""
        return {(r[0], r[1]): request_facts(r) for r in self._load(keys, "gk_requests", REQUEST_COLUMNS)}

    def load_cases(self, keys: set[Key]) -> dict[Key, CaseFacts]:
        """Return the stored facts of the given cases."""
        return {(r[0], r[1]): case_facts(r) for r in self._load(keys, "gk_cases", CASE_COLUMNS)}

    def load_agencies(self, codes: set[str]) -> dict[str, AgencyFacts]:
        """Return the stored facts of the given agencies."""
        return {a.agency: a for a in self.agencies() if a.agency in codes}

    def agencies(self) -> list[AgencyFacts]:
        """Return every agency the store knows, by code."""
        statement = SQL("SELECT {} FROM {} ORDER BY agency").format(_names(AGENCY_COLUMNS), self._table("gk_agencies"))
        return [agency_facts(row) for row in self._select(statement)]

    def requests(
        self, agency: str | None = None, *, open_only: bool = False, not_closed_before: dt.date | None = None
    ) -> list[RequestFacts]:
        """Return applications' facts, by agency and number (`not_closed_before`: none closed before that day)."""
        where, params = self._agency_filter(agency)
        open_filter = SQL((" AND " if params else " WHERE ") + "closed IS NULL AND voided = 0" if open_only else "")
        since = SQL("")
        if not_closed_before is not None:
            since = SQL((" AND " if params or open_only else " WHERE ") + "(closed IS NULL OR closed >= %s)")
            params.append(not_closed_before.isoformat())
        statement = SQL("SELECT {} FROM {}{}{}{} ORDER BY agency, received, number").format(
            _names(REQUEST_COLUMNS), self._table("gk_requests"), where, open_filter, since
        )
        return [request_facts(row) for row in self._select(statement, params)]

    def cases(self, agency: str | None = None) -> list[CaseFacts]:
        """Return the cases whose application was not voided."""
        where, params = self._agency_filter(agency, "c.")
        statement = SQL(
            "SELECT {} FROM {} c LEFT JOIN {} r ON r.agency = c.agency AND r.number = c.request"
            "{}{} COALESCE(r.voided, 0) = 0 ORDER BY c.agency, c.number"
        ).format(
            _names(CASE_COLUMNS, "c."),
            self._table("gk_cases"),
            self._table("gk_requests"),
            where,
            SQL(" AND" if params else " WHERE"),
        )
        return [case_facts(row) for row in self._select(statement, params)]

    def table_rows(self, table: str) -> Iterator[list[Row]]:
        """Yield every stored row of a view table as tuples, a few thousand at a time (a replay compares them all)."""
        columns = {"gk_requests": REQUEST_COLUMNS, "gk_cases": CASE_COLUMNS, "gk_agencies": AGENCY_COLUMNS}[table]
        statement = SQL("SELECT {} FROM {} c").format(_names(columns, "c."), self._table(table))
        if table == "gk_cases":  # the cases of voided applications are in no table
            statement += SQL(
                " LEFT JOIN {} r ON r.agency = c.agency AND r.number = c.request WHERE COALESCE(r.voided, 0) = 0"
            ).format(self._table("gk_requests"))
        with (
            self.datastore.transaction(commit=False) as c,
            c.connection.cursor("gk_table_rows", row_factory=tuple_row) as rows,  # server side: streamed
        ):
            rows.execute(statement)
            while page := rows.fetchmany(5000):
                yield page

    def month_counts(self, agency: str | None = None) -> dict[tuple[str, str, str], int]:
        """Return the monthly counts of one agency, or of all agencies summed."""
        where, params = self._agency_filter(agency)
        statement = SQL('SELECT month, "row", col, SUM(n)::bigint FROM {}{} GROUP BY month, "row", col').format(
            self._table("gk_counts"), where
        )
        return {(m, r, c): n for m, r, c, n in self._select(statement, params) if n}

    def all_counts(self) -> dict[CountKey, int]:
        """Return every stored count, for comparison with a replay."""
        statement = SQL("SELECT {} FROM {}").format(_names(COUNT_COLUMNS), self._table("gk_counts"))
        return {(a, m, r, c): n for a, m, r, c, n in self._select(statement)}

    @staticmethod
    def _agency_filter(agency: str | None, prefix: str = "") -> tuple[SQL, list[str]]:
        return (SQL(" WHERE " + prefix + "agency = %s"), [agency]) if agency else (SQL(""), [])

    # -- writing ---------------------------------------------------------------------------------

    def _advance(self, c: Cursor[DictRow], tracking: Tracking, start: int) -> None:
        """Move the position from `start` to the tracking's, or raise IntegrityError if it is elsewhere now."""
        table = self._table(self.tracking_table_name)
        if start:
            statement = SQL(
                "UPDATE {} SET notification_id = %s WHERE application_name = %s AND notification_id = %s "
                "RETURNING notification_id"
            ).format(table)
            c.execute(statement, [tracking.notification_id, tracking.application_name, start])
        else:
            statement = SQL(
                "INSERT INTO {} (application_name, notification_id) VALUES (%s, %s) "
                "ON CONFLICT (application_name) DO NOTHING RETURNING notification_id"
            ).format(table)
            c.execute(statement, [tracking.application_name, tracking.notification_id])
        if c.fetchone() is None:
            raise IntegrityError(f"the tables moved on from position {start} meanwhile (another process)")

    def replace_all(self, rows: TableRows, tracking: Tracking | None) -> None:
        """Replace every view table by a replay's rows, in one transaction."""
        with self.datastore.transaction(commit=True) as c:
            for table in TABLES:
                c.execute(SQL("DELETE FROM {}").format(self._table(table)))
            c.execute(
                SQL("DELETE FROM {} WHERE application_name <> %s").format(self._table(self.tracking_table_name)),
                [self.table_migration_identifier],
            )
            if tracking is not None:
                self._insert_tracking(c, tracking)
            self._copy(c, "gk_requests", REQUEST_COLUMNS, rows.requests.values())
            self._copy(c, "gk_cases", CASE_COLUMNS, rows.cases.values())
            self._copy(c, "gk_agencies", AGENCY_COLUMNS, rows.agencies.values())
            self._copy(c, "gk_counts", COUNT_COLUMNS, ((*key, n) for key, n in rows.counts.items() if n))

    def _copy(self, c: Cursor[DictRow], table: str, columns: Sequence[str], rows: Iterable[tuple[object, ...]]) -> None:
        """Fill an empty table with COPY, PostgreSQL's bulk path."""
        statement = SQL("COPY {} ({}) FROM STDIN").format(self._table(table), _names(columns))
        with c.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def _write(self, c: Cursor[DictRow], changes: Changes) -> None:
        requests = [request_row(f) for f in changes.requests.values() if f is not None]
        self._upsert(c, "gk_requests", REQUEST_COLUMNS, requests)
        cases = [case_row(f) for f in changes.cases.values() if f is not None]
        self._upsert(c, "gk_cases", CASE_COLUMNS, cases)
        self._upsert(c, "gk_agencies", AGENCY_COLUMNS, [agency_row(f) for f in changes.agencies.values()])
        self._add_counts(c, changes.counts)

    def _write_rows(self, c: Cursor[DictRow], rows: TableRows) -> None:
        self._upsert(c, "gk_requests", REQUEST_COLUMNS, list(rows.requests.values()))
        self._upsert(c, "gk_cases", CASE_COLUMNS, list(rows.cases.values()))
        self._upsert(c, "gk_agencies", AGENCY_COLUMNS, list(rows.agencies.values()))
        self._add_counts(c, rows.counts)

    def _upsert(
        self, c: Cursor[DictRow], table: str, columns: Sequence[str], rows: Sequence[tuple[object, ...]]
    ) -> None:
        if not rows:
            return
        keys = KEYS[table]
        statement = SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}").format(
            self._table(table),
            _names(columns),
            SQL(", ").join(SQL("%s") for _ in columns),
            _names(columns[:keys]),
            SQL(", ").join(SQL("{0} = EXCLUDED.{0}").format(Identifier(col)) for col in columns[keys:]),
        )
        c.executemany(statement, rows)

    def _add_counts(self, c: Cursor[DictRow], counts: Counter[CountKey]) -> None:
        rows = [(*key, n) for key, n in counts.items() if n]
        if not rows:
            return
        table = self._table("gk_counts")
        statement = SQL(
            'INSERT INTO {} AS t (agency, month, "row", col, n) VALUES (%s, %s, %s, %s, %s) '
            'ON CONFLICT (agency, month, "row", col) DO UPDATE SET n = t.n + EXCLUDED.n'
        ).format(table)
        c.executemany(statement, rows)
        c.execute(SQL("DELETE FROM {} WHERE n = 0").format(table))
