"""The seams between the layers, as typing Protocols: the event store, the maintained view, and what reports read.

Imported only under `TYPE_CHECKING` by the modules that name them (a clerk command's start-up imports nothing more):

- `EventStore`: the log, as eventsourcing's `Application` offers it (storage/store.py `GongkaiApplication`);
- `ReportView`: the three read queries a report needs (the maintained views, and storage/view_reader.py's
  `TablesReader`, which reads the same tables straight from a DB-API connection);
- `MaintainedView`: a view the runner folds events into and the replay rewrites (storage/sqlite_view.py
  `SQLiteView`, storage/postgres_view.py `PostgresView`).

The tracker and the reports are the classes `service.tracker.Tracker` and `service.reports.Reports` (whose other
implementation is `storage.view_reader.ViewReader`). An event as the folds read it is `projections.decode.FoldEvent`,
a report `projections.tables.ReportJson`, a view table's row `projections.rows.Row`; tests/unit/test_module_shape.py
keeps `Any` off the seams.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

if TYPE_CHECKING:
    import datetime as dt

    from eventsourcing.application import Repository
    from eventsourcing.persistence import ApplicationRecorder, Mapper, Tracking
    from eventsourcing.postgres import PostgresDatastore
    from eventsourcing.sqlite import SQLiteDatastore

    from projections.agencies import AgencyFacts
    from projections.facts import CaseFacts, CountKey, RequestFacts
    from projections.rows import Row, TableRows
    from projections.runner import View

    # Where a store's tables are: a transaction gives a cursor; SQL is written once with the marker of each.
    Datastore = SQLiteDatastore | PostgresDatastore


class EventStore(Protocol):
    """The event log of one store: its name, recorder (the table of stored events), mapper and repository."""

    @property
    def name(self) -> str: ...
    @property
    def recorder(self) -> ApplicationRecorder: ...
    @property
    def mapper(self) -> Mapper[UUID]: ...
    @property
    def repository(self) -> Repository[UUID]: ...
    def close(self) -> None: ...


class ReportView(Protocol):
    """What a report reads: the agencies, the cases and the monthly counts of one agency (or of all)."""

    def agencies(self) -> list[AgencyFacts]: ...
    def cases(self, agency: str | None = None) -> list[CaseFacts]: ...
    def month_counts(self, agency: str | None = None) -> dict[tuple[str, str, str], int]: ...


class Closable(Protocol):
    """A datastore whose connections can be released."""

    def close(self) -> None: ...


class MaintainedView(ReportView, View, Protocol):
    """The tables kept up to date with the log: folded into by the runner, read by reports, rewritten by a replay."""

    @property
    def datastore(self) -> Closable: ...
    def requests(
        self, agency: str | None = None, *, open_only: bool = False, not_closed_before: dt.date | None = None
    ) -> list[RequestFacts]: ...
    def all_counts(self) -> dict[CountKey, int]: ...
    def table_rows(self, table: str) -> Iterator[list[Row]]: ...
    def replace_all(self, rows: TableRows, tracking: Tracking | None) -> None: ...
