"""Export the event history in the import format (docs/import-format.md), one event a line, in recorded order.

Every line carries its `agency` and `clerk`, so that importing the file into an empty store gives the same
tables and the same history. Events that are not import lines are left out and counted: `agency_opened`
(implied by the agency's first line) and the scheduler's reminder bookkeeping (`reminder_*`), which says
when a reminder was sent, not what happened to an application.

`--year Y` exports a file that stands on its own: the whole history of every application counted in Y's
tables (received by its end and not closed before it), of every case appealed in Y and the application it
names, and the agency's facts of Y (its name, filings and reports of Y, Y's close and reopenings).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import MapperDeserialisationError

from domain.errors import Problem
from domain.event import DomainEvent
from domain.lines import LINE_MODELS, Line, LineError, parse_object
from projections.render.cells import csv_text, csv_text_back
from service.reading import EXPORT_HEAD, not_utf8

if TYPE_CHECKING:
    from projections.facts import CaseFacts
    from service.tracker import Tracker

TAIL = ("agency", "clerk")
# Fields whose CSV cell holds JSON (a number or an object), not text.
JSON_FIELDS = frozenset({"year", "days", "report", "figures"})
PAGE = 2000
# Fields that speak of this store's hash chain (a close's head): meaningless in the store an export goes to.
STORE_FIELDS = ("chain_position", "chain_hash")


@dataclass
class Exported:
    """How many events were exported, how many were left out (not import lines), and the damaged ones skipped."""

    lines: int = 0
    skipped: int = 0
    damaged: list[str] = field(default_factory=list)  # why each stored event that cannot be read was skipped


def _events(tracker: Tracker, counts: Exported) -> Iterator[DomainEvent]:
    """Yield the stored events in recorded order; one that cannot be read is skipped and named in `counts`."""
    app, start = tracker.app, 0
    while notes := app.recorder.select_notifications(start=start, limit=PAGE, inclusive_of_start=False):
        for note in notes:
            try:
                event = app.mapper.to_domain_event(note)
            except MapperDeserialisationError as error:
                counts.damaged.append(str(error))
                continue
            assert isinstance(event, DomainEvent)
            yield event
        start = notes[-1].id


def line_of(event: DomainEvent) -> dict[str, Any]:
    """Return an event as an import object: event, request/case, date, its fields, agency, clerk."""
    fields = event.business_fields()
    for key in STORE_FIELDS:
        fields.pop(key, None)
    data: dict[str, Any] = {"event": event.name}
    for key in ("request", "case"):
        if key in fields:
            data[key] = fields.pop(key)
    data["date"] = event.date.isoformat()
    data.update(fields)
    data.update(agency=event.agency, clerk=event.clerk)
    return data


def _in_year(tracker: Tracker, year: int) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Return the (agency, number) of the applications and cases a year's export holds."""
    requests = {
        (f.agency, f.number)
        for f in tracker.view.requests(_stored_agency(tracker))
        if f.received.year <= year and (f.closed is None or f.closed.year >= year)
    }
    cases = {(c.agency, c.number) for c in _all_cases(tracker) if c.appealed.year == year}
    requests |= {(c.agency, c.request) for c in _all_cases(tracker) if (c.agency, c.number) in cases}
    return requests, cases


def _all_cases(tracker: Tracker) -> list[CaseFacts]:
    return list(tracker.view.cases(_stored_agency(tracker)))


def _stored_agency(tracker: Tracker) -> str | None:
    """Return the agency chosen with --agency, as its events carry it (None: every agency)."""
    return tracker.stored_code(tracker.settings.agency) if tracker.settings.agency else None


def _agency_fact_of_year(event: DomainEvent, year: int) -> bool:
    from domain.agency import Agency

    if isinstance(event, Agency.Named):
        return True
    if isinstance(
        event,
        Agency.YearClosed
        | Agency.YearReopened
        | Agency.AnnualReportPublished
        | Agency.ProactiveFiguresRecorded
        | Agency.ReportTextRecorded,
    ):
        return event.year == year
    if isinstance(event, Agency.MonthlyFilingSubmitted):
        return event.month.startswith(f"{year}-")
    return event.date.year == year


def export_objects(
    tracker: Tracker, *, year: int | None = None, counts: Exported | None = None
) -> Iterator[dict[str, Any]]:
    """Yield every recorded event (of the chosen agency and year) as an import object, in recorded order."""
    counts = counts if counts is not None else Exported()
    tracker.catch_up()
    only = _stored_agency(tracker)
    aliases = tracker.aliases()  # the placeholder given its real code: each line carries the real one
    requests, cases = _in_year(tracker, year) if year is not None else (set(), set())
    for event in _events(tracker, counts):
        if event.name not in LINE_MODELS:
            counts.skipped += 1
            continue
        if only and event.agency != only:
            continue
        if year is not None and not _wanted(event, year, requests, cases):
            continue
        counts.lines += 1
        line = line_of(event)
        if aliases:
            line["agency"] = aliases.get(line["agency"], line["agency"])
        yield line


def _wanted(event: DomainEvent, year: int, requests: set[tuple[str, str]], cases: set[tuple[str, str]]) -> bool:
    case = getattr(event, "case", None)
    if case is not None:
        return (event.agency, case) in cases
    request = getattr(event, "request", None)
    if request is not None:
        return (event.agency, request) in requests
    return _agency_fact_of_year(event, year)


def to_jsonl(objects: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Yield JSON Lines, one object a line."""
    for data in objects:
        yield json.dumps(data, ensure_ascii=False) + "\n"


def to_csv(objects: Iterable[dict[str, Any]]) -> str:
    """Return the objects as CSV: event, request, case, date, the other fields (sorted), agency, clerk.

    Text a spreadsheet would run as a formula gets an apostrophe first (projections/render/cells.py); `import`
    of the CSV removes it again.
    """
    rows = list(objects)
    middle = sorted({key for data in rows for key in data} - set(EXPORT_HEAD) - set(TAIL))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*EXPORT_HEAD, *middle, *TAIL], lineterminator="\n")
    writer.writeheader()
    for data in rows:
        writer.writerow(
            {k: json.dumps(v, ensure_ascii=False) if k in JSON_FIELDS else csv_text(v) for k, v in data.items()}
        )
    return out.getvalue()


def csv_objects(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, import object) from an exported CSV; empty cells are left out."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    for row in reader:
        data: dict[str, Any] = {}
        for key, value in row.items():
            if key is None or value in (None, ""):
                continue
            data[key] = _cell(key, value)
        yield reader.line_num, data


def _cell(key: str, value: str) -> object:
    if key not in JSON_FIELDS:
        return csv_text_back(value)
    try:
        return json.loads(value)
    except ValueError:
        return value  # left as text: the line's validation names the field


def csv_lines(data: bytes, problems: list[Problem]) -> list[tuple[int, Line]]:
    """Return the validated lines of an exported CSV; append a message for every bad one."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(1, None, not_utf8(error.start + 1)))
        return []
    lines: list[tuple[int, Line]] = []
    for number, data_object in csv_objects(text):
        try:
            lines.append((number, parse_object(data_object)))
        except LineError as error:
            problems.append(Problem(number, error.field, error.reason))
    return lines
