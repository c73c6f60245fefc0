"""What both view backends do alike: store a run of changes and the position it reached, in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Generic, TypeVar

from eventsourcing.persistence import Tracking

from projections.fold import Changes
from projections.rows import TableRows

C = TypeVar("C")  # the backend's cursor


class CommitsWithTracking(Generic[C]):
    """Mixed into a tracking recorder that has `_advance` and `_write` for its own SQL dialect."""

    # Provided by the eventsourcing recorder and by the backend (annotations only: nothing here shadows them).
    _transaction: Callable[[bool], AbstractContextManager[C]]  # the datastore's transaction: commit or roll back
    _insert_tracking: Callable[[C, Tracking], None]
    _advance: Callable[[C, Tracking, int], None]
    _write: Callable[[C, Changes], None]
    _write_rows: Callable[[C, TableRows], None]

    def commit(self, changes: Changes, tracking: Tracking, start: int | None = None) -> None:
        """Store what a run of events changed and the position it reached, in one transaction.

        With `start`, the tables must still be at that position (another process may have moved them on
        meanwhile): else IntegrityError, and nothing is written.
        """
        with self._transaction(True) as c:
            if start is None:
                self._insert_tracking(c, tracking)
            else:
                self._advance(c, tracking, start)
            self._write(c, changes)

    def commit_rows(self, rows: TableRows, tracking: Tracking, start: int) -> None:
        """Store the rows a run of events changed, the counts' change and the position reached, in one transaction.

        The tables must still be at `start`: else IntegrityError, and nothing is written.
        """
        with self._transaction(True) as c:
            self._advance(c, tracking, start)
            self._write_rows(c, rows)
