"""The maintained tables in SQLite, beside the events, with tracking in the same transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, TypeVar

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.sqlite import SQLiteCursor, SQLiteTrackingRecorder

from projections.agencies import AgencyFacts
from projections.facts import CaseFacts, CountKey, RequestFacts
from projections.fold import Changes, Key
from projections.rows import (
    AGENCY_COLUMNS,
    CASE_COLUMNS,
    REQUEST_COLUMNS,
    TABLES,
    R,
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

if TYPE_CHECKING:
    import datetime as dt
    import sqlite3

F = TypeVar("F")  # the facts a row is read into

# Every stored row of a table, as a replay compares them (the cases of voided applications are in no table).
ROWS_SQL = {
    "gk_requests": f"SELECT {', '.join(REQUEST_COLUMNS)} FROM gk_requests",
    "gk_cases": (
        f"SELECT {', '.join('c.' + col for col in CASE_COLUMNS)} FROM gk_cases c "
        "LEFT JOIN gk_requests r ON r.agency = c.agency AND r.number = c.request WHERE COALESCE(r.voided, 0) = 0"
    ),
    "gk_agencies": f"SELECT {', '.join(AGENCY_COLUMNS)} FROM gk_agencies",
}


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _upsert(table: str, columns: tuple[str, ...], keys: int) -> str:
    marks = ", ".join("?" * len(columns))
    updates = ", ".join(f"{c}=excluded.{c}" for c in columns[keys:])
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT DO UPDATE SET {updates}"


class SQLiteView(CommitsWithTracking[SQLiteCursor], SQLiteTrackingRecorder):
    def _transaction(self, commit: bool) -> AbstractContextManager[SQLiteCursor]:
        return self.datastore.transaction(commit=commit)

    """Facts per application, case and agency, and monthly counts, maintained event by event."""

    def construct_create_table_statements(self) -> list[str]:
        """Add the view's tables to the tracking table."""
        statements = super().construct_create_table_statements()
        statements += [f"CREATE TABLE IF NOT EXISTS {name} ({ddl}) WITHOUT ROWID" for name, ddl in TABLES.items()]
        statements.append("CREATE INDEX IF NOT EXISTS gk_requests_open ON gk_requests (agency, state)")
        return statements

    # -- reading ---------------------------------------------------------------------------------

    def _select(self, sql: str, params: Iterable[object] = ()) -> list[sqlite3.Row]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql, list(params))
            return list(c.fetchall())

    def load_requests(self, keys: set[Key]) -> dict[Key, RequestFacts]:
        """Return the stored facts of the given applications."""
        return self._load(keys, "gk_requests", REQUEST_COLUMNS, request_facts)

    def load_cases(self, keys: set[Key]) -> dict[Key, CaseFacts]:
        """Return the stored facts of the given cases."""
        return self._load(keys, "gk_cases", CASE_COLUMNS, case_facts)

    def _load(self, keys: set[Key], table: str, columns: tuple[str, ...], make: Callable[[R], F]) -> dict[Key, F]:
        found: dict[Key, F] = {}
        sql = f"SELECT {', '.join(columns)} FROM {table} WHERE agency = ? AND number = ?"
        with self.datastore.transaction(commit=False) as c:
            for key in keys:
                c.execute(sql, key)
                row = c.fetchone()
                if row is not None:
                    found[key] = make(tuple(row))
        return found

    def load_agencies(self, codes: set[str]) -> dict[str, AgencyFacts]:
        """Return the stored facts of the given agencies."""
        return {a.agency: a for a in self.agencies() if a.agency in codes}

    def agencies(self) -> list[AgencyFacts]:
        """Return every agency the store knows, by code."""
        rows = self._select(f"SELECT {', '.join(AGENCY_COLUMNS)} FROM gk_agencies ORDER BY agency")
        return [agency_facts(tuple(row)) for row in rows]

    def requests(
        self, agency: str | None = None, *, open_only: bool = False, not_closed_before: dt.date | None = None
    ) -> list[RequestFacts]:
        """Return applications' facts, by agency and number (`not_closed_before`: none closed before that day)."""
        where, params = self._agency_filter(agency)
        if open_only:
            where += (" AND " if where else " WHERE ") + "closed IS NULL AND voided = 0"
        if not_closed_before is not None:
            where += (" AND " if where else " WHERE ") + "(closed IS NULL OR closed >= ?)"
            params.append(not_closed_before.isoformat())
        sql = f"SELECT {', '.join(REQUEST_COLUMNS)} FROM gk_requests{where} ORDER BY agency, received, number"
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql, params)
            facts: list[RequestFacts] = []
            while (row := c.fetchone()) is not None:  # row by row: a store may hold a great many
                facts.append(request_facts(tuple(row)))
            return facts

    def cases(self, agency: str | None = None) -> list[CaseFacts]:
        """Return the cases whose application was not voided."""
        where, params = self._agency_filter(agency, "c.")
        sql = (
            f"SELECT {', '.join('c.' + col for col in CASE_COLUMNS)} FROM gk_cases c "
            "LEFT JOIN gk_requests r ON r.agency = c.agency AND r.number = c.request"
            f"{where}{' AND' if where else ' WHERE'} COALESCE(r.voided, 0) = 0 ORDER BY c.agency, c.number"
        )
        return [case_facts(tuple(row)) for row in self._select(sql, params)]

    def table_rows(self, table: str) -> Iterator[list[Row]]:
        """Yield every stored row of a view table as tuples, a few thousand at a time (a replay compares them all)."""
        with self.datastore.transaction(commit=False) as c:
            c.sqlite_cursor.row_factory = None  # plain tuples, as the rows a replay builds
            c.execute(ROWS_SQL[table])
            while rows := c.sqlite_cursor.fetchmany(5000):
                yield rows

    def month_counts(self, agency: str | None = None) -> dict[tuple[str, str, str], int]:
        """Return the monthly counts of one agency, or of all agencies summed."""
        where, params = self._agency_filter(agency)
        sql = f"SELECT month, row, col, SUM(n) FROM gk_counts{where} GROUP BY month, row, col"
        return {(m, r, c): n for m, r, c, n in self._select(sql, params) if n}

    def all_counts(self) -> dict[CountKey, int]:
        """Return every stored count, for comparison with a replay."""
        return {(a, m, r, c): n for a, m, r, c, n in self._select("SELECT agency, month, row, col, n FROM gk_counts")}

    @staticmethod
    def _agency_filter(agency: str | None, prefix: str = "") -> tuple[str, list[str]]:
        return (f" WHERE {prefix}agency = ?", [agency]) if agency else ("", [])

    # -- writing ---------------------------------------------------------------------------------

    @staticmethod
    def _advance(c: SQLiteCursor, tracking: Tracking, start: int) -> None:
        """Move the position from `start` to the tracking's, or raise IntegrityError if it is elsewhere now."""
        if start:
            c.execute(
                "UPDATE tracking SET notification_id = ? WHERE application_name = ? AND notification_id = ? "
                "RETURNING notification_id",
                (tracking.notification_id, tracking.application_name, start),
            )
        else:
            c.execute(
                "INSERT INTO tracking (application_name, notification_id) VALUES (?, ?) "
                "ON CONFLICT (application_name) DO NOTHING RETURNING notification_id",
                (tracking.application_name, tracking.notification_id),
            )
        if c.fetchone() is None:
            raise IntegrityError(f"the tables moved on from position {start} meanwhile (another process)")

    def replace_all(self, rows: TableRows, tracking: Tracking | None) -> None:
        """Replace every view table by a replay's rows, in one transaction."""
        with self.datastore.transaction(commit=True) as c:
            for table in TABLES:
                c.execute(f"DELETE FROM {table}")
            c.execute("DELETE FROM tracking WHERE application_name <> ?", (self.table_migration_identifier,))
            if tracking is not None:
                self._insert_tracking(c, tracking)
            c.executemany(_insert("gk_requests", REQUEST_COLUMNS), rows.requests.values())
            c.executemany(_insert("gk_cases", CASE_COLUMNS), rows.cases.values())
            c.executemany(_insert("gk_agencies", AGENCY_COLUMNS), rows.agencies.values())
            counts = ((*key, n) for key, n in rows.counts.items() if n)
            c.executemany(_insert("gk_counts", ("agency", "month", "row", "col", "n")), counts)

    def _write(self, c: SQLiteCursor, changes: Changes) -> None:
        requests = (request_row(f) for f in changes.requests.values() if f is not None)
        c.executemany(_upsert("gk_requests", REQUEST_COLUMNS, 2), requests)
        cases = (case_row(f) for f in changes.cases.values() if f is not None)
        c.executemany(_upsert("gk_cases", CASE_COLUMNS, 2), cases)
        c.executemany(_upsert("gk_agencies", AGENCY_COLUMNS, 1), [agency_row(f) for f in changes.agencies.values()])
        self._add_counts(c, changes.counts)

    def _write_rows(self, c: SQLiteCursor, rows: TableRows) -> None:
        c.executemany(_upsert("gk_requests", REQUEST_COLUMNS, 2), rows.requests.values())
        c.executemany(_upsert("gk_cases", CASE_COLUMNS, 2), rows.cases.values())
        c.executemany(_upsert("gk_agencies", AGENCY_COLUMNS, 1), rows.agencies.values())
        self._add_counts(c, rows.counts)

    @staticmethod
    def _add_counts(c: SQLiteCursor, counts: Counter[CountKey]) -> None:
        rows = [(*key, n) for key, n in counts.items() if n]
        c.executemany(
            "INSERT INTO gk_counts (agency, month, row, col, n) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT DO UPDATE SET n = n + excluded.n",
            rows,
        )
        c.execute("DELETE FROM gk_counts WHERE n = 0")
