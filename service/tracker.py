"""The use cases a clerk's commands call: record, report, replay, look up."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, OperationalError, Tracking

from domain.agency import agency_id
from domain.appeal import AppealCase, case_id
from domain.book import Aggregate, Book, Loader
from domain.closing import YearClose
from domain.errors import InvalidInputError, Problem, RefusedError, UnknownRequestError
from domain.filing import FilingChanges
from domain.imported_reports import ImportedReport
from domain.lines import Line
from domain.messages import zh_en
from domain.request import Request, request_id
from projections.facts import RequestFacts
from projections.runner import Progress, begin_fold, catch_up, fold_saved
from service.loaded_book import BookOptions, LoadedBook, with_meanwhile
from service.logs import get_logger
from service.reports import Reports
from service.settings import Settings
from storage.chain import TABLES_WITNESS, ChainedSQLiteRecorder, LogCutError
from storage.concurrency import (
    ATTEMPTS,
    TURN_LINES,
    is_busy,
    is_conflict,
    pause,
    retrying,
    writer_turn,
)
from storage.existing import existing_ids
from storage.store import encode_events, open_store, save_stored

if TYPE_CHECKING:
    from domain.event import AggregateEvent
    from projections.replay import Rebuilt
    from storage.protocols import MaintainedView
    from storage.store import GongkaiApplication

log = get_logger("gongkai")
SAVE_BATCH = 100_000  # events per transaction when saving many: each commit waits for the disk (fsync)
ASIDE_EVENTS = 20_000  # from this many events in a batch, a forked child folds them while this process saves


@dataclass(frozen=True)
class Recorded:
    """What a batch of lines did: lines recorded, lines the store already held."""

    recorded: int
    already: int
    changed_filings: tuple[FilingChanges, ...] = ()  # filed months whose figures these lines changed (a warning)


class Tracker(Reports):
    """The store of one office (or a district), opened from the settings."""

    app: GongkaiApplication
    view: MaintainedView

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # The command line's rule (docs/command-line.md): an agency the store does not hold is added only by a line that
        # names it; a line naming none is then refused, as on a store of several agencies when none is named.
        # Use cases called in-process keep the settings' agency.
        self.lines_must_name_new_agency = False
        from storage.keys import master_key

        key = master_key(settings.cipher_key, settings.cipher_key_file)
        self.app, self.view = open_store(settings.db, key=key)

    def close(self) -> None:
        """Release the store's connections."""
        self.app.close()
        self.view.datastore.close()

    def placeholder_code(self) -> str | None:
        """Return the real code the placeholder agency was given (`agency-code`), None if it has none."""
        from domain.agency import Agency
        from service.settings import PLACEHOLDER_AGENCY

        found = self._load(agency_id(PLACEHOLDER_AGENCY))
        return found.recoded_as if isinstance(found, Agency) else None

    def year_close(self, year: int) -> YearClose | None:
        """Return the close of a year by the agency commands act for (its Agency aggregate), None while open."""
        from service.closing import agency_book

        book = agency_book(self)
        return book.closed_years.get(year) if book else None

    def imported_reports(self) -> dict[int, ImportedReport]:
        """Return the previous years' reports imported for the agency commands act for (its Agency aggregate)."""
        from service.closing import agency_book

        book = agency_book(self)
        return dict(book.imported_reports) if book else {}

    # -- recording --------------------------------------------------------------------------------

    def _load(self, aggregate_id: UUID) -> Aggregate | None:
        try:
            found: Aggregate = self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found

    def check(self, lines: Sequence[tuple[int, Line]], problems: list[Problem]) -> LoadedBook:
        """Apply numbered lines to a book in memory; append a message for every refused one."""
        agency = self.agency
        load: Loader
        if self.app.recorder.max_notification_id():
            absent = _named_ids(lines, agency)
            absent -= existing_ids(self.app.recorder, absent)  # one query, not one failed load per new application
            load = lambda aggregate_id: None if aggregate_id in absent else self._load(aggregate_id)  # noqa: E731
        else:  # an empty log (a store's first import): nothing is stored yet, so nothing named needs looking up
            load = lambda aggregate_id: None  # noqa: E731
        book = LoadedBook(load, **self.book_options())
        self.check_more(book, lines, problems)
        return book

    def book_for_empty_store(self) -> LoadedBook | None:
        """Return a book to check lines in parts as they are read, if the log is empty (nothing to look up)."""
        if self.app.recorder.max_notification_id():
            return None
        return LoadedBook(lambda aggregate_id: None, **self.book_options())

    def book_options(self) -> BookOptions:
        """Return what a book needs from the settings: today, the agency (and whether it is held), the clerk."""
        stored = {real: stored for stored, real in self.aliases().items()}
        return BookOptions(
            today=self.settings.today,
            agency=self.agency,
            clerk=self.settings.clerk,
            unheld_agency=self._unheld_agency() if self.lines_must_name_new_agency else None,
            stored_codes=stored,
        )

    def _unheld_agency(self) -> tuple[str, str] | None:
        """Say why a line naming no agency cannot take the default one, and what to do; None when it can."""
        from service.settings import PLACEHOLDER_AGENCY

        named = self.settings.agency
        held = {a.agency for a in self.view.agencies()}
        if named and named != PLACEHOLDER_AGENCY and not self.holds(named):
            return (
                f"本存储没有机关 {named}，这一行也没有写明机关 / the store holds no agency {named} and this line "
                "names none",
                f'在这一行写明 "agency"，或先用 `gongkai --agency {named} agency-name 机关名称` 新增机关 / '
                "name the agency on the line, or add it first with `agency-name`",
            )
        if not named and len(held) > 1 and PLACEHOLDER_AGENCY not in held:
            codes = "、".join(self.held_codes())
            return (
                f"本存储有多个机关（{codes}），没有指明是哪一个 / the store holds several agencies ({codes}) and "
                "none was named",
                '请用 --agency 或 GONGKAI_AGENCY 指明，或在这一行写明 "agency" / name it with --agency or on the line',
            )
        return None

    def check_more(self, book: LoadedBook, lines: Iterable[tuple[int, Line]], problems: list[Problem]) -> None:
        """Apply further numbered lines to a book; append a message for every refused one."""
        for number, line in lines:
            try:
                book.record(line)
            except RefusedError as error:
                problems.append(Problem(number, error.field, error.message))

    def record(
        self, lines: Sequence[tuple[int, Line]], progress: Progress | None = None, *, checked: LoadedBook | None = None
    ) -> Recorded:
        """Record lines all or nothing: if any is bad, raise InvalidInputError and write nothing.

        Another clerk may save the same application first: the lines are then applied again to the
        aggregates as they are now (bounded, with backoff). Only a line the change made impossible is
        refused, saying what was recorded meanwhile and by whom.
        """
        first: LoadedBook | None = None
        for attempt in range(ATTEMPTS):
            problems: list[Problem] = []
            book = checked if checked is not None and attempt == 0 else self.check(lines, problems)
            if problems:
                raise InvalidInputError(with_meanwhile(problems, first, book))
            first = first or book
            try:
                with self._writer_turn(len(lines), attempt):
                    if attempt and checked is None:  # loaded again while holding the turn: nobody writes meanwhile
                        book = self.check(lines, problems)
                        if problems:
                            raise InvalidInputError(with_meanwhile(problems, first, book))
                    self._save_all(book, progress)
            except (IntegrityError, OperationalError) as error:
                if not (is_conflict(error) or is_busy(error)) or attempt == ATTEMPTS - 1:
                    raise
                log.info("retrying", reason=str(error), attempt=attempt + 1)
                pause(attempt)
                continue
            self.catch_up()
            return Recorded(book.recorded, book.already, self._note_changed_filings(book))
        raise AssertionError("unreachable")

    def _note_changed_filings(self, book: LoadedBook) -> tuple[FilingChanges, ...]:
        """Record and return the changes the lines made to filed months (docs/tables.md: a filed month stays true)."""
        if not book.recorded:
            return ()
        from service.filing import note_changed_filings

        return tuple(note_changed_filings(self, book))

    def _writer_turn(self, lines: int, attempt: int) -> contextlib.AbstractContextManager[object]:
        """Return a turn among clerks retrying on one SQLite file (a lock file beside it); elsewhere, nothing.

        SQLite's busy handler is not fair: a clerk who loaded an application and then waits for the write lock
        finds it changed again and again. A clerk who lost once therefore loads and saves holding the turn.
        """
        if attempt == 0 or self.settings.is_postgres or lines > TURN_LINES:
            return contextlib.nullcontext()
        return writer_turn(Path(self.settings.db).expanduser().with_name(Path(self.settings.db).name + ".lock"))

    def save(self, book: Book, progress: Progress | None = None) -> int:
        """Save a checked book in batches (an aggregate's new events never split), then update the tables."""
        saved = self._save_all(book, progress)
        self.catch_up()
        return saved

    def _save_all(self, book: Book, progress: Progress | None = None) -> int:
        self.check_tables_within_log()
        batch: list[Aggregate] = []
        size = saved = 0
        for aggregate in book.changed():
            batch.append(aggregate)
            size += len(aggregate.pending_events)
            if size >= SAVE_BATCH:
                saved += self._save(batch, size, progress)
                batch, size = [], 0
        if batch:
            saved += self._save(batch, size, progress)
        return saved

    def _save(self, batch: list[Aggregate], size: int, progress: Progress | None) -> int:
        # The tables fold the events just saved when they stand right before them (else the catch-up does).
        # gongkai's aggregates record only its own events (AggregateEvent): eventsourcing types them by its base
        events = cast("list[AggregateEvent]", [event for aggregate in batch for event in aggregate.collect_events()])
        stored = encode_events(self.app, events)
        # A large batch is folded into rows by a child process while this one saves it (the second core).
        # The same child first computes the batch's chain links, as if it followed the log's end now.
        aside = size >= ASIDE_EVENTS
        recorder = self.app.recorder
        chain_from = recorder.chain_end() if aside and isinstance(recorder, ChainedSQLiteRecorder) else None
        begun = begin_fold(self.app, self.view, events, stored, aside=aside, chain_from=chain_from)
        try:
            ids = save_stored(self.app, stored, begun.links if begun is not None else None)
            folded = fold_saved(self.app, self.view, events, ids, stored, begun)
        finally:
            if begun is not None:
                begun.rows.close()
        log.debug("saved", aggregates=len(batch), events=size, folded=folded)
        if progress:
            progress(size)
        return size

    def check_tables_within_log(self) -> None:
        """Refuse to go on when the tables have applied events the log no longer holds (it was cut at its tail).

        Otherwise the next events would take the freed positions, which the tables count as already applied.
        """
        position = self.view.max_tracking_id(self.app.name) or 0
        if position:
            end = self.app.recorder.max_notification_id() or 0
            if position > end:
                raise LogCutError(position, end, TABLES_WITNESS)

    def catch_up(self, progress: Progress | None = None) -> int:
        """Bring the maintained tables up to the end of the log (another process may be doing the same)."""
        self.check_tables_within_log()
        return retrying(
            lambda: catch_up(self.app, self.view, progress), retry_on=lambda e: is_busy(e) or is_conflict(e)
        )

    # -- reading ----------------------------------------------------------------------------------

    def request(self, number: str) -> Request:
        """Return an application with its whole history (the number as an import line would read it: NFKC)."""
        from domain.hygiene import clean_identifier

        try:
            clean = clean_identifier(number)
        except ValueError as error:
            raise InvalidInputError([f"REQUEST 受理编号 {number!r}: {error}"]) from None
        found = self._load(request_id(self.agency, clean))
        if found is None and clean != number:  # recorded as typed before numbers were normalised: still shown
            found = self._load(request_id(self.agency, number))
        if not isinstance(found, Request):
            raise UnknownRequestError(
                f"申请 {number}",
                zh_en(
                    "没有这个受理编号的申请",
                    f"no application with this number in agency {self.display_code(self.agency)}",
                ),
                zh_en(
                    "请核对受理编号（gongkai list 列出在办申请）", "check the number (`gongkai list` lists open ones)"
                ),
            )
        return found

    def cases_of(self, number: str) -> list[AppealCase]:
        """Return the appeal cases against an application."""
        cases = [c for c in self.view.cases(self.agency) if c.request == number]
        return [c for c in (self._load(case_id(self.agency, f.number)) for f in cases) if isinstance(c, AppealCase)]

    def open_requests(self) -> list[RequestFacts]:
        """Return the open applications of the agency, oldest first."""
        return list(self.view.requests(self.agency, open_only=True))

    def replay(self, progress: Progress | None = None) -> tuple[Rebuilt, list[str]]:
        """Rebuild every table from an empty state, compare with the maintained ones, and replace them unless equal."""
        from projections.replay import compare, rebuild  # only the replay needs them: clerk commands start faster

        self.catch_up()
        rebuilt = rebuild(self.app, progress)
        verdict = compare(self.view, rebuilt, self.app.name)
        if verdict.rewrite:  # rows the same to the letter, and the same position, are left as they are
            tracking = Tracking(self.app.name, rebuilt.position) if rebuilt.position else None
            self.view.replace_all(rebuilt.rows, tracking)
        log.info("replayed", events=rebuilt.events, agree=not verdict.found, rewritten=verdict.rewrite)
        return rebuilt, verdict.found

    def counts(self) -> dict[str, int]:
        """Return how many events, applications, cases and agencies the store holds."""
        requests = self.view.requests()
        return {
            "events": self.app.recorder.max_notification_id() or 0,
            "applications": len(requests),
            "open": sum(1 for r in requests if r.closed is None and not r.voided),
            "cases": len(self.view.cases()),
            "agencies": len(self.view.agencies()),
        }


def _named_ids(lines: Sequence[tuple[int, Line]], agency: str) -> set[UUID]:
    """Return the aggregate ids the lines name: their applications, cases and agencies."""
    codes: set[str] = set()
    requests: set[tuple[str, str]] = set()
    cases: set[tuple[str, str]] = set()
    for _, line in lines:  # distinct names first: an id is a hash, and most lines name an application named before
        code = line.agency or agency
        codes.add(code)
        fields = line.fields
        if number := fields.get("request"):
            requests.add((code, number))
        if number := fields.get("case"):
            cases.add((code, number))
    ids: set[UUID] = {agency_id(code) for code in codes}
    ids.update(request_id(code, number) for code, number in requests)
    ids.update(case_id(code, number) for code, number in cases)
    return ids


def open_tracker(settings: Settings) -> Tracker:
    """Open the store the settings name."""
    return Tracker(settings)


Opener = Callable[[Settings], Tracker]
