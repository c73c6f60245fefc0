"""Read reports straight from the maintained tables of a SQLite store, when they are caught up (the fast path).

Opening the store in full (`Tracker`) imports eventsourcing and the pydantic event classes and checks the log for
events the tables have not applied: ~0.3 s before the first row is read. A report needs none of it when the tables
are already at the end of the log. `open_caught_up` checks that with one query (the tables' tracking position vs
the log's last notification id, in the same read transaction as every later query) and returns a `ViewReader`,
or None when the full path is needed: tables behind the log, an encrypted store, a PostgreSQL store, a store that
does not exist yet or lacks a table. The reports themselves are built by the same code as the full path's
(`service.reports.Reports`), so the output is the same byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain.closing import YearClose
from projections.agencies import AgencyFacts
from projections.rows import AGENCY_COLUMNS, CASE_COLUMNS, agency_facts, case_facts
from service.logs import get_logger
from service.reports import Reports
from service.settings import Settings

log = get_logger("gongkai")
APPLICATION_NAME = "gongkai"  # service/store.py: the tracking row of the tables
_CLOSING_TOPICS = ("domain.agency:Agency.YearClosed", "domain.agency:Agency.YearReopened")


class _FullPathNeeded(Exception):
    """The tables cannot be read directly: open the store in full."""


class TablesReader:
    """The read queries of projections/sqlite_view.py, on a plain sqlite3 connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def agencies(self) -> list[AgencyFacts]:
        """Return every agency the store knows, by code."""
        sql = f"SELECT {', '.join(AGENCY_COLUMNS)} FROM gk_agencies ORDER BY agency"
        return [agency_facts(row) for row in self.connection.execute(sql)]

    def cases(self, agency: str | None = None) -> list[Any]:
        """Return the cases whose application was not voided."""
        where, params = (" WHERE c.agency = ?", [agency]) if agency else ("", [])
        sql = (
            f"SELECT {', '.join('c.' + col for col in CASE_COLUMNS)} FROM gk_cases c "
            "LEFT JOIN gk_requests r ON r.agency = c.agency AND r.number = c.request"
            f"{where}{' AND' if where else ' WHERE'} COALESCE(r.voided, 0) = 0 ORDER BY c.agency, c.number"
        )
        return [case_facts(row) for row in self.connection.execute(sql, params)]

    def month_counts(self, agency: str | None = None) -> dict[tuple[str, str, str], int]:
        """Return the monthly counts of one agency, or of all agencies summed."""
        where, params = (" WHERE agency = ?", [agency]) if agency else ("", [])
        sql = f"SELECT month, row, col, SUM(n) FROM gk_counts{where} GROUP BY month, row, col"
        return {(m, r, c): n for m, r, c, n in self.connection.execute(sql, params) if n}


class ViewReader(Reports):
    """A store's reports read from its tables, which were at the end of the log when it was opened."""

    def __init__(self, settings: Settings, connection: sqlite3.Connection) -> None:
        self.settings, self.connection = settings, connection
        self.view = TablesReader(connection)
        self.closes = self._closes(self.agency)

    def close(self) -> None:
        """End the read transaction and close the connection."""
        self.connection.close()

    def catch_up(self) -> int:
        """Apply nothing: the tables were caught up when the reader opened, and it reads that snapshot."""
        return 0

    def year_close(self, year: int) -> YearClose | None:
        """Return the close of a year by the agency commands act for, None while it is open."""
        return self.closes.get(year)

    def _closes(self, agency: str) -> dict[int, YearClose]:
        """Fold the agency's year_closed and year_reopened events, as the Agency aggregate does."""
        aggregate = uuid5(NAMESPACE_URL, f"gongkai:agency:{agency}").hex  # domain.agency.agency_id, stored as hex
        rows = self.connection.execute(
            "SELECT topic, state FROM stored_events WHERE originator_id = ? AND topic IN (?, ?) "
            "ORDER BY originator_version",
            [aggregate, *_CLOSING_TOPICS],
        )
        closes: dict[int, YearClose] = {}
        for topic, state in rows:
            try:
                data = json.loads(state)
                year = data["year"]
                if topic == _CLOSING_TOPICS[0]:
                    closed_on = dt.date.fromisoformat(data["date"])
                    closes[year] = YearClose(year, closed_on, data["sha256"], data["report"])
                else:
                    closes.pop(year, None)
            except (ValueError, KeyError, TypeError):  # not plain JSON (compressed?): the mapper knows
                raise _FullPathNeeded(f"a closing event of agency {agency} is not plain JSON") from None
        return closes


def open_caught_up(settings: Settings) -> ViewReader | None:
    """Return a reader of the store's tables if they can be read directly and are at the end of the log."""
    if settings.is_postgres or settings.cipher_key or settings.cipher_key_file:
        return None
    path = Path(settings.db).expanduser()
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        connection.execute("BEGIN")  # one snapshot for the position check and every read after it
        position, end = _positions(connection)
        if position != end:
            log.debug("tables_behind", position=position, end=end)
            connection.close()
            return None
        if connection.execute("SELECT 1 FROM gk_meta WHERE name = 'key_check'").fetchone():
            connection.close()  # encrypted: the full path asks for the key
            return None
        reader = ViewReader(settings, connection)
    except (sqlite3.Error, _FullPathNeeded) as error:
        log.debug("tables_not_read_directly", reason=str(error))
        connection.close()
        return None
    log.debug("reading_tables_directly", position=position)
    return reader


def _positions(connection: sqlite3.Connection) -> tuple[int, int]:
    """Return the tables' tracking position and the log's last notification id (0 for none)."""
    row = connection.execute(
        "SELECT notification_id FROM tracking WHERE application_name = ?", [APPLICATION_NAME]
    ).fetchone()
    (end,) = connection.execute("SELECT MAX(rowid) FROM stored_events").fetchone()
    return (row[0] if row else 0), (end or 0)
