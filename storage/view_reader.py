"""Read reports straight from the maintained tables, when they are caught up (the fast path).

Opening the store in full (`Tracker`) imports eventsourcing and the pydantic event classes and checks the log for
events the tables have not applied: ~0.3 s before the first row is read. A report needs none of it when the tables
are already at the end of the log. `open_caught_up` checks that with one query (the tables' tracking position vs
the log's last notification id, in the same read transaction as every later query) and returns a `ViewReader`,
or None when the full path is needed: tables behind the log, an encrypted store, a store that does not exist yet
or lacks a table. SQLite is read with sqlite3, PostgreSQL with psycopg. The reports themselves are built by the
same code as the full path's (`service.reports.Reports`), so the output is the same byte for byte.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.closing import YearClose
from domain.imported_reports import KEPT_KEYS, ImportedReport
from projections.agencies import AgencyFacts
from projections.rows import AGENCY_COLUMNS, CASE_COLUMNS, DbRow, agency_facts, case_facts
from service.logs import get_logger
from service.reports import Reports
from service.settings import PLACEHOLDER_AGENCY, Settings
from storage.upcasting import decode_state

if TYPE_CHECKING:
    import psycopg

    from projections.facts import CaseFacts

    # A plain DB-API connection to the store: sqlite3's, or psycopg's (rows as tuples).
    Connection = sqlite3.Connection | psycopg.Connection[tuple[Any, ...]]

log = get_logger("gongkai")
APP = "gongkai"  # storage/store.py: the application name, which names the tables and the tracking row
_RECODED_TOPIC = "domain.agency:Agency.Recoded"
_CLOSING_TOPICS = ("domain.agency:Agency.YearClosed", "domain.agency:Agency.YearReopened")
_IMPORTED_REPORT_TOPIC = "domain.agency:Agency.PreviousReportImported"
_CHANGED_TOPIC = "domain.agency:Agency.FiledMonthChanged"


class _FullPathNeeded(Exception):
    """The tables cannot be read directly: open the store in full."""


class TablesReader:
    """The read queries of storage/sqlite_view.py and postgres_view.py, on a plain DB-API connection."""

    def __init__(self, connection: Connection, *, schema: str | None = None) -> None:
        self.connection = connection
        self.prefix = f'"{schema.replace(chr(34), chr(34) * 2)}".' if schema else ""  # a quoted PostgreSQL schema
        self.mark = "%s" if schema else "?"

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[DbRow]:
        """Return the rows of a query; `{t}` stands for the tables' schema prefix, `?` for a parameter."""
        cursor = self.connection.execute(sql.replace("{t}", self.prefix).replace("?", self.mark), params)
        return list(cursor.fetchall())

    def agencies(self) -> list[AgencyFacts]:
        """Return every agency the store knows, by code."""
        return [
            agency_facts(row)
            for row in self.rows(f"SELECT {', '.join(AGENCY_COLUMNS)} FROM {{t}}gk_agencies ORDER BY agency")
        ]

    def cases(self, agency: str | None = None) -> list[CaseFacts]:
        """Return the cases whose application was not voided."""
        where, params = (" WHERE c.agency = ?", [agency]) if agency else ("", [])
        sql = (
            f"SELECT {', '.join('c.' + col for col in CASE_COLUMNS)} FROM {{t}}gk_cases c "
            "LEFT JOIN {t}gk_requests r ON r.agency = c.agency AND r.number = c.request"
            f"{where}{' AND' if where else ' WHERE'} COALESCE(r.voided, 0) = 0 ORDER BY c.agency, c.number"
        )
        return [case_facts(row) for row in self.rows(sql, params)]

    def month_counts(self, agency: str | None = None) -> dict[tuple[str, str, str], int]:
        """Return the monthly counts of one agency, or of all agencies summed."""
        where, params = (" WHERE agency = ?", [agency]) if agency else ("", [])
        sql = f'SELECT month, "row", col, CAST(SUM(n) AS BIGINT) FROM {{t}}gk_counts{where} GROUP BY month, "row", col'
        return {(m, r, c): n for m, r, c, n in self.rows(sql, params) if n}


@dataclass(frozen=True)
class _Layout:
    """Where eventsourcing keeps the log and the tables' position, on one backend."""

    events: str  # the log's table
    tracking: str  # the tables' position (eventsourcing's tracking table)
    last_id: str  # the log's last notification id
    begin: str  # a read transaction: one snapshot for every query
    errors: tuple[type[Exception], ...]  # why the full path is needed: the driver's errors (a missing table), …
    stored_id: Callable[[UUID], UUID | str]  # an aggregate id as the log's originator_id column holds it


class ViewReader(Reports):
    """A store's reports read from its tables, which were at the end of the log when it was opened."""

    view: TablesReader

    def __init__(self, settings: Settings, tables: TablesReader, layout: _Layout) -> None:
        self.settings, self.view, self.layout = settings, tables, layout
        self.closes = self._closes(layout, self.agency)
        self.imports = self._imported(layout, self.agency)

    def close(self) -> None:
        """End the read transaction and close the connection."""
        self.view.connection.close()

    def catch_up(self) -> int:
        """Apply nothing: the tables were caught up when the reader opened, and it reads that snapshot."""
        return 0

    def year_close(self, year: int) -> YearClose | None:
        """Return the close of a year by the agency commands act for, None while it is open."""
        return self.closes.get(year)

    def placeholder_code(self) -> str | None:
        """Return the real code the placeholder agency was given, from its `agency_recoded` events (the last wins)."""
        aggregate = uuid5(NAMESPACE_URL, f"gongkai:agency:{PLACEHOLDER_AGENCY}")  # domain.agency.agency_id
        rows = self.view.rows(
            f"SELECT state FROM {{t}}{self.layout.events} WHERE originator_id = ? AND topic = ? "
            "ORDER BY originator_version",
            [self.layout.stored_id(aggregate), _RECODED_TOPIC],
        )
        code: str | None = None
        for (state,) in rows:
            try:
                code = str(decode_state(_RECODED_TOPIC, state)["code"])
            except (ValueError, KeyError, TypeError, StopIteration):  # not plain JSON (compressed?): the mapper knows
                raise _FullPathNeeded("the agency's code event is not plain JSON") from None
        return code

    def imported_reports(self) -> dict[int, ImportedReport]:
        """Return the previous years' reports imported for the agency commands act for (the latest per year)."""
        return dict(self.imports)

    def _imported(self, layout: _Layout, agency: str) -> dict[int, ImportedReport]:
        """Fold the agency's previous_report_imported events, as the Agency aggregate does."""
        aggregate = uuid5(NAMESPACE_URL, f"gongkai:agency:{agency}")  # domain.agency.agency_id
        rows = self.view.rows(
            f"SELECT state FROM {{t}}{layout.events} WHERE originator_id = ? AND topic = ? ORDER BY originator_version",
            [layout.stored_id(aggregate), _IMPORTED_REPORT_TOPIC],
        )
        found: dict[int, ImportedReport] = {}
        for (state,) in rows:
            try:
                data = decode_state(_IMPORTED_REPORT_TOPIC, state)
                kept = {key: data[key] for key in KEPT_KEYS if data.get(key) is not None}
                recorded_on = dt.date.fromisoformat(data["date"])
                found[data["year"]] = ImportedReport(data["year"], recorded_on, data["source"], kept)
            except (ValueError, KeyError, TypeError, StopIteration):  # not plain JSON (compressed?): the mapper knows
                raise _FullPathNeeded("an imported report is not plain JSON") from None
        return found

    def needs_whole_store(self, month: str) -> bool:
        """Tell whether a change to the month was noticed after it was filed: its report says 更正 (service/filing.py).

        The agency's filings are read by the full path, which folds them as the Agency aggregate does.
        """
        aggregate = uuid5(NAMESPACE_URL, f"gongkai:agency:{self.agency}")  # domain.agency.agency_id
        rows = self.view.rows(
            f"SELECT state FROM {{t}}{self.layout.events} WHERE originator_id = ? AND topic = ?",
            [self.layout.stored_id(aggregate), _CHANGED_TOPIC],
        )
        for (state,) in rows:
            try:
                if decode_state(_CHANGED_TOPIC, state)["month"] == month:
                    return True
            except (ValueError, KeyError, TypeError, StopIteration):  # not plain JSON: the full path reads it
                return True
        return False

    def _closes(self, layout: _Layout, agency: str) -> dict[int, YearClose]:
        """Fold the agency's year_closed and year_reopened events, as the Agency aggregate does."""
        aggregate = uuid5(NAMESPACE_URL, f"gongkai:agency:{agency}")  # domain.agency.agency_id
        rows = self.view.rows(
            f"SELECT topic, state FROM {{t}}{layout.events} WHERE originator_id = ? AND topic IN (?, ?) "
            "ORDER BY originator_version",
            [layout.stored_id(aggregate), *_CLOSING_TOPICS],
        )
        closes: dict[int, YearClose] = {}
        for topic, state in rows:
            try:
                data = decode_state(topic, state)
                year = data["year"]
                if topic == _CLOSING_TOPICS[0]:
                    closed_on = dt.date.fromisoformat(data["date"])
                    closes[year] = YearClose(year, closed_on, data["sha256"], data["report"])
                else:
                    closes.pop(year, None)
            except (ValueError, KeyError, TypeError, StopIteration):  # not plain JSON (compressed?): the mapper knows
                raise _FullPathNeeded(f"a closing event of agency {agency} is not plain JSON") from None
        return closes


def open_caught_up(settings: Settings) -> ViewReader | None:
    """Return a reader of the store's tables if they can be read directly and are at the end of the log."""
    if settings.cipher_key or settings.cipher_key_file:
        return None  # events sealed: only the full path reads them
    opened = _connect_postgres(settings.db) if settings.is_postgres else _connect_sqlite(settings.db)
    if opened is None:
        return None
    tables, layout = opened
    try:
        tables.connection.execute(layout.begin)
        position, end = _positions(tables, layout)
        if position != end:
            log.debug("tables_behind", position=position, end=end)
            tables.connection.close()
            return None
        if tables.rows("SELECT 1 FROM {t}gk_meta WHERE name = ?", ["key_check"]):
            tables.connection.close()  # an encrypted store: the full path asks for its key
            return None
        reader = ViewReader(settings, tables, layout)
    except layout.errors as error:
        log.debug("tables_not_read_directly", reason=str(error))
        tables.connection.close()
        return None
    log.debug("reading_tables_directly", position=position)
    return reader


def _positions(tables: TablesReader, layout: _Layout) -> tuple[int, int]:
    """Return the tables' tracking position and the log's last notification id (0 for none)."""
    found = tables.rows(f"SELECT notification_id FROM {{t}}{layout.tracking} WHERE application_name = ?", [APP])
    ((end,),) = tables.rows(f"SELECT MAX({layout.last_id}) FROM {{t}}{layout.events}")
    return (found[0][0] if found else 0), (end or 0)


def _connect_sqlite(db: str) -> tuple[TablesReader, _Layout] | None:
    """Open a SQLite store read-only (a store not yet made is left for the full path to create)."""
    path = Path(db).expanduser()
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return None
    errors = (sqlite3.Error, _FullPathNeeded)
    return TablesReader(connection), _Layout("stored_events", "tracking", "rowid", "BEGIN", errors, lambda a: a.hex)


def _connect_postgres(url: str) -> tuple[TablesReader, _Layout] | None:
    """Connect as storage/store.py's settings for eventsourcing do (the same reading of the URL)."""
    import psycopg

    parts = urlsplit(url)
    query = dict(item.split("=", 1) for item in parts.query.split("&") if "=" in item)
    try:
        connection = psycopg.connect(
            dbname=unquote(parts.path.lstrip("/")) or "postgres",
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            autocommit=True,  # the read transaction is begun by hand, read-only, repeatable read
            connect_timeout=10,
        )
    except psycopg.Error:
        return None
    begin, errors = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", (psycopg.Error, _FullPathNeeded)
    layout = _Layout(f"{APP}_events", f"{APP}_tracking", "notification_id", begin, errors, lambda a: a)
    return TablesReader(connection, schema=query.get("schema") or "public"), layout


def application_numbers(settings: Settings, prefix: str, limit: int = 200) -> list[str]:
    """Return the stored application numbers that begin with `prefix` (for shell completion), read-only and cheap."""
    if settings.cipher_key or settings.cipher_key_file:
        return []
    opened = _connect_postgres(settings.db) if settings.is_postgres else _connect_sqlite(settings.db)
    if opened is None:
        return []
    tables, layout = opened
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    try:
        found = tables.rows(
            "SELECT DISTINCT number FROM {t}gk_requests WHERE number LIKE ? ESCAPE '\\' ORDER BY number LIMIT ?",
            [pattern, limit],
        )
    except layout.errors:
        return []
    finally:
        tables.connection.close()
    return [row[0] for row in found]
