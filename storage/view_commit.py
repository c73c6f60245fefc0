"""What both view backends do alike: store a run of changes and the position it reached, in one transaction."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from projections.fold import Changes
from projections.rows import TableRows


class CommitsWithTracking:
    """Mixed into a tracking recorder that has `_advance` and `_write` for its own SQL dialect."""

    # Provided by the eventsourcing recorder and by the backend (annotations only: nothing here shadows them).
    datastore: Any
    _insert_tracking: Any
    _advance: Any
    _write: Any
    _write_rows: Any

    def commit(self, changes: Changes, tracking: Tracking, start: int | None = None) -> None:
        """Store what a run of events changed and the position it reached, in one transaction.

        With `start`, the tables must still be at that position (another process may have moved them on
        meanwhile): else IntegrityError, and nothing is written.
        """
        with self.datastore.transaction(commit=True) as c:
            if start is None:
                self._insert_tracking(c, tracking)
            else:
                self._advance(c, tracking, start)
            self._write(c, changes)

    def commit_rows(self, rows: TableRows, tracking: Tracking, start: int) -> None:
        """Store the rows a run of events changed, the counts' change and the position reached, in one transaction.

        The tables must still be at `start`: else IntegrityError, and nothing is written.
        """
        with self.datastore.transaction(commit=True) as c:
            self._advance(c, tracking, start)
            self._write_rows(c, rows)
