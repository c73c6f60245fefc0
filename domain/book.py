"""Apply event lines to the aggregates they name: the refusals, the defaults, and re-import without doubles.

Pure: aggregates come from a loader passed in, and today's date (to refuse future dates) is an argument.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.agency import AGENCY_EVENT_CLASSES, Agency, agency_id
from domain.appeal import CASE_EVENT_CLASSES, AppealCase, case_id
from domain.checked_events import build_event
from domain.errors import ClosedYearError, RefusedError, UnknownAgencyError, UnknownRequestError
from domain.event import AggregateEvent
from domain.footprint import Counted, changed_years
from domain.labels import step_label
from domain.lines import Line
from domain.messages import zh_en
from domain.request import EVENT_CLASSES, Request, request_id

Aggregate = Request | AppealCase | Agency
Loader = Callable[[UUID], Aggregate | None]


class Book:
    """The aggregates touched by a batch of lines, changed in memory until the caller saves them."""

    def __init__(
        self,
        load: Loader,
        *,
        today: dt.date,
        agency: str,
        clerk: str,
        unheld_agency: tuple[str, str] | None = None,
        stored_codes: dict[str, str] | None = None,
    ) -> None:
        self._load, self.today, self.agency, self.clerk = load, today, agency, clerk
        # A line that names no agency takes `agency`; when the store does not hold it, only a line naming its
        # agency may add one (docs/command-line.md): `unheld_agency` then says why and what to do, and such a line is
        # refused. `stored_codes`: a real code -> the placeholder its events carry.
        self.unheld_agency, self.stored_codes = unheld_agency, stored_codes or {}
        self._aggregates: dict[UUID, Aggregate | None] = {}
        self._stored_versions: dict[UUID, int] = {}
        self._seen: Counter[tuple[UUID, str]] = Counter()
        self.recorded = 0  # lines recorded in this book
        self.already = 0  # lines the store already held

    def get(self, aggregate_id: UUID) -> Aggregate | None:
        """Return an aggregate as changed so far, loading it once."""
        try:
            return self._aggregates[aggregate_id]  # one lookup when loaded: hashing a UUID is not free
        except KeyError:
            pass
        aggregate = self._load(aggregate_id)
        self._aggregates[aggregate_id] = aggregate
        self._stored_versions[aggregate_id] = aggregate.version if aggregate else 0
        return aggregate

    def changed(self) -> Iterator[Aggregate]:
        """Yield the aggregates with events not yet saved."""
        for aggregate in self._aggregates.values():
            if aggregate is not None and aggregate.pending_events:
                yield aggregate

    def agencies(self) -> list[Agency]:
        """Return the agencies the book holds (every line's agency is loaded: the closed-year check reads it)."""
        return [a for a in self._aggregates.values() if isinstance(a, Agency)]

    def touched(self) -> Iterator[tuple[Request | AppealCase, int]]:
        """Yield each application and case the lines changed, with its version as stored before them (0: new).

        Saved or not: its history holds the events before the lines (the first `version`) and those after.
        """
        for aggregate_id, aggregate in self._aggregates.items():
            if isinstance(aggregate, Request | AppealCase):
                stored = self._stored_versions.get(aggregate_id, 0)
                if aggregate.version > stored:
                    yield aggregate, stored

    def record(self, line: Line) -> bool:
        """Apply one line; return False when the store already holds it. Raise RefusedError if impossible."""
        if line.date > self.today:
            raise RefusedError(
                _subject(line),
                zh_en(
                    f"{step_label(line.event)}日期 {line.date} 是将来的日期（今天是 {self.today}）",
                    f"{line.event} is dated {line.date}, in the future (today is {self.today})",
                ),
                "",
                "date",
            )
        if line.agency is None and self.unheld_agency is not None:
            raise UnknownAgencyError(_subject(line), *self.unheld_agency, "agency")
        agency = (self.stored_codes.get(line.agency, line.agency) if line.agency else None) or self.agency
        clerk = line.clerk or self.clerk
        if line.event in EVENT_CLASSES:
            recorded = self._record_request(line, agency, clerk)
        elif line.event in CASE_EVENT_CLASSES:
            recorded = self._record_case(line, agency, clerk)
        else:
            recorded = self._record_agency(line, agency, clerk)
        self.recorded += recorded
        self.already += not recorded
        return recorded

    def _already(self, aggregate: Aggregate, line: Line, fields: dict[str, Any]) -> bool:
        """Tell whether this line repeats a fact stored before (the n-th repeat matches the n-th fact)."""
        stored = self._stored_versions[aggregate.id]
        if not stored:
            return False  # nothing stored before this book: every line is new (the usual case of a bulk import)
        key = json.dumps([line.event, line.date.isoformat(), fields], sort_keys=True, ensure_ascii=False)
        self._seen[(aggregate.id, key)] += 1
        held = sum(1 for event in aggregate.history[:stored] if event.same_fact(line.event, line.date, fields))
        return held >= self._seen[(aggregate.id, key)]

    def shown_code(self, agency: str) -> str:
        """Return the code a reader sees for an agency: the real code its placeholder was given, else the code."""
        book = self.get(agency_id(agency))
        return book.shown_code if isinstance(book, Agency) else agency

    def _record_request(self, line: Line, agency: str, clerk: str) -> bool:
        number = line.fields["request"]
        event_class = EVENT_CLASSES[line.event]
        aggregate_id = request_id(agency, number)
        request = self.get(aggregate_id)
        if request is None:
            if line.event != "received":
                shown = self.shown_code(agency)
                raise UnknownRequestError(
                    f"申请 {number}",
                    zh_en(
                        f"机关 {shown} 没有收到过受理编号为 {number} 的申请，不能记录{step_label(line.event)}",
                        f"{line.event} for an application that has not been received (agency {shown})",
                    ),
                    zh_en(
                        f"请核对受理编号，或先用 gongkai receive {number} … 登记收到申请",
                        f"check the number, or first record it with `gongkai receive {number} …`",
                    ),
                    "request",
                )
            self.check_open_year(line, agency)
            request = created(
                Request, Request.Received, aggregate_id, date=line.date, agency=agency, clerk=clerk, **line.fields
            )
            self._aggregates[aggregate_id] = request
            return True
        assert isinstance(request, Request)
        fields = request.prepare(line.event, line.fields)
        if self._already(request, line, fields):
            return False
        if line.event == "registered" and request.registered == line.date:
            return False  # 报备 is once: the same date again, even within one file, is "already recorded"
        self.check_open_year(line, agency, request, fields)
        request.check_step(line.event, line.date)
        request.check_fields(line.event, line.date, fields)
        trigger(request, event_class, date=line.date, agency=agency, clerk=clerk, **fields)
        return True

    def _record_case(self, line: Line, agency: str, clerk: str) -> bool:
        number = line.fields["case"]
        aggregate_id = case_id(agency, number)
        case = self.get(aggregate_id)
        if case is None:
            if line.event != "appealed":
                raise UnknownRequestError(
                    f"案件 {number}",
                    zh_en(
                        f"没有案号为 {number} 的复议/诉讼案件，不能记录{step_label(line.event)}",
                        f"{line.event} for a case that has not been appealed",
                    ),
                    zh_en(
                        f"请核对案号，或先用 gongkai appeal 申请号 --case {number} … 登记该案件",
                        f"check the case number, or first record it with `gongkai appeal NUMBER --case {number} …`",
                    ),
                    "case",
                )
            self._check_appealed_request(line, agency)
            self.check_open_year(line, agency)
            case = created(
                AppealCase, AppealCase.Appealed, aggregate_id, date=line.date, agency=agency, clerk=clerk, **line.fields
            )
            self._aggregates[aggregate_id] = case
            return True
        assert isinstance(case, AppealCase)
        if self._already(case, line, line.fields):
            return False
        self.check_open_year(line, agency)
        case.check_step(line.event, line.date)
        trigger(case, CASE_EVENT_CLASSES[line.event], date=line.date, agency=agency, clerk=clerk, **line.fields)
        return True

    def _check_appealed_request(self, line: Line, agency: str) -> None:
        number = line.fields["request"]
        request = self.get(request_id(agency, number))
        if request is None:
            raise UnknownRequestError(
                f"案件 {line.case}",
                zh_en(
                    f"复议/诉讼针对的申请 {number} 尚未登记收到",
                    f"appealed against application {number}, which has not been received",
                ),
                zh_en("请核对受理编号", "check the application number"),
                "request",
            )
        assert isinstance(request, Request)
        if line.date < request.received:
            raise RefusedError(
                f"案件 {line.case}",
                zh_en(
                    f"复议/诉讼日期 {line.date} 早于申请 {number} 的收到日期 {request.received}",
                    f"appealed on {line.date}, before application {number} was received on {request.received}",
                ),
                zh_en("请核对日期", "check the date"),
                "date",
            )

    def _record_agency(self, line: Line, agency: str, clerk: str) -> bool:
        aggregate_id = agency_id(agency)
        book = self.get(aggregate_id)
        if book is None:
            book = created(Agency, Agency.Opened, aggregate_id, date=line.date, agency=agency, clerk=clerk)
            self._aggregates[aggregate_id] = book
        assert isinstance(book, Agency)
        if self._already(book, line, line.fields) or book.already_true(line.event, line.fields):
            return False
        if line.event not in ("year_closed", "year_reopened"):  # those two have their own rules
            self.check_open_year(line, agency)
        book.check_step(line.event, line.date, line.fields)
        trigger(book, AGENCY_EVENT_CLASSES[line.event], date=line.date, agency=agency, clerk=clerk, **line.fields)
        return True

    def check_open_year(
        self, line: Line, agency: str, request: Request | None = None, fields: dict[str, Any] | None = None
    ) -> None:
        """Refuse a step dated in a closed year, or one that would change a closed year's tables (年度结账)."""
        book = self.get(agency_id(agency))
        closed = book.closed_years if isinstance(book, Agency) else {}
        if not closed:
            return
        years = [line.date.year] if line.date.year in closed else []
        if not years and request is not None:
            before = Counted(
                request.received,
                request.closed,
                str(request.applicant_type),
                str(request.outcome) if request.outcome else None,
                request.voided is not None,
            )
            years = changed_years(before, line.event, fields or line.fields, set(closed), date=line.date)
        if years:
            close = closed[years[0]]
            what = f"is dated {line.date}, in" if line.date.year == years[0] else "would change the tables of"
            what_zh = f"日期 {line.date} 在" if line.date.year == years[0] else "会改变"
            raise ClosedYearError(
                _subject(line),
                zh_en(
                    f"{step_label(line.event)}{what_zh}已结账的 {years[0]} 年度报表（结账日 {close.closed_on}，"
                    f"报表 sha256 {close.sha256[:12]}…）",
                    f"{line.event} {what} {years[0]}, a closed year (closed on {close.closed_on}, "
                    f"tables sha256 {close.sha256[:12]}…)",
                ),
                zh_en(
                    f"如需更改，请先 gongkai reopen-year {years[0]} --reason …（记入历史），"
                    f"改完后再 gongkai close-year {years[0]}",
                    f"to change it, first `gongkai reopen-year {years[0]} --reason …` (recorded in the history), "
                    f"then close it again with `gongkai close-year {years[0]}`",
                ),
                "date" if line.date.year == years[0] else "event",
            )


_TOPICS: dict[type, str] = {}
A = TypeVar("A", Request, AppealCase, Agency)


def created(cls: type[A], event_class: type[AggregateEvent], aggregate_id: UUID, **fields: Any) -> A:
    """Return a new aggregate holding its first event: what eventsourcing's `_create` does for gongkai's aggregates.

    Without the steps they do not use (an explicit TOPIC, an id factory, arguments to `__init__`): a bulk import
    creates tens of thousands. The aggregate's state is the same (tests/unit/test_book_events.py).
    """
    topic = _TOPICS.get(cls) or _TOPICS.setdefault(cls, get_topic(cls))
    event = build_event(
        event_class,
        {
            "originator_id": aggregate_id,
            "originator_version": cls.INITIAL_VERSION,
            "timestamp": event_class.create_timestamp(),
            "originator_topic": topic,
            **fields,
        },
    )
    aggregate = cls.__new__(cls)
    aggregate.__base_init__(event.originator_id, event.originator_version, event.timestamp)
    aggregate.__init__()  # type: ignore[misc]
    event.apply(aggregate)
    aggregate.pending_events.append(event)
    return aggregate


def trigger(aggregate: Aggregate, event_class: type[AggregateEvent], **fields: Any) -> None:
    """Apply a new event to an aggregate: what eventsourcing's `trigger_event` and `mutate` do for gongkai's events.

    Without re-checking that the event is the aggregate's next (it is built so) or copying the arguments.
    """
    event = build_event(
        event_class,
        {
            "originator_id": aggregate.id,
            "originator_version": aggregate.version + 1,
            "timestamp": event_class.create_timestamp(),
            **fields,
        },
    )
    event.apply(aggregate)
    aggregate.version = event.originator_version
    aggregate.modified_on = event.timestamp
    aggregate.pending_events.append(event)


def _subject(line: Line) -> str:
    if line.request:
        return f"申请 {line.request}"
    if line.case:
        return f"案件 {line.case}"
    return "机关"
